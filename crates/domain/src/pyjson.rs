//! JSON exactly as Python's `json.dumps` writes it with default arguments (CONTRACT.md §4: the
//! plaintext of `key:*` records and `key_audit_log` entries; §6.1: `audit_event:*`).
//!
//! Python's defaults differ from serde_json's compact output: `", "` and `": "` separators,
//! `ensure_ascii=True` (every character outside printable ASCII becomes a lower-case `\uXXXX`,
//! astral characters a surrogate pair) and floats in `repr` form (`1.0`, `1e+16`). Records that
//! Rampart writes must be byte-identical to the service's, so this module does not use
//! `serde_json::to_string`.

use serde_json::Value;

use crate::error::FormatError;
use crate::pyrepr::float_repr;

/// Python `json.dumps(v)` with default arguments.
pub fn dumps(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                // serde_json numbers are finite, so Python's NaN/Infinity spellings never occur.
                out.push_str(&float_repr(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, k);
                out.push_str(": ");
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// `py_encode_basestring_ascii`: escapes `"` `\` and the five short forms, everything else
/// outside `' '..='~'` as `\uXXXX` (lower-case hex, UTF-16 surrogate pairs above U+FFFF).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// Strict JSON parse with a nesting limit, for records written by `json.dumps`.
///
/// Differences from Python's `json.loads`, all on purpose: `NaN`/`Infinity` (which Python
/// accepts but no seed record contains) and lone surrogate escapes are refused, and so are
/// integers beyond 64 bits, which serde_json would silently turn into floats. serde_json's own
/// recursion limit is 128, so a `max_depth` above 127 behaves like 127 (reported as Malformed).
pub fn loads(s: &str, max_depth: usize) -> Result<Value, FormatError> {
    let negative_zeros = prescan(s, max_depth)?;
    let parse = |text: &str| {
        serde_json::from_str::<Value>(text)
            .map_err(|e| FormatError::Malformed(format!("invalid JSON: {e}")))
    };
    if negative_zeros.is_empty() {
        return parse(s);
    }
    // Python reads the integer `-0` as int 0 (written back as `0`); serde_json reads it as the
    // float -0.0. Blanking the sign (whitespace is legal between tokens) gives Python's value.
    let mut text = s.as_bytes().to_vec();
    for i in negative_zeros {
        text[i] = b' ';
    }
    parse(std::str::from_utf8(&text).map_err(|_| FormatError::NotUtf8)?)
}

/// Checks nesting depth and integer range before serde_json sees the text, so a nesting bomb is
/// refused in linear time with a precise error. Returns the offsets of `-0` integer tokens.
fn prescan(s: &str, max_depth: usize) -> Result<Vec<usize>, FormatError> {
    let b = s.as_bytes();
    let mut negative_zeros = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Skip the string, honouring backslash escapes.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(FormatError::TooDeep(max_depth));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i + 1 < b.len()
                    && matches!(b[i + 1], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let token = &s[start..=i];
                let is_int = !token.contains(['.', 'e', 'E']);
                let digits = token.strip_prefix('-').unwrap_or(token);
                let well_formed = !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit());
                if is_int
                    && well_formed
                    && token.parse::<i64>().is_err()
                    && token.parse::<u64>().is_err()
                {
                    return Err(FormatError::Malformed(
                        "invalid JSON: an integer beyond 64 bits (its digits would be lost)".into(),
                    ));
                }
                if token == "-0" {
                    negative_zeros.push(start);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(negative_zeros)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Printed by `scripts/gen/pyjson_vectors.py` under Python 3.11.7.
    /// (plain UTF-8 JSON input, Python 3.11.7 `json.dumps(json.loads(input))`).
    const DUMPS: &[(&str, &str)] = &[
        ("null", "null"),
        ("true", "true"),
        ("false", "false"),
        ("0", "0"),
        ("-1", "-1"),
        ("42", "42"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("18446744073709551615", "18446744073709551615"),
        ("1.0", "1.0"),
        ("-0.0", "-0.0"),
        ("0.1", "0.1"),
        ("1e+16", "1e+16"),
        ("1e-05", "1e-05"),
        ("1e+22", "1e+22"),
        ("123456.789", "123456.789"),
        ("2.5e-300", "2.5e-300"),
        ("1.5e+300", "1.5e+300"),
        ("\"\"", "\"\""),
        ("\"plain\"", "\"plain\""),
        ("\"김민준\"", "\"\\uae40\\ubbfc\\uc900\""),
        ("\"서울 강남구 '따옴표' \\\"쌍따옴표\\\"\"", "\"\\uc11c\\uc6b8 \\uac15\\ub0a8\\uad6c '\\ub530\\uc634\\ud45c' \\\"\\uc30d\\ub530\\uc634\\ud45c\\\"\""),
        ("\"emoji 😀 👨\u{200d}👩\u{200d}👧\"", "\"emoji \\ud83d\\ude00 \\ud83d\\udc68\\u200d\\ud83d\\udc69\\u200d\\ud83d\\udc67\""),
        ("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \"", "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \""),
        ("\"\u{7f}\u{80}\u{a0}ÿ\"", "\"\\u007f\\u0080\\u00a0\\u00ff\""),
        ("\"back\\\\slash/slash\"", "\"back\\\\slash/slash\""),
        ("\"\u{2028}\u{2029}\u{feff}\u{ffff}\"", "\"\\u2028\\u2029\\ufeff\\uffff\""),
        ("\"\u{10ffff}\"", "\"\\udbff\\udfff\""),
        ("\"é vs é\"", "\"\\u00e9 vs e\\u0301\""),
        ("[]", "[]"),
        ("{}", "{}"),
        ("[1, [2, [3, []]]]", "[1, [2, [3, []]]]"),
        ("{\"b\": 1, \"a\": 2}", "{\"b\": 1, \"a\": 2}"),
        ("{\"nested\": {\"list\": [1, \"x\", null, true]}}", "{\"nested\": {\"list\": [1, \"x\", null, true]}}"),
        ("{\"한글 키\": \"값\", \"😀\": [\"😀\"]}", "{\"\\ud55c\\uae00 \\ud0a4\": \"\\uac12\", \"\\ud83d\\ude00\": [\"\\ud83d\\ude00\"]}"),
        ("{\"key_id\": \"key_vN-Y16zLEwxXbmIhcB7Gxg\", \"key_data\": \"fP4Yuy5Xo+pN/dT1yRwtNr0lZ906DlBcTIcFTEEbx0o=\", \"algorithm\": \"AES-256-GCM\", \"created_at\": \"2026-11-24T04:06:55.870689\", \"expires_at\": null, \"is_active\": \"False\", \"purpose\": \"pii\"}", "{\"key_id\": \"key_vN-Y16zLEwxXbmIhcB7Gxg\", \"key_data\": \"fP4Yuy5Xo+pN/dT1yRwtNr0lZ906DlBcTIcFTEEbx0o=\", \"algorithm\": \"AES-256-GCM\", \"created_at\": \"2026-11-24T04:06:55.870689\", \"expires_at\": null, \"is_active\": \"False\", \"purpose\": \"pii\"}"),
        ("{\"event_id\": \"audit_1795493557494_-3872837313787996192\", \"event_type\": \"security_violation\", \"user_id\": null, \"ip_address\": \"2001:db8:bad::1\", \"user_agent\": \"\", \"timestamp\": \"2026-11-24T04:12:37.495057\", \"resource\": null, \"action\": \"account_locked\", \"result\": \"success\", \"details\": {\"reason\": \"repeated_login_failures\", \"failures\": 7}, \"severity\": \"high\"}", "{\"event_id\": \"audit_1795493557494_-3872837313787996192\", \"event_type\": \"security_violation\", \"user_id\": null, \"ip_address\": \"2001:db8:bad::1\", \"user_agent\": \"\", \"timestamp\": \"2026-11-24T04:12:37.495057\", \"resource\": null, \"action\": \"account_locked\", \"result\": \"success\", \"details\": {\"reason\": \"repeated_login_failures\", \"failures\": 7}, \"severity\": \"high\"}"),
        ("{\"event_type\": \"user_login\", \"details\": {\"사유\": \"비밀번호 오류\", \"ua\": \"Mozilla/5.0 \\\"x\\\"\", \"score\": 0.35, \"ok\": false}}", "{\"event_type\": \"user_login\", \"details\": {\"\\uc0ac\\uc720\": \"\\ube44\\ubc00\\ubc88\\ud638 \\uc624\\ub958\", \"ua\": \"Mozilla/5.0 \\\"x\\\"\", \"score\": 0.35, \"ok\": false}}"),
    ];

    #[test]
    fn dumps_matches_python() {
        for &(input, want) in DUMPS {
            let v: Value = serde_json::from_str(input).expect("generator input is valid JSON");
            assert_eq!(dumps(&v), want, "json.dumps({input})");
            assert_eq!(
                loads(want, 32),
                Ok(v),
                "loads(dumps(v)) must give v back: {input}"
            );
        }
    }

    #[test]
    fn dumps_keeps_insertion_order() {
        // CONTRACT.md §6.1: audit events have a fixed key order; preserve_order keeps it.
        let v = serde_json::json!({"z": 1, "a": 2, "m": {"y": null, "b": []}});
        assert_eq!(
            dumps(&v),
            r#"{"z": 1, "a": 2, "m": {"y": null, "b": []}}"#,
            "order kept"
        );
    }

    #[test]
    fn loads_agrees_with_python_where_it_should() {
        // (input, Python 3.11.7 json.dumps(json.loads(input)) or None when Python raises)
        let cases: &[(&str, Option<&str>)] = &[
            ("[1,]", None),
            (r#"{"a":1,}"#, None),
            ("{'a':1}", None),
            ("-0", Some("0")),
            ("-0.0", Some("-0.0")),
            (
                r#"[-0, {"a": -0}, -0.0, -0e0]"#,
                Some(r#"[0, {"a": 0}, -0.0, -0.0]"#),
            ),
            (r#"{"a":1,"b":2,"a":3}"#, Some(r#"{"a": 3, "b": 2}"#)),
            (" [1] ", Some("[1]")),
            ("\n1\n", Some("1")),
            ("[1] x", None),
            ("", None),
            ("01", None),
            ("1.", None),
            (".5", None),
            (r#""\x41""#, None),
            ("\u{feff}1", None),
            ("\"a\tb\"", None),
            (r#""\uD83D\uDE00""#, Some(r#""\ud83d\ude00""#)),
            ("1e5", Some("100000.0")),
            ("-1e-7", Some("-1e-07")),
            ("tru", None),
            (r#"{"a" 1}"#, None),
            ("\u{c}1", None),
        ];
        for &(input, want) in cases {
            match want {
                Some(out) => {
                    let v = loads(input, 8)
                        .unwrap_or_else(|e| panic!("{input:?}: Python reads it: {e}"));
                    assert_eq!(
                        dumps(&v),
                        out,
                        "{input:?}: re-dumped differently from Python"
                    );
                }
                None => assert!(loads(input, 8).is_err(), "{input:?}: Python raises"),
            }
        }
    }

    #[test]
    fn loads_refuses_what_would_not_round_trip() {
        // Python accepts these but Rampart could not write them back identically.
        for input in ["NaN", "Infinity", "-Infinity", "[1E400]", r#""\ud800""#] {
            assert!(
                matches!(loads(input, 8), Err(FormatError::Malformed(_))),
                "{input}: must be refused as malformed"
            );
        }
        for input in [
            "18446744073709551616",
            "-9223372036854775809",
            "[1, 99999999999999999999]",
        ] {
            assert!(
                matches!(loads(input, 8), Err(FormatError::Malformed(m)) if m.contains("64 bits")),
                "{input}: integers beyond 64 bits must be refused, not rounded"
            );
        }
        assert_eq!(
            loads("[18446744073709551615, -9223372036854775808]", 8).map(|v| dumps(&v)),
            Ok("[18446744073709551615, -9223372036854775808]".to_owned()),
            "the u64 and i64 extremes are kept exactly"
        );
        assert!(
            loads(r#"["-", "1e999999"]"#, 8).is_ok(),
            "numbers inside strings are not numbers"
        );
    }

    #[test]
    fn loads_enforces_depth() {
        assert!(loads("[[[]]]", 3).is_ok(), "depth 3 within a limit of 3");
        assert_eq!(
            loads("[[[[]]]]", 3),
            Err(FormatError::TooDeep(3)),
            "depth 4 exceeds 3"
        );
        assert_eq!(
            loads(r#"{"a": "[[[[[[", "b": {"c": [1]}}"#, 3).map(|v| dumps(&v)),
            Ok(r#"{"a": "[[[[[[", "b": {"c": [1]}}"#.to_owned()),
            "brackets inside strings do not count"
        );
        assert_eq!(
            loads(&"[".repeat(1_000_000), 64),
            Err(FormatError::TooDeep(64)),
            "a nesting bomb is refused before serde_json recurses"
        );
        assert!(
            matches!(
                loads(&format!("{}{}", "[".repeat(200), "]".repeat(200)), 500),
                Err(FormatError::Malformed(_))
            ),
            "serde_json's own limit of 128 still applies above it"
        );
    }
}
