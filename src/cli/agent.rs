//! The agent: a sealmail that stays running for a home with its start-up work done, so that
//! the commands a mail program, a script or cron runs many times do not each pay for it.
//!
//! Most of a short command's time is start-up: loading this large program, OpenSSL building
//! its algorithm tables, the OpenPGP library making the pre-key of its memory protection
//! (docs/BENCHMARKS.md). gpg keeps a gpg-agent running for the same reason. sealmail's agent
//! holds no keys, no passphrases and no state of the home:
//!
//! - `sealmail` is a small launcher (`src/launcher.rs`). For `compose`, `decrypt`, `send` and
//!   `sendmail` it connects to `HOME/agent.socket` and hands over the command line, the
//!   environment, the working directory, the umask, its standard input, output and error and
//!   its terminal ([`super::wire`]); anything else, or no agent, and it executes
//!   `sealmail-engine` (this program), which runs the command in its own process as always.
//! - The agent process did its start-up work once ([`sealmail::warm::warm_up`]) and keeps
//!   one forked copy of itself waiting on the socket. That worker takes the connection, makes
//!   itself the client's process (environment, directory, streams) and runs the command with
//!   the same code as any run: the home, config.toml and the keys are read from disk as
//!   always. It reports the exit code and ends; the agent forks the next worker.
//! - A served command run without an agent starts one for its home
//!   (`sealmail-engine --agent-serve HOME`, detached, as gpg starts gpg-agent).
//!   `SEALMAIL_NO_AGENT=1` turns both off.
//! - The agent answers only its own user (the home is 0700, and the peer's uid is checked),
//!   and only for the program it runs: a launcher whose `sealmail-engine` is a different file
//!   (an upgrade, a rebuild) is told so and runs the command itself; that old agent exits and
//!   the run starts a new one. The agent also exits when its socket is gone (the home deleted,
//!   another agent in its place) or after 30 minutes without a command.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::wire::{self, Identity, Request};

/// Held (flock) by the running agent of a home.
const LOCK: &str = "agent.lock";
/// The agent exits after this long without a command.
const IDLE: Duration = Duration::from_secs(30 * 60);

/// Starts the agent for `home` (a home [`wire::agent_home`] named, so the agent is wanted) in
/// the background; it takes over only if none is running.
pub fn start(home: &Path) {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    if !home.is_dir() {
        return;
    }
    let Ok(home) = std::path::absolute(home) else {
        return;
    };
    let Ok(program) = std::env::current_exe() else {
        return;
    };
    let _ = Command::new(program)
        .arg0("sealmail")
        .arg(wire::SERVE)
        .arg(home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .current_dir("/")
        .spawn();
}

impl Request {
    /// Makes this process the client's: environment, working directory, umask, standard
    /// streams and terminal. Returns the command line.
    fn apply(self) -> io::Result<Vec<OsString>> {
        std::env::set_current_dir(&self.cwd)?;
        let old: Vec<OsString> = std::env::vars_os().map(|(k, _)| k).collect();
        for k in old {
            std::env::remove_var(k);
        }
        for kv in &self.env {
            let Some(eq) = kv.iter().position(|&b| b == b'=') else {
                continue;
            };
            let (k, v) = (&kv[..eq], &kv[eq + 1..]);
            if k.is_empty() || kv.contains(&0) {
                continue;
            }
            std::env::set_var(OsStr::from_bytes(k), OsStr::from_bytes(v));
        }
        // SAFETY: umask and dup2 on descriptors this process owns; the received ones are
        // closed when their OwnedFd drops, after dup2 made 0, 1 and 2 copies of them.
        unsafe {
            libc::umask(self.umask as libc::mode_t);
        }
        let mut fds = self.fds.into_iter();
        for target in 0..3 {
            let fd = fds
                .next()
                .ok_or_else(|| io::Error::other("missing stream"))?;
            // SAFETY: see above.
            if unsafe { libc::dup2(fd.as_raw_fd(), target) } < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        super::tty::hand_over(fds.next());
        Ok(self.args)
    }
}

/// `sealmail --agent-serve HOME`: the agent. Returns when it stops.
pub fn serve(args: &[OsString]) -> u8 {
    let Some(home) = args.get(2).map(PathBuf::from) else {
        return 2;
    };
    // SAFETY: closes descriptors inherited from whoever started the client (this process
    // opened none yet), and leaves the client's session and process group.
    unsafe {
        libc::close_range(3, u32::MAX, 0);
        libc::setsid();
    }
    let Ok(lock) = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(home.join(LOCK))
    else {
        return 1;
    };
    // An agent that is stopping (a new program replaced the one it runs) gets a second.
    let mut held = false;
    for _ in 0..100 {
        // SAFETY: flock on an open file.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            held = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    if !held {
        return 0;
    }
    let socket = home.join(wire::SOCKET);
    let _ = std::fs::remove_file(&socket);
    // SAFETY: umask only sets the mask; set back after the bind.
    let old = unsafe { libc::umask(0o077) };
    let listener = UnixListener::bind(&socket);
    unsafe { libc::umask(old) };
    let Ok(listener) = listener else {
        return 1;
    };
    let Ok(inode) = std::fs::metadata(&socket).map(|m| m.ino()) else {
        return 1;
    };
    let Ok(identity) = Identity::of(Path::new("/proc/self/exe")) else {
        let _ = std::fs::remove_file(&socket);
        return 1;
    };
    let _ = sealmail::warm::warm_up();
    // fork copies only the calling thread: a thread holding a lock would leave it held in
    // every worker. Nothing here starts one; should that change, refuse rather than risk it.
    if threads() != Some(1) {
        let _ = std::fs::remove_file(&socket);
        return 1;
    }
    let ours = || std::fs::metadata(&socket).is_ok_and(|m| m.ino() == inode);
    let agent = std::process::id();
    let mut last_use = Instant::now();
    let mut early_ends = 0;
    loop {
        reap();
        let mut pipe = [0; 2];
        // SAFETY: pipe2 fills two descriptors on success.
        if unsafe { libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            break;
        }
        // SAFETY: both came from pipe2 above.
        let (taken, took) =
            unsafe { (OwnedFd::from_raw_fd(pipe[0]), OwnedFd::from_raw_fd(pipe[1])) };
        // SAFETY: this process has one thread (checked above), so the child starts in a
        // consistent state; it never returns into this loop (worker ends with _exit).
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            break;
        }
        if pid == 0 {
            drop(taken);
            // SAFETY: the worker's copy of the lock; the agent keeps its own (a long command
            // must not keep the home's lock after the agent is gone).
            unsafe { libc::close(lock.as_raw_fd()) };
            worker(&listener, took, &identity, agent);
        }
        drop(took);
        let forked = Instant::now();
        let mut taken = std::fs::File::from(taken);
        loop {
            if readable(&taken, 2_000) {
                let mut b = [0u8; 1];
                if matches!(taken.read(&mut b), Ok(1)) {
                    last_use = Instant::now();
                    early_ends = 0;
                    // The next worker is forked when this one is done (its end of the pipe
                    // closes) or after 20 ms: a short command does not share the machine
                    // with the fork, and commands that come together still run side by side.
                    // A worker asked by another program writes "S": this agent stops.
                    if readable(&taken, 20) && matches!(taken.read(&mut b), Ok(1)) && b[0] == b'S' {
                        if ours() {
                            let _ = std::fs::remove_file(&socket);
                        }
                        reap();
                        return 0;
                    }
                } else if forked.elapsed() < Duration::from_secs(1) {
                    // The worker ended without taking a connection; do not fork in a loop.
                    early_ends += 1;
                }
                break;
            }
            let emptied = only_agent_files(&home);
            if !ours() || emptied || last_use.elapsed() > IDLE {
                // SAFETY: the idle worker is this process's child.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                if ours() {
                    let _ = std::fs::remove_file(&socket);
                }
                if emptied {
                    let _ = std::fs::remove_file(home.join(LOCK));
                }
                reap();
                return 0;
            }
        }
        if early_ends > 5 {
            break;
        }
    }
    if ours() {
        let _ = std::fs::remove_file(&socket);
    }
    1
}

