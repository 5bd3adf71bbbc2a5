//! Output: human text by default, one JSON document with `--json`. Errors are a code plus a
//! safe sentence, on stdout as JSON (for scripts) and on stderr as text.
//!
//! A reader that leaves early (`rampart --json blocks list | head -1`) closes the pipe: the rest
//! of the output is dropped quietly and the exit status is the command's own (0 when it
//! succeeded), not a panic and not 141. The output is written after the command has acted and
//! audited, so its status must say how the command went; the reader going away says nothing
//! about that (and `set -o pipefail` scripts would otherwise fail on a successful `| head`).
//! Rust ignores SIGPIPE, so the closed pipe shows up here as a `BrokenPipe` write error.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use rampart_core::{CoreError, ErrorCode};
use serde::Serialize;

pub struct Out {
    pub json: bool,
}

impl Out {
    /// Print a result: JSON, or the human rendering.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => emit(&s),
                Err(e) => eprintln!("cannot render JSON: {e}"),
            }
        } else {
            emit(&human());
        }
    }
}

/// Write one document and a newline to stdout. A closed pipe drops it (see the module doc);
/// any other write error is said on stderr and ends the process with status 1, since the
/// output was the command's product.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("rampart: cannot write the output: {e}");
            std::process::exit(1);
        }
    }
}

#[derive(Serialize)]
struct ErrorDoc<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: ErrorCode,
    message: &'a str,
}

/// Report a failure and give the exit code: 1 for a failed operation, 3 when a store is
/// unavailable (scripts retry those), 4 when refused (role, read-only).
pub fn fail(out: &Out, code: ErrorCode, message: &str) -> ExitCode {
    if out.json {
        let doc = ErrorDoc {
            error: ErrorBody { code, message },
        };
        emit(&serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into()));
    }
    eprintln!("rampart: {message}");
    ExitCode::from(exit_status(code))
}

/// The exit status for a failure of kind `code` (the README's table).
pub fn exit_status(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::Unavailable => 3,
        ErrorCode::Forbidden | ErrorCode::ReadOnly | ErrorCode::StoreDenied => 4,
        _ => 1,
    }
}

pub fn fail_core(out: &Out, e: &CoreError) -> ExitCode {
    fail(out, e.code(), &e.to_string())
}
