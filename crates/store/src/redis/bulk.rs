//! The lean path for the one hot loop: HGETALL over thousands of keys (decoding every `user:*`
//! hash). The `redis` crate parses every reply into a generic `Value` tree through a
//! parser-combinator; profiling showed that parse and its allocations, not Redis, bounding
//! SCAN→HGETALL at about 300k hashes/s. Here a pipeline goes out as raw RESP2 on a plain TCP
//! "lane" and HGETALL replies are read straight into [`HashFields`], about twice as fast.
//!
//! Scope, deliberately small: plain `redis://` only (TLS profiles use the `redis` crate path),
//! HGETALL only, RESP2 only. A lane authenticates and selects the DB like the main connection;
//! any I/O or protocol error drops the lane, which reconnects on next use.

use super::{Names, Slot};
use rampart_core::ports::{HashFields, RawHashes, StoreError, StoreResult};
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// Where and as whom a lane connects.
pub(crate) struct LaneConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub db: i64,
    pub timeout: Duration,
}

/// A few raw connections used only by [`Lanes::hgetall`], one pipeline at a time each: while
/// the client parses one lane's replies, Redis serves another's.
pub(crate) struct Lanes {
    config: LaneConfig,
    lanes: Vec<Mutex<Option<Lane>>>,
    next: AtomicUsize,
}

/// What one pipeline on a lane produced.
enum Done {
    Fields(Vec<Slot<HashFields>>),
    Raw(RawHashes, Vec<usize>),
}

struct Lane {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// Reads grow the buffer by at least this much, so a large reply is re-parsed only a few times.
const READ_CHUNK: usize = 256 * 1024;

impl Lanes {
    pub(crate) fn new(config: LaneConfig, count: usize) -> Self {
        Self {
            config,
            lanes: (0..count.max(1)).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// HGETALL each key (at most `MAX_BATCH`) in one pipeline; one slot per key, in order.
    pub(crate) async fn hgetall(
        &self,
        keys: &[String],
        names: &Names,
    ) -> StoreResult<Vec<Slot<HashFields>>> {
        match self.on_lane(names, keys, false).await? {
            Done::Fields(slots) => Ok(slots),
            Done::Raw(..) => Err(names.protocol("lane answered the wrong kind")),
        }
    }

    /// As [`Lanes::hgetall`], but the replies stay in the socket buffer: fields are spans of it
    /// ([`RawHashes`]). Also returns the slots that answered WRONGTYPE, for the caller to name.
    pub(crate) async fn hgetall_raw(
        &self,
        keys: &[String],
        names: &Names,
    ) -> StoreResult<(RawHashes, Vec<usize>)> {
        match self.on_lane(names, keys, true).await? {
            Done::Raw(raw, wrong) => Ok((raw, wrong)),
            Done::Fields(_) => Err(names.protocol("lane answered the wrong kind")),
        }
    }

    /// Run one pipeline on a free lane (or queue on the next in turn), connecting it first
    /// when needed; a failed lane is dropped, never reused.
    async fn on_lane(&self, names: &Names, keys: &[String], raw: bool) -> StoreResult<Done> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut guard = None;
        for i in 0..self.lanes.len() {
            if let Ok(g) = self.lanes[(start + i) % self.lanes.len()].try_lock() {
                guard = Some(g);
                break;
            }
        }
        let mut guard = match guard {
            Some(g) => g,
            None => self.lanes[start % self.lanes.len()].lock().await,
        };
        let timeout = self.config.timeout;
        let run = async {
            if guard.is_none() {
                *guard = Some(self.connect(names).await?);
            }
            let lane = guard
                .as_mut()
                .ok_or_else(|| names.protocol("lane vanished"))?;
            if raw {
                let (r, wrong) = lane.pipeline_raw(keys, names).await?;
                Ok(Done::Raw(r, wrong))
            } else {
                Ok(Done::Fields(lane.pipeline(keys, names).await?))
            }
        };
        let result = match tokio::time::timeout(timeout, run).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Unreachable {
                store: names.store.clone(),
                reason: format!("no answer within {} s", timeout.as_secs_f32()),
            }),
        };
        if result.is_err() {
            // The stream may hold half a reply: never reuse it.
            *guard = None;
        }
        result
    }

