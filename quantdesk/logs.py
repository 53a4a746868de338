"""Structured logging: JSON lines when stderr is not a terminal, readable
console lines when it is. Context ids (request, thread, ticket, order) are bound
with :func:`bind_ids` and appear on every line logged inside that context.

A redaction processor drops the value of any key that looks like key material
or a credential, as a second line of defence behind ``SecretStr``; then every
text value (and every stdlib log line, e.g. httpx's "HTTP Request: GET <url>")
has the credentials inside URLs masked by :func:`quantdesk.masking.mask_url`.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from pydantic import SecretStr

from quantdesk.config import Settings
from quantdesk.masking import mask_url

__all__ = ["configure_logging", "bind_ids", "get_logger", "new_request_id"]

_SENSITIVE_MARKERS = ("secret", "password", "passphrase", "private_key", "keypair", "api_key", "token", "seed")


def _redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        lowered = key.lower()
        value = event[key]
        if isinstance(value, SecretStr) or any(marker in lowered for marker in _SENSITIVE_MARKERS):
            event[key] = "[redacted]"
    return event


def _mask_urls(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = mask_url(value)
    return event


class _MaskingFormatter(logging.Formatter):
    """Stdlib lines (libraries' own logs, tracebacks included) with URL credentials masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_url(super().format(record))


def configure_logging(settings: Settings, *, stream: Any = None) -> None:
    """Configure structlog and the stdlib root logger once per process."""
    stream = stream or sys.stderr
    as_json = settings.log_format == "json" or (settings.log_format == "auto" and not stream.isatty())
    renderer: Any = structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    level = logging.getLevelName(settings.log_level)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact,
            structlog.processors.format_exc_info,
            _mask_urls,  # after format_exc_info, so tracebacks are masked too
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)


def get_logger(name: str) -> Any:
    """A structlog logger named for its module."""
    return structlog.get_logger(name)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def bind_ids(**ids: str) -> Iterator[None]:
    """Bind ids (``request_id``, ``thread_id``, ``ticket``…) to every log line in this context."""
    with structlog.contextvars.bound_contextvars(**ids):
        yield
