//! The KeePass vault: a KDBX4 file holding the credential as one entry, protected by a
//! freshly generated passphrase that is shown once and never stored.

use keepass::config::{DatabaseConfig, KdfConfig};
use keepass::db::fields;
use keepass::{Database, DatabaseKey};
use zeroize::Zeroizing;

use super::{Credential, CredentialError};

/// How many words the vault passphrase has at least.
pub const MIN_VAULT_WORDS: usize = 6;

/// A new vault passphrase of `words` EFF words (at least [`MIN_VAULT_WORDS`]).
pub fn vault_passphrase(words: usize) -> Result<Zeroizing<String>, CredentialError> {
    if words < MIN_VAULT_WORDS {
        return Err(CredentialError::VaultPolicy(words));
    }
    super::password::passphrase_any(words).map_err(CredentialError::VaultPassphrase)
}

/// Builds the KDBX4 file: one entry titled `title`; `username`, `password` and `url`/`host`
/// go to KeePass's own fields, every other field to its own protected custom field.
pub fn build(
    cred: &Credential,
    title: &str,
    passphrase: &str,
) -> Result<Zeroizing<Vec<u8>>, CredentialError> {
    // Argon2id with KeePassXC's memory default (64 MiB) and more passes than its one-second
    // calibration gives on most laptops; the passphrase's 77+ bits carry the rest.
    let mut config = DatabaseConfig::default();
    if let KdfConfig::Argon2 { version, .. } = config.kdf_config {
        config.kdf_config = KdfConfig::Argon2id {
            iterations: 10,
            memory: 64 * 1024 * 1024,
            parallelism: 2,
            version,
        };
    }
    let mut db = Database::with_config(config);
    {
        let mut root = db.root_mut();
        let mut e = root.add_entry();
        e.set_unprotected(fields::TITLE, title);
        let mut notes = cred.note.clone().unwrap_or_default();
        for (n, v) in &cred.fields {
            match n.to_ascii_lowercase().as_str() {
                "username" | "user" | "login" => e.set_unprotected(fields::USERNAME, v.as_str()),
                "password" | "pass" | "passphrase" => e.set_protected(fields::PASSWORD, v.as_str()),
                "url" | "host" | "server" => {
                    e.set_unprotected(fields::URL, v.as_str());
                    e.set_unprotected(n.as_str(), v.as_str());
                }
                _ => e.set_protected(n.as_str(), v.as_str()),
            }
        }
        if !notes.is_empty() {
            notes.push('\n');
        }
        notes.push_str("Sent with sealmail.");
        e.set_unprotected(fields::NOTES, notes);
    }
    let mut out = Zeroizing::new(Vec::new());
    db.save(&mut *out, DatabaseKey::new().with_password(passphrase))
        .map_err(CredentialError::Vault)?;
    Ok(out)
}
