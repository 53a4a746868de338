//! Instructions and the world-level state transition `apply`.
//!
//! Each instruction module works on the pieces of state an on-chain instruction
//! loads (exchange, market, user, order), so the Anchor program calls the very same
//! functions. `apply` adds what accounts give the program for free: finding those
//! pieces (the "not found" / "already exists" errors) and keeping the state
//! unchanged when an instruction fails.
//!
//! Checks run in a fixed order, so exactly one error is reported when several
//! apply: existence of the pieces → authority → pause → arguments → oracle → state.

pub mod account;
pub mod admin;
pub mod execution;
pub mod keeper;
pub mod trading;

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::oracle::OracleInput;
use crate::state::{Key, Market, Order, Pool, State, User};

pub use admin::{AddMarketArgs, InitializeExchangeArgs};
pub use trading::{ClosePositionArgs, PlaceOrderArgs};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instruction {
    InitializeExchange(InitializeExchangeArgs),
    AddMarket(AddMarketArgs),
    SetPaused {
        signer: Key,
        market_index: Option<u16>,
        paused: bool,
    },
    FundPool {
        signer: Key,
        pool: Pool,
        amount: u64,
    },
    CreateUser {
        signer: Key,
        delegate: Option<Key>,
    },
    SetDelegate {
        signer: Key,
        owner: Key,
        delegate: Option<Key>,
    },
    Deposit {
        owner: Key,
        amount: u64,
    },
    Withdraw {
        signer: Key,
        owner: Key,
        amount: u64,
    },
    PlaceOrder(PlaceOrderArgs),
    CancelOrder {
        signer: Key,
        owner: Key,
        order_id: u64,
    },
    ClosePosition(ClosePositionArgs),
    TriggerOrder {
        owner: Key,
        order_id: u64,
    },
    SettleFunding {
        market_index: u16,
    },
    /// The signer's own account receives the liquidator reward.
    Liquidate {
        signer: Key,
        owner: Key,
        market_index: u16,
    },
}

impl Instruction {
    pub fn name(&self) -> &'static str {
        match self {
            Instruction::InitializeExchange(_) => "initialize_exchange",
            Instruction::AddMarket(_) => "add_market",
            Instruction::SetPaused { .. } => "set_paused",
            Instruction::FundPool { .. } => "fund_pool",
            Instruction::CreateUser { .. } => "create_user",
            Instruction::SetDelegate { .. } => "set_delegate",
            Instruction::Deposit { .. } => "deposit",
            Instruction::Withdraw { .. } => "withdraw",
            Instruction::PlaceOrder(_) => "place_order",
            Instruction::CancelOrder { .. } => "cancel_order",
            Instruction::ClosePosition(_) => "close_position",
            Instruction::TriggerOrder { .. } => "trigger_order",
            Instruction::SettleFunding { .. } => "settle_funding",
            Instruction::Liquidate { .. } => "liquidate",
        }
    }
}

/// What the runtime supplies: the oracle update passed with the instruction (ignored
/// by instructions that read no price) and the cluster clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Env {
    pub oracle: OracleInput,
    pub now: i64,
}

/// Applies one instruction: the new state and its events, or the error (and the
/// input state stays as it was).
pub fn apply(state: &State, instruction: &Instruction, env: &Env) -> Result<(State, Vec<Event>), EngineError> {
    let mut next = state.clone();
    let events = dispatch(&mut next, instruction, env)?;
    Ok((next, events))
}

