//! The program run natively through its real entrypoint (see `support`). The ledger
//! is seeded with the accounts an engine-built world implies (a funded exchange, a
//! SOL market, two traders with positions and resting orders); then every
//! instruction that needs no cross-program call runs on chain and in the engine, and
//! after each one the accounts must decode to exactly the engine's state and the
//! token accounts must still hold what the engine's accounting says. Fees here all
//! go to the vault and liquidator (insurance share 0), so no token transfer is due.

mod support;

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::system_program;
use anchor_lang::{InstructionData, ToAccountMetas};
use anchor_spl::token::spl_token;
use perp_engine::instructions::{AddMarketArgs, ClosePositionArgs, InitializeExchangeArgs, PlaceOrderArgs};
use perp_engine::state as engine;
use perp_engine::{Env, OracleInput};
use quantdesk_perp::oracle::{encode_price_update, PriceUpdateV2, PYTH_RECEIVER_PROGRAM_ID};
use quantdesk_perp::state::*;
use quantdesk_perp::{accounts, instruction};
use support::{mint_data, set_clock, token_account_data, Ledger};

const NOW: i64 = 1_700_000_000;
const FEED: [u8; 32] = [0xef; 32];
const SOL: u64 = 1_000_000_000;
const USDC: u64 = 1_000_000;

fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &quantdesk_perp::ID).0
}

struct World {
    ledger: Ledger,
    engine: engine::State,
    admin: Pubkey,
    bob: Pubkey,
    oracle: Pubkey,
    oracle_input: OracleInput,
    now: i64,
}

impl World {
    /// Seeds the ledger with `state`'s accounts; `rent_payer` names who paid for each
    /// resting order's account.
    fn seeded(state: engine::State, keys: [Pubkey; 6], rent_payer: impl Fn(&engine::Order) -> Pubkey) -> Self {
        let mut ledger = Ledger::new();
        let [admin, alice, dave, bob, mint, oracle] = keys;
        for wallet in [admin, alice, dave, bob] {
            ledger.set(wallet, system_program::ID, 10_000_000_000, vec![]);
        }
        ledger.set(mint, spl_token::ID, 1_461_600, mint_data(6));
        let exchange = state.exchange.as_ref().expect("initialized");
        let bump = |seeds: &[&[u8]]| Pubkey::find_program_address(seeds, &quantdesk_perp::ID).1;
        let rent = Rent::default();
        let mut write = |key: Pubkey, account: &dyn Fn(&mut Vec<u8>), space: usize| {
            let mut data = Vec::new();
            account(&mut data);
            data.resize(space, 0);
            ledger.set(key, quantdesk_perp::ID, rent.minimum_balance(space), data);
        };
        let exchange_account = Exchange {
            admin: Pubkey::new_from_array(exchange.admin),
            collateral_mint: Pubkey::new_from_array(exchange.collateral_mint),
            params: (&exchange.params).into(),
            paused: exchange.paused,
            liquidity_vault: exchange.liquidity_vault,
            insurance_fund: exchange.insurance_fund,
            market_count: state.markets.len() as u16,
            bump: bump(&[EXCHANGE_SEED]),
            vault_bump: bump(&[VAULT_SEED]),
            insurance_bump: bump(&[INSURANCE_SEED]),
        };
        write(pda(&[EXCHANGE_SEED]), &|d| exchange_account.try_serialize(d).unwrap(), 8 + Exchange::INIT_SPACE);
        for m in &state.markets {
            let seeds: &[&[u8]] = &[MARKET_SEED, &m.index.to_le_bytes()];
            let mut account = Market {
                index: 0,
                params: (&m.params).into(),
                paused: false,
                long_open_interest: 0,
                short_open_interest: 0,
                cumulative_funding: 0,
                last_funding_ts: 0,
                last_funding_rate: 0,
                bump: bump(seeds),
            };
            account.store(m);
            write(pda(seeds), &|d| account.try_serialize(d).unwrap(), 8 + Market::INIT_SPACE);
        }
        let mut in_vault = exchange.liquidity_vault as i128;
        for u in &state.users {
            let owner = Pubkey::new_from_array(u.owner);
            let seeds: &[&[u8]] = &[USER_SEED, owner.as_ref()];
            let mut account = UserAccount {
                owner,
                delegate: None,
                collateral: 0,
                positions: Default::default(),
                next_order_id: 0,
                open_orders: 0,
                bump: bump(seeds),
            };
            account.store(u);
            write(pda(seeds), &|d| account.try_serialize(d).unwrap(), 8 + UserAccount::INIT_SPACE);
            in_vault += u.collateral as i128 + u.positions.iter().map(|p| p.margin as i128).sum::<i128>();
        }
        for o in &state.orders {
            let user = pda(&[USER_SEED, &o.owner]);
            let seeds: &[&[u8]] = &[ORDER_SEED, user.as_ref(), &o.id.to_le_bytes()];
            let mut account = Order {
                id: 0,
                owner: Pubkey::default(),
                market_index: 0,
                kind: OrderKind::Market,
                side: Side::Buy,
                size: 0,
                price: 0,
                trigger_price: 0,
                reduce_only: false,
                client_order_id: 0,
                leverage: 0,
                reserved: 0,
                placed_at: 0,
                rent_payer: rent_payer(o),
                bump: bump(seeds),
            };
            account.store(o);
            write(pda(seeds), &|d| account.try_serialize(d).unwrap(), 8 + Order::INIT_SPACE);
            in_vault += o.reserved as i128;
        }
        let authority = pda(&[EXCHANGE_SEED]);
        ledger.set(pda(&[VAULT_SEED]), spl_token::ID, 2_039_280, token_account_data(mint, authority, in_vault as u64));
        ledger.set(pda(&[INSURANCE_SEED]), spl_token::ID, 2_039_280, token_account_data(mint, authority, exchange.insurance_fund));
        let mut world = World { ledger, engine: state, admin, bob, oracle, oracle_input: price(100_000_000), now: NOW };
        world.set_price(price(100_000_000));
        world.assert_matches_engine();
        world
    }

