//! Output: human text by default, one JSON document with `--json`. Errors are a code plus a
//! safe sentence, on stdout as JSON (for scripts) and on stderr as text.

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
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("cannot render JSON: {e}"),
            }
        } else {
            println!("{}", human());
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
        println!(
            "{}",
            serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into())
        );
    }
    eprintln!("rampart: {message}");
    ExitCode::from(match code {
        ErrorCode::Unavailable => 3,
        ErrorCode::Forbidden | ErrorCode::ReadOnly => 4,
        _ => 1,
    })
}

pub fn fail_core(out: &Out, e: &CoreError) -> ExitCode {
    fail(out, e.code(), &e.to_string())
}
