"""The Solana venue: signed transactions to a cluster over JSON-RPC (solana-py).

It holds no signer and never signs: every method takes bytes a signer produced
after approval. What ``submit`` does, in order:

1. ``getSignatureStatuses`` for the transaction's signature: if this exact
   transaction already landed, its result is returned (a resend is harmless);
2. ``simulateTransaction`` (signatures verified, blockhash not replaced): a
   program error refuses it with :class:`PreflightRejected` and nothing is sent;
3. ``sendTransaction`` with ``skipPreflight`` (just simulated) and ``maxRetries: 0``
   (the venue rebroadcasts the same bytes itself every ``resend_s``); a lost
   response is not an error: the signature is known, so it is polled;
4. ``getSignatureStatuses`` every ``poll_s`` until the commitment is reached, then
   ``getTransaction`` for logs and events. When the block height passes the
   blockhash's ``lastValidBlockHeight`` first, the transaction can never land:
   :class:`TransactionRejected` (BlockhashNotFound) — build it again with a new
   blockhash and have *that* approved. At ``deadline_s``: :class:`SubmitTimeout`.

Expiry is known for blockhashes this venue handed out (``latest_blockhash``); for
others only the deadline applies. See _orders.py for the retry rule that keeps a
retried order from being placed twice, and _rpc.py for how RPC errors are read.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from solders.commitment_config import CommitmentLevel
from solders.instruction import Instruction
from solders.pubkey import Pubkey
from solders.rpc.config import (
    RpcContextConfig,
    RpcSendTransactionConfig,
    RpcSignatureStatusConfig,
    RpcSimulateTransactionConfig,
    RpcTransactionConfig,
)
from solders.rpc.requests import (
    GetBlockHeight,
    GetLatestBlockhash,
    GetSignatureStatuses,
    GetTransaction,
    SendVersionedTransaction,
    SimulateVersionedTransaction,
)
from solders.rpc.responses import (
    GetBlockHeightResp,
    GetLatestBlockhashResp,
    GetSignatureStatusesResp,
    GetTransactionResp,
    SendTransactionResp,
    SimulateTransactionResp,
)
from solders.signature import Signature
from solders.transaction import VersionedTransaction
from solders.transaction_status import UiTransactionEncoding

from quantdesk.engine import Order, State
from quantdesk.errors import VenueError
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange._txcheck import TransactionRejected
from quantdesk.exchange._venue import RecentBlockhash, SubmitTimeout, VenueResult
from quantdesk.exchange.solana._accounts import decode_user
from quantdesk.exchange.solana._budget import with_compute_budget
from quantdesk.exchange.solana._errors import (
    ErrorNames,
    PreflightRejected,
    RpcError,
    RpcUnavailable,
    transaction_error_name,
)
from quantdesk.exchange.solana._events import events_from_logs
from quantdesk.exchange.solana._orders import check_not_placed, find_by_client_id, placement_of
from quantdesk.exchange.solana._reader import StateReader
from quantdesk.exchange.solana._rpc import Rpc
from quantdesk.logs import get_logger

DEFAULT_COMMITMENT = "confirmed"
DEFAULT_DEADLINE_S = 60.0
DEFAULT_POLL_S = 0.5
DEFAULT_RESEND_S = 2.0
DEFAULT_RPC_TIMEOUT_S = 10.0
DEFAULT_COMPUTE_UNIT_LIMIT = 300_000
DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS = 1_000

_LEVELS = {"processed": CommitmentLevel.Processed, "confirmed": CommitmentLevel.Confirmed,
           "finalized": CommitmentLevel.Finalized}
_RANK = {"processed": 0, "confirmed": 1, "finalized": 2}
_REBUILD = "build it again with a new blockhash and have the new transaction approved (the venue never re-signs)"
_TX_ERRORS = {
    "BlockhashNotFound": f"the transaction's recent blockhash is unknown or expired: {_REBUILD}",
    "AlreadyProcessed": "this exact transaction was already processed",
    "SignatureFailure": "a signature does not verify for its signer",
    "InsufficientFundsForFee": "the fee payer has too little SOL for the fee",
    "AccountNotFound": "the fee payer account does not exist (no SOL)",
}
_REMEMBERED_BLOCKHASHES = 256
_UNKNOWN = object()  # a poll that got no answer
log = get_logger(__name__)


class SolanaVenue:
    """The Venue protocol over a Solana RPC endpoint, for the program ``idl`` describes.

    ``owners`` are the wallets whose trading accounts and open orders ``read_state``
    reads (the program's accounts can't be listed without getProgramAccounts).
    """

    name = "solana"

    def __init__(self, rpc_url: str, idl: PerpIdl, *, commitment: str = DEFAULT_COMMITMENT,
                 deadline_s: float = DEFAULT_DEADLINE_S, poll_s: float = DEFAULT_POLL_S,
                 resend_s: float = DEFAULT_RESEND_S, rpc_timeout_s: float = DEFAULT_RPC_TIMEOUT_S,
                 compute_unit_limit: int = DEFAULT_COMPUTE_UNIT_LIMIT,
                 priority_fee_micro_lamports: int = DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS,
                 owners: Sequence[Pubkey] = ()) -> None:
        if commitment not in ("confirmed", "finalized"):
            raise VenueError(f"commitment {commitment!r}: use 'confirmed' or 'finalized' ('processed' can roll back)")
        if deadline_s <= 0 or poll_s <= 0 or resend_s <= 0:
            raise VenueError("deadline_s, poll_s and resend_s must be positive")
        self.idl = idl
        self.commitment = commitment
        self.deadline_s, self.poll_s, self.resend_s = deadline_s, poll_s, resend_s
        self.compute_unit_limit = compute_unit_limit
        self.priority_fee_micro_lamports = priority_fee_micro_lamports
        self.owners: tuple[Pubkey, ...] = tuple(owners)
        self._level = _LEVELS[commitment]
        self._rpc = Rpc(rpc_url, commitment=commitment, timeout_s=rpc_timeout_s)
        self._pdas = Pdas(idl.program_id)
        self._reader = StateReader(self._rpc, idl, self._pdas, self._level)
        self._names = ErrorNames(idl)
        self._last_valid: OrderedDict[str, int] = OrderedDict()  # blockhash -> lastValidBlockHeight

    async def __aenter__(self) -> SolanaVenue:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._rpc.close()

    def with_compute_budget(self, instructions: Iterable[Instruction]) -> list[Instruction]:
        """``instructions`` with this venue's compute-unit limit and priority fee in front."""
        return with_compute_budget(instructions, self.compute_unit_limit, self.priority_fee_micro_lamports)

    # --- the Venue protocol ------------------------------------------------------------
    async def latest_blockhash(self) -> RecentBlockhash:
        """A recent blockhash; ``last_valid_slot`` is the cluster's lastValidBlockHeight."""
        body = GetLatestBlockhash(RpcContextConfig(commitment=self._level), id=self._rpc.next_id())
        resp, _ = await self._rpc.call(body, GetLatestBlockhashResp)
        issued = RecentBlockhash(resp.value.blockhash, resp.value.last_valid_block_height)
        self._last_valid[str(issued.blockhash)] = issued.last_valid_slot
        while len(self._last_valid) > _REMEMBERED_BLOCKHASHES:
            self._last_valid.popitem(last=False)
        return issued

    async def simulate(self, raw: bytes, *, sig_verify: bool = True) -> VenueResult:
        tx = _transaction(raw)
        config = RpcSimulateTransactionConfig(sig_verify=sig_verify, replace_recent_blockhash=False,
                                              commitment=self._level)
        try:
            _, result = await self._rpc.call(SimulateVersionedTransaction(tx, config, id=self._rpc.next_id()),
                                             SimulateTransactionResp)
        except RpcError as exc:
            raise _refusal(exc) from None
        value = result["value"]
        logs = tuple(value.get("logs") or ())
        return self._result(str(tx.signatures[0]), value.get("err"), logs, result["context"]["slot"], landed=False)

    async def submit(self, raw: bytes) -> VenueResult:
        tx = _transaction(raw)
        signature = str(tx.signatures[0])
        deadline = asyncio.get_running_loop().time() + self.deadline_s
        if await self._status_json(signature) is None:
            preflight = await self.simulate(raw, sig_verify=True)
            if not preflight.ok:
                raise PreflightRejected(signature, preflight.error_code, preflight.error_name or "ProgramError",
                                        preflight.error_message or f"{preflight.error_name} ({preflight.error_code})")
            await self._send(tx, signature, first=True)
        return await self._confirm(tx, signature, deadline)

    async def status(self, signature: str) -> VenueResult | None:
        """The transaction's result once it reached this venue's commitment, else None."""
        status = await self._status_json(signature)
        if status is None or not self._reached(status):
            return None
        return await self._landed(signature, status, asyncio.get_running_loop().time() + self.deadline_s)

    async def read_state(self) -> State:
        """The exchange, its markets, and the accounts and open orders of ``owners``."""
        return await self._reader.read(self.owners)

    async def read_state_for(self, owners: Sequence[Pubkey]) -> State:
        return await self._reader.read(owners)

    # --- idempotent orders (see _orders.py) ---------------------------------------------
    async def find_order_by_client_id(self, owner: Pubkey, client_order_id: int) -> Order | None:
        """``owner``'s resting order with this client order id (filled orders leave no account)."""
        return find_by_client_id(await self._reader.read([owner]), bytes(owner), client_order_id)

    async def submit_order_once(self, raw: bytes) -> VenueResult:
        """``submit`` for a transaction placing one order, refusing (OrderAlreadyPlaced,
        nothing sent) when that order id or client order id already landed. The same
        bytes again return the first result."""
        tx = _transaction(raw)
        if await self._status_json(str(tx.signatures[0])) is not None:
            return await self.submit(raw)
        placement = placement_of(self.idl, tx)
        (user_data,), _ = await self._reader.accounts([placement.user])
        if user_data is not None:
            owner = decode_user(self.idl, user_data).owner
            check_not_placed(self._pdas, await self._reader.read([Pubkey(owner)]), owner, placement)
        return await self.submit(raw)

    # --- internals -------------------------------------------------------------------
    async def _send(self, tx: VersionedTransaction, signature: str, *, first: bool) -> None:
        config = RpcSendTransactionConfig(skip_preflight=True, preflight_commitment=self._level, max_retries=0)
        try:
            await self._rpc.call(SendVersionedTransaction(tx, config, id=self._rpc.next_id()), SendTransactionResp)
        except RpcUnavailable as exc:
            # The request may have reached the node: the outcome is unknown, the signature is not.
            log.warning("solana.send_unanswered", signature=signature, error=str(exc))
        except RpcError as exc:
            if not first or _data_err(exc) == "AlreadyProcessed":
                log.info("solana.resend_refused", signature=signature, error=str(exc))
                return
            raise _refusal(exc) from None

    async def _confirm(self, tx: VersionedTransaction, signature: str, deadline: float) -> VenueResult:
        loop = asyncio.get_running_loop()
        last_valid = self._last_valid.get(str(tx.message.recent_blockhash))
        next_resend = loop.time() + self.resend_s
        while True:
            status = await self._bounded(self._status_json(signature), deadline)
            if isinstance(status, dict) and self._reached(status):
                return await self._landed(signature, status, deadline)
            if last_valid is not None:
                height = await self._bounded(self._block_height(), deadline)
                if isinstance(height, int) and height > last_valid:
                    # One last look: it may have landed in the last block its blockhash allowed.
                    status = await self._bounded(self._status_json(signature), deadline)
                    if isinstance(status, dict) and self._reached(status):
                        return await self._landed(signature, status, deadline)
                    if status is None:  # the node answered "unknown", not a failed call
                        raise TransactionRejected(
                            "BlockhashNotFound", f"transaction {signature[:16]}… did not land before its blockhash "
                            f"expired (block height {height} > {last_valid}) and never will: {_REBUILD}")
            now = loop.time()
            if now >= deadline:
                raise SubmitTimeout(f"transaction {signature} has no {self.commitment} result after "
                                    f"{self.deadline_s:g} s; it may still land until its blockhash expires. Send the "
                                    "same bytes again or check its status — do not build a new order yet.")
            if now >= next_resend:
                await self._bounded(self._send(tx, signature, first=False), deadline)
                next_resend = now + self.resend_s
            await asyncio.sleep(min(self.poll_s, max(deadline - now, 0.0)))

    async def _landed(self, signature: str, status: dict[str, Any], deadline: float) -> VenueResult:
        """The result of a landed transaction; logs and events from getTransaction."""
        loop = asyncio.get_running_loop()
        logs: tuple[str, ...] = ()
        while True:
            transaction = await self._bounded(self._transaction_json(signature), deadline)
            if isinstance(transaction, dict):
                logs = tuple((transaction.get("meta") or {}).get("logMessages") or ())
                break
            if loop.time() >= deadline:
                log.warning("solana.transaction_unavailable", signature=signature)
                break
            await asyncio.sleep(self.poll_s)
        return self._result(signature, status.get("err"), logs, int(status["slot"]), landed=True)

    def _result(self, signature: str, err: Any, logs: tuple[str, ...], slot: int, *, landed: bool) -> VenueResult:
        if err is None:
            return VenueResult(signature, True, None, None, None, events_from_logs(self.idl, logs), logs, slot)
        failure = self._names.instruction_failure(err, logs)
        if failure is not None:
            return VenueResult(signature, False, failure.code, failure.name, failure.message, (), logs, slot)
        name = transaction_error_name(err)
        message = _TX_ERRORS.get(name, f"the cluster refused the transaction ({name})")
        if not landed:
            raise TransactionRejected(name, message)
        return VenueResult(signature, False, None, name, message, (), logs, slot)

    def _reached(self, status: dict[str, Any]) -> bool:
        level = status.get("confirmationStatus") or _level_from_confirmations(status.get("confirmations"))
        return _RANK.get(level, -1) >= _RANK[self.commitment]

    async def _status_json(self, signature: str) -> dict[str, Any] | None:
        body = GetSignatureStatuses([_signature(signature)], RpcSignatureStatusConfig(True), id=self._rpc.next_id())
        _, result = await self._rpc.call(body, GetSignatureStatusesResp)
        value = result["value"][0]
        return value if isinstance(value, dict) else None

    async def _block_height(self) -> int:
        body = GetBlockHeight(RpcContextConfig(commitment=self._level), id=self._rpc.next_id())
        resp, _ = await self._rpc.call(body, GetBlockHeightResp)
        return int(resp.value)

    async def _transaction_json(self, signature: str) -> dict[str, Any] | None:
        config = RpcTransactionConfig(encoding=UiTransactionEncoding.Base64, commitment=self._level,
                                      max_supported_transaction_version=0)
        _, result = await self._rpc.call(GetTransaction(_signature(signature), config, id=self._rpc.next_id()),
                                         GetTransactionResp)
        return result if isinstance(result, dict) else None

    async def _bounded(self, call: Any, deadline: float) -> Any:
        """Await ``call`` until the deadline (at least one poll interval). A failed or timed-out
        call gives ``_UNKNOWN`` (not None, which is an answer): while polling, a flaky node
        must not end the wait early nor be mistaken for "not found"."""
        remaining = max(deadline - asyncio.get_running_loop().time(), self.poll_s)
        try:
            async with asyncio.timeout(remaining):
                return await call
        except (TimeoutError, RpcUnavailable, RpcError) as exc:
            log.info("solana.poll_failed", error=str(exc) or type(exc).__name__)
            return _UNKNOWN


