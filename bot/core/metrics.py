"""Prometheus metrics for operators, served only when ``METRICS_PORT`` is set, on
``METRICS_HOST`` (default ``127.0.0.1``: this machine only).

The metrics live in their own registry and are recorded whether or not they are served (a
counter's increment costs well under a microsecond), so no code path asks "is it on?".
"""

from __future__ import annotations

import logging
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()

INTERACTION_SECONDS = Histogram(
    "writtenanswers_interaction_seconds",
    "From an interaction's creation to its command finishing, by command",
    ["command"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
    registry=REGISTRY,
)
LOOP_LAG_SECONDS = Histogram(
    "writtenanswers_loop_lag_seconds",
    "How late the event loop's watchdog tick woke",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 1, 5),
    registry=REGISTRY,
)
POLLS = Counter(
    "writtenanswers_polls", "Polls of Parliament's API, by outcome", ["outcome"],
    registry=REGISTRY,
)
POLL_CALLS = Counter(
    "writtenanswers_poll_api_calls", "Calls to Parliament's API made by polls, by kind",
    ["kind"], registry=REGISTRY,
)
POLL_CALLS_PER_POLL = Histogram(
    "writtenanswers_poll_api_calls_per_poll",
    "Calls to Parliament's API one successful poll made (list calls and full views)",
    buckets=(1, 2, 3, 5, 10, 20, 50, 100, 250),
    registry=REGISTRY,
)
CHANGE_BACKLOG = Gauge(
    "writtenanswers_change_log_backlog",
    "Change-log entries not yet matched to subscriptions",
    registry=REGISTRY,
)
DELIVERIES_PENDING = Gauge(
    "writtenanswers_deliveries_pending", "Deliveries claimed and not yet posted",
    registry=REGISTRY,
)
FAIR_USE_REFUSALS = Counter(
    "writtenanswers_fair_use_refusals",
    "Commands refused by a per-person fair-use limit, by command", ["command"],
    registry=REGISTRY,
)
POSTS_SENT = Counter(
    "writtenanswers_posts_sent", "Messages posted to channels", registry=REGISTRY
)


def serve(port: int | None, host: str = "127.0.0.1") -> WSGIServer | None:
    """Serve the metrics at ``http://host:port/metrics`` on a daemon thread; nothing (None) when
    ``port`` is None. Returns the server (its ``server_address`` is where it listens).

    ``host`` is the address listened on: ``127.0.0.1`` (the default) answers this machine only,
    ``0.0.0.0`` every interface (in a container whose port is published, say)."""
    if port is None:
        return None
    server, _thread = start_http_server(port, addr=host, registry=REGISTRY)
    log.info("metrics served on %s port %d", host, port)
    return server
