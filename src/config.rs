//! `config.toml` in the sealmail home.
//!
//! The file never holds a secret: the SMTP password comes from the OS keyring, a
//! `password_command`, or a prompt (see [`crate::secrets`]). A `password` key is refused.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Errors loading the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// There is no config file.
    #[error("no configuration file at {0}")]
    Missing(PathBuf),
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has wrong types.
    #[error("{path} is not a valid sealmail configuration: {reason}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's words.
        reason: String,
    },
    /// A value is not allowed.
    #[error("{0}")]
    Invalid(String),
    /// The file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ConfigError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ConfigError::Missing(_) => "make one with: sealmail config init --email YOU --smtp-host HOST --smtp-user USER (see docs/CONFIG.md)".into(),
            ConfigError::Read { .. } | ConfigError::Write { .. } => "check the permissions of the sealmail home".into(),
            ConfigError::Syntax { .. } | ConfigError::Invalid(_) => "fix the file as docs/CONFIG.md shows".into(),
        })
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which is required (default; port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS at all: only to 127.0.0.1 or ::1, and only when written explicitly.
    None,
}

/// The sender identity.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Identity {
    /// The sender's address.
    pub email: Option<String>,
    /// The sender's name.
    pub name: Option<String>,
    /// The fingerprint of the own key to sign with (default: the one for `email`).
    pub key: Option<String>,
}

/// The SMTP server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Smtp {
    /// Host name or address.
    pub host: String,
    /// Port (default 587 for starttls, 465 for tls, 25 for none).
    pub port: Option<u16>,
    /// Connection security.
    #[serde(default)]
    pub security: Security,
    /// The login name; no login when absent.
    pub username: Option<String>,
    /// A command whose first line of output is the password (e.g. `pass show mail/smtp`).
    pub password_command: Option<String>,
    /// An extra trusted root certificate (PEM), for private CAs and tests.
    pub ca_file: Option<PathBuf>,
    /// Seconds before a stalled connection counts as a transient failure (default 30).
    pub timeout_secs: Option<u64>,
    /// Refused: passwords never live in the config file.
    #[serde(default, skip_serializing)]
    pub password: Option<toml::Value>,
}

impl Smtp {
    /// The port in effect.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }
}

/// An IMAP server: where received and sent mail lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Imap {
    /// Host name or address.
    pub host: String,
    /// Port (default 993 for tls, 143 for starttls and none).
    pub port: Option<u16>,
    /// Connection security: `tls` (default), `starttls`, or `none` (loopback only).
    pub security: Option<Security>,
    /// The login name.
    pub username: String,
    /// A command whose first line of output is the password (e.g. `pass show mail/imap`).
    pub password_command: Option<String>,
    /// An extra trusted root certificate (PEM), for private CAs and tests.
    pub ca_file: Option<PathBuf>,
    /// Seconds before a stalled server counts as gone (default 60).
    pub timeout_secs: Option<u64>,
    /// Refused: passwords never live in the config file.
    #[serde(default, skip_serializing)]
    pub password: Option<toml::Value>,
}

impl Imap {
    /// The security in effect.
    pub fn security(&self) -> Security {
        self.security.unwrap_or(Security::Tls)
    }

    /// The port in effect.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security() {
            Security::Tls => 993,
            Security::Starttls | Security::None => 143,
        })
    }
}

/// One of several mail accounts: `[accounts.NAME.imap]`, `[accounts.NAME.smtp]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Account {
    /// Its IMAP server.
    pub imap: Option<Imap>,
    /// Its SMTP server.
    pub smtp: Option<Smtp>,
}

/// Key lookups on the network.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Network {
    /// Turns every lookup off.
    #[serde(default)]
    pub offline: bool,
    /// The VKS server (default `https://keys.openpgp.org`).
    pub keyserver: Option<String>,
    /// An optional HKPS keyserver, asked last (`hkps://host`).
    pub hkps: Option<String>,
    /// An extra trusted root certificate (PEM) for HTTPS lookups.
    pub ca_file: Option<PathBuf>,
    /// Seconds before a lookup gives up (default 15).
    pub timeout_secs: Option<u64>,
    /// `send` refreshes a key fetched from the network when it is older than this (default 7).
    pub refresh_after_days: Option<u64>,
    /// Made for tests: connect to this address (`"127.0.0.1:8443"`) for a host name instead
    /// of asking DNS, and to its port for an https URL without one. The TLS check still
    /// uses the host name. The test suite serves WKD and VKS from a loopback port this way,
    /// with no change to `/etc/hosts` and no privileged port.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub resolve: std::collections::BTreeMap<String, std::net::SocketAddr>,
}

