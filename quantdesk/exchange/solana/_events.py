"""The program's events in transaction logs, in both directions.

On a cluster an event is a ``Program data: <base64>`` log line (Anchor's
``emit!``: discriminator + Borsh). Callers of any venue see events in one shape:
the engine codec's JSON (``{"type": "OrderFilled", "price": …}``, as the paper
venue returns them), so this module converts between that shape and the IDL's.
The IDL and the engine name events and fields alike (programs/quantdesk_perp/src/
events.rs emits the engine's events one for one); only value forms differ.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from quantdesk.exchange._idl import PerpIdl

PROGRAM_DATA = "Program data: "
_ENUM_FIELDS = ("side", "kind", "pool")


def event_log_line(idl: PerpIdl, event: Mapping[str, Any]) -> str:
    """The log line the program writes for ``event`` (engine codec JSON)."""
    name = str(event["type"])
    fields = {k: _to_idl(k, v) for k, v in event.items() if k != "type"}
    return PROGRAM_DATA + base64.b64encode(idl.encode_event(name, fields)).decode()


def events_from_logs(idl: PerpIdl, logs: Iterable[str]) -> tuple[dict[str, Any], ...]:
    """The program's events in ``logs``, as engine codec JSON, in emission order."""
    events = []
    for line in logs:
        if not line.startswith(PROGRAM_DATA):
            continue
        try:
            decoded = idl.decode_event(line[len(PROGRAM_DATA):])
        except Exception:  # noqa: BLE001 - "Program data:" of other programs or return data: not our event
            continue
        if decoded is None:
            continue
        name, fields = decoded
        events.append({**{k: _from_idl(k, v) for k, v in fields.items()}, "type": name})
    return tuple(events)


def _to_idl(name: str, value: Any) -> Any:
    if name == "pyth_feed_id":
        return list(bytes.fromhex(value))
    if name == "cumulative_funding":
        return int(value)
    if name in _ENUM_FIELDS:
        return {"".join(part.title() for part in str(value).split("_")): {}}
    return value


def _from_idl(name: str, value: Any) -> Any:
    if name == "pyth_feed_id":
        return bytes(value).hex()
    if name == "cumulative_funding":
        return str(value)
    if name in _ENUM_FIELDS:
        (variant,) = value
        return "".join(("_" + c.lower()) if c.isupper() and i else c.lower() for i, c in enumerate(variant))
    return value