    fn set_price(&mut self, input: OracleInput) {
        let update = PriceUpdateV2 {
            write_authority: Pubkey::default(),
            partial_signatures: (!input.fully_verified).then_some(1),
            feed_id: input.feed_id,
            price: input.price,
            conf: input.conf,
            exponent: input.exponent,
            publish_time: input.publish_time,
            prev_publish_time: input.publish_time - 1,
            ema_price: input.price,
            ema_conf: input.conf,
            posted_slot: 1,
        };
        self.ledger.set(self.oracle, PYTH_RECEIVER_PROGRAM_ID, 1_000_000, encode_price_update(&update));
        self.oracle_input = input;
    }

    fn env(&self) -> Env {
        Env { oracle: self.oracle_input.clone(), now: self.now }
    }

    /// Runs the instruction on chain and in the engine; both must agree on success or
    /// on the error code, and on the resulting state.
    fn step(&mut self, ix: Instruction, engine_ix: perp_engine::Instruction) -> std::result::Result<(), u32> {
        set_clock(self.now);
        let on_chain = self.ledger.process(&ix);
        let in_engine = perp_engine::apply(&self.engine, &engine_ix, &self.env());
        match (on_chain, in_engine) {
            (Ok(()), Ok((next, _))) => {
                self.engine = next;
                self.assert_matches_engine();
                Ok(())
            }
            (Err(ProgramError::Custom(code)), Err(e)) => {
                assert_eq!(code, e.code.code(), "program and engine disagree on the error");
                Err(code)
            }
            (chain, engine) => panic!("program {chain:?} vs engine {:?}", engine.map(|_| ())),
        }
    }

