"""Wallets: both file formats, the paper wallet, and a Signer that never reveals its key."""

from __future__ import annotations

import copy
import io
import json
import pickle
import stat
from pathlib import Path

import pytest
from solders.keypair import Keypair

from quantdesk.errors import WalletError
from quantdesk.logs import configure_logging, get_logger
from quantdesk.wallet import Signer, create_wallet, keystore_pubkey, load_signer, open_wallet, wallet_kind
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import quantdesk

FAST_N = 2**14  # scrypt cost for tests; the default (2**15) is what users get


def _secret_forms(path: Path) -> list[str]:
    """Every text form in which the key in a Solana CLI file could leak."""
    raw = bytes(json.loads(path.read_text()))
    keypair = Keypair.from_bytes(raw)
    return [str(keypair), raw.hex(), raw[:32].hex(), str(list(raw))[1:40]]


@pytest.fixture
def cli_wallet(tmp_path: Path) -> tuple[Signer, Path]:
    path = tmp_path / "id.json"
    return create_wallet(path), path


def test_solana_cli_file_round_trips_and_signs_verifiably(cli_wallet: tuple[Signer, Path]) -> None:
    signer, path = cli_wallet
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert wallet_kind(path) == "solana-cli"
    again = load_signer(path)
    assert again.pubkey == signer.pubkey
    message = b"exact transaction message bytes"
    signature = again.sign_message(message)
    assert signature.verify(signer.pubkey, message)
    assert not signature.verify(signer.pubkey, message + b"!")


def test_a_file_written_by_solana_keygen_format_loads(tmp_path: Path) -> None:
    keypair = Keypair()
    path = tmp_path / "keygen.json"
    path.write_text(json.dumps(list(bytes(keypair))))
    assert load_signer(path).pubkey == keypair.pubkey()


def test_encrypted_keystore_needs_the_right_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "ks.json"
    signer = create_wallet(path, "correct horse", scrypt_n=FAST_N)
    doc = json.loads(path.read_text())
    assert doc["format"] == "quantdesk-keystore" and doc["pubkey"] == str(signer.pubkey)
    assert wallet_kind(path) == "keystore"
    assert keystore_pubkey(path) == signer.pubkey
    assert load_signer(path, "correct horse").pubkey == signer.pubkey
    with pytest.raises(WalletError, match="wrong passphrase"):
        load_signer(path, "battery staple")
    with pytest.raises(WalletError, match="encrypted keystore: set QUANTDESK_WALLET_PASSPHRASE"):
        load_signer(path, None)


def test_a_keystore_with_a_swapped_public_key_does_not_open(tmp_path: Path) -> None:
    path = tmp_path / "ks.json"
    create_wallet(path, "pw", scrypt_n=FAST_N)
    doc = json.loads(path.read_text())
    doc["pubkey"] = str(Keypair().pubkey())
    path.write_text(json.dumps(doc))
    with pytest.raises(WalletError, match="wrong passphrase \\(or the keystore was altered\\)"):
        load_signer(path, "pw")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2, 3]", "a keypair has 64 bytes, this one has 3"),
        (json.dumps([300] * 64), "byte values"),
        ("{not json", "not valid JSON"),
        (json.dumps({"hello": 1}), "neither a Solana CLI keypair"),
    ],
)
def test_malformed_wallet_files_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(WalletError, match=message):
        load_signer(path)


def test_never_overwrites_an_existing_wallet(cli_wallet: tuple[Signer, Path]) -> None:
    _, path = cli_wallet
    before = path.read_bytes()
    with pytest.raises(WalletError, match="refusing to overwrite"):
        create_wallet(path)
    assert path.read_bytes() == before


def test_signer_text_forms_show_only_the_public_key(cli_wallet: tuple[Signer, Path]) -> None:
    signer, path = cli_wallet
    texts = [repr(signer), str(signer), f"{signer}", "%s" % signer, repr([signer]), str({"s": signer})]  # noqa: UP031 (the %-form is one under test)
    for text in texts:
        assert str(signer.pubkey) in text
        for secret in _secret_forms(path):
            assert secret not in text


