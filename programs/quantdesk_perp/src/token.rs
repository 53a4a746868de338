//! SPL Token movements. The vault token account holds every trader's collateral plus
//! the liquidity vault; the insurance token account holds the insurance fund. Both are
//! PDAs owned by the exchange PDA, which signs transfers out of them.

use crate::state::{Exchange, EXCHANGE_SEED};
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

/// Moves tokens the signer owns into a program token account.
pub fn transfer_in<'info>(
    token_program: &Program<'info, Token>,
    from: &Account<'info, TokenAccount>,
    to: &Account<'info, TokenAccount>,
    authority: &Signer<'info>,
    amount: u64,
) -> Result<()> {
    let accounts = Transfer { from: from.to_account_info(), to: to.to_account_info(), authority: authority.to_account_info() };
    token::transfer(CpiContext::new(token_program.to_account_info(), accounts), amount)
}

/// Moves tokens out of a program token account, signed by the exchange PDA.
pub fn transfer_out<'info>(
    token_program: &Program<'info, Token>,
    from: &Account<'info, TokenAccount>,
    to: &Account<'info, TokenAccount>,
    exchange: &Account<'info, Exchange>,
    amount: u64,
) -> Result<()> {
    let seeds: &[&[u8]] = &[EXCHANGE_SEED, &[exchange.bump]];
    let signer = &[seeds];
    let accounts = Transfer { from: from.to_account_info(), to: to.to_account_info(), authority: exchange.to_account_info() };
    token::transfer(CpiContext::new_with_signer(token_program.to_account_info(), accounts, signer), amount)
}

/// The accounts an instruction needs to keep the insurance token account equal to
/// the engine's insurance fund after fees, liquidations and bad-debt cover.
pub struct InsuranceSync<'a, 'info> {
    pub token_program: &'a Program<'info, Token>,
    pub vault: &'a Account<'info, TokenAccount>,
    pub insurance: &'a Account<'info, TokenAccount>,
    pub exchange: &'a Account<'info, Exchange>,
}

impl InsuranceSync<'_, '_> {
    /// Moves `after - before` between the vault and the insurance token accounts.
    pub fn apply(&self, before: u64, after: u64) -> Result<()> {
        if after > before {
            transfer_out(self.token_program, self.vault, self.insurance, self.exchange, after - before)
        } else if before > after {
            transfer_out(self.token_program, self.insurance, self.vault, self.exchange, before - after)
        } else {
            Ok(())
        }
    }
}
