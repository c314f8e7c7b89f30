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
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(go)) {
            Ok(Ok(())) => {
                let _ = conn.quit();
                Ok(())
            }
            Ok(Err(e)) => {
                conn.abort();
                Err(classify(&e))
            }
            // The content could not be read to its end. The connection is dropped in the
            // middle of DATA, before the line that ends the message, so the server discards
            // what it got (RFC 5321, 4.1.1.4). Saying QUIT first would be taken as message
            // text. The caller reports the read error.
            Err(payload) if payload.is::<ContentUnreadable>() => {
                drop(conn);
                Ok(())
            }
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }

    /// Streams `content` (`size` bytes, for the progress report) as one message. A read error
    /// in the middle abandons the transaction, so the server never delivers a message cut
    /// short.
    fn deliver_from(
        &self,
        envelope: &Envelope,
        content: impl Read,
        size: u64,
    ) -> Result<(), Unsent> {
        let err = std::cell::RefCell::new(None);
        let pieces = Pieces {
            file: content,
            err: &err,
            sent: 0,
            size,
            progress: self.progress.as_ref(),
        };
        self.deliver(envelope, pieces).map_err(Unsent::Smtp)?;
        match err.into_inner() {
            Some(e) => Err(Unsent::Read(e)),
            None => Ok(()),
        }
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

/// Unwinds out of lettre's DATA loop when the content cannot be read: lettre offers no other
/// way to stop before it writes the end-of-data line, and a message cut short must not be
/// delivered. `resume_unwind` skips the panic hook, so nothing is printed; [`SmtpTransport`]
/// catches it in `deliver`.
struct ContentUnreadable;

// With `panic = "abort"` the unwinding above would end the process instead.
#[cfg(not(panic = "unwind"))]
compile_error!("transport::smtp needs panic = \"unwind\" to abandon a message it cannot read");

/// A reader as 64 KiB pieces. A read error is kept in `err` and abandons the delivery through
/// [`ContentUnreadable`].
struct Pieces<'a, R> {
    file: R,
    err: &'a std::cell::RefCell<Option<std::io::Error>>,
    sent: u64,
    size: u64,
    progress: Option<&'a Progress>,
}

impl<R: Read> Iterator for Pieces<'_, R> {
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
                    std::panic::resume_unwind(Box::new(ContentUnreadable));
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
        self.deliver_from(envelope, file, size)
            .map_err(|e| match e {
                Unsent::Read(e) => cannot(e),
                Unsent::Smtp(e) => e,
            })
    }
}

/// Why [`SmtpTransport::deliver_from`] sent nothing.
enum Unsent {
    /// The content could not be read to its end; the server discarded what it got.
    Read(std::io::Error),
    /// The server or the connection failed.
    Smtp(SendError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A plain SMTP server on loopback for one session. Returns whether a message was
    /// completed (its end-of-data line arrived) and the content bytes it received.
    fn one_session(listener: TcpListener) -> std::thread::JoinHandle<(bool, usize)> {
        std::thread::spawn(move || {
            let (sock, _) = listener.accept().unwrap();
            let mut out = sock.try_clone().unwrap();
            let mut input = BufReader::new(sock);
            out.write_all(b"220 test ESMTP\r\n").unwrap();
            let mut line = String::new();
            loop {
                line.clear();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    return (false, 0);
                }
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                if verb == "DATA" {
                    out.write_all(b"354 go ahead\r\n").unwrap();
                    break;
                }
                let reply: &[u8] = if verb == "QUIT" {
                    b"221 bye\r\n"
                } else {
                    b"250 ok\r\n"
                };
                out.write_all(reply).unwrap();
            }
            let mut data = Vec::new();
            let mut chunk = [0u8; 1 << 16];
            loop {
                let n = input.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    return (false, data.len());
                }
                data.extend_from_slice(&chunk[..n]);
                if data.ends_with(b"\r\n.\r\n") {
                    out.write_all(b"250 queued\r\n").unwrap();
                    return (true, data.len());
                }
            }
        })
    }

    fn transport(port: u16) -> SmtpTransport {
        let smtp = Smtp {
            host: "127.0.0.1".into(),
            port: Some(port),
            security: Security::None,
            username: None,
            password_command: None,
            ca_file: None,
            timeout_secs: Some(10),
            password: None,
        };
        SmtpTransport::new(&smtp, None).unwrap()
    }

    /// Gives `good` bytes of a message, then fails.
    struct FailsAfter {
        good: usize,
    }

    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.good == 0 {
                return Err(std::io::Error::other("bad sector"));
            }
            let n = buf.len().min(self.good);
            buf[..n].fill(b'a');
            self.good -= n;
            Ok(n)
        }
    }

    fn envelope() -> Envelope {
        Envelope {
            from: "alice@example.org".into(),
            to: vec!["bob@example.org".into()],
        }
    }

    #[test]
    fn a_read_error_in_the_middle_leaves_the_server_with_no_message() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = one_session(listener);
        let r = transport(port).deliver_from(&envelope(), FailsAfter { good: 300_000 }, 600_000);
        match r {
            Err(Unsent::Read(e)) => assert!(e.to_string().contains("bad sector")),
            _ => panic!("the read error was not reported"),
        }
        let (completed, got) = server.join().unwrap();
        assert!(!completed, "the server was handed a message cut short");
        assert!(
            got >= 200_000,
            "the content did stream before the error ({got} bytes)"
        );
    }

    #[test]
    fn a_readable_message_is_completed() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = one_session(listener);
        let body = b"Subject: x\r\n\r\nhello\r\n".to_vec();
        let size = body.len() as u64;
        assert!(transport(port)
            .deliver_from(&envelope(), &body[..], size)
            .is_ok());
        assert!(server.join().unwrap().0, "the message was not completed");
    }
}
