use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::instructions::ClosePositionArgs;
use perp_engine::state::Side;
use perp_engine::{ErrorCode, Instruction};

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let long = with_sol_position(Side::Buy, ONE_SOL, 5, 100 * USD);
    let short = with_sol_position(Side::Sell, 2 * ONE_SOL, 4, 100 * USD);
    s.ok(
        "close_long_with_profit",
        "The 1 SOL long (entry 100.05) closes at the taker sell price 109.945 for oracle 110: realized 9.895, fee 5 bps.",
        &long,
        close(alice(), SOL, 0, 0),
        &sol_at(110 * USD),
    );
    s.ok(
        "close_short_with_loss",
        "The 2 SOL short (entry 99.95) closes at the taker buy price 105.053 for oracle 105.",
        &short,
        close(alice(), SOL, 0, 0),
        &sol_at(105 * USD),
    );

    let odd = with_sol_position(Side::Buy, 1_230_000_000, 3, 100_000_100);
    s.ok("close_partial", "0.41 of a 1.23 SOL long closes at oracle 101.2345: the removed cost basis rounds up, the exit value and the released margin round down.", &odd, close(alice(), SOL, 410_000_000, 0), &sol_at(101_234_500));
    s.ok(
        "close_partial_size_rounds_down_to_lot",
        "0.419 SOL rounds down to 0.41 SOL.",
        &odd,
        close(alice(), SOL, 419_000_000, 0),
        &sol_at(101_234_500),
    );
    s.ok(
        "close_more_than_position_closes_all",
        "Asking to close 5 SOL of a 1.23 SOL long closes 1.23 SOL.",
        &odd,
        close(alice(), SOL, 5 * ONE_SOL, 0),
        &sol_at(101_234_500),
    );
    s.err(
        ErrorCode::OrderSizeBelowLot,
        "close_size_below_one_lot",
        "0.005 SOL is below the lot; use 0 to close everything.",
        &odd,
        close(alice(), SOL, 5_000_000, 0),
        &sol_at(101 * USD),
    );
    s.err(ErrorCode::NoPosition, "close_without_position", "Bob has no SOL position.", &long, close(bob(), SOL, 0, 0), &sol_at(100 * USD));
    s.err(
        ErrorCode::SlippageExceeded,
        "close_slippage_exceeded",
        "Closing the long with a 110 floor fails when the taker price is 109.945.",
        &long,
        close(alice(), SOL, 0, 110 * USD),
        &sol_at(110 * USD),
    );
    s.ok(
        "close_by_delegate",
        "Dave closes alice's long.",
        &long,
        Instruction::ClosePosition(ClosePositionArgs { signer: dave(), owner: alice(), market_index: SOL, size: 0, price_limit: 0 }),
        &sol_at(101 * USD),
    );
    s.err(
        ErrorCode::Unauthorized,
        "close_by_stranger",
        "Mallory can't close alice's long.",
        &long,
        Instruction::ClosePosition(ClosePositionArgs { signer: mallory(), owner: alice(), market_index: SOL, size: 0, price_limit: 0 }),
        &sol_at(101 * USD),
    );

    let risky = with_sol_position(Side::Buy, ONE_SOL, 20, 100 * USD);
    s.ok(
        "close_bankrupt_position",
        "A 20x long closed at oracle 90 lost more than its margin: payout 0, no fee, the shortfall is bad debt covered by insurance.",
        &risky,
        close(alice(), SOL, 0, 0),
        &sol_at(90 * USD),
    );

    let thin_vault = open_sol(&world_funded(2 * USDC, 10 * USDC), alice(), Side::Buy, ONE_SOL, 5, 100 * USD);
    s.err(
        ErrorCode::InsufficientLiquidity,
        "close_profit_beyond_vault",
        "The vault holds about 2.04 USDC and can't pay a 9.9 USDC profit (limit = vault, value = net payment).",
        &thin_vault,
        close(alice(), SOL, 0, 0),
        &sol_at(110 * USD),
    );

    let paused = run(&long, Instruction::SetPaused { signer: admin(), market_index: Some(SOL), paused: true }, &sol_at(100 * USD));
    s.err(
        ErrorCode::MarketPaused,
        "close_on_paused_market",
        "Positions can't close while their market is paused.",
        &paused,
        close(alice(), SOL, 0, 0),
        &sol_at(100 * USD),
    );
    s
}
