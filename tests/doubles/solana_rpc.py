"""A Solana JSON-RPC node on 127.0.0.1, backed by the paper executor.

It speaks JSON-RPC 2.0 over HTTP with the request and response shapes of a real
node (``context.slot``, ``value``, base64 account data, ``InstructionError``
errors, -32002 preflight failures with ``data``), so solana-py, solders' parsers
and the venue's confirmation logic all run unchanged. Methods: getLatestBlockhash,
getBlockHeight, simulateTransaction, sendTransaction, getSignatureStatuses,
getTransaction, getAccountInfo, getMultipleAccounts.

Cluster semantics kept: block height is the executor's slot; a blockhash is valid
for 150 of them; with ``skipPreflight`` a transaction the leader would refuse
(expired blockhash, bad signature, replay) is answered with its signature and
simply never lands; accounts are the Anchor account bytes of the executor's
committed engine state (quantdesk.exchange.solana encodes them, zero-padded).

``faults`` makes it misbehave like a real network: cut the connection after a
send executed, lose sends, answer statuses with null for a while (lagging behind
the sends), delay any method or single calls (so answers arrive out of order),
answer with raw error objects (including ones without ``data``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from quantdesk.exchange import TransactionRejected, slot_at
from quantdesk.exchange.paper import Failure, PaperExecutor, TxOutcome
from quantdesk.exchange.solana import encode_state, event_log_line

API_VERSION = "2.1.0"
FINALIZED_AFTER_SLOTS = 32
_U64_MAX = 2**64 - 1
_EVENT_LOG = "Program log: event "
_UNREADABLE = frozenset({"SanitizeFailure", "TooLarge", "UnsupportedVersion", "DurableNonceRefused"})


@dataclass
class Faults:
    """What the double does wrong next. Counters count down as they fire."""

    drop_send_responses: int = 0  # sendTransaction executes, then the connection is cut before the answer
    lose_sends: int = 0  # sendTransaction answers the signature but never executes it (a leader dropped it)
    null_statuses: int = 0  # getSignatureStatuses answers null for every signature (a lagging node)
    delays: dict[str, float] = field(default_factory=dict)  # method -> seconds to wait before answering
    delay_next: dict[str, list[float]] = field(default_factory=dict)  # method -> per-call delays, in call order
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # method -> error objects to answer with
    before: dict[str, Callable[[], None]] = field(default_factory=dict)  # method -> hook run first (move the clock)


class _RpcFailure(Exception):
    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            self.error["data"] = data


class _ConnectionCut(Exception):
    """Raised inside the app after the response started: the server drops the connection."""


class _QuietCuts(logging.Filter):
    """uvicorn logs an app exception with a traceback; a deliberate cut is not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _ConnectionCut))


