//! The Lua script behind [`KeySpace::apply`](rampart_core::ports::KeySpace::apply) and
//! [`KeySpace::apply_guarded`](rampart_core::ports::KeySpace::apply_guarded), and how a batch
//! is encoded into its KEYS and ARGV.
//!
//! Layout (the script reads it front to back with two cursors, one into KEYS, one into ARGV):
//!
//! ```text
//! ARGV: n_guards n_writes
//!   guard  string_is  present(0|1) value           KEYS: key
//!   guard  field_is   field present(0|1) value     KEYS: key
//!   guard  exists     want(0|1)                    KEYS: key
//!   guard  list_len   len                          KEYS: key
//!   write  SET        value ttl_secs|""            KEYS: key
//!   write  HSET       n f1 v1 .. fn vn             KEYS: key
//!   write  HDEL       n f1 .. fn                   KEYS: key
//!   write  LPUSH|RPUSH n v1 .. vn                  KEYS: key
//!   write  LTRIM      start stop                   KEYS: key
//!   write  DEL        n                            KEYS: key1 .. keyn
//!   write  EXPIRE     ttl_secs                     KEYS: key
//! ```
//!
//! Every key is passed in KEYS (not ARGV) so ACL key patterns and a future cluster mode see
//! them.

use rampart_core::ports::{Guard, Write};
use redis::{Script, ScriptInvocation, Value};

/// The script source; see the comment at its top for the three passes.
const SOURCE: &str = include_str!("apply.lua");

pub(crate) fn script() -> Script {
    Script::new(SOURCE)
}

/// Encode guards and writes (no-ops already removed) into an invocation of `script`.
pub(crate) fn invocation<'a>(
    script: &'a Script,
    guards: &[Guard],
    writes: &[&Write],
) -> ScriptInvocation<'a> {
    let mut inv = script.prepare_invoke();
    inv.arg(guards.len()).arg(writes.len());
    for g in guards {
        match g {
            Guard::StringIs { key, value } => {
                inv.key(key).arg("string_is");
                present(&mut inv, value.as_deref());
            }
            Guard::HashFieldIs { key, field, value } => {
                inv.key(key).arg("field_is").arg(field);
                present(&mut inv, value.as_deref());
            }
            Guard::Exists { key, exists } => {
                inv.key(key)
                    .arg("exists")
                    .arg(if *exists { "1" } else { "0" });
            }
            Guard::ListLenIs { key, len } => {
                inv.key(key).arg("list_len").arg(*len);
            }
        }
    }
    for w in writes {
        match w {
            Write::Set {
                key,
                value,
                ttl_secs,
            } => {
                inv.key(key).arg("SET").arg(value.as_slice());
                match ttl_secs {
                    Some(t) => inv.arg(*t),
                    None => inv.arg(""),
                };
            }
            Write::HSet { key, fields } => {
                inv.key(key).arg("HSET").arg(fields.len());
                for (f, v) in fields {
                    inv.arg(f).arg(v.as_slice());
                }
            }
            Write::HDel { key, fields } => {
                inv.key(key).arg("HDEL").arg(fields.len());
                for f in fields {
                    inv.arg(f);
                }
            }
            Write::LPush { key, values } | Write::RPush { key, values } => {
                inv.key(key).arg(w.op()).arg(values.len());
                for v in values {
                    inv.arg(v.as_slice());
                }
            }
            Write::LTrim { key, start, stop } => {
                inv.key(key).arg("LTRIM").arg(*start).arg(*stop);
            }
            Write::Del { keys } => {
                inv.arg("DEL").arg(keys.len());
                for k in keys {
                    inv.key(k);
                }
            }
            Write::Expire { key, ttl_secs } => {
                inv.key(key).arg("EXPIRE").arg(*ttl_secs);
            }
        }
    }
    inv
}

fn present(inv: &mut ScriptInvocation<'_>, value: Option<&[u8]>) {
    match value {
        Some(v) => inv.arg("1").arg(v),
        None => inv.arg("0").arg(""),
    };
}

/// What the script answered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    /// The 1-based index of the guard that did not hold.
    Conflict(i64),
    WrongType {
        key: String,
        actual: String,
        expected: String,
    },
    /// The ACL user may not run this command (checked before anything was written).
    NoPerm {
        op: String,
    },
}

/// Parse the script's reply; `None` for anything the script never returns.
pub(crate) fn outcome(reply: &Value) -> Option<Outcome> {
    let Value::Array(items) = reply else {
        return None;
    };
    let text = |v: &Value| match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        _ => None,
    };
    match (items.first().and_then(text).as_deref(), items.len()) {
        (Some("ok"), 1) => Some(Outcome::Ok),
        (Some("conflict"), 2) => match items[1] {
            Value::Int(i) => Some(Outcome::Conflict(i)),
            _ => None,
        },
        (Some("noperm"), 3) => Some(Outcome::NoPerm {
            op: text(&items[2])?,
        }),
        (Some("wrongtype"), 5) => Some(Outcome::WrongType {
            key: text(&items[2])?,
            actual: text(&items[3])?,
            expected: text(&items[4])?,
        }),
        _ => None,
    }
}