    async fn connect(&self, names: &Names) -> StoreResult<Lane> {
        let c = &self.config;
        let stream = TcpStream::connect((c.host.as_str(), c.port))
            .await
            .map_err(|e| io(names, e))?;
        stream.set_nodelay(true).map_err(|e| io(names, e))?;
        let mut lane = Lane {
            stream,
            buf: Vec::with_capacity(READ_CHUNK),
        };
        let mut hello: Vec<Vec<u8>> = Vec::new();
        match (&c.username, &c.password) {
            (Some(u), Some(p)) => hello.push(command(&[
                b"AUTH",
                u.as_bytes(),
                p.expose_secret().as_bytes(),
            ])),
            (Some(u), None) => hello.push(command(&[b"AUTH", u.as_bytes(), b""])),
            (None, Some(p)) => hello.push(command(&[b"AUTH", p.expose_secret().as_bytes()])),
            (None, None) => {}
        }
        if c.db != 0 {
            hello.push(command(&[b"SELECT", c.db.to_string().as_bytes()]));
        }
        for cmd in hello {
            lane.stream
                .write_all(&cmd)
                .await
                .map_err(|e| io(names, e))?;
            match lane.read_line(names).await? {
                Line::Simple => {}
                Line::Error(text) => return Err(server_error(names, &text)),
            }
        }
        Ok(lane)
    }
}

/// A RESP2 command (array of bulk strings).
fn command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + args.iter().map(|a| a.len() + 16).sum::<usize>());
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn io(names: &Names, e: std::io::Error) -> StoreError {
    let reason = match e.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            "connection refused (is the server running on that port?)".to_string()
        }
        _ => e.to_string(),
    };
    StoreError::Unreachable {
        store: names.store.clone(),
        reason,
    }
}

/// An error line from the server (`-CODE text`), as the main path maps it.
fn server_error(names: &Names, text: &str) -> StoreError {
    let code = text.split_whitespace().next().unwrap_or_default();
    let store = names.store.clone();
    match code {
        "WRONGPASS" | "NOAUTH" => StoreError::AuthFailed {
            store,
            reason: if code == "NOAUTH" {
                "the server requires a password".to_string()
            } else {
                "wrong username or password, or the user is disabled".to_string()
            },
        },
        "NOPERM" => StoreError::PermissionDenied {
            store,
            op: "HGETALL".to_string(),
        },
        _ => StoreError::Backend {
            store,
            reason: text.to_string(),
        },
    }
}

enum Line {
    /// `+OK` and the like.
    Simple,
    Error(String),
}

impl Lane {
    async fn fill(&mut self, names: &Names) -> StoreResult<()> {
        self.buf.reserve(READ_CHUNK);
        let n = self
            .stream
            .read_buf(&mut self.buf)
            .await
            .map_err(|e| io(names, e))?;
        if n == 0 {
            return Err(StoreError::Unreachable {
                store: names.store.clone(),
                reason: "the server closed the connection".to_string(),
            });
        }
        Ok(())
    }

    /// One `+...` or `-...` reply line (AUTH, SELECT).
    async fn read_line(&mut self, names: &Names) -> StoreResult<Line> {
        loop {
            if let Some(end) = find_crlf(&self.buf, 0) {
                let text = String::from_utf8_lossy(&self.buf[1..end]).into_owned();
                let first = self.buf.first().copied();
                self.buf.drain(..end + 2);
                return match first {
                    Some(b'+') => Ok(Line::Simple),
                    Some(b'-') => Ok(Line::Error(text)),
                    _ => Err(names.protocol("unexpected reply during connection setup")),
                };
            }
            self.fill(names).await?;
        }
    }

    async fn pipeline(
        &mut self,
        keys: &[String],
        names: &Names,
    ) -> StoreResult<Vec<Slot<HashFields>>> {
        let out = Self::send_hgetall(keys);
        self.stream
            .write_all(&out)
            .await
            .map_err(|e| io(names, e))?;

        let mut slots = Vec::with_capacity(keys.len());
        self.buf.clear();
        let mut pos = 0;
        while slots.len() < keys.len() {
            match parse_hash_reply(&self.buf, pos) {
                Ok(Some((slot, next))) => {
                    slots.push(match slot {
                        Reply::Hash(h) => Slot::Value(h),
                        Reply::Error(text) if text.starts_with("WRONGTYPE") => Slot::WrongType,
                        Reply::Error(text) => Slot::Failed(server_error(names, &text)),
                    });
                    pos = next;
                }
                Ok(None) => {
                    // Incomplete: keep the unparsed tail and read more.
                    self.buf.drain(..pos);
                    pos = 0;
                    self.fill(names).await?;
                }
                Err(what) => return Err(names.protocol(what)),
            }
        }
        if pos != self.buf.len() {
            return Err(names.protocol("more replies than commands"));
        }
        Ok(slots)
    }
}

