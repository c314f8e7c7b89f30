//! `sealmail send`: compose, queue durably, deliver over SMTP.

use clap::Args;
use sealmail::config::Config;
use sealmail::send::{enqueue, prepare};
use sealmail::transport::{Entry, FlushReport, Outbox, SmtpTransport};

use super::compose::ComposeArgs;
use super::output::print_json;
use super::{Env, Failure};

/// Encrypt and sign like `compose`, put the message in the outbox, and send it over the SMTP
/// server of config.toml. Bcc recipients get separately encrypted copies. A message that cannot
/// be sent now stays in the outbox (`sealmail outbox list`, `sealmail outbox flush`).
///
/// Example: sealmail send --to bob@agency.example --subject "db1 access" --body-file note.txt
#[derive(Args, Debug)]
pub struct SendArgs {
    #[command(flatten)]
    pub compose: ComposeArgs,
    /// Compose and check everything, write the message to -o or stdout, and stop: nothing is
    /// queued and nothing is sent.
    #[arg(long)]
    pub dry_run: bool,
}

/// Connects and flushes `ids` (all queued entries when `None`, ignoring retry times).
pub fn deliver(
    env: &Env,
    cfg: &Config,
    outbox: &Outbox,
    ids: Option<&[String]>,
) -> Result<FlushReport, Failure> {
    let smtp = cfg.smtp().map_err(|e| {
        Failure::new(format!("{e}; the message stays in the outbox"))
            .hint("add the [smtp] section (sealmail config init ...), then: sealmail outbox flush")
    })?;
    let password = match &smtp.username {
        Some(_) => Some(
            sealmail::secrets::smtp_password(smtp, &mut |what| {
                super::pass::Passphrases::prompt_line(&format!("{what}: "))
            })
            .map_err(|e| {
                let hint = e.hint().unwrap_or_default();
                Failure::new(format!("{e}; the message stays in the outbox")).hint(hint)
            })?,
        ),
        None => None,
    };
    let transport = SmtpTransport::new(smtp, password).map_err(|e| {
        Failure::new(format!("{e}; the message stays in the outbox")).hint(e.hint())
    })?;
    // Big messages: a progress bar while they upload (on a terminal only).
    let bar = std::sync::Arc::new(super::output::ByteBar::new(false));
    let b = bar.clone();
    let transport = transport.with_progress(move |done, total| {
        if total >= 8 << 20 {
            b.update(done, total)
        }
    });
    // Checked again at delivery: a contract may have ended, a key been revoked or rejected,
    // since the message was queued.
    let ring = env.keyring()?;
    let contractors = sealmail::contractors::Contractors::open(&env.home);
    let check = |e: &Entry| -> Result<(), sealmail::transport::Refusal> {
        contractors
            .check_recipients(e.envelope.to.iter().map(String::as_str), env.ctx.time())
            .map_err(|err| sealmail::transport::Refusal {
                reason: err.to_string(),
                hint: err.hint().unwrap_or_default(),
            })?;
        // A signed vault-only mail needs no key (its passphrase never travels by mail).
        for to in e.envelope.to.iter().filter(|_| !e.vault_only) {
            ring.recipient(to, &env.ctx)
                .map_err(|err| sealmail::transport::Refusal {
                    reason: format!("not sending: {err}"),
                    hint: err.hint().unwrap_or_default(),
                })?;
        }
        Ok(())
    };
    let r = outbox.flush(&transport, env.ctx.time(), true, ids, &check);
    bar.finish();
    let r = r?;
    if cfg.imap.is_some() {
        super::imap::append_sent(env, &r);
    }
    Ok(r)
}

/// Prints a flush report; a failure when anything was not sent.
pub fn report(env: &Env, r: &FlushReport) -> Result<(), Failure> {
    if env.json {
        print_json(&r.outcomes)?;
    } else {
        for o in &r.outcomes {
            match o.result.as_str() {
                "sent" => eprintln!("sent {}", o.id),
                "queued" => eprintln!(
                    "not sent {} (kept in the outbox for retry): {}",
                    o.id,
                    o.error.as_deref().unwrap_or("")
                ),
                _ => eprintln!(
                    "refused {} (moved to outbox/failed): {}",
                    o.id,
                    o.error.as_deref().unwrap_or("")
                ),
            }
        }
    }
    if let Some(bad) = r.outcomes.iter().find(|o| o.result != "sent") {
        let mut f = Failure::new(format!(
            "{} of {} message(s) not sent: {}",
            r.outcomes.len() - r.sent(),
            r.outcomes.len(),
            bad.error.as_deref().unwrap_or("")
        ));
        if let Some(h) = &bad.hint {
            f = f.hint(h.clone());
        }
        return Err(f);
    }
    Ok(())
}

/// Composes every copy of the message (staged in the outbox, not queued yet: a dropped copy
/// leaves nothing), after the recipient checks; prints what the user should know about keys.
pub fn compose_copies(
    env: &Env,
    args: &ComposeArgs,
) -> Result<(Outbox, Vec<sealmail::send::Copy>), Failure> {
    if args.sign_only {
        return Err(
            Failure::new("send always encrypts; --sign-only is for compose")
                .hint("drop --sign-only, or use: sealmail compose --sign-only ...")
                .usage(),
        );
    }
    let draft = args.draft(env)?;
    let ring = env.keyring()?;
    refresh_stale(env, &ring, &draft);
    let notes = super::compose::prepare_recipients(env, &draft, &ring)?;
    let mut cb = env.password_cb();
    let outbox = env.outbox()?;
    let copies = prepare(&draft, &ring, &env.ctx, &mut cb, &outbox)?;
    notes.iter().for_each(|n| eprintln!("{n}"));
    Ok((outbox, copies))
}