fn dispatch(state: &mut State, instruction: &Instruction, env: &Env) -> Result<Vec<Event>, EngineError> {
    let State { exchange, markets, users, orders } = state;
    let Some(exchange) = exchange.as_mut() else {
        let Instruction::InitializeExchange(args) = instruction else {
            return Err(EngineError::new(ErrorCode::ExchangeNotInitialized));
        };
        let (created, event) = admin::initialize_exchange(args)?;
        state.exchange = Some(created);
        return Ok(vec![event]);
    };
    let (oracle, now) = (&env.oracle, env.now);

    match instruction {
        Instruction::InitializeExchange(_) => Err(EngineError::new(ErrorCode::ExchangeAlreadyInitialized)),
        Instruction::AddMarket(args) => {
            let (market, event) = admin::add_market(exchange, markets.len(), args, now)?;
            markets.push(market);
            Ok(vec![event])
        }
        Instruction::SetPaused { signer, market_index, paused } => {
            let market = match market_index {
                Some(index) => Some(find_market(markets, *index)?),
                None => None,
            };
            Ok(vec![admin::set_paused(exchange, market, signer, *paused)?])
        }
        Instruction::FundPool { signer, pool, amount } => Ok(vec![admin::fund_pool(exchange, signer, *pool, *amount)?]),
        Instruction::CreateUser { signer, delegate } => {
            if users.iter().any(|u| u.owner == *signer) {
                return Err(EngineError::new(ErrorCode::UserAlreadyExists));
            }
            let (user, event) = account::create_user(signer, *delegate)?;
            users.push(user);
            Ok(vec![event])
        }
        Instruction::SetDelegate { signer, owner, delegate } => {
            Ok(vec![account::set_delegate(find_user(users, owner)?, signer, *delegate)?])
        }
        Instruction::Deposit { owner, amount } => Ok(vec![account::deposit(exchange, find_user(users, owner)?, *amount)?]),
        Instruction::Withdraw { signer, owner, amount } => {
            Ok(vec![account::withdraw(exchange, find_user(users, owner)?, signer, *amount)?])
        }
        Instruction::PlaceOrder(args) => {
            let user = find_user(users, &args.owner)?;
            let market = find_market(markets, args.market_index)?;
            let (resting, events) = trading::place_order(exchange, market, user, args, oracle, now)?;
            orders.extend(resting);
            Ok(events)
        }
        Instruction::CancelOrder { signer, owner, order_id } => {
            let user = find_user(users, owner)?;
            let at = find_order(orders, owner, *order_id)?;
            let event = trading::cancel_order(user, &orders[at], signer)?;
            orders.remove(at);
            Ok(vec![event])
        }
        Instruction::ClosePosition(args) => {
            let user = find_user(users, &args.owner)?;
            let market = find_market(markets, args.market_index)?;
            trading::close_position(exchange, market, user, args, oracle, now)
        }
        Instruction::TriggerOrder { owner, order_id } => {
            let user = find_user(users, owner)?;
            let at = find_order(orders, owner, *order_id)?;
            let market = find_market(markets, orders[at].market_index)?;
            let events = keeper::trigger_order(exchange, market, user, &orders[at], oracle, now)?;
            orders.remove(at);
            Ok(events)
        }
        Instruction::SettleFunding { market_index } => {
            let market = find_market(markets, *market_index)?;
            Ok(vec![keeper::settle_market_funding(exchange, market, oracle, now)?])
        }
        Instruction::Liquidate { signer, owner, market_index } => {
            let target = user_index(users, owner)?;
            let liquidator = user_index(users, signer)?;
            let market = find_market(markets, *market_index)?;
            if target == liquidator {
                return Err(EngineError::new(ErrorCode::CannotLiquidateSelf));
            }
            let (user, liquidator) = two_users(users, target, liquidator);
            keeper::liquidate(exchange, market, user, liquidator, oracle, now)
        }
    }
}

fn user_index(users: &[User], owner: &Key) -> Result<usize, EngineError> {
    users.iter().position(|u| u.owner == *owner).ok_or_else(|| EngineError::new(ErrorCode::UserNotFound))
}

fn find_user<'a>(users: &'a mut [User], owner: &Key) -> Result<&'a mut User, EngineError> {
    let at = user_index(users, owner)?;
    Ok(&mut users[at])
}

fn find_market(markets: &mut [Market], index: u16) -> Result<&mut Market, EngineError> {
    markets.get_mut(index as usize).ok_or_else(|| EngineError::with_value(ErrorCode::MarketNotFound, index as i128))
}

fn find_order(orders: &[Order], owner: &Key, id: u64) -> Result<usize, EngineError> {
    orders.iter().position(|o| o.owner == *owner && o.id == id).ok_or_else(|| EngineError::with_value(ErrorCode::OrderNotFound, id as i128))
}

/// Two distinct users mutably at once (`a != b`).
fn two_users(users: &mut [User], a: usize, b: usize) -> (&mut User, &mut User) {
    if a < b {
        let (left, right) = users.split_at_mut(b);
        (&mut left[a], &mut right[0])
    } else {
        let (left, right) = users.split_at_mut(a);
        (&mut right[0], &mut left[b])
    }
}
