//! The leak audit: find credentials that were already sent in plaintext mail (the incident
//! sealmail exists to prevent) in `.eml` files, mbox files and Maildirs, wherever people put
//! them: the text and HTML of the mail in any transfer encoding, attached text files, office
//! documents and PDFs, zip archives, and screenshots (text recognised by Tesseract).
//!
//! A finding never carries the secret itself, only a masked excerpt. Copies of one leak (the
//! same secret, or the same attached file, in several messages or mailboxes) are joined into
//! one `leak` by a hash salted afresh on every run, so the hashes mean nothing afterwards.
//!
//! Messages are read by one thread and scanned by a worker per core, so images and documents
//! (the slow carriers) use every core while text-only mail goes at parsing speed; results come
//! out in mailbox order. mbox files are read one message at a time: memory does not grow with
//! the mailbox.

mod addressed;
mod answers;
mod around;
mod b64key;
mod bare;
mod both;
mod calls;
mod code;
mod codes;
mod commands;
mod context;
mod defaults;
mod demo;
mod documents;
mod env;
mod follows;
mod given;
mod hosted;
mod keyvalue;
mod labels;
mod logins;
mod lower;
mod message;
mod nextline;
mod none_near;
mod numbers;
mod office;
mod outlook;
mod passphrase;
mod pattern;
mod phrasing;
mod powerpoint;
mod ruleset;
mod same;
mod short;
mod tables;
mod text;
mod tnef;
mod tools;
mod transcripts;
mod values;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Mutex;

use serde::Serialize;

pub use text::mask;

pub use crate::source::{ImapPlace, Source, SourceError};

/// How to audit.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read the text in images with Tesseract.
    pub ocr: bool,
    /// Tesseract's languages, `+`-separated (`eng`, `eng+deu`).
    pub ocr_languages: String,
    /// Read PDFs with pdftotext.
    pub pdf: bool,
    /// Messages scanned at once (0: one per core).
    pub jobs: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            ocr: true,
            ocr_languages: "eng".into(),
            pdf: true,
            jobs: 0,
        }
    }
}

impl Options {
    /// Text, HTML and office documents only: no program is started.
    pub fn text_only() -> Options {
        Options {
            ocr: false,
            pdf: false,
            ..Options::default()
        }
    }
}

/// One leaked secret.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The file (for mbox: `path#N`, N counting messages from 1).
    pub file: String,
    /// The Message-ID.
    pub message_id: Option<String>,
    /// What kind of secret: `password`, `credential-block` (a password with its user and
    /// host), `private-key`, `token`, `card-number`, `ssn`, `iban`, `secret-file`,
    /// `screenshot-review` (an image named like a screenshot that could not be read).
    pub kind: String,
    /// A masked excerpt: enough to find it, never the secret.
    pub excerpt: String,
    /// The Date header.
    pub date: Option<String>,
    /// The From header.
    pub from: String,
    /// To and Cc.
    pub to: String,
    /// Whether the message was forwarded (Fwd: subject or an attached message).
    pub forwarded: bool,
    /// Whether it is part of a thread (References / In-Reply-To): more copies may exist.
    pub in_thread: bool,
    /// Where in the message: `body`, `subject`, `attachment NAME`, `document NAME page N`,
    /// `image NAME (text recognised)`, prefixed with `forwarded message SUBJECT: ` inside a
    /// forwarded message.
    pub part: String,
    /// More precisely: how it was written (`phrase`, `next-line`, `login`, `command-line`,
    /// `table`, `env-assignment`, ...) or whose token it is (`github-token`, ...), the card's
    /// issuer, the IBAN's country.
    pub detail: String,
    /// The leak this is a copy of (`L1`, `L2`, ...): copies share it, across mailboxes.
    pub leak: String,
    /// The mailbox (the path given on the command line, or `imap:ACCOUNT`) it was found in.
    pub mailbox: String,
    /// On an IMAP server: `account`, `folder`, `uid` (and `seen`), inline in JSON.
    #[serde(flatten)]
    pub imap: Option<ImapPlace>,
}

impl Finding {
    fn new(
        file: &str,
        s: &message::Scanned,
        l: &message::Located,
        leak: String,
        mailbox: String,
        place: Option<&ImapPlace>,
    ) -> Finding {
        Finding {
            file: file.to_string(),
            message_id: s.message_id.clone(),
            kind: l.hit.kind.to_string(),
            excerpt: l.hit.excerpt.clone(),
            date: s.date.clone(),
            from: s.from.clone(),
            to: s.to.clone(),
            forwarded: s.forwarded,
            in_thread: s.in_thread,
            part: l.part.clone(),
            detail: l.hit.detail.clone(),
            leak,
            mailbox,
            imap: place.cloned(),
        }
    }
}