/// Writes the main copy of `copies` to `-o` (a new file unless `--force`), or to stdout.
pub fn write_main_copy(
    copies: &[sealmail::send::Copy],
    output: Option<&std::path::Path>,
    force: bool,
) -> Result<(), Failure> {
    let Some(main) = copies.iter().find(|c| c.main) else {
        return Ok(());
    };
    let mut from = std::fs::File::open(main.message.path())
        .map_err(|e| Failure::new(format!("cannot read the composed message: {e}")))?;
    match output {
        Some(p) => {
            let cannot = |e: std::io::Error| {
                Failure::new(format!("cannot write {}: {e}", p.display()))
                    .hint("choose a writable path for -o")
            };
            let mut to = sealmail::partial::Partial::beside(p).map_err(cannot)?;
            std::io::copy(&mut from, &mut to).map_err(cannot)?;
            to.persist(p, force).map_err(cannot)
        }
        None => {
            let mut out = std::io::stdout().lock();
            match std::io::copy(&mut from, &mut out) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Failure::new(format!("cannot write to stdout: {e}")))
                }
                _ => Ok(()),
            }
        }
    }
}

pub fn queue(env: &Env, args: &ComposeArgs) -> Result<(Outbox, Vec<Entry>), Failure> {
    let (outbox, copies) = compose_copies(env, args)?;
    if args.output.is_some() {
        write_main_copy(&copies, args.output.as_deref(), args.force)?;
    }
    let entries = enqueue(&outbox, copies, env.ctx.time())?;
    Ok((outbox, entries))
}

pub fn run(args: SendArgs, env: &Env) -> Result<(), Failure> {
    if args.dry_run {
        // Nothing is queued: the message goes to -o or stdout, and nothing a later
        // `outbox flush` would send is left.
        let (_outbox, copies) = compose_copies(env, &args.compose)?;
        write_main_copy(&copies, args.compose.output.as_deref(), args.compose.force)?;
        let to: Vec<String> = copies
            .iter()
            .flat_map(|c| c.envelope.to.iter().cloned())
            .collect();
        if env.json && args.compose.output.is_some() {
            return print_json(&serde_json::json!({
                "dry_run": true,
                "queued": false,
                "recipients": to,
                "output": args.compose.output.as_ref().map(|p| p.display().to_string()),
            }));
        }
        eprintln!(
            "dry run: composed for {} and {}; nothing was queued or sent",
            to.join(", "),
            match &args.compose.output {
                Some(p) => format!("written to {}", p.display()),
                None => "written to stdout".into(),
            }
        );
        return Ok(());
    }
    let (outbox, entries) = queue(env, &args.compose)?;
    let cfg = env.config()?;
    let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    let r = deliver(env, &cfg, &outbox, Some(&ids))?;
    record_sent(env, &entries, &r);
    report(env, &r)
}

/// Re-fetches recipients' keys that came from the network and were last fetched longer ago
/// than `[network] refresh_after_days` (default 7), so a revocation is seen before sending.
/// A failed refresh is a warning; the key in the store is then used as it is.
fn refresh_stale(env: &Env, ring: &sealmail::keys::Keyring, draft: &sealmail::compose::Draft) {
    let Ok(cfg) = env.config() else { return };
    let Ok(net) = env.net() else { return };
    if net.offline {
        return;
    }
    let max_age = cfg.network.refresh_after_days.unwrap_or(7) as i64 * 86400;
    let now = chrono::DateTime::<chrono::Utc>::from(env.ctx.time());
    for m in draft.to.iter().chain(&draft.cc).chain(&draft.bcc) {
        for cert in ring.find(&m.email).unwrap_or_default() {
            let meta = ring.meta(&cert.fingerprint());
            if !meta.origin.contains(':') {
                continue;
            }
            let last = meta.refreshed.as_deref().or(Some(meta.added.as_str()));
            let age = last
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds())
                .unwrap_or(i64::MAX);
            if age <= max_age {
                continue;
            }
            match env.fetch_key(&m.email, &net, true) {
                Ok(f) if f.cert.fingerprint() == cert.fingerprint() => {
                    let _ = ring.store_as(f.cert, &f.origin, meta.acceptance, env.ctx.time());
                }
                Ok(_) => eprintln!("sealmail: warning: {} now serves another key for {}; check it: sealmail key fetch {}", meta.origin, m.email, m.email),
                Err(e) => eprintln!("sealmail: warning: could not refresh the key of {}: {e}", m.email),
            }
        }
    }
}

/// Notes the last mail sent to contractors that received one.
pub fn record_sent(env: &Env, entries: &[Entry], r: &FlushReport) {
    let sent: Vec<&str> = entries
        .iter()
        .filter(|e| {
            r.outcomes
                .iter()
                .any(|o| o.id == e.id && o.result == "sent")
        })
        .flat_map(|e| e.envelope.to.iter().map(|s| s.as_str()))
        .collect();
    let _ = sealmail::contractors::Contractors::open(&env.home).record_sent(sent, env.ctx.time());
}