    fn assert_matches_engine(&self) {
        let e = &self.engine;
        let exchange = e.exchange.as_ref().expect("initialized");
        let account: Exchange = self.ledger.anchor(&pda(&[EXCHANGE_SEED]));
        assert_eq!(&account.to_engine(), exchange);
        assert_eq!(account.market_count as usize, e.markets.len());
        for market in &e.markets {
            let account: Market = self.ledger.anchor(&pda(&[MARKET_SEED, &market.index.to_le_bytes()]));
            assert_eq!(&account.to_engine(), market);
        }
        let mut in_vault = exchange.liquidity_vault as i128;
        for user in &e.users {
            let owner = Pubkey::new_from_array(user.owner);
            let account: UserAccount = self.ledger.anchor(&pda(&[USER_SEED, owner.as_ref()]));
            assert_eq!(&account.to_engine(), user);
            in_vault += user.collateral as i128 + user.positions.iter().map(|p| p.margin as i128).sum::<i128>();
            let user_pda = pda(&[USER_SEED, owner.as_ref()]);
            for id in 0..user.next_order_id {
                let key = pda(&[ORDER_SEED, user_pda.as_ref(), &id.to_le_bytes()]);
                match e.orders.iter().find(|o| o.owner == user.owner && o.id == id) {
                    Some(order) => {
                        let account: Order = self.ledger.anchor(&key);
                        assert_eq!(&account.to_engine(), order);
                        in_vault += order.reserved as i128;
                    }
                    None => {
                        assert!(self.ledger.get(&key).is_none_or(|a| a.lamports == 0 && a.data.is_empty()), "order {id} should be closed")
                    }
                }
            }
        }
        assert_eq!(self.ledger.token_balance(&pda(&[VAULT_SEED])) as i128, in_vault, "vault tokens vs engine accounting");
        assert_eq!(self.ledger.token_balance(&pda(&[INSURANCE_SEED])), exchange.insurance_fund);
    }

    fn user(&self, owner: &Pubkey) -> Pubkey {
        pda(&[USER_SEED, owner.as_ref()])
    }
}

fn price(p: i64) -> OracleInput {
    OracleInput { feed_id: FEED, price: p, conf: 10_000, exponent: -6, publish_time: NOW, fully_verified: true }
}

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: quantdesk_perp::ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

fn key(p: &Pubkey) -> engine::Key {
    p.to_bytes()
}

fn sol_params() -> MarketParamsData {
    MarketParamsData {
        symbol: "SOL-PERP".into(),
        pyth_feed_id: FEED,
        base_decimals: 9,
        max_leverage: 20,
        initial_margin_ppm: 40_000,
        maintenance_margin_ppm: 25_000,
        tick_size: 1_000,
        lot_size: 10_000_000,
        taker_fee_ppm: 500,
        maker_fee_ppm: 200,
        spread_ppm: 500,
        oracle_max_age_secs: 60,
        max_conf_ppm: 10_000,
        funding_interval_secs: 3_600,
        max_funding_rate: 100_000,
    }
}

impl World {
    fn cancel(&mut self, signer: Pubkey, owner: Pubkey, order_id: u64) {
        let order = pda(&[ORDER_SEED, self.user(&owner).as_ref(), &order_id.to_le_bytes()]);
        let rent_payer = self.ledger.anchor::<Order>(&order).rent_payer;
        let accounts = accounts::CancelOrder { signer, user: self.user(&owner), order, rent_payer };
        self.step(
            ix(accounts, instruction::CancelOrder {}),
            perp_engine::Instruction::CancelOrder { signer: key(&signer), owner: key(&owner), order_id },
        )
        .unwrap();
    }

    fn trigger(&mut self, owner: Pubkey, order_id: u64) -> std::result::Result<(), u32> {
        let order = pda(&[ORDER_SEED, self.user(&owner).as_ref(), &order_id.to_le_bytes()]);
        let rent_payer = self.ledger.anchor::<Order>(&order).rent_payer;
        let accounts = accounts::TriggerOrder {
            keeper: self.bob,
            exchange: pda(&[EXCHANGE_SEED]),
            market: pda(&[MARKET_SEED, &0u16.to_le_bytes()]),
            user: self.user(&owner),
            order,
            rent_payer,
            price_update: self.oracle,
            vault: pda(&[VAULT_SEED]),
            insurance: pda(&[INSURANCE_SEED]),
            token_program: spl_token::ID,
        };
        self.step(ix(accounts, instruction::TriggerOrder {}), perp_engine::Instruction::TriggerOrder { owner: key(&owner), order_id })
    }

    fn close(&mut self, owner: Pubkey, size: u64) {
        let accounts = accounts::ClosePosition {
            signer: owner,
            exchange: pda(&[EXCHANGE_SEED]),
            market: pda(&[MARKET_SEED, &0u16.to_le_bytes()]),
            user: self.user(&owner),
            price_update: self.oracle,
            vault: pda(&[VAULT_SEED]),
            insurance: pda(&[INSURANCE_SEED]),
            token_program: spl_token::ID,
        };
        let engine_ix = perp_engine::Instruction::ClosePosition(ClosePositionArgs {
            signer: key(&owner),
            owner: key(&owner),
            market_index: 0,
            size,
            price_limit: 0,
        });
        self.step(ix(accounts, instruction::ClosePosition { size, price_limit: 0 }), engine_ix).unwrap();
    }

