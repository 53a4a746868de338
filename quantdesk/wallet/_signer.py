"""The Signer: the only object that holds a private key.

It signs message bytes and exposes the public key; nothing else. Its text forms
show only the public key, it refuses to be pickled or copied (so it can never
land in a LangGraph checkpoint, a cache or a queue), and JSON encoders reject it.
"""

from __future__ import annotations

from typing import NoReturn

from solders.keypair import Keypair
from solders.message import Message, MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction


class Signer:
    """Signs with a keypair it never reveals."""

    __slots__ = ("_keypair", "_pubkey")

    def __init__(self, keypair: Keypair) -> None:
        self._keypair = keypair
        self._pubkey = keypair.pubkey()

    @property
    def pubkey(self) -> Pubkey:
        return self._pubkey

    def sign_message(self, message: bytes) -> Signature:
        """Ed25519 signature of ``message`` (for a transaction: its serialized message)."""
        return self._keypair.sign_message(message)

    def sign_transaction(self, message: MessageV0 | Message) -> VersionedTransaction:
        """The transaction for ``message`` with this signer's signature; it must be the only signer."""
        if message.header.num_required_signatures != 1 or message.account_keys[0] != self._pubkey:
            raise ValueError(f"message needs signers other than {self._pubkey}; sign it with all of them")
        return VersionedTransaction.populate(message, [self.sign_message(to_bytes_versioned(message))])

    def __repr__(self) -> str:
        return f"Signer(pubkey={self._pubkey})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Signer cannot be pickled or copied: private keys never leave the wallet")

    def __reduce_ex__(self, _protocol: object) -> NoReturn:
        self.__reduce__()

    def __copy__(self) -> NoReturn:
        self.__reduce__()

    def __deepcopy__(self, _memo: object) -> NoReturn:
        self.__reduce__()

    def __getstate__(self) -> NoReturn:
        self.__reduce__()
