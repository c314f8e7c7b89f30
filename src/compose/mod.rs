//! Compose: turn a [`Draft`] into a finished RFC 5322 message, encrypted and signed as RFC 3156
//! PGP/MIME with RFC 9788 protected headers, or signed only.
//!
//! Recipient keys are checked first, all of them, and any recipient without a usable key stops
//! the whole compose: sealmail never falls back to plaintext.

mod autocrypt;

pub use autocrypt::autocrypt_header;

use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use openpgp::cert::Preferences;
use openpgp::crypto::Password;
use openpgp::serialize::stream::{Armorer, Encryptor, LiteralWriter, Message, Recipient, Signer};
use openpgp::types::HashAlgorithm;
use sequoia_openpgp as openpgp;

use crate::keys::{KeyError, KeyProblem, Keyring, PasswordRequest};
use crate::mime::{self, Mailbox};
use crate::Context;

/// The hash every signature is made with. SHA-256 matches the 128-bit strength of the keys
/// in use (Curve25519, RSA-3072), every OpenPGP implementation has it, gpg picks it for these
/// keys too, and with the SHA instructions of current CPUs it is about twice as fast as
/// SHA-512, which matters for big attachments, on both the writing and the reading side.
const SIGNATURE_HASH: HashAlgorithm = HashAlgorithm::SHA256;

/// Errors of compose.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    /// One or more recipients have no usable key; nothing was written.
    #[error("not encrypting: {}", describe_missing(.0))]
    Recipients(Vec<(String, KeyProblem)>),
    /// The draft is incomplete or wrong.
    #[error("{0}")]
    Draft(String),
    /// An attachment could not be read.
    #[error("cannot read attachment {path}: {source}")]
    Attachment {
        /// The attachment's path.
        path: String,
        /// What the OS said.
        source: io::Error,
    },
    /// A key store problem (e.g. no own signing key).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// OpenPGP encryption or signing failed.
    #[error("OpenPGP encryption or signing failed")]
    OpenPgp(#[source] anyhow::Error),
    /// Writing the output failed.
    #[error("cannot write the message: {0}")]
    Io(#[from] io::Error),
}

fn describe_missing(v: &[(String, KeyProblem)]) -> String {
    v.iter()
        .map(|(e, p)| format!("{e}: {p}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ComposeError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        match self {
            ComposeError::Recipients(v) => Some(
                v.iter()
                    .map(|(e, p)| p.hint(e))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ComposeError::Key(k) => k.hint(),
            ComposeError::Draft(_) => Some("see: sealmail compose --help".into()),
            ComposeError::Attachment { .. } => Some("check the path given to --attach".into()),
            ComposeError::OpenPgp(_) | ComposeError::Io(_) => None,
        }
    }
}

fn pgp_err(e: impl Into<anyhow::Error>) -> ComposeError {
    ComposeError::OpenPgp(e.into())
}

/// An attachment: a name, a content type and its bytes.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// The file name shown to the recipient.
    pub filename: String,
    /// MIME content type.
    pub content_type: String,
    /// The content, when it is held in memory.
    pub data: Vec<u8>,
    /// A file to stream the content from instead (large attachments never sit in memory).
    pub path: Option<std::path::PathBuf>,
}

impl Attachment {
    /// Reads a file as an attachment; the content type is guessed from the extension.
    pub fn from_path(path: &Path) -> Result<Self, ComposeError> {
        // Open it now, so a missing or unreadable file stops compose before anything is written.
        std::fs::File::open(path).map_err(|source| ComposeError::Attachment {
            path: path.display().to_string(),
            source,
        })?;
        let filename = mime::safe_filename(&path.to_string_lossy());
        Ok(Attachment {
            content_type: guess_type(&filename).into(),
            filename,
            data: Vec::new(),
            path: Some(path.to_path_buf()),
        })
    }
}

fn guess_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "md" | "log" => "text/plain",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "json" => "application/json",
        "zip" => "application/zip",
        "kdbx" => "application/x-keepass2",
        "asc" => "application/pgp-keys",
        _ => "application/octet-stream",
    }
}

/// What the user asked to send.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The sender (an own key must exist for the address).
    pub from: Mailbox,
    /// Primary recipients.
    pub to: Vec<Mailbox>,
    /// Copy recipients.
    pub cc: Vec<Mailbox>,
    /// Blind copy recipients: encrypted to, never named in a header.
    pub bcc: Vec<Mailbox>,
    /// The real subject (hidden inside the ciphertext when encrypting).
    pub subject: String,
    /// The text body.
    pub body: String,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// The date; `None` means the context's time.
    pub date: Option<SystemTime>,
    /// The Message-ID; `None` makes a fresh one.
    pub message_id: Option<String>,
    /// A ready MIME entity (its Content-* header fields and body), used instead of `body` and
    /// `attachments`: how `sendmail` mode keeps a message's own MIME structure.
    pub content: Option<Vec<u8>>,
    /// The fingerprint of the own key to sign with (default: the one for `from`).
    pub sign_with: Option<String>,
    /// More header fields to keep (e.g. In-Reply-To, References, X-Mailer): all go inside the
    /// encryption; In-Reply-To and References also outside, for threading.
    pub extra_headers: Vec<(String, String)>,
}

