//! Naive-UTC ISO timestamps exactly as the seed writes and reads them (CONTRACT.md, conventions,
//! "naive ISO").
//!
//! The seed writes `datetime.utcnow().isoformat()` and reads with `datetime.fromisoformat`.
//! Writing must match `isoformat()` byte for byte; reading must accept exactly what Python 3.11's
//! C `fromisoformat` accepts, so a value that Rampart calls valid is one the service can read,
//! and a value with an offset is refused because the service would compare it with the naive
//! `utcnow()` and raise `TypeError` (CONTRACT.md §5.1 `expires_at`, §4 `cleanup_expired_keys`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::error::FormatError;

/// The field name used in errors from [`parse_naive_iso`].
const FIELD: &str = "timestamp";

/// Reason given when a value carries `Z` or an offset.
pub const AWARE_REASON: &str =
    "has a time zone; the service compares naive UTC and would raise TypeError";

/// Python `datetime.isoformat()` of a naive value: `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
///
/// The fraction is left out when the microsecond is 0, as Python does; nanoseconds below a
/// microsecond are truncated (Python has no finer unit). A chrono leap second (second 59 with
/// nanoseconds >= 1e9) cannot exist in Python, so it is written as `:59.999999`.
pub fn format_naive_iso(t: &NaiveDateTime) -> String {
    let micros = (t.nanosecond() / 1_000).min(999_999);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out
}

/// Parses what Python 3.11 `datetime.fromisoformat` accepts as a naive value.
///
/// Accepted, as in CPython 3.11's `_datetimemodule.c`: `YYYY-MM-DD`, `YYYYMMDD`, ISO week dates
/// (`YYYY-Www[-D]`, `YYYYWww[D]`), any single character as the date/time separator, and times
/// `HH`, `HH:MM`, `HH:MM:SS` (or without colons) with a `.` or `,` fraction of 1 to 6 digits
/// (further digits are ignored). A `Z` or `±HH[:MM...]` suffix that Python would accept as an
/// aware value is rejected with [`AWARE_REASON`].
pub fn parse_naive_iso(s: &str) -> Result<NaiveDateTime, FormatError> {
    match parse_iso_allow_aware(s)? {
        (_, true) => Err(FormatError::invalid(FIELD, AWARE_REASON)),
        (t, false) => Ok(t),
    }
}

/// What Python's `fromisoformat` loads: the wall-clock time and whether an offset or `Z`
/// followed. Fields the service only loads (never compares), such as `user:*.created_at`, are
/// readable when aware; Rampart reports them as a warning instead of refusing the record.
pub fn parse_iso_allow_aware(s: &str) -> Result<(NaiveDateTime, bool), FormatError> {
    if let Some(t) = parse_canonical(s.as_bytes()) {
        return Ok((t, false));
    }
    let invalid = || FormatError::invalid(FIELD, "is not an ISO 8601 date-time Python can read");
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 7 {
        return Err(invalid());
    }
    let sep = find_separator(&chars).ok_or_else(invalid)?;
    let date_part = &chars[..sep.min(chars.len())];
    let (year, month, day) = parse_date(date_part).ok_or_else(invalid)?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)?;

    let (time, aware) = if sep < chars.len() {
        parse_time(&chars[sep + 1..]).ok_or_else(invalid)?
    } else {
        ([0; 4], false)
    };
    let [hour, minute, second, micro] = time;
    let time = NaiveTime::from_hms_micro_opt(hour, minute, second, micro).ok_or_else(invalid)?;
    Ok((NaiveDateTime::new(date, time), aware))
}

