//! The `sealmail` command-line program.
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
    cli::main()
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
