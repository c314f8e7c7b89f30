//! The durable outbox: every message is on disk (fsync, atomic rename) before a connection is
//! opened, and leaves the queue only after the server's final 250.
//!
//! Layout below the home:
//! - `outbox/queue/ID.json` (envelope, attempts, last error, next try) then `ID.eml`;
//!   an entry exists when its `.eml` does (the `.json` is always written first);
//! - `outbox/failed/ID.{json,eml}`: refused for good by the server, with its reply;
//! - `sent/{tmp,new,cur}`: a Maildir of the sent copies, as encrypted as they travelled.
//!
//! The outbox only ever holds ciphertext: it is fed by compose, which encrypts first.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{Envelope, FailureKind, SendError, Transport};
use crate::fsutil::{sync_dir, write_atomic};

/// Errors of the outbox itself (not of delivery).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// Reading or writing the outbox failed.
    #[error("outbox {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No entry has that ID.
    #[error("no message {0} in the outbox")]
    NotFound(String),
}

impl OutboxError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            OutboxError::Io { .. } => {
                "check that the sealmail home is writable and not full".into()
            }
            OutboxError::NotFound(_) => "see the IDs with: sealmail outbox list".into(),
        })
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutboxError + '_ {
    move |source| OutboxError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    /// Waiting to be sent (or retried).
    Queued,
    /// Refused for good by the server.
    Failed,
}

/// One message in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Its ID (also its file name).
    pub id: String,
    /// Queued or failed.
    pub state: EntryState,
    /// The SMTP envelope.
    pub envelope: Envelope,
    /// The Message-ID header.
    pub message_id: String,
    /// When it was queued (Unix seconds).
    pub created: u64,
    /// How many deliveries were tried.
    pub attempts: u32,
    /// The last error, if any.
    pub last_error: Option<String>,
    /// Its kind.
    pub last_failure: Option<FailureKind>,
    /// What to do about it.
    pub hint: Option<String>,
    /// Not before this time (Unix seconds) will a normal flush retry it.
    pub next_attempt: u64,
    /// Whether a copy goes to `sent/` after delivery.
    pub keep_sent_copy: bool,
    /// Size of the message in bytes.
    pub size: u64,
    /// A signed, unencrypted vault-only mail: delivery does not need the recipients' keys
    /// (the one exception to fail-closed; its only secret content is the vault).
    #[serde(default)]
    pub vault_only: bool,
}

/// What happened to one entry in a flush.
#[derive(Debug, Clone, Serialize)]
pub struct FlushOutcome {
    /// The entry.
    pub id: String,
    /// "sent", "queued" (will be retried) or "failed" (refused for good).
    pub result: String,
    /// The error, when not sent.
    pub error: Option<String>,
    /// The kind of failure, when not sent.
    pub failure: Option<FailureKind>,
    /// The SMTP code, when the server answered.
    pub code: Option<u16>,
    /// What to do about it.
    pub hint: Option<String>,
    /// Where the sent copy went.
    pub sent_copy: Option<PathBuf>,
}

/// Why sealmail will not deliver a queued message (see [`Outbox::flush`]).
#[derive(Debug, Clone)]
pub struct Refusal {
    /// What changed since it was queued.
    pub reason: String,
    /// The command that helps.
    pub hint: String,
}

/// The outcome of a flush.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlushReport {
    /// One line per entry tried.
    pub outcomes: Vec<FlushOutcome>,
}

impl FlushReport {
    /// Entries delivered.
    pub fn sent(&self) -> usize {
        self.count("sent")
    }
    /// Entries still queued.
    pub fn queued(&self) -> usize {
        self.count("queued")
    }
    /// Entries refused for good.
    pub fn failed(&self) -> usize {
        self.count("failed")
    }
    fn count(&self, r: &str) -> usize {
        self.outcomes.iter().filter(|o| o.result == r).count()
    }
}

/// The outbox below a home.
#[derive(Debug, Clone)]
pub struct Outbox {
    queue: PathBuf,
    failed: PathBuf,
    sent: PathBuf,
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Seconds to wait before retry number `attempts` (1 minute, doubling, at most 4 hours).
fn backoff(attempts: u32) -> u64 {
    60u64
        .saturating_mul(1 << attempts.saturating_sub(1).min(8))
        .min(4 * 3600)
}

impl Outbox {
    /// Opens (creating) the outbox of `home`.
    pub fn open(home: &crate::Home) -> Result<Self, OutboxError> {
        let o = Outbox {
            queue: home.queue_dir(),
            failed: home.failed_dir(),
            sent: home.sent_dir(),
        };
        for d in [
            o.queue.clone(),
            o.failed.clone(),
            o.sent.join("tmp"),
            o.sent.join("new"),
            o.sent.join("cur"),
        ] {
            crate::home::create_private_dir(&d).map_err(io(&d))?;
        }
        Ok(o)
    }

