//! `sealmail audit`: find credentials already sent in plaintext mail, and the trail of their
//! copies across mailboxes.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use sealmail::credential::audit::{audit_sources, Event, Options, Report, Source, REMEDIATION};
use serde_json::json;

use super::output::{clean_line, write_stdout};
mod purge;
use super::{Env, Failure};

/// Scan .eml files, mbox files and Maildirs for passwords, keys, tokens, card numbers, SSNs and
/// IBANs that were sent unencrypted: in the text and HTML of the mail, attached files, office
/// documents and PDFs, zip archives, and screenshots (their text is recognised with Tesseract).
/// Prints each finding with a masked excerpt (never the secret), what could not be read (for
/// example "could not be read (protected)"), then the trail: the copies of each leak across the
/// mailboxes given. Exits 1 when anything was found.
///
/// Example: sealmail audit ~/Mail/INBOX ~/Mail/Sent ~/mbox/archive.mbox
#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Message files, mbox files or Maildir folders (each is one mailbox of the trail).
    #[arg(required_unless_present = "imap", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also audit the folders on the IMAP server of the account in use, or of each ACCOUNT
    /// given (`[accounts.NAME.imap]`); nothing is written to disk, nothing marked read.
    #[arg(long, value_name = "ACCOUNT", num_args = 0..=1, action = clap::ArgAction::Append)]
    imap: Option<Vec<String>>,
    /// With --imap: this folder (several allowed; default INBOX, Sent and Archive).
    #[arg(long, value_name = "FOLDER", requires = "imap")]
    folder: Vec<String>,
    /// With --imap: every folder.
    #[arg(long, requires = "imap", conflicts_with = "folder")]
    all_folders: bool,
    /// With --imap: after the report, move every message with a finding to --to-folder (asks
    /// first, unless --yes); a purge report goes to HOME/purge/.
    #[arg(long, requires = "imap")]
    purge: bool,
    /// With --purge: where the messages go (created if needed).
    #[arg(long, value_name = "FOLDER", default_value = "Quarantine")]
    to_folder: String,
    /// With --purge: expunge the messages instead of moving them.
    #[arg(long, requires = "purge")]
    delete: bool,
    /// With --purge: do not ask.
    #[arg(long, requires = "purge")]
    yes: bool,
    /// With --purge: say what would be moved or deleted, and change nothing.
    #[arg(long, requires = "purge")]
    dry_run: bool,
    /// Do not read the text in images (they are listed as not read).
    #[arg(long)]
    no_ocr: bool,
    /// Tesseract's languages for images, `+`-separated (installed language data).
    #[arg(long, value_name = "LANGS", default_value = "eng")]
    ocr_languages: String,
    /// Messages scanned at once (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
}

fn finding_line(f: &sealmail::credential::audit::Finding) -> String {
    clean_line(&format!(
        "{} {} {} from {} to {}: {}: {} in {} [leak {}]{}",
        f.file,
        f.message_id.as_deref().unwrap_or("-"),
        f.date.as_deref().unwrap_or("-"),
        f.from,
        f.to,
        f.kind,
        f.excerpt,
        f.part,
        f.leak,
        match (f.forwarded, f.in_thread) {
            (true, _) => " [forwarded]",
            (false, true) => " [in a thread]",
            _ => "",
        }
    ))
}

fn trail_text(r: &Report) -> String {
    let copies: usize = r.leaks.iter().map(|l| l.copies.len()).sum();
    let mut s = format!(
        "The trail: {} leak{}, {} cop{} across {} mailbox{}\n",
        r.leaks.len(),
        if r.leaks.len() == 1 { "" } else { "s" },
        copies,
        if copies == 1 { "y" } else { "ies" },
        {
            let mut m: Vec<&str> = r
                .leaks
                .iter()
                .flat_map(|l| l.copies.iter().map(|c| c.mailbox.as_str()))
                .collect();
            m.sort();
            m.dedup();
            m.len()
        },
        if r.leaks
            .iter()
            .flat_map(|l| &l.copies)
            .map(|c| &c.mailbox)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == 1
        {
            ""
        } else {
            "es"
        },
    );
    for l in &r.leaks {
        let n = l.copies.len();
        s.push_str(&clean_line(&format!(
            "  {} {}: {}: 1 leak, {n} cop{}:",
            l.leak,
            l.kind,
            l.excerpt,
            if n == 1 { "y" } else { "ies" }
        )));
        s.push('\n');
        for c in &l.copies {
            s.push_str(&clean_line(&format!(
                "    {}: {} {} in {}",
                c.mailbox,
                c.file,
                c.message_id.as_deref().unwrap_or("-"),
                c.part
            )));
            s.push('\n');
        }
    }
    s
}

