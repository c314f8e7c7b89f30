//! SMTP delivery with lettre over rustls: STARTTLS required when configured, AUTH PLAIN or
//! LOGIN, the system roots plus an optional extra CA.
//!
//! The connection is driven through lettre's `SmtpConnection` (connect, STARTTLS, AUTH, MAIL,
//! RCPT, DATA) rather than its `SmtpTransport`, because only the connection can send the
//! message content piece by piece: a queued message streams from its file to the server in
//! bounded memory, whatever the size of its attachments.

use std::io::Read;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use super::{Envelope, FailureKind, SendError, Transport};
use crate::config::{Security, Smtp};
use crate::secrets::Secret;

/// Delivery to one SMTP server.
pub struct SmtpTransport {
    host: String,
    port: u16,
    tls: Tls,
    timeout: Option<Duration>,
    credentials: Option<Credentials>,
    hello: ClientId,
    progress: Option<Progress>,
}

/// Called with (bytes sent, message size) while a queued message streams to the server.
type Progress = Box<dyn Fn(u64, u64) + Send + Sync>;

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpTransport")
    }
}

fn setup(msg: impl Into<String>) -> SendError {
    SendError::new(FailureKind::Setup, msg, None)
}

impl SmtpTransport {
    /// Builds the transport for `smtp`, logging in with `password` when a username is set.
    pub fn new(smtp: &Smtp, password: Option<Secret>) -> Result<Self, SendError> {
        let host = smtp
            .host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let tls = || -> Result<TlsParameters, SendError> {
            let mut b = TlsParameters::builder(host.clone());
            if let Some(ca) = &smtp.ca_file {
                let pem = std::fs::read(ca)
                    .map_err(|e| setup(format!("cannot read ca_file {}: {e}", ca.display())))?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    setup(format!(
                        "ca_file {} is not a PEM certificate: {e}",
                        ca.display()
                    ))
                })?;
                b = b.add_root_certificate(cert);
            }
            b.build_rustls()
                .map_err(|e| setup(format!("TLS set-up failed: {e}")))
        };
        let tls = match smtp.security {
            Security::Starttls => Tls::Required(tls()?),
            Security::Tls => Tls::Wrapper(tls()?),
            Security::None => Tls::None,
        };
        let credentials = match &smtp.username {
            Some(user) => {
                let pw = password.ok_or_else(|| setup("no SMTP password"))?;
                Some(Credentials::new(user.clone(), pw.to_string()))
            }
            None => None,
        };
        Ok(SmtpTransport {
            host,
            port: smtp.port(),
            tls,
            timeout: Some(Duration::from_secs(smtp.timeout_secs.unwrap_or(30))),
            credentials,
            hello: ClientId::default(),
            progress: None,
        })
    }

    /// Reports the progress of each queued message as it is sent (the CLI draws a bar).
    pub fn with_progress(mut self, f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Connects, says EHLO, upgrades with STARTTLS when required and logs in.
    fn connect(&self) -> Result<SmtpConnection, lettre::transport::smtp::Error> {
        let wrapper = match &self.tls {
            Tls::Wrapper(p) => Some(p),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            self.timeout,
            &self.hello,
            wrapper,
            None,
        )?;
        if let Tls::Required(p) = &self.tls {
            conn.starttls(p, &self.hello)?;
        }
        if let Some(c) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], c)?;
        }
        Ok(conn)
    }

    /// One delivery: MAIL, RCPT for each recipient, DATA, then the content piece by piece.
    fn deliver<I, B>(&self, envelope: &Envelope, content: I) -> Result<(), SendError>
    where
        I: Iterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let env = lettre_envelope(envelope)?;
        let mut conn = self.connect().map_err(|e| classify(&e))?;
        let mut params = Vec::new();
        // Declared whenever the server offers it: harmless for 7-bit content.
        if conn.server_info().supports_feature(Extension::EightBitMime) {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let go = || -> Result<(), lettre::transport::smtp::Error> {
            conn.command(Mail::new(env.from().cloned(), params))?;
            for to in env.to() {
                conn.command(Rcpt::new(to.clone(), vec![]))?;
            }
            conn.command(Data)?;
            conn.message_iter(content)?;
            Ok(())
        };
        let r = go();
        match &r {
            Ok(()) => {
                let _ = conn.quit();
            }
            Err(_) => conn.abort(),
        }
        r.map_err(|e| classify(&e))
    }
}

fn lettre_envelope(envelope: &Envelope) -> Result<lettre::address::Envelope, SendError> {
    let from = envelope.from.parse().map_err(|e| {
        SendError::new(
            FailureKind::Permanent,
            format!("bad sender address {}: {e}", envelope.from),
            None,
        )
    })?;
    let mut to = Vec::new();
    for t in &envelope.to {
        to.push(t.parse().map_err(|e| {
            SendError::new(
                FailureKind::Permanent,
                format!("bad recipient address {t}: {e}"),
                None,
            )
        })?);
    }
    lettre::address::Envelope::new(Some(from), to)
        .map_err(|e| SendError::new(FailureKind::Permanent, e.to_string(), None))
}

/// A file as 64 KiB pieces; a read error ends the pieces and is kept in `err`.
struct Pieces<'a> {
    file: std::fs::File,
    err: &'a std::cell::RefCell<Option<std::io::Error>>,
    sent: u64,
    size: u64,
    progress: Option<&'a Progress>,
}

impl Iterator for Pieces<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 1 << 16];
        let mut n = 0;
        while n < buf.len() {
            match self.file.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    *self.err.borrow_mut() = Some(e);
                    return None;
                }
            }
        }
        self.sent += n as u64;
        if let Some(p) = self.progress {
            p(self.sent, self.size);
        }
        (n > 0).then(|| {
            buf.truncate(n);
            buf
        })
    }
}

/// Sorts a lettre error into transient, permanent and set-up failures.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(u16::from);
    let text = e.to_string();
    let lower = text.to_lowercase();
    let kind = match code {
        // Authentication and TLS-policy answers are about the sender's set-up.
        Some(530) | Some(534) | Some(535) | Some(538) | Some(454) => FailureKind::Setup,
        Some(c) if (400..500).contains(&c) => FailureKind::Transient,
        Some(c) if (500..600).contains(&c) => FailureKind::Permanent,
        // A certificate the client does not trust, a TLS handshake that fails, a server
        // without STARTTLS, no common AUTH mechanism: only the set-up can fix these.
        _ if lower.contains("certificate") || e.is_tls() || e.is_client() => FailureKind::Setup,
        // Refused or dropped connections and timeouts: try again later.
        _ => FailureKind::Transient,
    };
    SendError::new(kind, text, code)
}

impl Transport for SmtpTransport {
    fn send_raw(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        self.deliver(envelope, message.chunks(1 << 16))
    }

    fn send_file(&self, envelope: &Envelope, path: &std::path::Path) -> Result<(), SendError> {
        let cannot = |e: std::io::Error| {
            SendError::new(
                FailureKind::Transient,
                format!("cannot read the queued message {}: {e}", path.display()),
                None,
            )
        };
        let file = std::fs::File::open(path).map_err(cannot)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let err = std::cell::RefCell::new(None);
        let pieces = Pieces {
            file,
            err: &err,
            sent: 0,
            size,
            progress: self.progress.as_ref(),
        };
        self.deliver(envelope, pieces)?;
        // A read error in the middle cut the message short; the server took it, but it is
        // not the message (and its ciphertext will not decrypt): report it and keep it queued.
        match err.into_inner() {
            Some(e) => Err(cannot(e)),
            None => Ok(()),
        }
    }
}
