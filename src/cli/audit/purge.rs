//! `sealmail audit --imap ... --purge`: the audit's IMAP sources, and the clean-up after the
//! report: every message with a finding moved to a quarantine folder (or expunged), folder by
//! folder, each step written to the purge report as soon as the server confirmed it, so an
//! interrupted purge says what was done and can simply be run again.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};

use sealmail::credential::audit::{Finding, Source};
use serde_json::json;

use super::AuditArgs;
use crate::cli::output::clean_line;
use crate::cli::{Env, Failure};

/// The folders the audit reads by default.
const DEFAULT_FOLDERS: &[&str] = &["INBOX", "Sent", "Archive"];

/// Connects to each account and lists the folders to read.
pub(super) fn imap_sources(
    env: &Env,
    accounts: &[String],
    a: &AuditArgs,
) -> Result<Vec<Source>, Failure> {
    let names: Vec<Option<&String>> = if accounts.is_empty() {
        vec![None]
    } else {
        accounts.iter().map(Some).collect()
    };
    let mut out = Vec::new();
    for name in names {
        let (mut session, cfg) = match name {
            None => crate::cli::imap::connect(env)?,
            Some(n) => crate::cli::imap::connect_account(env, n)?,
        };
        let mut folders =
            crate::cli::imap::folders(&mut session, &a.folder, a.all_folders, DEFAULT_FOLDERS)?;
        if a.purge {
            // What is already in quarantine stays there.
            folders.retain(|f| f != &a.to_folder);
        }
        out.push(Source::Imap {
            session: Box::new(session),
            account: cfg.account_name().to_string(),
            folders,
            query: "ALL".into(),
            limit: 0,
        });
    }
    Ok(out)
}

/// A message with findings on a server.
#[derive(Debug, Default)]
pub(super) struct Target {
    message_id: Option<String>,
    date: Option<String>,
    kinds: Vec<String>,
}

/// The messages with findings, by account and folder, then UID.
#[derive(Debug, Default)]
pub(super) struct Targets(BTreeMap<(String, String), BTreeMap<u32, Target>>);

impl Targets {
    pub(super) fn add(&mut self, f: &Finding) {
        let Some(p) = &f.imap else { return };
        let t = self
            .0
            .entry((p.account.clone(), p.folder.clone()))
            .or_default()
            .entry(p.uid)
            .or_default();
        t.message_id = f.message_id.clone();
        t.date = f.date.clone();
        if !t.kinds.contains(&f.kind) {
            t.kinds.push(f.kind.clone());
        }
    }

    fn count(&self) -> usize {
        self.0.values().map(BTreeMap::len).sum()
    }
}

fn ask(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    matches!(line.trim(), "y" | "Y" | "yes")
}

/// Moves (or deletes) every message in `targets`, through the sessions of `sources`.
pub(super) fn run(
    env: &Env,
    a: &AuditArgs,
    sources: &mut [Source],
    targets: &Targets,
) -> Result<(), Failure> {
    let n = targets.count();
    let action = if a.delete {
        "delete".to_string()
    } else {
        format!("move to {}", a.to_folder)
    };
    if n == 0 {
        eprintln!("sealmail audit: nothing to purge on the server");
        return Ok(());
    }
    if a.dry_run {
        for ((account, folder), uids) in &targets.0 {
            for (uid, t) in uids {
                eprintln!(
                    "{}",
                    clean_line(&format!(
                        "would {action}: {account} {folder} UID {uid} {} {} ({})",
                        t.message_id.as_deref().unwrap_or("-"),
                        t.date.as_deref().unwrap_or("-"),
                        t.kinds.join(", ")
                    ))
                );
            }
        }
        eprintln!("sealmail audit: dry run: {n} messages would be purged; nothing was changed");
        return Ok(());
    }
    if !a.yes && !ask(&format!("{n} messages: {action}?")) {
        return Err(
            Failure::new(format!("not purged: {n} messages left where they are")).hint(
                "confirm at the prompt, or give --yes (see first what would happen with --dry-run)",
            ),
        );
    }
    let dir = env.home.root().join("purge");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    let stamp = chrono::DateTime::<chrono::Utc>::from(env.ctx.time())
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    let path = dir.join(format!("{stamp}-{}.jsonl", std::process::id()));
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
    let mut done = 0usize;
    for ((account, folder), uids) in &targets.0 {
        let session = sources.iter_mut().find_map(|s| match s {
            Source::Imap {
                session,
                account: acc,
                ..
            } if acc == account => Some(session),
            _ => None,
        });
        let Some(session) = session else { continue };
        let list: Vec<u32> = uids.keys().copied().collect();
        let result = (|| {
            if !a.delete {
                session.ensure_folder(&a.to_folder)?;
            }
            session.select(folder)?;
            if a.delete {
                session.delete(&list)
            } else {
                session.move_to(&list, &a.to_folder)
            }
        })();
        if let Err(e) = result {
            return Err(Failure::from(e).hint(format!(
                "{done} of {n} messages were purged (listed in {}); run the same command again for the rest",
                path.display()
            )));
        }
        for (uid, t) in uids {
            let line = json!({
                "account": account, "folder": folder, "uid": uid,
                "message_id": t.message_id, "date": t.date, "kind": t.kinds,
                "action": if a.delete { "deleted".to_string() } else { format!("moved to {}", a.to_folder) },
            });
            let _ = writeln!(log, "{line}");
        }
        done += list.len();
        eprintln!(
            "{}",
            clean_line(&format!(
                "sealmail audit: {account} {folder}: {} messages {}",
                list.len(),
                if a.delete {
                    "deleted".to_string()
                } else {
                    format!("moved to {}", a.to_folder)
                }
            ))
        );
    }
    let _ = log.sync_all();
    eprintln!(
        "sealmail audit: purged {done} messages; the purge report (no secrets) is {}",
        path.display()
    );
    Ok(())
}
