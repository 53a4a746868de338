//! Reads a Pyth pull-oracle `PriceUpdateV2` account (owned by the Pyth Receiver
//! program) without the Pyth SDK: the layout is small and stable, and parsing it here
//! keeps the program's dependency tree to Anchor alone.
//!
//! Borsh layout after the 8-byte Anchor discriminator:
//! `write_authority: Pubkey, verification_level: enum { Partial { num_signatures: u8 }
//! = 0, Full = 1 }, price_message: { feed_id: [u8; 32], price: i64, conf: u64,
//! exponent: i32, publish_time: i64, prev_publish_time: i64, ema_price: i64,
//! ema_conf: u64 }, posted_slot: u64`.
//!
//! Only the account's shape is checked here; the engine judges the price (feed id,
//! verification, staleness, confidence) so the same rules apply off chain.

use anchor_lang::prelude::*;
use perp_engine::OracleInput;

/// The Pyth Solana Receiver program, owner of every `PriceUpdateV2` account.
pub const PYTH_RECEIVER_PROGRAM_ID: Pubkey = pubkey!("rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ");

/// `sha256("account:PriceUpdateV2")[..8]`.
pub const PRICE_UPDATE_V2_DISCRIMINATOR: [u8; 8] = [34, 241, 35, 99, 157, 126, 244, 205];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceUpdateV2 {
    pub write_authority: Pubkey,
    /// `None` for `Full`, `Some(num_signatures)` for `Partial`.
    pub partial_signatures: Option<u8>,
    pub feed_id: [u8; 32],
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub prev_publish_time: i64,
    pub ema_price: i64,
    pub ema_conf: u64,
    pub posted_slot: u64,
}

impl PriceUpdateV2 {
    pub fn to_oracle_input(&self) -> OracleInput {
        OracleInput {
            feed_id: self.feed_id,
            price: self.price,
            conf: self.conf,
            exponent: self.exponent,
            publish_time: self.publish_time,
            fully_verified: self.partial_signatures.is_none(),
        }
    }
}

struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.data.split_first_chunk::<N>()?;
        self.data = rest;
        Some(*head)
    }
}

/// Parses the account data; `None` when it is not a `PriceUpdateV2`.
pub fn parse_price_update(data: &[u8]) -> Option<PriceUpdateV2> {
    let mut r = Reader { data };
    if r.take::<8>()? != PRICE_UPDATE_V2_DISCRIMINATOR {
        return None;
    }
    let write_authority = Pubkey::new_from_array(r.take::<32>()?);
    let partial_signatures = match r.take::<1>()?[0] {
        0 => Some(r.take::<1>()?[0]),
        1 => None,
        _ => return None,
    };
    Some(PriceUpdateV2 {
        write_authority,
        partial_signatures,
        feed_id: r.take::<32>()?,
        price: i64::from_le_bytes(r.take()?),
        conf: u64::from_le_bytes(r.take()?),
        exponent: i32::from_le_bytes(r.take()?),
        publish_time: i64::from_le_bytes(r.take()?),
        prev_publish_time: i64::from_le_bytes(r.take()?),
        ema_price: i64::from_le_bytes(r.take()?),
        ema_conf: u64::from_le_bytes(r.take()?),
        posted_slot: u64::from_le_bytes(r.take()?),
    })
}

/// Reads the oracle account passed to an instruction: it must be owned by the Pyth
/// Receiver and hold a `PriceUpdateV2`.
pub fn read_oracle(account: &AccountInfo) -> Result<OracleInput> {
    if account.owner != &PYTH_RECEIVER_PROGRAM_ID {
        return Err(
            error!(anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram).with_pubkeys((*account.owner, PYTH_RECEIVER_PROGRAM_ID))
        );
    }
    let data = account.try_borrow_data()?;
    let update = parse_price_update(&data).ok_or_else(|| error!(anchor_lang::error::ErrorCode::AccountDidNotDeserialize))?;
    Ok(update.to_oracle_input())
}

/// Serializes an update in the receiver's layout (tests and local tooling build
/// oracle accounts with it).
pub fn encode_price_update(u: &PriceUpdateV2) -> Vec<u8> {
    let mut out = Vec::with_capacity(134);
    out.extend_from_slice(&PRICE_UPDATE_V2_DISCRIMINATOR);
    out.extend_from_slice(u.write_authority.as_ref());
    match u.partial_signatures {
        Some(n) => out.extend_from_slice(&[0, n]),
        None => out.push(1),
    }
    out.extend_from_slice(&u.feed_id);
    out.extend_from_slice(&u.price.to_le_bytes());
    out.extend_from_slice(&u.conf.to_le_bytes());
    out.extend_from_slice(&u.exponent.to_le_bytes());
    out.extend_from_slice(&u.publish_time.to_le_bytes());
    out.extend_from_slice(&u.prev_publish_time.to_le_bytes());
    out.extend_from_slice(&u.ema_price.to_le_bytes());
    out.extend_from_slice(&u.ema_conf.to_le_bytes());
    out.extend_from_slice(&u.posted_slot.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sample(partial: Option<u8>) -> PriceUpdateV2 {
        PriceUpdateV2 {
            write_authority: Pubkey::new_from_array([9; 32]),
            partial_signatures: partial,
            feed_id: [0xef; 32],
            price: 10_012_345_678,
            conf: 5_000_000,
            exponent: -8,
            publish_time: 1_700_000_000,
            prev_publish_time: 1_699_999_999,
            ema_price: 10_000_000_000,
            ema_conf: 4_000_000,
            posted_slot: 321,
        }
    }

    #[test]
    fn discriminator_is_the_anchor_account_hash() {
        let hash = Sha256::digest(b"account:PriceUpdateV2");
        assert_eq!(hash[..8], PRICE_UPDATE_V2_DISCRIMINATOR);
    }

    #[test]
    fn parses_full_and_partial_updates_at_their_offsets() {
        let full = encode_price_update(&sample(None));
        assert_eq!(full.len(), 133);
        // price starts after discriminator (8) + authority (32) + level (1) + feed id (32).
        assert_eq!(&full[73..81], &10_012_345_678i64.to_le_bytes());
        assert_eq!(parse_price_update(&full), Some(sample(None)));
        assert!(parse_price_update(&full).unwrap().to_oracle_input().fully_verified);

        let partial = encode_price_update(&sample(Some(3)));
        assert_eq!(partial.len(), 134);
        let parsed = parse_price_update(&partial).unwrap();
        assert_eq!(parsed, sample(Some(3)));
        assert!(!parsed.to_oracle_input().fully_verified);
    }

    #[test]
    fn rejects_other_accounts() {
        let mut data = encode_price_update(&sample(None));
        assert_eq!(parse_price_update(&data[..data.len() - 1]), None);
        data[40] = 7; // not a verification level
        assert_eq!(parse_price_update(&data), None);
        data[0] ^= 1;
        assert_eq!(parse_price_update(&data), None);
    }
}
