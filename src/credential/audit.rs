//! The leak audit: find credentials that were already sent in plaintext mail (the incident
//! sealmail exists to prevent) in `.eml` files, mbox files and Maildirs.
//!
//! It looks inside text and HTML parts (after base64 and quoted-printable decoding), attached
//! text files, and file names; encrypted messages are skipped (their content is not exposed).
//! A finding never carries the secret itself, only a masked excerpt. mbox files are read one
//! message at a time, so memory does not grow with the size of the mailbox.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mail_parser::{MessageParser, MimeHeaders, PartType};
use regex::Regex;
use serde::Serialize;

/// One leaked secret.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The file (for mbox: `path#N`, N counting messages from 1).
    pub file: String,
    /// The Message-ID.
    pub message_id: Option<String>,
    /// What kind of secret.
    pub kind: String,
    /// A masked excerpt: enough to find it, never the secret.
    pub excerpt: String,
    /// The Date header.
    pub date: Option<String>,
    /// The From header.
    pub from: String,
    /// To and Cc.
    pub to: String,
    /// Whether the message was forwarded (Fwd: subject or an attached message).
    pub forwarded: bool,
    /// Whether it is part of a thread (References / In-Reply-To): more copies may exist.
    pub in_thread: bool,
    /// Where in the message: `body`, or the attachment's name.
    pub part: String,
}

/// Counts of a scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Messages read.
    pub messages: usize,
    /// Messages with at least one finding.
    pub messages_with_findings: usize,
    /// Findings.
    pub findings: usize,
    /// Encrypted messages skipped.
    pub encrypted_skipped: usize,
}

/// Errors of the audit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A path could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl AuditError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some("give .eml files, mbox files or Maildir folders you can read".into())
    }
}

struct Rule {
    kind: &'static str,
    re: Regex,
    /// The capture group that holds the secret (0: the whole match).
    group: usize,
}

fn rules() -> &'static [Rule] {
    static R: OnceLock<Vec<Rule>> = OnceLock::new();
    R.get_or_init(|| {
        let r = |kind, re: &str, group| Rule {
            kind,
            re: Regex::new(re).expect("built-in pattern"),
            group,
        };
        vec![
            r("private-key", r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----", 0),
            r("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", 0),
            r("aws-secret-key", r"(?i)aws_secret_access_key\s*[=:]\s*([A-Za-z0-9/+=]{40})", 1),
            r("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b", 0),
            r("gitlab-token", r"\bglpat-[A-Za-z0-9_\-]{20,}\b", 0),
            r("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b|https://hooks\.slack\.com/services/T[A-Za-z0-9/]+", 0),
            r("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", 0),
            r("connection-string", r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]+:([^\s@/]{3,})@[^\s/]+", 1),
            r(
                "env-assignment",
                r"(?m)^[ \t]*(?:export[ \t]+)?[A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*[ \t]*=[ \t]*([^\s#]+)",
                1,
            ),
            r(
                "password",
                r"(?im)^[ \t>*\-]*(?:the\s+|your\s+|new\s+|initial\s+|temporary\s+|temp\s+|admin\s+|root\s+|db\s+|database\s+)?(?:password|passwort|kennwort|mot de passe|contraseña|contrasena|senha|wachtwoord|lösenord|losenord|passord|adgangskode|salasana|hasło|haslo|heslo|jelszó|jelszo|parola|пароль|密码|密碼|パスワード|비밀번호|pw|pwd|passwd|pass|passphrase|passcode|pin)[ \t]*(?:is)?[ \t]*[:=：][ \t]*(\S+)[ \t]*$",
                1,
            ),
        ]
    })
}

/// Values that look like a label's value but are not a secret.
fn placeholder(v: &str) -> bool {
    let l = v
        .trim_matches(|c: char| "\"'`.,;".contains(c))
        .to_lowercase();
    l.len() < 4
        || l.chars()
            .all(|c| c == '*' || c == 'x' || c == '•' || c == '.')
        || ["<", "{", "$", "(", "%", "["].iter().any(|p| l.contains(p))
        || l.starts_with("http")
        || [
            "redacted",
            "hidden",
            "changed",
            "reset",
            "unchanged",
            "same",
            "none",
            "n/a",
            "secret",
            "password",
            "passwort",
            "required",
            "optional",
            "yourpassword",
            "your_password",
            "example",
            "placeholder",
            "see",
            "sent",
            "tbd",
            "todo",
        ]
        .contains(&l.as_str())
}

/// Masks a secret: its first two characters and its length.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    let head: String = secret.chars().take(2).collect();
    format!(
        "{head}{} ({n} chars)",
        "*".repeat(n.saturating_sub(2).min(8))
    )
}