    fn settle_funding_ix(&self) -> Instruction {
        let accounts = accounts::SettleFunding {
            exchange: pda(&[EXCHANGE_SEED]),
            market: pda(&[MARKET_SEED, &0u16.to_le_bytes()]),
            price_update: self.oracle,
        };
        ix(accounts, instruction::SettleFunding {})
    }

    fn try_settle_funding(&mut self) -> std::result::Result<(), u32> {
        self.step(self.settle_funding_ix(), perp_engine::Instruction::SettleFunding { market_index: 0 })
    }

    fn liquidate_ix(&self, liquidator: Pubkey, owner: Pubkey) -> Instruction {
        let accounts = accounts::Liquidate {
            liquidator,
            exchange: pda(&[EXCHANGE_SEED]),
            market: pda(&[MARKET_SEED, &0u16.to_le_bytes()]),
            user: self.user(&owner),
            liquidator_user: self.user(&liquidator),
            price_update: self.oracle,
            vault: pda(&[VAULT_SEED]),
            insurance: pda(&[INSURANCE_SEED]),
            token_program: spl_token::ID,
        };
        ix(accounts, instruction::Liquidate {})
    }

    fn liquidate(&mut self, liquidator: Pubkey, owner: Pubkey) -> std::result::Result<(), u32> {
        self.step(
            self.liquidate_ix(liquidator, owner),
            perp_engine::Instruction::Liquidate { signer: key(&liquidator), owner: key(&owner), market_index: 0 },
        )
    }

    fn set_delegate(&mut self, signer: Pubkey, owner: Pubkey, delegate: Option<Pubkey>) -> std::result::Result<(), u32> {
        let accounts = accounts::SetDelegate { signer, user: self.user(&owner) };
        self.step(
            ix(accounts, instruction::SetDelegate { delegate }),
            perp_engine::Instruction::SetDelegate { signer: key(&signer), owner: key(&owner), delegate: delegate.as_ref().map(key) },
        )
    }

    fn set_paused(&mut self, paused: bool) {
        let accounts = accounts::SetPaused {
            admin: self.admin,
            exchange: pda(&[EXCHANGE_SEED]),
            market: Some(pda(&[MARKET_SEED, &0u16.to_le_bytes()])),
        };
        self.step(
            ix(accounts, instruction::SetPaused { paused }),
            perp_engine::Instruction::SetPaused { signer: key(&self.admin), market_index: Some(0), paused },
        )
        .unwrap();
    }
}

fn order(
    owner: &Pubkey,
    signer: &Pubkey,
    kind: engine::OrderKind,
    side: engine::Side,
    size: u64,
    price: i64,
    trigger_price: i64,
) -> perp_engine::Instruction {
    perp_engine::Instruction::PlaceOrder(PlaceOrderArgs {
        signer: key(signer),
        owner: key(owner),
        market_index: 0,
        kind,
        side,
        size,
        price,
        trigger_price,
        reduce_only: kind == engine::OrderKind::StopLoss,
        client_order_id: 7,
        leverage: 5,
    })
}

