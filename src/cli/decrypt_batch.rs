//! `sealmail decrypt --maildir/--mbox/--imap-search`: many messages at once, in parallel, one
//! verdict line (or JSON object) each, a progress bar on a terminal.

use sealmail::read::SigStatus;

use super::decrypt::DecryptArgs;
use super::output::{clean_line, stdout_is_tty, write_stdout};
use super::{Env, Failure};

/// `--maildir` / `--mbox`: every message, in parallel.
pub(super) fn run(args: &DecryptArgs, env: &Env) -> Result<(), Failure> {
    use sealmail::read::batch::{self, Work};
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    if let Some(out) = &args.output {
        for d in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(out.join(d)).map_err(|e| {
                Failure::new(format!("cannot create {}: {e}", out.join(d).display()))
                    .hint("choose a writable folder for --output")
            })?;
        }
    }
    let cfg = env.config()?;
    let mut imap = match &args.imap_search {
        Some(q) => {
            let (mut session, cfg) = super::imap::connect(env)?;
            let folders =
                super::imap::folders(&mut session, std::slice::from_ref(&args.folder), false, &[])?;
            Some(sealmail::source::Source::Imap {
                session: Box::new(session),
                account: cfg.account_name().to_string(),
                folders,
                query: q.clone(),
                limit: 0,
            })
        }
        None => None,
    };
    let mut source = |feed: &mut dyn FnMut(Work)| -> std::io::Result<()> {
        if let Some(d) = &args.maildir {
            for f in batch::maildir_files(d)? {
                feed(Work::File(f));
            }
        }
        if let Some(m) = &args.mbox {
            batch::mbox_messages(m, &mut |label, offset, raw| {
                feed(Work::Bytes(label, offset, raw))
            })?;
        }
        if let Some(src) = imap.as_mut() {
            src.each(&mut |m| {
                feed(Work::Bytes(m.label, 0, m.raw));
                true
            })
            .map_err(std::io::Error::other)?;
        }
        Ok(())
    };
    let (mut total, mut failed, mut encrypted, mut good) = (0usize, 0usize, 0usize, 0usize);
    // A progress line on a terminal only; silent in pipes and with --quiet.
    let bar = (stdout_is_tty() && !args.quiet).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} messages read ({per_sec})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b
    });
    let mut write_err: Option<Failure> = None;
    let mut seq = 0u64;
    let mut done = |r: batch::ItemResult, copy: Vec<u8>| {
        total += 1;
        if let Some(b) = &bar {
            b.inc(1);
        }
        if r.failed() {
            failed += 1;
        }
        if r.encrypted {
            encrypted += 1;
        }
        if r.signature.status == SigStatus::Good && r.matches_from {
            good += 1;
        }
        if let (Some(out), false) = (&args.output, copy.is_empty()) {
            seq += 1;
            let name = format!(
                "{}.{}_{seq}.sealmail",
                env.ctx
                    .time()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0),
                std::process::id()
            );
            // Maildir: written in tmp/, moved to new/ when complete.
            let written = sealmail::partial::Partial::new_in(&out.join("tmp")).and_then(|mut f| {
                std::io::Write::write_all(&mut f, &copy)?;
                f.persist(&out.join("new").join(&name), false)
            });
            if let Err(e) = written {
                write_err.get_or_insert(Failure::new(format!(
                    "cannot write into {}: {e}",
                    out.display()
                )));
            }
        }
        let line = if env.json {
            serde_json::to_string(&r).unwrap_or_default()
        } else {
            clean_line(&match &r.error {
                Some(e) => format!("FAIL {}: {e}", r.file),
                None => format!(
                    "ok   {}: from {} \"{}\": {}, signature {}{}",
                    r.file,
                    r.from,
                    r.subject,
                    if r.encrypted {
                        "encrypted (integrity ok)"
                    } else {
                        "not encrypted"
                    },
                    r.signature.status.as_str(),
                    if r.signature.status == SigStatus::Good && !r.matches_from {
                        " (NOT by the sender)"
                    } else {
                        ""
                    }
                ),
            })
        };
        if let Err(e) = write_stdout(format!("{line}\n").as_bytes()) {
            write_err.get_or_insert(e);
        }
    };
    batch::run(
        &env.home,
        cfg.accepted_levels()?,
        env.ctx.time(),
        jobs,
        &mut source,
        &mut done,
    )
    .map_err(|e| {
        Failure::new(format!("cannot read the mailbox: {e}"))
            .hint("give a Maildir (with cur/ and new/) or an mbox file")
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_err {
        return Err(e);
    }
    if !args.quiet {
        eprintln!("sealmail: {total} messages: {encrypted} decrypted, {good} with a good signature from their sender, {failed} failed");
    }
    if failed > 0 {
        let f = Failure::new(format!("{failed} of {total} messages could not be read"))
            .hint("the FAIL lines say why for each");
        // With --json each message's line carries its error already.
        return Err(if env.json { f.json_written() } else { f });
    }
    Ok(())
}
