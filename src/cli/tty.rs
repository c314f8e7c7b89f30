//! The user's terminal: where questions and passphrase prompts go, never stdin or stdout.

use std::fs::File;

use zeroize::Zeroizing;

/// The controlling terminal, for reading and writing; `None` without one (cron, CI, a pipe
/// from a script, a mail program's child).
pub fn open() -> Option<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()
}

/// Writes `text` on the terminal and reads a line typed without echo (`rpassword`); `None`
/// without a terminal. The line is handed back in memory that is wiped when dropped.
pub fn ask_hidden(text: &str) -> Option<Zeroizing<String>> {
    // rpassword falls back to stdin when there is no terminal; stdin may be the message.
    open()?;
    rpassword::prompt_password(text).ok().map(Zeroizing::new)
}

/// A yes/no question on the terminal; `None` without one.
pub fn ask_yes(q: &str) -> Option<bool> {
    use std::io::{BufRead, Write};
    let tty = open()?;
    let mut w = tty.try_clone().ok()?;
    let _ = write!(w, "{q}");
    let _ = w.flush();
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line).ok()?;
    Some(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