/// A place in a message that could not be read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Unread {
    /// The file, as in [`Finding::file`].
    pub file: String,
    /// The Message-ID.
    pub message_id: Option<String>,
    /// Where in the message, as in [`Finding::part`].
    pub part: String,
    /// Why: `could not be read (protected)`, `image not read (no text recognition)`, ...
    pub reason: String,
    /// The mailbox.
    pub mailbox: String,
}

/// Counts of an audit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Messages read.
    pub messages: usize,
    /// Messages with at least one finding.
    pub messages_with_findings: usize,
    /// Findings.
    pub findings: usize,
    /// Encrypted messages skipped.
    pub encrypted_skipped: usize,
    /// Findings per kind.
    pub kinds: BTreeMap<String, usize>,
    /// Images whose text was recognised.
    pub images_read: usize,
    /// Documents (PDF, office) whose text was read.
    pub documents_read: usize,
    /// Places that could not be read.
    pub unread: usize,
    /// Distinct leaks (copies of one secret count once).
    pub leaks: usize,
    /// Bytes of mail read.
    pub bytes: u64,
}

/// One copy of a leak.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Copy {
    /// The mailbox.
    pub mailbox: String,
    /// The file (`path#N` in an mbox).
    pub file: String,
    /// The Message-ID.
    pub message_id: Option<String>,
    /// Where in the message.
    pub part: String,
    /// On an IMAP server: `account`, `folder`, `uid` (and `seen`), inline in JSON.
    #[serde(flatten)]
    pub imap: Option<ImapPlace>,
}

/// A leak: one secret and every message where a copy of it sits.
#[derive(Debug, Clone, Serialize)]
pub struct Leak {
    /// `L1`, `L2`, ...
    pub leak: String,
    /// The kind of its first finding.
    pub kind: String,
    /// The masked excerpt of its first finding.
    pub excerpt: String,
    /// Every copy, in the order found.
    pub copies: Vec<Copy>,
}

/// The result of an audit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Counts.
    pub stats: Stats,
    /// Every leak with its copies.
    pub leaks: Vec<Leak>,
    /// When images were met but not read: why (once).
    pub images_not_read: Option<String>,
}

/// What the audit reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A secret was found.
    Finding(&'a Finding),
    /// A place could not be read.
    Unread(&'a Unread),
    /// One more message was read: the counts so far.
    Progress(&'a Stats),
}

/// Errors of the audit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A mailbox could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
}

impl AuditError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        match self {
            AuditError::Source(e) => e.hint(),
        }
    }
}

/// What to do after a leak, for the closing summary.
pub const REMEDIATION: &[&str] = &[
    "Rotate every credential found: change the password, revoke the token or key, issue a new one.",
    "Check the access logs of the systems concerned for use since the mail was sent.",
    "Delete the mails on both sides: sender's and recipients' mailboxes, Sent folders, and forwarded copies.",
    "Agree a safe channel for next time: sealmail credential send (encrypted), or a vault whose passphrase goes by phone.",
];

struct Job {
    seq: usize,
    mailbox: usize,
    msg: crate::source::Message,
}

type Done = (
    usize,
    usize,
    String,
    Option<ImapPlace>,
    u64,
    message::Scanned,
);

/// How many messages, or how many bytes of them, go to a worker at a time.
const BATCH_MESSAGES: usize = 32;
const BATCH_BYTES: usize = 256 << 10;

