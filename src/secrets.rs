//! Secrets: the SMTP password (and other passphrases) from the OS keyring, a `*_command`, or a
//! prompt the caller supplies; never from argv or the config file. Values are zeroized when
//! dropped.

use std::process::{Command, Stdio};

use zeroize::Zeroizing;

use crate::config::{Imap, Smtp};

/// The keyring service name under which sealmail stores its secrets.
pub const SERVICE: &str = "sealmail";

/// A secret string, wiped from memory when dropped.
pub type Secret = Zeroizing<String>;

/// Errors getting or storing a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The OS keyring could not be used.
    #[error("the OS keyring is not available")]
    Keyring(#[source] keyring::Error),
    /// The OS keyring is turned off (`SEALMAIL_NO_KEYRING`).
    #[error("the OS keyring is turned off (SEALMAIL_NO_KEYRING is set)")]
    KeyringOff,
    /// A `*_command` could not be started.
    #[error("the password command `{command}` could not be started")]
    CommandStart {
        /// The command as configured.
        command: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// A `*_command` failed.
    #[error("the password command `{command}` failed: {reason}")]
    Command {
        /// The command as configured.
        command: String,
        /// What went wrong.
        reason: String,
    },
    /// No source had the secret.
    #[error("no {what} found: not in the OS keyring, no password_command, and no terminal to ask")]
    NotFound {
        /// Which secret.
        what: String,
    },
}

impl SecretError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SecretError::Keyring(_) => "start a Secret Service (e.g. gnome-keyring) or set password_command in config.toml".into(),
            SecretError::KeyringOff => "unset SEALMAIL_NO_KEYRING, or set password_command in config.toml".into(),
            SecretError::Command { .. } | SecretError::CommandStart { .. } => "run the command yourself to see why; it must print the password on its first line".into(),
            SecretError::NotFound { what } if what.starts_with("IMAP") => "store it: sealmail secret set imap   (or set [imap] password_command in config.toml)".into(),
            SecretError::NotFound { .. } => "store it: sealmail secret set smtp   (or set [smtp] password_command in config.toml)".into(),
        })
    }
}

/// The keyring account name of the SMTP password for `smtp`.
pub fn smtp_account(smtp: &Smtp) -> String {
    format!(
        "smtp:{}@{}:{}",
        smtp.username.as_deref().unwrap_or(""),
        smtp.host,
        smtp.port()
    )
}

/// The keyring account name of the passphrase of an own secret key.
pub fn key_account(fpr: &sequoia_openpgp::Fingerprint) -> String {
    format!("key:{}", fpr.to_hex())
}

fn keyring_disabled() -> bool {
    std::env::var_os("SEALMAIL_NO_KEYRING").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Looks a secret up in the OS keyring: `Ok(None)` when it has none (or there is no keyring).
pub fn keyring_get(account: &str) -> Result<Option<Secret>, SecretError> {
    if keyring_disabled() {
        return Ok(None);
    }
    let entry = match keyring::Entry::new(SERVICE, account) {
        Ok(e) => e,
        Err(_) => return Ok(None),
    };
    match entry.get_password() {
        Ok(p) => Ok(Some(Zeroizing::new(p))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(keyring::Error::NoStorageAccess(_)) | Err(keyring::Error::PlatformFailure(_)) => {
            Ok(None)
        }
        Err(e) => Err(SecretError::Keyring(e)),
    }
}

/// Stores a secret in the OS keyring.
pub fn keyring_set(account: &str, value: &str) -> Result<(), SecretError> {
    if keyring_disabled() {
        return Err(SecretError::KeyringOff);
    }
    let entry = keyring::Entry::new(SERVICE, account).map_err(SecretError::Keyring)?;
    entry.set_password(value).map_err(SecretError::Keyring)
}

/// Runs a `*_command` with `sh -c` and returns the first line of its output.
pub fn run_command(command: &str) -> Result<Secret, SecretError> {
    let fail = |reason: String| SecretError::Command {
        command: command.to_string(),
        reason,
    };
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| SecretError::CommandStart {
            command: command.to_string(),
            source,
        })?;
    let stdout = Zeroizing::new(out.stdout);
    if !out.status.success() {
        return Err(fail(format!("it exited with {}", out.status)));
    }
    let text = std::str::from_utf8(&stdout).map_err(|_| fail("its output is not UTF-8".into()))?;
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(fail("it printed nothing".into()));
    }
    Ok(Zeroizing::new(line.to_string()))
}

/// The keyring account name of the IMAP password for `imap`.
pub fn imap_account(imap: &Imap) -> String {
    format!("imap:{}@{}:{}", imap.username, imap.host, imap.port())
}

/// The IMAP password: OS keyring, then `password_command`, then `prompt` (which returns
/// `None` when there is no terminal).
pub fn imap_password(
    imap: &Imap,
    prompt: &mut dyn FnMut(&str) -> Option<Secret>,
) -> Result<Secret, SecretError> {
    if let Some(p) = keyring_get(&imap_account(imap))? {
        return Ok(p);
    }
    if let Some(cmd) = &imap.password_command {
        return run_command(cmd);
    }
    let who = format!("IMAP password for {}@{}", imap.username, imap.host);
    prompt(&who).ok_or(SecretError::NotFound { what: who })
}

/// The SMTP password: OS keyring, then `password_command`, then `prompt` (which returns
/// `None` when there is no terminal).
pub fn smtp_password(
    smtp: &Smtp,
    prompt: &mut dyn FnMut(&str) -> Option<Secret>,
) -> Result<Secret, SecretError> {
    if let Some(p) = keyring_get(&smtp_account(smtp))? {
        return Ok(p);
    }
    if let Some(cmd) = &smtp.password_command {
        return run_command(cmd);
    }
    let who = format!(
        "SMTP password for {}@{}",
        smtp.username.as_deref().unwrap_or(""),
        smtp.host
    );
    prompt(&who).ok_or(SecretError::NotFound { what: who })
}
