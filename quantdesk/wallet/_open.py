"""Finding the configured wallet: the file at ``QUANTDESK_WALLET_PATH``, or for
the paper venue a local wallet in the data dir, created on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quantdesk.config import Settings
from quantdesk.errors import WalletError
from quantdesk.logs import get_logger
from quantdesk.wallet._files import WalletKind, create_wallet, load_signer, wallet_kind
from quantdesk.wallet._signer import Signer

log = get_logger(__name__)

PromptFn = Callable[[str], str]


@dataclass(frozen=True)
class OpenedWallet:
    signer: Signer
    path: Path
    kind: WalletKind
    created: bool


def configured_wallet_path(settings: Settings) -> Path:
    """Where the wallet is (or will be, for the paper venue)."""
    from quantdesk.exchange import venue_kind  # at call time: the exchange imports this package

    if settings.wallet_path is not None:
        return settings.wallet_path
    if not venue_kind(settings.venue).trader_wallets:  # no local wallets on this venue: it needs a configured one
        raise WalletError(f"the {settings.venue} venue needs a wallet: set QUANTDESK_WALLET_PATH to a keypair or "
                          "keystore file")
    return settings.data_dir / "wallets" / "paper.json"


def open_wallet(settings: Settings, *, prompt: PromptFn | None = None) -> OpenedWallet:
    """The wallet to sign with. The paper wallet is created if it does not exist yet.

    A keystore's passphrase comes from ``QUANTDESK_WALLET_PASSPHRASE`` or, if
    given, from ``prompt`` (e.g. ``getpass.getpass`` in a terminal).
    """
    path = configured_wallet_path(settings)
    if not path.exists() and settings.wallet_path is None:
        signer = create_wallet(path)
        log.info("wallet.created", path=str(path), pubkey=str(signer.pubkey), venue="paper")
        return OpenedWallet(signer, path, "solana-cli", created=True)
    kind = wallet_kind(path)
    passphrase = None
    if kind == "keystore":
        if settings.wallet_passphrase is not None:
            passphrase = settings.wallet_passphrase.get_secret_value()
        elif prompt is not None:
            passphrase = prompt(f"passphrase for {path}: ")
    return OpenedWallet(load_signer(path, passphrase), path, kind, created=False)
