"""Stateless admission checks on a serialized transaction, as a cluster's
leader would do them before executing: size, shape, every signature, the fee
payer, durable-nonce use and the programs invoked. The stateful checks (recent
blockhash validity, replay) belong to the executor, which owns that state.

Error codes follow Solana's own ``TransactionError`` names so that messages
read the same on the paper venue as on a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.hash import Hash
from solders.instruction import AccountMeta
from solders.message import MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from quantdesk.errors import VenueError

# The packet limit a Solana validator accepts for one transaction.
MAX_TRANSACTION_BYTES = 1232


class TransactionRejected(VenueError):
    """The venue refused a transaction before executing it. ``code`` is Solana's error name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class ResolvedInstruction:
    program_id: Pubkey
    accounts: tuple[AccountMeta, ...]
    data: bytes


@dataclass(frozen=True)
class AdmittedTransaction:
    """A transaction whose signatures and shape are valid; not yet checked against state."""

    raw: bytes
    signature: Signature
    fee_payer: Pubkey
    signers: tuple[Pubkey, ...]
    recent_blockhash: Hash
    instructions: tuple[ResolvedInstruction, ...]


def admit_transaction(raw: bytes, allowed_programs: frozenset[Pubkey], *,
                      verify_signatures: bool = True) -> AdmittedTransaction:
    """Parse and verify ``raw`` or raise :class:`TransactionRejected` (nothing changes).

    ``verify_signatures=False`` is for simulation only (like ``sigVerify: false``):
    a message can be simulated before anyone signs it.
    """
    if len(raw) > MAX_TRANSACTION_BYTES:
        raise TransactionRejected("TooLarge", f"transaction is {len(raw)} bytes, the limit is {MAX_TRANSACTION_BYTES}")
    try:
        tx = VersionedTransaction.from_bytes(raw)
        tx.sanitize()
    except (ValueError, TypeError) as exc:
        raise TransactionRejected("SanitizeFailure", f"not a well-formed transaction ({exc})") from None
    message = tx.message
    if isinstance(message, MessageV0) and message.address_table_lookups:
        raise TransactionRejected("UnsupportedVersion", "address lookup tables are not supported by this venue")
    # solders' legacy Message has no is_maybe_writable; as a v0 message without lookups it is the
    # same message, and answers the same way a cluster does for legacy transactions.
    writable = message if isinstance(message, MessageV0) else MessageV0(
        message.header, message.account_keys, message.recent_blockhash, message.instructions, [])
    header = message.header
    keys = list(message.account_keys)
    if len(tx.signatures) != header.num_required_signatures:
        raise TransactionRejected(
            "SignatureFailure",
            f"{len(tx.signatures)} signatures for {header.num_required_signatures} required signers",
        )
    results = tx.verify_with_results() if verify_signatures else []
    for index, ok in enumerate(results):
        if not ok:
            raise TransactionRejected("SignatureFailure", f"signature {index} does not verify for signer {keys[index]}")
    if tx.uses_durable_nonce():
        raise TransactionRejected("DurableNonceRefused",
                                  "durable-nonce transactions are refused: use a recent blockhash")
    resolved: list[ResolvedInstruction] = []
    for ix in message.instructions:
        program_id = keys[ix.program_id_index]
        if program_id not in allowed_programs:
            raise TransactionRejected("InvalidProgramForExecution", f"program {program_id} is not known to this venue")
        metas = tuple(
            AccountMeta(keys[i], is_signer=message.is_signer(i), is_writable=writable.is_maybe_writable(i))
            for i in ix.accounts
        )
        resolved.append(ResolvedInstruction(program_id, metas, bytes(ix.data)))
    return AdmittedTransaction(
        raw=raw,
        signature=tx.signatures[0],
        fee_payer=keys[0],
        signers=tuple(keys[: header.num_required_signatures]),
        recent_blockhash=message.recent_blockhash,
        instructions=tuple(resolved),
    )


def message_bytes(tx: VersionedTransaction) -> bytes:
    """The exact bytes a signer signs for ``tx`` (its serialized message)."""
    return to_bytes_versioned(tx.message)
