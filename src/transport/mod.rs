//! Transport: delivering finished (encrypted) messages, and the durable outbox that makes sure
//! none is lost.
//!
//! Model: lettre's `trait Transport` with `send_raw`, and errors that callers query
//! (`is_transient`, `is_permanent`, `is_setup`, `status`) instead of matching strings.

mod outbox;
mod smtp;

pub use outbox::{
    Entry, EntryState, FlushOutcome, FlushReport, Outbox, OutboxError, Refusal, Staged,
};
pub use smtp::SmtpTransport;

use std::cell::RefCell;

/// Who the message goes to on the SMTP level.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Envelope {
    /// MAIL FROM.
    pub from: String,
    /// RCPT TO, one per address.
    pub to: Vec<String>,
}

/// What kind of failure a send was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    /// Try again later: connection refused or dropped, timeout, a 4xx answer.
    Transient,
    /// The server refused this message for good (5xx to RCPT or DATA).
    Permanent,
    /// The sender's own set-up is wrong (login refused, TLS or certificate error, no
    /// STARTTLS): kept queued until it is fixed.
    Setup,
    /// sealmail itself refused it at delivery: a recipient's contract ended, or their key was
    /// revoked, rejected or expired after the message was queued (moved to failed/).
    Refused,
}

/// A failed delivery.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    kind: FailureKind,
    message: String,
    code: Option<u16>,
}

impl SendError {
    /// A new error.
    pub fn new(kind: FailureKind, message: impl Into<String>, code: Option<u16>) -> Self {
        SendError {
            kind,
            message: message.into(),
            code,
        }
    }
    /// The kind of failure.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }
    /// Whether trying again later may work.
    pub fn is_transient(&self) -> bool {
        self.kind == FailureKind::Transient
    }
    /// Whether the server refused the message for good.
    pub fn is_permanent(&self) -> bool {
        self.kind == FailureKind::Permanent
    }
    /// Whether the sender's set-up must be fixed first.
    pub fn is_setup(&self) -> bool {
        self.kind == FailureKind::Setup
    }
    /// The SMTP reply code, if the server answered.
    pub fn status(&self) -> Option<u16> {
        self.code
    }
    /// What to do about it.
    pub fn hint(&self) -> String {
        match (self.kind, self.code) {
            (FailureKind::Setup, Some(535)) | (FailureKind::Setup, Some(534)) => {
                "the server refused the login: store the right password with `sealmail secret set smtp` (or fix password_command), then `sealmail outbox flush`".into()
            }
            (FailureKind::Setup, _) => {
                "check [smtp] host, port, security and ca_file in config.toml, then `sealmail outbox flush`".into()
            }
            (FailureKind::Transient, _) => {
                "the message waits in the outbox; `sealmail outbox flush` tries again now".into()
            }
            (FailureKind::Permanent, _) => {
                "the server refused the message for good; see `sealmail outbox list` and fix the address".into()
            }
            (FailureKind::Refused, _) => {
                "sealmail no longer sends it; see `sealmail outbox list`".into()
            }
        }
    }
}

/// Something that delivers raw messages.
pub trait Transport {
    /// Delivers `message` to the envelope's recipients. `Ok` means the server's final 250.
    fn send_raw(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError>;

    /// Delivers the message stored in `path`. The default reads it whole and calls
    /// [`Transport::send_raw`]; [`SmtpTransport`] streams it in bounded memory.
    fn send_file(&self, envelope: &Envelope, path: &std::path::Path) -> Result<(), SendError> {
        let msg = std::fs::read(path).map_err(|e| {
            SendError::new(
                FailureKind::Transient,
                format!("cannot read the queued message {}: {e}", path.display()),
                None,
            )
        })?;
        self.send_raw(envelope, &msg)
    }
}

/// A transport that records messages instead of sending them (unit tests and dry runs).
#[derive(Debug, Default)]
pub struct StubTransport {
    fail: Option<SendError>,
    sent: RefCell<Vec<(Envelope, Vec<u8>)>>,
}

impl StubTransport {
    /// A stub that accepts everything.
    pub fn new_ok() -> Self {
        Self::default()
    }
    /// A stub that fails every send with `e`.
    pub fn new_error(e: SendError) -> Self {
        StubTransport {
            fail: Some(e),
            sent: RefCell::default(),
        }
    }
    /// What was "sent".
    pub fn messages(&self) -> Vec<(Envelope, Vec<u8>)> {
        self.sent.borrow().clone()
    }
}

impl Transport for StubTransport {
    fn send_raw(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        self.sent
            .borrow_mut()
            .push((envelope.clone(), message.to_vec()));
        Ok(())
    }
}
