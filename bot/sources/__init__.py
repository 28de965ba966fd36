"""Parsers of the sources questions come from: the Parliament API's JSON (``api_json``) and
ParlParse XML (``parlparse``), both into ``records.ParsedQuestion``."""
