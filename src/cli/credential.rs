//! `sealmail credential send`: the credential mail, with the pre-send report.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use sealmail::compose::{Attachment, Draft};
use sealmail::contractors::Channel;
use sealmail::credential::{password, vault, Credential, CredentialError, ATTACHMENT};
use sealmail::mime::{BadAddress, Mailbox};
use sealmail::send::{enqueue, prepare, prepare_signed_vault_only, Copy};
use serde_json::{json, Value};
use zeroize::{Zeroize, Zeroizing};

use super::output::print_json;
use super::{Env, Failure};

#[derive(Subcommand, Debug)]
pub enum CredentialCommand {
    /// Send access details (host, username, password, ...) encrypted and signed.
    ///
    /// Values never come from the command line: they are asked for with hidden input
    /// (--field NAME=?), read from a file (--from-file F.env|F.json), or generated (--generate
    /// NAME).
    ///
    /// Example: sealmail credential send --to bob@agency.example --field host=? --field username=? --generate password
    Send(SendArgs),
    /// Read a field of a received credential mail aloud: the value, then each group of four
    /// characters spelled for the phone (NATO alphabet, digits as words, symbols by name).
    ///
    /// Example: sealmail credential say password received.eml
    Say {
        /// The field (e.g. password).
        field: String,
        /// The credential mail; `-` or nothing reads stdin.
        #[arg(value_name = "FILE|-")]
        file: Option<PathBuf>,
    },
}

/// `credential say FIELD FILE` is `decrypt --field FIELD --say FILE`.
fn say(field: &str, file: Option<PathBuf>, env: &Env) -> Result<(), Failure> {
    use clap::Parser;
    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        d: super::decrypt::DecryptArgs,
    }
    let mut argv = vec![
        "decrypt".into(),
        "--field".into(),
        field.to_string(),
        "--say".into(),
    ];
    if let Some(f) = file {
        argv.push(f.display().to_string());
    }
    let w = Wrap::try_parse_from(argv).map_err(|e| Failure::new(e.to_string()).usage())?;
    super::decrypt::run(w.d, env)
}

#[derive(Args, Debug)]
pub struct SendArgs {
    /// A recipient (repeat for more).
    #[arg(long, required = true)]
    to: Vec<String>,
    /// Your address (default: [identity] email of config.toml).
    #[arg(long)]
    from: Option<String>,
    /// The subject (travels only inside the encryption).
    #[arg(long, default_value = "Access details")]
    subject: String,
    /// A field to ask for with hidden input: NAME=? (repeat for more).
    #[arg(long, value_name = "NAME=?")]
    field: Vec<String>,
    /// A field whose value sealmail generates (a 20-character password).
    #[arg(long, value_name = "NAME")]
    generate: Vec<String>,
    /// Read the fields from a .env file (KEY=value lines) or a flat JSON object.
    #[arg(long, value_name = "FILE")]
    from_file: Option<PathBuf>,
    /// A note for the recipient (not secret).
    #[arg(long)]
    note: Option<String>,
    /// Also attach a KeePass vault (KDBX4) with the fields; its passphrase is shown once, here.
    #[arg(long)]
    vault: bool,
    /// Send only a KeePass vault (KDBX4) with the fields, its passphrase shown once here for
    /// you to say by phone: nothing secret anywhere else in the mail. Works whether or not the
    /// recipient has a key: with one the mail is also encrypted; without, it goes signed only
    /// (the pre-send report says what a mail server will see).
    #[arg(long, conflicts_with = "vault")]
    vault_only: bool,
    /// With --vault: also put the fields in the (encrypted) body and credential.json.
    #[arg(long, requires = "vault")]
    also_in_body: bool,
    /// Words in the vault passphrase (at least 6).
    #[arg(long, default_value_t = 6)]
    vault_words: usize,
    /// Show the pre-send report and write the mail to -o (or stdout): nothing is queued or
    /// sent.
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run: write the mail here (a new file; see --force).
    #[arg(short = 'o', long, value_name = "OUT", requires = "dry_run")]
    output: Option<PathBuf>,
    /// Replace the -o file if it exists.
    #[arg(long)]
    force: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
}

