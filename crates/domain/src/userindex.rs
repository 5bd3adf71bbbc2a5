//! The users table's pure parts: compact rows, decoding `user:{id}` hashes straight from
//! borrowed reply bytes, search (normalized prefix/substring), filters, sort and paging.
//!
//! No I/O and no clock: `rampart-core`'s `users` module feeds [`Table`] from SCAN + HGETALL and
//! passes "now" in. Everything here is shaped by one number: a million users must filter, sort
//! and page in milliseconds and take a few tens of bytes each.
//!
//! Layout: one [`Row`] (48 bytes) per user; the id, and the e-mail/username when they differ
//! from their search form, live in one text arena; the search forms live in one "blob" of
//! `email \x01 username \n` segments scanned with `memchr::memmem`, so a keystroke is a single
//! pass over ~40 MB at 1M users. Replaced and removed rows are tombstoned and compacted later.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::time::{format_naive_iso, parse_iso_allow_aware};
use crate::user::{Role, UserRecord};

// ---------------------------------------------------------------------------------------------
// Wire types (shared by the desktop and `rampart users ... --json`)

/// Which column orders the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Email,
    Username,
    Role,
    #[default]
    CreatedAt,
    LastLogin,
}

/// How the search text must occur in the e-mail or username.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// At the start of the e-mail or of the username.
    Prefix,
    /// Anywhere in either.
    #[default]
    Substring,
}

/// Last-login filter. Times are naive UTC like the seed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LastLoginFilter {
    /// Never logged in (`last_login` absent or empty).
    Never,
    /// Logged in, last time strictly before `date` (naive ISO date or date-time).
    Before { date: String },
    /// Logged in within the last `days` days.
    Within { days: u32 },
    /// Never logged in, or not within the last `days` days (however new the account).
    NotWithin { days: u32 },
    /// Dormant for `days` days by the dormant-accounts rule ([`crate::dormant`]): no login for
    /// `days` days, counted from `created_at` for a user who never logged in. The users whom
    /// `rampart users dormant` lists and the dormant batch covers.
    Dormant { days: u32 },
}

/// A users-table query. Every present filter must hold (AND). Unreadable records have no role,
/// flags or times, so role/active/MFA/last-login filters leave them out; with none of those
/// filters they are listed (after the readable rows, whatever the sort).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct UserQuery {
    /// `admin`, `premium_user`, `basic_user` or `guest`.
    pub role: Option<String>,
    pub active: Option<bool>,
    pub mfa: Option<bool>,
    pub last_login: Option<LastLoginFilter>,
    /// `true`: only unreadable records; `false`: only readable ones; absent: both.
    pub unreadable: Option<bool>,
    /// Matched against the e-mail and username (and an unreadable record's id), after both
    /// sides are NFKC-normalized and lower-cased.
    pub search: Option<String>,
    pub search_mode: SearchMode,
    pub sort: SortKey,
    pub descending: bool,
    #[ts(type = "number")]
    pub offset: u64,
    #[ts(type = "number")]
    pub limit: u64,
}

impl Default for UserQuery {
    fn default() -> Self {
        Self {
            role: None,
            active: None,
            mfa: None,
            last_login: None,
            unreadable: None,
            search: None,
            search_mode: SearchMode::Substring,
            sort: SortKey::CreatedAt,
            descending: true,
            offset: 0,
            limit: 50,
        }
    }
}

/// Largest page a query returns.
pub const MAX_LIMIT: u64 = 10_000;

/// One line of the users table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UserRow {
    User(UserSummary),
    /// A record the service itself could not load (CONTRACT §1.2): listed, never hidden.
    Unreadable(UnreadableRow),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub username: String,
    pub role: String,
    pub is_active: bool,
    pub mfa_enabled: bool,
    /// Naive ISO, as stored; `null` when the user never logged in.
    pub last_login: Option<String>,
    pub created_at: Option<String>,
    /// The service loads the record but something is not what it writes (see user detail).
    pub has_warnings: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnreadableRow {
    pub id: String,
    pub key: String,
    pub reason: String,
}

