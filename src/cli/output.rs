//! Rendering: errors with hints, terminal-safe text.

use std::io::{IsTerminal, Write};

/// Whether `--json` was given: errors then also go to stdout as one JSON object, so that a
/// script never parses an empty stdout.
static JSON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether failures also go to stdout as JSON.
pub fn json_errors() -> bool {
    JSON.load(std::sync::atomic::Ordering::Relaxed)
}

/// Makes every failure from now on also a JSON object on stdout.
pub fn set_json_errors(on: bool) {
    JSON.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// A failure as the user sees it: what went wrong, why, and what to do next.
#[derive(Debug)]
pub struct Failure {
    message: String,
    causes: Vec<String>,
    hint: Option<String>,
    code: u8,
    /// The JSON form was already written (inside the command's own JSON output).
    json_written: bool,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            code: 1,
            json_written: false,
        }
    }

    /// A failure from any error: its text, and its causes as `because:` lines.
    pub fn from_error(e: &dyn std::error::Error) -> Self {
        let mut f = Failure::new(e.to_string());
        f.causes = causes_of(e);
        f
    }

    /// The message with its causes, on one line.
    pub fn message(&self) -> String {
        std::iter::once(self.message.as_str())
            .chain(self.causes.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(": ")
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn usage(mut self) -> Self {
        self.code = 2;
        self
    }

    /// Sets the exit code (sendmail mode uses the sysexits codes).
    pub fn exit(mut self, code: u8) -> Self {
        self.code = code;
        self
    }

    /// The failure as the JSON object `--json` prints: `error`, `hint`, `exit`, `causes`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "error": self.message,
            "causes": self.causes,
            "hint": self.hint,
            "exit": self.code,
        })
    }

    /// Says that the command's JSON output already carries this failure.
    pub fn json_written(mut self) -> Self {
        self.json_written = true;
        self
    }

    /// Prints the failure to stderr (and, with `--json`, as a JSON object on stdout) and
    /// returns the exit code.
    pub fn report(self) -> u8 {
        if JSON.load(std::sync::atomic::Ordering::Relaxed) && !self.json_written {
            let mut o = std::io::stdout().lock();
            let _ = writeln!(o, "{}", self.to_json());
            let _ = o.flush();
        }
        let mut e = std::io::stderr().lock();
        let _ = writeln!(e, "error: {}", clean_line(&self.message));
        for c in &self.causes {
            let _ = writeln!(e, "  because: {}", clean_line(c));
        }
        if let Some(h) = &self.hint {
            for l in h.lines() {
                let _ = writeln!(e, "hint: {l}");
            }
        }
        self.code
    }
}

/// The causes of `e`, outermost first, as `because:` lines (a cause that only repeats the
/// text above it is left out).
fn causes_of(e: &dyn std::error::Error) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last = e.to_string();
    let mut next = e.source();
    while let Some(c) = next {
        let text = c.to_string();
        if !last.contains(&text) {
            out.push(text.clone());
        }
        last = text;
        next = c.source();
    }
    out
}

macro_rules! failure_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                let mut f = Failure::new(e.to_string());
                f.causes = causes_of(&e);
                f.hint = e.hint();
                f
            }
        }
    )*};
}
failure_from!(
    sealmail::keys::KeyError,
    sealmail::compose::ComposeError,
    sealmail::read::ReadError,
    sealmail::config::ConfigError,
    sealmail::secrets::SecretError,
    sealmail::transport::OutboxError,
    sealmail::keys::lookup::LookupError,
    sealmail::credential::CredentialError,
    sealmail::contractors::ContractorError,
    sealmail::imap::ImapError,
    sealmail::source::SourceError
);

impl From<sealmail::home::HomeError> for Failure {
    fn from(e: sealmail::home::HomeError) -> Self {
        let mut f =
            Failure::new(e.to_string()).hint("give the home with --home DIR or SEALMAIL_HOME=DIR");
        f.causes = causes_of(&e);
        f
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        let mut f = Failure::new(e.to_string());
        f.causes = e.chain().skip(1).map(|c| c.to_string()).collect();
        f
    }
}

/// Refuses a path given to `arg` that exists but is a folder where a file is wanted.
pub fn need_file(path: &std::path::Path, arg: &str) -> Result<(), Failure> {
    if path.is_dir() {
        return Err(Failure::new(format!(
            "{arg} {}: this is a folder, not a file",
            path.display()
        ))
        .hint(format!(
            "give {arg} a file (a folder's files can be given one by one)"
        ))
        .usage());
    }
    Ok(())
}

/// Refuses to replace an existing file given to `arg` unless `force` (sq's `--overwrite`
/// habit: a typo must not destroy a file).
pub fn need_new(path: &std::path::Path, arg: &str, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        return Err(
            Failure::new(format!("{arg} {}: the file exists", path.display()))
                .hint("give another name, or replace it with --force"),
        );
    }
    Ok(())
}

/// Refuses a path given to `arg` that exists but is not a folder where a folder is wanted.
pub fn need_dir(path: &std::path::Path, arg: &str) -> Result<(), Failure> {
    if path.exists() && !path.is_dir() {
        return Err(Failure::new(format!(
            "{arg} {}: this is a file, not a folder",
            path.display()
        ))
        .hint(format!(
            "give {arg} a folder (it is made if it does not exist)"
        ))
        .usage());
    }
    Ok(())
}

/// Removes control characters and ANSI escapes from a one-line value.
pub fn clean_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Removes control characters (but newlines and tabs) from text that goes to a terminal, so
/// message content cannot move the cursor, recolor or imitate sealmail's own lines.
pub fn clean_text(s: &str) -> String {
    s.chars()
        .filter(|&c| c != '\r')
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Whether stdout is a terminal.
pub fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal()
}

/// Prints JSON to stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure::from_error(&e))?;
    write_stdout(format!("{s}\n").as_bytes())
}

/// Writes to stdout; a closed pipe is not an error.
pub fn write_stdout(b: &[u8]) -> Result<(), Failure> {
    let mut o = std::io::stdout().lock();
    match o.write_all(b).and_then(|_| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(format!("cannot write to stdout: {e}"))),
    }
}

/// A progress bar in bytes (on stderr) for a large message or attachment, shown only when
/// stdout is a terminal and not `--quiet`; it appears at the first update.
pub struct ByteBar(Option<indicatif::ProgressBar>);

impl ByteBar {
    /// A bar, or nothing when it must stay silent.
    pub fn new(quiet: bool) -> Self {
        ByteBar((!quiet && stdout_is_tty()).then(|| {
            let b = indicatif::ProgressBar::hidden();
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        }))
    }

    /// Sets the progress.
    pub fn update(&self, done: u64, total: u64) {
        if let Some(b) = &self.0 {
            if b.is_hidden() {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            b.set_length(total);
            b.set_position(done);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// A writer that moves a [`ByteBar`] towards an estimated total as bytes pass.
pub struct CountingWriter<'a, W> {
    inner: W,
    done: u64,
    total: u64,
    bar: &'a ByteBar,
}

impl<'a, W> CountingWriter<'a, W> {
    /// Counts what goes into `inner` against `total`.
    pub fn new(inner: W, total: u64, bar: &'a ByteBar) -> Self {
        CountingWriter {
            inner,
            done: 0,
            total,
            bar,
        }
    }

    /// The inner writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: std::io::Write> std::io::Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let before = self.done;
        self.done += n as u64;
        // Every MiB is enough for a bar.
        if before >> 20 != self.done >> 20 {
            self.bar.update(self.done, self.total.max(self.done));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
