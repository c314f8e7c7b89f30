//! Read: decrypt and verify a received message and tell the truth about it.
//!
//! [`read_message`] looks at the root of the message only: an RFC 3156 `multipart/encrypted`
//! root is decrypted, a `multipart/signed` root is verified, a single text part holding inline
//! PGP is decrypted or verified. Encrypted or signed parts nested deeper inside someone's
//! mail are listed as unprotected parts and never merged into the protected body: that is
//! where EFAIL-style and signature-wrapping attacks hide.
//!
//! Integrity comes before everything: a message whose integrity check fails (no MDC,
//! tampered, truncated, AEAD failure) yields [`ReadError::Integrity`] and no plaintext.

pub mod autocrypt;
pub mod batch;
mod decrypt;
mod identity;
mod inline;
pub mod limits;
mod mime_tree;
mod report;
pub mod stream;
mod verdict;

pub use autocrypt::autocrypt_seen;
pub use report::{
    AttachmentData, Integrity, KeyAcceptance, PartInfo, Report, SigStatus, SignatureVerdict,
};

use std::path::{Path, PathBuf};

use openpgp::crypto::Password;
use sequoia_openpgp as openpgp;

use crate::keys::{Keyring, PasswordRequest};
use crate::Context;

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The input is empty.
    #[error("the input is empty")]
    Empty,
    /// The input is not an e-mail message.
    #[error("the input is not an e-mail message (no RFC 5322 header section)")]
    NotMail,
    /// The message carries OpenPGP data that is damaged (bad armor, truncated packets).
    #[error("the OpenPGP data in the message is damaged: {0}")]
    Malformed(String),
    /// The OpenPGP library found the data damaged before any of it was decrypted; the cause
    /// is its own error.
    #[error("the OpenPGP data in the message is damaged")]
    Damaged(#[source] anyhow::Error),
    /// The message could not be read to its end.
    #[error("cannot read the message")]
    Read(#[source] std::io::Error),
    /// None of the own secret keys can decrypt the message.
    #[error("the message is not encrypted to any of your keys (it is for {recipients})")]
    NoKey {
        /// The key IDs the message was encrypted to.
        recipients: String,
    },
    /// The integrity check failed; no plaintext is released. It carries no detail on purpose:
    /// every way it can fail (quick check, MDC, AEAD tag, truncation, trailing data) reads the
    /// same, so that the answer tells an attacker nothing about which.
    #[error(
        "integrity check failed: the encrypted data was changed or cut short; nothing was shown"
    )]
    Integrity,
    /// The message uses an encryption format sealmail refuses (e.g. the pre-standard AEAD
    /// Encrypted Data packet); nothing was decrypted.
    #[error("the message uses {0}, which sealmail does not accept; nothing was decrypted")]
    Unsupported(String),
    /// The message exceeds one of sealmail's limits (size, nesting, parts, header length,
    /// decompression ratio, recipients).
    #[error("{0}")]
    Limit(String),
    /// A secret key was needed but no passphrase was given (or gpg-agent could not use it).
    #[error("the secret key {0} is protected and could not be unlocked")]
    Locked(String),
    /// The passphrase of the secret key was wrong, every time it was asked for.
    #[error("wrong passphrase for the secret key {0}")]
    WrongPassphrase(String),
    /// The key store failed.
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    /// The message file could not be read.
    #[error("cannot read {path}: {source}")]
    Input {
        /// Which file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing an attachment failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ReadError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ReadError::Empty | ReadError::NotMail => {
                "give a whole message as saved by your mail client (.eml, with headers): sealmail decrypt FILE.eml".into()
            }
            ReadError::Malformed(_) | ReadError::Damaged(_) => {
                "the message was damaged in transit; ask the sender to send it again".into()
            }
            ReadError::NoKey { .. } => {
                "import the secret key it was encrypted to: sealmail key import SECRET-KEY-FILE (see: sealmail key list)".into()
            }
            ReadError::Integrity => {
                "do not trust this message: it was modified or cut short; ask the sender to send it again".into()
            }
            ReadError::Unsupported(_) => {
                "nothing was shown; if you expected this mail, ask the sender to send it again with current OpenPGP software (GnuPG 2.2 or later, Thunderbird, sq)".into()
            }
            ReadError::Locked(_) => "give the passphrase at the prompt, or with --passphrase-fd N (for a key of gpg-agent: its pinentry must be able to ask; gpg-connect-agent /bye)".into(),
            ReadError::WrongPassphrase(_) => "run the command again with the right passphrase".into(),
            ReadError::Limit(_) => "this is not a normal mail; if you trust it, raise the limit in config.toml ([limits]) or inspect it with other tools".into(),
            ReadError::Key(k) => return k.hint(),
            ReadError::Write { .. } => "choose a writable folder for --attachments".into(),
            ReadError::Input { .. } | ReadError::Read(_) => "check the file name and that you may read it".into(),
        })
    }
}

