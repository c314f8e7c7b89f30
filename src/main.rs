//! `sealmail`: the command-line program.
//!
//! Everything it does goes through the `sealmail` library; this binary only parses arguments
//! (`cli/`), asks for passphrases, and prints what the library returns. Errors go to stderr as
//! one `error:` line, one `because:` line per cause, and a `hint:` line with what to do next.
//!
//! Exit codes: 0 success, 1 the operation failed or was refused, 2 usage error; `sendmail`
//! uses the sysexits codes (docs/GUIDE.md, "Exit codes").
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(cli::main(std::env::args_os().collect()))
}
