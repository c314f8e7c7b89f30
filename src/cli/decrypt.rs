//! `sealmail decrypt`: decrypt and verify a message and say what was protected.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use sealmail::read::{decrypted_copy, save_attachments, Integrity, Report, SigStatus};

use super::output::{clean_line, clean_text, print_json, stdout_is_tty, write_stdout, ByteBar};
use super::{Env, Failure};

/// Decrypt and verify a received message (.eml), print its protected headers and text, and
/// say on stderr what was encrypted, what was signed and by whom.
///
/// Example: sealmail decrypt mail.eml --attachments ./files
#[derive(Args, Debug)]
pub struct DecryptArgs {
    /// The message file; `-` or nothing reads stdin.
    #[arg(value_name = "FILE|-")]
    pub file: Option<PathBuf>,
    /// Decrypt and verify every message of a Maildir, in parallel; one line per message.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["file", "mbox"])]
    pub maildir: Option<PathBuf>,
    /// Decrypt and verify every message of an mbox file, in parallel; one line per message.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub mbox: Option<PathBuf>,
    /// The message with this UID on the IMAP server (`[imap]`, `--account`), read without
    /// marking it read.
    #[arg(long, value_name = "UID", conflicts_with_all = ["file", "maildir", "mbox", "imap_search"])]
    pub imap: Option<u32>,
    /// Every message on the IMAP server that matches this IMAP SEARCH query (`ALL`,
    /// `UNSEEN`, `FROM bob SINCE 1-Mar-2026`), in parallel; one line per message.
    #[arg(long, value_name = "QUERY", conflicts_with_all = ["file", "maildir", "mbox"])]
    pub imap_search: Option<String>,
    /// With --imap/--imap-search: the folder.
    #[arg(long, value_name = "FOLDER", default_value = "INBOX")]
    pub folder: String,
    /// With --maildir/--mbox: write decrypted copies into this Maildir (created if needed).
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// With --maildir/--mbox: worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No summary line.
    #[arg(long)]
    pub quiet: bool,
    /// Write the attachments into this folder.
    #[arg(long, value_name = "DIR")]
    pub attachments: Option<PathBuf>,
    /// Print the decrypted inner MIME entity as it is (for mutt-like pipes).
    #[arg(long)]
    pub raw: bool,
    /// Decrypt an inline OpenPGP block even when other text surrounds it (by default such
    /// mixed messages are not decrypted: they may embed someone else's ciphertext).
    #[arg(long)]
    pub embedded: bool,
    /// Fail (exit 1) unless the signature is good and its signer's user ID matches From.
    #[arg(long)]
    pub require_signature: bool,
    /// For a credential mail: print only this field's value (for piping into a password
    /// manager).
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
    /// With --field: also print how to read the value aloud on the phone (NATO spelling,
    /// digits as words, symbols by name, in groups of four).
    #[arg(long, requires = "field")]
    pub say: bool,
    /// Also write a decrypted copy of the whole message here (a signature made with the
    /// encryption is kept, so the copy still verifies). Mind where you keep it: it is plaintext.
    #[arg(long, value_name = "FILE")]
    pub save_decrypted: Option<PathBuf>,
    /// Replace the --save-decrypted file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Reads a whole file or stdin.
pub fn read_input(file: &Option<PathBuf>) -> Result<Vec<u8>, Failure> {
    let mut raw = Vec::new();
    match file {
        Some(p) if p.as_os_str() != "-" => {
            raw = std::fs::read(p).map_err(|e| {
                Failure::new(format!("cannot read {}: {e}", p.display()))
                    .hint("check the file name")
            })?
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut raw)
                .map_err(|e| Failure::new(format!("cannot read standard input: {e}")))?;
        }
    }
    Ok(raw)
}

