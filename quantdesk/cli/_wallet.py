"""`quantdesk wallet new|show` (public keys only, ever)."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from quantdesk.cli._state import state
from quantdesk.errors import WalletError
from quantdesk.wallet import configured_wallet_path, create_wallet, keystore_pubkey, load_signer, wallet_kind

wallet_app = typer.Typer(help="Create and inspect wallets (public keys only).", no_args_is_help=True)


@wallet_app.command("new")
def wallet_new(
    ctx: typer.Context,
    path: Path | None = typer.Option(None, "--path", help="Where to write it (default: the configured wallet path)."),
    encrypt: bool = typer.Option(False, "--encrypt", help="Write an encrypted keystore (asks for a passphrase)."),
) -> None:
    """Create a new keypair file (never overwrites an existing one)."""
    st = state(ctx)
    target = (path or configured_wallet_path(st.settings)).expanduser().resolve()
    passphrase = None
    if encrypt:
        if st.settings.wallet_passphrase is not None:
            passphrase = st.settings.wallet_passphrase.get_secret_value()
        else:
            try:
                passphrase = getpass.getpass("new passphrase: ")
                repeated = getpass.getpass("repeat passphrase: ")
            except EOFError:
                raise WalletError("no passphrase given (input ended); nothing was written") from None
            if repeated != passphrase:
                raise WalletError("the two passphrases differ; nothing was written")
    signer = create_wallet(target, passphrase)
    st.console.print(f"created {'encrypted keystore' if encrypt else 'Solana CLI keypair'} {target}")
    st.console.print(f"public key: [bold]{signer.pubkey}[/]")


@wallet_app.command("show")
def wallet_show(ctx: typer.Context) -> None:
    """The configured wallet's path, kind and public key.

    A keypair file's public key is derived from its secret key. A keystore's stored one
    is checked by decrypting the keystore with QUANTDESK_WALLET_PASSPHRASE (a mismatch is
    an error); without that setting it is shown marked "unverified", since this command
    never asks for a passphrase."""
    st = state(ctx)
    path = configured_wallet_path(st.settings)
    if not path.exists():
        st.console.print(f"no wallet yet at {path}: run `quantdesk wallet new` (paper traders' own wallets "
                         "are made by `quantdesk faucet --user U` or their first chat)")
        return
    kind, checked = wallet_kind(path), ""
    if kind == "solana-cli":
        pubkey = load_signer(path).pubkey
    elif st.settings.wallet_passphrase is not None:
        pubkey = load_signer(path, st.settings.wallet_passphrase.get_secret_value()).pubkey
        checked = " (verified: the keystore decrypts to this key)"
    else:
        pubkey = keystore_pubkey(path)
        checked = " (unverified: set QUANTDESK_WALLET_PASSPHRASE to check it against the encrypted key)"
    st.console.print(f"path: {path}\nkind: {kind}\npublic key: [bold]{pubkey}[/]{checked}")
