"""The Signer: the only object that holds a private key.

It signs message bytes and exposes the public key; nothing else. Its text forms
show only the public key, it refuses to be pickled or copied (so it can never
land in a LangGraph checkpoint, a cache or a queue), and JSON encoders reject it.
"""

from __future__ import annotations

from typing import NoReturn

from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature


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