impl UserRow {
    pub fn id(&self) -> &str {
        match self {
            UserRow::User(u) => &u.id,
            UserRow::Unreadable(u) => &u.id,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Normalization

/// The search form of a text: NFKC (full-width letters and digits become ASCII, Hangul jamo
/// compose), lower case, NFC again (lower-casing can decompose), and no `\x01`/`\n`, which
/// delimit segments in the blob.
pub fn normalize(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    normalize_into(s, &mut out);
    // Only whole UTF-8 sequences are appended.
    String::from_utf8(out).unwrap_or_default()
}

/// [`normalize`], appended to `out`; `true` when what was appended is `s` itself.
///
/// Fast path for the texts nearly every user has: ASCII and precomposed Hangul syllables
/// (U+AC00..=U+D7A3). Such a text is already NFKC and NFC (a syllable only composes with a
/// following trailing jamo, and there is none; ASCII has no combining marks) and Hangul has no
/// case, so the search form is the ASCII lower-casing. Anything else takes the full path.
pub fn normalize_into(s: &str, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    let b = s.as_bytes();
    let mut same = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            let n = match c {
                SEP_FIELD | SEP_ROW => b' ',
                _ => c.to_ascii_lowercase(),
            };
            same &= n == c;
            out.push(n);
            i += 1;
        } else if is_hangul_syllable(&b[i..]) {
            out.extend_from_slice(&b[i..i + 3]);
            i += 3;
        } else {
            out.truncate(start);
            normalize_full(s, out);
            return &out[start..] == b;
        }
    }
    same
}

/// Whether `b` starts with the UTF-8 of a precomposed Hangul syllable (U+AC00..=U+D7A3:
/// `EA B0 80` ..= `ED 9E A3`). `b` is valid UTF-8.
fn is_hangul_syllable(b: &[u8]) -> bool {
    if b.len() < 3 || !(0xEA..=0xED).contains(&b[0]) {
        return false;
    }
    let cp =
        (u32::from(b[0] & 0x0F) << 12) | (u32::from(b[1] & 0x3F) << 6) | u32::from(b[2] & 0x3F);
    (0xAC00..=0xD7A3).contains(&cp)
}

/// The full path of [`normalize_into`].
fn normalize_full(s: &str, out: &mut Vec<u8>) {
    let lower: String = s.nfkc().flat_map(char::to_lowercase).collect();
    let mut buf = [0u8; 4];
    for c in lower.nfc() {
        let c = if c == '\x01' || c == '\n' { ' ' } else { c };
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

const SEP_FIELD: u8 = 0x01;
const SEP_ROW: u8 = b'\n';

// ---------------------------------------------------------------------------------------------
// Decoding

/// A readable user, decoded from borrowed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub email: std::borrow::Cow<'a, str>,
    pub username: std::borrow::Cow<'a, str>,
    pub role: Role,
    pub is_active: bool,
    pub mfa_enabled: bool,
    pub last_login: Option<NaiveDateTime>,
    pub created_at: Option<NaiveDateTime>,
    pub has_warnings: bool,
}

/// What one HGETALL reply is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    User(Decoded<'a>),
    /// The service's reader would raise; the reason says why.
    Unreadable(String),
    /// An empty reply: the key was deleted between SCAN and HGETALL.
    Vanished,
}

const PERMS: [&str; 4] = [
    "read_stock_data,write_stock_data,read_sentiment_data,manage_users,access_analytics,export_data",
    "read_stock_data,read_sentiment_data,access_analytics,export_data",
    "read_stock_data,read_sentiment_data",
    "read_stock_data",
];

fn role_index(r: Role) -> usize {
    match r {
        Role::Admin => 0,
        Role::PremiumUser => 1,
        Role::BasicUser => 2,
        Role::Guest => 3,
    }
}

/// Decode a `user:{id}` hash as `_get_user_by_id` does, from borrowed field/value bytes.
///
/// Records exactly as the service writes them take a fast path that allocates nothing; any
/// other record goes through [`UserRecord::from_hash`], so the verdict (readable, warnings,
/// unreadable reason) is by construction the one the rest of Rampart gives.
pub fn decode_user<'a>(id: &str, fields: &[(&'a [u8], &'a [u8])]) -> Verdict<'a> {
    if fields.is_empty() {
        return Verdict::Vanished;
    }
    match decode_canonical(fields) {
        Some(d) => Verdict::User(d),
        None => {
            let owned: Vec<(Vec<u8>, Vec<u8>)> = fields
                .iter()
                .map(|(k, v)| (k.to_vec(), v.to_vec()))
                .collect();
            match UserRecord::from_hash(id, &owned) {
                Ok(Some(u)) => Verdict::User(Decoded {
                    email: u.email.into(),
                    username: u.username.into(),
                    role: u.role,
                    is_active: u.is_active,
                    mfa_enabled: u.mfa_enabled,
                    last_login: u.last_login,
                    created_at: u.created_at,
                    has_warnings: !u.warnings.is_empty(),
                }),
                Ok(None) => Verdict::Vanished,
                Err(e) => Verdict::Unreadable(e.to_string()),
            }
        }
    }
}

/// `Some` only for a record the service wrote itself and reads without any warning.
fn decode_canonical<'a>(fields: &[(&'a [u8], &'a [u8])]) -> Option<Decoded<'a>> {
    let (mut email, mut username, mut role, mut perms) = (None, None, None, None);
    let (mut active, mut mfa, mut last, mut created) = (true, false, None, None);
    for &(k, v) in fields {
        // The service decodes every value of the hash: one bad byte anywhere is a slow path.
        let v = std::str::from_utf8(v).ok()?;
        match k {
            b"email" => email = Some(v),
            b"username" => username = Some(v),
            b"role" => role = Some(Role::parse(v)?),
            b"permissions" => perms = Some(v),
            b"is_active" => {
                active = match v {
                    "True" => true,
                    "False" => false,
                    _ => return None,
                }
            }
            b"mfa_enabled" => {
                mfa = match v {
                    "True" | "true" => true,
                    "False" | "false" => false,
                    _ => return None,
                }
            }
            b"last_login" => last = time(v)?,
            b"created_at" => created = time(v)?,
            _ => {
                std::str::from_utf8(k).ok()?;
            }
        }
    }
    let role = role?;
    if perms? != PERMS[role_index(role)] {
        return None;
    }
    Some(Decoded {
        email: email?.into(),
        username: username?.into(),
        role,
        is_active: active,
        mfa_enabled: mfa,
        last_login: last,
        created_at: created,
        has_warnings: false,
    })
}

/// `Some(None)` for absent-as-empty, `Some(Some(t))` for a naive time, `None` (slow path) for
/// anything else (aware values carry a warning; malformed ones an error).
fn time(v: &str) -> Option<Option<NaiveDateTime>> {
    if v.is_empty() {
        return Some(None);
    }
    match parse_iso_allow_aware(v) {
        Ok((t, false)) => Some(Some(t)),
        _ => None,
    }
}

/// A 64-bit fingerprint of a reply, to skip decoding unchanged records on refresh.
pub fn fingerprint(fields: &[(&[u8], &[u8])]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for (k, v) in fields {
        h = fx_bytes(fx_bytes(h ^ k.len() as u64, k) ^ v.len() as u64, v);
    }
    h
}

// ---------------------------------------------------------------------------------------------
// The table

const NO_TIME: i64 = i64::MIN;
const UNREADABLE_ROLE: u8 = u8::MAX;

const F_ACTIVE: u8 = 1;
const F_MFA: u8 = 2;
const F_WARN: u8 = 4;
const F_DEAD: u8 = 8;
/// The e-mail is its own search form: not stored twice.
const F_EMAIL_NORM: u8 = 16;
const F_USERNAME_NORM: u8 = 32;

/// One user, 48 bytes.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// Arena offset of `id`, then the e-mail and username when not `F_*_NORM`.
    text: u32,
    /// Blob offset of the row's segment `email \x01 username \n`.
    blob: u32,
    id_len: u16,
    email_len: u16,
    username_len: u16,
    email_norm_len: u16,
    username_norm_len: u16,
    role: u8,
    flags: u8,
    last_login: i64,
    created_at: i64,
    fingerprint: u64,
    /// The scan pass that last saw the record (refresh drops rows an entire pass missed).
    epoch: u32,
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Every user row, readable or not. Not synchronized: the core wraps it in a lock.
#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
    text: Vec<u8>,
    blob: Vec<u8>,
    /// id hash -> row; ids whose hash collides with another live id go to `overflow`.
    by_hash: FxMap<u64, u32>,
    overflow: HashMap<Box<str>, u32>,
    reasons: FxMap<u32, Box<str>>,
    live: usize,
    unreadable: usize,
    dead: usize,
    generation: u64,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Replaced,
    Unchanged,
    Ignored,
}

