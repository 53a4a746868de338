"""Which key signs for which trader.

Paper venue: each trader (user id) gets a local wallet of their own in
``<data_dir>/wallets/users/`` on first use, so traders are isolated exactly as on
chain. Solana venue: the configured wallet (``QUANTDESK_WALLET_PATH``) signs for
its one operator; other user ids are refused.

Signers stay in this object; nothing here returns key material.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from quantdesk.config import Settings
from quantdesk.exchange import venue_kind
from quantdesk.wallet import Signer, create_wallet, load_signer, open_wallet

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class UserWallets:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._per_trader = venue_kind(settings.venue).trader_wallets
        self._cache: dict[str, Signer] = {}

    def path_for(self, user_id: str) -> Path:
        """Where the paper trader's wallet file is, or will be once created."""
        # A readable name plus a hash, so distinct ids never collide after sanitising.
        digest = hashlib.sha256(user_id.encode()).hexdigest()[:10]
        return self._settings.data_dir / "wallets" / "users" / f"{_SAFE.sub('_', user_id)[:40]}-{digest}.json"

    def signer_for(self, user_id: str) -> tuple[Signer, bool]:
        """The trader's signer and whether it was just created."""
        if user_id in self._cache:
            return self._cache[user_id], False
        created = False
        if not self._per_trader:
            opened = open_wallet(self._settings)
            signer = opened.signer
        else:
            path = self.path_for(user_id)
            if path.exists():
                signer = load_signer(path)
            else:
                signer, created = create_wallet(path), True
        self._cache[user_id] = signer
        return signer, created

    def existing(self, user_id: str) -> Signer | None:
        """The trader's signer if their wallet exists; never creates one. A wallet made
        here would skip the welcome the chat gives a trader whose wallet it creates."""
        if self._per_trader and not self.path_for(user_id).exists():
            return None
        return self.signer_for(user_id)[0]
