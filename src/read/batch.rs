//! Batch reading: every message of a Maildir or an mbox, decrypted and verified by a pool of
//! workers (one per core), with one result per message in the order they come back.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::SystemTime;

use serde::Serialize;

use super::{decrypted_copy, read_message, Integrity, ReadError, SignatureVerdict};
use crate::keys::Keyring;
use crate::Context;

/// The outcome for one message.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    /// The file, or `mbox#N` / `mbox@OFFSET`.
    pub file: String,
    /// Byte offset in the mbox, if it came from one.
    pub offset: Option<u64>,
    /// From (the protected one when there are protected headers).
    pub from: String,
    /// Subject (the protected one when there are protected headers).
    pub subject: String,
    /// Whether it was encrypted and decrypted.
    pub encrypted: bool,
    /// `ok`, `none`, or `failed`.
    pub integrity: Integrity,
    /// The signature verdict, in the shape `decrypt --json` gives it (`status`, `signer`,
    /// `acceptance`, ...).
    pub signature: SignatureVerdict,
    /// Whether a good signature's key carries the From address (also in `signature`).
    pub matches_from: bool,
    /// Why it could not be read, if it could not.
    pub error: Option<String>,
}

impl ItemResult {
    /// Whether reading this message failed (not decryptable, damaged, not a message).
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// Calls `each(label, offset, bytes)` for every message of an mbox, one at a time (the file is
/// never held whole). `>From ` quoting is undone.
pub fn mbox_messages(
    path: &Path,
    each: &mut dyn FnMut(String, u64, Vec<u8>),
) -> std::io::Result<()> {
    let mut r = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let mut buf = Vec::new();
    let mut line = Vec::new();
    let mut n = 0;
    let mut prev_blank = true;
    let mut pos: u64 = 0;
    let mut start: u64 = 0;
    loop {
        line.clear();
        let got = r.read_until(b'\n', &mut line)?;
        let boundary = got == 0 || (prev_blank && line.starts_with(b"From "));
        if boundary && !buf.is_empty() {
            n += 1;
            each(
                format!("{}#{n}", path.display()),
                start,
                std::mem::take(&mut buf),
            );
        }
        if got == 0 {
            break;
        }
        if boundary {
            start = pos;
        }
        pos += got as u64;
        prev_blank = line == b"\n" || line == b"\r\n";
        if boundary {
            continue;
        }
        let quoted = line.starts_with(b">")
            && line
                .iter()
                .skip_while(|&&b| b == b'>')
                .take(5)
                .eq(b"From ".iter());
        buf.extend_from_slice(if quoted { &line[1..] } else { &line[..] });
    }
    Ok(())
}

/// The message files of a Maildir (`cur/` and `new/`), sorted.
pub fn maildir_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for sub in ["cur", "new"] {
        match std::fs::read_dir(dir.join(sub)) {
            Ok(rd) => v.extend(
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file()),
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    if v.is_empty() && !dir.join("cur").exists() && !dir.join("new").exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "not a Maildir (no cur/ or new/)",
        ));
    }
    v.sort();
    Ok(v)
}

/// One unit of work: a label, an mbox offset, and the bytes (or a file to read).
pub enum Work {
    /// A message in memory (from an mbox).
    Bytes(String, u64, Vec<u8>),
    /// A message file.
    File(PathBuf),
}

/// Something that feeds work: it calls the given function once per message.
pub type Source<'a> = dyn FnMut(&mut dyn FnMut(Work)) -> std::io::Result<()> + 'a;

/// Reads every message from `source` with `workers` threads; `done` gets each result and, for
/// encrypted messages, the decrypted copy (else the original), in completion order.
pub fn run(
    home: &crate::Home,
    accepted: Vec<crate::keys::Acceptance>,
    time: SystemTime,
    workers: usize,
    source: &mut Source<'_>,
    done: &mut dyn FnMut(ItemResult, Vec<u8>),
) -> Result<(), ReadError> {
    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(workers * 4);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (res_tx, res_rx) = mpsc::channel::<(ItemResult, Vec<u8>)>();
    let mut source_err = None;
    std::thread::scope(|s| -> Result<(), ReadError> {
        for _ in 0..workers.max(1) {
            let rx = Arc::clone(&work_rx);
            let tx = res_tx.clone();
            let accepted = accepted.clone();
            s.spawn(move || {
                let mut ring = match Keyring::open(home) {
                    Ok(r) => r,
                    Err(_) => return,
                };
                ring.set_accepted_levels(accepted);
                let ctx = Context::at(time);
                loop {
                    let w = match rx.lock() {
                        Ok(g) => g.recv(),
                        Err(_) => return,
                    };
                    let Ok(w) = w else { return };
                    let (label, offset, raw) = match w {
                        Work::Bytes(l, o, b) => (l, Some(o), b),
                        Work::File(p) => match std::fs::read(&p) {
                            Ok(b) => (p.display().to_string(), None, b),
                            Err(e) => {
                                let r = failed(
                                    p.display().to_string(),
                                    None,
                                    &ReadError::Input {
                                        path: p.clone(),
                                        source: e,
                                    },
                                );
                                let _ = tx.send((r, Vec::new()));
                                continue;
                            }
                        },
                    };
                    let _ = tx.send(one(&ring, &ctx, label, offset, raw));
                }
            });
        }
        drop(res_tx);
        // Feed the workers from this thread, and collect results as they come.
        let mut feed = |w: Work| {
            let _ = work_tx.send(w);
            while let Ok((r, copy)) = res_rx.try_recv() {
                done(r, copy);
            }
        };
        if let Err(e) = source(&mut feed) {
            source_err = Some(e);
        }
        drop(work_tx);
        for (r, copy) in res_rx.iter() {
            done(r, copy);
        }
        Ok(())
    })?;
    match source_err {
        Some(e) => Err(ReadError::Write {
            path: home.root().to_path_buf(),
            source: e,
        }),
        None => Ok(()),
    }
}

/// `e` and its causes on one line, as a batch reports it.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(c) = next {
        let t = c.to_string();
        if !text.contains(&t) {
            text.push_str(": ");
            text.push_str(&t);
        }
        next = c.source();
    }
    text
}

fn failed(file: String, offset: Option<u64>, e: &ReadError) -> ItemResult {
    ItemResult {
        file,
        offset,
        from: String::new(),
        subject: String::new(),
        encrypted: false,
        integrity: if matches!(e, ReadError::Integrity) {
            Integrity::Failed
        } else {
            Integrity::None
        },
        signature: SignatureVerdict::missing(),
        matches_from: false,
        error: Some(with_causes(e)),
    }
}

fn one(
    ring: &Keyring,
    ctx: &Context,
    file: String,
    offset: Option<u64>,
    raw: Vec<u8>,
) -> (ItemResult, Vec<u8>) {
    match read_message(&raw, ring, ctx, &mut |_| None) {
        Ok(r) => {
            let copy = decrypted_copy(&raw, &r).unwrap_or(raw);
            (
                ItemResult {
                    file,
                    offset,
                    from: r.from.clone(),
                    subject: r.subject.clone(),
                    encrypted: r.encrypted,
                    integrity: r.integrity,
                    matches_from: r.signature.matches_from,
                    signature: r.signature,
                    error: None,
                },
                copy,
            )
        }
        Err(e) => (failed(file, offset, &e), Vec::new()),
    }
}
