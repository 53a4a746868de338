"""The QuantDesk perp program's client, built from its committed IDL with the
Anchor Python client's coders (anchorpy3): instructions, accounts and events
are encoded and decoded by the IDL, never by hand-packed bytes.

Values cross this module as plain JSON-like data, the same convention the
shared byte vectors and the official TypeScript client use: integers as ints
(64/128-bit may also be decimal strings), pubkeys as base58 strings or
``Pubkey``, enums as ``{"Variant": {fields}}``, options as ``None`` or the value.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from anchorpy import AccountsCoder, EventCoder, Idl, InstructionCoder
from anchorpy.program.common import NamedInstruction
from anchorpy.program.namespace.types import _build_types  # pinned anchorpy3==0.4.5; the public path needs a Program
from construct import Container
from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from quantdesk.errors import VenueError

IDL_PATH = Path(__file__).resolve().parents[2] / "programs" / "quantdesk_perp" / "idl" / "quantdesk_perp.json"
_WIDE_INTS = frozenset({"u64", "i64", "u128", "i128", "u256", "i256"})
_INTS = frozenset({"u8", "i8", "u16", "i16", "u32", "i32"}) | _WIDE_INTS


class IdlError(VenueError):
    """Arguments or bytes that do not fit the program's IDL."""


class PerpIdl:
    """The program's IDL and coders. Build once per process and share."""

    def __init__(self, text: str) -> None:
        self.doc: dict[str, Any] = json.loads(text)
        self._idl = Idl.from_json(text)
        self.program_id = Pubkey.from_string(self.doc["address"])
        self._ix_coder = InstructionCoder(self._idl)
        self._types = _build_types(self._idl)
        self._typedefs = {t["name"]: t["type"] for t in self.doc.get("types", [])}
        self._instructions: dict[str, dict[str, Any]] = {ix["name"]: ix for ix in self.doc["instructions"]}

    @classmethod
    def load(cls, path: Path = IDL_PATH) -> PerpIdl:
        return cls(path.read_text(encoding="utf-8"))

    @cached_property
    def _accounts_coder(self) -> AccountsCoder:
        return AccountsCoder(self._idl)

    @cached_property
    def _event_coder(self) -> EventCoder:
        return EventCoder(self._idl)

    @property
    def instruction_names(self) -> list[str]:
        return list(self._instructions)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.doc.get("errors", []))

    # --- instructions ------------------------------------------------------
    def encode(self, name: str, args: Mapping[str, Any]) -> bytes:
        """Instruction data (discriminator + Borsh args) for ``name``."""
        spec = self._instruction(name)
        converted = {}
        for arg in spec["args"]:
            if arg["name"] not in args:
                raise IdlError(f"{name}: missing argument {arg['name']!r}")
            converted[arg["name"]] = self._to_coder(arg["type"], args[arg["name"]], f"{name}.{arg['name']}")
        extra = set(args) - {a["name"] for a in spec["args"]}
        if extra:
            raise IdlError(f"{name}: unknown arguments {sorted(extra)}")
        return bytes(self._ix_coder.encode(name, converted))

    def decode(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """The instruction name and its arguments (plain data) from instruction data."""
        try:
            parsed = self._ix_coder.parse(data)
        except Exception as exc:  # construct raises many unrelated types for bad bytes
            raise IdlError(f"instruction data does not decode with the IDL ({type(exc).__name__})") from None
        spec = self._instruction(parsed.name)
        return parsed.name, {a["name"]: self._from_coder(a["type"], parsed.data[a["name"]]) for a in spec["args"]}

    def instruction(self, name: str, args: Mapping[str, Any], accounts: Mapping[str, Pubkey]) -> Instruction:
        """A full instruction: data from ``args`` and account metas in IDL order with IDL flags.

        Accounts with a fixed address in the IDL (token and system programs) may be omitted.
        """
        metas = []
        for acc in self._instruction(name)["accounts"]:
            key = accounts.get(acc["name"])
            if key is None and "address" in acc:
                key = Pubkey.from_string(acc["address"])
            if key is None and acc.get("optional"):
                key = self.program_id  # Anchor's convention for an omitted optional account
            if key is None:
                raise IdlError(f"{name}: account {acc['name']!r} is required")
            metas.append(AccountMeta(key, is_signer=bool(acc.get("signer")), is_writable=bool(acc.get("writable"))))
        unknown = set(accounts) - {a["name"] for a in self._instruction(name)["accounts"]}
        if unknown:
            raise IdlError(f"{name}: unknown accounts {sorted(unknown)}")
        return Instruction(self.program_id, self.encode(name, args), metas)

    def doc_instruction(self, name: str) -> dict[str, Any]:
        """The instruction's IDL entry (accounts with their flags, args)."""
        return self._instruction(name)

    def account_names(self, name: str) -> list[str]:
        return [a["name"] for a in self._instruction(name)["accounts"]]

    # --- accounts and events -----------------------------------------------
    def decode_account(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """An account's type name and fields."""
        parsed = self._accounts_coder.parse(data)
        return parsed.name, self._from_coder({"defined": {"name": parsed.name}}, parsed.data)

    def decode_event(self, data: bytes | str) -> tuple[str, dict[str, Any]] | None:
        """An event from its bytes (or the base64 of a ``Program data:`` log line); None if unknown."""
        raw = base64.b64decode(data) if isinstance(data, str) else data
        event = self._event_coder.parse(raw)
        if event is None:
            return None
        return event.name, self._from_coder({"defined": {"name": event.name}}, event.data)

    def encode_account(self, name: str, fields: Mapping[str, Any]) -> bytes:
        """Account data (discriminator + Borsh) of account type ``name`` from plain fields."""
        value = self._to_coder({"defined": {"name": name}}, fields, name)
        return bytes(self._accounts_coder.build(NamedInstruction(data=_buildable(value), name=name)))

    def encode_event(self, name: str, fields: Mapping[str, Any]) -> bytes:
        """An event as Anchor's ``emit!`` logs it (discriminator + Borsh), from plain fields."""
        spec = next((e for e in self.doc.get("events", []) if e["name"] == name), None)
        if spec is None:
            raise IdlError(f"the program has no event {name!r}")
        value = self._to_coder({"defined": {"name": name}}, fields, name)
        return bytes(spec["discriminator"]) + bytes(self._event_coder.layouts[name].build(_buildable(value)))

    # --- PDAs ----------------------------------------------------------------
    def pda(self, *seeds: bytes) -> Pubkey:
        return Pubkey.find_program_address(list(seeds), self.program_id)[0]

    # --- conversion between plain data and the coders' objects --------------
    def _instruction(self, name: str) -> dict[str, Any]:
        try:
            return self._instructions[name]
        except KeyError:
            raise IdlError(f"the program has no instruction {name!r}") from None

    def _to_coder(self, typ: Any, value: Any, where: str) -> Any:
        if isinstance(typ, str):
            if typ in _INTS:
                if isinstance(value, bool) or not isinstance(value, int | str):
                    raise IdlError(f"{where}: expected an integer, got {value!r}")
                return int(value)
            if typ in ("pubkey", "publicKey"):
                return value if isinstance(value, Pubkey) else Pubkey.from_string(str(value))
            if typ == "bool":
                if not isinstance(value, bool):
                    raise IdlError(f"{where}: expected true/false, got {value!r}")
                return value
            if typ == "bytes":
                return bytes(value)
            return value
        if "option" in typ:
            return None if value is None else self._to_coder(typ["option"], value, where)
        if "vec" in typ:
            return [self._to_coder(typ["vec"], v, where) for v in value]
        if "array" in typ:
            inner, size = typ["array"]
            if len(value) != size:
                raise IdlError(f"{where}: expected {size} items, got {len(value)}")
            return [self._to_coder(inner, v, where) for v in value]
        if "defined" in typ:
            name = typ["defined"]["name"] if isinstance(typ["defined"], dict) else typ["defined"]
            definition = self._typedefs[name]
            if definition["kind"] == "struct":
                fields = {f["name"]: self._to_coder(f["type"], value[f["name"]], f"{where}.{f['name']}")
                          for f in definition["fields"]}
                return self._types[name](**fields)
            if definition["kind"] == "enum":
                if not isinstance(value, Mapping) or len(value) != 1:
                    raise IdlError(f"{where}: an enum value is {{\"Variant\": {{...}}}}, got {value!r}")
                (variant, payload), = value.items()
                spec = next((v for v in definition["variants"] if v["name"] == variant), None)
                if spec is None:
                    raise IdlError(f"{where}: {name} has no variant {variant!r}")
                fields = {f["name"]: self._to_coder(f["type"], (payload or {})[f["name"]], where)
                          for f in spec.get("fields", [])}
                return getattr(self._types[name], variant)(**fields)
        raise IdlError(f"{where}: unsupported IDL type {typ!r}")

    def _from_coder(self, typ: Any, value: Any) -> Any:
        if isinstance(typ, str):
            if typ in ("pubkey", "publicKey"):
                return str(value)
            if typ == "bytes":
                return list(value)
            return value
        if "option" in typ:
            return None if value is None else self._from_coder(typ["option"], value)
        if "vec" in typ:
            return [self._from_coder(typ["vec"], v) for v in value]
        if "array" in typ:
            return [self._from_coder(typ["array"][0], v) for v in value]
        name = typ["defined"]["name"] if isinstance(typ["defined"], dict) else typ["defined"]
        definition = self._typedefs[name]
        if definition["kind"] == "struct":
            return {f["name"]: self._from_coder(f["type"], _field(value, f["name"])) for f in definition["fields"]}
        variant = type(value).__name__
        spec = next(v for v in definition["variants"] if v["name"] == variant)
        return {variant: {f["name"]: self._from_coder(f["type"], getattr(value, f["name"]))
                          for f in spec.get("fields", [])}}


def _buildable(value: Any) -> Any:
    """Coder objects as plain data for building: anchorpy3 0.4.5 deep-copies structs with
    ``dataclasses.asdict``, which cannot copy a solders ``Pubkey``; its struct adapter
    accepts dicts, so structs become dicts and pubkeys their 32 bytes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _buildable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Pubkey):
        return bytes(value)
    if isinstance(value, list):
        return [_buildable(v) for v in value]
    return value


def _field(value: Any, name: str) -> Any:
    return value[name] if isinstance(value, Container | dict) else getattr(value, name)