impl Network {
    /// The key lookups' settings this section asks for.
    pub fn lookup_config(&self) -> crate::keys::lookup::NetConfig {
        crate::keys::lookup::NetConfig {
            offline: self.offline,
            keyserver: self
                .keyserver
                .clone()
                .unwrap_or_else(|| "https://keys.openpgp.org".into()),
            hkps: self.hkps.clone(),
            ca_file: self.ca_file.clone(),
            timeout: std::time::Duration::from_secs(self.timeout_secs.unwrap_or(15)),
            resolve: self.resolve.iter().map(|(h, a)| (h.clone(), *a)).collect(),
        }
    }
}

/// Which keys may receive mail.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Keys {
    /// Acceptance levels `send` and `compose` use (default: unverified, verified).
    pub accept: Option<Vec<String>>,
    /// The least acceptance of a signing key that `decrypt --require-signature` takes:
    /// `"unverified"` (default) or `"verified"`.
    pub require_acceptance: Option<String>,
    /// New keys go to gpg-agent (`key generate` as with `--gpg-agent`).
    #[serde(default)]
    pub gpg_agent: bool,
}

/// Limits on incoming messages.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LimitsConfig {
    /// Largest message `decrypt` reads, in MiB (default 2048).
    pub max_message_mb: Option<u64>,
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Config {
    /// The sender identity.
    #[serde(default)]
    pub identity: Identity,
    /// The SMTP server, if mail is to be sent.
    pub smtp: Option<Smtp>,
    /// The IMAP server, if mail is to be read there (and sent copies kept there).
    pub imap: Option<Imap>,
    /// Further accounts, chosen with `--account NAME`.
    #[serde(default)]
    pub accounts: std::collections::BTreeMap<String, Account>,
    /// The account in use (`--account`); not in the file.
    #[serde(skip)]
    pub account: Option<String>,
    /// Key lookups.
    #[serde(default)]
    pub network: Network,
    /// Key acceptance.
    #[serde(default)]
    pub keys: Keys,
    /// Limits on incoming messages.
    #[serde(default)]
    pub limits: LimitsConfig,
}

impl Config {
    /// The config file of a home folder.
    pub fn path(home: &crate::Home) -> PathBuf {
        home.config_file()
    }

    /// Loads and checks the config of `home`; a missing file gives the defaults.
    pub fn load(home: &crate::Home) -> Result<Self, ConfigError> {
        let path = Self::path(home);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Self::parse(&text, &path)
    }