const HOST_LABELS: &[&str] = &[
    "host", "server", "hostname", "address", "url", "ip", "db", "database",
];
const USER_LABELS: &[&str] = &[
    "user",
    "username",
    "login",
    "benutzer",
    "benutzername",
    "utilisateur",
    "usuario",
    "account",
];

fn has_label(text: &str, labels: &[&str]) -> bool {
    text.lines().any(|l| {
        let l = l
            .trim_start_matches([' ', '\t', '>', '*', '-'])
            .to_lowercase();
        labels.iter().any(|lab| {
            l.strip_prefix(lab).is_some_and(|rest| {
                rest.trim_start().starts_with(':') || rest.trim_start().starts_with('=')
            })
        })
    })
}

/// Scans one text; returns (kind, masked excerpt).
pub fn scan_text(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rule in rules() {
        for c in rule.re.captures_iter(text) {
            let whole = c.get(0).map(|m| m.as_str()).unwrap_or("");
            let secret = c.get(rule.group).map(|m| m.as_str()).unwrap_or(whole);
            if matches!(
                rule.kind,
                "password" | "env-assignment" | "connection-string"
            ) && placeholder(secret)
            {
                continue;
            }
            let excerpt = match rule.kind {
                "private-key" => whole.to_string(),
                "password" | "env-assignment" | "aws-secret-key" | "connection-string" => {
                    let label = whole.split(secret).next().unwrap_or("").trim();
                    format!("{label} {}", mask(secret))
                }
                _ => mask(secret),
            };
            let mut kind = rule.kind.to_string();
            if kind == "password" && has_label(text, HOST_LABELS) && has_label(text, USER_LABELS) {
                kind = "credential-block".into();
            }
            out.push((kind, excerpt));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn secret_file_name(name: &str) -> bool {
    let n = name.to_lowercase();
    let base = n.rsplit(['/', '\\']).next().unwrap_or(&n);
    [
        ".env",
        "id_rsa",
        "id_ecdsa",
        "id_ed25519",
        "id_dsa",
        ".pgpass",
        ".netrc",
        ".htpasswd",
        "credentials",
        "credentials.csv",
        "credentials.json",
    ]
    .contains(&base)
        || [
            ".pem",
            ".key",
            ".p12",
            ".pfx",
            ".ovpn",
            ".jks",
            ".keystore",
            ".asc",
        ]
        .iter()
        .any(|e| base.ends_with(e))
        || base.starts_with(".env.")
}

fn screenshot_name(name: &str) -> bool {
    let n = name.to_lowercase();
    [
        "screenshot",
        "screen shot",
        "bildschirmfoto",
        "capture",
        "snip",
        "screen_shot",
        "scrn",
        "schermata",
        "captura",
    ]
    .iter()
    .any(|w| n.contains(w))
}

fn is_textual(ct: &str, name: &str) -> bool {
    ct.starts_with("text/")
        || [
            "application/json",
            "application/x-sh",
            "application/xml",
            "application/x-yaml",
            "application/yaml",
            "application/toml",
        ]
        .contains(&ct)
        || [
            ".txt",
            ".env",
            ".conf",
            ".cfg",
            ".ini",
            ".yml",
            ".yaml",
            ".json",
            ".sh",
            ".pem",
            ".key",
            ".toml",
            ".properties",
            ".md",
            ".csv",
            ".sql",
            ".xml",
        ]
        .iter()
        .any(|e| name.to_lowercase().ends_with(e))
        || secret_file_name(name)
}

/// Scans one message.
pub fn scan_message(raw: &[u8], file: &str) -> (Vec<Finding>, bool) {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return (Vec::new(), false);
    };
    let ct = msg
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
        .unwrap_or_default();
    if ct == "multipart/encrypted" || ct == "application/pkcs7-mime" {
        return (Vec::new(), true);
    }
    let addr = |a: Option<&mail_parser::Address<'_>>| {
        a.map(|a| {
            a.iter()
                .filter_map(|m| m.address())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
    };
    let subject = msg.subject().unwrap_or("").to_string();
    let sl = subject.to_lowercase();
    let forwarded = ["fwd:", "fw:", "wg:", "tr:", "rv:", "i:"]
        .iter()
        .any(|p| sl.starts_with(p) || sl.contains(&format!(" {p}")))
        || msg
            .parts
            .iter()
            .any(|p| matches!(p.body, PartType::Message(_)));
    let in_thread =
        msg.header_raw("References").is_some() || msg.header_raw("In-Reply-To").is_some();
    let base = Finding {
        file: file.to_string(),
        message_id: msg.message_id().map(|m| format!("<{m}>")),
        kind: String::new(),
        excerpt: String::new(),
        date: msg.date().map(|d| d.to_rfc3339()),
        from: addr(msg.from()),
        to: [addr(msg.to()), addr(msg.cc())]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        forwarded,
        in_thread,
        part: String::new(),
    };
    let mut found: Vec<Finding> = Vec::new();
    let mut push = |kind: String, excerpt: String, part: &str| {
        let f = Finding {
            kind,
            excerpt,
            part: part.to_string(),
            ..base.clone()
        };
        if !found
            .iter()
            .any(|g| g.kind == f.kind && g.excerpt == f.excerpt)
        {
            found.push(f);
        }
    };
    let mut i = 0;
    while let Some(t) = msg.body_text(i) {
        for (k, e) in scan_text(&t) {
            push(k, e, "body");
        }
        i += 1;
    }
    for (k, e) in scan_text(&subject) {
        push(k, e, "subject");
    }
    for a in msg.attachments() {
        let name = a.attachment_name().unwrap_or("").to_string();
        let act = a
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
            .unwrap_or_default();
        if let PartType::Message(m) = &a.body {
            // A forwarded message: scan its text too.
            let mut j = 0;
            while let Some(t) = m.body_text(j) {
                for (k, e) in scan_text(&t) {
                    push(
                        k,
                        e,
                        &format!("forwarded message {}", m.subject().unwrap_or("")),
                    );
                }
                j += 1;
            }
            continue;
        }
        if secret_file_name(&name) {
            push("secret-file".into(), format!("attachment {name}"), &name);
        }
        if act.starts_with("image/") && screenshot_name(&name) {
            push(
                "screenshot-review".into(),
                format!("image {name} (review by eye)"),
                &name,
            );
        }
        if is_textual(&act, &name) {
            let text = String::from_utf8_lossy(a.contents());
            for (k, e) in scan_text(&text) {
                push(k, e, &name);
            }
        }
    }
    (found, false)
}

/// Scans `path` (a message file, an mbox file, or a Maildir / folder of messages), calling
/// `each` for every finding as it is found.
pub fn scan_path(
    path: &Path,
    each: &mut dyn FnMut(&Finding),
    stats: &mut Stats,
) -> Result<(), AuditError> {
    let err = |source| AuditError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with('.') || name == "tmp" {
                continue;
            }
            scan_path(&p, each, stats)?;
        }
        return Ok(());
    }
    let mut first = [0u8; 5];
    let n = std::io::Read::read(&mut std::fs::File::open(path).map_err(err)?, &mut first)
        .map_err(err)?;
    if &first[..n] != b"From " {
        let raw = std::fs::read(path).map_err(err)?;
        one(&raw, &path.display().to_string(), each, stats);
        return Ok(());
    }
    // mbox: one message at a time.
    crate::read::batch::mbox_messages(path, &mut |label, _offset, raw| {
        one(&raw, &label, each, stats)
    })
    .map_err(err)
}

fn one(raw: &[u8], label: &str, each: &mut dyn FnMut(&Finding), stats: &mut Stats) {
    stats.messages += 1;
    let (found, encrypted) = scan_message(raw, label);
    if encrypted {
        stats.encrypted_skipped += 1;
    }
    if !found.is_empty() {
        stats.messages_with_findings += 1;
        stats.findings += found.len();
    }
    for f in &found {
        each(f);
    }
}

/// What to do after a leak, for the closing summary.
pub const REMEDIATION: &[&str] = &[
    "Rotate every credential found: change the password, revoke the token or key, issue a new one.",
    "Check the access logs of the systems concerned for use since the mail was sent.",
    "Delete the mails on both sides: sender's and recipients' mailboxes, Sent folders, and forwarded copies.",
    "Agree a safe channel for next time: sealmail credential send (encrypted), or a vault whose passphrase goes by phone.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_masks() {
        let f = scan_text("host: db1\nuser: deploy\npassword: Tr0ub4dor&3\n");
        assert_eq!(f[0].0, "credential-block");
        assert!(!f[0].1.contains("Tr0ub4dor"));
        assert!(scan_text("Please reset your password here: https://x.example/reset").is_empty());
        assert!(scan_text("password: ********").is_empty());
        assert_eq!(
            scan_text("postgres://app:s3cretpw@db.internal:5432/app")[0].0,
            "connection-string"
        );
        assert_eq!(scan_text("Passwort: Geheim!2024")[0].0, "password");
    }
}