impl Lane {
    fn send_hgetall(keys: &[String]) -> Vec<u8> {
        let mut out = Vec::with_capacity(keys.len() * 48);
        for k in keys {
            out.extend_from_slice(b"*2\r\n$7\r\nHGETALL\r\n$");
            out.extend_from_slice(k.len().to_string().as_bytes());
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(k.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    async fn pipeline_raw(
        &mut self,
        keys: &[String],
        names: &Names,
    ) -> StoreResult<(RawHashes, Vec<usize>)> {
        let out = Self::send_hgetall(keys);
        self.stream
            .write_all(&out)
            .await
            .map_err(|e| io(names, e))?;
        // The whole pipeline's replies accumulate in one buffer that becomes the result.
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let mut items: Vec<(u32, u32)> = Vec::with_capacity(keys.len() * 18);
        let mut slots: Vec<RawReply> = Vec::with_capacity(keys.len());
        let mut pos = 0;
        while slots.len() < keys.len() {
            let mark = items.len();
            match parse_hash_spans(&buf, pos, &mut items) {
                Ok(Some((reply, next))) => {
                    slots.push(reply);
                    pos = next;
                }
                Ok(None) => {
                    items.truncate(mark);
                    if buf.len() >= u32::MAX as usize - READ_CHUNK {
                        return Err(names.protocol("a pipeline reply over 4 GiB"));
                    }
                    buf.reserve(READ_CHUNK);
                    let n = self
                        .stream
                        .read_buf(&mut buf)
                        .await
                        .map_err(|e| io(names, e))?;
                    if n == 0 {
                        return Err(StoreError::Unreachable {
                            store: names.store.clone(),
                            reason: "the server closed the connection".to_string(),
                        });
                    }
                }
                Err(what) => return Err(names.protocol(what)),
            }
        }
        if pos != buf.len() {
            return Err(names.protocol("more replies than commands"));
        }
        self.buf = Vec::with_capacity(buf.capacity());
        let mut raw = RawHashes::from_parts(buf, items);
        let mut wrong = Vec::new();
        let mut first = 0;
        for (i, reply) in slots.into_iter().enumerate() {
            match reply {
                RawReply::Pairs(pairs) => {
                    raw.push_pairs(first, pairs);
                    first += 2 * pairs;
                }
                RawReply::Error(text) => {
                    if text.starts_with("WRONGTYPE") {
                        wrong.push(i);
                    }
                    raw.push_failed(server_error(names, &text));
                }
            }
        }
        Ok((raw, wrong))
    }
}

enum RawReply {
    Pairs(usize),
    Error(String),
}

/// One HGETALL reply at `pos` as spans pushed onto `items`: `Ok(None)` when incomplete (the
/// caller truncates `items` back and reads more).
fn parse_hash_spans(
    buf: &[u8],
    pos: usize,
    items: &mut Vec<(u32, u32)>,
) -> Result<Option<(RawReply, usize)>, &'static str> {
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    match kind {
        b'-' => {
            let Some(end) = find_crlf(buf, pos) else {
                return Ok(None);
            };
            let text = String::from_utf8_lossy(&buf[pos + 1..end]).into_owned();
            Ok(Some((RawReply::Error(text), end + 2)))
        }
        b'*' => {
            let Some((n, mut p)) = header(buf, pos)? else {
                return Ok(None);
            };
            if n < 0 {
                return Ok(Some((RawReply::Pairs(0), p)));
            }
            if n % 2 != 0 {
                return Err("an HGETALL reply with an odd number of items");
            }
            for _ in 0..n {
                let Some((start, len, next)) = bulk_span(buf, p)? else {
                    return Ok(None);
                };
                items.push((start as u32, len as u32));
                p = next;
            }
            Ok(Some((RawReply::Pairs((n / 2) as usize), p)))
        }
        _ => Err("an unexpected reply type to HGETALL"),
    }
}

fn bulk_span(buf: &[u8], pos: usize) -> Result<Option<(usize, usize, usize)>, &'static str> {
    match buf.get(pos) {
        None => return Ok(None),
        Some(b'$') => {}
        Some(_) => return Err("a hash item that is not a bulk string"),
    }
    let Some((len, start)) = header(buf, pos)? else {
        return Ok(None);
    };
    let len = usize::try_from(len).map_err(|_| "a nil hash item")?;
    let end = start.checked_add(len).ok_or("a bad bulk length")?;
    if buf.len() < end + 2 {
        return Ok(None);
    }
    if &buf[end..end + 2] != b"\r\n" {
        return Err("a bulk string without its CRLF");
    }
    Ok(Some((start, len, end + 2)))
}

enum Reply {
    Hash(HashFields),
    Error(String),
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < buf.len() {
        match buf[i..].iter().position(|&b| b == b'\r') {
            Some(off) if i + off + 1 < buf.len() => {
                if buf[i + off + 1] == b'\n' {
                    return Some(i + off);
                }
                i += off + 1;
            }
            _ => return None,
        }
    }
    None
}

/// The integer of a `*N` / `$N` header at `pos`: (N, index after the CRLF); `None` when the
/// line is not complete yet.
fn header(buf: &[u8], pos: usize) -> Result<Option<(i64, usize)>, &'static str> {
    // Parsed in one pass by hand: this runs twice per hash field on the hot path.
    let mut p = pos + 1;
    let neg = buf.get(p) == Some(&b'-');
    if neg {
        p += 1;
    }
    let first = p;
    let mut n: i64 = 0;
    loop {
        let Some(&d) = buf.get(p) else {
            return Ok(None);
        };
        match d {
            b'0'..=b'9' => {
                if p - first >= 18 {
                    return Err("a bad length header");
                }
                n = n * 10 + i64::from(d - b'0');
                p += 1;
            }
            b'\r' => break,
            _ => return Err("a bad length header"),
        }
    }
    if p == first {
        return Err("a bad length header");
    }
    match buf.get(p + 1) {
        None => Ok(None),
        Some(b'\n') => Ok(Some((if neg { -n } else { n }, p + 2))),
        Some(_) => Err("a bad length header"),
    }
}