fn clamp16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Truncate to at most `max` bytes on a char boundary (texts above 64 KiB are cut in the index;
/// the detail view reads the full record).
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn micros(t: Option<NaiveDateTime>) -> i64 {
    t.map_or(NO_TIME, |t| t.and_utc().timestamp_micros())
}

fn from_micros(m: i64) -> Option<NaiveDateTime> {
    (m != NO_TIME)
        .then(|| DateTime::from_timestamp_micros(m).map(|d| d.naive_utc()))
        .flatten()
}

impl Table {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `rows` more rows. The text arenas are sized on the rows held so far, once
    /// there are enough of them (then they grow once, exactly, not by doubling and copying);
    /// before that only the fixed-size parts are reserved: growing a large reservation copies
    /// all of it, touched or not.
    pub fn reserve(&mut self, rows: usize) {
        self.rows.reserve_exact(rows);
        self.by_hash.reserve(rows);
        if self.rows.len() >= 512 {
            let per = |bytes: usize| bytes / self.rows.len() + bytes / self.rows.len() / 16 + 1;
            let (text, blob) = (per(self.text.len()), per(self.blob.len()));
            self.text.reserve_exact(rows * text);
            self.blob.reserve_exact(rows * blob);
        }
    }

    /// Live rows (readable + unreadable).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn unreadable_count(&self) -> usize {
        self.unreadable
    }

    /// Changes on every mutation; caches key on it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<Row>()
            + self.text.capacity()
            + self.blob.capacity()
            + self.by_hash.capacity() * 16
            + self.reasons.len() * 64
    }

    fn id_of(&self, r: &Row) -> &str {
        // Arena pieces are copied from `&str`s at char boundaries.
        std::str::from_utf8(self.id_bytes(r)).unwrap_or_default()
    }

    /// The id's bytes, for comparisons (byte order is `str` order), without a UTF-8 check.
    fn id_bytes(&self, r: &Row) -> &[u8] {
        let s = r.text as usize;
        &self.text[s..s + r.id_len as usize]
    }

    fn email_norm(&self, r: &Row) -> &[u8] {
        let s = r.blob as usize;
        &self.blob[s..s + r.email_norm_len as usize]
    }

    fn username_norm(&self, r: &Row) -> &[u8] {
        let s = r.blob as usize + r.email_norm_len as usize + 1;
        &self.blob[s..s + r.username_norm_len as usize]
    }

    fn email(&self, r: &Row) -> &str {
        let b = if r.flags & F_EMAIL_NORM != 0 {
            self.email_norm(r)
        } else {
            let s = r.text as usize + r.id_len as usize;
            &self.text[s..s + r.email_len as usize]
        };
        std::str::from_utf8(b).unwrap_or_default()
    }

    fn username(&self, r: &Row) -> &str {
        let b = if r.flags & F_USERNAME_NORM != 0 {
            self.username_norm(r)
        } else {
            let mut s = r.text as usize + r.id_len as usize;
            if r.flags & F_EMAIL_NORM == 0 {
                s += r.email_len as usize;
            }
            &self.text[s..s + r.username_len as usize]
        };
        std::str::from_utf8(b).unwrap_or_default()
    }

    fn find(&self, id: &str) -> Option<u32> {
        self.find_hashed(id, fx_str(id))
    }

    /// The fingerprint stored for `id`, to skip unchanged records.
    pub fn fingerprint_of(&self, id: &str) -> Option<u64> {
        self.find(id).map(|i| self.rows[i as usize].fingerprint)
    }

    /// Mark `id` as seen by pass `epoch` without changing it; `false` when absent.
    pub fn touch(&mut self, id: &str, epoch: u32) -> bool {
        match self.find(id) {
            Some(i) => {
                self.rows[i as usize].epoch = epoch;
                true
            }
            None => false,
        }
    }

    /// The row of `id` given its hash (`fx_str(id)`).
    fn find_hashed(&self, id: &str, h: u64) -> Option<u32> {
        if let Some(&i) = self.by_hash.get(&h) {
            if self.id_bytes(&self.rows[i as usize]) == id.as_bytes() {
                return Some(i);
            }
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.get(id).copied()
    }

    /// Insert or replace the row of `id` with what the store holds now.
    pub fn upsert(&mut self, id: &str, verdict: &Verdict<'_>, fp: u64, epoch: u32) -> Change {
        let h = fx_str(id);
        let old = self.find_hashed(id, h);
        if let Some(i) = old {
            let r = &mut self.rows[i as usize];
            if r.fingerprint == fp && !matches!(verdict, Verdict::Vanished) {
                r.epoch = epoch;
                return Change::Unchanged;
            }
        }
        self.replace(id, h, old, verdict, fp, epoch)
    }

    /// [`Table::upsert`] straight from one HGETALL reply: the fingerprint is taken first and
    /// an unchanged record is only marked seen, never decoded again; one id lookup either way.
    /// An empty reply (the key vanished) drops the row.
    pub fn upsert_fields(&mut self, id: &str, fields: &[(&[u8], &[u8])], epoch: u32) -> Change {
        let h = fx_str(id);
        let old = self.find_hashed(id, h);
        if fields.is_empty() {
            return self.replace(id, h, old, &Verdict::Vanished, 0, epoch);
        }
        let fp = fingerprint(fields);
        if let Some(i) = old {
            let r = &mut self.rows[i as usize];
            if r.fingerprint == fp {
                r.epoch = epoch;
                return Change::Unchanged;
            }
        }
        self.replace(id, h, old, &decode_user(id, fields), fp, epoch)
    }

    /// Put `verdict` in place of row `old` of `id` (hash `h`), or drop it for `Vanished`.
    fn replace(
        &mut self,
        id: &str,
        h: u64,
        old: Option<u32>,
        verdict: &Verdict<'_>,
        fp: u64,
        epoch: u32,
    ) -> Change {
        let new_row = match verdict {
            Verdict::Vanished => {
                return if old.is_some() && self.remove(id) {
                    Change::Replaced
                } else {
                    Change::Ignored
                }
            }
            Verdict::User(d) => self.push_user(id, d, fp, epoch),
            Verdict::Unreadable(reason) => self.push_unreadable(id, reason, fp, epoch),
        };
        if let Some(i) = old {
            self.kill(i);
        }
        self.index(id, h, new_row, old);
        self.generation += 1;
        if old.is_some() {
            Change::Replaced
        } else {
            Change::Inserted
        }
    }

    /// Point the id maps at `row` (replacing `old` when the id had a row).
    fn index(&mut self, id: &str, h: u64, row: u32, old: Option<u32>) {
        match old {
            Some(i) => match self.by_hash.get_mut(&h) {
                Some(slot) if *slot == i => *slot = row,
                _ => {
                    self.overflow.insert(id.into(), row);
                }
            },
            None => match self.by_hash.entry(h) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(row);
                }
                // Another live id has the same 64-bit hash.
                std::collections::hash_map::Entry::Occupied(_) => {
                    self.overflow.insert(id.into(), row);
                }
            },
        }
    }

    fn kill(&mut self, i: u32) {
        let r = &mut self.rows[i as usize];
        if r.flags & F_DEAD != 0 {
            return;
        }
        r.flags |= F_DEAD;
        if r.role == UNREADABLE_ROLE {
            self.unreadable -= 1;
            self.reasons.remove(&i);
        }
        self.live -= 1;
        self.dead += 1;
    }

    /// Drop `id`; `false` when it was not there.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(i) = self.find(id) else {
            return false;
        };
        self.kill(i);
        let h = fx_str(id);
        if self.by_hash.get(&h) == Some(&i) {
            self.by_hash.remove(&h);
        } else {
            self.overflow.remove(id);
        }
        self.generation += 1;
        true
    }

    /// Drop every live row no pass since `epoch` has seen (vanished from the store).
    pub fn sweep(&mut self, epoch: u32) -> usize {
        let gone: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.flags & F_DEAD == 0 && r.epoch != epoch)
            .map(|r| self.id_of(r).to_owned())
            .collect();
        for id in &gone {
            self.remove(id);
        }
        self.maybe_compact();
        gone.len()
    }

    fn push_text(&mut self, s: &str) -> usize {
        let s = cut(s, u16::MAX as usize);
        self.text.extend_from_slice(s.as_bytes());
        s.len()
    }

    fn push_blob(&mut self, s: &str) -> u16 {
        let s = cut(s, u16::MAX as usize);
        self.blob.extend_from_slice(s.as_bytes());
        clamp16(s.len())
    }

    /// Append the search form of `s` to the blob (cut to 64 KiB); its length, and whether it
    /// is `s` itself (then `s` is not stored a second time).
    fn push_blob_normalized(&mut self, s: &str) -> (u16, bool) {
        let start = self.blob.len();
        let same = normalize_into(s, &mut self.blob) && s.len() <= u16::MAX as usize;
        let len = self.blob.len() - start;
        if len > u16::MAX as usize {
            // Normalized text is UTF-8: cut on a char boundary.
            let mut end = u16::MAX as usize;
            while end > 0 && (self.blob[start + end] & 0xC0) == 0x80 {
                end -= 1;
            }
            self.blob.truncate(start + end);
        }
        (clamp16(self.blob.len() - start), same)
    }

    fn push_user(&mut self, id: &str, d: &Decoded<'_>, fp: u64, epoch: u32) -> u32 {
        let text = self.text.len() as u32;
        let id_len = self.push_text(id);
        let blob = self.blob.len() as u32;
        let mut flags = 0;
        let (email_norm_len, email_same) = self.push_blob_normalized(&d.email);
        self.blob.push(SEP_FIELD);
        let (username_norm_len, username_same) = self.push_blob_normalized(&d.username);
        self.blob.push(SEP_ROW);
        let mut email_len = 0;
        let mut username_len = 0;
        if email_same {
            flags |= F_EMAIL_NORM;
        } else {
            email_len = self.push_text(&d.email);
        }
        if username_same {
            flags |= F_USERNAME_NORM;
        } else {
            username_len = self.push_text(&d.username);
        }
        if d.is_active {
            flags |= F_ACTIVE;
        }
        if d.mfa_enabled {
            flags |= F_MFA;
        }
        if d.has_warnings {
            flags |= F_WARN;
        }
        self.rows.push(Row {
            text,
            blob,
            id_len: clamp16(id_len),
            email_len: clamp16(email_len),
            username_len: clamp16(username_len),
            email_norm_len,
            username_norm_len,
            role: role_index(d.role) as u8,
            flags,
            last_login: micros(d.last_login),
            created_at: micros(d.created_at),
            fingerprint: fp,
            epoch,
        });
        self.live += 1;
        (self.rows.len() - 1) as u32
    }

    fn push_unreadable(&mut self, id: &str, reason: &str, fp: u64, epoch: u32) -> u32 {
        let text = self.text.len() as u32;
        let blob = self.blob.len() as u32;
        let id_len = self.push_text(id);
        // An unreadable record is found by its id: it is the e-mail part of its segment.
        let email_norm_len = self.push_blob(&normalize(id));
        self.blob.push(SEP_FIELD);
        self.blob.push(SEP_ROW);
        self.rows.push(Row {
            text,
            blob,
            id_len: clamp16(id_len),
            email_len: 0,
            username_len: 0,
            email_norm_len,
            username_norm_len: 0,
            role: UNREADABLE_ROLE,
            flags: 0,
            last_login: NO_TIME,
            created_at: NO_TIME,
            fingerprint: fp,
            epoch,
        });
        let i = (self.rows.len() - 1) as u32;
        self.reasons.insert(i, reason.into());
        self.live += 1;
        self.unreadable += 1;
        i
    }

    /// Rebuild the arrays without tombstones once they are a quarter of the rows.
    pub fn maybe_compact(&mut self) {
        if self.dead < 4096 || self.dead * 4 < self.rows.len() {
            return;
        }
        let mut fresh = Table::new();
        fresh.reserve(self.live);
        // At most what the live rows use now.
        fresh.text.reserve_exact(self.text.len());
        fresh.blob.reserve_exact(self.blob.len());
        for (i, r) in self.rows.iter().enumerate() {
            if r.flags & F_DEAD != 0 {
                continue;
            }
            let id = self.id_of(r);
            let j = if r.role == UNREADABLE_ROLE {
                let reason = self.reasons.get(&(i as u32)).map_or("", |s| s);
                fresh.push_unreadable(id, reason, r.fingerprint, r.epoch)
            } else {
                let d = Decoded {
                    email: self.email(r).into(),
                    username: self.username(r).into(),
                    role: Role::ALL[r.role as usize],
                    is_active: r.flags & F_ACTIVE != 0,
                    mfa_enabled: r.flags & F_MFA != 0,
                    last_login: from_micros(r.last_login),
                    created_at: from_micros(r.created_at),
                    has_warnings: r.flags & F_WARN != 0,
                };
                fresh.push_user(id, &d, r.fingerprint, r.epoch)
            };
            fresh.index(id, fx_str(id), j, None);
        }
        fresh.generation = self.generation + 1;
        *self = fresh;
    }

    /// The wire form of row `i`.
    pub fn row(&self, i: u32) -> UserRow {
        let r = &self.rows[i as usize];
        let id = self.id_of(r).to_owned();
        if r.role == UNREADABLE_ROLE {
            return UserRow::Unreadable(UnreadableRow {
                key: format!("user:{id}"),
                id,
                reason: self
                    .reasons
                    .get(&i)
                    .map_or_else(String::new, |s| s.to_string()),
            });
        }
        UserRow::User(UserSummary {
            id,
            email: self.email(r).to_owned(),
            username: self.username(r).to_owned(),
            role: Role::ALL[r.role as usize].as_str().to_owned(),
            is_active: r.flags & F_ACTIVE != 0,
            mfa_enabled: r.flags & F_MFA != 0,
            last_login: from_micros(r.last_login).map(|t| format_naive_iso(&t)),
            created_at: from_micros(r.created_at).map(|t| format_naive_iso(&t)),
            has_warnings: r.flags & F_WARN != 0,
        })
    }

    /// Row index of a live id.
    pub fn lookup(&self, id: &str) -> Option<u32> {
        self.find(id)
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

/// A [`UserQuery`] checked and compiled against "now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    role: Option<u8>,
    active: Option<bool>,
    mfa: Option<bool>,
    /// Logged in, at a time in `[lo, hi)` micros; `never` for never logged in.
    login: LoginPred,
    unreadable: Option<bool>,
    search: String,
    mode: SearchMode,
    sort: SortKey,
    descending: bool,
    offset: usize,
    limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginPred {
    Any,
    Never,
    Range(i64, i64),
    NeverOrBefore(i64),
    /// [`crate::dormant::is_dormant`] with this cutoff in micros.
    Dormant(i64),
}

/// Check a query: unknown role, bad date, absurd paging are refused with a sentence.
pub fn compile(q: &UserQuery, now: NaiveDateTime) -> Result<Compiled, String> {
    let role = match &q.role {
        None => None,
        Some(r) => Some(role_index(Role::parse(r).ok_or_else(|| {
            format!("`{r}` is not a role; use admin, premium_user, basic_user or guest")
        })?) as u8),
    };
    let days = |d: u32| {
        (now - chrono::Duration::days(i64::from(d)))
            .and_utc()
            .timestamp_micros()
    };
    let login = match &q.last_login {
        None => LoginPred::Any,
        Some(LastLoginFilter::Never) => LoginPred::Never,
        Some(LastLoginFilter::Within { days: d }) => LoginPred::Range(days(*d), i64::MAX),
        Some(LastLoginFilter::NotWithin { days: d }) => LoginPred::NeverOrBefore(days(*d)),
        Some(LastLoginFilter::Dormant { days: d }) => {
            LoginPred::Dormant(crate::dormant::cutoff(now, *d).and_utc().timestamp_micros())
        }
        Some(LastLoginFilter::Before { date }) => {
            let t = parse_iso_allow_aware(date)
                .map_err(|_| format!("`{date}` is not a date (use YYYY-MM-DD or naive ISO)"))?
                .0;
            LoginPred::Range(NO_TIME + 1, t.and_utc().timestamp_micros())
        }
    };
    let search = normalize(q.search.as_deref().unwrap_or("").trim());
    Ok(Compiled {
        role,
        active: q.active,
        mfa: q.mfa,
        login,
        unreadable: q.unreadable,
        search,
        mode: q.search_mode,
        sort: q.sort,
        descending: q.descending,
        offset: usize::try_from(q.offset).unwrap_or(usize::MAX),
        limit: usize::try_from(q.limit.min(MAX_LIMIT)).unwrap_or(0),
    })
}

impl Compiled {
    fn has_row_filters(&self) -> bool {
        self.role.is_some()
            || self.active.is_some()
            || self.mfa.is_some()
            || self.login != LoginPred::Any
            || self.unreadable.is_some()
    }

    fn keeps(&self, r: &Row) -> bool {
        if r.flags & F_DEAD != 0 {
            return false;
        }
        let bad = r.role == UNREADABLE_ROLE;
        if let Some(u) = self.unreadable {
            if u != bad {
                return false;
            }
        }
        if bad {
            return self.role.is_none()
                && self.active.is_none()
                && self.mfa.is_none()
                && self.login == LoginPred::Any;
        }
        self.role.is_none_or(|x| x == r.role)
            && self.active.is_none_or(|a| a == (r.flags & F_ACTIVE != 0))
            && self.mfa.is_none_or(|m| m == (r.flags & F_MFA != 0))
            && match self.login {
                LoginPred::Any => true,
                LoginPred::Never => r.last_login == NO_TIME,
                LoginPred::Range(lo, hi) => r.last_login >= lo && r.last_login < hi,
                LoginPred::NeverOrBefore(t) => r.last_login < t,
                LoginPred::Dormant(cutoff) => {
                    let time = |m: i64| (m != NO_TIME).then_some(m);
                    crate::dormant::is_dormant(time(r.last_login), time(r.created_at), &cutoff)
                }
            }
    }
}

/// Results kept between queries: the last search (extended as the operator types) and the full
/// ordering per sort key, both valid for one table generation.
#[derive(Default)]
pub struct QueryCache {
    search: Option<(u64, SearchMode, String, Arc<Vec<u32>>)>,
    orders: Vec<(u64, SortKey, Arc<Order>)>,
    /// Every row's [`sort_key`] for the last key used on a large result set: selecting a page
    /// then reads 16 bytes a match instead of its row and its text.
    keys: Option<(u64, SortKey, Arc<Vec<u128>>)>,
}

/// Every live row in ascending order of one sort key: readable rows first, then unreadable.
struct Order {
    rows: Vec<u32>,
    /// How many of `rows` are readable (they come first).
    readable: usize,
}

/// What a query found: rows matching, and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub total: usize,
    pub page: Vec<u32>,
}