/// How the message is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Encrypted to every recipient and the sender, signed by the sender (RFC 3156 §6.2,
    /// combined).
    EncryptAndSign,
    /// Signed only, as RFC 3156 `multipart/signed`.
    SignOnly,
}

/// What compose did, for the caller to report.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The Message-ID of the new message.
    pub message_id: String,
    /// Fingerprints of the certificates encrypted to.
    pub recipients: Vec<(String, String)>,
    /// Fingerprint of the signing certificate.
    pub signer: String,
}

struct Headers {
    date: String,
    message_id: String,
}

impl Draft {
    fn check(&self) -> Result<(), ComposeError> {
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            return Err(ComposeError::Draft(
                "no recipient: give at least one --to".into(),
            ));
        }
        Ok(())
    }

    fn all_recipients(&self) -> impl Iterator<Item = &Mailbox> {
        self.to.iter().chain(&self.cc).chain(&self.bcc)
    }

    fn headers(&self, ctx: &Context) -> Headers {
        Headers {
            date: mime::date(self.date.unwrap_or_else(|| ctx.time())),
            message_id: self
                .message_id
                .clone()
                .unwrap_or_else(|| mime::message_id(self.from.domain())),
        }
    }

    /// The addressing headers (From, To, Cc, Subject, Date, Message-ID) with `subject`, and the
    /// extra headers (only the threading ones when `outer`).
    fn address_headers(&self, h: &Headers, subject: &str, outer: bool) -> String {
        let mut s = String::new();
        s.push_str(&format!("From: {}\r\n", self.from.to_header()));
        if !self.to.is_empty() {
            s.push_str(&format!("To: {}\r\n", mime::address_list(&self.to)));
        }
        if !self.cc.is_empty() {
            s.push_str(&format!("Cc: {}\r\n", mime::address_list(&self.cc)));
        }
        s.push_str(&format!("Subject: {}\r\n", mime::encode_text(subject)));
        s.push_str(&format!("Date: {}\r\n", h.date));
        s.push_str(&format!("Message-ID: {}\r\n", h.message_id));
        for (name, value) in &self.extra_headers {
            let threading =
                name.eq_ignore_ascii_case("In-Reply-To") || name.eq_ignore_ascii_case("References");
            if outer && !threading {
                continue;
            }
            let clean = |x: &str| x.replace(['\r', '\n'], " ");
            s.push_str(&format!(
                "{}: {}\r\n",
                clean(name.trim()),
                clean(value.trim())
            ));
        }
        s
    }

    /// The inner MIME entity: the root part carrying the protected headers (RFC 9788, plus the
    /// legacy `protected-headers="v1"` parameter), the text body and the attachments.
    /// Writes the inner MIME entity, streaming attachments from their files.
    fn write_inner(
        &self,
        h: &Headers,
        hp: &str,
        outer_subject: &str,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let params = format!("protected-headers=\"v1\"; hp=\"{hp}\"");
        let text_part = |out: &mut dyn Write, ct_extra: &str| -> io::Result<()> {
            out.write_all(
                format!(
                    "Content-Type: text/plain; charset=\"utf-8\"{ct_extra}\r\nContent-Transfer-Encoding: quoted-printable\r\n"
                )
                .as_bytes(),
            )
        };
        let mut hp_outer = String::new();
        if hp == "cipher" {
            // RFC 9788 §2.2: say what the outer header section showed instead.
            hp_outer.push_str(&format!("HP-Outer: From: {}\r\n", self.from.to_header()));
            if !self.to.is_empty() {
                hp_outer.push_str(&format!(
                    "HP-Outer: To: {}\r\n",
                    mime::address_list(&self.to)
                ));
            }
            if !self.cc.is_empty() {
                hp_outer.push_str(&format!(
                    "HP-Outer: Cc: {}\r\n",
                    mime::address_list(&self.cc)
                ));
            }
            hp_outer.push_str(&format!("HP-Outer: Date: {}\r\n", h.date));
            hp_outer.push_str(&format!("HP-Outer: Message-ID: {}\r\n", h.message_id));
            hp_outer.push_str(&format!("HP-Outer: Subject: {outer_subject}\r\n"));
        }
        let headers = self.address_headers(h, &self.subject, false);
        if let Some(raw) = &self.content {
            let end = mime::find_header_end(raw);
            let mut has_ct = false;
            for field in mime::header_fields(&raw[..end]) {
                let f = String::from_utf8_lossy(field);
                let (name, value) = f.split_once(':').unwrap_or((&f, ""));
                let lname = name.trim().to_ascii_lowercase();
                if !lname.starts_with("content-") {
                    continue;
                }
                if lname == "content-type" {
                    has_ct = true;
                    let v = value.replace(['\r', '\n'], "");
                    out.write_all(
                        format!(
                            "Content-Type: {}; {params}\r\n",
                            v.trim().trim_end_matches(';')
                        )
                        .as_bytes(),
                    )?;
                } else {
                    out.write_all(&mime::to_crlf(field))?;
                }
            }
            if !has_ct {
                out.write_all(
                    format!("Content-Type: text/plain; charset=\"utf-8\"; {params}\r\n").as_bytes(),
                )?;
            }
            out.write_all(headers.as_bytes())?;
            out.write_all(hp_outer.as_bytes())?;
            out.write_all(b"\r\n")?;
            let body = &raw[end..];
            let body = body
                .strip_prefix(b"\r\n")
                .or_else(|| body.strip_prefix(b"\n"))
                .unwrap_or(body);
            out.write_all(&mime::to_crlf(body))?;
            return Ok(());
        }
        let body = mime::quoted_printable(&self.body);
        if self.attachments.is_empty() {
            text_part(out, &format!("; {params}"))?;
            out.write_all(headers.as_bytes())?;
            out.write_all(hp_outer.as_bytes())?;
            out.write_all(b"\r\n")?;
            out.write_all(body.as_bytes())?;
            return Ok(());
        }
        let b = mime::boundary();
        out.write_all(
            format!("Content-Type: multipart/mixed; boundary=\"{b}\"; {params}\r\n").as_bytes(),
        )?;
        out.write_all(headers.as_bytes())?;
        out.write_all(hp_outer.as_bytes())?;
        out.write_all(b"\r\n")?;
        out.write_all(format!("--{b}\r\n").as_bytes())?;
        text_part(out, "")?;
        out.write_all(b"\r\n")?;
        out.write_all(body.as_bytes())?;
        if !body.ends_with("\r\n") {
            out.write_all(b"\r\n")?;
        }
        for a in &self.attachments {
            let name = mime::encode_text(&mime::safe_filename(&a.filename));
            out.write_all(
                format!(
                    "--{b}\r\nContent-Type: {}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                    a.content_type
                )
                .as_bytes(),
            )?;
            match &a.path {
                Some(p) => mime::write_base64_file(out, p)?,
                None => mime::write_base64_lines(out, &a.data)?,
            }
        }
        out.write_all(format!("--{b}--\r\n").as_bytes())?;
        Ok(())
    }
}

