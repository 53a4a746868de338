"""The program's addresses (seeds as in programs/quantdesk_perp/src/state.rs),
derived once and cached: clients building transactions, the paper venue checking
accounts and the Solana venue reading them all use this one derivation."""

from __future__ import annotations

from solders.pubkey import Pubkey


class Pdas:
    def __init__(self, program_id: Pubkey) -> None:
        self.program_id = program_id
        self._cache: dict[tuple[bytes, ...], tuple[Pubkey, int]] = {}

    def find(self, *seeds: bytes) -> tuple[Pubkey, int]:
        """(address, bump) for ``seeds``."""
        if seeds not in self._cache:
            self._cache[seeds] = Pubkey.find_program_address(list(seeds), self.program_id)
        return self._cache[seeds]

    def exchange(self) -> Pubkey:
        return self.find(b"exchange")[0]

    def vault(self) -> Pubkey:
        return self.find(b"vault")[0]

    def insurance(self) -> Pubkey:
        return self.find(b"insurance")[0]

    def market(self, index: int) -> Pubkey:
        return self.find(b"market", index.to_bytes(2, "little"))[0]

    def user(self, owner: bytes | Pubkey) -> Pubkey:
        return self.find(b"user", bytes(owner))[0]

    def order(self, owner: bytes | Pubkey, order_id: int) -> Pubkey:
        return self.find(b"order", bytes(self.user(owner)), order_id.to_bytes(8, "little"))[0]
