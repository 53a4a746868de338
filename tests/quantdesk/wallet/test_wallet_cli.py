"""`quantdesk wallet` with bad files and paths: one `error:` line and exit 2, never a
traceback, nothing written; `wallet show` never vouches for a public key it did not check."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from solders.keypair import Keypair

from quantdesk.trading import UserWallets
from quantdesk.wallet import create_wallet
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import QUANTDESK, assert_refused, cli_env, quantdesk

FAST_N = 2**14


def _keystore_with_pubkey(path: Path, pubkey: str) -> str:
    """A real keystore whose stored public key was then edited; returns the real one."""
    real = str(create_wallet(path, "ks-pw", scrypt_n=FAST_N).pubkey)
    doc = json.loads(path.read_text())
    doc["pubkey"] = pubkey
    path.write_text(json.dumps(doc))
    return real


def test_wallet_new_where_it_cannot_write_is_one_error_line(tmp_path: Path) -> None:
    target = Path("/proc/quantdesk-test/x/y.json")
    assert_refused(quantdesk(tmp_path / "data", "wallet", "new", "--path", str(target), COLUMNS="300"),
                   f"cannot write wallet file {target}")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert_refused(quantdesk(tmp_path / "data", "wallet", "new", "--path", str(blocker / "id.json"), COLUMNS="300"),
                   "cannot write wallet file")
    assert not target.exists() and blocker.read_text() == "not a directory"


def test_wallet_new_encrypt_without_any_passphrase_input_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "ks.json"
    # A new session has no controlling terminal, so getpass reads the (empty) stdin.
    out = subprocess.run([*QUANTDESK, "wallet", "new", "--encrypt", "--path", str(target)],
                         env=cli_env(tmp_path / "data", COLUMNS="300"), stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=120, start_new_session=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "error: no passphrase given (input ended); nothing was written" in out.stderr
    assert not target.exists()


def test_a_wallet_file_that_is_not_utf8_text_is_one_error_line(tmp_path: Path) -> None:
    data, junk = tmp_path / "data", b"\xff\xfe[1,2,3]"
    wallet = tmp_path / "id.json"
    wallet.write_bytes(junk)
    assert_refused(quantdesk(data, "wallet", "show", QUANTDESK_WALLET_PATH=str(wallet), COLUMNS="300"),
                   f"{wallet}: not a wallet file (not UTF-8 text)")
    alices = UserWallets(make_settings(data)).path_for("alice")
    alices.parent.mkdir(parents=True)
    alices.write_bytes(junk)
    assert_refused(quantdesk(data, "positions", "--user", "alice", COLUMNS="300"), "not a wallet file (not UTF-8")
    assert wallet.read_bytes() == junk and alices.read_bytes() == junk


def test_a_keystore_whose_pubkey_is_not_base58_is_one_error_line(tmp_path: Path) -> None:
    keystore = tmp_path / "ks.json"
    _keystore_with_pubkey(keystore, "0OIl-not-base58")
    for passphrase in ({}, {"QUANTDESK_WALLET_PASSPHRASE": "ks-pw"}):
        assert_refused(quantdesk(tmp_path / "data", "wallet", "show", QUANTDESK_WALLET_PATH=str(keystore),
                                 COLUMNS="300", **passphrase),
                       "the keystore's public key is not a base58 Solana address")


def test_wallet_show_checks_an_edited_keystore_pubkey_when_it_has_the_passphrase(tmp_path: Path) -> None:
    keystore = tmp_path / "ks.json"
    edited = str(Keypair().pubkey())
    _keystore_with_pubkey(keystore, edited)
    out = quantdesk(tmp_path / "data", "wallet", "show", QUANTDESK_WALLET_PATH=str(keystore),
                    QUANTDESK_WALLET_PASSPHRASE="ks-pw", COLUMNS="300")
    assert_refused(out, "the keystore was altered")
    assert edited not in out.stderr


def test_wallet_show_marks_a_keystore_pubkey_unverified_without_the_passphrase(tmp_path: Path) -> None:
    keystore = tmp_path / "ks.json"
    edited = str(Keypair().pubkey())
    _keystore_with_pubkey(keystore, edited)
    out = quantdesk(tmp_path / "data", "wallet", "show", QUANTDESK_WALLET_PATH=str(keystore), COLUMNS="300")
    assert out.returncode == 0, out.stderr
    assert f"public key: {edited} (unverified: set QUANTDESK_WALLET_PASSPHRASE" in out.stdout


def test_wallet_show_says_verified_for_an_intact_keystore_with_the_passphrase(tmp_path: Path) -> None:
    keystore = tmp_path / "ks.json"
    real = str(create_wallet(keystore, "ks-pw", scrypt_n=FAST_N).pubkey)
    out = quantdesk(tmp_path / "data", "wallet", "show", QUANTDESK_WALLET_PATH=str(keystore),
                    QUANTDESK_WALLET_PASSPHRASE="ks-pw", COLUMNS="300")
    assert out.returncode == 0, out.stderr
    assert f"public key: {real} (verified" in out.stdout
