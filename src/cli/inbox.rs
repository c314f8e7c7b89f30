//! `sealmail inbox`: the messages of an IMAP folder, one line each, with what protected them.
//!
//! Read-only (EXAMINE and BODY.PEEK): nothing is marked read unless `--mark-read`.

use clap::Args;
use serde_json::json;

use sealmail::source::{OuterHeaders, Source};

use super::output::{clean_line, write_stdout};
use super::{Env, Failure};

#[derive(Args, Debug)]
pub struct InboxArgs {
    /// The folder.
    #[arg(long, value_name = "FOLDER", default_value = "INBOX")]
    folder: String,
    /// Only the newest N messages (0: all).
    #[arg(long, value_name = "N", default_value_t = 50)]
    limit: usize,
    /// Only messages not yet read.
    #[arg(long)]
    unseen: bool,
    /// Mark the listed messages as read.
    #[arg(long)]
    mark_read: bool,
    /// List the folders instead, with their special use.
    #[arg(long)]
    folders: bool,
}

pub fn run(a: InboxArgs, env: &Env) -> Result<(), Failure> {
    let (mut session, cfg) = super::imap::connect(env)?;
    if a.folders {
        for f in session.folders()? {
            if env.json {
                write_stdout(format!("{}\n", json!(f)).as_bytes())?;
            } else {
                write_stdout(
                    clean_line(&format!(
                        "{}{}",
                        f.name,
                        f.special_use.map(|u| format!(" ({u})")).unwrap_or_default()
                    ))
                    .as_bytes(),
                )?;
                write_stdout(b"\n")?;
            }
        }
        session.logout();
        return Ok(());
    }
    let folder =
        super::imap::folders(&mut session, std::slice::from_ref(&a.folder), false, &[])?.remove(0);
    let ring = env.keyring()?;
    let limits = cfg.read_limits();
    let mut src = Source::Imap {
        session: Box::new(session),
        account: cfg.account_name().to_string(),
        folders: vec![folder.clone()],
        query: if a.unseen { "UNSEEN" } else { "ALL" }.into(),
        limit: a.limit,
    };
    let mut cb = env.password_cb();
    let mut listed = Vec::new();
    let mut out_err: Option<Failure> = None;
    let mut count = 0usize;
    src.each(&mut |m| {
        let Some(place) = m.imap else { return true };
        count += 1;
        listed.push(place.uid);
        let outer = OuterHeaders::of(&m.raw);
        let read = sealmail::read::read_message_with(
            &m.raw,
            &ring,
            &env.ctx,
            &mut cb,
            sealmail::read::ReadOptions {
                embedded: false,
                limits,
            },
        );
        let line = match (&read, env.json) {
            (Ok(r), true) => json!({
                "uid": place.uid, "folder": place.folder, "account": place.account,
                "date": outer.date, "from": outer.from, "subject": outer.subject,
                "protected_subject": r.protected_headers.then(|| r.subject.clone()),
                "encrypted": r.encrypted, "integrity": r.integrity, "signature": r.signature,
                "seen": place.seen,
            })
            .to_string(),
            (Err(e), true) => json!({
                "uid": place.uid, "folder": place.folder, "account": place.account,
                "date": outer.date, "from": outer.from, "subject": outer.subject,
                "encrypted": true, "integrity": "failed", "signature": null,
                "seen": place.seen, "error": e.to_string(),
            })
            .to_string(),
            (Ok(r), false) => clean_line(&format!(
                "{:>6} {} {} \"{}\"{}: {}",
                place.uid,
                outer.date.as_deref().unwrap_or("-"),
                outer.from,
                outer.subject,
                if r.protected_headers && r.subject != outer.subject {
                    format!(" (protected subject \"{}\")", r.subject)
                } else {
                    String::new()
                },
                super::decrypt::verdict_line(r).trim_start_matches("sealmail: ")
            )),
            (Err(e), false) => clean_line(&format!(
                "{:>6} {} {} \"{}\": FAILED: {e}",
                place.uid,
                outer.date.as_deref().unwrap_or("-"),
                outer.from,
                outer.subject
            )),
        };
        if let Err(e) = write_stdout(format!("{line}\n").as_bytes()) {
            out_err = Some(e);
            return false;
        }
        true
    })?;
    if let Some(e) = out_err {
        return Err(e);
    }
    let Source::Imap { mut session, .. } = src else {
        unreachable!("built above")
    };
    if a.mark_read && !listed.is_empty() {
        session.select(&folder)?;
        session.mark_seen(&listed)?;
    }
    session.logout();
    if !env.json {
        eprintln!("sealmail: {count} messages in {folder}");
    }
    Ok(())
}
