//! `sealmail compose`: write an encrypted and signed PGP/MIME message.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use sealmail::compose::{compose, Attachment, Draft, Protection};
use sealmail::keys::Keyring;
use sealmail::mime::{BadAddress, Mailbox};

use super::{Env, Failure};

/// Write a finished message: encrypted to every recipient and to you, signed by you
/// (RFC 3156 PGP/MIME with protected headers), or with --sign-only signed only.
///
/// Example:
///   printf 'host: db1\nuser: deploy\n' | sealmail compose --from admin@example.org \
///       --to bob@agency.example --subject "Access to db1" -o mail.eml
#[derive(Args, Debug)]
pub struct ComposeArgs {
    /// Your address (you need your own key: sealmail key generate --email ...); default: the
    /// [identity] email of config.toml.
    #[arg(long)]
    pub from: Option<String>,
    /// A recipient (repeat for more).
    #[arg(long)]
    pub to: Vec<String>,
    /// A copy recipient (repeat for more).
    #[arg(long)]
    pub cc: Vec<String>,
    /// A blind copy recipient: encrypted to, never named in a header.
    #[arg(long)]
    pub bcc: Vec<String>,
    /// The subject (travels only inside the encryption; outside it reads "[...]").
    #[arg(long, default_value = "")]
    pub subject: String,
    /// The text body; read from stdin when not given.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Attach a file (repeat for more).
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Write the message here instead of stdout (a new file; see --force).
    #[arg(short = 'o', long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Replace the -o file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Sign only (RFC 3156 multipart/signed): nothing is encrypted.
    #[arg(long)]
    pub sign_only: bool,
}

fn parse_list(v: &[String]) -> Result<Vec<Mailbox>, Failure> {
    v.iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.parse()
                .map_err(|e: BadAddress| Failure::new(e.to_string()).usage())
        })
        .collect()
}

impl ComposeArgs {
    /// Builds the draft: addresses, body, attachments.
    pub fn draft(&self, env: &Env) -> Result<Draft, Failure> {
        if let Some(p) = &self.body_file {
            super::output::need_file(p, "--body-file")?;
        }
        for p in &self.attach {
            super::output::need_file(p, "--attach")?;
        }
        if let Some(p) = &self.output {
            super::output::need_file(p, "-o")?;
            super::output::need_new(p, "-o", self.force)?;
        }
        let sign_with = env.config()?.identity.key;
        let from = match &self.from {
            Some(f) => f.clone(),
            None => {
                let cfg = env.config()?;
                match (&cfg.identity.email, &cfg.identity.name) {
                    (Some(e), Some(n)) => format!("{n} <{e}>"),
                    (Some(e), None) => e.clone(),
                    _ => {
                        return Err(Failure::new(
                            "no sender: give --from, or set [identity] email in config.toml",
                        )
                        .hint("sealmail config init --email YOU")
                        .usage())
                    }
                }
            }
        };
        let from: Mailbox = from
            .parse()
            .map_err(|e: BadAddress| Failure::new(e.to_string()).usage())?;
        let body = match &self.body_file {
            Some(p) => std::fs::read(p).map_err(|e| {
                Failure::new(format!("cannot read the body file {}: {e}", p.display()))
                    .hint("check the path given to --body-file")
            })?,
            None => {
                let mut b = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut b)
                    .map_err(|e| Failure::new(format!("cannot read the body from stdin: {e}")))?;
                b
            }
        };
        let body = String::from_utf8(body).map_err(|_| {
            Failure::new("the body is not UTF-8 text")
                .hint("convert it first (iconv -t UTF-8), or send the file with --attach")
        })?;
        let mut attachments = Vec::new();
        for p in &self.attach {
            attachments.push(Attachment::from_path(p)?);
        }
        Ok(Draft {
            from,
            to: parse_list(&self.to)?,
            cc: parse_list(&self.cc)?,
            bcc: parse_list(&self.bcc)?,
            subject: self.subject.clone(),
            body,
            attachments,
            date: None,
            message_id: None,
            content: None,
            sign_with,
            extra_headers: Vec::new(),
        })
    }
}

