//! `sealmail compose`: write an encrypted and signed PGP/MIME message.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use sealmail::compose::{compose, Attachment, Draft, Protection};
use sealmail::mime::{BadAddress, Mailbox};

use super::output::write_stdout;
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
    /// Write the message here instead of stdout.
    #[arg(short = 'o', long, value_name = "OUT")]
    pub output: Option<PathBuf>,
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

pub fn run(args: ComposeArgs, env: &Env) -> Result<(), Failure> {
    let draft = args.draft(env)?;
    let ring = env.keyring()?;
    let protection = if args.sign_only {
        Protection::SignOnly
    } else {
        Protection::EncryptAndSign
    };
    let mut buf = Vec::new();
    let mut cb = env.password_cb();
    let done = compose(&draft, protection, &ring, &env.ctx, &mut cb, &mut buf)?;
    match &args.output {
        Some(p) => {
            let mut f = std::fs::File::create(p).map_err(|e| {
                Failure::new(format!("cannot write {}: {e}", p.display()))
                    .hint("choose a writable path for -o")
            })?;
            f.write_all(&buf)
                .and_then(|_| f.sync_all())
                .map_err(|e| Failure::new(format!("cannot write {}: {e}", p.display())))?;
        }
        None => write_stdout(&buf)?,
    }
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
            super::output::print_json(&v)?;
        } else {
            eprintln!("{v}");
        }
    } else {
        match protection {
            Protection::EncryptAndSign => eprintln!(
                "encrypted to {}; signed by {}",
                done.recipients
                    .iter()
                    .map(|(e, f)| format!("{e} ({})", &f[f.len().saturating_sub(16)..]))
                    .collect::<Vec<_>>()
                    .join(", "),
                done.signer
            ),
            Protection::SignOnly => eprintln!("signed by {} (not encrypted)", done.signer),
        }
        if let Some(p) = &args.output {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(())
}
