//! Credentials: the workflow sealmail exists for. A credential is a handful of named fields
//! (host, username, password, ...) that travel only inside the encrypted mail: as a readable
//! text block and as a `credential.json` attachment, optionally also as a KeePass vault.
//! Values are zeroized when dropped.

pub mod audit;
pub mod password;
pub mod speak;
pub mod vault;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::secrets::Secret;

/// The name of the attachment that marks a credential mail.
pub const ATTACHMENT: &str = "credential.json";

/// Errors of credential input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// A field has no value.
    #[error("the field {0:?} is empty")]
    EmptyField(String),
    /// A field name is not usable.
    #[error("{0:?} is not a field name (letters, digits, _ . -)")]
    BadName(String),
    /// A `.env` file line is wrong.
    #[error("{file}, line {line}: {reason}")]
    EnvSyntax {
        /// The file.
        file: String,
        /// The line number (from 1).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A `.env` file line has a field sealmail cannot take.
    #[error("{file}, line {line}: the field is not usable")]
    EnvField {
        /// The file.
        file: String,
        /// The line number (from 1).
        line: usize,
        /// Why.
        #[source]
        source: Box<CredentialError>,
    },
    /// A JSON file is not a flat object of strings.
    #[error("{file}: {reason}")]
    Json {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A JSON file does not parse.
    #[error("{file} is not JSON")]
    JsonSyntax {
        /// The file.
        file: String,
        /// What the parser said.
        #[source]
        source: serde_json::Error,
    },
    /// No fields at all.
    #[error("no fields: give --field NAME=?, --generate NAME or --from-file FILE")]
    NoFields,
    /// The vault passphrase would be weaker than the policy.
    #[error("a vault passphrase of {0} words is below the policy of {min}", min = vault::MIN_VAULT_WORDS)]
    VaultPolicy(usize),
    /// The vault passphrase could not be made.
    #[error("cannot make the vault passphrase")]
    VaultPassphrase(#[source] password::PasswordError),
    /// The vault could not be written.
    #[error("cannot build the KeePass vault")]
    Vault(#[source] keepass::db::DatabaseSaveError),
}

impl CredentialError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            CredentialError::EmptyField(n) => format!("give {n} a value (at the prompt or in the file), or leave the field out"),
            CredentialError::BadName(_) => "name fields like host, username, password, db_port".into(),
            CredentialError::EnvSyntax { .. } => "write each line as KEY=value (# starts a comment)".into(),
            CredentialError::Json { .. } | CredentialError::JsonSyntax { .. } => "write a flat JSON object: {\"host\": \"db1\", \"password\": \"...\"}".into(),
            CredentialError::NoFields => "sealmail credential send --to E --field host=? --field username=? --generate password".into(),
            CredentialError::Vault(_) | CredentialError::VaultPassphrase(_) | CredentialError::VaultPolicy(_) => "send without --vault, or report this as a bug".into(),
            CredentialError::EnvField { source, .. } => return source.hint(),
        })
    }
}

/// A credential: ordered fields and an optional note.
#[derive(Default)]
pub struct Credential {
    /// Name and value of each field, in order.
    pub fields: Vec<(String, Secret)>,
    /// A note for the recipient (not secret).
    pub note: Option<String>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.fields.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Credential")
            .field("fields", &names)
            .finish()
    }
}

fn check_name(n: &str) -> Result<(), CredentialError> {
    if n.is_empty()
        || !n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        return Err(CredentialError::BadName(n.into()));
    }
    Ok(())
}

impl Credential {
    /// Adds a field; empty values and bad names are refused.
    pub fn push(&mut self, name: &str, value: Secret) -> Result<(), CredentialError> {
        check_name(name)?;
        if value.trim().is_empty() {
            return Err(CredentialError::EmptyField(name.into()));
        }
        self.fields.retain(|(n, _)| n != name);
        self.fields.push((name.to_string(), value));
        Ok(())
    }

