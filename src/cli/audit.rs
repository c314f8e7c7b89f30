//! `sealmail audit`: find credentials already sent in plaintext mail.

use std::path::PathBuf;

use clap::Args;
use sealmail::credential::audit::{scan_path, Stats, REMEDIATION};

use super::output::{clean_line, write_stdout};
use super::{Env, Failure};

/// Scan .eml files, mbox files and Maildirs for passwords, keys and tokens that were sent
/// unencrypted. Prints each finding with a masked excerpt (never the secret), then what to do.
/// Exits 1 when anything was found.
///
/// Example: sealmail audit ~/Mail/Sent ~/mbox/archive.mbox
#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Message files, mbox files or Maildir folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub fn run(a: AuditArgs, env: &Env) -> Result<(), Failure> {
    let mut stats = Stats::default();
    let mut write_err = None;
    for p in &a.paths {
        let mut each = |f: &sealmail::credential::audit::Finding| {
            let line = if env.json {
                serde_json::to_string(f).unwrap_or_default()
            } else {
                clean_line(&format!(
                    "{} {} {} from {} to {}: {}: {}{}",
                    f.file,
                    f.message_id.as_deref().unwrap_or("-"),
                    f.date.as_deref().unwrap_or("-"),
                    f.from,
                    f.to,
                    f.kind,
                    f.excerpt,
                    match (f.forwarded, f.in_thread) {
                        (true, _) => " [forwarded]",
                        (false, true) => " [in a thread]",
                        _ => "",
                    }
                ))
            };
            if let Err(e) = write_stdout(format!("{line}\n").as_bytes()) {
                write_err.get_or_insert(e);
            }
        };
        scan_path(p, &mut each, &mut stats).map_err(|e| {
            let hint = e.hint().unwrap_or_default();
            Failure::new(e.to_string()).hint(hint)
        })?;
    }
    if let Some(e) = write_err {
        return Err(e);
    }
    eprintln!(
        "sealmail audit: {} messages read, {} with leaked secrets ({} findings), {} encrypted skipped",
        stats.messages, stats.messages_with_findings, stats.findings, stats.encrypted_skipped
    );
    if stats.findings > 0 {
        eprintln!("What to do now:");
        for (i, r) in REMEDIATION.iter().enumerate() {
            eprintln!("  {}. {r}", i + 1);
        }
        let f = Failure::new(format!("{} leaked secret(s) found in plaintext mail", stats.findings))
            .hint("rotate them first; then send new ones with: sealmail credential send --to ADDRESS --generate password");
        // With --json the findings, one object per line, already say it.
        return Err(if env.json { f.json_written() } else { f });
    }
    Ok(())
}
