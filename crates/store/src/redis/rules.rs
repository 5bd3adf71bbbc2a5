//! Redis semantics that both key-space adapters keep, so the embedded file behaves like the
//! service's Redis: batch limits, the write validation Redis itself would do, list index rules
//! and SCAN's glob patterns. The embedded adapter imports these from here because "what Redis
//! does" is the single source of truth for both.

use rampart_core::ports::{StoreError, Write, MAX_BATCH};

/// The largest TTL accepted in seconds. Redis refuses an expiry whose absolute time in
/// milliseconds overflows; we refuse far earlier (about 31,000 years) so both backends agree and
/// `now_ms + ttl_ms` can never overflow an `i64` in SQLite.
pub(crate) const MAX_TTL_SECS: u64 = 1_000_000_000_000;

/// Refuse a batch over [`MAX_BATCH`] commands before anything is sent.
pub(crate) fn check_batch_len(len: usize) -> Result<(), StoreError> {
    if len > MAX_BATCH {
        return Err(StoreError::BatchTooLarge {
            len,
            limit: MAX_BATCH,
        });
    }
    Ok(())
}

/// The refusal of a read-only profile, named after the first write of the batch.
pub(crate) fn read_only(store: &str, writes: &[Write]) -> StoreError {
    StoreError::ReadOnly {
        store: store.to_string(),
        op: writes.first().map_or("write", Write::op).to_string(),
    }
}

/// Check what Redis would refuse as a syntax error before a batch is sent, so an atomic batch is
/// never refused half-way: `SETEX` needs a TTL of at least 1 s, and TTLs must not overflow.
pub(crate) fn validate_writes(store: &str, writes: &[Write]) -> Result<(), StoreError> {
    for w in writes {
        let (key, ttl, op) = match w {
            Write::Set {
                key,
                ttl_secs: Some(t),
                ..
            } => (key, *t, "SETEX"),
            Write::Expire { key, ttl_secs } => (key, *ttl_secs, "EXPIRE"),
            _ => continue,
        };
        // EXPIRE 0 is valid (it deletes the key); SETEX 0 is not.
        let least = if op == "SETEX" { 1 } else { 0 };
        if ttl < least || ttl > MAX_TTL_SECS {
            return Err(StoreError::Invalid {
                what: format!("the expire time of {op} `{key}` for {store}"),
                reason: format!("{ttl} s is outside {least}..={MAX_TTL_SECS} s"),
            });
        }
    }
    Ok(())
}

/// A write whose item list is empty changes nothing. Redis would answer such a command with a
/// syntax error ("wrong number of arguments"); both adapters skip it instead, so a caller that
/// computed an empty diff does not fail a whole batch.
pub(crate) fn is_noop(w: &Write) -> bool {
    match w {
        Write::HSet { fields, .. } => fields.is_empty(),
        Write::HDel { fields, .. } => fields.is_empty(),
        Write::LPush { values, .. } | Write::RPush { values, .. } => values.is_empty(),
        Write::Del { keys } => keys.is_empty(),
        Write::Set { .. } | Write::LTrim { .. } | Write::Expire { .. } => false,
    }
}

/// LRANGE/LTRIM index rules (Redis `t_list.c`): negative indexes count from the end, `stop` is
/// inclusive, out-of-range ends are clamped. Returns the inclusive `(start, stop)` within
/// `0..len`, or `None` when the range is empty.
pub(crate) fn list_range(len: i64, start: i64, stop: i64) -> Option<(i64, i64)> {
    let mut start = if start < 0 {
        len.saturating_add(start)
    } else {
        start
    };
    let mut stop = if stop < 0 {
        len.saturating_add(stop)
    } else {
        stop
    };
    if start < 0 {
        start = 0;
    }
    if start > stop || start >= len {
        return None;
    }
    if stop >= len {
        stop = len - 1;
    }
    Some((start, stop))
}

/// Redis glob matching (`util.c` `stringmatchlen`, case-sensitive) over bytes, as SCAN MATCH
/// does: `*` any run, `?` exactly one *byte* (so one Hangul syllable is three `?`), `[abc]`,
/// `[^abc]`, `[a-z]` classes, and `\x` for a literal `x`. A `[` without `]` runs to the end of
/// the pattern, as in Redis.
///
/// Implemented with single-star backtracking instead of Redis's recursion, which gives the same
/// answers in linear-ish time (Redis itself caps the recursion to avoid exponential patterns).
///
/// Quirk kept on purpose: Redis only skips trailing `*` after consuming a byte, so the empty
/// key matches no pattern but the empty one (SCAN's `*` shortcut aside, see [`scan_match`]).
pub(crate) fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    if text.is_empty() {
        return pattern.is_empty();
    }
    let (mut p, mut t) = (0usize, 0usize);
    // Position after the last `*` seen, and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() && pattern[p] == b'*' {
            while p < pattern.len() && pattern[p] == b'*' {
                p += 1;
            }
            if p == pattern.len() {
                return true;
            }
            star = Some((p, t));
            continue;
        }
        if t == text.len() {
            return p == pattern.len();
        }
        if p < pattern.len() {
            if let Some(next) = match_one(pattern, p, text[t]) {
                p = next;
                t += 1;
                continue;
            }
        }
        // Mismatch: let the last star swallow one more byte, or fail.
        match star {
            Some((sp, st)) if st < text.len() => {
                star = Some((sp, st + 1));
                p = sp;
                t = st + 1;
            }
            _ => return false,
        }
    }
}