    /// The folder of queued messages.
    pub fn queue_dir(&self) -> &Path {
        &self.queue
    }

    /// Starts a message in the queue folder: a hidden temporary file (0600) that compose writes
    /// into directly, so that a big message is never held in memory. It becomes an entry with
    /// [`Outbox::enqueue_staged`] and is removed if dropped before.
    pub fn stage(&self) -> Result<Staged, OutboxError> {
        let file = crate::partial::Partial::new_in(&self.queue).map_err(io(&self.queue))?;
        Ok(Staged { file })
    }

    /// Queues `message` for delivery to `envelope`; the message and its record are on disk
    /// (fsync) when this returns.
    pub fn enqueue(
        &self,
        envelope: Envelope,
        message_id: &str,
        message: &[u8],
        keep_sent_copy: bool,
        now: SystemTime,
    ) -> Result<Entry, OutboxError> {
        let mut staged = self.stage()?;
        staged
            .file
            .write_all(message)
            .map_err(io(staged.file.path()))?;
        self.enqueue_staged(envelope, message_id, staged, keep_sent_copy, now)
    }

    /// Queues a staged message (see [`Outbox::stage`]).
    pub fn enqueue_staged(
        &self,
        envelope: Envelope,
        message_id: &str,
        staged: Staged,
        keep_sent_copy: bool,
        now: SystemTime,
    ) -> Result<Entry, OutboxError> {
        let tmp = staged.file.path().to_path_buf();
        staged.file.file().sync_all().map_err(io(&tmp))?;
        let size = staged.file.file().metadata().map_err(io(&tmp))?.len();
        // IDs sort in the order messages were queued (Bcc copies after their main copy).
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let id = format!("{nanos:020}-{}", crate::mime::random_hex(4));
        let entry = Entry {
            id: id.clone(),
            state: EntryState::Queued,
            envelope,
            message_id: message_id.to_string(),
            created: unix(now),
            attempts: 0,
            last_error: None,
            last_failure: None,
            hint: None,
            next_attempt: unix(now),
            keep_sent_copy,
            size,
            vault_only: false,
        };
        self.write_meta(&self.queue, &entry)?;
        let eml = self.queue.join(format!("{id}.eml"));
        staged.file.persist(&eml, false).map_err(io(&eml))?;
        sync_dir(&self.queue).map_err(io(&self.queue))?;
        Ok(entry)
    }

    /// Marks a queued entry as a signed vault-only mail (see [`Entry::vault_only`]).
    pub fn mark_vault_only(&self, e: &mut Entry) -> Result<(), OutboxError> {
        e.vault_only = true;
        self.write_meta(&self.queue, e)
    }

    fn write_meta(&self, dir: &Path, e: &Entry) -> Result<(), OutboxError> {
        let p = dir.join(format!("{}.json", e.id));
        let json = serde_json::to_vec_pretty(e).unwrap_or_default();
        write_atomic(&p, &json, true).map_err(io(&p))
    }

    fn read_dir(&self, dir: &Path, state: EntryState) -> Result<Vec<Entry>, OutboxError> {
        let mut v = Vec::new();
        for de in std::fs::read_dir(dir).map_err(io(dir))? {
            let p = de.map_err(io(dir))?.path();
            if p.extension().is_some_and(|x| x == "eml") {
                let meta = p.with_extension("json");
                let text = std::fs::read(&meta).map_err(io(&meta))?;
                if let Ok(mut e) = serde_json::from_slice::<Entry>(&text) {
                    e.state = state;
                    v.push(e);
                }
            }
        }
        v.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(v)
    }

    /// Every entry, queued first, then failed.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        let mut v = self.read_dir(&self.queue, EntryState::Queued)?;
        v.extend(self.read_dir(&self.failed, EntryState::Failed)?);
        Ok(v)
    }

    /// One entry and its message bytes.
    pub fn show(&self, id: &str) -> Result<(Entry, Vec<u8>), OutboxError> {
        let safe: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        for e in self.list()? {
            if e.id == safe {
                let dir = if e.state == EntryState::Queued {
                    &self.queue
                } else {
                    &self.failed
                };
                let p = dir.join(format!("{safe}.eml"));
                let bytes = std::fs::read(&p).map_err(io(&p))?;
                return Ok((e, bytes));
            }
        }
        Err(OutboxError::NotFound(id.to_string()))
    }