/// How to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Decrypt an inline OpenPGP block even when other text surrounds it. Off by default: such
    /// a block may be someone's old ciphertext embedded in an attacker's mail to make the reader
    /// decrypt (and quote) it; Thunderbird asks first too.
    pub embedded: bool,
    /// The limits to enforce.
    pub limits: limits::Limits,
}

/// Decrypts and verifies `raw` (a whole RFC 5322 message) with the keys in `keyring`.
pub fn read_message(
    raw: &[u8],
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
) -> Result<Report, ReadError> {
    read_message_with(raw, keyring, ctx, password, ReadOptions::default())
}

/// [`read_message`] with options.
pub fn read_message_with(
    raw: &[u8],
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    opts: ReadOptions,
) -> Result<Report, ReadError> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    limits::check(raw, &opts.limits)?;
    if !looks_like_mail(raw) {
        return Err(ReadError::NotMail);
    }
    let root = mime_tree::Entity::parse(raw).ok_or(ReadError::NotMail)?;
    if !root.has_headers() {
        return Err(ReadError::NotMail);
    }
    let mut keys = decrypt::Keys {
        keyring,
        ctx,
        password,
        embedded: opts.embedded,
        limits: opts.limits,
    };
    verdict::analyze(&root, &mut keys)
}

/// How to read a message file.
pub struct FileOptions<'a> {
    /// What [`read_message_with`] takes.
    pub read: ReadOptions,
    /// Where the attachments will be saved: while a large message streams, its large parts
    /// are decoded straight into hidden temporary files there (and removed unless the
    /// message passes its integrity check and they are saved).
    pub attachments_dir: Option<&'a Path>,
    /// Files larger than this are read as a stream ([`stream::STREAM_ABOVE`] by default).
    pub stream_above: u64,
    /// Called with (bytes read, file size) while a large message streams.
    pub progress: Option<&'a mut dyn FnMut(u64, u64)>,
}

impl Default for FileOptions<'_> {
    fn default() -> Self {
        FileOptions {
            read: ReadOptions::default(),
            attachments_dir: None,
            stream_above: stream::STREAM_ABOVE,
            progress: None,
        }
    }
}

/// A message read from a file.
#[derive(Debug)]
pub struct FileReport {
    /// What was learned.
    pub report: Report,
    /// The message's outer header section (the whole message when it was read in memory):
    /// enough for [`autocrypt_seen`].
    pub head: Vec<u8>,
    /// Whether it was read as a stream ([`Report::inner`] is then `None`).
    pub streamed: bool,
}

