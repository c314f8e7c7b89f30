//! Send: compose the copies a draft needs (one for To and Cc, one of its own for each Bcc
//! recipient), queue them durably, and deliver them.

use std::time::SystemTime;

use sequoia_openpgp::crypto::Password;

use crate::compose::{check_recipients, compose_to, ComposeError, Draft, Protection};
use crate::keys::{Keyring, PasswordRequest};
use crate::mime::Mailbox;
use crate::transport::{Entry, Envelope, Outbox, OutboxError, Staged};
use crate::Context;

/// One finished message and where it goes. The message itself is in a staged file in the
/// outbox (written there as it was composed); it is queued by [`enqueue`] and removed if the
/// copy is dropped instead.
#[derive(Debug)]
pub struct Copy {
    /// The SMTP envelope.
    pub envelope: Envelope,
    /// The encrypted message, staged in the outbox.
    pub message: Staged,
    /// Whether this is the main copy (kept in `sent/`); Bcc copies are not kept twice.
    pub main: bool,
    /// Its Message-ID.
    pub message_id: String,
}

/// The draft with its date and Message-ID fixed, so that every copy carries the same.
fn dated(draft: &Draft, ctx: &Context) -> Draft {
    let mut d = draft.clone();
    d.date.get_or_insert(ctx.time());
    d.message_id
        .get_or_insert_with(|| crate::mime::message_id(d.from.domain()));
    d
}

/// Composes one copy of `d` for `to`, staged in the outbox.
#[allow(clippy::too_many_arguments)]
fn compose_copy(
    d: &Draft,
    protection: Protection,
    to: &[&Mailbox],
    main: bool,
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    outbox: &Outbox,
) -> Result<Copy, ComposeError> {
    let staged = outbox
        .stage()
        .map_err(|e| ComposeError::Io(std::io::Error::other(e)))?;
    let mut msg = std::io::BufWriter::with_capacity(1 << 16, staged);
    let done = compose_to(d, protection, to, keyring, ctx, password, &mut msg)?;
    Ok(Copy {
        envelope: Envelope {
            from: d.from.email.clone(),
            to: to.iter().map(|m| m.email.clone()).collect(),
        },
        message: msg
            .into_inner()
            .map_err(|e| ComposeError::Io(e.into_error()))?,
        main,
        message_id: done.message_id,
    })
}

/// Composes every copy `draft` needs. Every recipient's key is checked before anything is
/// composed; one missing key stops all.
///
/// Bcc privacy: the main copy is encrypted to To, Cc and the sender; each Bcc recipient gets a
/// copy encrypted to them and the sender only, so no one learns of a Bcc from headers or from
/// recipient key IDs.
pub fn prepare(
    draft: &Draft,
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    outbox: &Outbox,
) -> Result<Vec<Copy>, ComposeError> {
    let all: Vec<&Mailbox> = draft.to.iter().chain(&draft.cc).chain(&draft.bcc).collect();
    check_recipients(draft, &all, keyring, ctx)?;
    let d = dated(draft, ctx);
    let mut copies = Vec::new();
    let visible: Vec<&Mailbox> = d.to.iter().chain(&d.cc).collect();
    let encrypt = Protection::EncryptAndSign;
    if !visible.is_empty() {
        copies.push(compose_copy(
            &d, encrypt, &visible, true, keyring, ctx, password, outbox,
        )?);
    }
    for (i, b) in d.bcc.iter().enumerate() {
        // With no To or Cc, the first Bcc copy is the one kept as sent.
        let main = visible.is_empty() && i == 0;
        copies.push(compose_copy(
            &d,
            encrypt,
            &[b],
            main,
            keyring,
            ctx,
            password,
            outbox,
        )?);
    }
    Ok(copies)
}

/// Composes the one signed, unencrypted copy of a vault-only mail: for recipients without a
/// usable key, when the mail's only secret content is the vault (whose passphrase never
/// travels by mail). Every other mail goes through [`prepare`], which fails closed.
pub fn prepare_signed_vault_only(
    draft: &Draft,
    keyring: &Keyring,
    ctx: &Context,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    outbox: &Outbox,
) -> Result<Vec<Copy>, ComposeError> {
    let vault_only = draft.content.is_none()
        && draft.attachments.len() == 1
        && draft.attachments[0].filename.ends_with(".kdbx")
        && draft.bcc.is_empty();
    if !vault_only {
        return Err(ComposeError::Draft(
            "only a mail whose one attachment is a vault may go unencrypted".into(),
        ));
    }
    let d = dated(draft, ctx);
    let to: Vec<&Mailbox> = d.to.iter().chain(&d.cc).collect();
    let copy = compose_copy(
        &d,
        Protection::SignOnly,
        &to,
        true,
        keyring,
        ctx,
        password,
        outbox,
    )?;
    Ok(vec![copy])
}

/// Puts every copy in the outbox (durably) and returns the entries.
pub fn enqueue(
    outbox: &Outbox,
    copies: Vec<Copy>,
    now: SystemTime,
) -> Result<Vec<Entry>, OutboxError> {
    copies
        .into_iter()
        .map(|c| outbox.enqueue_staged(c.envelope, &c.message_id, c.message, c.main, now))
        .collect()
}

impl Copy {
    /// The message's header section (read back from its staged file).
    pub fn head(&self) -> std::io::Result<Vec<u8>> {
        use std::io::{BufRead, BufReader};
        let mut r = BufReader::new(std::fs::File::open(self.message.path())?);
        let mut head = Vec::new();
        let mut line = Vec::new();
        while r.read_until(b'\n', &mut line)? > 0 && line != b"\r\n" && line != b"\n" {
            head.extend_from_slice(&line);
            line.clear();
            if head.len() > 1 << 20 {
                break;
            }
        }
        Ok(head)
    }
}