fn fields(args: &SendArgs) -> Result<Credential, Failure> {
    let mut c = Credential {
        note: args.note.clone(),
        ..Default::default()
    };
    if let Some(f) = &args.from_file {
        super::output::need_file(f, "--from-file")?;
        let text = Zeroizing::new(std::fs::read_to_string(f).map_err(|e| {
            Failure::new(format!("cannot read {}: {e}", f.display()))
                .hint("check the path given to --from-file")
        })?);
        let name = f.display().to_string();
        let json = f.extension().is_some_and(|x| x == "json") || text.trim_start().starts_with('{');
        if json {
            c.parse_json(&text, &name)?;
        } else {
            c.parse_env(&text, &name)?;
        }
    }
    for spec in &args.field {
        let (name, v) = spec.split_once('=').unwrap_or((spec.as_str(), "?"));
        if v != "?" {
            return Err(Failure::new(format!(
                "--field {name}=... : values are never taken from the command line (they would stay in your shell history and the process list)"
            ))
            .hint(format!("write --field {name}=? and type it at the prompt, or put it in a file: --from-file secrets.env"))
            .usage());
        }
        let no_tty = || {
            Failure::new(format!("cannot ask for {name}: no terminal")).hint(
                "give the values in a file instead: --from-file secrets.env (KEY=value lines)",
            )
        };
        // A host or a username is shown as it is typed; a secret is hidden and asked twice,
        // since a typo in it cannot be seen.
        let value = if sealmail::credential::is_secret_field(name) {
            let a = super::pass::Passphrases::prompt_line(&format!("{name} (hidden): "))
                .ok_or_else(no_tty)?;
            let b = super::pass::Passphrases::prompt_line(&format!("{name} again: "))
                .ok_or_else(no_tty)?;
            if *a != *b {
                return Err(Failure::new(format!("the two entries of {name} differ"))
                    .hint("run the command again"));
            }
            a
        } else {
            super::pass::Passphrases::prompt_visible(&format!("{name}: ")).ok_or_else(no_tty)?
        };
        c.push(name, value)?;
    }
    for name in &args.generate {
        let p = password::generate(20, true).map_err(|e| Failure::from_error(&e))?;
        // The sender must set it on the server: shown once, on the terminal only.
        show_generated(name, &p);
        c.push(name, p)?;
    }
    if c.fields.is_empty() {
        return Err(CredentialError::NoFields.into());
    }
    Ok(c)
}