class SolanaRpcDouble:
    """An ASGI app; serve it with tests.doubles.loopback.serve."""

    def __init__(self, executor: PaperExecutor, clock: Callable[[], datetime]) -> None:
        self.executor = executor
        self.idl = executor.idl
        self.clock = clock
        self.faults = Faults()
        self.calls: list[str] = []
        self.sent: list[str] = []  # signatures of every sendTransaction that reached the node
        self._outcomes: dict[str, TxOutcome] = {}
        self._raw: dict[str, bytes] = {}
        self._lock = threading.Lock()
        error_log = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, _QuietCuts) for f in error_log.filters):
            error_log.addFilter(_QuietCuts())
        self._methods: dict[str, Callable[[list[Any]], Any]] = {
            "getLatestBlockhash": self._get_latest_blockhash, "getBlockHeight": self._get_block_height,
            "simulateTransaction": self._simulate_transaction, "sendTransaction": self._send_transaction,
            "getSignatureStatuses": self._get_signature_statuses, "getTransaction": self._get_transaction,
            "getAccountInfo": self._get_account_info, "getMultipleAccounts": self._get_multiple_accounts,
        }

    def count(self, method: str) -> int:
        return self.calls.count(method)

    # --- HTTP -------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            request = json.loads(body)
        except ValueError:
            await _respond(send, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}})
            return
        try:
            answer = await self._handle(request)
        except _ConnectionCut:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            raise
        await _respond(send, answer)

    async def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method, rid, params = request.get("method"), request.get("id"), request.get("params") or []
        with self._lock:
            self.calls.append(str(method))
            queued = self.faults.errors.get(str(method)) or []
            error = queued.pop(0) if queued else None
            cut = method == "sendTransaction" and self.faults.drop_send_responses > 0
            if cut:
                self.faults.drop_send_responses -= 1
            planned = self.faults.delay_next.get(str(method)) or []
            delay = planned.pop(0) if planned else self.faults.delays.get(str(method), 0.0)
        hook = self.faults.before.get(str(method))
        if hook is not None:
            hook()
        if delay:
            await asyncio.sleep(delay)
        if error is not None:
            return {"jsonrpc": "2.0", "id": rid, "error": error}
        handler = self._methods.get(str(method))
        if handler is None:
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "Method not found"}}
        try:
            result = await asyncio.to_thread(handler, params)
        except _RpcFailure as failure:
            return {"jsonrpc": "2.0", "id": rid, "error": failure.error}
        if cut:
            raise _ConnectionCut
        return {"jsonrpc": "2.0", "id": rid, "result": result}

    # --- methods -----------------------------------------------------------------------
    def _context(self) -> dict[str, Any]:
        return {"slot": slot_at(self.clock()), "apiVersion": API_VERSION}

    def _get_latest_blockhash(self, _params: list[Any]) -> dict[str, Any]:
        issued = self.executor.latest_blockhash()
        return {"context": {"slot": issued.slot, "apiVersion": API_VERSION},
                "value": {"blockhash": str(issued.blockhash), "lastValidBlockHeight": issued.last_valid_slot}}

    def _get_block_height(self, _params: list[Any]) -> int:
        return slot_at(self.clock())

    def _simulate_transaction(self, params: list[Any]) -> dict[str, Any]:
        raw, config = _transaction_param(params)
        if config.get("replaceRecentBlockhash"):
            raise _RpcFailure(-32602, "Invalid params: replaceRecentBlockhash is not supported by this node")
        try:
            outcome = self.executor.simulate(raw, sig_verify=bool(config.get("sigVerify", False)))
        except TransactionRejected as exc:
            return {"context": self._context(), "value": _simulation(self._rejection(exc), [])}
        return {"context": self._context(), "value": _simulation(_err(outcome), self._logs(outcome))}

    def _send_transaction(self, params: list[Any]) -> str:
        raw, config = _transaction_param(params)
        signature = _signature(raw)
        with self._lock:
            self.sent.append(signature)
        if not config.get("skipPreflight", False):
            self._preflight(raw, signature)
        with self._lock:
            lose = self.faults.lose_sends > 0
            if lose:
                self.faults.lose_sends -= 1
        if lose:
            return signature
        try:
            outcome = self.executor.submit(raw)
        except TransactionRejected as exc:
            if exc.code in _UNREADABLE:
                raise _RpcFailure(-32602, f"invalid transaction: {exc}") from None
            return signature  # the leader drops it (expired, bad signature, replay): it never lands
        with self._lock:
            self._outcomes[signature], self._raw[signature] = outcome, raw
        return signature

    def _preflight(self, raw: bytes, signature: str) -> None:
        if signature in self._outcomes or self.executor.status(signature) is not None:
            raise _RpcFailure(-32002, "Transaction simulation failed: This transaction has already been processed",
                              _simulation("AlreadyProcessed", []))
        try:
            outcome = self.executor.simulate(raw, sig_verify=True)
        except TransactionRejected as exc:
            err = self._rejection(exc)
            raise _RpcFailure(-32002, f"Transaction simulation failed: {exc}", _simulation(err, [])) from None
        if outcome.failure is not None:
            raise _RpcFailure(-32002, f"Transaction simulation failed: Error processing Instruction "
                              f"{outcome.failure.instruction_index}: custom program error: {hex(outcome.failure.code)}",
                              _simulation(_err(outcome), self._logs(outcome)))

    def _get_signature_statuses(self, params: list[Any]) -> dict[str, Any]:
        signatures = list(params[0])
        with self._lock:
            lagging = self.faults.null_statuses > 0
            if lagging:
                self.faults.null_statuses -= 1
        value = [None if lagging else self._status(s) for s in signatures]
        return {"context": self._context(), "value": value}

    def _status(self, signature: str) -> dict[str, Any] | None:
        status = self.executor.status(signature)
        if status is None:
            return None
        err = self._landed_err(signature, status.ok, status.error)
        behind = slot_at(self.clock()) - status.slot
        finalized = behind >= FINALIZED_AFTER_SLOTS
        return {"slot": status.slot, "confirmations": None if finalized else behind, "err": err,
                "status": {"Ok": None} if err is None else {"Err": err},
                "confirmationStatus": "finalized" if finalized else "confirmed"}

    def _get_transaction(self, params: list[Any]) -> dict[str, Any] | None:
        signature = str(params[0])
        config = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
        if config.get("encoding", "json") != "base64":
            raise _RpcFailure(-32602, "Invalid params: this node serves transactions as base64 only")
        status = self.executor.status(signature)
        raw = self._raw.get(signature)
        if status is None or raw is None:
            return None  # unknown, or sent around this node: like a node without that history
        err = self._landed_err(signature, status.ok, status.error)
        outcome = self._outcomes.get(signature)
        logs = self._logs(outcome) if outcome is not None else self._cluster_logs(status.logs, None)
        keys = len(VersionedTransaction.from_bytes(raw).message.account_keys)
        meta = {"err": err, "status": {"Ok": None} if err is None else {"Err": err}, "fee": 5000,
                "preBalances": [0] * keys, "postBalances": [0] * keys, "innerInstructions": [],
                "logMessages": logs, "preTokenBalances": [], "postTokenBalances": [], "rewards": [],
                "loadedAddresses": {"writable": [], "readonly": []}, "computeUnitsConsumed": 0}
        return {"slot": status.slot, "blockTime": int(self.clock().timestamp()), "version": 0,
                "transaction": [base64.b64encode(raw).decode(), "base64"], "meta": meta}

    def _get_account_info(self, params: list[Any]) -> dict[str, Any]:
        result = self._get_multiple_accounts([[params[0]], *params[1:]])
        return {"context": result["context"], "value": result["value"][0]}

    def _get_multiple_accounts(self, params: list[Any]) -> dict[str, Any]:
        keys = [Pubkey.from_string(k) for k in params[0]]
        config = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
        if config.get("encoding") != "base64":
            raise _RpcFailure(-32602, "Invalid params: this node serves account data as base64 only")
        context = self._context()
        if (config.get("minContextSlot") or 0) > context["slot"]:
            raise _RpcFailure(-32016, "Minimum context slot has not been reached", {"contextSlot": context["slot"]})
        accounts = encode_state(self.idl, self.executor.state())
        return {"context": context, "value": [self._account(accounts.get(k)) for k in keys]}

    def _account(self, data: bytes | None) -> dict[str, Any] | None:
        if data is None:
            return None
        return {"data": [base64.b64encode(data).decode(), "base64"], "executable": False,
                "lamports": (128 + len(data)) * 3480 * 2, "owner": str(self.idl.program_id),
                "rentEpoch": _U64_MAX, "space": len(data)}

    # --- shapes --------------------------------------------------------------------------
    def _rejection(self, exc: TransactionRejected) -> str:
        """A TransactionError name for an admission refusal, or the RPC error a node answers instead."""
        if exc.code == "SignatureFailure":
            raise _RpcFailure(-32003, "Transaction signature verification failure") from None  # no data, as real
        if exc.code in _UNREADABLE:
            raise _RpcFailure(-32602, f"invalid transaction: {exc}") from None
        return exc.code

    def _landed_err(self, signature: str, ok: bool, error: str | None) -> Any:
        if ok:
            return None
        outcome = self._outcomes.get(signature)
        if outcome is not None:
            return _err(outcome)
        match = re.search(r"\((\d+)\)", error or "")
        return {"InstructionError": [0, {"Custom": int(match.group(1)) if match else 0}]}

    def _logs(self, outcome: TxOutcome) -> list[str]:
        return self._cluster_logs(outcome.logs, outcome.failure)

    def _cluster_logs(self, lines: Iterable[str], failure: Failure | None) -> list[str]:
        """The executor's logs as a cluster writes them: events as ``Program data:``,
        the failure in Anchor's ``AnchorError`` form."""
        failure_line = None if failure is None else f"Program log: {failure.name}: {failure.message}"
        logs = []
        for line in lines:
            if line.startswith(_EVENT_LOG):
                logs.append(event_log_line(self.idl, json.loads(line[len(_EVENT_LOG):])))
            elif failure is not None and line == failure_line:
                logs.append(f"Program log: AnchorError occurred. Error Code: {failure.name}. "
                            f"Error Number: {failure.code}. Error Message: {failure.message}.")
            else:
                logs.append(line)
        return logs


def _err(outcome: TxOutcome) -> Any:
    failure = outcome.failure
    return None if failure is None else {"InstructionError": [failure.instruction_index, {"Custom": failure.code}]}


def _simulation(err: Any, logs: list[str]) -> dict[str, Any]:
    return {"err": err, "logs": logs, "accounts": None, "unitsConsumed": 0, "returnData": None,
            "innerInstructions": None, "replacementBlockhash": None}


def _transaction_param(params: list[Any]) -> tuple[bytes, dict[str, Any]]:
    config = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
    if config.get("encoding", "base58") != "base64":
        raise _RpcFailure(-32602, "Invalid params: this node accepts base64 transactions only")
    try:
        return base64.b64decode(params[0], validate=True), config
    except (ValueError, TypeError, IndexError):
        raise _RpcFailure(-32602, "Invalid params: transaction is not base64") from None


def _signature(raw: bytes) -> str:
    try:
        return str(VersionedTransaction.from_bytes(raw).signatures[0])
    except (ValueError, IndexError):
        raise _RpcFailure(-32602, "invalid transaction: failed to deserialize") from None


async def _respond(send: Callable[..., Any], answer: dict[str, Any]) -> None:
    body = json.dumps(answer).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
