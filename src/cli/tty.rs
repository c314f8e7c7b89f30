//! The user's terminal: where questions and passphrase prompts go, never stdin or stdout.
//!
//! A command that the agent runs (`agent.rs`) has no controlling terminal of its own: the
//! sealmail the user started hands over the terminal it has, and [`open`] returns that one.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::OnceLock;

use zeroize::Zeroizing;

/// The terminal handed over by the agent's client (`None` inside: the client had none).
static HANDED_OVER: OnceLock<Option<OwnedFd>> = OnceLock::new();

/// Makes `tty` the terminal of this process (the agent's worker, before the command runs).
pub fn hand_over(tty: Option<OwnedFd>) {
    let _ = HANDED_OVER.set(tty);
}

/// The terminal, for reading and writing; `None` without one (cron, CI, a pipe from a script).
pub fn open() -> Option<File> {
    match HANDED_OVER.get() {
        Some(tty) => tty.as_ref()?.try_clone().ok().map(File::from),
        None => std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok(),
    }
}

/// Writes `text` on the terminal and reads a line typed without echo; `None` without a
/// terminal. The line is read a byte at a time into memory that is wiped when dropped, so no
/// copy of it stays in a buffer.
pub fn ask_hidden(text: &str) -> Option<Zeroizing<String>> {
    let mut tty = open()?;
    tty.write_all(text.as_bytes()).ok()?;
    tty.flush().ok()?;
    let fd = tty.as_raw_fd();
    let mut saved = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: tcgetattr fills the structure when it returns 0, and only then is it read.
    if unsafe { libc::tcgetattr(fd, saved.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: initialised by the successful tcgetattr above.
    let saved = unsafe { saved.assume_init() };
    let mut quiet = saved;
    quiet.c_lflag &= !libc::ECHO;
    quiet.c_lflag |= libc::ECHONL;
    // SAFETY: a valid descriptor and a valid termios structure.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    let mut line = Zeroizing::new(Vec::with_capacity(128));
    let mut byte = [0u8; 1];
    let complete = loop {
        match tty.read(&mut byte) {
            Ok(1) if byte[0] == b'\n' => break true,
            Ok(1) => line.push(byte[0]),
            Ok(_) => break !line.is_empty(),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break false,
        }
    };
    zeroize::Zeroize::zeroize(&mut byte);
    // SAFETY: as above; the terminal gets back the settings it had.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    if !complete {
        return None;
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    let text = std::str::from_utf8(&line).ok()?;
    Some(Zeroizing::new(text.to_owned()))
}