/// Reads a message file like [`read_message_with`]. A large PGP/MIME message is read as a
/// stream, in bounded memory whatever its size: its large parts are decoded into hidden
/// temporary files in `opts.attachments_dir` (or only counted) and released only when the
/// whole message passed its integrity check. Other messages are read into memory.
pub fn read_file(
    path: &Path,
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    mut opts: FileOptions<'_>,
) -> Result<FileReport, ReadError> {
    let input = |source| ReadError::Input {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(input)?.len();
    if size > opts.stream_above {
        if let Some(r) = read_streamed(path, size, keyring, ctx, password, &mut opts)? {
            return Ok(r);
        }
    }
    let raw = std::fs::read(path).map_err(input)?;
    let report = read_message_with(&raw, keyring, ctx, password, opts.read)?;
    Ok(FileReport {
        report,
        head: raw,
        streamed: false,
    })
}

/// The streaming half of [`read_file`]; `None` when the message is not a plain
/// `multipart/encrypted` one (it is then read in memory).
fn read_streamed(
    path: &Path,
    size: u64,
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    opts: &mut FileOptions<'_>,
) -> Result<Option<FileReport>, ReadError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let limits = opts.read.limits;
    if size > limits.max_message_bytes {
        return Err(ReadError::Limit(format!(
            "the message is {size} bytes, more than the limit of {} (max_message_mb)",
            limits.max_message_bytes
        )));
    }
    let input = |source| ReadError::Input {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(input)?;
    let mut r = std::io::BufReader::with_capacity(1 << 16, file);
    let Some(mut head) = stream::read_head(&mut r, &limits)? else {
        return Ok(None);
    };
    head.extend_from_slice(b"\r\n");
    if !looks_like_mail(&head) {
        return Ok(None);
    }
    let Some(root) = mime_tree::Entity::parse(&head) else {
        return Ok(None);
    };
    let encrypted = root.content_type() == "multipart/encrypted"
        && root
            .ct_param("protocol")
            .is_some_and(|p| p.eq_ignore_ascii_case("application/pgp-encrypted"));
    let Some(boundary) = root.ct_param("boundary").filter(|_| encrypted) else {
        return Ok(None);
    };
    let dash = format!("--{boundary}").into_bytes();
    if !stream::seek_encrypted_part(&mut r, &dash).map_err(input)?
        || !stream::at_armored_message(&mut r).map_err(input)?
    {
        return Ok(None);
    }
    if let Some(dir) = opts.attachments_dir {
        std::fs::create_dir_all(dir).map_err(|source| ReadError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let count = std::sync::Arc::new(AtomicU64::new(0));
    let mut splitter = stream::Splitter::new(limits, opts.attachments_dir);
    let mut keys = decrypt::Keys {
        keyring,
        ctx,
        password,
        embedded: opts.read.embedded,
        limits,
    };
    let progress = &mut opts.progress;
    // The armored part goes from the file to the library's decryptor, the plaintext to the
    // splitter, which writes large parts to hidden temporary files. Nothing gets its final
    // name before this returns with the integrity confirmed.
    let sigs = decrypt::decrypt_to(
        decrypt::Source::Reader(
            Box::new(stream::PartReader::new(r, dash, count.clone())),
            size,
        ),
        &mut keys,
        &mut |chunk| {
            if let Some(p) = progress.as_mut() {
                p(count.load(Ordering::Relaxed), size);
            }
            splitter.feed(chunk)
        },
    )?;
    let (skeleton, spills) = splitter.finish()?;
    match verdict::analyze_streamed(&root, skeleton, sigs, &mut keys, &spills) {
        Ok(report) => Ok(Some(FileReport {
            report,
            head,
            streamed: true,
        })),
        Err(ReadError::Limit(why)) if why == verdict::NEEDS_MEMORY => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `raw` starts like an RFC 5322 message: its first line (after an mbox `From `
/// line) is a header field, `name: value`, with a name of printable ASCII.
fn looks_like_mail(raw: &[u8]) -> bool {
    let mut lines = raw.split(|&b| b == b'\n');
    let mut first = lines.next().unwrap_or(b"");
    if first.starts_with(b"From ") {
        first = lines.next().unwrap_or(b"");
    }
    match first.iter().position(|&b| b == b':') {
        Some(n) if n > 0 => first[..n].iter().all(|&b| (33..=126).contains(&b)),
        _ => false,
    }
}

/// A decrypted copy of an encrypted message, as Thunderbird's "decrypt permanently" makes:
/// the outer headers with the decrypted content. A signature made together with the
/// encryption is kept as an RFC 3156 `multipart/signed` over the exact decrypted entity, so the
/// copy still verifies without the secret key. `None` when the message was not encrypted.
pub fn decrypted_copy(raw: &[u8], report: &Report) -> Option<Vec<u8>> {
    use sequoia_openpgp::serialize::Serialize;
    if !report.encrypted {
        return None;
    }
    let inner = report.inner.as_ref()?;
    let head_end = crate::mime::find_header_end(raw);
    let inner_names = header_names(inner);
    let mut out = Vec::new();
    for field in crate::mime::header_fields(&raw[..head_end]) {
        let name = field
            .split(|&b| b == b':')
            .next()
            .map(|n| String::from_utf8_lossy(n).trim().to_ascii_lowercase())
            .unwrap_or_default();
        let mime = name.starts_with("content-") || name == "mime-version";
        if mime || inner_names.contains(&name) {
            continue;
        }
        out.extend_from_slice(field);
    }
    if report.combined_signatures.is_empty() {
        out.extend_from_slice(b"MIME-Version: 1.0\r\n");
        out.extend_from_slice(inner);
        return Some(out);
    }
    let hash = report.combined_signatures[0]
        .hash_algo()
        .to_string()
        .to_ascii_lowercase()
        .replace('-', "");
    let b = crate::mime::boundary();
    out.extend_from_slice(
        format!("MIME-Version: 1.0\r\nContent-Type: multipart/signed; micalg=pgp-{hash};\r\n protocol=\"application/pgp-signature\"; boundary=\"{b}\"\r\n\r\n--{b}\r\n").as_bytes(),
    );
    out.extend_from_slice(inner);
    out.extend_from_slice(
        format!(
            "\r\n--{b}\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n"
        )
        .as_bytes(),
    );
    let mut crlf = crate::mime::CrlfWriter::new(&mut out);
    let mut w =
        sequoia_openpgp::armor::Writer::new(&mut crlf, sequoia_openpgp::armor::Kind::Signature)
            .ok()?;
    for sig in &report.combined_signatures {
        sequoia_openpgp::Packet::from(sig.clone())
            .serialize(&mut w)
            .ok()?;
    }
    w.finalize().ok()?;
    out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Some(out)
}

fn header_names(entity: &[u8]) -> Vec<String> {
    crate::mime::header_fields(&entity[..crate::mime::find_header_end(entity)])
        .iter()
        .filter_map(|f| f.split(|&b| b == b':').next())
        .map(|n| String::from_utf8_lossy(n).trim().to_ascii_lowercase())
        .collect()
}

/// Writes the attachments of `report` below `dir` with sanitized, non-clobbering names,
/// readable by their owner only; returns the paths written. Each is written to a hidden
/// temporary file first and named when complete ([`crate::partial`]).
pub fn save_attachments(report: &Report, dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let mk = |path: &Path, source| ReadError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| mk(dir, e))?;
    let mut written = Vec::new();
    for a in &report.attachments {
        let name = crate::mime::safe_filename(&a.filename);
        let mut path = dir.join(&name);
        let mut n = 1;
        while path.exists() {
            path = dir.join(format!("{n}-{name}"));
            n += 1;
        }
        match &a.file {
            // Streamed: the content is in a hidden file, usually in this very folder.
            Some(tmp) => tmp.persist(&path, false).map_err(|e| mk(&path, e))?,
            None if a.data.len() as u64 != a.size => {
                return Err(mk(
                    &path,
                    std::io::Error::other(
                        "the attachment was streamed without a folder to keep it in; read the message with an attachments folder",
                    ),
                ))
            }
            None => {
                use std::io::Write;
                let mut p = crate::partial::Partial::beside(&path).map_err(|e| mk(&path, e))?;
                p.write_all(&a.data)
                    .and_then(|()| p.persist(&path, false))
                    .map_err(|e| mk(&path, e))?
            }
        }
        written.push(path);
    }
    Ok(written)
}
