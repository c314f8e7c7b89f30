//! `sealmail-engine`: the sealmail command-line program. Users run `sealmail`, the launcher
//! (`src/launcher.rs`), which hands the commands it can to the agent (`cli/agent.rs`, this
//! program kept running) and executes this program for everything else.
//!
//! Everything it does goes through the `sealmail` library; this binary only parses arguments
//! (`cli/`), asks for passphrases, and prints what the library returns. Errors go to stderr as
//! one `error:` line, the causes, and a `hint:` line with what to do next.
//!
//! Exit codes: 0 success, 1 the operation failed or was refused, 2 usage error.

mod cli;
mod openssl_startup;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == cli::wire::SERVE) {
        return ExitCode::from(cli::agent::serve(&args));
    }
    // A command the agent runs, run here: there was no agent (or a stale one); start it for
    // the next command.
    let agent_home = cli::wire::agent_home(&args);
    let code = cli::main(args);
    if let Some(home) = agent_home {
        cli::agent::start(&home);
    }
    ExitCode::from(code)
}

/// Allocator settings for a batch (`decrypt --maildir|--mbox`), called before its workers start.
///
/// glibc hands freed memory at the top of a thread's heap back to the kernel as soon as more
/// than 128 KiB is free there. The OpenPGP library's 32 KiB read buffers come and go with every
/// mail, so each mail of a batch paid for an `madvise`, a TLB flush on every core and fresh page
/// faults (about 15 % of the batch). Keep up to 32 MiB free in a batch. Single commands keep the
/// defaults: there, buffers taken from fresh mappings cost fewer page faults.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn tune_allocator_for_batch() {
    // SAFETY: mallopt only sets parameters of the C allocator (it takes the allocator's own
    // locks); a failure (result 0) leaves the defaults, which are correct too.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Allocator settings for a batch: nothing to tune on this platform.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn tune_allocator_for_batch() {}
