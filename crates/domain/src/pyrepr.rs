//! Python literals: the `str(dict)` records of the seed and the `ast.literal_eval` that reads them
//! (CONTRACT.md, conventions, "py-repr dict"; §1.6 `refresh_token:*`, §2 `mfa:*`/`mfa_setup:*`;
//! §7.15 on why the reader needs limits).
//!
//! [`to_repr`] reproduces Python 3.11 `repr()` byte for byte, so a record Rampart rewrites is
//! identical to one the service would have written. [`parse`] accepts the subset of
//! `ast.literal_eval` that [`PyValue`] can hold, with a nesting and size limit because the
//! service's own reader has none (§7.15). Deliberate refusals, all of which the seed never
//! writes: sets, complex numbers, `...`, ints outside `i64`, `\N{...}` escapes and lone surrogates
//! (a Rust `String` cannot hold one).

use std::collections::HashMap;

use crate::error::FormatError;
use crate::unicode_tables::py_isprintable;

/// A Python value of the literal subset the seed writes.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` that fits in `i64`.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `bytes` literal.
    Bytes(Vec<u8>),
    /// A `list`.
    List(Vec<PyValue>),
    /// A `tuple`.
    Tuple(Vec<PyValue>),
    /// A `dict`, in insertion order (Python dicts keep it, and `str()` prints it).
    Dict(Vec<(PyValue, PyValue)>),
}

/// Bounds on what [`parse`] will read (CONTRACT.md §7.15: unbounded nesting is a DoS).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest bracket nesting accepted; every `(`, `[` and `{` counts.
    pub max_depth: usize,
    /// Largest input accepted, in UTF-8 bytes.
    pub max_bytes: usize,
}

impl Default for Limits {
    /// Depth 16 and 64 KiB: the seed's records nest 2 deep and are well under 2 KiB.
    fn default() -> Self {
        Limits {
            max_depth: 16,
            max_bytes: 64 * 1024,
        }
    }
}

impl PyValue {
    /// The text of a `Str`, else `None`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value stored under the string key `key` of a `Dict`, else `None`.
    pub fn dict_get(&self, key: &str) -> Option<&PyValue> {
        match self {
            PyValue::Dict(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The items of a `List` whose items are all `Str`, else `None`.
    pub fn str_list(&self) -> Option<Vec<String>> {
        match self {
            PyValue::List(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        }
    }

    /// A `Dict` with string keys, in the given order.
    pub fn dict(entries: Vec<(&str, PyValue)>) -> PyValue {
        PyValue::Dict(
            entries
                .into_iter()
                .map(|(k, v)| (PyValue::str(k), v))
                .collect(),
        )
    }

    /// A `Str`.
    pub fn str(s: impl Into<String>) -> PyValue {
        PyValue::Str(s.into())
    }
}

// ---------------------------------------------------------------------------------------------
// repr
// ---------------------------------------------------------------------------------------------

/// Python 3.11 `repr(v)` (which is also `str(v)` for containers, as the seed writes them).
pub fn to_repr(v: &PyValue) -> String {
    let mut out = String::new();
    write_repr(&mut out, v);
    out
}

fn write_repr(out: &mut String, v: &PyValue) {
    match v {
        PyValue::None => out.push_str("None"),
        PyValue::Bool(true) => out.push_str("True"),
        PyValue::Bool(false) => out.push_str("False"),
        PyValue::Int(i) => out.push_str(&i.to_string()),
        PyValue::Float(x) => out.push_str(&float_repr(*x)),
        PyValue::Str(s) => write_str_repr(out, s),
        PyValue::Bytes(b) => write_bytes_repr(out, b),
        PyValue::List(items) => {
            out.push('[');
            write_items(out, items);
            out.push(']');
        }
        PyValue::Tuple(items) => {
            out.push('(');
            write_items(out, items);
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        PyValue::Dict(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, k);
                out.push_str(": ");
                write_repr(out, v);
            }
            out.push('}');
        }
    }
}

fn write_items(out: &mut String, items: &[PyValue]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_repr(out, item);
    }
}

/// `unicode_repr` of CPython 3.11: single quotes unless the text has `'` and no `"`.
fn write_str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            _ if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            _ if c.is_ascii() => out.push(c),
            // Non-ASCII: Python's own (Unicode 14) printability decides, not Rust's.
            _ if py_isprintable(c) => out.push(c),
            _ if u32::from(c) <= 0xff => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            _ if u32::from(c) <= 0xffff => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            _ => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push(quote);
}

/// `bytes_repr` of CPython 3.11.
fn write_bytes_repr(out: &mut String, b: &[u8]) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(char::from(quote));
    for &c in b {
        match c {
            _ if c == quote || c == b'\\' => {
                out.push('\\');
                out.push(char::from(c));
            }
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(char::from(c)),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(char::from(quote));
}

/// Python 3.11 `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in -4..16 and scientific (`1e+16`, `1e-05`) otherwise.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    // Rust's `{:e}` yields the shortest round-trip digits, like Python's `repr` (both pick the
    // closest of the shortest candidates), as `d[.ddd]e<exp>`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    // Position of the decimal point relative to the digit string (CPython's `decpt`).
    let decpt = exp + 1;
    let n = digits.len() as i32;
    if decpt <= -4 || decpt > 16 {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.abs())
    } else if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{sign}{int}.{frac}")
    }
}

// ---------------------------------------------------------------------------------------------
// parse
// ---------------------------------------------------------------------------------------------

/// Reads a Python literal as `ast.literal_eval` does, within `limits`.
///
/// Errors never quote the input (records hold TOTP secrets); they give a byte offset.
pub fn parse(s: &str, limits: Limits) -> Result<PyValue, FormatError> {
    if s.len() > limits.max_bytes {
        return Err(FormatError::TooLarge {
            size: s.len(),
            limit: limits.max_bytes,
        });
    }
    if s.contains('\0') {
        return Err(malformed(
            "a NUL character (Python refuses source with null bytes)",
            0,
        ));
    }
    // Python's tokenizer reads "\r\n" and "\r" as "\n", inside string literals too.
    let text = s.replace("\r\n", "\n").replace('\r', "\n");
    // `literal_eval` strips leading spaces and tabs before parsing.
    let start = text.len() - text.trim_start_matches([' ', '\t']).len();
    let mut p = Parser {
        text: &text,
        pos: start,
        depth: 0,
        limits,
    };
    p.skip_leading_lines()?;
    if p.at_end() {
        return Err(malformed("no value", p.pos));
    }
    let value = p.parse_top()?;
    p.skip_trailing_lines()?;
    Ok(value)
}

fn malformed(what: &str, pos: usize) -> FormatError {
    FormatError::Malformed(format!("not a Python literal: {what} at byte {pos}"))
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Current bracket nesting; newlines are insignificant only inside brackets.
    depth: usize,
    limits: Limits,
}

/// A number token before its sign is applied (the magnitude of an int may be 2**63).
enum Number {
    Int(u128),
    Float(f64),
}

/// A parsed primary: a bare number literal may still take a sign, anything else may not.
enum Prim {
    Num(Number),
    Value(PyValue),
}

impl Prim {
    /// The final value, negated if asked; an int must then fit in `i64`.
    fn into_value(self, negative: bool, at: usize) -> Result<PyValue, FormatError> {
        match self {
            Prim::Value(v) => Ok(v),
            Prim::Num(Number::Float(x)) => Ok(PyValue::Float(if negative { -x } else { x })),
            Prim::Num(Number::Int(m)) => {
                let m = i128::try_from(m).unwrap_or(i128::MAX);
                i64::try_from(if negative { -m } else { m })
                    .map(PyValue::Int)
                    .map_err(|_| malformed("an integer outside the 64-bit range", at))
            }
        }
    }
}

