use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::state::Side;
use perp_engine::{ErrorCode, Instruction};

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let env = no_price();
    let w = world();
    s.ok(
        "create_user_with_delegate",
        "Mallory opens an account naming bob as trading delegate.",
        &w,
        Instruction::CreateUser { signer: mallory(), delegate: Some(bob()) },
        &env,
    );
    s.ok(
        "create_user_without_delegate",
        "An account without delegate.",
        &w,
        Instruction::CreateUser { signer: mallory(), delegate: None },
        &env,
    );
    s.err(
        ErrorCode::UserAlreadyExists,
        "create_user_twice",
        "One account per wallet.",
        &w,
        Instruction::CreateUser { signer: alice(), delegate: None },
        &env,
    );
    s.err(
        ErrorCode::InvalidParameter,
        "create_user_delegate_is_owner",
        "The delegate must differ from the owner (field `delegate`).",
        &w,
        Instruction::CreateUser { signer: mallory(), delegate: Some(mallory()) },
        &env,
    );
    s.ok(
        "set_delegate",
        "Alice replaces dave by mallory.",
        &w,
        Instruction::SetDelegate { signer: alice(), owner: alice(), delegate: Some(mallory()) },
        &env,
    );
    s.ok(
        "clear_delegate",
        "Alice removes her delegate.",
        &w,
        Instruction::SetDelegate { signer: alice(), owner: alice(), delegate: None },
        &env,
    );
    s.err(
        ErrorCode::Unauthorized,
        "set_delegate_by_delegate",
        "A delegate cannot change the delegate.",
        &w,
        Instruction::SetDelegate { signer: dave(), owner: alice(), delegate: Some(dave()) },
        &env,
    );

    s.ok(
        "deposit",
        "Anyone may deposit into an existing account.",
        &w,
        Instruction::Deposit { owner: alice(), amount: 1_500 * USDC },
        &env,
    );
    s.err(
        ErrorCode::InvalidAmount,
        "deposit_zero",
        "Zero deposits are refused.",
        &w,
        Instruction::Deposit { owner: alice(), amount: 0 },
        &env,
    );
    s.err(
        ErrorCode::UserNotFound,
        "deposit_unknown_user",
        "Mallory has no account.",
        &w,
        Instruction::Deposit { owner: mallory(), amount: USDC },
        &env,
    );
    let paused = run(&w, Instruction::SetPaused { signer: admin(), market_index: None, paused: true }, &env);
    s.err(
        ErrorCode::ExchangePaused,
        "deposit_while_exchange_paused",
        "Collateral does not move while the exchange is paused.",
        &paused,
        Instruction::Deposit { owner: alice(), amount: USDC },
        &env,
    );
    s.err(
        ErrorCode::ExchangeNotInitialized,
        "deposit_without_exchange",
        "Nothing works before initialization.",
        &perp_engine::State::default(),
        Instruction::Deposit { owner: alice(), amount: USDC },
        &env,
    );

    s.ok(
        "withdraw_all_free_collateral",
        "Bob withdraws exactly his free collateral.",
        &w,
        Instruction::Withdraw { signer: bob(), owner: bob(), amount: 1_000 * USDC },
        &env,
    );
    let with_long = with_sol_position(Side::Buy, 10 * ONE_SOL, 5, 100 * USD);
    let free = with_long.users[0].collateral;
    s.err(
        ErrorCode::InsufficientFreeCollateral,
        "withdraw_beyond_free_collateral",
        "Margin locked in a position can't be withdrawn: one unit above free collateral fails.",
        &with_long,
        Instruction::Withdraw { signer: alice(), owner: alice(), amount: free + 1 },
        &env,
    );
    s.ok(
        "withdraw_exactly_free_collateral_with_open_position",
        "Free collateral next to an open position can be withdrawn in full.",
        &with_long,
        Instruction::Withdraw { signer: alice(), owner: alice(), amount: free },
        &env,
    );
    s.err(
        ErrorCode::DelegateCannotWithdraw,
        "withdraw_by_delegate",
        "Dave may trade for alice but never withdraw.",
        &w,
        Instruction::Withdraw { signer: dave(), owner: alice(), amount: USDC },
        &env,
    );
    s.err(
        ErrorCode::Unauthorized,
        "withdraw_by_stranger",
        "Mallory can't withdraw from alice.",
        &w,
        Instruction::Withdraw { signer: mallory(), owner: alice(), amount: USDC },
        &env,
    );
    s.err(
        ErrorCode::ExchangePaused,
        "withdraw_while_exchange_paused",
        "Withdrawals stop while the exchange is paused.",
        &paused,
        Instruction::Withdraw { signer: alice(), owner: alice(), amount: USDC },
        &env,
    );

    let mut by_dave = order(alice(), SOL, perp_engine::state::OrderKind::Market, Side::Buy, ONE_SOL, 0, 2);
    by_dave.signer = dave();
    s.ok("delegate_places_order", "Dave opens a 1 SOL long on alice's account.", &w, place(by_dave), &sol_at(100 * USD));
    s
}
