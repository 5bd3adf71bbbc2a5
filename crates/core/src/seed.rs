//! The seed contract over a [`KeySpace`]: typed reads of the service's records with every
//! unreadable record reported (key + reason) instead of hidden or fatal.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::stream::{FuturesOrdered, StreamExt};
use rampart_domain::keys::{self, Family};
use rampart_domain::mfa::{MfaRecord, MfaSummary};
use rampart_domain::token::RefreshRecord;
use rampart_domain::user::UserRecord;
use serde::Serialize;

use crate::ports::{HashFields, KeySpace, StoreError, StoreResult, MAX_BATCH};

/// A record the service's own code could not load, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    pub key: String,
    pub reason: String,
}

/// Every user of the store, readable or not.
#[derive(Debug, Default, Serialize)]
pub struct UserListing {
    pub users: Vec<UserRecord>,
    pub unreadable: Vec<Unreadable>,
}

/// How many HGETALL pipelines may be in flight while SCAN continues. Redis is single-threaded;
/// a few overlapping pipelines hide the round trips without flooding it.
const PIPELINES_IN_FLIGHT: usize = 4;
/// Most user records `list_users` reserves room for before it has counted them.
const MAX_RESERVE: u64 = 2_000_000;

/// Typed access to the service's records.
#[derive(Clone)]
pub struct SeedStore {
    ks: Arc<dyn KeySpace>,
}

impl SeedStore {
    pub fn new(ks: Arc<dyn KeySpace>) -> Self {
        Self { ks }
    }

    pub fn keyspace(&self) -> &Arc<dyn KeySpace> {
        &self.ks
    }