    /// Removes a queued (or failed) entry and its message; returns it.
    pub fn cancel(&self, id: &str) -> Result<Entry, OutboxError> {
        let (e, _) = self.show(id)?;
        let dir = if e.state == EntryState::Queued {
            &self.queue
        } else {
            &self.failed
        };
        // The message first: it defines the entry.
        let eml = dir.join(format!("{}.eml", e.id));
        std::fs::remove_file(&eml).map_err(io(&eml))?;
        let _ = std::fs::remove_file(dir.join(format!("{}.json", e.id)));
        sync_dir(dir).map_err(io(dir))?;
        Ok(e)
    }

    /// Tries to deliver queued entries: all of them with `force`, else those whose retry time
    /// has come; `only` limits the flush to some IDs. `check` sees each entry just before it
    /// is sent: a refusal (a contract that ended, a key revoked or rejected since it was
    /// queued) moves it to failed/ with the reason, and nothing is sent.
    pub fn flush(
        &self,
        transport: &dyn Transport,
        now: SystemTime,
        force: bool,
        only: Option<&[String]>,
        check: &dyn Fn(&Entry) -> Result<(), Refusal>,
    ) -> Result<FlushReport, OutboxError> {
        let mut report = FlushReport::default();
        for mut e in self.read_dir(&self.queue, EntryState::Queued)? {
            if only.is_some_and(|ids| !ids.contains(&e.id)) {
                continue;
            }
            if !force && e.next_attempt > unix(now) {
                continue;
            }
            let eml = self.queue.join(format!("{}.eml", e.id));
            if let Err(r) = check(&e) {
                report.outcomes.push(self.refuse(&mut e, r, &eml)?);
                continue;
            }
            e.attempts += 1;
            // The message streams from its file: a big one is never read into memory.
            match transport.send_file(&e.envelope, &eml) {
                Ok(()) => {
                    let copy = if e.keep_sent_copy {
                        Some(self.store_sent(&e, &eml)?)
                    } else {
                        None
                    };
                    // The 250 is in: leave the queue, message first (it defines the entry).
                    std::fs::remove_file(&eml).map_err(io(&eml))?;
                    let _ = std::fs::remove_file(self.queue.join(format!("{}.json", e.id)));
                    sync_dir(&self.queue).map_err(io(&self.queue))?;
                    report.outcomes.push(FlushOutcome {
                        id: e.id.clone(),
                        result: "sent".into(),
                        error: None,
                        failure: None,
                        code: None,
                        hint: None,
                        sent_copy: copy,
                    });
                }
                Err(err) => report
                    .outcomes
                    .push(self.record_failure(&mut e, &err, &eml, now)?),
            }
        }
        Ok(report)
    }

    /// Moves an entry to failed/ because sealmail refuses to deliver it now.
    fn refuse(&self, e: &mut Entry, r: Refusal, msg: &Path) -> Result<FlushOutcome, OutboxError> {
        e.last_error = Some(r.reason.clone());
        e.last_failure = Some(FailureKind::Refused);
        e.hint = Some(r.hint.clone());
        e.state = EntryState::Failed;
        self.write_meta(&self.failed, e)?;
        move_durably(msg, &self.failed.join(format!("{}.eml", e.id)))?;
        sync_dir(&self.failed).map_err(io(&self.failed))?;
        let _ = std::fs::remove_file(self.queue.join(format!("{}.json", e.id)));
        sync_dir(&self.queue).map_err(io(&self.queue))?;
        Ok(FlushOutcome {
            id: e.id.clone(),
            result: "failed".into(),
            error: Some(r.reason),
            failure: Some(FailureKind::Refused),
            code: None,
            hint: Some(r.hint),
            sent_copy: None,
        })
    }

    fn record_failure(
        &self,
        e: &mut Entry,
        err: &SendError,
        msg: &Path,
        now: SystemTime,
    ) -> Result<FlushOutcome, OutboxError> {
        e.last_error = Some(err.to_string());
        e.last_failure = Some(err.kind());
        e.hint = Some(err.hint());
        let result = if err.is_permanent() {
            e.state = EntryState::Failed;
            self.write_meta(&self.failed, e)?;
            let dst = self.failed.join(format!("{}.eml", e.id));
            move_durably(msg, &dst)?;
            sync_dir(&self.failed).map_err(io(&self.failed))?;
            let _ = std::fs::remove_file(self.queue.join(format!("{}.json", e.id)));
            sync_dir(&self.queue).map_err(io(&self.queue))?;
            "failed"
        } else {
            e.next_attempt = unix(now) + backoff(e.attempts);
            self.write_meta(&self.queue, e)?;
            "queued"
        };
        Ok(FlushOutcome {
            id: e.id.clone(),
            result: result.into(),
            error: e.last_error.clone(),
            failure: Some(err.kind()),
            code: err.status(),
            hint: e.hint.clone(),
            sent_copy: None,
        })
    }

