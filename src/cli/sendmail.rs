//! `sealmail sendmail`: a drop-in for `sendmail` that encrypts. mutt, neomutt, git send-email
//! and cron hand it a plain RFC 5322 message on stdin; it keeps the message's headers, body and
//! MIME parts, encrypts and signs them for every recipient, and sends as `send` does.
//!
//! Exit codes are the sysexits ones mail programs understand: 0 sent; 64 usage; 65 the input
//! is not a message; 69 a recipient has no usable key, or the server refused the message;
//! 75 queued for a later retry; 78 configuration missing.

use std::io::Read;

use clap::Args;
use mail_parser::{Address, HeaderName, MessageParser};
use sealmail::compose::{ComposeError, Draft};
use sealmail::keys::KeyError;
use sealmail::mime::Mailbox;
use sealmail::send::{enqueue, prepare};

use super::{Env, Failure};

const EX_USAGE: u8 = 64;
const EX_DATAERR: u8 = 65;
const EX_UNAVAILABLE: u8 = 69;
const EX_TEMPFAIL: u8 = 75;
const EX_CONFIG: u8 = 78;

/// Read a message on stdin (as mutt, git send-email and cron write it), encrypt and sign it for
/// all recipients, and send it. Nothing is sent when any recipient lacks a usable key.
///
/// In ~/.muttrc:        set sendmail="sealmail sendmail"
/// In .gitconfig:       [sendemail] sendmailCmd = sealmail sendmail
#[derive(Args, Debug)]
pub struct SendmailArgs {
    /// Take recipients from the To, Cc and Bcc headers (as well as the arguments).
    #[arg(short = 't')]
    pub headers: bool,
    /// Do not treat a line with a single dot as the end of input (always so here).
    #[arg(short = 'i')]
    pub ignore_dots: bool,
    /// The envelope sender (default: the From header).
    #[arg(short = 'f', value_name = "FROM")]
    pub from: Option<String>,
    /// The sender's full name (ignored: the From header says it).
    #[arg(short = 'F', value_name = "NAME")]
    pub full_name: Option<String>,
    /// sendmail options such as -oi or -oem (accepted and ignored).
    #[arg(short = 'o', value_name = "OPT")]
    pub options: Vec<String>,
    /// Verbose (accepted and ignored).
    #[arg(short = 'v')]
    pub verbose: bool,
    /// Recipients.
    #[arg(value_name = "RCPT")]
    pub recipients: Vec<String>,
}

