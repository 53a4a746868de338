//! Trading accounts and collateral: create, delegate, deposit, withdraw.

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::math::apply_delta;
use crate::state::{Exchange, Key, User};

pub fn create_user(owner: &Key, delegate: Option<Key>) -> Result<(User, Event), EngineError> {
    check_delegate(owner, delegate.as_ref())?;
    let user = User { owner: *owner, delegate, collateral: 0, positions: Vec::new(), next_order_id: 0, open_orders: 0 };
    Ok((user, Event::UserCreated { owner: *owner, delegate }))
}

/// Only the owner may change (or clear, with `None`) the delegate.
pub fn set_delegate(user: &mut User, signer: &Key, delegate: Option<Key>) -> Result<Event, EngineError> {
    if *signer != user.owner {
        return Err(EngineError::new(ErrorCode::Unauthorized));
    }
    check_delegate(&user.owner, delegate.as_ref())?;
    user.delegate = delegate;
    Ok(Event::DelegateSet { owner: user.owner, delegate })
}

/// A delegate equal to the owner would be meaningless; refusing it catches a client mix-up.
fn check_delegate(owner: &Key, delegate: Option<&Key>) -> Result<(), EngineError> {
    if delegate == Some(owner) {
        return Err(EngineError { field: Some("delegate"), ..EngineError::new(ErrorCode::InvalidParameter) });
    }
    Ok(())
}

/// Anyone may deposit into any account: the tokens come from the signer's wallet.
pub fn deposit(exchange: &Exchange, user: &mut User, amount: u64) -> Result<Event, EngineError> {
    if exchange.paused {
        return Err(EngineError::new(ErrorCode::ExchangePaused));
    }
    if amount == 0 {
        return Err(EngineError::new(ErrorCode::InvalidAmount));
    }
    user.collateral = apply_delta(user.collateral, amount as i128)?;
    Ok(Event::Deposit { owner: user.owner, amount, collateral: user.collateral })
}

/// Only the owner withdraws, and only free collateral (margin locked in positions and
/// reserved by resting orders stays).
pub fn withdraw(exchange: &Exchange, user: &mut User, signer: &Key, amount: u64) -> Result<Event, EngineError> {
    if *signer != user.owner {
        let code = if user.delegate.as_ref() == Some(signer) { ErrorCode::DelegateCannotWithdraw } else { ErrorCode::Unauthorized };
        return Err(EngineError::new(code));
    }
    if exchange.paused {
        return Err(EngineError::new(ErrorCode::ExchangePaused));
    }
    if amount == 0 {
        return Err(EngineError::new(ErrorCode::InvalidAmount));
    }
    if amount > user.collateral {
        return Err(EngineError::bounded(ErrorCode::InsufficientFreeCollateral, user.collateral as i128, amount as i128));
    }
    user.collateral -= amount;
    Ok(Event::Withdraw { owner: user.owner, amount, collateral: user.collateral })
}