/// Fewer matches than this are simply sorted. More are paged without sorting them all: by
/// walking a full ordering when one is kept, else by selecting the rows up to the page's end
/// (sorting 16k rows costs about as much as a walk over a million).
const WALK_MIN: usize = 16 * 1024;
/// Pages ending further than this build (and keep) the full ordering of the sort key, walked
/// by later pages; nearer pages select their rows in one pass over the matches.
const TOP_K_MAX: usize = 2048;

/// Live row indexes whose e-mail or username holds the search text (at the start of either
/// for [`SearchMode::Prefix`]), ascending.
fn search_rows(t: &Table, q: &Compiled, cache: &mut QueryCache) -> Arc<Vec<u32>> {
    let gen = t.generation;
    let needle = q.search.as_bytes();
    let finder = memchr::memmem::Finder::new(needle);
    let hits = match &cache.search {
        Some((g, mode, text, hits)) if *g == gen && *mode == q.mode && *text == q.search => {
            return hits.clone();
        }
        // Typing extends the text: only rows that matched the shorter text can match.
        Some((g, mode, text, hits))
            if *g == gen && *mode == q.mode && q.search.starts_with(text.as_str()) =>
        {
            hits.iter()
                .copied()
                .filter(|&i| segment_matches(t, &t.rows[i as usize], &finder, q.mode))
                .collect()
        }
        _ => match q.mode {
            SearchMode::Substring => scan_substring(t, &finder),
            SearchMode::Prefix => t
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.flags & F_DEAD == 0 && prefix_matches(t, r, needle))
                .map(|(i, _)| i as u32)
                .collect(),
        },
    };
    let hits = Arc::new(hits);
    cache.search = Some((gen, q.mode, q.search.clone(), hits.clone()));
    hits
}

