"""The JSON format shared by the vectors, the Rust runner and this mirror
(``programs/quantdesk_perp/vectors/README.md``), read and written exactly as
``engine_runner``'s codec does: strict (a missing or unknown field, a wrong type or
an out-of-range integer raises :class:`CodecError`), keys in base58, feed ids in
hex, 128-bit integers as decimal strings, absent values as null.

Functions take and return what ``json.loads`` / ``json.dumps`` handle.
"""

from quantdesk.engine.codec._fields import CodecError, Fields, decode_key, encode_key
from quantdesk.engine.codec._instruction import (
    decode_clock,
    decode_instruction,
    decode_oracle,
    decode_step,
    encode_clock,
    encode_instruction,
    encode_oracle,
    encode_step,
)
from quantdesk.engine.codec._outcome import (
    decode_error,
    decode_event,
    decode_outcome,
    encode_error,
    encode_event,
    encode_outcome,
)
from quantdesk.engine.codec._state import (
    decode_exchange,
    decode_market,
    decode_order,
    decode_state,
    decode_user,
    encode_exchange,
    encode_market,
    encode_order,
    encode_state,
    encode_user,
)

__all__ = [
    "CodecError",
    "Fields",
    "decode_clock",
    "decode_error",
    "decode_exchange",
    "decode_event",
    "decode_instruction",
    "decode_key",
    "decode_market",
    "decode_order",
    "decode_oracle",
    "decode_outcome",
    "decode_state",
    "decode_step",
    "decode_user",
    "encode_clock",
    "encode_error",
    "encode_event",
    "encode_exchange",
    "encode_instruction",
    "encode_key",
    "encode_market",
    "encode_oracle",
    "encode_order",
    "encode_outcome",
    "encode_state",
    "encode_step",
    "encode_user",
]