/// One HGETALL reply at `pos`: a flat array of bulk strings (field, value, ...) or an error
/// line. `Ok(None)` when the buffer does not hold all of it yet.
fn parse_hash_reply(buf: &[u8], pos: usize) -> Result<Option<(Reply, usize)>, &'static str> {
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    match kind {
        b'-' => {
            let Some(end) = find_crlf(buf, pos) else {
                return Ok(None);
            };
            let text = String::from_utf8_lossy(&buf[pos + 1..end]).into_owned();
            Ok(Some((Reply::Error(text), end + 2)))
        }
        b'*' => {
            let Some((n, mut p)) = header(buf, pos)? else {
                return Ok(None);
            };
            if n < 0 {
                return Ok(Some((Reply::Hash(Vec::new()), p)));
            }
            if n % 2 != 0 {
                return Err("an HGETALL reply with an odd number of items");
            }
            let mut fields = Vec::with_capacity((n / 2) as usize);
            for _ in 0..n / 2 {
                let Some((f, p1)) = bulk(buf, p)? else {
                    return Ok(None);
                };
                let Some((v, p2)) = bulk(buf, p1)? else {
                    return Ok(None);
                };
                fields.push((f, v));
                p = p2;
            }
            Ok(Some((Reply::Hash(fields), p)))
        }
        _ => Err("an unexpected reply type to HGETALL"),
    }
}

