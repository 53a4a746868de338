"""The ingest service: keeps Postgres current with Pyth prices (ticks, 1m/5m/1h
candles), publishes price events in-process and over LISTEN/NOTIFY, and reports
its status on the ingest port and in ``ingest_status``."""

from quantdesk.ingest._batch import COPY_COLUMNS, TickBatch, TickBatchBuilder, copy_text
from quantdesk.ingest._candles import INTERVALS, CandleRow, MinuteCandles, aggregate
from quantdesk.ingest._http import StatusServer, metrics_registry
from quantdesk.ingest._leader import INGEST_LOCK_KEY, Leadership
from quantdesk.ingest._moves import MOVE_WINDOWS, Candles, PriceMove, price_moves
from quantdesk.ingest._prices import PostgresPrices, StoredCandle, listen_price_events
from quantdesk.ingest._retention import trim_ticks
from quantdesk.ingest._rollup import rollup
from quantdesk.ingest._service import IngestService
from quantdesk.ingest._status import UPSERT_STATUS_SQL, BreakerStatus, FeedStatus, IngestStatus, read_status
from quantdesk.ingest._writer import PRICE_CHANNEL, TickWriter, WriteResult

__all__ = [
    "COPY_COLUMNS",
    "INGEST_LOCK_KEY",
    "INTERVALS",
    "MOVE_WINDOWS",
    "PRICE_CHANNEL",
    "BreakerStatus",
    "CandleRow",
    "Candles",
    "FeedStatus",
    "IngestService",
    "IngestStatus",
    "Leadership",
    "MinuteCandles",
    "PostgresPrices",
    "PriceMove",
    "StatusServer",
    "StoredCandle",
    "TickBatch",
    "TickBatchBuilder",
    "TickWriter",
    "WriteResult",
    "aggregate",
    "copy_text",
    "listen_price_events",
    "metrics_registry",
    "price_moves",
    "read_status",
    "trim_ticks",
    "UPSERT_STATUS_SQL",
    "rollup",
]
