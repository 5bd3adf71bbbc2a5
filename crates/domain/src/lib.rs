//! Rampart's pure domain: the seed service's byte formats and the rules around them.
//!
//! Nothing here performs I/O, reads the clock or uses a global RNG: time comes in as
//! `chrono::NaiveDateTime` (naive UTC, as the seed stores it) and randomness as `&mut dyn RngCore`.
//! Every format cites the section of `shared/seed/CONTRACT.md` it implements.
//!
//! Layers, bottom up:
//! - codecs: [`time`] (naive-UTC ISO), [`pyrepr`] (Python `str(dict)`), [`pyjson`]
//!   (Python `json.dumps`), [`fernet`], [`kdf`], [`totp`], [`password`] (bcrypt);
//! - seed records: [`user`], [`mfa`], [`token`], [`apikey`], [`keyrecord`], [`audit`],
//!   [`limits`] (rate limits, reputations, locks, blocks), [`keys`] (key names);
//! - for shells: [`qr`] (QR matrices of otpauth URIs);
//! - Rampart's own: [`trail`] (hash-chained admin trail), [`pii`] (seed masking rules),
//!   [`password_policy`], [`approval`] (four-eyes promotions), [`batch`] (bulk actions).

pub mod apikey;
pub mod approval;
pub mod audit;
pub mod batch;
pub mod console;
pub mod dormant;
pub mod error;
pub mod fernet;
pub mod ids;
pub mod kdf;
pub mod keyrecord;
pub mod keys;
pub mod limits;
pub mod mfa;
pub mod password;
pub mod password_policy;
pub mod pii;
pub mod pyjson;
pub mod pyrepr;
pub mod qr;
pub mod time;
pub mod token;
pub mod totp;
pub mod trail;
pub mod unicode_tables;
pub mod user;
pub mod userindex;

pub use error::FormatError;
