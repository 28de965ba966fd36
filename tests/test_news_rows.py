"""The row types of news (bot/core/news/rows.py) have exactly their tables' columns, so that a
column added by a migration is typed as well, and a subscription's filters are every name
option's column."""

import pytest

from bot.core.names.options import NAME_OPTIONS
from bot.core.news.rows import (
    AlertDeliveryRow,
    AlertRow,
    BatchRow,
    DeliveryRow,
    SubscriptionRow,
)
from bot.core.news.subscriptions import FILTER_COLUMNS, FilterValues
from bot.core.store.database import Store


@pytest.mark.parametrize(
    ("row_type", "table"),
    [
        (SubscriptionRow, "subscriptions"),
        (DeliveryRow, "deliveries"),
        (AlertRow, "alerts"),
        (AlertDeliveryRow, "alert_deliveries"),
        (BatchRow, "batches"),
    ],
)
def test_each_row_type_has_its_tables_columns(store: Store, row_type: type, table: str) -> None:
    columns = {row[1] for row in store.conn.execute(f"PRAGMA table_info({table})")}
    assert set(row_type.__annotations__) == columns


def test_a_subscriptions_filters_are_the_topic_the_house_and_each_name_options_column() -> None:
    expected = {"topic", "house", *(option.column for option in NAME_OPTIONS)}
    assert set(FILTER_COLUMNS) == expected == set(FilterValues.__annotations__)
