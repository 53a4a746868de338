"""The ingest port (3003): ``/status`` (JSON), ``/metrics`` (Prometheus text)
and ``/healthz``. Metrics are collected from the status at scrape time, so the
numbers on both endpoints are the same numbers, counted once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from quantdesk.errors import port_error
from quantdesk.ingest._status import IngestStatus

__all__ = ["StatusServer", "metrics_registry"]

_BREAKER_STATES = ("closed", "half_open", "open")
_QUALITIES = ("ok", "stale", "wide", "halted")


class _StatusCollector(Collector):
    def __init__(self, status: Callable[[], IngestStatus]) -> None:
        self._status = status

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        s = self._status()
        for name, value, doc in (
            ("ticks_received", s.ticks_received, "Price updates received from the source."),
            ("ticks_written", s.ticks_written, "Ticks inserted into Postgres."),
            ("ticks_duplicate", s.duplicates, "Ticks not inserted because already stored."),
            ("ticks_rejected", s.rejected, "Updates for feeds not in the registry."),
            ("source_failures", s.breaker.total_failures, "Source failures (connection, HTTP, RPC)."),
            ("breaker_opens", s.breaker.opens, "Times the circuit breaker opened."),
        ):
            yield CounterMetricFamily(f"quantdesk_ingest_{name}", doc, value=value)
        state = GaugeMetricFamily("quantdesk_ingest_breaker_state", "1 for the breaker's current state.",
                                  labels=["state"])
        for name in _BREAKER_STATES:
            state.add_metric([name], 1.0 if s.breaker.state == name else 0.0)
        yield state
        yield GaugeMetricFamily("quantdesk_ingest_leader", "1 if this instance holds the ingest lock.",
                                value=1.0 if s.role == "leader" else 0.0)
        yield GaugeMetricFamily("quantdesk_ingest_ticks_per_second", "Recent receive rate.", value=s.ticks_per_s)
        yield GaugeMetricFamily("quantdesk_ingest_pending_ticks", "Ticks buffered, not yet written.", value=s.pending)
        if s.lag_s is not None:
            yield GaugeMetricFamily("quantdesk_ingest_lag_seconds", "Now minus the newest stored publish time.",
                                    value=s.lag_s)
        if s.last_write_ms is not None:
            yield GaugeMetricFamily("quantdesk_ingest_last_write_milliseconds", "Duration of the last batch write.",
                                    value=s.last_write_ms)
        age = GaugeMetricFamily("quantdesk_price_age_seconds", "Age of the latest price per symbol.",
                                labels=["symbol"])
        quality = GaugeMetricFamily("quantdesk_price_quality", "1 for the latest price's quality per symbol.",
                                    labels=["symbol", "quality"])
        for feed in s.feeds:
            age.add_metric([feed.symbol], float(feed.age_s))
            for q in _QUALITIES:
                quality.add_metric([feed.symbol, q], 1.0 if feed.quality == q else 0.0)
        yield age
        yield quality


def metrics_registry(status: Callable[[], IngestStatus]) -> CollectorRegistry:
    """A registry of its own (never the global default) reporting ``status()``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StatusCollector(status))
    return registry


class StatusServer:
    """aiohttp server for the three endpoints on ``host:port``."""

    def __init__(self, status: Callable[[], IngestStatus], *, host: str, port: int) -> None:
        self._status = status
        self._registry = metrics_registry(status)
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None

    async def _get_status(self, _request: web.Request) -> web.Response:
        return web.Response(text=self._status().model_dump_json(), content_type="application/json")

    async def _get_metrics(self, _request: web.Request) -> web.Response:
        body = generate_latest(self._registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _get_health(self, _request: web.Request) -> web.Response:
        s = self._status()
        healthy = s.role in ("leader", "standby") and s.breaker.state != "open"
        return web.json_response({"ok": healthy, "role": s.role, "breaker": s.breaker.state},
                                 status=200 if healthy else 503)

    async def start(self) -> None:
        app = web.Application()
        app.add_routes([web.get("/status", self._get_status), web.get("/metrics", self._get_metrics),
                        web.get("/healthz", self._get_health)])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._host, self._port).start()
        except OSError as exc:
            await self.stop()
            raise port_error(self._host, self._port, "QUANTDESK_INGEST_PORT", exc) from None

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