/// SCAN MATCH: the pattern `*` skips matching altogether (Redis `scanGenericCommand`), so it
/// also returns the empty key.
pub(crate) fn scan_match(pattern: &str, key: &str) -> bool {
    pattern == "*" || glob_match(pattern.as_bytes(), key.as_bytes())
}

/// Match one non-star pattern element at `p` against byte `c`; the index after the element on
/// a match.
fn match_one(pattern: &[u8], p: usize, c: u8) -> Option<usize> {
    match pattern[p] {
        b'?' => Some(p + 1),
        b'[' => {
            let mut i = p + 1;
            let negate = pattern.get(i) == Some(&b'^');
            if negate {
                i += 1;
            }
            let mut matched = false;
            loop {
                match pattern.get(i) {
                    // Unterminated class: Redis treats the end of the pattern as its end.
                    None => break,
                    Some(b']') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') if i + 1 < pattern.len() => {
                        matched |= pattern[i + 1] == c;
                        i += 2;
                    }
                    Some(&lo) if i + 2 < pattern.len() && pattern[i + 1] == b'-' => {
                        let hi = pattern[i + 2];
                        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
                        matched |= (lo..=hi).contains(&c);
                        i += 3;
                    }
                    Some(&b) => {
                        matched |= b == c;
                        i += 1;
                    }
                }
            }
            (matched != negate).then_some(i)
        }
        b'\\' if p + 1 < pattern.len() => (pattern[p + 1] == c).then_some(p + 2),
        b => (b == c).then_some(p + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_follows_redis_rules() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", false),
            ("**", "", false),
            ("", "", true),
            ("a**", "a", true),
            ("*", "anything:at:all", true),
            ("user:*", "user:abc", true),
            ("user:*", "user_email:abc", false),
            ("user_email:*", "user_email:김@예시.한국", true),
            ("rate_limit:auth:*", "rate_limit:auth:2001:db8::1", true),
            (
                "rate_limit:*:2001:db8::1",
                "rate_limit:auth:2001:db8::1",
                true,
            ),
            ("h?llo", "hello", true),
            ("h?llo", "hllo", false),
            // `?` is one byte: a Hangul syllable is three.
            ("user_email:?@*", "user_email:김@x", false),
            ("user_email:???@*", "user_email:김@x", true),
            ("h[ae]llo", "hallo", true),
            ("h[ae]llo", "hillo", false),
            ("h[^e]llo", "hallo", true),
            ("h[^e]llo", "hello", false),
            ("h[a-b]llo", "hbllo", true),
            ("h[b-a]llo", "hbllo", true),
            ("h[a-b]llo", "hcllo", false),
            ("h\\*llo", "h*llo", true),
            ("h\\*llo", "hello", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*:*:*", "a:b:c", true),
            ("*::1", "rate_limit:auth:2001:db8::1", true),
            ("[]x", "x", false),
            ("abc[", "abc", false),
            ("a[bc", "ab", true),
            ("trailing\\", "trailing\\", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(
                glob_match(pattern.as_bytes(), text.as_bytes()),
                *want,
                "glob `{pattern}` against `{text}` should be {want} as in Redis"
            );
        }
    }

    #[test]
    fn list_range_follows_lrange() {
        // (len, start, stop) -> inclusive range, from Redis's LRANGE documentation examples.
        type Case = (i64, i64, i64, Option<(i64, i64)>);
        let cases: &[Case] = &[
            (3, 0, 0, Some((0, 0))),
            (3, -3, 2, Some((0, 2))),
            (3, -100, 100, Some((0, 2))),
            (3, 5, 10, None),
            (3, 0, -1, Some((0, 2))),
            (3, 1, -2, Some((1, 1))),
            (3, 2, 1, None),
            (0, 0, -1, None),
            (5, -2, -1, Some((3, 4))),
            (5, 0, -6, None),
            (5, i64::MIN, i64::MAX, Some((0, 4))),
        ];
        for (len, start, stop, want) in cases {
            assert_eq!(
                list_range(*len, *start, *stop),
                *want,
                "LRANGE {start} {stop} on a list of {len}"
            );
        }
    }

    #[test]
    fn validation_refuses_what_redis_refuses() {
        let setex0 = Write::Set {
            key: "k".into(),
            value: vec![],
            ttl_secs: Some(0),
        };
        assert!(
            validate_writes("Redis", &[setex0]).is_err(),
            "SETEX 0 is a Redis error"
        );
        let expire0 = Write::Expire {
            key: "k".into(),
            ttl_secs: 0,
        };
        assert!(
            validate_writes("Redis", &[expire0]).is_ok(),
            "EXPIRE 0 deletes the key"
        );
        assert!(check_batch_len(MAX_BATCH).is_ok());
        assert_eq!(
            check_batch_len(MAX_BATCH + 1),
            Err(StoreError::BatchTooLarge {
                len: MAX_BATCH + 1,
                limit: MAX_BATCH
            })
        );
    }
}