/// Composes `draft` under `protection`, writing the finished RFC 5322 message to `out`.
///
/// With [`Protection::EncryptAndSign`] every recipient (To, Cc, Bcc) and the sender must have
/// a usable key; otherwise nothing is written and [`ComposeError::Recipients`] lists every
/// address without one.
pub fn compose(
    draft: &Draft,
    protection: Protection,
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    out: &mut (dyn Write + Send + Sync),
) -> Result<Composed, ComposeError> {
    let all: Vec<&Mailbox> = draft.all_recipients().collect();
    compose_to(draft, protection, &all, keyring, ctx, password, out)
}

/// Checks that every address in `who` and the sender has a usable key; lists every one that
/// has none.
pub fn check_recipients(
    draft: &Draft,
    who: &[&Mailbox],
    keyring: &Keyring,
    ctx: &Context,
) -> Result<Vec<crate::keys::RecipientKey>, ComposeError> {
    let mut recipients = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for m in who.iter().copied().chain(std::iter::once(&draft.from)) {
        if !seen.insert(m.email.to_lowercase()) {
            continue;
        }
        match keyring.recipient(&m.email, ctx) {
            Ok(r) => recipients.push(r),
            Err(KeyError::Unusable { email, problem }) => problems.push((email, problem)),
            Err(e) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        return Err(ComposeError::Recipients(problems));
    }
    Ok(recipients)
}

/// Like [`compose`], but encrypts only to `encrypt_to` (and the sender), while the headers
/// still name To and Cc: how each Bcc recipient gets a copy of their own.
#[allow(clippy::too_many_arguments)]
pub fn compose_to(
    draft: &Draft,
    protection: Protection,
    encrypt_to: &[&Mailbox],
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    out: &mut (dyn Write + Send + Sync),
) -> Result<Composed, ComposeError> {
    draft.check()?;
    // Recipients first: a missing key must stop us before anything else happens.
    let mut recipients = Vec::new();
    if protection == Protection::EncryptAndSign {
        recipients = check_recipients(draft, encrypt_to, keyring, ctx)?;
    }
    let signer_query = draft.sign_with.as_deref().unwrap_or(&draft.from.email);
    let (own, signer) = keyring.signer(signer_query, ctx, password)?;
    let h = draft.headers(ctx);
    let outer_subject = "[...]";

    let boundary = mime::boundary();
    let mut head = String::new();
    match protection {
        Protection::EncryptAndSign => {
            head.push_str(&draft.address_headers(&h, outer_subject, true))
        }
        Protection::SignOnly => head.push_str(&draft.address_headers(&h, &draft.subject, true)),
    }
    head.push_str("MIME-Version: 1.0\r\n");
    head.push_str(&autocrypt_header(&draft.from.email, &own, ctx));
    head.push_str("User-Agent: sealmail/");
    head.push_str(env!("CARGO_PKG_VERSION"));
    head.push_str("\r\n");

    let composed = Composed {
        message_id: h.message_id.clone(),
        recipients: recipients
            .iter()
            .map(|r| (r.email.clone(), r.cert.fingerprint().to_hex()))
            .collect(),
        signer: own.fingerprint().to_hex(),
    };

    match protection {
        Protection::EncryptAndSign => {
            head.push_str(&format!(
                "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\"{boundary}\"\r\n\r\n"
            ));
            head.push_str("This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n");
            head.push_str(&format!("--{boundary}\r\n"));
            head.push_str("Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n\r\n");
            head.push_str(&format!("--{boundary}\r\n"));
            head.push_str("Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\nContent-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n");
            out.write_all(head.as_bytes())?;
            {
                let mut crlf = mime::CrlfWriter::new(&mut *out);
                let mut keys = Vec::new();
                for r in &recipients {
                    let vc = r
                        .cert
                        .with_policy(ctx.policy(), ctx.time())
                        .map_err(pgp_err)?;
                    let features = vc.features();
                    for ka in crate::keys::encryption_keys(&vc) {
                        keys.push(Recipient::new(
                            features.clone(),
                            ka.key().key_handle(),
                            ka.key(),
                        ));
                    }
                }
                let message = Message::new(&mut crlf);
                let message = Armorer::new(message).build().map_err(pgp_err)?;
                let message = Encryptor::for_recipients(message, keys)
                    .build()
                    .map_err(pgp_err)?;
                let mut signer = Signer::new(message, signer)
                    .map_err(pgp_err)?
                    .hash_algo(SIGNATURE_HASH)
                    .map_err(pgp_err)?
                    // Signed at the context's time, the clock everything else is judged by.
                    .creation_time(ctx.time());
                for r in &recipients {
                    signer = signer.add_intended_recipient(&r.cert);
                }
                let message = signer.build().map_err(pgp_err)?;
                let mut lit = LiteralWriter::new(message).build().map_err(pgp_err)?;
                draft.write_inner(&h, "cipher", outer_subject, &mut lit)?;
                lit.finalize().map_err(pgp_err)?;
            }
            out.write_all(format!("\r\n--{boundary}--\r\n").as_bytes())?;
        }
        Protection::SignOnly => {
            head.push_str(&format!(
                "Content-Type: multipart/signed; micalg=pgp-sha256;\r\n protocol=\"application/pgp-signature\"; boundary=\"{boundary}\"\r\n\r\n"
            ));
            head.push_str("This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n");
            head.push_str(&format!("--{boundary}\r\n"));
            out.write_all(head.as_bytes())?;
            // The signed bytes are the part exactly as it travels: CRLF, without the CRLF that
            // belongs to the following boundary line. The part streams to the output and the
            // signer at once; the (small) signature is written after it.
            let mut sig = Vec::new();
            {
                let message = Message::new(mime::CrlfWriter::new(&mut sig));
                let message = Armorer::new(message)
                    .kind(openpgp::armor::Kind::Signature)
                    .build()
                    .map_err(pgp_err)?;
                let mut s = Signer::new(message, signer)
                    .map_err(pgp_err)?
                    .hash_algo(SIGNATURE_HASH)
                    .map_err(pgp_err)?
                    .creation_time(ctx.time())
                    .detached()
                    .build()
                    .map_err(pgp_err)?;
                {
                    let mut tee = mime::HoldBackCrlf::new(mime::Tee::new(&mut *out, &mut s));
                    draft.write_inner(&h, "clear", outer_subject, &mut tee)?;
                    tee.finish()?;
                }
                s.finalize().map_err(pgp_err)?;
            }
            out.write_all(format!("\r\n--{boundary}\r\n").as_bytes())?;
            out.write_all(b"Content-Type: application/pgp-signature; name=\"signature.asc\"\r\nContent-Description: OpenPGP digital signature\r\nContent-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n")?;
            out.write_all(&sig)?;
            out.write_all(format!("\r\n--{boundary}--\r\n").as_bytes())?;
        }
    }
    out.flush()?;
    Ok(composed)
}
