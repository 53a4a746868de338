//! A minimal in-process runtime for running the program natively: accounts are
//! serialized into the loader's input layout and handed to the program's real
//! entrypoint, and the clock syscall is served by `SyscallStubs`. A failed
//! instruction leaves the ledger untouched, like a failed transaction.
//!
//! Cross-program invocations can't run natively with Anchor 0.32 (its `solana-invoke`
//! panics off-chain), so instructions that create accounts or move tokens are
//! exercised under SBF only; the ledger is seeded with the accounts they would have
//! produced.

use anchor_lang::prelude::*;
use anchor_lang::solana_program::entrypoint::{deserialize, MAX_PERMITTED_DATA_INCREASE};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_lang::solana_program::system_program;
use anchor_spl::token::spl_token;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Once;

#[derive(Clone, Debug)]
pub struct AccountState {
    pub owner: Pubkey,
    pub lamports: u64,
    pub data: Vec<u8>,
    pub executable: bool,
}

#[derive(Default)]
pub struct Ledger {
    pub accounts: BTreeMap<Pubkey, AccountState>,
}

static CLOCK: AtomicI64 = AtomicI64::new(0);
static STUBS: Once = Once::new();

pub fn set_clock(unix_timestamp: i64) {
    CLOCK.store(unix_timestamp, Ordering::SeqCst);
}

impl Ledger {
    pub fn new() -> Self {
        STUBS.call_once(|| {
            solana_sysvar::program_stubs::set_syscall_stubs(Box::new(Runtime));
        });
        let mut ledger = Ledger::default();
        for program in [system_program::ID, spl_token::ID] {
            ledger.accounts.insert(program, AccountState { owner: Pubkey::default(), lamports: 1, data: vec![], executable: true });
        }
        ledger
    }

    pub fn set(&mut self, key: Pubkey, owner: Pubkey, lamports: u64, data: Vec<u8>) {
        self.accounts.insert(key, AccountState { owner, lamports, data, executable: false });
    }

    pub fn get(&self, key: &Pubkey) -> Option<&AccountState> {
        self.accounts.get(key)
    }

    /// Deserializes an Anchor account (checking its discriminator).
    pub fn anchor<T: AccountDeserialize>(&self, key: &Pubkey) -> T {
        let account = self.get(key).unwrap_or_else(|| panic!("no account {key}"));
        T::try_deserialize(&mut account.data.as_slice()).expect("anchor account")
    }

    pub fn token_balance(&self, key: &Pubkey) -> u64 {
        spl_token::state::Account::unpack(&self.get(key).expect("token account").data).expect("token account").amount
    }

    /// Runs one instruction through the program's entrypoint.
    pub fn process(&mut self, ix: &Instruction) -> std::result::Result<(), ProgramError> {
        let mut buffer = self.serialize(ix);
        // SAFETY: `buffer` holds the loader's aligned input layout, built by `serialize`,
        // and outlives every AccountInfo made from it.
        let (program_id, infos, data) = unsafe { deserialize(buffer.as_mut_ptr() as *mut u8) };
        quantdesk_perp::entry(program_id, &infos, data)?;
        for info in &infos {
            let state = AccountState {
                owner: *info.owner,
                lamports: info.lamports(),
                data: info.data.borrow().to_vec(),
                executable: info.executable,
            };
            self.accounts.insert(*info.key, state);
        }
        Ok(())
    }

    /// The loader's input: account count, each account (or a duplicate marker), the
    /// instruction data and the program id; u128 storage keeps it 16-byte aligned.
    fn serialize(&self, ix: &Instruction) -> Vec<u128> {
        let mut out: Vec<u8> = Vec::new();
        out.extend_from_slice(&(ix.accounts.len() as u64).to_le_bytes());
        for (i, meta) in ix.accounts.iter().enumerate() {
            if let Some(first) = ix.accounts[..i].iter().position(|m| m.pubkey == meta.pubkey) {
                out.push(first as u8);
                out.extend_from_slice(&[0; 7]);
                continue;
            }
            let empty = AccountState { owner: system_program::ID, lamports: 0, data: vec![], executable: false };
            let account = self.accounts.get(&meta.pubkey).unwrap_or(&empty);
            // A transaction message merges repeated keys: signer or writable if any use is.
            let uses = ix.accounts.iter().filter(|m| m.pubkey == meta.pubkey);
            let (signer, writable) = uses.fold((false, false), |(s, w), m| (s || m.is_signer, w || m.is_writable));
            out.extend_from_slice(&[0xff, signer as u8, writable as u8, account.executable as u8, 0, 0, 0, 0]);
            out.extend_from_slice(meta.pubkey.as_ref());
            out.extend_from_slice(account.owner.as_ref());
            out.extend_from_slice(&account.lamports.to_le_bytes());
            out.extend_from_slice(&(account.data.len() as u64).to_le_bytes());
            out.extend_from_slice(&account.data);
            out.resize(out.len() + MAX_PERMITTED_DATA_INCREASE, 0);
            out.resize(out.len().next_multiple_of(8), 0);
            out.extend_from_slice(&u64::MAX.to_le_bytes()); // rent epoch
        }
        out.extend_from_slice(&(ix.data.len() as u64).to_le_bytes());
        out.extend_from_slice(&ix.data);
        out.extend_from_slice(ix.program_id.as_ref());
        let mut words = vec![0u128; out.len().div_ceil(16)];
        // SAFETY: `words` has at least `out.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), words.as_mut_ptr() as *mut u8, out.len()) };
        words
    }
}

/// The one syscall the tested instructions make natively: the clock.
struct Runtime;

impl solana_sysvar::program_stubs::SyscallStubs for Runtime {
    fn sol_log(&self, _message: &str) {}

    fn sol_get_clock_sysvar(&self, var_addr: *mut u8) -> u64 {
        let clock = Clock { unix_timestamp: CLOCK.load(Ordering::SeqCst), ..Clock::default() };
        // SAFETY: the sysvar getter passes a pointer to a `Clock`.
        unsafe { *(var_addr as *mut Clock) = clock };
        0
    }
}

pub fn mint_data(decimals: u8) -> Vec<u8> {
    let mint = spl_token::state::Mint { decimals, is_initialized: true, supply: u64::MAX / 2, ..Default::default() };
    let mut data = vec![0; spl_token::state::Mint::LEN];
    spl_token::state::Mint::pack(mint, &mut data).unwrap();
    data
}

pub fn token_account_data(mint: Pubkey, owner: Pubkey, amount: u64) -> Vec<u8> {
    let account =
        spl_token::state::Account { mint, owner, amount, state: spl_token::state::AccountState::Initialized, ..Default::default() };
    let mut data = vec![0; spl_token::state::Account::LEN];
    spl_token::state::Account::pack(account, &mut data).unwrap();
    data
}