fn bulk(buf: &[u8], pos: usize) -> Result<Option<(Vec<u8>, usize)>, &'static str> {
    match buf.get(pos) {
        None => return Ok(None),
        Some(b'$') => {}
        Some(_) => return Err("a hash item that is not a bulk string"),
    }
    let Some((len, start)) = header(buf, pos)? else {
        return Ok(None);
    };
    let len = usize::try_from(len).map_err(|_| "a nil hash item")?;
    let end = start.checked_add(len).ok_or("a bad bulk length")?;
    if buf.len() < end + 2 {
        return Ok(None);
    }
    if &buf[end..end + 2] != b"\r\n" {
        return Err("a bulk string without its CRLF");
    }
    Ok(Some((buf[start..end].to_vec(), end + 2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(buf: &[u8]) -> Vec<Result<HashFields, String>> {
        let mut pos = 0;
        let mut out = Vec::new();
        while pos < buf.len() {
            match parse_hash_reply(buf, pos).unwrap() {
                Some((Reply::Hash(h), next)) => {
                    out.push(Ok(h));
                    pos = next;
                }
                Some((Reply::Error(e), next)) => {
                    out.push(Err(e));
                    pos = next;
                }
                None => panic!("incomplete at {pos}"),
            }
        }
        out
    }

    #[test]
    fn parses_hashes_errors_and_binary() {
        let buf = b"*4\r\n$5\r\nemail\r\n$4\r\na\r\nb\r\n$1\r\nx\r\n$0\r\n\r\n*0\r\n-WRONGTYPE Operation\r\n";
        let got = parse_all(buf);
        assert_eq!(
            got,
            vec![
                Ok(vec![
                    (b"email".to_vec(), b"a\r\nb".to_vec()),
                    (b"x".to_vec(), vec![])
                ]),
                Ok(vec![]),
                Err("WRONGTYPE Operation".to_string()),
            ],
            "a CRLF inside a value is data, not a delimiter"
        );
    }

    #[test]
    fn every_truncation_asks_for_more_and_never_misparses() {
        let full = b"*2\r\n$5\r\nemail\r\n$12\r\nuser@example\r\n";
        for cut in 0..full.len() {
            assert!(
                matches!(parse_hash_reply(&full[..cut], 0), Ok(None)),
                "a reply cut at {cut} bytes must wait for more data"
            );
        }
        assert!(matches!(parse_hash_reply(full, 0), Ok(Some(_))));
    }

    #[test]
    fn spans_point_at_the_same_bytes_the_owned_parser_copies() {
        let buf = b"*4\r\n$5\r\nemail\r\n$4\r\na\r\nb\r\n$1\r\nx\r\n$0\r\n\r\n*0\r\n-WRONGTYPE Operation\r\n";
        let mut items = Vec::new();
        let (r, next) = parse_hash_spans(buf, 0, &mut items).unwrap().unwrap();
        assert!(matches!(r, RawReply::Pairs(2)));
        let texts: Vec<&[u8]> = items
            .iter()
            .map(|&(s, l)| &buf[s as usize..(s + l) as usize])
            .collect();
        assert_eq!(texts, vec![&b"email"[..], b"a\r\nb", b"x", b""]);
        let (r, next) = parse_hash_spans(buf, next, &mut items).unwrap().unwrap();
        assert!(matches!(r, RawReply::Pairs(0)));
        let (r, _) = parse_hash_spans(buf, next, &mut items).unwrap().unwrap();
        assert!(matches!(r, RawReply::Error(e) if e.starts_with("WRONGTYPE")));
        let full = b"*2\r\n$5\r\nemail\r\n$12\r\nuser@example\r\n";
        for cut in 0..full.len() {
            assert!(
                matches!(parse_hash_spans(&full[..cut], 0, &mut Vec::new()), Ok(None)),
                "cut at {cut} waits for more"
            );
        }
    }

    #[test]
    fn headers_parse_whole_lines_only() {
        assert_eq!(header(b"*12\r\n", 0), Ok(Some((12, 5))));
        assert_eq!(header(b"$-1\r\n", 0), Ok(Some((-1, 5))));
        assert_eq!(header(b"x$0\r\nrest", 1), Ok(Some((0, 5))));
        for part in [&b"$"[..], b"$1", b"$12\r", b"$-"] {
            assert_eq!(header(part, 0), Ok(None), "{part:?} waits for more");
        }
        for bad in [
            &b"$\r\n"[..],
            b"$-\r\n",
            b"$1x\r\n",
            b"$1\r\r",
            b"$1234567890123456789\r\n",
        ] {
            assert!(header(bad, 0).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn malformed_replies_are_protocol_errors() {
        for bad in [
            &b":1\r\n"[..],
            b"*1\r\n$1\r\na\r\n",
            b"*2\r\n+OK\r\n",
            b"*2\r\n$x\r\n",
        ] {
            assert!(
                parse_hash_reply(bad, 0).is_err(),
                "{:?} must be refused",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