/// Before composing: look up keys that are missing (WKD, VKS) and offer them for acceptance on a
/// terminal; without one, stop with the exact command to run. Returns what the user should
/// know about each recipient's key (unverified, expiring, weak), to print once the message is
/// composed and before it is sent.
pub fn prepare_recipients(
    env: &Env,
    draft: &Draft,
    ring: &Keyring,
) -> Result<Vec<String>, Failure> {
    use sealmail::keys::{Acceptance, KeyError, KeyProblem};
    let net = env.net()?;
    let mut notes = Vec::new();
    sealmail::contractors::Contractors::open(&env.home).check_recipients(
        draft
            .to
            .iter()
            .chain(&draft.cc)
            .chain(&draft.bcc)
            .map(|m| m.email.as_str()),
        env.ctx.time(),
    )?;
    for m in draft.to.iter().chain(&draft.cc).chain(&draft.bcc) {
        match ring.recipient(&m.email, &env.ctx) {
            // No usable key (none, expired, revoked, no encryption subkey): look it up; a
            // renewed or new key may be published.
            Err(KeyError::Unusable { problem, .. })
                if !net.offline && !matches!(problem, KeyProblem::NotAccepted { .. }) =>
            {
                eprintln!(
                    "sealmail: no key for {} in the store; looking it up (WKD, {})",
                    m.email, net.keyserver
                );
                let found = match env.fetch_key(&m.email, &net, false) {
                    Ok(f) => f,
                    // Nothing better published: compose names the stored key's problem.
                    Err(_) if !matches!(problem, KeyProblem::Missing) => continue,
                    Err(e) => {
                        let hint = e.hint().unwrap_or_default();
                        return Err(Failure::new(format!("not encrypting: {e}")).hint(hint));
                    }
                };
                let fpr = found.cert.fingerprint().to_hex();
                ring.store_as(
                    found.cert.clone(),
                    &found.origin,
                    Acceptance::Undecided,
                    env.ctx.time(),
                )?;
                eprintln!(
                    "sealmail: found key {fpr} for {} via {}",
                    m.email, found.origin
                );
                if ring.recipient(&m.email, &env.ctx).is_ok() {
                    // An update of a key already accepted (e.g. a new expiry date).
                    continue;
                }
                match super::tty::ask_yes(&format!("Accept this key for {} (unverified)? [y/N] ", m.email)) {
                    Some(true) => ring.set_acceptance(&found.cert.fingerprint(), Acceptance::Unverified, None)?,
                    Some(false) => {
                        return Err(Failure::new(format!("not encrypting: the key found for {} was not accepted", m.email))
                            .hint(format!("check it with them: sealmail key verify {fpr}")))
                    }
                    None => {
                        return Err(Failure::new(format!(
                            "not encrypting: a key for {} was found ({fpr}, via {}) but is not accepted yet",
                            m.email, found.origin
                        ))
                        .hint(format!("sealmail key accept {fpr}   (better: check it with them first: sealmail key verify {fpr})")))
                    }
                }
            }
            Ok(r) => {
                let info = ring.info(&r.cert, &env.ctx);
                if info.acceptance == Acceptance::Unverified {
                    notes.push(format!(
                        "sealmail: note: the key of {} ({}) is accepted but its fingerprint was never checked: sealmail key verify {}",
                        m.email, info.fingerprint, info.fingerprint
                    ));
                }
                for w in &info.warnings {
                    notes.push(format!("sealmail: warning: the key of {} {w}", m.email));
                }
            }
            Err(_) => {} // compose names the problem with its fix.
        }
    }
    Ok(notes)
}

/// The size of the draft's attachments in bytes.
fn attachment_bytes(draft: &Draft) -> u64 {
    draft
        .attachments
        .iter()
        .map(|a| match &a.path {
            Some(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            None => a.data.len() as u64,
        })
        .sum()
}

pub fn run(args: ComposeArgs, env: &Env) -> Result<(), Failure> {
    let draft = args.draft(env)?;
    let ring = env.keyring()?;
    let notes = prepare_recipients(env, &draft, &ring)?;
    let protection = if args.sign_only {
        Protection::SignOnly
    } else {
        Protection::EncryptAndSign
    };
    let mut cb = env.password_cb();
    // The message streams to its destination: a big attachment never sits in memory.
    let done = match &args.output {
        Some(p) => {
            let cannot = |e: std::io::Error| {
                Failure::new(format!("cannot write {}: {e}", p.display()))
                    .hint("choose a writable path for -o")
            };
            // A hidden file beside -o, named only when the message is complete: a failure or
            // an interrupt leaves nothing behind (sealmail::partial).
            let f = sealmail::partial::Partial::beside(p).map_err(cannot)?;
            // Big attachments: a progress bar on a terminal, against the expected size
            // (base64 and armor each add about a third).
            let bar = super::output::ByteBar::new(attachment_bytes(&draft) < 8 << 20);
            let total = attachment_bytes(&draft) * 185 / 100;
            let mut w = super::output::CountingWriter::new(
                std::io::BufWriter::with_capacity(1 << 16, f),
                total,
                &bar,
            );
            let r = compose(&draft, protection, &ring, &env.ctx, &mut cb, &mut w);
            bar.finish();
            // Written like gpg -o writes: complete when this returns, without an fsync (the
            // outbox, which must survive a crash, syncs its files).
            let done = r?;
            let f = w
                .into_inner()
                .into_inner()
                .map_err(|e| cannot(e.into_error()))?;
            f.persist(p, args.force).map_err(cannot)?;
            done
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
            let d = compose(&draft, protection, &ring, &env.ctx, &mut cb, &mut w)?;
            match w.flush() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(Failure::new(format!("cannot write to stdout: {e}")))
                }
                _ => {}
            }
            d
        }
    };
    // What stderr says is written at once: one line at a time, stderr being unbuffered,
    // became a dozen writes (a dozen system calls, and lines another process could split).
    let mut said: String = notes.iter().map(|n| format!("{n}\n")).collect();
    if env.json {
        let v = serde_json::json!({
            "message_id": done.message_id,
            "encrypted": protection == Protection::EncryptAndSign,
            "signed": true,
            "signer": done.signer,
            "recipients": done.recipients.iter().map(|(e, f)| serde_json::json!({"email": e, "fingerprint": f})).collect::<Vec<_>>(),
            "output": args.output.as_ref().map(|p| p.display().to_string()),
        });
        // The message itself owns stdout unless it went to a file.
        if args.output.is_some() {
            eprint!("{said}");
            super::output::print_json(&v)?;
            return Ok(());
        }
        said.push_str(&format!("{v}\n"));
    } else {
        said.push_str(&match protection {
            Protection::EncryptAndSign => format!(
                "encrypted to {}; signed by {}\n",
                done.recipients
                    .iter()
                    .map(|(e, f)| format!("{e} ({})", &f[f.len().saturating_sub(16)..]))
                    .collect::<Vec<_>>()
                    .join(", "),
                done.signer
            ),
            Protection::SignOnly => format!("signed by {} (not encrypted)\n", done.signer),
        });
        if let Some(p) = &args.output {
            said.push_str(&format!("wrote {}\n", p.display()));
        }
    }
    eprint!("{said}");
    Ok(())
}