    /// Parses and checks config text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        // The parser's message only: its full text quotes the offending line, which may hold
        // a password someone wrote into the file.
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            reason: e.message().to_string(),
        })?;
        cfg.check()?;
        Ok(cfg)
    }

    /// The limits for reading messages.
    pub fn read_limits(&self) -> crate::read::limits::Limits {
        let mut l = crate::read::limits::Limits::default();
        if let Some(mb) = self.limits.max_message_mb {
            l.max_message_bytes = mb.saturating_mul(1 << 20);
        }
        l
    }

    /// The acceptance levels that may receive mail.
    pub fn accepted_levels(&self) -> Result<Vec<crate::keys::Acceptance>, ConfigError> {
        match &self.keys.accept {
            None => Ok(vec![
                crate::keys::Acceptance::Unverified,
                crate::keys::Acceptance::Verified,
            ]),
            Some(v) => v
                .iter()
                .map(|s| {
                    s.parse()
                        .map_err(|e: String| ConfigError::Invalid(format!("[keys] accept: {e}")))
                })
                .collect(),
        }
    }

    /// The least acceptance `decrypt --require-signature` takes (`[keys] require_acceptance`).
    pub fn required_acceptance(&self) -> Result<crate::keys::Acceptance, ConfigError> {
        use crate::keys::Acceptance;
        match self.keys.require_acceptance.as_deref() {
            None | Some("unverified") => Ok(Acceptance::Unverified),
            Some("verified") => Ok(Acceptance::Verified),
            Some(other) => Err(ConfigError::Invalid(format!(
                "[keys] require_acceptance = {other:?}: it must be \"verified\" or \"unverified\""
            ))),
        }
    }

    /// Uses the servers of account `name` (`[accounts.NAME]`) instead of `[smtp]`/`[imap]`.
    pub fn select_account(&mut self, name: &str) -> Result<(), ConfigError> {
        let a = self.accounts.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = self.accounts.keys().map(String::as_str).collect();
            ConfigError::Invalid(format!(
                "no account {name:?} in config.toml (accounts: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        self.smtp = a.smtp;
        self.imap = a.imap;
        self.account = Some(name.to_string());
        Ok(())
    }

    /// The name of the account in use, for reports: `--account`, else `default`.
    pub fn account_name(&self) -> &str {
        self.account.as_deref().unwrap_or("default")
    }

    /// The IMAP section, or an error saying how to add one.
    pub fn imap(&self) -> Result<&Imap, ConfigError> {
        self.imap.as_ref().ok_or_else(|| {
            ConfigError::Invalid(format!(
                "no [imap] section in config.toml{}: sealmail does not know where your mail lives",
                match &self.account {
                    Some(a) => format!(" for account {a}"),
                    None => String::new(),
                }
            ))
        })
    }

    fn check(&self) -> Result<(), ConfigError> {
        self.accepted_levels()?;
        self.required_acceptance()?;
        let imaps = self.imap.iter().map(|i| ("[imap]".to_string(), i)).chain(
            self.accounts
                .iter()
                .filter_map(|(n, a)| a.imap.as_ref().map(|i| (format!("[accounts.{n}.imap]"), i))),
        );
        for (name, i) in imaps {
            if i.password.is_some() {
                return Err(ConfigError::Invalid(format!(
                    "{name} password is not allowed: passwords never live in the config file; store it with `sealmail secret set imap` or use password_command"
                )));
            }
            if i.security() == Security::None
                && !matches!(i.host.as_str(), "127.0.0.1" | "::1" | "[::1]")
            {
                return Err(ConfigError::Invalid(format!(
                    "{name} security = \"none\" is only allowed for 127.0.0.1 or ::1, not {}",
                    i.host
                )));
            }
            if i.host.trim().is_empty() {
                return Err(ConfigError::Invalid(format!("{name} host is empty")));
            }
        }
        let smtps = self
            .smtp
            .iter()
            .chain(self.accounts.values().filter_map(|a| a.smtp.as_ref()));
        for s in smtps {
            if s.password.is_some() {
                return Err(ConfigError::Invalid(
                    "[smtp] password is not allowed: passwords never live in the config file; store it with `sealmail secret set smtp` or use password_command".into(),
                ));
            }
            if s.security == Security::None {
                let loopback = matches!(s.host.as_str(), "127.0.0.1" | "::1" | "[::1]");
                if !loopback {
                    return Err(ConfigError::Invalid(format!(
                        "[smtp] security = \"none\" is only allowed for 127.0.0.1 or ::1, not {}",
                        s.host
                    )));
                }
            }
            if s.host.trim().is_empty() {
                return Err(ConfigError::Invalid("[smtp] host is empty".into()));
            }
        }
        Ok(())
    }

    /// The SMTP section, or an error saying how to add one.
    pub fn smtp(&self) -> Result<&Smtp, ConfigError> {
        self.smtp.as_ref().ok_or_else(|| {
            ConfigError::Invalid(
                "no [smtp] section in config.toml: sealmail does not know where to send".into(),
            )
        })
    }

    /// Writes `text` as the config of `home` (0600), refusing text that does not parse.
    pub fn write(home: &crate::Home, text: &str) -> Result<PathBuf, ConfigError> {
        let path = Self::path(home);
        Self::parse(text, &path)?;
        crate::fsutil::write_atomic(&path, text.as_bytes(), true).map_err(|source| {
            ConfigError::Write {
                path: path.clone(),
                source,
            }
        })?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_example_parses() {
        let t = r#"
[identity]
email = "alice@example.org"
name = "Alice Admin"

[smtp]
host = "127.0.0.1"
port = 2587
security = "starttls"
username = "alice"
password_command = "cat /path/to/password-file"
ca_file = "/path/to/test-ca.pem"
"#;
        let c = Config::parse(t, Path::new("c")).unwrap();
        let s = c.smtp().unwrap();
        assert_eq!(s.port(), 2587);
        assert_eq!(s.security, Security::Starttls);
        assert_eq!(c.identity.email.as_deref(), Some("alice@example.org"));
    }

    #[test]
    fn password_and_remote_plaintext_refused() {
        let t = "[smtp]\nhost = \"h\"\npassword = \"x\"\n";
        assert!(Config::parse(t, Path::new("c")).is_err());
        let t = "[smtp]\nhost = \"mail.example\"\nsecurity = \"none\"\n";
        assert!(Config::parse(t, Path::new("c")).is_err());
        let t = "[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\n";
        assert!(Config::parse(t, Path::new("c")).is_ok());
    }
}
