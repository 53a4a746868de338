"""Paper USDC: token accounts in Postgres, checked like the SPL Token program and
Anchor's ``token::mint`` / ``token::authority`` constraints check them."""

from __future__ import annotations

import psycopg
from solders.pubkey import Pubkey

from quantdesk.exchange._spl import associated_token_address
from quantdesk.exchange.paper._errors import AnchorError, not_initialized, token_error
from quantdesk.units import USD_DECIMALS, from_units

USDC_DECIMALS = USD_DECIMALS  # paper USDC is the program's money unit


class TokenLedger:
    """Balances of paper token accounts, within the caller's transaction."""

    def __init__(self, conn: psycopg.Connection, mint: Pubkey) -> None:
        self._conn = conn
        self._mint = mint

    def _account(self, address: Pubkey, name: str) -> tuple[Pubkey, int]:
        row = self._conn.execute(
            "SELECT authority, mint, amount FROM paper_token_accounts WHERE address = %s FOR UPDATE", (str(address),),
        ).fetchone()
        if row is None:
            raise not_initialized(name, f"token account {address} does not exist")
        if row[1] != str(self._mint):
            raise AnchorError(2014, "ConstraintTokenMint", name, f"token account {address} is not for {self._mint}")
        return Pubkey.from_string(row[0]), int(row[2])

    def debit(self, address: Pubkey, authority: Pubkey, amount: int, name: str) -> None:
        owner, balance = self._account(address, name)
        if owner != authority:
            raise AnchorError(2015, "ConstraintTokenOwner", name, f"token account {address} is not {authority}'s")
        if balance < amount:
            raise token_error(name, f"balance {from_units(balance, USDC_DECIMALS)} USDC is less than "
                                    f"{from_units(amount, USDC_DECIMALS)} USDC")
        self._conn.execute("UPDATE paper_token_accounts SET amount = amount - %s WHERE address = %s",
                           (amount, str(address)))

    def credit(self, address: Pubkey, authority: Pubkey, amount: int, name: str) -> None:
        owner, _ = self._account(address, name)
        if owner != authority:
            raise AnchorError(2015, "ConstraintTokenOwner", name, f"token account {address} is not {authority}'s")
        self._conn.execute("UPDATE paper_token_accounts SET amount = amount + %s WHERE address = %s",
                           (amount, str(address)))

    def mint_to(self, owner: Pubkey, amount: int) -> Pubkey:
        """Faucet: credit ``owner``'s associated token account (created if needed)."""
        address = associated_token_address(owner, self._mint)
        self._conn.execute(
            "INSERT INTO paper_token_accounts (address, authority, mint, amount) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (address) DO UPDATE SET amount = paper_token_accounts.amount + EXCLUDED.amount",
            (str(address), str(owner), str(self._mint), amount),
        )
        return address

    def balance(self, address: Pubkey) -> int:
        row = self._conn.execute("SELECT amount FROM paper_token_accounts WHERE address = %s",
                                 (str(address),)).fetchone()
        return 0 if row is None else int(row[0])