/// Message files above this size are streamed; `SEALMAIL_STREAM_ABOVE` (bytes) changes it,
/// for tests of the streaming path with small mails.
fn stream_threshold() -> u64 {
    std::env::var("SEALMAIL_STREAM_ABOVE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(sealmail::read::stream::STREAM_ABOVE)
}

/// The verdict in one line: what protected the message, who signed it, and how far that
/// key is accepted for the sender.
pub fn verdict_line(r: &Report) -> String {
    let enc = match (r.encrypted, r.integrity) {
        (true, Integrity::Ok) => "encrypted (integrity ok)",
        (true, _) => "encrypted (integrity NOT confirmed)",
        (false, _) => "NOT encrypted",
    };
    let s = &r.signature;
    let who = || {
        format!(
            "{} ({})",
            s.signer_email.as_deref().unwrap_or("?"),
            s.signer.as_deref().unwrap_or("?")
        )
    };
    let sender = if r.outer_from.is_empty() || r.outer_from == r.from {
        &r.from
    } else {
        &r.outer_from
    };
    let sig = match s.status {
        SigStatus::Good if s.matches_from => format!(
            "good signature from {}, key {}",
            who(),
            s.acceptance.as_str()
        ),
        SigStatus::Good => format!(
            "good signature from {}, who is NOT the sender {sender}",
            who()
        ),
        SigStatus::Uncertain => format!(
            "UNCERTAIN signature: it verifies, but the key {} is {}, not accepted for {}{}",
            who(),
            s.acceptance.as_str(),
            r.from,
            match &s.other_verified_key {
                Some(k) => format!(" (its verified key is {k})"),
                None => String::new(),
            }
        ),
        SigStatus::Bad => format!(
            "BAD signature over {}: the content was changed or the signature is forged",
            part_or(&s.signed_part, "the message")
        ),
        SigStatus::Missing => "not signed".into(),
        SigStatus::UnknownKey => format!(
            "signed by an unknown key {} (import it to check: sealmail key import FILE)",
            s.issuer.as_deref().unwrap_or("?")
        ),
        SigStatus::ExpiredKey => format!("signed by an EXPIRED key {}", who()),
        SigStatus::RevokedKey => format!("signed by a REVOKED key {}", who()),
    };
    let partial = if s.status.verifies() && !s.covers_all {
        "; it covers only PART of the message: the rest is unsigned and could come from anyone"
    } else {
        ""
    };
    let date = if s.status.verifies() && !s.date_matches {
        "; but the signature was made more than a day away from the message's Date (an old message sent again?)"
    } else {
        ""
    };
    clean_line(&format!("sealmail: {enc}; {sig}{partial}{date}"))
}

fn part_or<'a>(part: &'a str, default: &'a str) -> &'a str {
    if part.is_empty() {
        default
    } else {
        part
    }
}

/// Why `--require-signature` refuses this report, with the command that helps; `None` when
/// it passes: a good signature, by a key accepted for the From address (at least `least`),
/// over the whole message.
fn signature_refusal(r: &Report, least: sealmail::keys::Acceptance) -> Option<(String, String)> {
    let s = &r.signature;
    let fpr = s.signer.as_deref().unwrap_or("FINGERPRINT");
    let (why, hint) = match s.status {
        SigStatus::Missing => (
            "the message is not signed".to_string(),
            "ask the sender to sign it".to_string(),
        ),
        SigStatus::Bad => (
            format!("the signature over {} is BAD", part_or(&s.signed_part, "the message")),
            "do not act on this message: it was changed or forged; ask the sender to send it again".into(),
        ),
        SigStatus::UnknownKey => (
            format!("the signing key {} is not in your key store", s.issuer.as_deref().unwrap_or("?")),
            format!("get the sender's key and check it: sealmail key fetch {} (or sealmail key import FILE), then sealmail key verify {}", r.from, r.from),
        ),
        SigStatus::ExpiredKey | SigStatus::RevokedKey => (
            format!("the signing key {fpr} is {}", if s.status == SigStatus::ExpiredKey { "expired" } else { "revoked" }),
            format!("ask {} for their current key, or: sealmail key refresh", r.from),
        ),
        SigStatus::Uncertain => (
            format!(
                "the signing key {fpr} is {} for {}{}",
                s.acceptance.as_str(),
                r.from,
                match &s.other_verified_key {
                    Some(k) => format!(", whose verified key is {k}"),
                    None => String::new(),
                }
            ),
            format!("if {} really uses this key, check its fingerprint with them and run: sealmail key verify {fpr}", r.from),
        ),
        SigStatus::Good if !s.matches_from => (
            format!("the signing key does not belong to the sender {} (or the sender is ambiguous: see the warnings)", r.from),
            "do not trust the From line of this message".into(),
        ),
        SigStatus::Good if !s.covers_all => (
            "the signature covers only part of the message".into(),
            "ask the sender to sign the whole message".into(),
        ),
        SigStatus::Good
            if least == sealmail::keys::Acceptance::Verified
                && s.acceptance != sealmail::read::KeyAcceptance::Verified =>
        (
            format!("the signing key {fpr} is {}, and [keys] require_acceptance = \"verified\"", s.acceptance.as_str()),
            format!("check the key's fingerprint with {} and run: sealmail key verify {fpr}", r.from),
        ),
        SigStatus::Good => return None,
    };
    Some((why, hint))
}

/// Refuses paths of the wrong kind before anything is read.
fn check_paths(args: &DecryptArgs) -> Result<(), Failure> {
    use super::output::{need_dir, need_file};
    if let Some(p) = args.file.as_ref().filter(|p| p.as_os_str() != "-") {
        need_file(p, "FILE")?;
    }
    if let Some(p) = &args.attachments {
        need_dir(p, "--attachments")?;
    }
    if let Some(p) = &args.save_decrypted {
        need_file(p, "--save-decrypted")?;
        super::output::need_new(p, "--save-decrypted", args.force)?;
    }
    if let Some(p) = &args.output {
        need_dir(p, "--output")?;
    }
    if let Some(p) = &args.maildir {
        need_dir(p, "--maildir")?;
    }
    if let Some(p) = &args.mbox {
        need_file(p, "--mbox")?;
    }
    Ok(())
}

pub fn run(args: DecryptArgs, env: &Env) -> Result<(), Failure> {
    check_paths(&args)?;
    if args.maildir.is_some() || args.mbox.is_some() || args.imap_search.is_some() {
        return super::decrypt_batch::run(&args, env);
    }
    let ring = env.keyring()?;
    let mut cb = env.password_cb();
    let read_opts = sealmail::read::ReadOptions {
        embedded: args.embedded,
        limits: env.config()?.read_limits(),
    };
    let (raw, report) = match &args.file {
        // A file can be streamed when large, unless the whole decrypted entity is wanted.
        Some(p) if p.as_os_str() != "-" && !args.raw && args.save_decrypted.is_none() => {
            let bar = ByteBar::new(args.quiet);
            let mut progress = |done: u64, total: u64| bar.update(done, total);
            let read = sealmail::read::read_file(
                p,
                &ring,
                &env.ctx,
                &mut cb,
                sealmail::read::FileOptions {
                    read: read_opts,
                    attachments_dir: args.attachments.as_deref(),
                    stream_above: stream_threshold(),
                    progress: Some(&mut progress),
                },
            );
            bar.finish();
            let read = read?;
            (read.head, read.report)
        }
        _ => {
            let raw = match args.imap {
                Some(uid) => super::imap::message(env, &args.folder, uid)?,
                None => read_input(&args.file)?,
            };
            let report =
                sealmail::read::read_message_with(&raw, &ring, &env.ctx, &mut cb, read_opts)?;
            (raw, report)
        }
    };
    // Autocrypt: learn the sender's key (and gossip from inside the encryption).
    let seen = sealmail::read::autocrypt_seen(&raw, Some(&report));
    if let Ok(events) = sealmail::keys::autocrypt::learn(&ring, &env.ctx, &seen) {
        events.iter().for_each(super::key_report::print_learned);
    }
    let line = verdict_line(&report);
    eprintln!("{line}");
    for w in &report.warnings {
        eprintln!("sealmail: warning: {}", clean_line(w));
    }
    if args.require_signature {
        if let Some((why, hint)) = signature_refusal(&report, env.config()?.required_acceptance()?)
        {
            // Nothing of the content goes to stdout when the caller demanded a good signature.
            return Err(Failure::new(format!("--require-signature: {why}")).hint(hint));
        }
    }
    if let Some(dir) = &args.attachments {
        for p in save_attachments(&report, dir)? {
            eprintln!("sealmail: wrote attachment {}", p.display());
        }
    }
    if let Some(path) = &args.save_decrypted {
        let copy = decrypted_copy(&raw, &report).ok_or_else(|| {
            Failure::new("the message is not encrypted: there is nothing to save decrypted")
                .hint("drop --save-decrypted for messages that are only signed")
        })?;
        let cannot = |e: std::io::Error| {
            Failure::new(format!("cannot write {}: {e}", path.display()))
                .hint("choose a writable path for --save-decrypted")
        };
        let mut f = sealmail::partial::Partial::beside(path).map_err(cannot)?;
        std::io::Write::write_all(&mut f, &copy).map_err(cannot)?;
        f.persist(path, args.force).map_err(cannot)?;
        eprintln!("sealmail: wrote a decrypted copy to {}", path.display());
    }
    let credential = sealmail::credential::recognize(&report);
    if let Some(name) = &args.field {
        let c = credential.as_ref().ok_or_else(|| {
            Failure::new("this is not a credential mail (no encrypted credential.json)")
                .hint("drop --field to read the message")
        })?;
        let v = c.get(name).ok_or_else(|| {
            Failure::new(format!("the credential has no field {name:?}")).hint(format!(
                "its fields: {}",
                c.fields
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        if args.say && env.json {
            print_json(&serde_json::json!({
                "field": name,
                "value": v,
                "say": sealmail::credential::speak::groups(v),
            }))?;
        } else {
            let mut text = zeroize::Zeroizing::new(format!("{v}\n"));
            if args.say {
                for l in sealmail::credential::speak::lines(v) {
                    text.push_str(&l);
                    text.push('\n');
                }
            }
            write_stdout(text.as_bytes())?;
        }
        return bad_signature(&report, false);
    }
    if let Some(c) = &credential {
        eprintln!(
            "sealmail: credential mail with fields: {}",
            c.fields
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if env.json {
        let mut v = serde_json::to_value(&report).map_err(|e| Failure::from_error(&e))?;
        if let Some(c) = &credential {
            let fields: serde_json::Map<String, serde_json::Value> = c
                .fields
                .iter()
                .map(|(n, val)| (n.clone(), serde_json::Value::String(val.to_string())))
                .collect();
            v["credential"] = serde_json::json!({"fields": fields, "note": c.note});
        }
        // A BAD signature: the report and the error in one object, so stdout is one JSON
        // document.
        let bad = bad_signature(&report, true).err();
        if let (Some(f), Some(o)) = (&bad, v.as_object_mut()) {
            if let Some(e) = f.to_json().as_object() {
                o.extend(e.clone());
            }
        }
        print_json(&v)?;
        if let Some(f) = bad {
            return Err(f);
        }
    } else if args.raw {
        write_stdout(report.inner.as_deref().unwrap_or(&raw))?;
    } else {
        let mut out = String::new();
        out.push_str(&format!("From: {}\n", clean_line(&report.from_display)));
        if !report.to.is_empty() {
            out.push_str(&format!("To: {}\n", clean_line(&report.to)));
        }
        if !report.cc.is_empty() {
            out.push_str(&format!("Cc: {}\n", clean_line(&report.cc)));
        }
        if !report.date.is_empty() {
            out.push_str(&format!("Date: {}\n", clean_line(&report.date)));
        }
        out.push_str(&format!("Subject: {}\n\n", clean_line(&report.subject)));
        let body = clean_text(&report.body);
        out.push_str(&body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
        for p in report.parts.iter().filter(|p| p.filename.is_some()) {
            out.push_str(&format!(
                "[attachment: {} ({}){}]\n",
                clean_line(p.filename.as_deref().unwrap_or("")),
                p.content_type,
                if p.encrypted || p.signed {
                    ""
                } else {
                    " UNPROTECTED"
                }
            ));
        }
        write_stdout(out.as_bytes())?;
        if stdout_is_tty() {
            // Repeat the verdict after the content, where content cannot have forged it.
            eprintln!("{line}");
        }
    }
    bad_signature(&report, false)
}

/// A BAD signature ends the command with exit 1 (as gpg does), after the output.
fn bad_signature(r: &Report, json_written: bool) -> Result<(), Failure> {
    if r.signature.status != SigStatus::Bad {
        return Ok(());
    }
    let f = Failure::new(format!(
        "BAD signature over {}",
        part_or(&r.signature.signed_part, "the message")
    ))
    .hint("do not act on this message: it was changed after it was signed, or the signature is forged; ask the sender to send it again");
    Err(if json_written { f.json_written() } else { f })
}