    /// Visit every key matching `pattern`, SCAN step by step (COUNT ≤ 1000, never KEYS).
    /// Keys SCAN returns twice are passed twice; callers that count dedupe.
    pub async fn scan_each(
        &self,
        pattern: &str,
        mut f: impl FnMut(Vec<String>) + Send,
    ) -> StoreResult<()> {
        let mut cursor = 0u64;
        loop {
            let (next, batch) = self.ks.scan(cursor, pattern, MAX_BATCH).await?;
            if !batch.is_empty() {
                f(batch);
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    /// Every `user:*` hash, decoded as `_get_user_by_id` does. SCAN and the HGETALL
    /// pipelines overlap: up to [`PIPELINES_IN_FLIGHT`] batches are fetched while the next SCAN
    /// step runs.
    pub async fn list_users(&self) -> StoreResult<UserListing> {
        let mut out = UserListing::default();
        // DBSIZE bounds the user count from above: reserving up front spares the repeated
        // copying of a growing million-record vector (measured at ~10 % of the decode thread).
        let estimate = self.ks.dbsize().await.unwrap_or(0).min(MAX_RESERVE) as usize;
        out.users.reserve(estimate);
        let mut seen = KeyDedup::default();
        let mut suspects: Vec<String> = Vec::new();
        let mut inflight = FuturesOrdered::new();
        let mut cursor = 0u64;
        let mut done = false;
        while !done || !inflight.is_empty() {
            if !done && inflight.len() < PIPELINES_IN_FLIGHT {
                let (next, batch) = self.ks.scan(cursor, "user:*", MAX_BATCH).await?;
                cursor = next;
                done = next == 0;
                // SCAN may return a key twice; decode it once. A key whose hash was seen before
                // is set aside and checked exactly at the end.
                let mut fresh = Vec::with_capacity(batch.len());
                for k in batch {
                    if seen.insert(&k) {
                        fresh.push(k);
                    } else {
                        suspects.push(k);
                    }
                }
                let batch = fresh;
                if !batch.is_empty() {
                    let ks = self.ks.clone();
                    inflight.push_back(async move {
                        let res = ks.hgetall_many(&batch).await;
                        (batch, res)
                    });
                }
                continue;
            }
            let Some((batch, res)) = inflight.next().await else {
                continue;
            };
            for (key, slot) in batch.into_iter().zip(res?) {
                decode_user_into(&mut out, key, slot);
            }
        }
        if !suspects.is_empty() {
            // Usually true duplicates from SCAN; a key that only shared a 64-bit hash with
            // another is missing from the output and is read now.
            let present: std::collections::HashSet<String> = out
                .users
                .iter()
                .map(|u| keys::user(&u.id))
                .chain(out.unreadable.iter().map(|u| u.key.clone()))
                .collect();
            let mut missing: Vec<String> = suspects
                .into_iter()
                .filter(|k| !present.contains(k))
                .collect();
            missing.sort();
            missing.dedup();
            for chunk in missing.chunks(MAX_BATCH) {
                for (key, slot) in chunk
                    .iter()
                    .cloned()
                    .zip(self.ks.hgetall_many(chunk).await?)
                {
                    decode_user_into(&mut out, key, slot);
                }
            }
        }
        Ok(out)
    }

    /// One user by id: `Ok(None)` when absent, an error naming the reason when unreadable.
    pub async fn user(&self, id: &str) -> Result<Option<UserRecord>, ReadError> {
        let key = keys::user(id);
        let fields = self.ks.hgetall(&key).await?;
        UserRecord::from_hash(id, &fields).map_err(|e| {
            ReadError::Unreadable(Unreadable {
                key,
                reason: e.to_string(),
            })
        })
    }

    /// The user id the e-mail index points at (exact string, no normalisation, as the seed).
    pub async fn user_id_by_email(&self, email: &str) -> Result<Option<String>, ReadError> {
        let key = keys::user_email(email);
        match self.ks.get(&key).await? {
            None => Ok(None),
            Some(v) => String::from_utf8(v).map(Some).map_err(|_| {
                ReadError::Unreadable(Unreadable {
                    key,
                    reason: "value is not valid UTF-8".into(),
                })
            }),
        }
    }

    /// What the console shows about a user's MFA; never the secret.
    pub async fn mfa_summary(&self, id: &str) -> Result<Option<MfaSummary>, ReadError> {
        let key = keys::mfa(id);
        match self.ks.get(&key).await? {
            None => Ok(None),
            Some(v) => MfaRecord::parse(&v)
                .map(|r| Some(r.summary()))
                .map_err(|e| {
                    ReadError::Unreadable(Unreadable {
                        key,
                        reason: e.to_string(),
                    })
                }),
        }
    }

    /// A user's refresh tokens. The seed keeps no per-user index, so this scans
    /// `refresh_token:*` and reads each value; unreadable ones are reported.
    pub async fn sessions_of(
        &self,
        user_id: &str,
    ) -> StoreResult<(Vec<RefreshRecord>, Vec<Unreadable>)> {
        let mut keys_all = Vec::new();
        self.scan_each("refresh_token:*", |b| keys_all.extend(b))
            .await?;
        keys_all.sort();
        keys_all.dedup();
        let mut sessions = Vec::new();
        let mut bad = Vec::new();
        for chunk in keys_all.chunks(MAX_BATCH) {
            let vals = self.ks.get_many(chunk).await?;
            for (key, v) in chunk.iter().zip(vals) {
                match v {
                    Ok(None) => {}
                    Ok(Some(bytes)) => match RefreshRecord::parse(&bytes) {
                        Ok(r) if r.user_id == user_id => sessions.push(r),
                        Ok(_) => {}
                        Err(e) => bad.push(Unreadable {
                            key: key.clone(),
                            reason: e.to_string(),
                        }),
                    },
                    Err(e) => bad.push(Unreadable {
                        key: key.clone(),
                        reason: e.to_string(),
                    }),
                }
            }
        }
        sessions.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok((sessions, bad))
    }

    /// Count keys per family in one SCAN pass over the whole key space.
    pub async fn family_counts(&self) -> StoreResult<BTreeMap<Family, u64>> {
        let mut counts = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        self.scan_each("*", |batch| {
            for k in batch {
                let fam = keys::classify(&k).0;
                if seen.insert(k) {
                    *counts.entry(fam).or_insert(0) += 1;
                }
            }
        })
        .await?;
        Ok(counts)
    }
}

fn decode_user_into(out: &mut UserListing, key: String, slot: StoreResult<HashFields>) {
    let id = key.strip_prefix("user:").unwrap_or(&key).to_owned();
    match slot {
        Ok(fields) => match UserRecord::from_hash(id, &fields) {
            Ok(Some(u)) => out.users.push(u),
            Ok(None) => {} // deleted between SCAN and HGETALL
            Err(e) => out.unreadable.push(Unreadable {
                key,
                reason: e.to_string(),
            }),
        },
        Err(e) => out.unreadable.push(Unreadable {
            key,
            reason: e.to_string(),
        }),
    }
}

/// Keys seen during one SCAN, by 64-bit FxHash: cheap for millions of keys (SipHash over a
/// `HashSet<String>` cost a quarter of the client's time decoding 1M users). A hash seen twice
/// is either SCAN repeating a key or, very rarely, two keys colliding; `list_users` tells the
/// two apart exactly.
#[derive(Default)]
struct KeyDedup {
    seen: std::collections::HashSet<u64, std::hash::BuildHasherDefault<Prehashed>>,
}

impl KeyDedup {
    /// `true` the first time the key's hash is seen.
    fn insert(&mut self, key: &str) -> bool {
        self.seen.insert(fx_hash(key.as_bytes()))
    }
}

/// FxHash (rustc's hasher) over 8-byte words.
fn fx_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in chunks.by_ref() {
        let w = u64::from_le_bytes(c.try_into().expect("8-byte chunk"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Reading one record failed: the store failed, or the record is not in the seed's format.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("`{}` is unreadable: {}", .0.key, .0.reason)]
    Unreadable(Unreadable),
}

impl From<ReadError> for crate::CoreError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Store(s) => crate::CoreError::Store(s),
            ReadError::Unreadable(u) => {
                crate::CoreError::Malformed(format!("`{}` is unreadable: {}", u.key, u.reason))
            }
        }
    }
}