    /// Files a sent message in the `sent/` Maildir (tmp, then new).
    fn store_sent(&self, e: &Entry, msg: &Path) -> Result<PathBuf, OutboxError> {
        let name = format!("{}.{}.sealmail", e.created, e.id);
        let tmp = self.sent.join("tmp").join(&name);
        let new = self.sent.join("new").join(&name);
        copy_durably(msg, &tmp)?;
        std::fs::rename(&tmp, &new).map_err(io(&new))?;
        sync_dir(&self.sent.join("new")).map_err(io(&new))?;
        Ok(new)
    }
}

/// A message being written into the outbox (see [`Outbox::stage`]).
#[derive(Debug)]
pub struct Staged {
    file: crate::partial::Partial,
}

impl Staged {
    /// Where it is being written.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Its size so far.
    pub fn len(&self) -> u64 {
        self.file.file().metadata().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::io::Write for Staged {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Moves `from` to `to` (a rename within the home; a durable copy across file systems).
fn move_durably(from: &Path, to: &Path) -> Result<(), OutboxError> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    copy_durably(from, to)?;
    std::fs::remove_file(from).map_err(io(from))
}

/// Copies `from` to `to` (a new file, 0600) and syncs it; the parent is synced by the caller.
fn copy_durably(from: &Path, to: &Path) -> Result<(), OutboxError> {
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut dst = o.open(to).map_err(io(to))?;
    std::io::copy(&mut src, &mut dst).map_err(io(to))?;
    dst.sync_all().map_err(io(to))
}

#[cfg(test)]
mod tests {
    use super::super::StubTransport;
    use super::*;

    fn env() -> Envelope {
        Envelope {
            from: "a@example.org".into(),
            to: vec!["b@example.org".into()],
        }
    }

    #[test]
    fn queued_until_sent_then_gone_with_a_sent_copy() {
        let d = tempfile::tempdir().unwrap();
        let o = Outbox::open(&crate::Home::open(d.path()).unwrap()).unwrap();
        let now = SystemTime::now();
        let e = o.enqueue(env(), "<m@x>", b"ciphertext", true, now).unwrap();
        assert_eq!(o.list().unwrap().len(), 1);
        let t = StubTransport::new_error(SendError::new(
            FailureKind::Transient,
            "451 later",
            Some(451),
        ));
        let r = o.flush(&t, now, true, None, &|_| Ok(())).unwrap();
        assert_eq!(r.queued(), 1);
        let l = o.list().unwrap();
        assert_eq!(l[0].attempts, 1);
        assert!(l[0].next_attempt > unix(now));
        // Not yet due: a normal flush skips it.
        let ok = StubTransport::new_ok();
        assert_eq!(
            o.flush(&ok, now, false, None, &|_| Ok(()))
                .unwrap()
                .outcomes
                .len(),
            0
        );
        let r = o.flush(&ok, now, true, None, &|_| Ok(())).unwrap();
        assert_eq!(r.sent(), 1);
        assert!(o.list().unwrap().is_empty());
        assert_eq!(ok.messages().len(), 1);
        assert!(r.outcomes[0].sent_copy.as_ref().unwrap().exists());
        let _ = e;
    }

    #[test]
    fn permanent_failure_moves_to_failed() {
        let d = tempfile::tempdir().unwrap();
        let o = Outbox::open(&crate::Home::open(d.path()).unwrap()).unwrap();
        let now = SystemTime::now();
        o.enqueue(env(), "<m@x>", b"c", false, now).unwrap();
        let t = StubTransport::new_error(SendError::new(
            FailureKind::Permanent,
            "550 no such user",
            Some(550),
        ));
        assert_eq!(
            o.flush(&t, now, true, None, &|_| Ok(())).unwrap().failed(),
            1
        );
        let l = o.list().unwrap();
        assert_eq!(l[0].state, EntryState::Failed);
        assert!(l[0].last_error.as_deref().unwrap().contains("550"));
    }
}
