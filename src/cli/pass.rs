//! Passphrases: from `--passphrase-fd N`, else a prompt on the terminal. Never from argv or
//! the environment.

use std::io::{BufRead, BufReader};

use sealmail::keys::PasswordRequest;
use sealmail::openpgp::crypto::Password;
use zeroize::Zeroizing;

use super::Failure;

/// The shortest passphrase a key gets: 12 characters, or 4 words.
const MIN_PASSPHRASE_CHARS: usize = 12;
const MIN_PASSPHRASE_WORDS: usize = 4;

pub struct Passphrases {
    fd: Option<u32>,
    lines: Option<Vec<Zeroizing<String>>>,
}

impl Passphrases {
    pub fn new(fd: Option<u32>) -> Self {
        Passphrases { fd, lines: None }
    }

    /// The next passphrase from the descriptor, if one was given.
    fn next_from_fd(&mut self) -> Option<Zeroizing<String>> {
        let fd = self.fd?;
        if self.lines.is_none() {
            let f = std::fs::File::open(format!("/dev/fd/{fd}")).ok()?;
            let mut v = Vec::new();
            for l in BufReader::new(f).lines().map_while(Result::ok) {
                v.push(Zeroizing::new(l));
            }
            v.reverse();
            self.lines = Some(v);
        }
        let lines = self.lines.as_mut()?;
        if lines.len() > 1 {
            lines.pop()
        } else {
            // The last line is reused for every further request.
            lines.last().cloned()
        }
    }

    /// Asks on the terminal with hidden input; `None` without one (CI, cron).
    pub fn prompt_line(text: &str) -> Option<Zeroizing<String>> {
        super::tty::ask_hidden(text)
    }

    /// Asks on the terminal with the input shown (for values that are not secret); `None`
    /// without one.
    pub fn prompt_visible(text: &str) -> Option<Zeroizing<String>> {
        use std::io::{BufRead, Write};
        let tty = super::tty::open()?;
        let mut w = tty.try_clone().ok()?;
        w.write_all(text.as_bytes()).ok()?;
        w.flush().ok()?;
        let mut line = Zeroizing::new(String::new());
        std::io::BufReader::new(tty).read_line(&mut line).ok()?;
        Some(Zeroizing::new(
            line.trim_end_matches(['\r', '\n']).to_string(),
        ))
    }

    /// The passphrase for a locked key, or `None` when there is no way to ask. The first try
    /// takes the OS keyring, then `--passphrase-fd`, then the terminal; after a wrong one only
    /// the terminal asks again (a keyring or a descriptor would give the same wrong one).
    pub fn for_key(&mut self, req: &PasswordRequest) -> Option<Password> {
        let prompt = || {
            let again = if req.attempt > 1 {
                format!(
                    "Wrong passphrase (try {} of {}). ",
                    req.attempt,
                    sealmail::keys::PASSPHRASE_TRIES
                )
            } else {
                String::new()
            };
            Self::prompt_line(&format!(
                "{again}Passphrase for {} ({}): ",
                req.userid, req.fingerprint
            ))
        };
        let p = if req.attempt > 1 {
            if self.fd.is_some() {
                return None;
            }
            prompt()?
        } else {
            let stored =
                sealmail::secrets::keyring_get(&sealmail::secrets::key_account(&req.fingerprint))
                    .ok()
                    .flatten();
            match stored {
                Some(p) => p,
                None => match self.next_from_fd() {
                    Some(p) => p,
                    None => prompt()?,
                },
            }
        };
        Some(Password::from(p.as_str()))
    }

    /// A new passphrase, asked twice on a terminal.
    pub fn new_passphrase(&mut self) -> Result<Password, Failure> {
        let p = match self.next_from_fd() {
            Some(p) => p,
            None => {
                let hint =
                    "give it with --passphrase-fd N, or make a key without one: --no-passphrase";
                let a = Self::prompt_line("New passphrase for the key: ").ok_or_else(|| {
                    Failure::new("cannot ask for a passphrase: no terminal").hint(hint)
                })?;
                let b = Self::prompt_line("Repeat it: ").ok_or_else(|| {
                    Failure::new("cannot ask for a passphrase: no terminal").hint(hint)
                })?;
                if *a != *b {
                    return Err(
                        Failure::new("the two passphrases differ").hint("run the command again")
                    );
                }
                a
            }
        };
        if p.is_empty() {
            return Err(Failure::new("the passphrase is empty")
                .hint("give a passphrase, or use --no-passphrase to store the key unprotected"));
        }
        let words = p.split_whitespace().filter(|w| !w.is_empty()).count();
        if p.chars().count() < MIN_PASSPHRASE_CHARS && words < MIN_PASSPHRASE_WORDS {
            return Err(Failure::new(format!(
                "the passphrase is too short: it needs at least {MIN_PASSPHRASE_CHARS} characters, or {MIN_PASSPHRASE_WORDS} words"
            ))
            .hint("make one you can type: sealmail password --words 5"));
        }
        Ok(Password::from(p.as_str()))
    }
}