/// The form the service writes, `YYYY-MM-DDTHH:MM:SS[.ffffff]`, without allocating: scanning
/// a million user hashes parses two million of these. Anything else takes the full parser.
fn parse_canonical(b: &[u8]) -> Option<NaiveDateTime> {
    if !(b.len() == 19 || b.len() == 26) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let micro = if b.len() == 26 {
        if b[19] != b'.' {
            return None;
        }
        num(20..26)?
    } else {
        0
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_micro_opt(num(11..13)?, num(14..16)?, num(17..19)?, micro)?;
    Some(NaiveDateTime::new(date, time))
}

/// Character at `i`, or NUL past the end: the C parser reads a NUL-terminated buffer, and
/// emulating that keeps the accepted set identical.
fn at(chars: &[char], i: usize) -> char {
    chars.get(i).copied().unwrap_or('\0')
}

/// Reads exactly `n` ASCII digits at `pos` (C `parse_digits`; Unicode digits are refused).
fn digits(chars: &[char], pos: usize, n: usize) -> Option<u32> {
    (pos..pos + n).try_fold(0u32, |acc, i| {
        let c = at(chars, i);
        c.is_ascii_digit()
            .then(|| acc * 10 + (u32::from(c) - u32::from('0')))
    })
}

/// Index of the date/time separator (`_find_isoformat_datetime_separator`).
fn find_separator(s: &[char]) -> Option<usize> {
    let len = s.len();
    if len == 7 {
        return Some(7);
    }
    if s[4] == '-' {
        if s[5] != 'W' {
            return Some(10); // YYYY-MM-DD
        }
        if len > 8 && s[8] == '-' {
            if len == 9 {
                return None;
            }
            if len > 10 && s[10].is_ascii_digit() {
                // YYYY-Www-## is ambiguous; CPython assumes the hyphen at 8 is the separator.
                return Some(8);
            }
            return Some(10);
        }
        return Some(8); // YYYY-Www
    }
    if s[4] == 'W' {
        // YYYYWww (7) or YYYYWwwd (8)
        let mut idx = 7;
        while idx < len && s[idx].is_ascii_digit() {
            idx += 1;
        }
        if idx < 9 {
            return Some(idx);
        }
        return Some(if idx % 2 == 0 { 7 } else { 8 });
    }
    Some(8) // YYYYMMDD
}

/// `parse_isoformat_date`: calendar or ISO-week date, returning (year, month, day).
fn parse_date(d: &[char]) -> Option<(i32, u32, u32)> {
    let year = digits(d, 0, 4)?;
    let has_sep = at(d, 4) == '-';
    let mut p = 4 + usize::from(has_sep);
    if at(d, p) == 'W' {
        p += 1;
        let week = digits(d, p, 2)?;
        p += 2;
        let weekday = if p < d.len() {
            if has_sep {
                if at(d, p) != '-' {
                    return None;
                }
                p += 1;
            }
            digits(d, p, 1)?
        } else {
            1
        };
        let weekday = match weekday {
            1 => chrono::Weekday::Mon,
            2 => chrono::Weekday::Tue,
            3 => chrono::Weekday::Wed,
            4 => chrono::Weekday::Thu,
            5 => chrono::Weekday::Fri,
            6 => chrono::Weekday::Sat,
            7 => chrono::Weekday::Sun,
            _ => return None,
        };
        // Python's year range is 1..=9999; chrono's ISO-week arithmetic agrees on the calendar
        // (including week 53 only in long years).
        if year == 0 {
            return None;
        }
        let date = NaiveDate::from_isoywd_opt(i32::try_from(year).ok()?, week, weekday)?;
        return Some((date.year(), date.month(), date.day()));
    }
    let month = digits(d, p, 2)?;
    p += 2;
    if has_sep {
        if at(d, p) != '-' {
            return None;
        }
        p += 1;
    }
    let day = digits(d, p, 2)?;
    if year == 0 {
        return None; // Python's MINYEAR is 1
    }
    Some((i32::try_from(year).ok()?, month, day))
}

/// Outcome of the C `parse_hh_mm_ss_ff`: components and whether unparsed text remains.
struct HmsF {
    comps: [u32; 4],
    trailing: bool,
}

/// `parse_hh_mm_ss_ff` over `t[..end]`; `t` continues past `end` as the C buffer does.
fn parse_hh_mm_ss_ff(t: &[char], end: usize) -> Option<HmsF> {
    let mut comps = [0u32; 4];
    let mut p = 0;
    let mut has_sep = true;
    for (i, comp) in comps.iter_mut().take(3).enumerate() {
        *comp = digits(t, p, 2)?;
        p += 2;
        let c = at(t, p);
        p += 1;
        if i == 0 {
            has_sep = c == ':';
        }
        if p >= end {
            return Some(HmsF {
                comps,
                trailing: c != '\0',
            });
        } else if has_sep && c == ':' {
            continue;
        } else if c == '.' || c == ',' {
            break;
        } else if !has_sep {
            p -= 1;
        } else {
            return None; // malformed time separator
        }
    }
    // Fraction: up to 6 digits are used, further digits are skipped.
    let to_parse = (end - p).min(6);
    let mut micro = digits(t, p, to_parse)?;
    micro *= 10u32.pow(6 - to_parse as u32);
    comps[3] = micro;
    p += to_parse;
    while at(t, p).is_ascii_digit() {
        p += 1;
    }
    Some(HmsF {
        comps,
        trailing: at(t, p) != '\0',
    })
}

/// `parse_isoformat_time`: returns the time components and whether a valid offset followed.
fn parse_time(t: &[char]) -> Option<([u32; 4], bool)> {
    let tz = t
        .iter()
        .position(|&c| c == 'Z' || c == '+' || c == '-')
        .unwrap_or(t.len());
    let hms = parse_hh_mm_ss_ff(t, tz)?;
    if tz == t.len() {
        return (!hms.trailing).then_some((hms.comps, false));
    }
    if t[tz] == 'Z' {
        return (tz + 1 == t.len()).then_some((hms.comps, true));
    }
    let offset = parse_hh_mm_ss_ff(&t[tz + 1..], t.len() - tz - 1)?;
    if offset.trailing {
        return None;
    }
    let [h, m, s, us] = offset.comps;
    // Python's timezone() refuses |offset| >= 24 h with ValueError: an invalid value, not an
    // aware one.
    let total_us = ((u64::from(h) * 60 + u64::from(m)) * 60 + u64::from(s)) * 1_000_000;
    if total_us + u64::from(us) >= 86_400_000_000 {
        return None;
    }
    Some((hms.comps, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy)]
    enum Want {
        /// Python returns a naive value whose isoformat() is this.
        Naive(&'static str),
        /// Python returns an aware value (the service would crash comparing it).
        Aware,
        /// Python raises ValueError.
        Invalid,
    }
    use Want::{Aware, Invalid, Naive};

    /// Produced by `scripts/gen/time_vectors.py` (Python 3.11.7 `datetime.fromisoformat`).
    const FROMISOFORMAT: &[(&str, Want)] = &[
        (
            "2026-11-24T04:06:55.525205",
            Naive("2026-11-24T04:06:55.525205"),
        ),
        ("2026-11-24T04:06:55", Naive("2026-11-24T04:06:55")),
        (
            "2026-11-24 04:06:55.525205",
            Naive("2026-11-24T04:06:55.525205"),
        ),
        ("2026-11-24", Naive("2026-11-24T00:00:00")),
        ("2026-11-24T04", Naive("2026-11-24T04:00:00")),
        ("2026-11-24T04:06", Naive("2026-11-24T04:06:00")),
        (
            "2026-11-24T04:06:55.525",
            Naive("2026-11-24T04:06:55.525000"),
        ),
        ("2026-11-24T04:06:55.5", Naive("2026-11-24T04:06:55.500000")),
        (
            "2026-11-24T04:06:55.52",
            Naive("2026-11-24T04:06:55.520000"),
        ),
        (
            "2026-11-24T04:06:55.5252",
            Naive("2026-11-24T04:06:55.525200"),
        ),
        (
            "2026-11-24T04:06:55.52520",
            Naive("2026-11-24T04:06:55.525200"),
        ),
        (
            "2026-11-24T04:06:55.5252051",
            Naive("2026-11-24T04:06:55.525205"),
        ),
        (
            "2026-11-24T04:06:55.525205999",
            Naive("2026-11-24T04:06:55.525205"),
        ),
        (
            "2026-11-24T04:06:55,525205",
            Naive("2026-11-24T04:06:55.525205"),
        ),
        ("2026-11-24T04:06:55.", Invalid),
        ("2026-11-24T04:06:55.52a", Invalid),
        ("2026-11-24T04:06:55.525205Z", Aware),
        ("2026-11-24T04:06:55+00:00", Aware),
        ("2026-11-24T04:06:55+09:00", Aware),
        ("2026-11-24T04:06:55-05", Aware),
        ("2026-11-24T04:06:55+0900", Aware),
        ("2026-11-24T04:06:55.1+09:00:30", Aware),
        ("2026-11-24T04:06:55+", Invalid),
        ("2026-11-24T04:06:55Zx", Invalid),
        ("2026-11-24T04:06:55+9", Invalid),
        ("20261124", Naive("2026-11-24T00:00:00")),
        ("20261124T040655", Naive("2026-11-24T04:06:55")),
        ("20261124T0406", Naive("2026-11-24T04:06:00")),
        ("2026-11-24T0406", Naive("2026-11-24T04:06:00")),
        ("2026-11-24T040655.123", Naive("2026-11-24T04:06:55.123000")),
        ("2026-11-24T04:0655", Invalid),
        ("2026-11-24T0406:55", Invalid),
        ("2026-W48", Naive("2026-11-23T00:00:00")),
        ("2026-W48-2", Naive("2026-11-24T00:00:00")),
        ("2026W482", Naive("2026-11-24T00:00:00")),
        ("2026W48", Naive("2026-11-23T00:00:00")),
        ("2026-W53-1", Naive("2026-12-28T00:00:00")),
        ("2020-W53-7", Naive("2021-01-03T00:00:00")),
        ("2026-11-24x04:06", Naive("2026-11-24T04:06:00")),
        ("2026-11-24é04:06:55", Naive("2026-11-24T04:06:55")),
        ("2026-11-24T24:00:00", Invalid),
        ("2026-11-24T23:59:60", Invalid),
        ("2026-02-29", Invalid),
        ("2024-02-29T12:00", Naive("2024-02-29T12:00:00")),
        ("2026-13-01", Invalid),
        ("2026-11-31", Invalid),
        ("0001-01-01T00:00:00", Naive("0001-01-01T00:00:00")),
        (
            "9999-12-31T23:59:59.999999",
            Naive("9999-12-31T23:59:59.999999"),
        ),
        ("0000-01-01", Invalid),
        ("2026-1-24", Invalid),
        ("2026-11-24T4:06", Invalid),
        ("2026-11-24T", Invalid),
        ("2026-11-24T04:06:55 ", Invalid),
        (" 2026-11-24", Invalid),
        ("2026/11/24", Invalid),
        ("2026-11-24T04:06:55.525205+00:00", Aware),
        ("2026-1124", Invalid),
        ("202611-24", Invalid),
        ("", Invalid),
        ("2026-11", Invalid),
        ("2026-11-24T04:6", Invalid),
        ("２０２６-11-24", Invalid),
        ("2026-11-24T04:06:5５", Invalid),
        ("2026-11-24TT04:06", Invalid),
        ("2026-11-24T04:06:55.000000", Naive("2026-11-24T04:06:55")),
        (
            "2026-11-24T00:00:00.000001",
            Naive("2026-11-24T00:00:00.000001"),
        ),
        ("2026-11-24T04:06:55.0000001", Naive("2026-11-24T04:06:55")),
        ("2026-11-24T04065512", Naive("2026-11-24T04:06:55.120000")),
        (
            "2026-11-24T04:06:55:12",
            Naive("2026-11-24T04:06:55.120000"),
        ),
        ("2026-11-24T04:06:55:1", Naive("2026-11-24T04:06:55.100000")),
        ("2026-11-24T0406551", Invalid),
        ("2026-11-24T04:06:55+09:99", Aware),
        ("2026-11-24T04:06:55+24:00", Invalid),
        ("2026-11-24T04:06:55-", Invalid),
        ("2026-W48-", Invalid),
        ("2026-W481", Invalid),
        ("2026-W4", Invalid),
        ("2026W4", Invalid),
        ("2026W48-2", Invalid),
        ("2026-W482", Invalid),
        ("2026-W00", Invalid),
        ("2026-W48-8", Invalid),
        ("2026-11-24T04:06:55.52-0100x", Invalid),
        (
            "2026-11-24T04:06:55.1234567890123",
            Naive("2026-11-24T04:06:55.123456"),
        ),
        ("2026-11-24T04:06.5", Naive("2026-11-24T04:06:00.500000")),
        ("2026-11-24T04.5", Naive("2026-11-24T04:00:00.500000")),
        ("2026-11-24T4", Invalid),
        ("2026-11-24T04:", Invalid),
        ("2026-11-24T04:06:", Invalid),
        ("2026-11-24T04:06:55x+09:00", Aware),
        ("2026-11-24T04:+09:00", Aware),
        ("2026-11-24T25:00+09:00", Invalid),
        ("2026-W48-2104:00", Invalid),
        ("2026-11-24T04:06:55.5-00:00", Aware),
        ("2026-11-24T04:06:55+00", Aware),
        ("2026-11-24T04:06:55+09:00:", Invalid),
        ("2026-11-24T04:06:55+09:00.5", Aware),
        ("2026-11-24年04:06:55", Naive("2026-11-24T04:06:55")),
        (
            "1999-12-31T23:59:59.999999",
            Naive("1999-12-31T23:59:59.999999"),
        ),
    ];

    #[test]
    fn parse_agrees_with_python_fromisoformat() {
        for &(input, want) in FROMISOFORMAT {
            let got = parse_naive_iso(input);
            match want {
                Naive(iso) => {
                    let t =
                        got.unwrap_or_else(|e| panic!("{input:?}: Python reads it, we said {e}"));
                    assert_eq!(
                        format_naive_iso(&t),
                        iso,
                        "{input:?}: value differs from Python's"
                    );
                }
                Aware => assert_eq!(
                    got,
                    Err(FormatError::invalid(FIELD, AWARE_REASON)),
                    "{input:?}: Python reads an aware value, which the service cannot compare"
                ),
                Invalid => {
                    let err = got.expect_err(&format!("{input:?}: Python raises ValueError"));
                    assert_ne!(
                        err,
                        FormatError::invalid(FIELD, AWARE_REASON),
                        "{input:?}: invalid text must not be reported as a time-zone problem"
                    );
                }
            }
        }
    }

    #[test]
    fn format_matches_python_isoformat() {
        /// (year, month, day, hour, minute, second, nanosecond).
        type Parts = (i32, u32, u32, u32, u32, u32, u32);
        let cases: &[(Parts, &str, &str)] = &[
            (
                (2026, 11, 24, 4, 6, 55, 525_205_000),
                "2026-11-24T04:06:55.525205",
                "seed example",
            ),
            (
                (2026, 11, 24, 4, 6, 55, 0),
                "2026-11-24T04:06:55",
                "no fraction at microsecond 0",
            ),
            (
                (2026, 11, 24, 4, 6, 55, 999),
                "2026-11-24T04:06:55",
                "sub-microsecond truncated",
            ),
            (
                (2026, 11, 24, 4, 6, 55, 1_000),
                "2026-11-24T04:06:55.000001",
                "6 digits, padded",
            ),
            (
                (2026, 11, 24, 4, 6, 55, 120_000_999),
                "2026-11-24T04:06:55.120000",
                "trailing 0s",
            ),
            (
                (1, 1, 1, 0, 0, 0, 0),
                "0001-01-01T00:00:00",
                "year padded to 4 digits",
            ),
            (
                (9999, 12, 31, 23, 59, 59, 999_999_000),
                "9999-12-31T23:59:59.999999",
                "max",
            ),
            (
                (2016, 12, 31, 23, 59, 59, 1_500_000_000),
                "2016-12-31T23:59:59.999999",
                "leap sec",
            ),
        ];
        for &((y, mo, d, h, mi, s, ns), want, why) in cases {
            let t = NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_nano_opt(h, mi, s, ns))
                .expect("valid test date");
            assert_eq!(format_naive_iso(&t), want, "{why}");
        }
    }

    #[test]
    fn round_trip_keeps_microseconds() {
        for iso in [
            "2026-11-24T04:06:55.525205",
            "2026-11-24T04:06:55",
            "2000-02-29T00:00:00.5",
        ] {
            let t = parse_naive_iso(iso).expect("valid");
            let again = parse_naive_iso(&format_naive_iso(&t)).expect("own output parses");
            assert_eq!(t, again, "{iso}: format then parse must be the identity");
        }
    }
}
