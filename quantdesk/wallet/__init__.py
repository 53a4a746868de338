"""Keypairs and signing. Private keys live only inside :class:`Signer`."""

from quantdesk.wallet._files import KEYSTORE_FORMAT, create_wallet, keystore_pubkey, load_signer, wallet_kind
from quantdesk.wallet._open import OpenedWallet, configured_wallet_path, open_wallet
from quantdesk.wallet._signer import Signer

__all__ = [
    "Signer",
    "KEYSTORE_FORMAT",
    "create_wallet",
    "load_signer",
    "keystore_pubkey",
    "wallet_kind",
    "OpenedWallet",
    "configured_wallet_path",
    "open_wallet",
]