    /// The value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Reads `KEY=value` lines (a `.env` file): `#` comments, blank lines, an optional
    /// `export `, values optionally in single or double quotes.
    pub fn parse_env(&mut self, text: &str, file: &str) -> Result<(), CredentialError> {
        for (i, line) in text.lines().enumerate() {
            let err = |reason: &str| CredentialError::EnvSyntax {
                file: file.into(),
                line: i + 1,
                reason: reason.into(),
            };
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l
                .split_once('=')
                .ok_or_else(|| err("no '=' in this line"))?;
            let k = k.trim();
            if k.is_empty() || k.contains(char::is_whitespace) {
                return Err(err("the name before '=' is empty or has spaces"));
            }
            let v = v.trim();
            let v = if v.len() >= 2
                && ((v.starts_with('"') && v.ends_with('"'))
                    || (v.starts_with('\'') && v.ends_with('\'')))
            {
                &v[1..v.len() - 1]
            } else if v.starts_with('"') || v.starts_with('\'') {
                return Err(err("a quote is opened and not closed"));
            } else {
                v
            };
            self.push(k, Zeroizing::new(v.to_string()))
                .map_err(|e| CredentialError::EnvField {
                    file: file.into(),
                    line: i + 1,
                    source: Box::new(e),
                })?;
        }
        Ok(())
    }

    /// Reads a flat JSON object of strings (numbers and booleans are taken as text).
    pub fn parse_json(&mut self, text: &str, file: &str) -> Result<(), CredentialError> {
        let err = |reason: String| CredentialError::Json {
            file: file.into(),
            reason,
        };
        let v: Value =
            serde_json::from_str(text).map_err(|source| CredentialError::JsonSyntax {
                file: file.into(),
                source,
            })?;
        let obj = v
            .as_object()
            .ok_or_else(|| err("not a JSON object".into()))?;
        for (k, v) in obj {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(err(format!("{k:?} is not a string, number or boolean"))),
            };
            self.push(k, Zeroizing::new(s))?;
        }
        Ok(())
    }

    /// The readable text block of the mail body.
    pub fn body(&self, subject: &str) -> Secret {
        let width = self.fields.iter().map(|(n, _)| n.len()).max().unwrap_or(0) + 1;
        let mut s = Zeroizing::new(String::new());
        s.push_str(&format!("{subject}\n\n"));
        for (n, v) in &self.fields {
            s.push_str(&format!(
                "  {:width$} {}\n",
                format!("{n}:"),
                v.as_str(),
                width = width
            ));
        }
        if let Some(note) = &self.note {
            s.push_str(&format!("\n{note}\n"));
        }
        s.push_str("\nThis message is encrypted to you. Keep these details in a password manager,\nchange the password at first use, and never forward them unencrypted.\n(The same fields are attached as credential.json.)\n");
        s
    }

    /// The `credential.json` attachment.
    pub fn json(&self) -> Zeroizing<Vec<u8>> {
        let mut fields = serde_json::Map::new();
        for (n, v) in &self.fields {
            fields.insert(n.clone(), Value::String(v.to_string()));
        }
        let v = serde_json::json!({
            "sealmail_credential": 1,
            "fields": fields,
            "note": self.note,
        });
        Zeroizing::new(serde_json::to_vec_pretty(&v).unwrap_or_default())
    }

    /// Reads a `credential.json` attachment back.
    pub fn from_json_attachment(data: &[u8]) -> Option<Self> {
        let v: Value = serde_json::from_slice(data).ok()?;
        v.get("sealmail_credential")?;
        let mut c = Credential {
            note: v
                .get("note")
                .and_then(|n| n.as_str())
                .map(|s| s.to_string()),
            ..Default::default()
        };
        for (k, val) in v.get("fields")?.as_object()? {
            c.fields.push((
                k.clone(),
                Zeroizing::new(val.as_str().unwrap_or("").to_string()),
            ));
        }
        Some(c)
    }
}

/// Whether a field's value is a secret by its name. Only names that say plainly what
/// public thing they hold (host, username, url, port, ...) are not; anything else, and
/// anything that mentions a password, key, token or secret, is.
pub fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let secretish = [
        "pass", "pwd", "secret", "token", "key", "pin", "otp", "seed", "cred",
    ];
    if secretish.iter().any(|w| n.contains(w)) {
        return true;
    }
    let public = [
        "host", "hostname", "server", "url", "uri", "address", "ip", "port", "username", "user",
        "login", "account", "database", "db", "dbname", "domain", "email", "path", "vpn", "site",
        "realm", "tenant", "region", "bucket", "share", "name",
    ];
    let base = n.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    !public.iter().any(|p| {
        base == *p || base.ends_with(&format!("_{p}")) || base.starts_with(&format!("{p}_"))
    })
}

/// The credential of a read message: its `credential.json`, only when it was inside the
/// encryption.
pub fn recognize(report: &crate::read::Report) -> Option<Credential> {
    if !report.encrypted {
        return None;
    }
    report
        .attachments
        .iter()
        .find(|a| a.filename == ATTACHMENT)
        .and_then(|a| Credential::from_json_attachment(&a.data))
}