/// One pass of `finder` over the blob. After a hit the search resumes at the next row's
/// segment, so a text found in every row costs one search per row, not one per occurrence.
fn scan_substring(t: &Table, finder: &memchr::memmem::Finder<'_>) -> Vec<u32> {
    let (rows, blob) = (&t.rows, &t.blob[..]);
    let mut out = Vec::new();
    let mut from = 0usize;
    let mut ri = 0usize;
    while let Some(off) = finder.find(&blob[from..]) {
        let pos = (from + off) as u32;
        ri = row_at(rows, ri, pos);
        if rows[ri].flags & F_DEAD == 0 {
            out.push(ri as u32);
        }
        match rows.get(ri + 1) {
            Some(next) => from = next.blob as usize,
            None => break,
        }
    }
    out
}

/// The row whose segment holds blob offset `pos`, searching forward from row `from` (rows are
/// appended in blob order): galloping, so a nearby row costs a step or two.
fn row_at(rows: &[Row], from: usize, pos: u32) -> usize {
    let mut lo = from;
    let mut step = 1;
    // Invariant: rows[lo].blob <= pos.
    loop {
        let probe = lo + step;
        if probe >= rows.len() || rows[probe].blob > pos {
            let hi = probe.min(rows.len());
            return lo + rows[lo..hi].partition_point(|r| r.blob <= pos) - 1;
        }
        lo = probe;
        step *= 2;
    }
}

