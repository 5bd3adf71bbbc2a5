//! Rampart's own admin trail: append-only, hash-chained. Each entry commits to the previous
//! entry's hash, so editing, removing or reordering any entry breaks the chain at that point and
//! `verify` names the first broken sequence number.
//!
//! The hash covers a canonical encoding (Python-style JSON with sorted, fixed keys) so the chain
//! can be re-verified by any tool, not only by Rampart.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::FormatError;
use crate::pyjson;
use crate::time::{format_naive_iso, parse_naive_iso};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    /// Refused before acting: wrong console role, read-only profile.
    Refused,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Refused => "refused",
        }
    }
}

/// One trail entry. The actor is the operator; the subject is what was acted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailEntry {
    pub seq: u64,
    #[serde(with = "iso")]
    pub at: NaiveDateTime,
    pub actor: String,
    pub actor_role: String,
    pub action: String,
    pub subject: Option<String>,
    pub outcome: Outcome,
    /// Safe details (never secrets): reason, counts, the error sentence on failure.
    pub details: Map<String, Value>,
    /// The `audit_event` id written for the same action, when one was.
    pub event_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

mod iso {
    use super::*;
    use serde::{Deserializer, Serializer};
    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_naive_iso(t))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        parse_naive_iso(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The fields of an entry before it is chained.
#[derive(Debug, Clone, PartialEq)]
pub struct TrailDraft {
    pub at: NaiveDateTime,
    pub actor: String,
    pub actor_role: String,
    pub action: String,
    pub subject: Option<String>,
    pub outcome: Outcome,
    pub details: Map<String, Value>,
    pub event_id: Option<String>,
}

impl TrailDraft {
    /// Chain onto the previous entry (or genesis when `prev` is `None`).
    pub fn chain(self, prev: Option<&TrailEntry>) -> TrailEntry {
        let (seq, prev_hash) = match prev {
            Some(p) => (p.seq + 1, p.hash.clone()),
            None => (1, GENESIS.to_string()),
        };
        let mut e = TrailEntry {
            seq,
            at: self.at,
            actor: self.actor,
            actor_role: self.actor_role,
            action: self.action,
            subject: self.subject,
            outcome: self.outcome,
            details: self.details,
            event_id: self.event_id,
            prev_hash,
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        e
    }
}

impl TrailEntry {
    /// SHA-256 over the canonical JSON of every field but `hash`, keys sorted.
    pub fn compute_hash(&self) -> String {
        let mut v = serde_json::to_value(self).expect("trail entries always serialize");
        if let Value::Object(m) = &mut v {
            m.remove("hash");
        }
        let canonical = pyjson::dumps(&sort_keys(v));
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }

    /// The stored form: one JSON line.
    pub fn to_json(&self) -> String {
        pyjson::dumps(&serde_json::to_value(self).expect("trail entries always serialize"))
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self, FormatError> {
        let text = std::str::from_utf8(bytes).map_err(|_| FormatError::NotUtf8)?;
        let v = pyjson::loads(text, 32)?;
        serde_json::from_value(v).map_err(|e| FormatError::Malformed(e.to_string()))
    }
}

fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut pairs: Vec<(String, Value)> = m.into_iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(pairs.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// Result of verifying a trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub ok: bool,
    /// The first sequence number (1-based position when unreadable) where the chain breaks.
    pub first_break: Option<u64>,
    pub reason: Option<String>,
    pub head_hash: Option<String>,
}

/// Verify raw stored entries in order (oldest first).
pub fn verify<'a>(raw: impl IntoIterator<Item = &'a [u8]>) -> VerifyReport {
    let mut prev: Option<TrailEntry> = None;
    let mut n = 0u64;
    for (i, bytes) in raw.into_iter().enumerate() {
        let pos = i as u64 + 1;
        n = pos;
        let broken = |reason: String| VerifyReport {
            entries: pos,
            ok: false,
            first_break: Some(pos),
            reason: Some(reason),
            head_hash: None,
        };
        let e = match TrailEntry::from_json(bytes) {
            Ok(e) => e,
            Err(err) => return broken(format!("entry {pos} is unreadable: {err}")),
        };
        let (want_seq, want_prev) = match &prev {
            Some(p) => (p.seq + 1, p.hash.as_str()),
            None => (1, GENESIS),
        };
        if e.seq != want_seq {
            return broken(format!(
                "entry {pos} has sequence {} where {want_seq} was expected",
                e.seq
            ));
        }
        if e.prev_hash != want_prev {
            return broken(format!(
                "entry {} does not follow entry {}: previous hash differs",
                e.seq,
                e.seq - 1
            ));
        }
        if e.compute_hash() != e.hash {
            return broken(format!(
                "entry {} was altered: its hash does not match its content",
                e.seq
            ));
        }
        prev = Some(e);
    }
    VerifyReport {
        entries: n,
        ok: true,
        first_break: None,
        reason: None,
        head_hash: prev.map(|p| p.hash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(i: u32) -> TrailDraft {
        let mut details = Map::new();
        details.insert("reason".into(), Value::String(format!("사유 {i}")));
        TrailDraft {
            at: parse_naive_iso("2026-11-24T04:00:00").unwrap()
                + chrono::Duration::seconds(i.into()),
            actor: "op_kim".into(),
            actor_role: "security_officer".into(),
            action: "user.deactivate".into(),
            subject: Some(format!("user_{i}")),
            outcome: Outcome::Success,
            details,
            event_id: None,
        }
    }

    fn chain(n: u32) -> Vec<String> {
        let mut out = Vec::new();
        let mut prev: Option<TrailEntry> = None;
        for i in 0..n {
            let e = draft(i).chain(prev.as_ref());
            out.push(e.to_json());
            prev = Some(e);
        }
        out
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        let r = verify(c.iter().map(|s| s.as_bytes()));
        assert!(r.ok, "{r:?}");
        assert_eq!(r.entries, 5);
        assert!(
            verify(std::iter::empty()).ok,
            "an empty trail is consistent"
        );
    }

    #[test]
    fn every_kind_of_tampering_is_found_at_its_entry() {
        let c = chain(5);
        let mut edited = c.clone();
        edited[2] = edited[2].replace("user_2", "user_9");
        let r = verify(edited.iter().map(|s| s.as_bytes()));
        assert_eq!(r.first_break, Some(3), "edit of entry 3: {r:?}");

        let mut removed = c.clone();
        removed.remove(1);
        assert_eq!(
            verify(removed.iter().map(|s| s.as_bytes())).first_break,
            Some(2),
            "removal"
        );

        let mut swapped = c.clone();
        swapped.swap(3, 4);
        assert_eq!(
            verify(swapped.iter().map(|s| s.as_bytes())).first_break,
            Some(4),
            "reorder"
        );

        let mut garbage = c.clone();
        garbage[0] = "{not json".into();
        assert_eq!(
            verify(garbage.iter().map(|s| s.as_bytes())).first_break,
            Some(1),
            "garbage"
        );

        // Rehashing an edited entry does not help: the next entry still commits to the old hash.
        let mut e: TrailEntry = TrailEntry::from_json(c[1].as_bytes()).unwrap();
        e.action = "user.delete".into();
        e.hash = e.compute_hash();
        let mut forged = c.clone();
        forged[1] = e.to_json();
        assert_eq!(
            verify(forged.iter().map(|s| s.as_bytes())).first_break,
            Some(3),
            "forged rehash"
        );
    }
}
