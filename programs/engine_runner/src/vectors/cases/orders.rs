use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::instructions::PlaceOrderArgs;
use perp_engine::state::{MarketParams, OrderKind, Side};
use perp_engine::{ErrorCode, Instruction};

fn stop(kind: OrderKind, side: Side, size: u64, trigger: i64, bound: i64) -> PlaceOrderArgs {
    PlaceOrderArgs { trigger_price: trigger, reduce_only: true, ..order(alice(), SOL, kind, side, size, bound, 1) }
}

fn trigger(order_id: u64) -> Instruction {
    Instruction::TriggerOrder { owner: alice(), order_id }
}

fn cancel(signer: perp_engine::state::Key, order_id: u64) -> Instruction {
    Instruction::CancelOrder { signer, owner: alice(), order_id }
}

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let w = world();
    let at100 = sol_at(100 * USD);

    // Market orders.
    s.ok("market_buy_opens_long", "1 SOL long 5x at oracle 100.0001: fill 100.0001 x 1.0005 = 100.05015 rounds up to the 0.001 tick (100.051); margin notional/5, taker fee 5 bps, 20% of it to insurance.", &w, market_order(alice(), SOL, Side::Buy, ONE_SOL, 5), &sol_at(100_000_100));
    s.ok(
        "market_sell_opens_short",
        "1 SOL short 5x at oracle 100.0001: fill 99.95005 rounds down to 99.950.",
        &w,
        market_order(alice(), SOL, Side::Sell, ONE_SOL, 5),
        &sol_at(100_000_100),
    );
    s.ok(
        "market_order_size_rounds_down_to_lot",
        "1.015 SOL rounds down to 1.01 SOL (lot 0.01).",
        &w,
        market_order(alice(), SOL, Side::Buy, 1_015_000_000, 5),
        &at100,
    );
    s.err(
        ErrorCode::OrderSizeBelowLot,
        "market_order_below_one_lot",
        "0.009 SOL is below the 0.01 SOL lot.",
        &w,
        market_order(alice(), SOL, Side::Buy, 9_000_000, 5),
        &at100,
    );
    s.ok(
        "market_order_bound_exactly_met",
        "A buy bounded at exactly the fill price (100.05) fills.",
        &w,
        place(order(alice(), SOL, OrderKind::Market, Side::Buy, ONE_SOL, 100_050_000, 5)),
        &at100,
    );
    s.err(
        ErrorCode::SlippageExceeded,
        "market_order_slippage_exceeded",
        "A buy bounded at 100.049 can't fill at 100.05.",
        &w,
        place(order(alice(), SOL, OrderKind::Market, Side::Buy, ONE_SOL, 100_049_000, 5)),
        &at100,
    );
    s.err(
        ErrorCode::InvalidLeverage,
        "leverage_above_market_max",
        "SOL allows at most 20x.",
        &w,
        market_order(alice(), SOL, Side::Buy, ONE_SOL, 21),
        &at100,
    );
    s.err(
        ErrorCode::InvalidLeverage,
        "leverage_zero",
        "Leverage starts at 1.",
        &w,
        market_order(alice(), SOL, Side::Buy, ONE_SOL, 0),
        &at100,
    );
    s.err(
        ErrorCode::MarketNotFound,
        "order_unknown_market",
        "Market 5 does not exist.",
        &w,
        market_order(alice(), 5, Side::Buy, ONE_SOL, 5),
        &at100,
    );
    s.err(
        ErrorCode::UserNotFound,
        "order_without_account",
        "Mallory has no account.",
        &w,
        market_order(mallory(), SOL, Side::Buy, ONE_SOL, 5),
        &at100,
    );
    let mut by_stranger = order(alice(), SOL, OrderKind::Market, Side::Buy, ONE_SOL, 0, 5);
    by_stranger.signer = mallory();
    s.err(ErrorCode::Unauthorized, "order_by_stranger", "Only the owner or the delegate trades.", &w, place(by_stranger), &at100);
    s.err(
        ErrorCode::MathOverflow,
        "order_size_beyond_engine_range",
        "A size above i64::MAX base units can't be represented.",
        &w,
        market_order(alice(), SOL, Side::Buy, u64::MAX, 5),
        &at100,
    );

    let paused_market = run(&w, Instruction::SetPaused { signer: admin(), market_index: Some(SOL), paused: true }, &at100);
    s.err(
        ErrorCode::MarketPaused,
        "order_on_paused_market",
        "SOL-PERP is paused.",
        &paused_market,
        market_order(alice(), SOL, Side::Buy, ONE_SOL, 5),
        &at100,
    );
    s.ok(
        "order_on_other_market_while_one_is_paused",
        "Pausing SOL-PERP leaves BTC-PERP trading.",
        &paused_market,
        market_order(alice(), BTC, Side::Buy, ONE_BTC / 10, 5),
        &btc_at(60_000 * USD),
    );
    let paused_exchange = run(&w, Instruction::SetPaused { signer: admin(), market_index: None, paused: true }, &at100);
    s.err(
        ErrorCode::ExchangePaused,
        "order_on_paused_exchange",
        "Nothing trades while the exchange is paused.",
        &paused_exchange,
        market_order(alice(), SOL, Side::Buy, ONE_SOL, 5),
        &at100,
    );

    // Limit orders.
    s.ok("limit_buy_rests_and_reserves", "A buy limit at 95.0009 rounds down to 95.000 and rests (taker price 100.05 is above it), reserving margin (notional/5) plus maker fee.", &w, place(order(alice(), SOL, OrderKind::Limit, Side::Buy, 2 * ONE_SOL, 95_000_900, 5)), &at100);
    s.ok(
        "limit_sell_price_rounds_up",
        "A sell limit at 105.0001 rounds up to 105.001 and rests.",
        &w,
        place(order(alice(), SOL, OrderKind::Limit, Side::Sell, ONE_SOL, 105_000_100, 5)),
        &at100,
    );
    s.ok(
        "limit_buy_marketable_fills_now",
        "A buy limit at 101 is marketable (taker 100.05) and fills now as taker at 100.05.",
        &w,
        place(order(alice(), SOL, OrderKind::Limit, Side::Buy, ONE_SOL, 101 * USD, 5)),
        &at100,
    );
    s.err(
        ErrorCode::InvalidPrice,
        "limit_price_zero",
        "A limit order needs a price.",
        &w,
        place(order(alice(), SOL, OrderKind::Limit, Side::Buy, ONE_SOL, 0, 5)),
        &at100,
    );
    s.err(
        ErrorCode::InvalidPrice,
        "limit_buy_price_below_one_tick",
        "A buy limit of 0.000999 rounds down to zero at the 0.001 tick.",
        &w,
        place(order(alice(), SOL, OrderKind::Limit, Side::Buy, ONE_SOL, 999, 5)),
        &at100,
    );
    let small_reserve_user = run(&world(), Instruction::CreateUser { signer: mallory(), delegate: None }, &at100);
    let small_reserve_user = run(&small_reserve_user, Instruction::Deposit { owner: mallory(), amount: 10 * USDC }, &at100);
    s.err(
        ErrorCode::InsufficientCollateral,
        "limit_reservation_exceeds_collateral",
        "Mallory's 10 USDC can't reserve 1 SOL at 95 and 5x (19 USDC margin + fee).",
        &small_reserve_user,
        place(order(mallory(), SOL, OrderKind::Limit, Side::Buy, ONE_SOL, 95 * USD, 5)),
        &at100,
    );

    let resting = run(&w, place(order(alice(), SOL, OrderKind::Limit, Side::Buy, 2 * ONE_SOL, 95 * USD, 5)), &at100);
    s.ok("cancel_order_refunds_reservation", "Cancelling returns the whole reservation.", &resting, cancel(alice(), 0), &at100);
    s.ok("delegate_cancels_order", "The delegate may cancel.", &resting, cancel(dave(), 0), &at100);
    s.err(ErrorCode::Unauthorized, "cancel_by_stranger", "Mallory can't cancel alice's order.", &resting, cancel(mallory(), 0), &at100);
    s.err(ErrorCode::OrderNotFound, "cancel_unknown_order", "Alice has no order 9.", &resting, cancel(alice(), 9), &at100);
    let resting_paused = run(&resting, Instruction::SetPaused { signer: admin(), market_index: None, paused: true }, &at100);
    s.ok(
        "cancel_while_exchange_paused",
        "Cancelling only returns collateral, so it works while paused.",
        &resting_paused,
        cancel(alice(), 0),
        &at100,
    );
    s.ok(
        "trigger_limit_fills_at_limit_as_maker",
        "Oracle 94.9: taker buy 94.948 is below the 95 limit, so the order fills at 95 with the 2 bps maker fee.",
        &resting,
        trigger(0),
        &sol_at(94_900_000),
    );
    s.err(
        ErrorCode::OrderNotTriggerable,
        "trigger_limit_not_marketable",
        "Oracle 96: taker buy 96.048 is above the 95 limit (limit 95000000, value 96048000).",
        &resting,
        trigger(0),
        &sol_at(96 * USD),
    );
    s.err(ErrorCode::OrderNotFound, "trigger_unknown_order", "No order 3.", &resting, trigger(3), &at100);

    let mut full_book = w.clone();
    for i in 0..16 {
        full_book = run(&full_book, place(order(alice(), SOL, OrderKind::Limit, Side::Buy, ONE_SOL / 100, 50 * USD + i, 5)), &at100);
    }
    s.err(
        ErrorCode::TooManyOpenOrders,
        "seventeenth_open_order",
        "At most 16 resting orders per account.",
        &full_book,
        place(order(alice(), SOL, OrderKind::Limit, Side::Buy, ONE_SOL / 100, 50 * USD, 5)),
        &at100,
    );

    // Stop-loss and take-profit.
    let long = with_sol_position(Side::Buy, ONE_SOL, 5, 100 * USD);
    s.ok(
        "stop_loss_rests",
        "A sell stop at 95 for the long rests, reduce-only, with nothing reserved.",
        &long,
        place(stop(OrderKind::StopLoss, Side::Sell, ONE_SOL, 95 * USD, 0)),
        &at100,
    );
    s.err(
        ErrorCode::InvalidPrice,
        "stop_loss_without_trigger",
        "A stop needs a trigger price.",
        &long,
        place(stop(OrderKind::StopLoss, Side::Sell, ONE_SOL, 0, 0)),
        &at100,
    );
    s.err(
        ErrorCode::ReduceOnlyWouldIncrease,
        "stop_loss_without_position",
        "A stop-loss is reduce-only; bob has no position.",
        &w,
        place(PlaceOrderArgs { signer: bob(), owner: bob(), ..stop(OrderKind::StopLoss, Side::Sell, ONE_SOL, 95 * USD, 0) }),
        &at100,
    );
    let with_stop = run(&long, place(stop(OrderKind::StopLoss, Side::Sell, ONE_SOL, 95 * USD, 0)), &at100);
    s.ok(
        "trigger_stop_loss",
        "Oracle 94.9 is at or below the 95 trigger: the long closes at the taker sell price 94.852.",
        &with_stop,
        trigger(1),
        &sol_at(94_900_000),
    );
    s.err(
        ErrorCode::OrderNotTriggerable,
        "trigger_stop_loss_not_reached",
        "Oracle 95.5 is above the trigger (limit 95000000, value 95500000).",
        &with_stop,
        trigger(1),
        &sol_at(95_500_000),
    );
    let with_tp = run(&long, place(stop(OrderKind::TakeProfit, Side::Sell, ONE_SOL / 2, 110 * USD, 0)), &at100);
    s.ok(
        "trigger_take_profit",
        "Oracle 110.5 is at or above the 110 trigger: half the long closes.",
        &with_tp,
        trigger(1),
        &sol_at(110_500_000),
    );
    let bounded_stop = run(&long, place(stop(OrderKind::StopLoss, Side::Sell, ONE_SOL, 95 * USD, 94_500_000)), &at100);
    s.err(
        ErrorCode::SlippageExceeded,
        "stop_loss_bound_exceeded",
        "The oracle gapped to 90: the taker price 89.955 is below the stop's 94.5 bound, so it does not fill.",
        &bounded_stop,
        trigger(1),
        &sol_at(90 * USD),
    );
    let closed = run(&with_stop, close(alice(), SOL, 0, 0), &at100);
    s.err(
        ErrorCode::ReduceOnlyWouldIncrease,
        "trigger_stop_after_position_closed",
        "The stop outlived its position: triggering it would open one.",
        &closed,
        trigger(1),
        &sol_at(94 * USD),
    );

    // Reduce-only and opposite orders.
    let reduce_only = |size| PlaceOrderArgs { reduce_only: true, ..order(alice(), SOL, OrderKind::Market, Side::Sell, size, 0, 1) };
    s.ok(
        "reduce_only_clamps_to_position",
        "A reduce-only sell of 3 SOL against a 1 SOL long closes exactly 1 SOL.",
        &long,
        place(reduce_only(3 * ONE_SOL)),
        &at100,
    );
    s.err(
        ErrorCode::ReduceOnlyWouldIncrease,
        "reduce_only_without_position",
        "Nothing to reduce.",
        &w,
        place(reduce_only(ONE_SOL)),
        &at100,
    );
    s.err(
        ErrorCode::ReduceOnlyWouldIncrease,
        "reduce_only_same_side",
        "A reduce-only buy would grow the long.",
        &long,
        place(PlaceOrderArgs { side: Side::Buy, ..reduce_only(ONE_SOL) }),
        &at100,
    );
    s.err(
        ErrorCode::WouldFlipPosition,
        "opposite_order_larger_than_position",
        "Selling 3 SOL against a 1 SOL long would flip it (limit 1e9, value 3e9).",
        &long,
        market_order(alice(), SOL, Side::Sell, 3 * ONE_SOL, 5),
        &at100,
    );
    s.ok(
        "opposite_order_reduces",
        "Selling 0.4 SOL against the 1 SOL long reduces it.",
        &long,
        market_order(alice(), SOL, Side::Sell, 400_000_000, 5),
        &at100,
    );
    s.ok(
        "same_side_order_grows_position",
        "Buying 1 more SOL at 104 grows the long; cost basis and margin add up.",
        &long,
        market_order(alice(), SOL, Side::Buy, ONE_SOL, 10),
        &sol_at(104 * USD),
    );

    // Position slots.
    let mut many = w.clone();
    for i in 2..9 {
        many = add_market(&many, MarketParams { symbol: format!("ALT{i}-PERP"), ..sol_params() });
    }
    for index in [0u16, 2, 3, 4, 5, 6, 7, 8] {
        many = run(&many, market_order(alice(), index, Side::Buy, ONE_SOL / 10, 5), &at100);
    }
    s.err(
        ErrorCode::TooManyPositions,
        "ninth_position",
        "At most 8 open positions per account.",
        &many,
        market_order(alice(), BTC, Side::Buy, ONE_BTC / 100, 5),
        &btc_at(60_000 * USD),
    );
    s
}