/// The row's `email \x01 username` (a search text never holds the separator).
fn segment<'t>(t: &'t Table, r: &Row) -> &'t [u8] {
    let s = r.blob as usize;
    &t.blob[s..s + r.email_norm_len as usize + 1 + r.username_norm_len as usize]
}

fn prefix_matches(t: &Table, r: &Row, needle: &[u8]) -> bool {
    // The first byte decides most rows without a call to memcmp.
    let starts = |text: &[u8]| text.first() == needle.first() && text.starts_with(needle);
    starts(t.email_norm(r)) || starts(t.username_norm(r))
}

fn segment_matches(t: &Table, r: &Row, f: &memchr::memmem::Finder<'_>, mode: SearchMode) -> bool {
    match mode {
        SearchMode::Substring => f.find(segment(t, r)).is_some(),
        SearchMode::Prefix => prefix_matches(t, r, f.needle()),
    }
}

/// Up to 16 first bytes as a number (zero-padded): comparing two such numbers agrees with
/// comparing the texts whenever they differ.
fn prefix16(b: &[u8]) -> u128 {
    // Fixed-size loads: a variable-length copy is a memcpy call, and this runs once per match.
    match b.get(..16) {
        Some(head) => u128::from_be_bytes(head.try_into().unwrap_or([0; 16])),
        None => {
            let mut k = 0u128;
            for (i, &c) in b.iter().enumerate() {
                k |= u128::from(c) << (120 - 8 * i);
            }
            k
        }
    }
}

