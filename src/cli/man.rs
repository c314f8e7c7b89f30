//! `sealmail man`: one manual page for the whole program. clap_mangen renders the title,
//! synopsis, description and options; the commands are listed here in the page itself (its
//! own list refers to a page per subcommand, which sealmail does not ship), followed by the
//! sections a user of a mail tool looks for: EXIT STATUS, ENVIRONMENT and FILES.

use std::io::Write;

/// Escapes text for roff: backslashes, and a line that would start with a control character.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One `.TP` item: a term in bold and its text.
fn item(out: &mut Vec<u8>, term: &str, text: &str) {
    let _ = writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(term), roff(text));
}

fn commands(out: &mut Vec<u8>, cmd: &clap::Command, prefix: &str) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix} {}", sub.get_name());
        if sub.has_subcommands() {
            commands(out, sub, &name);
            continue;
        }
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        item(out, &format!("{name} [OPTIONS]"), &about);
    }
}

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success. For decrypt: the message was read; the verdict line says what protected it."),
    ("1", "The operation failed or was refused: no usable key for a recipient, an integrity failure, a BAD signature, --require-signature not met, leaked secrets found by audit, a mail that could not be sent (it stays queued)."),
    ("2", "Usage error: an unknown option, a missing or wrong argument."),
    ("64, 65", "sendmail mode: a usage error (EX_USAGE), a message it cannot read (EX_DATAERR)."),
    ("69", "sendmail mode: a recipient has no usable key; nothing was queued or sent (EX_UNAVAILABLE)."),
    ("75", "sendmail mode: queued, but the server could not take it now; it is retried (EX_TEMPFAIL)."),
    ("78", "sendmail mode: the configuration is missing or wrong (EX_CONFIG)."),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("SEALMAIL_HOME", "The sealmail home (as --home)."),
    ("XDG_DATA_HOME, HOME", "Without a home given, sealmail uses $XDG_DATA_HOME/sealmail, else $HOME/.local/share/sealmail."),
    ("SEALMAIL_OFFLINE", "Set to 1: no network lookups (as [network] offline = true)."),
    ("SEALMAIL_NO_KEYRING", "Set to 1: the OS keyring is not used for passwords and passphrases."),
    ("SEALMAIL_NOW", "An RFC 3339 time that stands for now (tests and reproducible output)."),
    ("SEALMAIL_STREAM_ABOVE", "Message files larger than this many bytes are read as a stream (default 16 MiB)."),
];

const FILES: &[(&str, &str)] = &[
    (
        "HOME/config.toml",
        "The configuration: identity, SMTP, network lookups, key acceptance, limits.",
    ),
    (
        "HOME/certs/",
        "Certificates, in the shared pgp-cert-d layout that sq also reads.",
    ),
    (
        "HOME/secret/",
        "Your own secret keys, one file per key (0600).",
    ),
    (
        "HOME/keymeta/, HOME/index/",
        "Where each key came from and how far it is accepted; the lookup index.",
    ),
    (
        "HOME/autocrypt/",
        "What Autocrypt headers taught, per correspondent.",
    ),
    ("HOME/contractors.json", "Contractors and their contracts."),
    (
        "HOME/outbox/queue/, HOME/outbox/failed/",
        "Mail waiting to be sent, and mail that could not be sent; only ciphertext.",
    ),
    ("HOME/sent/", "Sent copies (a Maildir), encrypted."),
];

/// The manual page, in roff.
pub fn page(cmd: clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    writeln!(out, ".SH COMMANDS")?;
    commands(&mut out, &cmd, "sealmail");
    for (title, rows) in [
        ("EXIT STATUS", EXIT_STATUS),
        ("ENVIRONMENT", ENVIRONMENT),
        ("FILES", FILES),
    ] {
        writeln!(out, ".SH {title}")?;
        for (term, text) in rows {
            item(&mut out, term, text);
        }
    }
    writeln!(out, ".SH SEE ALSO")?;
    writeln!(out, "gpg(1), sq(1), neomutt(1)")?;
    man.render_version_section(&mut out)?;
    Ok(out)
}
