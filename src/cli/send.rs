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
    /// Only write the message to the outbox; do not connect.
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
    let r = outbox.flush(&transport, env.ctx.time(), true, ids);
    bar.finish();
    Ok(r?)
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

pub fn queue(env: &Env, args: &ComposeArgs) -> Result<(Outbox, Vec<Entry>), Failure> {
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
    if let Some(p) = &args.output {
        if let Some(main) = copies.iter().find(|c| c.main) {
            std::fs::copy(main.message.path(), p)
                .map_err(|e| Failure::new(format!("cannot write {}: {e}", p.display())))?;
        }
    }
    let entries = enqueue(&outbox, copies, env.ctx.time())?;
    Ok((outbox, entries))
}

pub fn run(args: SendArgs, env: &Env) -> Result<(), Failure> {
    let (outbox, entries) = queue(env, &args.compose)?;
    if args.dry_run {
        if env.json {
            return print_json(&entries);
        }
        for e in &entries {
            eprintln!(
                "queued {} for {} (dry run, not sent): {}",
                e.id,
                e.envelope.to.join(", "),
                outbox.queue_dir().join(format!("{}.eml", e.id)).display()
            );
        }
        return Ok(());
    }
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