fn prefix8(b: &[u8]) -> u64 {
    match b.get(..8) {
        Some(head) => u64::from_be_bytes(head.try_into().unwrap_or([0; 8])),
        None => {
            let mut k = 0u64;
            for (i, &c) in b.iter().enumerate() {
                k |= u64::from(c) << (56 - 8 * i);
            }
            k
        }
    }
}

/// A 128-bit sort key of a row that orders as the full comparison does whenever two keys
/// differ: the sort column's first bytes or value, then the id's first bytes; unreadable rows
/// get the largest key. Equal keys fall back to [`tie`], so nearly every comparison is one
/// integer compare.
fn sort_key(t: &Table, r: &Row, key: SortKey) -> u128 {
    if r.role == UNREADABLE_ROLE {
        return u128::MAX;
    }
    let flip = |v: i64| u128::from((v as u64) ^ (1 << 63));
    let k = match key {
        SortKey::Email => prefix16(t.email_norm(r)),
        SortKey::Username => prefix16(t.username_norm(r)),
        // The role in the first byte, then 15 bytes of the id.
        SortKey::Role => (u128::from(r.role) << 120) | (prefix16(t.id_bytes(r)) >> 8),
        SortKey::CreatedAt => (flip(r.created_at) << 64) | u128::from(prefix8(t.id_bytes(r))),
        SortKey::LastLogin => (flip(r.last_login) << 64) | u128::from(prefix8(t.id_bytes(r))),
    };
    k.min(u128::MAX - 1)
}

/// Ascending order of two rows with equal [`sort_key`]s: the full text for e-mail and
/// username, then the id.
fn tie(t: &Table, key: SortKey, a: u32, b: u32) -> std::cmp::Ordering {
    let (ra, rb) = (&t.rows[a as usize], &t.rows[b as usize]);
    let full = match key {
        SortKey::Email => t.email_norm(ra).cmp(t.email_norm(rb)),
        SortKey::Username => t.username_norm(ra).cmp(t.username_norm(rb)),
        _ => std::cmp::Ordering::Equal,
    };
    full.then_with(|| t.id_bytes(ra).cmp(t.id_bytes(rb)))
}

/// The query's order of two keyed rows: ascending by key (ties by [`tie`]) with unreadable
/// rows last; descending reverses the readable rows only.
fn query_cmp(
    t: &Table,
    key: SortKey,
    desc: bool,
    a: (u128, u32),
    b: (u128, u32),
) -> std::cmp::Ordering {
    let asc = a.0.cmp(&b.0).then_with(|| tie(t, key, a.1, b.1));
    if desc && a.0 != u128::MAX && b.0 != u128::MAX {
        asc.reverse()
    } else {
        asc
    }
}

