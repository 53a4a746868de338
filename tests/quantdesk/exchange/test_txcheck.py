"""Admission checks on real signed transaction bytes (solders), as a cluster does them."""

from __future__ import annotations

import pytest
from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.system_program import AdvanceNonceAccountParams, advance_nonce_account
from solders.transaction import VersionedTransaction

from quantdesk.exchange import MAX_TRANSACTION_BYTES, TransactionRejected, admit_transaction
from quantdesk.wallet import Signer

PROGRAM = Pubkey.new_unique()
ALLOWED = frozenset({PROGRAM})


def _ix(signer: Pubkey, data: bytes = b"\x01\x02", program: Pubkey = PROGRAM) -> Instruction:
    return Instruction(program, data, [AccountMeta(signer, True, True), AccountMeta(Pubkey.new_unique(), False, True)])


def _message(payer: Pubkey, *ixs: Instruction, blockhash: Hash | None = None) -> MessageV0:
    return MessageV0.try_compile(payer, list(ixs), [], blockhash or Hash.new_unique())


def test_a_correctly_signed_transaction_is_admitted_with_its_parts() -> None:
    signer = Signer(Keypair())
    blockhash = Hash.new_unique()
    tx = signer.sign_transaction(_message(signer.pubkey, _ix(signer.pubkey, b"abc"), blockhash=blockhash))
    admitted = admit_transaction(bytes(tx), ALLOWED)
    assert admitted.fee_payer == signer.pubkey
    assert admitted.signers == (signer.pubkey,)
    assert admitted.signature == tx.signatures[0]
    assert admitted.recent_blockhash == blockhash
    (ix,) = admitted.instructions
    assert ix.program_id == PROGRAM and ix.data == b"abc"
    assert ix.accounts[0].pubkey == signer.pubkey and ix.accounts[0].is_signer


def test_a_signature_over_other_bytes_is_refused() -> None:
    signer = Signer(Keypair())
    message = _message(signer.pubkey, _ix(signer.pubkey))
    forged = VersionedTransaction.populate(message, [signer.sign_message(b"something else")])
    with pytest.raises(TransactionRejected) as err:
        admit_transaction(bytes(forged), ALLOWED)
    assert err.value.code == "SignatureFailure"


def test_a_transaction_signed_by_the_wrong_key_is_refused() -> None:
    owner, intruder = Signer(Keypair()), Signer(Keypair())
    message = _message(owner.pubkey, _ix(owner.pubkey))
    wrong = VersionedTransaction.populate(message, [intruder.sign_message(to_bytes_versioned(message))])
    with pytest.raises(TransactionRejected, match="signature 0 does not verify for signer"):
        admit_transaction(bytes(wrong), ALLOWED)


def test_tampering_with_the_bytes_after_signing_is_refused() -> None:
    signer = Signer(Keypair())
    raw = bytearray(bytes(signer.sign_transaction(_message(signer.pubkey, _ix(signer.pubkey, b"\x05" * 8)))))
    at = bytes(raw).index(b"\x05" * 8)
    raw[at] ^= 0xFF  # flip one byte of instruction data
    with pytest.raises(TransactionRejected) as err:
        admit_transaction(bytes(raw), ALLOWED)
    assert err.value.code == "SignatureFailure"


def test_an_unknown_program_is_refused() -> None:
    signer = Signer(Keypair())
    tx = signer.sign_transaction(_message(signer.pubkey, _ix(signer.pubkey, program=Pubkey.new_unique())))
    with pytest.raises(TransactionRejected) as err:
        admit_transaction(bytes(tx), ALLOWED)
    assert err.value.code == "InvalidProgramForExecution"


def test_a_durable_nonce_transaction_is_refused() -> None:
    signer = Signer(Keypair())
    nonce = advance_nonce_account(AdvanceNonceAccountParams(nonce_pubkey=Pubkey.new_unique(),
                                                            authorized_pubkey=signer.pubkey))
    tx = signer.sign_transaction(_message(signer.pubkey, nonce, _ix(signer.pubkey)))
    with pytest.raises(TransactionRejected) as err:
        admit_transaction(bytes(tx), ALLOWED | {nonce.program_id})
    assert err.value.code == "DurableNonceRefused"


@pytest.mark.parametrize("raw", [b"", b"\x00" * 10, b"\x01" + b"\xff" * 200])
def test_garbage_bytes_are_refused_as_malformed(raw: bytes) -> None:
    with pytest.raises(TransactionRejected) as err:
        admit_transaction(raw, ALLOWED)
    assert err.value.code in {"SanitizeFailure", "SignatureFailure"}


def test_an_oversized_transaction_is_refused() -> None:
    signer = Signer(Keypair())
    tx = signer.sign_transaction(_message(signer.pubkey, _ix(signer.pubkey, b"\x00" * 1300)))
    assert len(bytes(tx)) > MAX_TRANSACTION_BYTES
    with pytest.raises(TransactionRejected) as err:
        admit_transaction(bytes(tx), ALLOWED)
    assert err.value.code == "TooLarge"


def test_signer_refuses_to_half_sign_a_multi_signer_message() -> None:
    a, b = Signer(Keypair()), Signer(Keypair())
    ix = Instruction(PROGRAM, b"", [AccountMeta(a.pubkey, True, True), AccountMeta(b.pubkey, True, False)])
    with pytest.raises(ValueError, match="needs signers other than"):
        a.sign_transaction(_message(a.pubkey, ix))


def test_a_legacy_message_is_admitted_with_the_same_accounts_as_its_v0_twin() -> None:
    # Clients still send legacy (unversioned) messages and a cluster admits them; solders'
    # legacy Message has no is_maybe_writable, which once made admission crash on them.
    keypair = Keypair()
    blockhash = Hash.new_unique()
    ix = _ix(keypair.pubkey(), b"abc")
    legacy = VersionedTransaction(Message.new_with_blockhash([ix], keypair.pubkey(), blockhash), [keypair])
    v0 = VersionedTransaction(_message(keypair.pubkey(), ix, blockhash=blockhash), [keypair])
    admitted, twin = admit_transaction(bytes(legacy), ALLOWED), admit_transaction(bytes(v0), ALLOWED)
    assert admitted.signers == (keypair.pubkey(),) and admitted.recent_blockhash == blockhash
    assert admitted.instructions == twin.instructions
    (resolved,) = admitted.instructions
    assert [(m.is_signer, m.is_writable) for m in resolved.accounts] == [(True, True), (False, True)]
