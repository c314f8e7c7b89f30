//! `sealmail`: the program users run. It is small on purpose, because it starts for every
//! command: `compose`, `decrypt`, `send` and `sendmail` go to the home's agent when one is
//! running (src/cli/agent.rs), and everything else, or the same without an agent, is done by
//! executing `sealmail-engine` from the same folder with the same arguments.
//!
//! Loading the engine (a large program with OpenSSL built in) takes longer than many
//! commands' own work; this launcher starts in about the time of `/bin/true`. It links
//! nothing of sealmail but the agent's wire format, and does without Rust's start-up code
//! (`no_main`: nothing here needs it).
//!
//! The launcher passes on Ctrl-C and other termination signals to the agent's worker and
//! exits with the worker's exit code.
#![no_main]

#[path = "cli/wire.rs"]
mod wire;

use std::ffi::OsString;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};

#[no_mangle]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some(engine) = engine() else {
        eprintln!("error: cannot find the folder of the sealmail program");
        eprintln!("hint: run sealmail-engine instead, with the same arguments");
        return 1;
    };
    if let Some(home) = wire::agent_home(&args) {
        if let Some(code) = through_agent(&home, &engine, &args) {
            return code;
        }
    }
    let err = std::process::Command::new(&engine)
        .arg0(args.first().cloned().unwrap_or_else(|| "sealmail".into()))
        .args(args.iter().skip(1))
        .exec();
    eprintln!("error: cannot run {}: {err}", engine.display());
    eprintln!(
        "hint: sealmail needs sealmail-engine in the same folder; `cargo build` (or `cargo install --path .`) makes both"
    );
    1
}

/// `sealmail-engine` in the folder of this program.
fn engine() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    Some(me.parent()?.join(wire::ENGINE))
}

/// The worker's process, for the signal handler.
static WORKER: AtomicI32 = AtomicI32::new(0);
/// The last signal passed on to the worker.
static FORWARDED: AtomicI32 = AtomicI32::new(0);

extern "C" fn pass_on(signal: libc::c_int) {
    let pid = WORKER.load(Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, signal) };
    }
    FORWARDED.store(signal, Ordering::Relaxed);
}

/// Runs `args` through the agent of `home`; the exit code, or `None` when the command did
/// not start there (no agent, a stale one): the engine then runs it.
fn through_agent(home: &Path, engine: &Path, args: &[OsString]) -> Option<libc::c_int> {
    let stream = UnixStream::connect(home.join(wire::SOCKET)).ok()?;
    let identity = wire::Identity::of(engine).ok()?;
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
        .open("/dev/tty")
        .ok();
    wire::send_request(
        &stream,
        &identity,
        args,
        tty.as_ref().map(|t| t.as_raw_fd()),
    )
    .ok()?;
    drop(tty);
    let mut reader = &stream;
    let mut tag = [0u8; 1];
    reader.read_exact(&mut tag).ok()?;
    if tag[0] != b'R' {
        // 'S': the agent runs another program; 'F': the worker could not take over this
        // process's place. Either way nothing ran.
        return None;
    }
    // From here on the command has started: whatever happens, it is not run a second time.
    let mut pid = [0u8; 4];
    if reader.read_exact(&mut pid).is_ok() {
        WORKER.store(i32::from_le_bytes(pid), Ordering::Relaxed);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            // SAFETY: installs a handler that only calls kill and stores to atomics.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = pass_on as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
        let mut end = [0u8; 2];
        if reader.read_exact(&mut end).is_ok() && end[0] == b'X' {
            return Some(end[1] as libc::c_int);
        }
    }
    Some(lost())
}

/// The worker ended without an exit code: killed by a signal passed on (end the same way), or
/// by something else (say so).
fn lost() -> libc::c_int {
    let signal = FORWARDED.load(Ordering::Relaxed);
    if signal != 0 {
        // SAFETY: back to the signal's default action, then raise it on this process.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        return 128 + signal;
    }
    eprintln!("error: the sealmail agent's worker ended before the command finished");
    eprintln!(
        "hint: check what the command did (for send: sealmail outbox list), then run it again;"
    );
    eprintln!("hint: SEALMAIL_NO_AGENT=1 runs it without the agent");
    1
}