/// Sort `idx` by `key` ascending (ties by id); unreadable rows after all readable ones.
fn sort_rows(t: &Table, idx: &mut [u32], key: SortKey) {
    let mut keyed: Vec<(u128, u32)> = idx
        .iter()
        .map(|&i| (sort_key(t, &t.rows[i as usize], key), i))
        .collect();
    keyed.sort_unstable_by(|a, b| query_cmp(t, key, false, *a, *b));
    for (slot, (_, i)) in idx.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// The first `k` of `matches` in the query's order, in that order: one pass keeping the best
/// `k` in a bounded max-heap, so a page of a million matches costs one key per match and no
/// sort of them all.
fn first_k(
    t: &Table,
    matches: &[u32],
    key: SortKey,
    desc: bool,
    k: usize,
    keys: Option<&[u128]>,
) -> Vec<u32> {
    if k == 0 {
        return Vec::new();
    }
    let before = |a: (u128, u32), b: (u128, u32)| query_cmp(t, key, desc, a, b).is_lt();
    // heap[0] is the last (worst) of the best so far.
    let mut heap: Vec<(u128, u32)> = Vec::with_capacity(k);
    for &i in matches {
        let e = match keys {
            Some(keys) => (keys[i as usize], i),
            None => (sort_key(t, &t.rows[i as usize], key), i),
        };
        if heap.len() < k {
            heap.push(e);
            // Sift up.
            let mut c = heap.len() - 1;
            while c > 0 {
                let p = (c - 1) / 2;
                if before(heap[p], heap[c]) {
                    heap.swap(p, c);
                    c = p;
                } else {
                    break;
                }
            }
        } else if before(e, heap[0]) {
            heap[0] = e;
            // Sift down.
            let mut p = 0;
            loop {
                let (l, r) = (2 * p + 1, 2 * p + 2);
                let mut worst = p;
                if l < k && before(heap[worst], heap[l]) {
                    worst = l;
                }
                if r < k && before(heap[worst], heap[r]) {
                    worst = r;
                }
                if worst == p {
                    break;
                }
                heap.swap(p, worst);
                p = worst;
            }
        }
    }
    heap.sort_unstable_by(|a, b| query_cmp(t, key, desc, *a, *b));
    heap.into_iter().map(|(_, i)| i).collect()
}

/// Every live row ordered by `key` (see [`sort_rows`]).
fn full_order(t: &Table, key: SortKey) -> Order {
    let mut rows: Vec<u32> = (0..t.rows.len() as u32)
        .filter(|&i| t.rows[i as usize].flags & F_DEAD == 0)
        .collect();
    sort_rows(t, &mut rows, key);
    let readable = rows.partition_point(|&i| t.rows[i as usize].role != UNREADABLE_ROLE);
    Order { rows, readable }
}

/// The page of `matches` (live rows, in any order) in `order`'s order, reversed for
/// descending except the unreadable rows; stops as soon as the page is full.
fn walk(order: &Order, table_rows: usize, matches: &[u32], q: &Compiled) -> Vec<u32> {
    if q.offset >= matches.len() || q.limit == 0 {
        return Vec::new();
    }
    let mut bits = vec![0u64; table_rows.div_ceil(64)];
    for &i in matches {
        bits[i as usize >> 6] |= 1 << (i & 63);
    }
    let wanted = |i: &&u32| bits[**i as usize >> 6] & (1 << (**i & 63)) != 0;
    let (readable, unreadable) = order.rows.split_at(order.readable);
    let take = q.limit.min(matches.len() - q.offset);
    if q.descending {
        readable
            .iter()
            .rev()
            .chain(unreadable)
            .filter(wanted)
            .skip(q.offset)
            .take(take)
            .copied()
            .collect()
    } else {
        order
            .rows
            .iter()
            .filter(wanted)
            .skip(q.offset)
            .take(take)
            .copied()
            .collect()
    }
}

/// Run a compiled query: filter, search, order, page.
///
/// Order: ascending or descending by the key with ties by id ascending... reversed as a whole
/// for descending; unreadable rows always come last, by id.
pub fn run(t: &Table, q: &Compiled, cache: &mut QueryCache) -> Found {
    let gen = t.generation;
    cache.orders.retain(|(g, _, _)| *g == gen);
    let hits = (!q.search.is_empty()).then(|| search_rows(t, q, cache));
    // Matches in row order: one sequential pass over the rows (or the hits).
    let filters = q.has_row_filters();
    let matches: std::borrow::Cow<'_, [u32]> = match &hits {
        Some(h) if !filters => std::borrow::Cow::Borrowed(&h[..]),
        Some(h) => h
            .iter()
            .copied()
            .filter(|&i| q.keeps(&t.rows[i as usize]))
            .collect(),
        None => (0..t.rows.len() as u32)
            .filter(|&i| q.keeps(&t.rows[i as usize]))
            .collect(),
    };
    let total = matches.len();
    let want = q.offset.saturating_add(q.limit).min(total);
    if q.offset >= total || q.limit == 0 {
        return Found {
            total,
            page: Vec::new(),
        };
    }
    if total >= WALK_MIN {
        let cached = cache
            .orders
            .iter()
            .find(|(_, k, _)| *k == q.sort)
            .map(|(_, _, o)| o.clone());
        let order = match cached {
            Some(o) => o,
            None if want <= TOP_K_MAX => {
                let keys = match &cache.keys {
                    Some((g, k, keys)) if *g == gen && *k == q.sort => Some(keys.clone()),
                    // Most rows match: keep every row's key for the next such query (one
                    // pass, as computing the matches' keys would be).
                    _ if total * 2 >= t.live => {
                        let keys: Arc<Vec<u128>> =
                            Arc::new(t.rows.iter().map(|r| sort_key(t, r, q.sort)).collect());
                        cache.keys = Some((gen, q.sort, keys.clone()));
                        Some(keys)
                    }
                    _ => None,
                };
                let first = first_k(
                    t,
                    &matches,
                    q.sort,
                    q.descending,
                    want,
                    keys.as_deref().map(|k| &k[..]),
                );
                return Found {
                    total,
                    page: first[q.offset..].to_vec(),
                };
            }
            // Deep pages: order everything once and keep it for the next pages.
            None => {
                let o = Arc::new(full_order(t, q.sort));
                cache.orders.push((gen, q.sort, o.clone()));
                o
            }
        };
        return Found {
            total,
            page: walk(&order, t.rows.len(), &matches, q),
        };
    }
    let mut matches = matches.into_owned();
    sort_rows(t, &mut matches, q.sort);
    if q.descending {
        let readable = matches.partition_point(|&i| t.rows[i as usize].role != UNREADABLE_ROLE);
        matches[..readable].reverse();
    }
    let start = q.offset.min(total);
    let end = start.saturating_add(q.limit).min(total);
    Found {
        total,
        page: matches[start..end].to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// Hashing

/// FxHash (rustc's) for ids.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

fn fx_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in chunks.by_ref() {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ w).wrapping_mul(FX_K);
    }
    // The tail as one zero-padded word: one multiply instead of one per byte (ids, field names
    // and values are mostly short, so tails were most of the work).
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let w = tail
            .iter()
            .enumerate()
            .fold(0u64, |w, (i, &b)| w | (u64::from(b) << (8 * i)));
        h = (h.rotate_left(5) ^ w).wrapping_mul(FX_K);
    }
    h
}

fn fx_str(s: &str) -> u64 {
    fx_bytes(0, s.as_bytes())
}

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fx_bytes(self.0, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(FX_K);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

#[cfg(test)]
#[path = "userindex_tests.rs"]
mod tests;