/// A worker: takes one connection, runs its command, reports the exit code, ends.
fn worker(listener: &UnixListener, took: OwnedFd, identity: &Identity, agent: u32) -> ! {
    // While it waits, the worker ends with the agent (killed, say): it must not keep
    // accepting on the socket alone. SAFETY: prctl with a signal number.
    unsafe {
        libc::prctl(
            libc::PR_SET_PDEATHSIG,
            libc::SIGKILL as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    if std::os::unix::process::parent_id() != agent {
        end(0);
    }
    let stream = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => end(1),
        }
    };
    // A command started runs to its end, agent or not. SAFETY: as above.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, 0, 0, 0, 0) };
    // SAFETY: names this process "sealmail-work" (in ps and top).
    unsafe {
        libc::prctl(
            libc::PR_SET_NAME,
            c"sealmail-work".as_ptr() as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    // The pipe stays open until this process ends: the agent sees when it is done.
    let mut took = std::fs::File::from(took);
    let _ = took.write_all(b"A");
    // SAFETY: the listening socket is not used again in this process (it never returns to
    // the agent's loop); a worker must not keep it open after the agent is gone.
    unsafe { libc::close(listener.as_raw_fd()) };
    if !same_user(&stream) {
        end(1);
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(request) = wire::receive_request(&stream) else {
        end(1);
    };
    let _ = stream.set_read_timeout(None);
    let mut writer = &stream;
    if request.identity != *identity {
        // A different program asks: it runs the command itself and starts a new agent; this
        // one stops.
        let _ = writer.write_all(b"S");
        let _ = took.write_all(b"S");
        end(0);
    }
    let args = match request.apply() {
        Ok(args) => args,
        Err(_) => {
            let _ = writer.write_all(b"F");
            end(0);
        }
    };
    let mut started = vec![b'R'];
    started.extend_from_slice(&std::process::id().to_le_bytes());
    if writer.write_all(&started).is_err() {
        end(0);
    }
    let code = super::main(args);
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    let _ = writer.write_all(&[b'X', code]);
    end(0)
}

fn end(code: i32) -> ! {
    // SAFETY: ends the process without running the agent's exit handlers a second time.
    unsafe { libc::_exit(code) }
}

/// Whether the peer of `stream` runs as this user.
fn same_user(stream: &UnixStream) -> bool {
    let mut cred = libc::ucred {
        pid: 0,
        uid: u32::MAX,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`.
    let ok = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            &mut cred as *mut libc::ucred as *mut libc::c_void,
            &mut len,
        )
    } == 0;
    // SAFETY: getuid cannot fail.
    ok && cred.uid == unsafe { libc::getuid() }
}

/// Whether the home holds nothing but the agent's socket and lock: it was emptied (deleted
/// while the agent was starting, as a temporary home is), so the agent has nothing to serve.
fn only_agent_files(home: &Path) -> bool {
    std::fs::read_dir(home).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .all(|e| e.file_name() == wire::SOCKET || e.file_name() == LOCK)
    })
}

/// Waits up to `ms` for `file` to be readable (or at its end).
fn readable(file: &std::fs::File, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) > 0 }
}

/// Collects the workers that have ended.
fn reap() {
    // SAFETY: waitpid without blocking, for any child.
    while unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) } > 0 {}
}

/// The number of threads of this process.
fn threads() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}