/// The world the program's CPI-making instructions (initialize, list, fund, create
/// accounts, deposit, place) would have built, built by the engine: alice (delegate
/// dave) long 2 SOL with a resting limit buy placed by dave (order 1) and a stop-loss
/// (order 2); bob short 1 SOL.
fn engine_world(keys: &[Pubkey; 6]) -> engine::State {
    let [admin, alice, dave, bob, mint, _] = keys;
    let env = Env { oracle: price(100_000_000), now: NOW };
    let params = ExchangeParamsData { liquidation_fee_ppm: 10_000, liquidator_share_ppm: 1_000_000, insurance_fee_share_ppm: 0 };
    let steps = [
        perp_engine::Instruction::InitializeExchange(InitializeExchangeArgs {
            signer: key(admin),
            collateral_mint: key(mint),
            params: (&params).into(),
        }),
        perp_engine::Instruction::AddMarket(AddMarketArgs { signer: key(admin), params: (&sol_params()).into() }),
        perp_engine::Instruction::FundPool { signer: key(admin), pool: engine::Pool::Liquidity, amount: 100_000 * USDC },
        perp_engine::Instruction::FundPool { signer: key(admin), pool: engine::Pool::Insurance, amount: 1_000 * USDC },
        perp_engine::Instruction::CreateUser { signer: key(alice), delegate: Some(key(dave)) },
        perp_engine::Instruction::CreateUser { signer: key(bob), delegate: None },
        perp_engine::Instruction::Deposit { owner: key(alice), amount: 1_000 * USDC },
        perp_engine::Instruction::Deposit { owner: key(bob), amount: 500 * USDC },
        order(alice, dave, engine::OrderKind::Market, engine::Side::Buy, 2 * SOL, 0, 0),
        order(alice, dave, engine::OrderKind::Limit, engine::Side::Buy, SOL, 90_000_000, 0),
        order(alice, alice, engine::OrderKind::StopLoss, engine::Side::Sell, SOL, 0, 95_000_000),
        order(bob, bob, engine::OrderKind::Market, engine::Side::Sell, SOL, 0, 0),
    ];
    steps.iter().fold(engine::State::default(), |s, ix| perp_engine::apply(&s, ix, &env).unwrap_or_else(|e| panic!("{}: {e}", ix.name())).0)
}

#[test]
fn trading_instructions_run_on_chain_exactly_as_in_the_engine() {
    let keys: [Pubkey; 6] = std::array::from_fn(|i| Pubkey::new_from_array([i as u8 + 1; 32]));
    let (alice, dave, bob) = (keys[1], keys[2], keys[3]);
    let state = engine_world(&keys);
    let mut w = World::seeded(state, keys, |o| if o.kind == engine::OrderKind::Limit { dave } else { alice });

    // The delegate cancels the limit order it placed; the rent goes back to it.
    let dave_lamports = w.ledger.get(&dave).unwrap().lamports;
    w.cancel(dave, alice, 1);
    assert!(w.ledger.get(&dave).unwrap().lamports > dave_lamports);

    // A delegate may not change the delegate; the owner may.
    assert_eq!(w.set_delegate(dave, alice, Some(bob)), Err(6002));

    // The stop-loss is not due at 100; a stale price is refused with the engine's code.
    assert_eq!(w.trigger(alice, 2), Err(6030));
    w.now = NOW + 3_600;
    assert_eq!(w.try_settle_funding(), Err(6019));

    // An hour of funding (longs dominate), then half of alice's long closes.
    w.set_price(OracleInput { publish_time: w.now, ..price(101_000_000) });
    w.try_settle_funding().unwrap();
    w.close(alice, SOL / 2);

    // The oracle falls through the stop: it fills and its account closes.
    w.set_price(OracleInput { publish_time: w.now, ..price(94_000_000) });
    w.trigger(alice, 2).unwrap();

    // While the market is paused nothing is liquidated; resumed, bob's short is,
    // at its liquidation price, by alice (whose account takes the whole fee).
    let bob_position = w.engine.users[1].positions[0].clone();
    let pending = perp_engine::risk::pending_funding(&bob_position, &w.engine.markets[0]).unwrap();
    let liquidation_price = perp_engine::risk::liquidation_price(&bob_position, &w.engine.markets[0].params, pending);
    w.set_price(OracleInput { publish_time: w.now, ..price(liquidation_price) });
    w.set_paused(true);
    assert_eq!(w.liquidate(alice, bob), Err(6010));
    w.set_paused(false);
    assert!(w.ledger.process(&w.liquidate_ix(bob, bob)).is_err(), "self-liquidation is refused");
    w.liquidate(alice, bob).unwrap();
    assert!(w.engine.users[1].positions.is_empty());

    w.set_delegate(alice, alice, Some(bob)).unwrap();
}

#[test]
fn oracle_accounts_not_owned_by_the_pyth_receiver_are_refused() {
    let keys: [Pubkey; 6] = std::array::from_fn(|i| Pubkey::new_from_array([i as u8 + 1; 32]));
    let mut w = World::seeded(engine_world(&keys), keys, |_| keys[1]);
    let mut forged = w.ledger.get(&w.oracle).unwrap().clone();
    forged.owner = keys[0];
    w.ledger.accounts.insert(w.oracle, forged);
    set_clock(NOW + 3_600);
    let ix = w.settle_funding_ix();
    assert_eq!(w.ledger.process(&ix), Err(ProgramError::Custom(anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram.into())));
}
