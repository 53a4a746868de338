//! A strict reader for JSON objects: every field must be present with the right
//! type, and any field the format doesn't define is an error (so a client's typo
//! fails loudly instead of being ignored).

use perp_engine::state::Key;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub type CodecResult<T> = Result<T, String>;

pub struct Fields<'a> {
    what: &'static str,
    map: &'a Map<String, Value>,
    used: BTreeSet<&'static str>,
}

impl<'a> Fields<'a> {
    pub fn of(what: &'static str, value: &'a Value) -> CodecResult<Self> {
        let map = value.as_object().ok_or_else(|| format!("{what}: expected an object"))?;
        Ok(Fields { what, map, used: BTreeSet::new() })
    }

    pub fn raw(&mut self, key: &'static str) -> CodecResult<&'a Value> {
        self.used.insert(key);
        self.map.get(key).ok_or_else(|| format!("{}: missing field `{key}`", self.what))
    }

    fn bad(&self, key: &str, expected: &str) -> String {
        format!("{}: field `{key}` must be {expected}", self.what)
    }

    pub fn i128_number(&mut self, key: &'static str) -> CodecResult<i128> {
        let v = self.raw(key)?;
        v.as_i64().map(i128::from).or_else(|| v.as_u64().map(i128::from)).ok_or_else(|| self.bad(key, "an integer"))
    }

    pub fn int<T: TryFrom<i128>>(&mut self, key: &'static str) -> CodecResult<T> {
        let v = self.i128_number(key)?;
        T::try_from(v).map_err(|_| self.bad(key, "an integer in range"))
    }

    /// 128-bit integers travel as decimal strings (JSON numbers lose precision past 2^53 in many parsers).
    pub fn i128_string(&mut self, key: &'static str) -> CodecResult<i128> {
        let v = self.raw(key)?;
        v.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| self.bad(key, "a decimal string"))
    }

    pub fn bool(&mut self, key: &'static str) -> CodecResult<bool> {
        let v = self.raw(key)?;
        v.as_bool().ok_or_else(|| self.bad(key, "a boolean"))
    }

    pub fn string(&mut self, key: &'static str) -> CodecResult<String> {
        let v = self.raw(key)?;
        v.as_str().map(str::to_owned).ok_or_else(|| self.bad(key, "a string"))
    }

    pub fn key(&mut self, key: &'static str) -> CodecResult<Key> {
        let s = self.string(key)?;
        decode_key(&s).map_err(|e| format!("{}: field `{key}`: {e}", self.what))
    }

    pub fn opt_key(&mut self, key: &'static str) -> CodecResult<Option<Key>> {
        if self.raw(key)?.is_null() {
            return Ok(None);
        }
        self.key(key).map(Some)
    }

    pub fn opt_int<T: TryFrom<i128>>(&mut self, key: &'static str) -> CodecResult<Option<T>> {
        if self.raw(key)?.is_null() {
            return Ok(None);
        }
        self.int(key).map(Some)
    }

    pub fn hex32(&mut self, key: &'static str) -> CodecResult<[u8; 32]> {
        let s = self.string(key)?;
        decode_hex32(&s).ok_or_else(|| self.bad(key, "64 hex digits"))
    }

    pub fn array(&mut self, key: &'static str) -> CodecResult<&'a Vec<Value>> {
        let v = self.raw(key)?;
        v.as_array().ok_or_else(|| self.bad(key, "an array"))
    }

    /// Fails on any field that was not read.
    pub fn finish(self) -> CodecResult<()> {
        match self.map.keys().find(|k| !self.used.contains(k.as_str())) {
            Some(extra) => Err(format!("{}: unknown field `{extra}`", self.what)),
            None => Ok(()),
        }
    }
}

pub fn encode_key(key: &Key) -> Value {
    Value::String(bs58::encode(key).into_string())
}

pub fn encode_opt_key(key: &Option<Key>) -> Value {
    key.as_ref().map_or(Value::Null, encode_key)
}

pub fn decode_key(s: &str) -> CodecResult<Key> {
    let bytes = bs58::decode(s).into_vec().map_err(|e| format!("invalid base58 key: {e}"))?;
    bytes.try_into().map_err(|_| "a key must decode to 32 bytes".to_owned())
}

pub fn encode_hex32(bytes: &[u8; 32]) -> Value {
    Value::String(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn decode_hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

pub fn i128_string(v: i128) -> Value {
    Value::String(v.to_string())
}