impl Parser<'_> {
    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes().get(self.pos + offset).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn err(&self, what: &str) -> FormatError {
        malformed(what, self.pos)
    }

    /// Blank and comment-only lines before the value; the value's line must not be indented
    /// (Python raises IndentationError). A form feed resets the indentation, as in Python.
    fn skip_leading_lines(&mut self) -> Result<(), FormatError> {
        loop {
            let col = self.skip_line_indent()?;
            match self.peek() {
                Some(b'\n') => self.pos += 1,
                None => return Ok(()),
                Some(_) if col > 0 => return Err(self.err("an indented first line")),
                Some(_) => return Ok(()),
            }
        }
    }

    /// After the value: only blank or comment lines may follow; a final line of bare
    /// indentation without a newline is an IndentationError in Python.
    fn skip_trailing_lines(&mut self) -> Result<(), FormatError> {
        self.skip_inline()?;
        match self.peek() {
            None => return Ok(()),
            Some(b'\n') => self.pos += 1,
            Some(_) => return Err(self.err("unexpected text after the value")),
        }
        loop {
            let col = self.skip_line_indent()?;
            match self.peek() {
                Some(b'\n') => self.pos += 1,
                None if col > 0 => return Err(self.err("a trailing indented line")),
                None => return Ok(()),
                Some(_) => return Err(self.err("a second line with content")),
            }
        }
    }

    /// Skips indentation, a comment and line continuations; returns the indentation column
    /// (0 for a comment line, which Python treats as blank).
    fn skip_line_indent(&mut self) -> Result<usize, FormatError> {
        let mut col = 0;
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => col += 1,
                Some(0x0c) => col = 0,
                Some(b'#') => {
                    self.skip_comment();
                    return Ok(0);
                }
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 2;
                    if self.at_end() {
                        return Err(self.err("a line continuation at the end"));
                    }
                    continue;
                }
                _ => return Ok(col),
            }
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        while !matches!(self.peek(), None | Some(b'\n')) {
            self.pos += 1;
        }
    }

    /// Whitespace between tokens. Newlines count only inside brackets: at the top level a
    /// newline ends the expression, as in Python's eval mode.
    fn skip_inline(&mut self) -> Result<(), FormatError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | 0x0c) => self.pos += 1,
                Some(b'#') => self.skip_comment(),
                Some(b'\n') if self.depth > 0 => self.pos += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 2;
                    if self.at_end() {
                        return Err(self.err("a line continuation at the end"));
                    }
                }
                Some(b'\\') => return Err(self.err("a stray backslash")),
                _ => return Ok(()),
            }
        }
    }

    /// The whole expression: a value, or a bare tuple `1, 2` as eval mode allows.
    fn parse_top(&mut self) -> Result<PyValue, FormatError> {
        let first = self.parse_value()?;
        self.skip_inline()?;
        if self.peek() != Some(b',') {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek() == Some(b',') {
            self.pos += 1;
            self.skip_inline()?;
            if self.starts_value() {
                items.push(self.parse_value()?);
                self.skip_inline()?;
            } else {
                break;
            }
        }
        Ok(PyValue::Tuple(items))
    }

    /// Whether the next byte can begin a value (used after a comma, where a closing bracket or
    /// the end may follow instead).
    fn starts_value(&self) -> bool {
        match self.peek() {
            Some(c) => !matches!(c, b')' | b']' | b'}' | b',' | b':' | b'\n'),
            None => false,
        }
    }

    fn parse_value(&mut self) -> Result<PyValue, FormatError> {
        let start = self.pos;
        let prim = self.parse_signed()?;
        prim.into_value(false, start)
    }

    /// A value with an optional unary sign. `literal_eval` allows a sign only directly on a
    /// number literal (`-1`, `- 1`, `-(1)`), not on `True`, a tuple or another signed number.
    fn parse_signed(&mut self) -> Result<Prim, FormatError> {
        let negative = match self.peek() {
            Some(b'-') => true,
            Some(b'+') => false,
            _ => return self.parse_primary(),
        };
        self.pos += 1;
        self.skip_inline()?;
        let start = self.pos;
        match self.parse_primary()? {
            Prim::Num(n) => Ok(Prim::Value(Prim::Num(n).into_value(negative, start)?)),
            Prim::Value(_) => Err(malformed(
                "a sign before something other than a number",
                start,
            )),
        }
    }

    fn parse_primary(&mut self) -> Result<Prim, FormatError> {
        let Some(c) = self.peek() else {
            return Err(self.err("a missing value"));
        };
        match c {
            b'[' => {
                self.enter()?;
                let items = self.parse_items(b']', Vec::new())?;
                Ok(Prim::Value(PyValue::List(items)))
            }
            b'(' => self.parse_paren(),
            b'{' => Ok(Prim::Value(self.parse_dict()?)),
            b'\'' | b'"' => Ok(Prim::Value(self.parse_strings()?)),
            b'0'..=b'9' => Ok(Prim::Num(self.parse_number()?)),
            b'.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => {
                Ok(Prim::Num(self.parse_number()?))
            }
            _ if c == b'_' || c.is_ascii_alphabetic() => {
                Ok(Prim::Value(self.parse_name_or_prefixed_string()?))
            }
            _ => Err(self.err("an unexpected character")),
        }
    }

    /// Consumes an opening bracket, counting it against the depth limit.
    fn enter(&mut self) -> Result<(), FormatError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(FormatError::TooDeep(self.limits.max_depth));
        }
        self.pos += 1;
        self.skip_inline()
    }

    /// Consumes a closing bracket.
    fn leave(&mut self) {
        self.pos += 1;
        self.depth -= 1;
    }

    /// Comma-separated items up to `close` (trailing comma allowed), after `items` already read.
    fn parse_items(
        &mut self,
        close: u8,
        mut items: Vec<PyValue>,
    ) -> Result<Vec<PyValue>, FormatError> {
        loop {
            if self.peek() == Some(close) {
                break;
            }
            items.push(self.parse_value()?);
            self.skip_inline()?;
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_inline()?;
                }
                Some(c) if c == close => break,
                _ => return Err(self.err("a missing comma or closing bracket")),
            }
        }
        self.leave();
        Ok(items)
    }

    /// `()` is an empty tuple, `(x)` is just `x` (a number keeps its right to a sign), `(x,)`
    /// and `(x, y)` are tuples.
    fn parse_paren(&mut self) -> Result<Prim, FormatError> {
        self.enter()?;
        if self.peek() == Some(b')') {
            self.leave();
            return Ok(Prim::Value(PyValue::Tuple(Vec::new())));
        }
        let start = self.pos;
        let first = self.parse_signed()?;
        self.skip_inline()?;
        match self.peek() {
            Some(b')') => {
                self.leave();
                Ok(first)
            }
            Some(b',') => {
                self.pos += 1;
                self.skip_inline()?;
                let first = first.into_value(false, start)?;
                Ok(Prim::Value(PyValue::Tuple(
                    self.parse_items(b')', vec![first])?,
                )))
            }
            _ => Err(self.err("a missing comma or closing parenthesis")),
        }
    }

    fn parse_dict(&mut self) -> Result<PyValue, FormatError> {
        self.enter()?;
        let mut entries: Vec<(PyValue, PyValue)> = Vec::new();
        // Duplicate detection without a quadratic scan for the common case: a str key can only
        // equal a str key, so str keys are found by hash; other keys (rare) are compared one by
        // one with Python's equality.
        let mut str_keys: HashMap<String, usize> = HashMap::new();
        let mut other_keys: Vec<usize> = Vec::new();
        loop {
            if self.peek() == Some(b'}') {
                break;
            }
            let key_pos = self.pos;
            let key = self.parse_value()?;
            self.skip_inline()?;
            if self.peek() != Some(b':') {
                // `{1, 2}` is a set: valid Python, but nothing the seed writes.
                return Err(self.err("a set or a dict entry without ':' (sets are not supported)"));
            }
            self.pos += 1;
            self.skip_inline()?;
            let value = self.parse_value()?;
            if !is_hashable(&key) {
                return Err(malformed(
                    "an unhashable dict key (Python raises TypeError)",
                    key_pos,
                ));
            }
            // A repeated key keeps its first position and takes the last value, with Python's
            // equality (1 == 1.0 == True), exactly as the dict display would.
            let existing = match &key {
                PyValue::Str(s) => str_keys.get(s).copied(),
                _ => other_keys
                    .iter()
                    .copied()
                    .find(|&i| py_eq(&entries[i].0, &key)),
            };
            match existing {
                Some(i) => entries[i].1 = value,
                None => {
                    if let PyValue::Str(s) = &key {
                        str_keys.insert(s.clone(), entries.len());
                    } else {
                        other_keys.push(entries.len());
                    }
                    entries.push((key, value));
                }
            }
            self.skip_inline()?;
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_inline()?;
                }
                Some(b'}') => break,
                _ => return Err(self.err("a missing comma or closing brace")),
            }
        }
        self.leave();
        Ok(PyValue::Dict(entries))
    }

    fn parse_name_or_prefixed_string(&mut self) -> Result<PyValue, FormatError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c == b'_' || c.is_ascii_alphanumeric())
        {
            self.pos += 1;
        }
        if self.peek().is_some_and(|c| !c.is_ascii()) {
            return Err(malformed(
                "a name (only None, True and False are literals)",
                start,
            ));
        }
        let name = &self.text[start..self.pos];
        if matches!(self.peek(), Some(b'\'' | b'"')) {
            self.pos = start;
            return self.parse_strings();
        }
        match name {
            "None" => Ok(PyValue::None),
            "True" => Ok(PyValue::Bool(true)),
            "False" => Ok(PyValue::Bool(false)),
            // `true`, `false` and `null` (JSON) are names to Python and fail the same way.
            _ => Err(malformed(
                "a name (only None, True and False are literals)",
                start,
            )),
        }
    }

    /// One or more adjacent string literals, concatenated; str and bytes cannot mix.
    fn parse_strings(&mut self) -> Result<PyValue, FormatError> {
        let first = self.parse_one_string()?;
        let mut value = first;
        loop {
            let save = self.pos;
            self.skip_inline()?;
            let next_is_string = match self.peek() {
                Some(b'\'' | b'"') => true,
                Some(c) if c.is_ascii_alphabetic() => self.prefix_len().is_some(),
                _ => false,
            };
            if !next_is_string {
                self.pos = save;
                return Ok(value);
            }
            let at = self.pos;
            let next = self.parse_one_string()?;
            value = match (value, next) {
                (PyValue::Str(mut a), PyValue::Str(b)) => {
                    a.push_str(&b);
                    PyValue::Str(a)
                }
                (PyValue::Bytes(mut a), PyValue::Bytes(b)) => {
                    a.extend_from_slice(&b);
                    PyValue::Bytes(a)
                }
                _ => {
                    return Err(malformed(
                        "str and bytes literals cannot be concatenated",
                        at,
                    ))
                }
            };
        }
    }

    /// Length of a valid string prefix (`r`, `u`, `b`, `br`, `rb`, any case) directly followed
    /// by a quote, if there is one here.
    fn prefix_len(&self) -> Option<usize> {
        let rest = &self.bytes()[self.pos..];
        let n = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if !matches!(rest.get(n), Some(b'\'' | b'"')) {
            return None;
        }
        let prefix = self.text[self.pos..self.pos + n].to_ascii_lowercase();
        matches!(prefix.as_str(), "" | "r" | "u" | "b" | "br" | "rb").then_some(n)
    }

    fn parse_one_string(&mut self) -> Result<PyValue, FormatError> {
        let start = self.pos;
        let n = self.prefix_len().ok_or_else(|| {
            malformed(
                "an unsupported string prefix (f-strings are not literals)",
                start,
            )
        })?;
        let prefix = self.text[self.pos..self.pos + n].to_ascii_lowercase();
        let raw = prefix.contains('r');
        let is_bytes = prefix.contains('b');
        self.pos += n;
        let quote = self.bytes()[self.pos];
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };

        // Find the end of the body first: a backslash always protects the next character from
        // ending the literal, raw or not.
        let body_start = self.pos;
        let body_end;
        loop {
            match self.peek() {
                None => return Err(malformed("an unterminated string", start)),
                Some(b'\\') => {
                    if self.peek_at(1).is_none() {
                        return Err(malformed("an unterminated string", start));
                    }
                    self.pos += 2;
                    // Keep `pos` on a char boundary after skipping a multi-byte character.
                    while !self.text.is_char_boundary(self.pos) {
                        self.pos += 1;
                    }
                }
                Some(b'\n') if !triple => {
                    return Err(malformed("a newline inside a single-quoted string", start))
                }
                Some(c) if c == quote => {
                    if !triple {
                        body_end = self.pos;
                        self.pos += 1;
                        break;
                    }
                    if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                        body_end = self.pos;
                        self.pos += 3;
                        break;
                    }
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
        let body = &self.text[body_start..body_end];
        if is_bytes {
            if !body.is_ascii() {
                return Err(malformed("a non-ASCII character in a bytes literal", start));
            }
            let bytes = if raw {
                body.as_bytes().to_vec()
            } else {
                unescape_bytes(body, start)?
            };
            Ok(PyValue::Bytes(bytes))
        } else {
            let s = if raw {
                body.to_owned()
            } else {
                unescape_str(body, start)?
            };
            Ok(PyValue::Str(s))
        }
    }

    /// A Python number token: decimal/hex/octal/binary ints and floats, with `_` separators.
    fn parse_number(&mut self) -> Result<Number, FormatError> {
        let start = self.pos;
        let b = self.bytes();
        let radix = match (b.get(start), b.get(start + 1).map(u8::to_ascii_lowercase)) {
            (Some(b'0'), Some(b'x')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            // One optional underscore may follow the prefix: 0x_1f.
            if self.peek() == Some(b'_') {
                self.pos += 1;
            }
            let digits = self.digit_part(radix)?;
            self.check_number_end(start)?;
            if digits.is_empty() {
                return Err(malformed("a number prefix without digits", start));
            }
            return u128::from_str_radix(&digits, radix)
                .map(Number::Int)
                .map_err(|_| malformed("an integer outside the 64-bit range", start));
        }
        let int_part = self.digit_part(10)?;
        let mut is_float = false;
        let mut text = int_part.clone();
        if self.peek() == Some(b'.') {
            is_float = true;
            self.pos += 1;
            text.push('.');
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                text.push_str(&self.digit_part(10)?);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            is_float = true;
            self.pos += 1;
            text.push('e');
            if let Some(sign @ (b'+' | b'-')) = self.peek() {
                text.push(char::from(sign));
                self.pos += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(malformed("an exponent without digits", start));
            }
            text.push_str(&self.digit_part(10)?);
        }
        self.check_number_end(start)?;
        if is_float {
            let x: f64 = text
                .parse()
                .map_err(|_| malformed("a malformed float", start))?;
            return Ok(Number::Float(x));
        }
        // "00" and "0_0" are zero, but "01" is a SyntaxError (no implicit octal).
        if int_part.len() > 1 && int_part.starts_with('0') {
            if int_part.bytes().all(|c| c == b'0') {
                return Ok(Number::Int(0));
            }
            return Err(malformed("a decimal integer with a leading zero", start));
        }
        int_part
            .parse::<u128>()
            .map(Number::Int)
            .map_err(|_| malformed("an integer outside the 64-bit range", start))
    }

    /// Digits of `radix` with single underscores between them; returns the digits alone.
    fn digit_part(&mut self, radix: u32) -> Result<String, FormatError> {
        let mut out = String::new();
        loop {
            match self.peek() {
                Some(c) if char::from(c).is_digit(radix) => {
                    out.push(char::from(c));
                    self.pos += 1;
                }
                Some(b'_') if !out.is_empty() => {
                    self.pos += 1;
                    if !self.peek().is_some_and(|c| char::from(c).is_digit(radix)) {
                        return Err(self.err("a misplaced underscore in a number"));
                    }
                }
                _ => return Ok(out),
            }
        }
    }

    /// A number must not run into a name (`1abc`), a digit of another base (`0b2`) or a
    /// complex suffix (`1j`, which Rampart does not support).
    fn check_number_end(&self, start: usize) -> Result<(), FormatError> {
        match self.peek() {
            Some(b'j' | b'J') => Err(malformed("a complex number (not supported)", start)),
            Some(c) if c == b'_' || c == b'.' || c.is_ascii_alphanumeric() => {
                Err(malformed("a malformed number", start))
            }
            _ => Ok(()),
        }
    }
}

/// Whether Python could use the value as a dict key (lists and dicts are unhashable).
fn is_hashable(v: &PyValue) -> bool {
    match v {
        PyValue::List(_) | PyValue::Dict(_) => false,
        PyValue::Tuple(items) => items.iter().all(is_hashable),
        _ => true,
    }
}

/// Python `==` between hashable literals: bools and ints and floats compare as numbers.
fn py_eq(a: &PyValue, b: &PyValue) -> bool {
    fn int_of(v: &PyValue) -> Option<i64> {
        match v {
            PyValue::Bool(b) => Some(i64::from(*b)),
            PyValue::Int(i) => Some(*i),
            _ => None,
        }
    }
    fn int_eq_float(i: i64, x: f64) -> bool {
        // Exact comparison, as Python does: no rounding of the int to a float.
        x.fract() == 0.0
            && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x)
            && x as i64 == i
    }
    match (a, b) {
        (PyValue::None, PyValue::None) => true,
        (PyValue::Str(x), PyValue::Str(y)) => x == y,
        (PyValue::Bytes(x), PyValue::Bytes(y)) => x == y,
        (PyValue::Tuple(x), PyValue::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (PyValue::Float(x), PyValue::Float(y)) => x == y,
        (PyValue::Float(x), other) | (other, PyValue::Float(x)) => {
            int_of(other).is_some_and(|i| int_eq_float(i, *x))
        }
        _ => match (int_of(a), int_of(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Exactly `n` hex digits at the start of `chars`, as a code point.
fn hex_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..n {
        let d = chars.peek()?.to_digit(16)?;
        chars.next();
        v = v * 16 + d;
    }
    Some(v)
}

/// Up to three octal digits, the first already read.
fn octal_escape(first: u32, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> u32 {
    let mut v = first;
    for _ in 0..2 {
        match chars.peek().and_then(|c| c.to_digit(8)) {
            Some(d) => {
                chars.next();
                v = v * 8 + d;
            }
            None => break,
        }
    }
    v
}

/// Decodes the escapes of a non-raw str literal body.
fn unescape_str(body: &str, at: usize) -> Result<String, FormatError> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err(malformed("an unterminated string", at));
        };
        let code = match e {
            '\n' => continue, // line continuation inside the literal
            '\\' | '\'' | '"' => u32::from(e),
            'a' => 0x07,
            'b' => 0x08,
            'f' => 0x0c,
            'n' => 0x0a,
            'r' => 0x0d,
            't' => 0x09,
            'v' => 0x0b,
            '0'..='7' => octal_escape(e.to_digit(8).expect("octal digit"), &mut chars),
            'x' => hex_escape(&mut chars, 2).ok_or_else(|| malformed("a bad \\x escape", at))?,
            'u' => hex_escape(&mut chars, 4).ok_or_else(|| malformed("a bad \\u escape", at))?,
            'U' => hex_escape(&mut chars, 8).ok_or_else(|| malformed("a bad \\U escape", at))?,
            'N' => return Err(malformed("a \\N{...} escape (not supported)", at)),
            _ => {
                // Unknown escapes stay as written (Python warns but keeps both characters).
                out.push('\\');
                out.push(e);
                continue;
            }
        };
        match char::from_u32(code) {
            Some(ch) => out.push(ch),
            None if (0xd800..0xe000).contains(&code) => {
                return Err(malformed(
                    "a lone surrogate (a Rust string cannot hold it)",
                    at,
                ))
            }
            None => return Err(malformed("an escape beyond U+10FFFF", at)),
        }
    }
    Ok(out)
}

/// Decodes the escapes of a non-raw bytes literal body (ASCII only; no `\u`, `\U`, `\N`).
fn unescape_bytes(body: &str, at: usize) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c as u8);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err(malformed("an unterminated bytes literal", at));
        };
        let byte = match e {
            '\n' => continue,
            '\\' | '\'' | '"' => e as u8,
            'a' => 0x07,
            'b' => 0x08,
            'f' => 0x0c,
            'n' => 0x0a,
            'r' => 0x0d,
            't' => 0x09,
            'v' => 0x0b,
            // Python keeps only the low 8 bits of an octal escape above \377 (with a warning).
            '0'..='7' => {
                (octal_escape(e.to_digit(8).expect("octal digit"), &mut chars) & 0xff) as u8
            }
            'x' => {
                hex_escape(&mut chars, 2).ok_or_else(|| malformed("a bad \\x escape", at))? as u8
            }
            _ => {
                out.push(b'\\');
                out.push(e as u8);
                continue;
            }
        };
        out.push(byte);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[derive(Debug, Clone, Copy)]
    enum Eval {
        /// literal_eval succeeds; `repr` of its value.
        Accepted(&'static str),
        /// literal_eval raises.
        Rejected,
        /// literal_eval succeeds with a type Rampart refuses on purpose (see the module docs).
        Unsupported,
    }
    use Eval::{Accepted, Rejected, Unsupported};

    // Tables printed by `scripts/gen/pyrepr_vectors.py` under Python 3.11.7.
    /// `repr(s)` for each string s (Python 3.11.7).
    const STR_REPR: &[(&str, &str)] = &[
        ("", "''"),
        ("a", "'a'"),
        ("plain ascii", "'plain ascii'"),
        ("김민준", "'김민준'"),
        ("서울특별시 강남구", "'서울특별시 강남구'"),
        ("김@예시.한국", "'김@예시.한국'"),
        ("it's", "\"it's\""),
        ("say \"hi\"", "'say \"hi\"'"),
        ("both ' and \"", "'both \\' and \"'"),
        ("back\\slash", "'back\\\\slash'"),
        ("\\", "'\\\\'"),
        ("'", "\"'\""),
        ("\"", "'\"'"),
        ("''\"", "'\\'\\'\"'"),
        ("tab\there", "'tab\\there'"),
        ("new\nline", "'new\\nline'"),
        ("cr\rlf\n", "'cr\\rlf\\n'"),
        ("\u{0}", "'\\x00'"),
        ("\u{1}\u{1f}", "'\\x01\\x1f'"),
        ("\u{7f}", "'\\x7f'"),
        ("\u{80}", "'\\x80'"),
        ("\u{9f}", "'\\x9f'"),
        ("\u{a0}", "'\\xa0'"),
        ("\u{ad}", "'\\xad'"),
        ("é", "'é'"),
        ("ÿ", "'ÿ'"),
        ("Ā", "'Ā'"),
        ("\u{378}", "'\\u0378'"),
        ("\u{200b}", "'\\u200b'"),
        ("\u{2028}", "'\\u2028'"),
        ("\u{3000}", "'\\u3000'"),
        ("\u{feff}", "'\\ufeff'"),
        ("�", "'�'"),
        ("\u{ffff}", "'\\uffff'"),
        ("\u{e000}", "'\\ue000'"),
        ("😀", "'😀'"),
        ("👍🏽", "'👍🏽'"),
        ("👨\u{200d}👩\u{200d}👧", "'👨\\u200d👩\\u200d👧'"),
        ("🇰🇷", "'🇰🇷'"),
        ("\u{e0001}", "'\\U000e0001'"),
        ("\u{10ffff}", "'\\U0010ffff'"),
        ("🯰", "'🯰'"),
        ("é", "'é'"),
        ("가", "'가'"),
        ("한국어 '인용' \"따옴표\"", "'한국어 \\'인용\\' \"따옴표\"'"),
        ("mixed\t한\n😀\u{0}'\"\\", "'mixed\\t한\\n😀\\x00\\'\"\\\\'"),
        (
            "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF",
            "'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF'",
        ),
        ("2026-11-24T04:12:29.661908", "'2026-11-24T04:12:29.661908'"),
        ("\u{1b}[31mred\u{1b}[0m", "'\\x1b[31mred\\x1b[0m'"),
        ("\u{61c}", "'\\u061c'"),
        ("\u{180e}", "'\\u180e'"),
        ("\u{1d173}", "'\\U0001d173'"),
        ("²５①", "'²５①'"),
    ];
    /// `repr(b)` for each bytes value b (Python 3.11.7).
    const BYTES_REPR: &[(&[u8], &str)] = &[
        (b"", "b''"),
        (b"abc", "b'abc'"),
        (b"it's", "b\"it's\""),
        (b"\"q\"", "b'\"q\"'"),
        (b"'\"", "b'\\'\"'"),
        (b"\\", "b'\\\\'"),
        (b"\x00\x7f\x80\xff", "b'\\x00\\x7f\\x80\\xff'"),
        (b"\x09\x0a\x0d", "b'\\t\\n\\r'"),
        (b"\xed\x95\x9c", "b'\\xed\\x95\\x9c'"),
    ];
    /// `repr(x)` for doubles given by their bits (Python 3.11.7; random ones from
    /// `random.Random(6238)`).
    const FLOAT_REPR: &[(u64, &str)] = &[
        (0x3fb999999999999a, "0.1"),
        (0x3fc999999999999a, "0.2"),
        (0x3fd3333333333333, "0.3"),
        (0x3fd5555555555555, "0.3333333333333333"),
        (0x3fe5555555555555, "0.6666666666666666"),
        (0x3ff0000000000000, "1.0"),
        (0x4059000000000000, "100.0"),
        (0x430c6bf526340000, "1000000000000000.0"),
        (0x4341c37937e08000, "1e+16"),
        (0x4376345785d8a000, "1e+17"),
        (0x4480f0cf064dd592, "1e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x3f1a36e2eb1c432d, "0.0001"),
        (0x3ee4f8b588e368f1, "1e-05"),
        (0x3e8421f5f40d8376, "1.5e-07"),
        (0x437b69b4ba630f35, "1.2345678901234568e+17"),
        (0x4341c37937e07fff, "9999999999999998.0"),
        (0x0000000000000001, "5e-324"),
        (0x0010000000000000, "2.2250738585072014e-308"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0x7ff0000000000000, "inf"),
        (0xfff0000000000000, "-inf"),
        (0x8000000000000000, "-0.0"),
        (0x0000000000000000, "0.0"),
        (0x3fe999999999999a, "0.8"),
        (0x3fd6666666666666, "0.35"),
        (0x3fe0000000000000, "0.5"),
        (0x40934a456d5cfaad, "1234.5678"),
        (0x54b249ad2594c37d, "1e+100"),
        (0x2b2bff2ee48e0530, "1e-100"),
        (0x4011666666666666, "4.35"),
        (0x4005666666666666, "2.675"),
        (0x3fd3333333333334, "0.30000000000000004"),
        (0x4340000000000000, "9007199254740992.0"),
        (0x8626ce236af1b87e, "-5.0253746585867905e-279"),
        (0x0468eb01665e15ec, "2.0455361484479585e-287"),
        (0x5b9d6cc56f94d926, "2.0885886512834387e+133"),
        (0x1f5d2430acdda83e, "1.3265762321157786e-157"),
        (0x094a953de88c11ed, "6.595343338657123e-264"),
        (0xee953436b10e916f, "-4.905392348120858e+224"),
        (0x1b727035889410d7, "1.820052114292899e-176"),
        (0x0ba8c17b5ba7f477, "1.6883030732599006e-252"),
        (0x67d15be6018411bb, "1.2374891868512202e+192"),
        (0x9e75cd87dbc854ab, "-6.05781064115654e-162"),
        (0x969139cb1468881f, "-5.626018472621879e-200"),
        (0x8df943394cd9c5b9, "-2.3678893972042365e-241"),
        (0x18320e881817c6e0, "3.9576984435954346e-192"),
        (0x7e2b26174b32302b, "5.68167291087771e+299"),
        (0x208afa4912595e4c, "6.43867874629576e-152"),
        (0xd034a47d4023425a, "-2.390242390459429e+78"),
        (0x2f98e2d54f30f89a, "2.098830783603605e-79"),
        (0x2b069cab8ded1e0e, "2.0191580126587232e-101"),
        (0x7025dd0ca959a93e, "1.697171982172447e+232"),
        (0xdf6230012ded533b, "-2.9767425294940994e+151"),
        (0x75c447d866e9340c, "1.9488933057338394e+259"),
        (0x3993155adff36a0d, "2.3522128611003283e-31"),
        (0x06d6565e52400bcb, "1.008082671053983e-275"),
        (0x0754c3f035611024, "2.399075486945495e-273"),
        (0xa2f71f4460c35832, "-3.03382133753881e-140"),
        (0x607f599801a9e525, "6.7253512415068324e+156"),
        (0x331539953f15e15a, "1.2898738855096455e-62"),
        (0x16381243096fe66b, "1.2284093065146317e-201"),
        (0x4e2c3d745f387ecb, "3.8067521455895154e+68"),
        (0x56e48922e2187d88, "3.858315117437207e+110"),
        (0x0cb71e75c1398836, "2.0665804796417046e-247"),
        (0x4ba3ca53be4638b3, "2.4262886634982847e+56"),
        (0x5d8ef966fcc941ac, "4.7213745342989596e+142"),
        (0xb5e567767663c852, "-4.5766608288709415e-49"),
        (0xd72e02764d979b7c, "-9.021294716401734e+111"),
        (0xed856bb7b1bcefb6, "-3.78078489336937e+219"),
        (0x1317147c17e68c75, "1.0461146485261398e-216"),
        (0x967b558a0cf0339e, "-2.231866815411442e-200"),
        (0xbb2b0725fb6c2a0a, "-1.1178487080274628e-23"),
        (0x5770e608fafd2204, "1.6255804159118155e+113"),
        (0xcc62501d5356bf38, "-9.19617874865632e+59"),
        (0x6cdfca283aa88480, "2.7397000045530874e+216"),
        (0x300dc523b0604d6c, "3.2137424085425835e-77"),
        (0xa86a91a05253dd58, "-5.3944161992012145e-114"),
        (0xe817bffddc63f274, "-2.7089453937531262e+193"),
        (0xc931f422285dd811, "-4.003796893992312e+44"),
        (0xf8d49b3e94ff9784, "-1.1147531196674516e+274"),
        (0x8926f587cad98e1e, "-1.4240614881509504e-264"),
        (0x3df597852c1cc631, "3.1420314623754813e-10"),
        (0x4955d450749b8ea7, "1.9472433254967072e+45"),
        (0x58aad2b3a725b9dd, "1.3528091282972916e+119"),
        (0x378a7e47b7384ae7, "3.8015994976204745e-41"),
        (0x51ddee9456142edc, "2.32591479832852e+86"),
        (0xd0eb7807607e8cc7, "-6.514026465579849e+81"),
        (0x206a4fedbed5f277, "1.5699641042108167e-152"),
        (0xf8b84d432715e4fa, "-3.2866588578529817e+273"),
        (0x26bf8fd77f726a7e, "4.7744644139341214e-122"),
        (0x8f29d8b2e2f3a44f, "-1.2701493852335667e-235"),
        (0x2159f250d14d54a8, "5.072962937629142e-148"),
        (0x9c3fb2eaf1538f55, "-1.281641773595809e-172"),
        (0x51bad998e5e7fe90, "5.216063894914355e+85"),
        (0x399c66a36d555999, "3.5006850461054467e-31"),
        (0xf5967da9b30de15f, "-2.701609439328225e+258"),
        (0x2d5928e8ff6dc2be, "3.087795890217414e-90"),
        (0x2c1bd0f2f5d41f11, "3.255661997438898e-96"),
        (0x6de629889e5e6698, "2.5034591046000765e+221"),
        (0x6f2edd9d46b977a3, "3.6559698739454345e+227"),
        (0x4fe879e8d1d9fb6a, "8.856722978859264e+76"),
        (0x9cf43355e21397f2, "-3.345377972204709e-169"),
        (0xf39b3b05ed4ebb16, "-7.615755549296916e+248"),
        (0x126761b2bcd6bf9e, "5.174733976178225e-220"),
        (0x623638bd5860df37, "1.2796574597030162e+165"),
        (0x332adf63b6c69008, "3.2661854559845388e-62"),
        (0x44689540a80487f1, "3.6278131073328323e+21"),
        (0xfdbe766b6fb81b58, "-4.9806081071803245e+297"),
        (0x24f9092a83aee1b5, "1.4108584713697241e-130"),
        (0xae6e0ea21a97b5a1, "-4.83503022715872e-85"),
        (0xe666c70df50f85c8, "-1.935684121290763e+185"),
        (0x3e6e57d3840f5394, "5.651837443164321e-08"),
        (0x62887c4cadce509d, "4.5120862737046515e+166"),
        (0x580ddf0c116ae639, "1.4712353458241403e+116"),
        (0x5222ba3099e157c2, "4.656761740592451e+87"),
        (0x6f5102a46f6b908c, "1.6118671882804685e+228"),
        (0xee779d7e1dc9bd02, "-1.365804448668713e+224"),
        (0xd4a2a4010b107f0f, "-5.0964694198662495e+99"),
        (0x0a8c8ff4e5974d4c, "7.430659588867824e-258"),
        (0xcea08c50636191f1, "-5.710539997420523e+70"),
        (0xd7355dd9d20f259b, "-1.284617766965143e+112"),
        (0xf25b8017091bc53d, "-7.334909627132114e+242"),
        (0xf7dd45b3c6eb7999, "-2.416309764868623e+269"),
        (0x7322fa915de785a1, "4.146816060717973e+246"),
        (0x4449f397c79e93ec, "9.574426387986781e+20"),
        (0xc17d0a6092176e60, "-30451209.130720496"),
        (0xfb5f3b2e74f6eca4, "-1.8576515680570728e+286"),
        (0x78fb195be52b1d57, "5.863950083267559e+274"),
        (0x9501ea0466fb0728, "-1.743687722976502e-207"),
        (0x1063decfa3c0eab2, "1.0239033440371019e-229"),
        (0x795c94c5d4999cfc, "3.9581809077628084e+276"),
        (0x25f6fdf74bb185ae, "8.49140597052864e-126"),
        (0xd0578f819516d4d8, "-1.0912510968211102e+79"),
        (0x9b2d85f2b56a519b, "-9.107024609520959e-178"),
        (0xe9d6011a0637b0e4, "-6.737282152474796e+201"),
        (0xa710eb69f41b20e3, "-1.6380662476046187e-120"),
        (0x01f3ba6db153ca84, "2.9458632280100134e-299"),
        (0x12aa27888449f9ba, "9.261436810430333e-219"),
        (0xe96ed97fc55000cc, "-7.3793271177227724e+199"),
        (0xcd1c2f65e875f6ab, "-2.8986744191315e+63"),
        (0xc0ee1648b7685a7a, "-61618.27238862678"),
        (0x392402cb56f19613, "1.9269810414956257e-33"),
        (0x0d70bebbdada387c, "6.130982431541159e-244"),
        (0x0bd769d68463c8a8, "1.27740515950322e-251"),
        (0x116c815940ef804d, "9.626277531547939e-225"),
        (0xf76419dca71a9d55, "-1.2962964596048677e+267"),
        (0x8323fbdca9904152, "-1.5644910704166373e-293"),
        (0x8605053fa8b06f08, "-1.1580228603052457e-279"),
        (0x6445c467f2b0b91f, "1.0767386130886895e+175"),
        (0x89dc63c7ada4e274, "-3.606330950427855e-261"),
        (0x681c658fb66e5384, "3.238959189517964e+193"),
        (0x5ac7946e09fe92af, "2.0430940036697286e+129"),
        (0x3c92eb4386007f02, "6.563846367825914e-17"),
        (0xc1140851980eb2a2, "-328212.3984935676"),
        (0xc0e99e5a9998aeb0, "-52466.83124956244"),
        (0xc11ed0623d103872, "-504856.55963218876"),
        (0x411da7ca9c89f8e0, "485874.65287007205"),
        (0xc124c4d36f87a5fc, "-680553.71783179"),
        (0x40cd215f5836dcc0, "14914.744879586971"),
        (0x4124ca919dc17304, "681288.8081165259"),
        (0x4123ad8efc7d876a, "644807.49314521"),
        (0x410e1f7559e92708, "246766.6689017343"),
        (0xc1222160bf6a8575, "-594096.3738595681"),
        (0x40f8f8df1989cb30, "102285.94373492594"),
        (0xc106842bdc6f8ff0, "-184453.48263466312"),
        (0xc0e4d67d29523490, "-42675.911294081365"),
        (0xc12d00a4a69520ac, "-950354.3253565035"),
        (0xc0fc6ac75e71b548, "-116396.46055765927"),
        (0xc111d8e3395d031c, "-292408.8060188757"),
        (0xc11bb225b0c18cae, "-453769.42261333286"),
        (0xc121c5f5c04a0e2d, "-582394.8755649977"),
        (0x4121fdc245a0ea1e, "589537.1359933054"),
        (0xc129d0b02b1b07fb, "-845912.0841906065"),
        (0x40d651ed4f5d1ee0, "22855.707968979026"),
        (0xc12daac5fb0d758e, "-972130.9903370605"),
        (0x41218008814f096e, "573444.2525561282"),
        (0xc11c36a85eac182a, "-462250.092453363"),
        (0xc12beee63e02a74b, "-915315.1211139945"),
        (0x412afb55936f81a0, "884138.7879601009"),
        (0xc0d6f411e11574a0, "-23504.279363025562"),
        (0x41134b1b1b9d3f94, "316102.77696704236"),
        (0xc125431b9c0125e4, "-696717.8046962586"),
        (0xc1145908968bff1c, "-333378.14701841935"),
        (0xc0cad93f5b8a3a80, "-13746.494981077733"),
        (0xc11f40cac1f6d355, "-512050.6894181271"),
        (0xc12a114a42e166b4, "-854181.1306259246"),
        (0x4111ccd055f40fd0, "291636.08393883426"),
        (0xc0eb89f3cb03dbb0, "-56399.61853211315"),
        (0x41204cf94239dbe0, "534140.6293476783"),
        (0x40e511dda70ee970, "43150.92664285272"),
        (0x41233e2c6bcd008e, "630550.2105484174"),
        (0xc12b88c12213ea54, "-902240.566558192"),
        (0xc11ddcbef7406e19, "-489263.7414567187"),
        (0x412b5dea9c547e8a, "896757.3053321403"),
        (0x3f13b33bd46a8272, "7.51500384503863e-05"),
        (0x3fefcadf2ae63ed4, "0.9935146177176315"),
        (0x418444a1ce3681a2, "42505273.77661444"),
        (0x40b5bd90083514a9, "5565.562625234169"),
        (0x42298bcd87c66014, "54859842531.18765"),
        (0xc250f0fd00de842f, "-291050357626.06537"),
        (0x4373afb1bfef89d3, "8.865924034754078e+16"),
        (0xc2c3b68e8abc0d70, "-43349592864794.875"),
        (0x42333d0c76a4a96f, "82628605604.66185"),
        (0xc197bba3d046d10c, "-99543284.06915683"),
        (0x41ff8d711ea1debd, "8469811690.116879"),
        (0x3fe400b103f68320, "0.6250844075585498"),
        (0xc0b6936511fb5851, "-5779.394805630743"),
        (0x43d454c0b3ff29b6, "5.860030632459426e+18"),
        (0x411beaacf26ee5a2, "457387.2367511635"),
        (0xc04af7838b6228a8, "-53.93370191853438"),
        (0xc24764ac9a0fd786, "-200946562079.68378"),
        (0x428c0d6fffd573a1, "3855504898734.4536"),
        (0x4195ffbe3dc890bf, "92270479.44586466"),
        (0x41369fd6ce4c6698, "1482710.805853283"),
        (0xc1aaa826a8993890, "-223613780.29925966"),
        (0x41e2421ee0a06af9, "2450585349.013058"),
        (0xc0f1a447340cf631, "-72260.45020767373"),
        (0x40ded8eaf6ba52ed, "31587.671309071524"),
        (0x3f458e80eeadcd35, "0.0006578568985403989"),
        (0x4257414f6521b0ba, "399519880326.76135"),
        (0xbf9cb03df3c73d2b, "-0.028016059879346116"),
        (0xc3305f702ce7b2f0, "-4608535021728496.0"),
        (0xc245ed6fc0653772, "-188355674314.43317"),
        (0x41f5f6c061ad46fd, "5895882266.829831"),
        (0xc2914a30856e809a, "-4752584825760.15"),
        (0xbe939378253b0186, "-2.917059067457579e-07"),
        (0xc2fef39b1c693a30, "-544506051466147.0"),
        (0x42a19f31de2c3c2b, "9687717058078.084"),
        (0xbfeaed5614913ccd, "-0.8414717103677504"),
        (0x43016146b6578f15, "611503867359714.6"),
        (0xc2f547ecc8e60181, "-374378551205912.06"),
        (0xc1ca6610844a7cb7, "-885793032.581931"),
        (0x3ea8f550ba76f291, "7.438142021680938e-07"),
    ];
    /// `ast.literal_eval(src)`: Accepted(repr of the value), Rejected (Python raises), or
    /// Unsupported (Python accepts a type Rampart deliberately refuses).
    const LITERAL_EVAL: &[(&str, Eval)] = &[
        ("{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': ['22b33b22', '42043f6b'], 'enabled_at': '2026-11-24T04:12:29.661908'}", Accepted("{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': ['22b33b22', '42043f6b'], 'enabled_at': '2026-11-24T04:12:29.661908'}")),
        ("{\"secret_key\": \"ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF\", \"backup_codes\": [], \"created_at\": \"x\"}", Accepted("{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': [], 'created_at': 'x'}")),
        ("0", Accepted("0")),
        ("00", Accepted("0")),
        ("0_0", Accepted("0")),
        ("01", Rejected), // SyntaxError
        ("1__0", Rejected), // SyntaxError
        ("1_", Rejected), // SyntaxError
        ("1_000", Accepted("1000")),
        ("-1", Accepted("-1")),
        ("+1", Accepted("1")),
        ("- 1", Accepted("-1")),
        ("-(1)", Accepted("-1")),
        ("--1", Rejected), // ValueError
        ("-True", Rejected), // ValueError
        ("-(1,)", Rejected), // ValueError
        ("-(-1)", Rejected), // ValueError
        ("0x1F", Accepted("31")),
        ("0X_1f", Accepted("31")),
        ("0o17", Accepted("15")),
        ("0b101", Accepted("5")),
        ("0b2", Rejected), // SyntaxError
        ("9223372036854775807", Accepted("9223372036854775807")),
        ("-9223372036854775808", Accepted("-9223372036854775808")),
        ("9223372036854775808", Unsupported), // Python gives an int beyond i64
        ("-9223372036854775809", Unsupported), // Python gives an int beyond i64
        ("1.5", Accepted("1.5")),
        ("-1.5e-3", Accepted("-0.0015")),
        ("1e5", Accepted("100000.0")),
        ("1E5", Accepted("100000.0")),
        (".5", Accepted("0.5")),
        ("5.", Accepted("5.0")),
        ("01.5", Accepted("1.5")),
        ("01e5", Accepted("100000.0")),
        ("1_000.5", Accepted("1000.5")),
        ("1e400", Accepted("inf")),
        ("-1e400", Accepted("-inf")),
        ("-0.0", Accepted("-0.0")),
        ("0.0", Accepted("0.0")),
        ("0.1e1_0", Accepted("1000000000.0")),
        ("1e1_0", Accepted("10000000000.0")),
        ("1.e5", Accepted("100000.0")),
        ("1e", Rejected), // SyntaxError
        ("1e+", Rejected), // SyntaxError
        ("1.2.3", Rejected), // SyntaxError
        ("1j", Unsupported), // Python gives complex
        ("1+2j", Unsupported), // Python gives complex
        ("1abc", Rejected), // SyntaxError
        ("0x", Rejected), // SyntaxError
        ("1 2", Rejected), // SyntaxError
        ("None", Accepted("None")),
        ("True", Accepted("True")),
        ("False", Accepted("False")),
        ("true", Rejected), // ValueError
        ("false", Rejected), // ValueError
        ("null", Rejected), // ValueError
        ("none", Rejected), // ValueError
        ("Ellipsis", Rejected), // ValueError
        ("...", Unsupported), // Python gives ellipsis
        ("inf", Rejected), // ValueError
        ("nan", Rejected), // ValueError
        ("x", Rejected), // ValueError
        ("'a'", Accepted("'a'")),
        ("\"a\"", Accepted("'a'")),
        ("'a' 'b'", Accepted("'ab'")),
        ("'a'\n'b'", Rejected), // SyntaxError
        ("('a'\n 'b')", Accepted("'ab'")),
        ("'a' b'c'", Rejected), // SyntaxError
        ("u'x'", Accepted("'x'")),
        ("U'x'", Accepted("'x'")),
        ("r'\\d'", Accepted("'\\\\d'")),
        ("R'x'", Accepted("'x'")),
        ("rb'x'", Accepted("b'x'")),
        ("Br'x'", Accepted("b'x'")),
        ("bR'\\x41'", Accepted("b'\\\\x41'")),
        ("ur'x'", Rejected), // SyntaxError
        ("f'x'", Rejected), // ValueError
        ("'\\N{BULLET}'", Unsupported), // Python gives a \N{...} escape (Rampart has no Unicode name table)
        ("'\\777'", Accepted("'ǿ'")),
        ("'\\101\\60'", Accepted("'A0'")),
        ("'\\0'", Accepted("'\\x00'")),
        ("b'\\777'", Accepted("b'\\xff'")),
        ("b'\\u1234'", Accepted("b'\\\\u1234'")),
        ("'\\u1234'", Accepted("'ሴ'")),
        ("'\\d'", Accepted("'\\\\d'")),
        ("'\\ud800'", Unsupported), // Python gives a lone surrogate
        ("'''a\nb'''", Accepted("'a\\nb'")),
        ("\"\"\"x\"y\"\"\"", Accepted("'x\"y'")),
        ("'''a''' 'b'", Accepted("'ab'")),
        ("b'é'", Rejected), // SyntaxError
        ("'a\nb'", Rejected), // SyntaxError
        ("'\\x4'", Rejected), // SyntaxError
        ("'\\x41'", Accepted("'A'")),
        ("'\\xZZ'", Rejected), // SyntaxError
        ("'\\U00110000'", Rejected), // SyntaxError
        ("'\\U0001F600'", Accepted("'😀'")),
        ("'\\U0001f600'", Accepted("'😀'")),
        ("'\\uD55C\\uad6d'", Accepted("'한국'")),
        ("'a\\\nb'", Accepted("'ab'")),
        ("'\\a\\b\\f\\n\\r\\t\\v'", Accepted("'\\x07\\x08\\x0c\\n\\r\\t\\x0b'")),
        ("'\\''", Accepted("\"'\"")),
        ("\"\\\"\"", Accepted("'\"'")),
        ("'unterminated", Rejected), // SyntaxError
        ("'a\\'", Rejected), // SyntaxError
        ("r'a\\'b'", Accepted("\"a\\\\'b\"")),
        ("r'a\\\\'", Accepted("'a\\\\\\\\'")),
        ("'한국'", Accepted("'한국'")),
        ("b'\\xff\\x00'", Accepted("b'\\xff\\x00'")),
        ("'\\x80'", Accepted("'\\x80'")),
        ("'''\r\n'''", Accepted("'\\n'")),
        ("[]", Accepted("[]")),
        ("()", Accepted("()")),
        ("{}", Accepted("{}")),
        ("[1,]", Accepted("[1]")),
        ("(1,)", Accepted("(1,)")),
        ("(1)", Accepted("1")),
        ("((1))", Accepted("1")),
        ("(1,2,)", Accepted("(1, 2)")),
        ("1, 2", Accepted("(1, 2)")),
        ("1,", Accepted("(1,)")),
        ("[,]", Rejected), // SyntaxError
        ("(,)", Rejected), // SyntaxError
        ("[1 2]", Rejected), // SyntaxError
        ("{'a' 1}", Rejected), // SyntaxError
        ("{'a':1,}", Accepted("{'a': 1}")),
        ("{'a':1,'b':2,'a':3}", Accepted("{'a': 3, 'b': 2}")),
        ("{1: 'a', True: 'b', 1.0: 'c'}", Accepted("{1: 'c'}")),
        ("{(1,2): 3}", Accepted("{(1, 2): 3}")),
        ("{[1]: 2}", Rejected), // TypeError
        ("{(1,[2]): 3}", Rejected), // TypeError
        ("{1,2}", Unsupported), // Python gives set
        ("set()", Unsupported), // Python gives set
        ("[[]]", Accepted("[[]]")),
        ("[[1, [2, (3,)]]]", Accepted("[[1, [2, (3,)]]]")),
        (" 1 ", Accepted("1")),
        ("\n1", Accepted("1")),
        ("1\n", Accepted("1")),
        ("\t1", Accepted("1")),
        ("# c\n1", Accepted("1")),
        ("1 # c", Accepted("1")),
        ("[1,\\\n2]", Accepted("[1, 2]")),
        ("1\r\n", Accepted("1")),
        ("\u{c}1", Accepted("1")),
        ("{'a': }", Rejected), // SyntaxError
        ("[1, 2", Rejected), // SyntaxError
        ("[1, 2]]", Rejected), // SyntaxError
        ("", Rejected), // SyntaxError
        ("   ", Rejected), // SyntaxError
        ("[\n  1,\n  2,\n]", Accepted("[1, 2]")),
        ("{\n 'k' :\n 'v' }", Accepted("{'k': 'v'}")),
        ("b'a' b'b'", Accepted("b'ab'")),
        ("(1, 'a', None, True, 2.5, b'x', [], {})", Accepted("(1, 'a', None, True, 2.5, b'x', [], {})")),
        ("\n  1", Rejected), // IndentationError
        ("\n\t1", Rejected), // IndentationError
        ("  \n  1", Rejected), // IndentationError
        ("1,\n2", Rejected), // SyntaxError
        ("1 \\\n, 2", Accepted("(1, 2)")),
        ("# c\n  1", Rejected), // IndentationError
        ("\n1\n  ", Rejected), // IndentationError
        ("1\n\n", Accepted("1")),
        ("1\n  \n", Accepted("1")),
        ("1 \\\n", Rejected), // SyntaxError
        ("\\\n1", Accepted("1")),
        ("\r1", Accepted("1")),
        ("1\r", Accepted("1")),
        ("'a' \\\n'b'", Accepted("'ab'")),
        ("\u{c}\n1", Accepted("1")),
        ("  # c\n1", Accepted("1")),
        ("1;", Rejected), // SyntaxError
        ("1\u{0}", Rejected), // SyntaxError
        ("1\n  ", Rejected), // IndentationError
        ("1\n# c", Accepted("1")),
        ("1\n  # c", Accepted("1")),
        ("1\n\u{c}", Accepted("1")),
        ("1\n\t", Rejected), // IndentationError
        ("\u{c}  1", Rejected), // IndentationError
        ("  \u{c}1", Accepted("1")),
        ("\n \\\n1", Rejected), // IndentationError
        ("[1,\n2]", Accepted("[1, 2]")),
        ("(1,\n\n2)", Accepted("(1, 2)")),
        ("{'a':\n# comment\n1}", Accepted("{'a': 1}")),
        ("'a' # c", Accepted("'a'")),
        ("1 \\ 2", Rejected), // SyntaxError
    ];
    /// `str(d)` of seed-shaped dicts (CONTRACT.md §1.6, §2), hostile values included.
    const SEED_STR: &[&str] = &[
        "{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': ['22b33b22', '0a1b2c3d', '42043f6b'], 'enabled_at': '2026-11-24T04:12:29.661908'}",
        "{'secret_key': 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'backup_codes': [], 'created_at': '2026-11-24T04:12:29'}",
        "{'user_id': 'user_i2f72r9rgi-pH_u0VqmTAA', 'token_id': 'YYoi0r-_abcdefghijklmnopqrstuvwxyz0123456789', 'exp': '2026-12-01T04:12:27.371448', 'created_at': '2026-11-24T04:12:27.371462'}",
        "{'secret_key': '김민준\\'s \"비밀\" \\\\ 😀\\x00\\n', 'backup_codes': [\"it's\", 'say \"hi\"', '\\t', '\\u200b', '한'], 'enabled_at': '2026-11-24T04:12:29.661908'}",
    ];

    fn parse_default(s: &str) -> Result<PyValue, FormatError> {
        parse(s, Limits::default())
    }

    #[test]
    fn str_repr_matches_python() {
        for &(s, want) in STR_REPR {
            let v = PyValue::str(s);
            assert_eq!(to_repr(&v), want, "repr({s:?}) must equal Python's");
            assert_eq!(
                parse_default(want),
                Ok(v),
                "literal_eval(repr({s:?})) must give it back"
            );
        }
    }

    #[test]
    fn bytes_repr_matches_python() {
        for &(b, want) in BYTES_REPR {
            let v = PyValue::Bytes(b.to_vec());
            assert_eq!(to_repr(&v), want, "repr({b:?}) must equal Python's");
            assert_eq!(
                parse_default(want),
                Ok(v),
                "literal_eval(repr({b:?})) must give it back"
            );
        }
    }

    #[test]
    fn float_repr_matches_python() {
        for &(bits, want) in FLOAT_REPR {
            let x = f64::from_bits(bits);
            assert_eq!(
                to_repr(&PyValue::Float(x)),
                want,
                "repr of bits {bits:#018x}"
            );
            if x.is_finite() {
                let back = parse_default(want);
                let Ok(PyValue::Float(y)) = back else {
                    panic!("{want} must parse back as a float, got {back:?}");
                };
                assert_eq!(
                    y.to_bits(),
                    bits,
                    "{want} must round-trip to the same double"
                );
            }
        }
        assert_eq!(float_repr(f64::NAN), "nan", "Python writes nan");
    }

    #[test]
    fn parse_agrees_with_python_literal_eval() {
        for &(src, want) in LITERAL_EVAL {
            let got = parse_default(src);
            match want {
                Accepted(repr) => {
                    let v = got.unwrap_or_else(|e| panic!("{src:?}: Python accepts it; we: {e}"));
                    assert_eq!(to_repr(&v), repr, "{src:?}: value differs from Python's");
                }
                Rejected => assert!(got.is_err(), "{src:?}: Python rejects it, we gave {got:?}"),
                Unsupported => {
                    assert!(
                        got.is_err(),
                        "{src:?}: outside PyValue, must be refused: {got:?}"
                    )
                }
            }
        }
    }

    #[test]
    fn seed_records_round_trip_byte_for_byte() {
        for &s in SEED_STR {
            let v = parse_default(s).unwrap_or_else(|e| panic!("seed record must parse: {e}"));
            assert_eq!(
                to_repr(&v),
                s,
                "str() of a parsed seed record must be unchanged"
            );
            assert_eq!(
                parse_default(&to_repr(&v)),
                Ok(v),
                "parse(to_repr(v)) must be v"
            );
        }
    }

    #[test]
    fn constructed_records_equal_python_str() {
        let mfa = PyValue::dict(vec![
            (
                "secret_key",
                PyValue::str("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF"),
            ),
            (
                "backup_codes",
                PyValue::List(
                    ["22b33b22", "0a1b2c3d", "42043f6b"]
                        .map(PyValue::str)
                        .to_vec(),
                ),
            ),
            ("enabled_at", PyValue::str("2026-11-24T04:12:29.661908")),
        ]);
        assert_eq!(
            to_repr(&mfa),
            SEED_STR[0],
            "mfa:* as the seed writes it (CONTRACT.md §2)"
        );
        let hostile = PyValue::dict(vec![
            ("secret_key", PyValue::str("김민준's \"비밀\" \\ 😀\0\n")),
            (
                "backup_codes",
                PyValue::List(
                    ["it's", "say \"hi\"", "\t", "\u{200b}", "한"]
                        .map(PyValue::str)
                        .to_vec(),
                ),
            ),
            ("enabled_at", PyValue::str("2026-11-24T04:12:29.661908")),
        ]);
        assert_eq!(
            to_repr(&hostile),
            SEED_STR[3],
            "quotes, escapes and Hangul as Python writes"
        );
    }

    #[test]
    fn helpers_read_seed_records() {
        let v = parse_default(SEED_STR[0]).expect("seed record");
        assert_eq!(
            v.dict_get("secret_key").and_then(PyValue::as_str),
            Some("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF"),
            "dict_get finds a string key"
        );
        assert_eq!(
            v.dict_get("backup_codes").and_then(PyValue::str_list),
            Some(vec![
                "22b33b22".to_owned(),
                "0a1b2c3d".to_owned(),
                "42043f6b".to_owned()
            ]),
            "str_list reads the backup codes in order"
        );
        assert_eq!(v.dict_get("missing"), None, "an absent key is None");
        assert_eq!(
            PyValue::Int(1).dict_get("a"),
            None,
            "dict_get on a non-dict is None"
        );
        let mixed = PyValue::List(vec![PyValue::str("a"), PyValue::Int(1)]);
        assert_eq!(
            mixed.str_list(),
            None,
            "str_list requires every item to be a str"
        );
        assert_eq!(PyValue::Int(1).as_str(), None, "as_str on an int is None");
    }

    #[test]
    fn depth_limit_counts_every_bracket() {
        let limits = Limits {
            max_depth: 3,
            max_bytes: 1024,
        };
        assert!(
            parse("[[[1]]]", limits).is_ok(),
            "depth 3 is within a limit of 3"
        );
        assert_eq!(
            parse("[[[[1]]]]", limits),
            Err(FormatError::TooDeep(3)),
            "depth 4 is too deep"
        );
        assert_eq!(
            parse("{'a': ({'b': 1},)}", limits),
            Ok(parse_default("{'a': ({'b': 1},)}").unwrap()),
            "dict, tuple, dict is depth 3"
        );
        assert_eq!(
            parse("((((1))))", limits),
            Err(FormatError::TooDeep(3)),
            "parentheses count too"
        );
        let bomb = "[".repeat(100_000);
        assert_eq!(
            parse(
                &bomb,
                Limits {
                    max_depth: 16,
                    max_bytes: 1 << 20
                }
            ),
            Err(FormatError::TooDeep(16)),
            "a nesting bomb stops at the limit instead of exhausting the stack (CONTRACT.md §7.15)"
        );
    }

    #[test]
    fn size_limit_is_checked_first() {
        let limits = Limits {
            max_depth: 16,
            max_bytes: 8,
        };
        assert!(
            parse("'abcdef'", limits).is_ok(),
            "8 bytes is within a limit of 8"
        );
        assert_eq!(
            parse("'abcdefg'", limits),
            Err(FormatError::TooLarge { size: 9, limit: 8 }),
            "9 bytes exceeds the limit"
        );
        assert_eq!(
            parse("'한국어'", limits),
            Err(FormatError::TooLarge { size: 11, limit: 8 }),
            "the limit counts UTF-8 bytes, not characters"
        );
    }

    #[test]
    fn large_dicts_keep_order_and_last_values() {
        // 4 000 distinct keys plus a repeat of each: near the 64 KiB default, parsed with a hash
        // lookup per key rather than a quadratic scan.
        let mut text = String::from("{");
        for round in 0..2 {
            for i in 0..4_000 {
                text.push_str(&format!("'k{i}': {round}, "));
            }
        }
        text.push('}');
        let limits = Limits {
            max_depth: 16,
            max_bytes: 1 << 20,
        };
        let PyValue::Dict(entries) = parse(&text, limits).expect("valid dict") else {
            panic!("a dict literal parses as a dict");
        };
        assert_eq!(entries.len(), 4_000, "repeated keys collapse as in Python");
        assert_eq!(
            entries[0],
            (PyValue::str("k0"), PyValue::Int(1)),
            "first position, last value"
        );
        assert_eq!(
            entries[3_999].0,
            PyValue::str("k3999"),
            "insertion order is kept"
        );
    }

    #[test]
    fn errors_never_echo_the_input() {
        let secret = "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF";
        for bad in [
            format!("{{'secret_key': '{secret}', oops}}"),
            format!("{{'secret_key': '{secret}"),
            secret.to_owned(),
            format!("['{secret}' b'x']"),
        ] {
            let err = parse_default(&bad).expect_err("malformed on purpose");
            assert!(
                !err.to_string().contains("ATKH"),
                "error must not quote the record: {err}"
            );
        }
    }

    #[test]
    fn json_literals_fail_like_literal_eval() {
        // CONTRACT.md conventions: double-quoted JSON passes literal_eval unless it has
        // true/false/null, which are unknown names to Python.
        assert!(
            parse_default(r#"{"a": ["b"], "c": 1}"#).is_ok(),
            "JSON without keywords parses"
        );
        for json in [r#"{"a": true}"#, r#"{"a": false}"#, r#"{"a": null}"#] {
            assert!(parse_default(json).is_err(), "{json}: not a Python literal");
        }
    }

    /// A random value of the literal subset; floats exclude NaN (NaN != NaN).
    fn random_value(rng: &mut impl Rng, depth: usize) -> PyValue {
        const POOL: &[char] = &[
            'a',
            'Z',
            '0',
            ' ',
            '\'',
            '"',
            '\\',
            '\n',
            '\r',
            '\t',
            '\0',
            '\u{7f}',
            '\u{80}',
            '\u{a0}',
            '\u{ad}',
            'é',
            '한',
            '국',
            '😀',
            '\u{200b}',
            '\u{2028}',
            '\u{feff}',
            '\u{e000}',
            '\u{10ffff}',
            '\u{378}',
            '#',
            '{',
            ']',
            ',',
            ':',
        ];
        let leaf = depth == 0 || rng.gen_bool(0.5);
        match rng.gen_range(0..if leaf { 6 } else { 9 }) {
            0 => PyValue::None,
            1 => PyValue::Bool(rng.gen()),
            2 => PyValue::Int(if rng.gen() {
                rng.gen()
            } else {
                rng.gen_range(-10..10)
            }),
            3 => PyValue::Float(loop {
                let x = f64::from_bits(rng.gen());
                if !x.is_nan() && x.is_finite() {
                    break x;
                }
            }),
            4 => {
                let n = rng.gen_range(0..12);
                PyValue::Str(
                    (0..n)
                        .map(|_| {
                            if rng.gen_bool(0.8) {
                                POOL[rng.gen_range(0..POOL.len())]
                            } else {
                                loop {
                                    if let Some(c) = char::from_u32(rng.gen_range(0..0x11_0000)) {
                                        break c;
                                    }
                                }
                            }
                        })
                        .collect(),
                )
            }
            5 => PyValue::Bytes((0..rng.gen_range(0..8)).map(|_| rng.gen()).collect()),
            6 => PyValue::List(
                (0..rng.gen_range(0..4))
                    .map(|_| random_value(rng, depth - 1))
                    .collect(),
            ),
            7 => PyValue::Tuple(
                (0..rng.gen_range(0..4))
                    .map(|_| random_value(rng, depth - 1))
                    .collect(),
            ),
            _ => {
                let mut entries: Vec<(PyValue, PyValue)> = Vec::new();
                for _ in 0..rng.gen_range(0..4) {
                    let key = PyValue::Str(format!("k{}", rng.gen_range(0..1000)));
                    if !entries.iter().any(|(k, _)| k == &key) {
                        entries.push((key, random_value(rng, depth - 1)));
                    }
                }
                PyValue::Dict(entries)
            }
        }
    }

    #[test]
    fn random_values_round_trip() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5eed);
        for _ in 0..3_000 {
            let v = random_value(&mut rng, 4);
            let text = to_repr(&v);
            assert_eq!(
                parse_default(&text),
                Ok(v.clone()),
                "parse(to_repr(v)) must be v: {text}"
            );
        }
    }
}