/// Audits the mailboxes at `paths`, reporting findings, unreadable places and progress to
/// `each` as they come, in mailbox order.
pub fn audit(
    paths: &[PathBuf],
    opts: &Options,
    each: &mut dyn FnMut(Event<'_>),
) -> Result<Report, AuditError> {
    let mut sources: Vec<Source> = paths.iter().cloned().map(Source::Path).collect();
    audit_sources(&mut sources, opts, each)
}

/// Audits `sources` (files, mailboxes, IMAP folders), as [`audit`] does.
pub fn audit_sources(
    sources: &mut [Source],
    opts: &Options,
    each: &mut dyn FnMut(Event<'_>),
) -> Result<Report, AuditError> {
    let scanner = message::Scanner::new(opts.clone());
    let workers = if opts.jobs > 0 {
        opts.jobs
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    };
    let mailboxes: Vec<String> = sources.iter().map(Source::label).collect();
    let mut report = Report::default();
    let mut trail = Trail::default();
    // Messages travel in batches: one wake-up per batch, not per message.
    let (job_tx, job_rx) = mpsc::sync_channel::<Vec<Job>>(workers * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Vec<Done>>();
    let read = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut seq = 0;
            let mut batch: Vec<Job> = Vec::new();
            let mut bytes = 0;
            let mut send = |j: Job| {
                bytes += j.msg.raw.len();
                batch.push(j);
                if batch.len() < BATCH_MESSAGES && bytes < BATCH_BYTES {
                    return true;
                }
                bytes = 0;
                job_tx.send(std::mem::take(&mut batch)).is_ok()
            };
            for (i, src) in sources.iter_mut().enumerate() {
                let go = src.each(&mut |msg| {
                    seq += 1;
                    send(Job {
                        seq,
                        mailbox: i,
                        msg,
                    })
                })?;
                if !go {
                    break;
                }
            }
            if !batch.is_empty() {
                let _ = job_tx.send(batch);
            }
            drop(job_tx);
            Ok::<(), AuditError>(())
        });
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, scanner) = (&job_rx, &scanner);
            s.spawn(move || loop {
                let jobs = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok(jobs) = jobs else { break };
                let done = jobs
                    .into_iter()
                    .map(|job| {
                        // A fault in one message's rules costs that message, not the audit:
                        // it is listed as not read, and the others go on.
                        let scanned =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                scanner.message(&job.msg.raw)
                            }))
                            .unwrap_or_else(|_| message::Scanned {
                                unread: vec![(
                                    "message".to_string(),
                                    "internal error while reading it (please report)".to_string(),
                                )],
                                ..Default::default()
                            });
                        let size = job.msg.raw.len() as u64;
                        (
                            job.seq,
                            job.mailbox,
                            job.msg.label,
                            job.msg.imap,
                            size,
                            scanned,
                        )
                    })
                    .collect();
                if done_tx.send(done).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
        let mut next = 1;
        for batch in done_rx.iter() {
            for d in batch {
                waiting.insert(d.0, d);
            }
            while let Some(d) = waiting.remove(&next) {
                next += 1;
                collect(d, &mailboxes, &mut report, &mut trail, each);
            }
        }
        reader.join().unwrap_or(Ok(()))
    });
    report.leaks = trail.leaks;
    report.stats.leaks = report.leaks.len();
    report.images_not_read = scanner
        .ocr_missing
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    read.map(|()| report)
}

/// Joins copies of one secret into leaks.
#[derive(Default)]
struct Trail {
    by_key: HashMap<[u8; 32], usize>,
    leaks: Vec<Leak>,
}

fn collect(
    (_, mailbox, file, place, size, s): Done,
    mailboxes: &[String],
    report: &mut Report,
    trail: &mut Trail,
    each: &mut dyn FnMut(Event<'_>),
) {
    let st = &mut report.stats;
    st.messages += 1;
    st.bytes += size;
    st.encrypted_skipped += usize::from(s.encrypted);
    st.images_read += s.images_read;
    st.documents_read += s.documents_read;
    if !s.found.is_empty() {
        st.messages_with_findings += 1;
    }
    let mbox = mailboxes.get(mailbox).cloned().unwrap_or_default();
    for l in &s.found {
        let idx = match l.keys.iter().find_map(|k| trail.by_key.get(k)) {
            Some(&i) => i,
            None => {
                trail.leaks.push(Leak {
                    leak: format!("L{}", trail.leaks.len() + 1),
                    kind: l.hit.kind.to_string(),
                    excerpt: l.hit.excerpt.clone(),
                    copies: Vec::new(),
                });
                trail.leaks.len() - 1
            }
        };
        for k in &l.keys {
            trail.by_key.entry(*k).or_insert(idx);
        }
        let leak = &mut trail.leaks[idx];
        if !leak
            .copies
            .iter()
            .any(|c| c.file == file && c.mailbox == mbox)
        {
            leak.copies.push(Copy {
                mailbox: mbox.clone(),
                file: file.clone(),
                message_id: s.message_id.clone(),
                part: l.part.clone(),
                imap: place.clone(),
            });
        }
        st.findings += 1;
        *st.kinds.entry(l.hit.kind.to_string()).or_default() += 1;
        let f = Finding::new(
            &file,
            &s,
            l,
            leak.leak.clone(),
            mbox.clone(),
            place.as_ref(),
        );
        each(Event::Finding(&f));
    }
    for (part, reason) in &s.unread {
        st.unread += 1;
        let u = Unread {
            file: file.clone(),
            message_id: s.message_id.clone(),
            part: part.clone(),
            reason: reason.clone(),
            mailbox: mbox.clone(),
        };
        each(Event::Unread(&u));
    }
    each(Event::Progress(&report.stats));
}

/// Scans one message with the text-only options (no program is started): its findings, and
/// whether it was encrypted (and so skipped).
pub fn scan_message(raw: &[u8], file: &str) -> (Vec<Finding>, bool) {
    let s = message::Scanner::new(Options::text_only()).message(raw);
    let found = s
        .found
        .iter()
        .enumerate()
        .map(|(i, l)| Finding::new(file, &s, l, format!("L{}", i + 1), file.to_string(), None))
        .collect();
    (found, s.encrypted)
}
