"""Wallet files: Solana CLI keypairs and QuantDesk's encrypted keystore.

* Solana CLI format: a JSON array of the 64 secret-key bytes (what
  ``solana-keygen new`` writes).
* Keystore: a JSON object, the 64 bytes encrypted with AES-256-GCM under a key
  derived from a passphrase by scrypt; the public key is stored in the clear and
  authenticated as associated data, so a swapped public key fails to decrypt.

  {"format": "quantdesk-keystore", "version": 1, "pubkey": "<base58>",
   "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<hex>"},
   "cipher": {"name": "aes-256-gcm", "nonce": "<hex>"}, "ciphertext": "<hex>"}

Every error names the file and what is wrong, never a byte of the key.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from quantdesk.errors import WalletError
from quantdesk.wallet._signer import Signer

KEYSTORE_FORMAT = "quantdesk-keystore"
DEFAULT_SCRYPT_N = 2**15
WalletKind = Literal["solana-cli", "keystore"]


def _keypair_from_secret(secret: bytes, path: Path) -> Keypair:
    if len(secret) != 64:
        raise WalletError(f"{path}: a keypair has 64 bytes, this one has {len(secret)}")
    try:
        keypair = Keypair.from_bytes(secret)
    except ValueError:
        raise WalletError(f"{path}: the secret key is not a valid ed25519 keypair") from None
    return keypair


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _write_private(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission, /proc…
        raise WalletError(f"cannot write wallet file {path}: {exc.strerror or 'cannot create its folder'}") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created since the caller looked
        raise WalletError(f"{path} already exists; refusing to overwrite a wallet") from None
    except OSError as exc:
        raise WalletError(f"cannot write wallet file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def wallet_kind(path: Path) -> WalletKind:
    """Which kind of wallet file this is (without unlocking it)."""
    doc = _read_json(path)
    if isinstance(doc, list):
        return "solana-cli"
    if isinstance(doc, dict) and doc.get("format") == KEYSTORE_FORMAT:
        return "keystore"
    raise WalletError(f"{path}: neither a Solana CLI keypair (JSON array) nor a QuantDesk keystore")


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WalletError(f"wallet file {path} does not exist") from None
    except OSError as exc:
        raise WalletError(f"cannot read wallet file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise WalletError(f"{path}: not a wallet file (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise WalletError(f"{path}: not valid JSON (line {exc.lineno})") from None
    except RecursionError:
        raise WalletError(f"{path}: not a wallet file (JSON nested too deeply)") from None


def _stored_pubkey(doc: dict[str, object], path: Path) -> Pubkey:
    if not isinstance(doc.get("pubkey"), str):
        raise WalletError(f"{path}: keystore has no public key")
    try:
        return Pubkey.from_string(doc["pubkey"])  # type: ignore[arg-type]
    except ValueError:
        raise WalletError(f"{path}: the keystore's public key is not a base58 Solana address") from None


def keystore_pubkey(path: Path) -> Pubkey:
    """The public key recorded in a keystore (no passphrase needed, so not checked
    against the encrypted key: :func:`load_signer` does that)."""
    doc = _read_json(path)
    if not isinstance(doc, dict):
        raise WalletError(f"{path}: keystore has no public key")
    return _stored_pubkey(doc, path)


def load_signer(path: Path, passphrase: str | None = None) -> Signer:
    """Open a wallet file of either kind. A keystore needs its passphrase."""
    doc = _read_json(path)
    if isinstance(doc, list):
        if not all(isinstance(b, int) and 0 <= b <= 255 for b in doc):
            raise WalletError(f"{path}: a Solana CLI keypair is a JSON array of byte values (0-255)")
        return Signer(_keypair_from_secret(bytes(doc), path))
    if not (isinstance(doc, dict) and doc.get("format") == KEYSTORE_FORMAT):
        raise WalletError(f"{path}: neither a Solana CLI keypair (JSON array) nor a QuantDesk keystore")
    if passphrase is None:
        raise WalletError(f"{path} is an encrypted keystore: set QUANTDESK_WALLET_PASSPHRASE or run interactively")
    pubkey = _stored_pubkey(doc, path)
    try:
        kdf, cipher = doc["kdf"], doc["cipher"]
        key = _derive(passphrase, bytes.fromhex(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        secret = AESGCM(key).decrypt(bytes.fromhex(cipher["nonce"]), bytes.fromhex(doc["ciphertext"]), bytes(pubkey))
    except InvalidTag:
        raise WalletError(f"{path}: wrong passphrase (or the keystore was altered)") from None
    except (KeyError, TypeError, ValueError):
        raise WalletError(f"{path}: malformed keystore") from None
    keypair = _keypair_from_secret(secret, path)
    if keypair.pubkey() != pubkey:
        raise WalletError(f"{path}: keystore public key does not match its secret key")
    return Signer(keypair)


def create_wallet(path: Path, passphrase: str | None = None, *, scrypt_n: int = DEFAULT_SCRYPT_N) -> Signer:
    """Write a new keypair to ``path`` (mode 0600; never overwrites).

    With a passphrase it is an encrypted keystore, without one a Solana CLI file.
    """
    if path.exists():
        raise WalletError(f"{path} already exists; refusing to overwrite a wallet")
    keypair = Keypair()
    secret = bytes(keypair)
    if passphrase is None:
        _write_private(path, json.dumps(list(secret)))
    else:
        if not passphrase:
            raise WalletError("an empty passphrase would not protect the keystore")
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        key = _derive(passphrase, salt, scrypt_n, 8, 1)
        pubkey = keypair.pubkey()
        doc = {
            "format": KEYSTORE_FORMAT,
            "version": 1,
            "pubkey": str(pubkey),
            "kdf": {"name": "scrypt", "n": scrypt_n, "r": 8, "p": 1, "salt": salt.hex()},
            "cipher": {"name": "aes-256-gcm", "nonce": nonce.hex()},
            "ciphertext": AESGCM(key).encrypt(nonce, secret, bytes(pubkey)).hex(),
        }
        _write_private(path, json.dumps(doc, indent=2))
    return Signer(keypair)
