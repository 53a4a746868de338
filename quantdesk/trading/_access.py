"""What the planner and the ticket desk both read from a venue: the trader's wallet and
account, the gated oracle price, a transaction message on a fresh blockhash, and
its simulation (no signature needed). Nothing here signs or sends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from solders.instruction import Instruction
from solders.message import from_bytes_versioned, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from quantdesk.engine import State, normalize_price
from quantdesk.errors import MarketDataError, VenueError
from quantdesk.exchange import MARKETS, MarketSpec, Venue, VenueResult, build_message
from quantdesk.market import ANY_QUALITY, TRADABLE, FeedRegistry, PriceReader
from quantdesk.trading._requests import TradeRequestError
from quantdesk.trading._wallets import UserWallets
from quantdesk.wallet import Signer


class ProgramRejected(VenueError):
    """The simulation says the program would refuse the transaction."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def oracle_marks(prices: PriceReader) -> dict[int, int]:
    """Every market's latest price in engine units by market index, whatever its quality (for showing
    an account, never for trading); a market without a price yet is left out."""
    marks = {}
    for spec in MARKETS:
        try:
            gated = prices.get(spec.feed_symbol, accept=ANY_QUALITY)
        except MarketDataError:
            continue
        marks[spec.index] = normalize_price(gated.update.price, gated.update.expo)
    return marks


class VenueAccess:
    def __init__(self, venue: Venue, prices: PriceReader, registry: FeedRegistry, wallets: UserWallets,
                 onboard: Callable[[Signer], Awaitable[None]] | None = None) -> None:
        self.venue = venue
        self.prices = prices
        self.wallets = wallets
        self._registry = registry
        self._onboard = onboard

    async def trader(self, user_id: str) -> Pubkey:
        """The trader's public key (their wallet is created and onboarded on first use on paper)."""
        signer, created = self.wallets.signer_for(user_id)
        if created and self._onboard is not None:
            await self._onboard(signer)
        return signer.pubkey

    async def state(self, *owners: Pubkey) -> State:
        """The exchange, its markets, and these traders' accounts and open orders (no one else's)."""
        return await self.venue.read_state_for(list(owners))

    async def account(self, user_id: str) -> tuple[Pubkey, State, Any]:
        """The trader's key, the state read for them, and their trading account (refused when there is none)."""
        owner = await self.trader(user_id)
        state = await self.venue.read_state_for([owner])
        user = next((u for u in state.users if u.owner == bytes(owner)), None)
        if user is None:
            raise TradeRequestError(f"{owner} has no trading account on this venue; deposit collateral first")
        return owner, state, user

    def oracle_price(self, spec: MarketSpec) -> tuple[int, Any]:
        """The market's ``ok`` price in engine units (10^-6 USD) and the gated price; raises when not ok."""
        gated = self.prices.get(spec.feed_symbol, accept=TRADABLE)
        return normalize_price(gated.update.price, gated.update.expo), gated

    def price_account(self, spec: MarketSpec) -> Pubkey:
        return Pubkey.from_string(self._registry.get(spec.feed_symbol).price_account or "")

    async def message(self, owner: Pubkey, instructions: list[Instruction]) -> bytes:
        """The exact message bytes a ticket carries (build, don't send)."""
        blockhash = (await self.venue.latest_blockhash()).blockhash
        return to_bytes_versioned(build_message(owner, self.venue.with_compute_budget(instructions), blockhash))

    async def simulate(self, message_bytes: bytes) -> VenueResult:
        """The venue's simulation of the unsigned message; a refusal raises :class:`ProgramRejected`."""
        message = from_bytes_versioned(message_bytes)
        unsigned = VersionedTransaction.populate(message, [Signature.default()])
        result = await self.venue.simulate(bytes(unsigned), sig_verify=False)
        if not result.ok:
            raise ProgramRejected(result.error_name or "error", f"the program would refuse this order: "
                                                                f"{result.error_message}")
        return result

    async def aclose(self) -> None:
        """Release the venue's connections (the Solana venue's RPC client)."""
        close = getattr(self.venue, "close", None)
        if close is not None:
            await close()