/// The pre-send report: for each recipient the key, where it came from, who verified it, its
/// expiry, the contract end; what travels in the clear; the size.
fn presend_report(
    env: &Env,
    draft: &Draft,
    copies: &[Copy],
    encrypted: bool,
) -> Result<Value, Failure> {
    let ring = env.keyring()?;
    let contractors = sealmail::contractors::Contractors::open(&env.home)
        .list()
        .unwrap_or_default();
    let mut recipients = Vec::new();
    for m in draft.to.iter().chain(&draft.cc).chain(&draft.bcc) {
        let contract = contractors
            .iter()
            .find(|c| c.emails.contains(&m.email.to_lowercase()));
        let r = match ring.recipient(&m.email, &env.ctx) {
            Ok(r) => r,
            // A vault-only mail to someone without a usable key: it goes signed only.
            Err(e) if !encrypted => {
                recipients.push(json!({
                    "email": m.email,
                    "fingerprint": null,
                    "acceptance": null,
                    "warnings": [format!("no usable key ({e}): the mail is not encrypted")],
                    "contractor": contract.map(|c| c.name.clone()),
                    "contract_end": contract.and_then(|c| c.until.clone()),
                }));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let info = ring.info(&r.cert, &env.ctx);
        recipients.push(json!({
            "email": m.email,
            "fingerprint": info.fingerprint,
            "origin": info.origin,
            "acceptance": info.acceptance,
            "verified_by": info.verification.as_ref().map(|v| v.by.clone()),
            "verified_how": info.verification.as_ref().map(|v| v.how.clone()),
            "verified_at": info.verification.as_ref().map(|v| v.at.clone()),
            "expires": info.expires,
            "warnings": info.warnings,
            "contractor": contract.map(|c| c.name.clone()),
            "contract_end": contract.and_then(|c| c.until.clone()),
        }));
    }
    let main = copies.iter().find(|c| c.main).or(copies.first());
    let head = main.map(|c| {
        let raw = c.head().unwrap_or_default();
        let s = String::from_utf8_lossy(&raw);
        let end = s.find("\r\n\r\n").unwrap_or(s.len());
        s[..end].to_string()
    });
    let header = |name: &str| {
        head.as_deref().and_then(|h| {
            h.split("\r\n")
                .find(|l| {
                    l.to_lowercase()
                        .starts_with(&format!("{}:", name.to_lowercase()))
                })
                .map(|l| l[name.len() + 1..].trim().to_string())
        })
    };
    Ok(json!({
        "recipients": recipients,
        "clear": {
            "envelope_from": draft.from.email,
            "envelope_to": copies.iter().flat_map(|c| c.envelope.to.clone()).collect::<Vec<_>>(),
            "from": header("From"),
            "to": header("To"),
            "cc": header("Cc"),
            "date": header("Date"),
            "message_id": header("Message-ID"),
            "subject": header("Subject"),
        },
        "encrypted": if encrypted {
            json!(["subject", "body", "attachments", "protected From/To/Cc/Date"])
        } else {
            json!([])
        },
        "attachments_in_clear": if encrypted {
            json!([])
        } else {
            json!(draft
                .attachments
                .iter()
                .map(|a| json!({"name": a.filename, "size": a.data.len()}))
                .collect::<Vec<_>>())
        },
        "vault_only": draft.attachments.iter().all(|a| a.filename.ends_with(".kdbx")),
        "size": copies.iter().map(|c| c.message.len()).sum::<u64>(),
        "messages": copies.len(),
    }))
}

fn print_report(r: &Value) {
    eprintln!("Before sending:");
    for p in r["recipients"].as_array().into_iter().flatten() {
        let s = |k: &str| p[k].as_str().unwrap_or("-").to_string();
        eprintln!("  to {}", s("email"));
        eprintln!(
            "     key {}  from {}  {}",
            s("fingerprint"),
            s("origin"),
            s("acceptance")
        );
        match p["verified_by"].as_str() {
            Some(by) => eprintln!(
                "     verified by {by} ({}, {})",
                s("verified_how"),
                s("verified_at")
            ),
            None => eprintln!(
                "     fingerprint not verified (sealmail key verify {})",
                s("fingerprint")
            ),
        }
        eprintln!(
            "     key expires {}  contract ends {}",
            p["expires"].as_str().unwrap_or("never"),
            p["contract_end"].as_str().unwrap_or("-")
        );
        for w in p["warnings"].as_array().into_iter().flatten() {
            eprintln!("     WARNING: {}", w.as_str().unwrap_or(""));
        }
    }
    let c = &r["clear"];
    eprintln!(
        "  in the clear: envelope {} -> {}",
        c["envelope_from"].as_str().unwrap_or(""),
        c["envelope_to"]
    );
    eprintln!(
        "                From: {}  To: {}  Date: {}  Subject: {}",
        c["from"].as_str().unwrap_or(""),
        c["to"].as_str().unwrap_or(""),
        c["date"].as_str().unwrap_or(""),
        c["subject"].as_str().unwrap_or("")
    );
    let clear: Vec<&Value> = r["attachments_in_clear"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if clear.is_empty() {
        eprintln!(
            "  encrypted: the subject, the body, the attachments; size {} bytes",
            r["size"]
        );
    } else {
        eprintln!("  NOT ENCRYPTED: a recipient has no usable key, so this vault-only mail goes signed, in the clear.");
        for a in clear {
            eprintln!(
                "  a mail server will see: the vault {} ({} bytes), the subject, From, To, Date",
                a["name"].as_str().unwrap_or(""),
                a["size"]
            );
        }
        eprintln!(
            "  the vault's passphrase is never mailed: say it by phone, never by mail or chat"
        );
    }
}

/// What a vault-only mail says: no secret, only what to do.
const VAULT_ONLY_BODY: &str =
    "An access vault is attached (a KeePass file, KDBX4). Its passphrase comes by phone;
it is never sent by mail or chat. Open the vault with KeePassXC (or any KeePass app)
and the passphrase you were told.
";

/// Shows the vault passphrase once, on the terminal if there is one.
/// Shows a generated value to the sender once, on the terminal only (never on stderr, which
/// may be a log); without a terminal it says how to read it back from the sent copy.
fn show_generated(name: &str, value: &str) {
    use std::io::Write;
    match super::tty::open() {
        Some(mut t) => {
            let _ = write!(
                t,
                "\nGenerated {name} (shown once; set it on the server now):\n\n    {value}\n\n"
            );
        }
        None => eprintln!(
            "sealmail: the generated {name} is not shown (no terminal); read it from your sent copy: sealmail decrypt --field {name} SENT-COPY.eml"
        ),
    }
}

fn show_once(passphrase: &str) {
    use std::io::Write;
    let words: String = password::words_of(passphrase)
        .iter()
        .enumerate()
        .map(|(i, w)| format!("    {}. {w}\n", i + 1))
        .collect();
    let text = zeroize::Zeroizing::new(format!(
        "\nVault passphrase (shown once, not stored anywhere):\n\n    {passphrase}\n\nSay it to the recipient by phone, word by word, with the dashes between them;\nhave them say each word back. Do not send it by mail or chat.\n\n{words}\n"
    ));
    match super::tty::open() {
        Some(mut t) => {
            let _ = t.write_all(text.as_bytes());
        }
        None => eprint!("{}", text.as_str()),
    }
}

pub fn run(cmd: CredentialCommand, env: &Env) -> Result<(), Failure> {
    let args = match cmd {
        CredentialCommand::Send(args) => args,
        CredentialCommand::Say { field, file } => return say(&field, file, env),
    };
    let from = match &args.from {
        Some(f) => f.clone(),
        None => env.config()?.identity.email.ok_or_else(|| {
            Failure::new("no sender: give --from, or set [identity] email in config.toml")
                .hint("sealmail config init --email YOU")
                .usage()
        })?,
    };
    let from: Mailbox = from
        .parse()
        .map_err(|e: BadAddress| Failure::new(e.to_string()).usage())?;
    let mut to = Vec::new();
    for t in &args.to {
        to.push(
            t.parse::<Mailbox>()
                .map_err(|e: BadAddress| Failure::new(e.to_string()).usage())?,
        );
    }
    // How the contract lets credentials travel.
    let channel = sealmail::contractors::Contractors::open(&env.home)
        .channel_for(args.to.iter().map(String::as_str))?;
    if let Some((name, Channel::Phone)) = &channel {
        return Err(Failure::new(format!(
            "the contract of {name} says credentials go to them by phone only; nothing was sent"
        ))
        .hint("read it to them: sealmail credential say FIELD MAIL, or make one to say: sealmail password --say"));
    }
    let vault_only = args.vault_only || matches!(channel, Some((_, Channel::Vault)));
    if vault_only && !args.vault_only {
        eprintln!(
            "sealmail: the contract of {} says credentials go in a vault: sending a vault only (--vault-only)",
            channel.as_ref().map(|c| c.0.as_str()).unwrap_or("")
        );
    }
    // Refuse an unusable vault policy before asking for anything.
    let vault_pass = if args.vault || vault_only {
        Some(vault::vault_passphrase(args.vault_words)?)
    } else {
        None
    };
    if let Some(p) = &args.output {
        super::output::need_new(p, "-o", args.force)?;
    }
    let cred = fields(&args)?;
    // The secrets go in the body and credential.json, or only in the vault.
    let in_body = vault_pass.is_none() || args.also_in_body;
    let mut attachments = Vec::new();
    if in_body {
        attachments.push(Attachment {
            filename: ATTACHMENT.into(),
            content_type: "application/json".into(),
            data: cred.json().to_vec(),
            path: None,
        });
    }
    if let Some(p) = &vault_pass {
        let kdbx = vault::build(&cred, &args.subject, p)?;
        attachments.push(Attachment {
            filename: if vault_only {
                "access.kdbx"
            } else {
                "credentials.kdbx"
            }
            .into(),
            content_type: "application/x-keepass2".into(),
            data: kdbx.to_vec(),
            path: None,
        });
    }
    let body = if in_body {
        cred.body(&args.subject).to_string()
    } else {
        VAULT_ONLY_BODY.to_string()
    };
    let mut draft = Draft {
        from,
        to,
        cc: vec![],
        bcc: vec![],
        subject: args.subject.clone(),
        body,
        attachments,
        date: None,
        message_id: None,
        content: None,
        sign_with: env.config()?.identity.key,
        extra_headers: if vault_only {
            vec![]
        } else {
            vec![("X-Sealmail-Credential".into(), "1".into())]
        },
    };
    let result = compose_and_send(
        env,
        &args,
        &draft,
        vault_pass.as_deref().map(|s| s.as_str()),
        vault_only,
    );
    // The secrets in the draft are wiped whatever happened.
    draft.body.zeroize();
    for a in &mut draft.attachments {
        a.data.zeroize();
    }
    result
}

fn compose_and_send(
    env: &Env,
    args: &SendArgs,
    draft: &Draft,
    vault_pass: Option<&str>,
    vault_only: bool,
) -> Result<(), Failure> {
    let ring = env.keyring()?;
    let notes = match super::compose::prepare_recipients(env, draft, &ring) {
        Ok(n) => n,
        // A vault-only mail may go without a key; an ended contract still stops it.
        Err(e) if vault_only => {
            sealmail::contractors::Contractors::open(&env.home).check_recipients(
                draft.to.iter().chain(&draft.cc).map(|m| m.email.as_str()),
                env.ctx.time(),
            )?;
            eprintln!("sealmail: {}", e.message());
            vec![]
        }
        Err(e) => return Err(e),
    };
    let mut cb = env.password_cb();
    let outbox = env.outbox()?;
    let encrypted = !vault_only
        || draft
            .to
            .iter()
            .chain(&draft.cc)
            .all(|m| ring.recipient(&m.email, &env.ctx).is_ok());
    let copies = if encrypted {
        prepare(draft, &ring, &env.ctx, &mut cb, &outbox)?
    } else {
        prepare_signed_vault_only(draft, &ring, &env.ctx, &mut cb, &outbox)?
    };
    notes.iter().for_each(|n| eprintln!("{n}"));
    let report = presend_report(env, draft, &copies, encrypted)?;
    if env.json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    if !args.dry_run && !args.yes {
        if let Some(false) = super::tty::ask_yes("Send this credential mail? [y/N] ") {
            return Err(Failure::new("not sent (you said no)")
                .hint("nothing was queued; run the command again when ready"));
        }
    }
    if args.dry_run {
        // Nothing is queued: the mail goes to -o, or to stdout when that is not the report's.
        if args.output.is_some() || !env.json {
            super::send::write_main_copy(&copies, args.output.as_deref(), args.force)?;
        }
        if let Some(p) = vault_pass {
            show_once(p);
        }
        eprintln!("dry run: nothing was queued or sent");
        return Ok(());
    }
    let mut entries = enqueue(&outbox, copies, env.ctx.time())?;
    if !encrypted {
        for e in &mut entries {
            outbox.mark_vault_only(e)?;
        }
    }
    if let Some(p) = vault_pass {
        show_once(p);
    }
    let cfg = env.config()?;
    let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    let r = super::send::deliver(env, &cfg, &outbox, Some(&ids))?;
    super::send::record_sent(env, &entries, &r);
    super::send::report(env, &r)
}