fn mailboxes(a: Option<&Address<'_>>) -> Vec<Mailbox> {
    a.map(|a| {
        a.iter()
            .filter_map(|m| {
                let email = m.address()?.to_string();
                Some(Mailbox {
                    name: m.name().map(|n| n.to_string()),
                    email,
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

fn header<'a>(
    msg: &'a mail_parser::Message<'a>,
    name: HeaderName<'static>,
) -> Option<&'a Address<'a>> {
    msg.headers()
        .iter()
        .find(|h| h.name == name)
        .and_then(|h| h.value.as_address())
}

/// Header fields of the incoming message that are kept (inside the encryption; the threading
/// ones outside too). Addressing, Subject, Date, Message-ID, Bcc and MIME fields are handled
/// on their own.
fn kept_headers(msg: &mail_parser::Message<'_>) -> Vec<(String, String)> {
    const HANDLED: &[&str] = &[
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "sender",
        "return-path",
        "received",
    ];
    let raw = msg.raw_message();
    msg.headers()
        .iter()
        .filter(|h| {
            let n = h.name.as_str().to_ascii_lowercase();
            !HANDLED.contains(&n.as_str()) && !n.starts_with("content-")
        })
        .filter_map(|h| {
            let v = raw.get(h.offset_start as usize..h.offset_end as usize)?;
            let v = String::from_utf8_lossy(v).replace(['\r', '\n'], " ");
            Some((h.name.as_str().to_string(), v.trim().to_string()))
        })
        .collect()
}

pub fn run(args: SendmailArgs, env: &Env) -> Result<(), Failure> {
    let mut raw = Vec::new();
    std::io::stdin().read_to_end(&mut raw).map_err(|e| {
        Failure::new(format!("cannot read the message on stdin: {e}")).exit(EX_DATAERR)
    })?;
    let msg = MessageParser::default()
        .parse(&raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or_else(|| {
            Failure::new("standard input holds no RFC 5322 message")
                .hint("pipe a whole message (headers, blank line, body) into sealmail sendmail")
                .exit(EX_DATAERR)
        })?;
    let from = match &args.from {
        Some(f) => f
            .parse::<Mailbox>()
            .map_err(|e| Failure::from_error(&e).exit(EX_USAGE))?,
        None => mailboxes(header(&msg, HeaderName::From))
            .into_iter()
            .next()
            .ok_or_else(|| {
                Failure::new("the message has no From header and no -f was given")
                    .hint("add a From: header, or call sealmail sendmail -f you@example.org")
                    .exit(EX_DATAERR)
            })?,
    };
    let to_h = mailboxes(header(&msg, HeaderName::To));
    let cc_h = mailboxes(header(&msg, HeaderName::Cc));
    let bcc_h = mailboxes(header(&msg, HeaderName::Bcc));
    // The recipient set: the arguments, plus the headers with -t.
    let mut rcpts: Vec<String> = args
        .recipients
        .iter()
        .flat_map(|r| r.split(','))
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    if args.headers {
        rcpts.extend(
            to_h.iter()
                .chain(&cc_h)
                .chain(&bcc_h)
                .map(|m| m.email.clone()),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    rcpts.retain(|r| seen.insert(r.to_lowercase()));
    if rcpts.is_empty() {
        return Err(
            Failure::new("no recipients: give them as arguments or use -t")
                .hint("sealmail sendmail -t < message.eml")
                .exit(EX_USAGE),
        );
    }
    let is_in = |list: &[Mailbox], r: &str| list.iter().any(|m| m.email.eq_ignore_ascii_case(r));
    let mut draft = Draft {
        from,
        to: to_h
            .iter()
            .filter(|m| seen.contains(&m.email.to_lowercase()))
            .cloned()
            .collect(),
        cc: cc_h
            .iter()
            .filter(|m| seen.contains(&m.email.to_lowercase()))
            .cloned()
            .collect(),
        bcc: Vec::new(),
        subject: msg.subject().unwrap_or("").to_string(),
        body: String::new(),
        attachments: Vec::new(),
        date: msg.date().and_then(|d| {
            std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(
                d.to_timestamp().max(0) as u64,
            ))
        }),
        message_id: msg.message_id().map(|m| format!("<{m}>")),
        content: Some(raw.clone()),
        sign_with: env.config().ok().and_then(|c| c.identity.key),
        extra_headers: kept_headers(&msg),
    };
    for r in &rcpts {
        if !is_in(&draft.to, r) && !is_in(&draft.cc, r) {
            let m: Mailbox = r.parse().map_err(|e: sealmail::mime::BadAddress| {
                Failure::new(e.to_string()).exit(EX_USAGE)
            })?;
            draft.bcc.push(m);
        }
    }
    let ring = env.keyring()?;
    let notes = super::compose::prepare_recipients(env, &draft, &ring)
        .map_err(|f| f.exit(EX_UNAVAILABLE))?;
    let mut cb = env.password_cb();
    let outbox = env.outbox()?;
    let copies = match prepare(&draft, &ring, &env.ctx, &mut cb, &outbox) {
        Ok(c) => c,
        Err(e @ ComposeError::Recipients(_)) => {
            let hint = e.hint().unwrap_or_default();
            return Err(Failure::new(format!("nothing was sent: {e}"))
                .hint(hint)
                .exit(EX_UNAVAILABLE));
        }
        // The signing key is locked and nothing can ask for its passphrase (mutt, git or cron
        // runs us without a terminal): nothing is queued; this is set-up to do, not a
        // missing recipient (69).
        Err(ComposeError::Key(
            e @ (KeyError::Locked { .. }
            | KeyError::WrongPassphrase { .. }
            | KeyError::Agent { .. }),
        )) => {
            return Err(Failure::new(format!("nothing was queued or sent: {e}"))
                .hint(format!(
                    "sealmail sendmail runs without a terminal, so the passphrase must come from elsewhere:\n  keep the key in gpg-agent, whose pinentry can ask (and caches): sealmail key import --from-gpg, or sealmail key generate --gpg-agent\n  or store the passphrase in the OS keyring: sealmail secret set key {}",
                    match &e {
                        KeyError::Locked { fingerprint } | KeyError::WrongPassphrase { fingerprint } => fingerprint.as_str(),
                        _ => "FINGERPRINT",
                    }
                ))
                .exit(EX_CONFIG));
        }
        Err(e @ ComposeError::Key(KeyError::NoSigningKey { .. })) => {
            return Err(Failure::from(e).exit(EX_CONFIG))
        }
        Err(e) => return Err(Failure::from(e).exit(EX_TEMPFAIL)),
    };
    notes.iter().for_each(|n| eprintln!("{n}"));
    let entries =
        enqueue(&outbox, copies, env.ctx.time()).map_err(|e| Failure::from(e).exit(EX_TEMPFAIL))?;
    let cfg = env.config().map_err(|f| f.exit(EX_CONFIG))?;
    if cfg.smtp.is_none() {
        return Err(Failure::new(
            "no [smtp] section in config.toml; the message waits in the outbox",
        )
        .hint("add it (sealmail config init ...), then: sealmail outbox flush")
        .exit(EX_CONFIG));
    }
    let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    let r =
        super::send::deliver(env, &cfg, &outbox, Some(&ids)).map_err(|f| f.exit(EX_TEMPFAIL))?;
    let code = if r.failed() > 0 {
        EX_UNAVAILABLE
    } else {
        EX_TEMPFAIL
    };
    super::send::report(env, &r).map_err(|f| f.exit(code))
}
