//! Where messages come from: a message file, an mbox, a Maildir (or a folder of them), or a
//! folder on an IMAP server.
//!
//! One abstraction for every reader of many messages (the leak audit, `decrypt --imap-search`,
//! `inbox`): each message arrives as its bytes with a label and, from IMAP, its place on the
//! server, so findings and verdicts can say where a copy sits and a purge can act on it.
//! Nothing here writes a message to disk.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::imap::{ImapError, Session};

/// Where on an IMAP server a message sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImapPlace {
    /// The account (`--account`, else `default`).
    pub account: String,
    /// The folder.
    pub folder: String,
    /// The message's UID in the folder.
    pub uid: u32,
    /// Whether it had been read.
    pub seen: bool,
}

/// One message from a source.
#[derive(Debug)]
pub struct Message {
    /// The file (`path#N` in an mbox) or `imap:ACCOUNT/FOLDER/UID`.
    pub label: String,
    /// The whole message.
    pub raw: Vec<u8>,
    /// Its place on the server, for IMAP.
    pub imap: Option<ImapPlace>,
}

/// Errors reading a source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A path could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The IMAP server failed.
    #[error(transparent)]
    Imap(#[from] ImapError),
}

impl SourceError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        match self {
            SourceError::Read { .. } => {
                Some("give .eml files, mbox files or Maildir folders you can read".into())
            }
            SourceError::Imap(e) => e.hint(),
        }
    }
}

/// A source of messages.
#[derive(Debug)]
pub enum Source {
    /// A message file, an mbox file, a Maildir or a folder holding any of them.
    Path(PathBuf),
    /// Folders of an IMAP account.
    Imap {
        /// The logged-in session.
        session: Box<Session>,
        /// The account's name, for reports.
        account: String,
        /// The folders to read, in order.
        folders: Vec<String>,
        /// Which messages (IMAP SEARCH syntax; `ALL` for every one).
        query: String,
        /// At most this many, the newest (0: all).
        limit: usize,
    },
}

impl Source {
    /// How reports name this source: the path, or `imap:ACCOUNT`.
    pub fn label(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Imap { account, .. } => format!("imap:{account}"),
        }
    }

    /// Gives every message to `each`, in order, until it returns false; returns whether all
    /// were given.
    pub fn each(&mut self, each: &mut dyn FnMut(Message) -> bool) -> Result<bool, SourceError> {
        match self {
            Source::Path(p) => path_messages(p, each),
            Source::Imap {
                session,
                account,
                folders,
                query,
                limit,
            } => {
                for folder in folders.iter() {
                    session.examine(folder)?;
                    let mut uids = session.search(query)?;
                    if *limit > 0 && uids.len() > *limit {
                        uids.drain(..uids.len() - *limit);
                    }
                    let go = session.fetch(&uids, &mut |f| {
                        each(Message {
                            label: format!("imap:{account}/{folder}/{}", f.uid),
                            raw: f.raw,
                            imap: Some(ImapPlace {
                                account: account.clone(),
                                folder: folder.clone(),
                                uid: f.uid,
                                seen: f.seen,
                            }),
                        })
                    })?;
                    if !go {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }
}

fn path_messages(path: &Path, each: &mut dyn FnMut(Message) -> bool) -> Result<bool, SourceError> {
    let err = |source| SourceError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        // By the whole path's bytes: the entries share their directory, so this is the order
        // of their names, and far cheaper than comparing paths component by component (a
        // Maildir of 10,000 mails spent some 3 % of an audit here).
        entries.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        for p in entries {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with('.') || name == "tmp" {
                continue;
            }
            if !path_messages(&p, each)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let mut first = [0u8; 5];
    let n = std::io::Read::read(&mut std::fs::File::open(path).map_err(err)?, &mut first)
        .map_err(err)?;
    if &first[..n] != b"From " {
        let raw = std::fs::read(path).map_err(err)?;
        return Ok(each(Message {
            label: path.display().to_string(),
            raw,
            imap: None,
        }));
    }
    let mut go = true;
    crate::read::batch::mbox_messages(path, &mut |label, _offset, raw| {
        if go {
            go = each(Message {
                label,
                raw,
                imap: None,
            });
        }
    })
    .map_err(err)?;
    Ok(go)
}

/// The headers a server shows for a message, before any decryption: what anyone on the path
/// could read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OuterHeaders {
    /// Date, RFC 3339 in UTC, when it parses.
    pub date: Option<String>,
    /// From, the address.
    pub from: String,
    /// Subject as it travelled (`...` for messages with protected headers).
    pub subject: String,
    /// Message-ID.
    pub message_id: Option<String>,
}

impl OuterHeaders {
    /// Reads the header section of `raw`.
    pub fn of(raw: &[u8]) -> OuterHeaders {
        let Some(m) = mail_parser::MessageParser::new().parse_headers(raw) else {
            return OuterHeaders::default();
        };
        OuterHeaders {
            date: m.date().map(|d| d.to_rfc3339()),
            from: m
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or("")
                .to_string(),
            subject: m.subject().unwrap_or("").to_string(),
            message_id: m.message_id().map(|s| format!("<{s}>")),
        }
    }
}