def test_signer_cannot_be_pickled_copied_or_json_encoded(cli_wallet: tuple[Signer, Path]) -> None:
    signer, _ = cli_wallet
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(signer)
    with pytest.raises(TypeError, match="cannot be pickled"):
        copy.deepcopy({"state": [signer]})
    with pytest.raises(TypeError, match="cannot be pickled"):
        copy.copy(signer)
    with pytest.raises(TypeError, match="not JSON serializable"):
        json.dumps({"signer": signer})
    assert str(signer.pubkey) in json.dumps({"signer": signer}, default=str)


def test_logs_and_exceptions_carrying_a_signer_leak_nothing(cli_wallet: tuple[Signer, Path], tmp_path: Path) -> None:
    signer, path = cli_wallet
    stream = io.StringIO()
    configure_logging(make_settings(tmp_path), stream=stream)
    get_logger("test").info("signing", signer=signer, wallet=signer)
    try:
        raise RuntimeError(f"venue refused transaction from {signer}")
    except RuntimeError as exc:
        error_text = str(exc) + repr(exc)
    for secret in _secret_forms(path):
        assert secret not in stream.getvalue()
        assert secret not in error_text


def test_paper_venue_creates_its_wallet_on_first_use_and_reuses_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = open_wallet(settings)
    assert first.created and first.path == tmp_path / "wallets" / "paper.json"
    second = open_wallet(settings)
    assert not second.created and second.signer.pubkey == first.signer.pubkey


def test_solana_venue_without_a_wallet_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WalletError, match="the solana venue needs a wallet"):
        open_wallet(make_settings(tmp_path, venue="solana"))
    assert not (tmp_path / "wallets").exists()


def test_configured_keystore_opens_with_the_passphrase_setting(tmp_path: Path) -> None:
    path = tmp_path / "ks.json"
    signer = create_wallet(path, "pw-from-env", scrypt_n=FAST_N)
    opened = open_wallet(make_settings(tmp_path, wallet_path=path, wallet_passphrase="pw-from-env"))
    assert opened.kind == "keystore" and opened.signer.pubkey == signer.pubkey
    prompted = open_wallet(make_settings(tmp_path, wallet_path=path), prompt=lambda _q: "pw-from-env")
    assert prompted.signer.pubkey == signer.pubkey


def test_cli_wallet_new_and_show_print_public_keys_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = quantdesk(data, "wallet", "show", COLUMNS="200")
    assert empty.returncode == 0 and "no wallet yet" in empty.stdout
    made = quantdesk(data, "wallet", "new", COLUMNS="200")
    assert made.returncode == 0, made.stderr
    path = data / "wallets" / "paper.json"
    pubkey = str(load_signer(path).pubkey)
    assert pubkey in made.stdout
    shown = quantdesk(data, "wallet", "show", COLUMNS="200")
    assert shown.returncode == 0 and pubkey in shown.stdout and "solana-cli" in shown.stdout
    for secret in _secret_forms(path):
        assert secret not in made.stdout + made.stderr + shown.stdout + shown.stderr
    again = quantdesk(data, "wallet", "new", COLUMNS="200")
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr


def test_cli_encrypted_wallet_uses_the_passphrase_setting(tmp_path: Path) -> None:
    data = tmp_path / "data"
    target = tmp_path / "ks.json"
    made = quantdesk(data, "wallet", "new", "--encrypt", "--path", str(target),
                     QUANTDESK_WALLET_PASSPHRASE="cli-pw", COLUMNS="200")
    assert made.returncode == 0, made.stderr
    assert wallet_kind(target) == "keystore"
    shown = quantdesk(data, "wallet", "show", QUANTDESK_WALLET_PATH=str(target), COLUMNS="200")
    assert str(keystore_pubkey(target)) in shown.stdout and "keystore" in shown.stdout