pub fn run(a: AuditArgs, env: &Env) -> Result<(), Failure> {
    let opts = Options {
        ocr: !a.no_ocr,
        ocr_languages: a.ocr_languages.clone(),
        pdf: true,
        jobs: a.jobs,
    };
    let mut write_err = None;
    // A progress line on a terminal only.
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b
    });
    let mut out = |line: String| {
        let r = match &bar {
            Some(b) => b.suspend(|| write_stdout(format!("{line}\n").as_bytes())),
            None => write_stdout(format!("{line}\n").as_bytes()),
        };
        if let Err(e) = r {
            write_err.get_or_insert(e);
        }
    };
    let mut each = |e: Event<'_>| match e {
        Event::Finding(f) => out(if env.json {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            v["type"] = json!("finding");
            v.to_string()
        } else {
            finding_line(f)
        }),
        Event::Unread(u) => out(if env.json {
            json!({
                "type": "unreadable",
                "kind": "unreadable",
                "file": u.file,
                "message_id": u.message_id,
                "part": u.part,
                "excerpt": u.reason,
                "reason": u.reason,
                "mailbox": u.mailbox,
            })
            .to_string()
        } else {
            clean_line(&format!(
                "{} {}: {}: {}",
                u.file,
                u.message_id.as_deref().unwrap_or("-"),
                u.part,
                u.reason
            ))
        }),
        Event::Progress(s) => {
            if let Some(b) = &bar {
                b.set_message(format!(
                    "{} messages read ({:.1} MB), {} images, {} documents, {} findings",
                    s.messages,
                    s.bytes as f64 / 1e6,
                    s.images_read,
                    s.documents_read,
                    s.findings
                ));
                b.tick();
            }
        }
    };
    let mut sources: Vec<Source> = a.paths.iter().cloned().map(Source::Path).collect();
    if let Some(accounts) = &a.imap {
        sources.extend(purge::imap_sources(env, accounts, &a)?);
    }
    let mut targets = purge::Targets::default();
    let mut each = |e: Event<'_>| {
        if let Event::Finding(f) = &e {
            targets.add(f);
        }
        each(e)
    };
    let report = audit_sources(&mut sources, &opts, &mut each).map_err(|e| {
        let hint = e.hint().unwrap_or_default();
        Failure::from_error(&e).hint(hint)
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = report?;
    if let Some(e) = write_err {
        return Err(e);
    }
    let st = &report.stats;
    if env.json {
        let line = json!({ "type": "summary", "summary": st, "leaks": report.leaks, "images_not_read": report.images_not_read });
        write_stdout(format!("{line}\n").as_bytes())?;
    } else if !report.leaks.is_empty() {
        write_stdout(trail_text(&report).as_bytes())?;
    }
    let kinds: Vec<String> = st.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "sealmail audit: {} messages read, {} with leaked secrets ({} findings{}; {} leak{}), {} encrypted skipped, {} images and {} documents read, {} not read",
        st.messages,
        st.messages_with_findings,
        st.findings,
        if kinds.is_empty() { String::new() } else { format!(": {}", kinds.join(", ")) },
        st.leaks,
        if st.leaks == 1 { "" } else { "s" },
        st.encrypted_skipped,
        st.images_read,
        st.documents_read,
        st.unread
    );
    if let Some(why) = &report.images_not_read {
        eprintln!(
            "sealmail audit: images were not read: {why}. They are listed as \"image not read\"."
        );
    }
    if a.purge {
        purge::run(env, &a, &mut sources, &targets)?;
    }
    if st.findings > 0 {
        eprintln!("What to do now:");
        for (i, r) in REMEDIATION.iter().enumerate() {
            eprintln!("  {}. {r}", i + 1);
        }
        let f = Failure::new(format!("{} leaked secret(s) found in plaintext mail", st.findings))
            .hint("rotate them first; then send new ones with: sealmail credential send --to ADDRESS --generate password");
        // With --json the findings, one object per line, already say it.
        return Err(if env.json { f.json_written() } else { f });
    }
    Ok(())
}