def _level_from_confirmations(confirmations: Any) -> str:
    """For nodes older than ``confirmationStatus``: null confirmations meant rooted (finalized)."""
    if confirmations is None:
        return "finalized"
    return "confirmed" if confirmations > 0 else "processed"


def _signature(text: str) -> Signature:
    try:
        return Signature.from_string(text)
    except ValueError:
        raise VenueError(f"{text!r} is not a transaction signature (base58, 64 bytes)") from None


def _transaction(raw: bytes) -> VersionedTransaction:
    try:
        return VersionedTransaction.from_bytes(raw)
    except ValueError as exc:
        raise TransactionRejected("SanitizeFailure", f"not a well-formed transaction ({exc})") from None


def _data_err(exc: RpcError) -> Any:
    return exc.data.get("err") if isinstance(exc.data, dict) else None


def _refusal(exc: RpcError) -> VenueError:
    """An RPC error on simulate/send as the venue's error: a rejection when it names
    what is wrong with the transaction, else the RPC error itself."""
    err = _data_err(exc)
    if err is not None:
        name = transaction_error_name(err)
        return TransactionRejected(name, _TX_ERRORS.get(name, exc.rpc_message))
    if exc.code == -32003:
        return TransactionRejected("SignatureFailure", _TX_ERRORS["SignatureFailure"])
    if exc.code == -32602:
        return TransactionRejected("SanitizeFailure", f"the node cannot read the transaction: {exc.rpc_message}")
    return exc
