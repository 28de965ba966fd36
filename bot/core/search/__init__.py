"""Finding answers: full-text search, excerpts, saved searches and the views replies are drawn
from."""
