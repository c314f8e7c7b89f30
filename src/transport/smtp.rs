//! SMTP delivery with lettre over rustls: STARTTLS required when configured, AUTH PLAIN or
//! LOGIN, the system roots plus an optional extra CA.

use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::Transport as _;

use super::{Envelope, FailureKind, SendError, Transport};
use crate::config::{Security, Smtp};
use crate::secrets::Secret;

/// Delivery to one SMTP server.
pub struct SmtpTransport {
    inner: lettre::SmtpTransport,
}

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
        let mut b = lettre::SmtpTransport::builder_dangerous(host.as_str())
            .port(smtp.port())
            .tls(tls)
            .timeout(Some(Duration::from_secs(smtp.timeout_secs.unwrap_or(30))));
        if let Some(user) = &smtp.username {
            let pw = password.ok_or_else(|| setup("no SMTP password"))?;
            b = b
                .credentials(Credentials::new(user.clone(), pw.to_string()))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Ok(SmtpTransport { inner: b.build() })
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
        let env = lettre::address::Envelope::new(Some(from), to)
            .map_err(|e| SendError::new(FailureKind::Permanent, e.to_string(), None))?;
        self.inner
            .send_raw(&env, message)
            .map(|_| ())
            .map_err(|e| classify(&e))
    }
}
