//! The OpenPGP side of reading: decrypt with own keys, verify with the store, and classify
//! every signature. Plaintext is collected completely and released only when the whole
//! message, including its integrity check, has been processed.

use std::io::Read;

use openpgp::cert::amalgamation::ValidAmalgamation;
use openpgp::crypto::{Password, SessionKey};
use openpgp::packet::{PKESK, SKESK};
use openpgp::parse::stream::{
    DecryptionHelper, DecryptorBuilder, DetachedVerifierBuilder, MessageLayer, MessageStructure,
    VerificationError, VerificationHelper, VerifierBuilder,
};
use openpgp::parse::Parse;
use openpgp::types::{RevocationStatus, SymmetricAlgorithm};
use openpgp::{Cert, KeyHandle};
use sequoia_openpgp as openpgp;

use super::report::SigStatus;
use super::ReadError;
use crate::keys::{Keyring, PasswordRequest};
use crate::Context;

/// The keys and the passphrase callback used while reading.
pub struct Keys<'a> {
    pub keyring: &'a Keyring,
    pub ctx: &'a Context,
    pub password: &'a mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    /// Decrypt an inline block even when other text surrounds it (the user asked for it).
    pub embedded: bool,
    /// The limits the decrypted content is held to, as the message itself is.
    pub limits: super::limits::Limits,
}

/// One signature's outcome.
#[derive(Debug, Clone)]
pub struct SigResult {
    pub status: SigStatus,
    /// The signing certificate, when it is known.
    pub cert: Option<Cert>,
    /// The issuer named in the signature (fingerprint or key ID, hex).
    pub issuer: Option<String>,
    /// When the signature says it was made.
    pub created: Option<std::time::SystemTime>,
    /// The signature packet itself (to keep a decrypted copy verifiable).
    pub packet: Option<openpgp::packet::Signature>,
}

impl SigResult {
    /// A signature that is missing where one must be, or cannot be read: bad.
    pub fn bad() -> Self {
        SigResult {
            status: SigStatus::Bad,
            cert: None,
            issuer: None,
            created: None,
            packet: None,
        }
    }
}

/// What decryption produced.
pub struct Decrypted {
    pub plaintext: Vec<u8>,
    pub sigs: Vec<SigResult>,
}

#[derive(Default)]
struct State {
    /// A limit that stopped processing, said to the user as it is.
    limit: Option<String>,
    sigs: Vec<SigResult>,
    decrypted: bool,
    recipients: Vec<String>,
    locked: Option<String>,
    /// The passphrase of the locked key was given, and wrong every time.
    wrong_passphrase: bool,
    /// An own key opened a PKESK, but its session key did not open the data.
    unfit: bool,
    /// An own key opened a PKESK for a cipher sealmail cannot use or the policy rejects.
    refused_cipher: Option<SymmetricAlgorithm>,
}

/// The helper handed to Sequoia; what it learns goes to a [`State`] that outlives it.
struct Helper<'a, 'k> {
    keys: &'a mut Keys<'k>,
    st: &'a mut State,
}

impl<'a, 'k> Helper<'a, 'k> {
    /// Tries the own key `d` on `pkesk`; whether the data opened with the session key it gave.
    fn open_with(
        &mut self,
        pkesk: &PKESK,
        d: &mut dyn openpgp::crypto::Decryptor,
        sym_algo: Option<SymmetricAlgorithm>,
        decrypt: &mut dyn FnMut(Option<SymmetricAlgorithm>, &SessionKey) -> bool,
    ) -> bool {
        let Some((algo, sk)) = pkesk.decrypt(d, sym_algo) else {
            return false;
        };
        // The cipher is named inside the session key this key opened, before any of the
        // encrypted data is used: saying which it is tells nothing about the data (and so
        // nothing for the quick-check oracle below).
        if let Some(a) = algo.filter(|a| !self.cipher_usable(*a)) {
            self.st.refused_cipher = Some(a);
            return false;
        }
        if decrypt(algo, &sk) {
            self.st.decrypted = true;
            return true;
        }
        // The start of the data was changed (its "quick check" failed), or the sender erred.
        // Said as an integrity failure, never as "not for your key": a changed start and a
        // changed MDC must not be told apart (the quick-check oracle, Mister and Zuccherato).
        self.st.unfit = true;
        false
    }

    /// Whether sealmail can decrypt with `a` and the policy accepts it (CAST5 and IDEA are
    /// refused since 2025; the OpenSSL backend has no Twofish).
    fn cipher_usable(&self, a: SymmetricAlgorithm) -> bool {
        use openpgp::policy::Policy;
        a.is_supported() && self.keys.ctx.policy().symmetric_algorithm(a).is_ok()
    }

    fn new(keys: &'a mut Keys<'k>, st: &'a mut State) -> Self {
        Helper { keys, st }
    }
}

fn classify(
    r: &Result<openpgp::parse::stream::GoodChecksum, VerificationError>,
    ctx: &Context,
) -> SigResult {
    let issuer = |sig: &openpgp::packet::Signature| sig.get_issuers().first().map(|kh| kh.to_hex());
    match r {
        Ok(good) => SigResult {
            status: SigStatus::Good,
            cert: Some(good.ka.cert().clone()),
            issuer: issuer(good.sig),
            created: good.sig.signature_creation_time(),
            packet: Some(good.sig.clone()),
        },
        Err(VerificationError::MissingKey { sig }) => SigResult {
            status: SigStatus::UnknownKey,
            cert: None,
            issuer: issuer(sig),
            created: sig.signature_creation_time(),
            packet: None,
        },
        Err(VerificationError::BadKey { sig, ka, .. }) => {
            let cert = ka.cert();
            let revoked = matches!(
                cert.revocation_status(ctx.policy(), ctx.time()),
                RevocationStatus::Revoked(_)
            ) || matches!(ka.revocation_status(), RevocationStatus::Revoked(_));
            let status = if revoked {
                SigStatus::RevokedKey
            } else if ka.alive().is_err() || ka.valid_cert().alive().is_err() {
                SigStatus::ExpiredKey
            } else {
                SigStatus::Bad
            };
            SigResult {
                status,
                cert: Some(cert.clone()),
                issuer: issuer(sig),
                created: sig.signature_creation_time(),
                packet: None,
            }
        }
        Err(VerificationError::UnboundKey { sig, cert, .. }) => {
            let revoked = matches!(
                cert.revocation_status(ctx.policy(), ctx.time()),
                RevocationStatus::Revoked(_)
            );
            let expired = cert
                .with_policy(ctx.policy(), ctx.time())
                .map(|vc| vc.alive().is_err())
                .unwrap_or(false);
            SigResult {
                status: if revoked {
                    SigStatus::RevokedKey
                } else if expired {
                    SigStatus::ExpiredKey
                } else {
                    SigStatus::Bad
                },
                cert: Some((*cert).clone()),
                issuer: issuer(sig),
                created: sig.signature_creation_time(),
                packet: None,
            }
        }
        Err(VerificationError::BadSignature { sig, ka, .. }) => SigResult {
            status: SigStatus::Bad,
            cert: Some(ka.cert().clone()),
            issuer: issuer(sig),
            created: sig.signature_creation_time(),
            packet: None,
        },
        Err(VerificationError::MalformedSignature { sig, .. }) => SigResult {
            status: SigStatus::Bad,
            cert: None,
            issuer: issuer(sig),
            created: sig.signature_creation_time(),
            packet: None,
        },
        Err(_) => SigResult::bad(),
    }
}

impl VerificationHelper for Helper<'_, '_> {
    fn get_certs(&mut self, ids: &[KeyHandle]) -> openpgp::Result<Vec<Cert>> {
        let mut v = Vec::new();
        for id in ids {
            if let Ok(certs) = self.keys.keyring.find(&id.to_hex()) {
                v.extend(certs);
            }
        }
        Ok(v)
    }

    fn check(&mut self, structure: MessageStructure) -> openpgp::Result<()> {
        for layer in structure.into_iter() {
            if let MessageLayer::SignatureGroup { results } = layer {
                for r in &results {
                    let c = classify(r, self.keys.ctx);
                    self.st.sigs.push(c);
                }
            }
        }
        // Signatures are reported, not enforced, here: the verdict decides.
        Ok(())
    }
}

impl DecryptionHelper for Helper<'_, '_> {
    fn decrypt(
        &mut self,
        pkesks: &[PKESK],
        _skesks: &[SKESK],
        sym_algo: Option<SymmetricAlgorithm>,
        decrypt: &mut dyn FnMut(Option<SymmetricAlgorithm>, &SessionKey) -> bool,
    ) -> openpgp::Result<Option<Cert>> {
        if pkesks.len() > super::limits::MAX_RECIPIENTS {
            self.st.limit = Some(format!(
                "it names {} recipients (at most {} are tried)",
                pkesks.len(),
                super::limits::MAX_RECIPIENTS
            ));
            return Err(openpgp::Error::InvalidOperation("too many recipients".into()).into());
        }
        self.st.recipients = pkesks
            .iter()
            .map(|p| {
                p.recipient()
                    .map(|r| r.to_hex())
                    .unwrap_or_else(|| "a hidden recipient".into())
            })
            .collect();
        let certs = self
            .keys
            .keyring
            .secret_certs()
            .map_err(anyhow::Error::from)?;
        // Two rounds: keys without passphrase first, then protected ones.
        for locked_round in [false, true] {
            for cert in &certs {
                for ka in cert.keys().secret() {
                    let key = ka.key();
                    let locked = !key.has_unencrypted_secret();
                    if locked != locked_round {
                        continue;
                    }
                    for pkesk in pkesks {
                        let matches = match pkesk.recipient() {
                            Some(r) => r.aliases(key.key_handle()),
                            None => true,
                        };
                        if !matches {
                            continue;
                        }
                        let mut pair =
                            match crate::keys::unlock_key(key.clone(), cert, self.keys.password) {
                                Ok(p) => p,
                                Err(e) => {
                                    self.st.wrong_passphrase |=
                                        matches!(e, crate::keys::KeyError::WrongPassphrase { .. });
                                    self.st.locked = Some(cert.fingerprint().to_hex());
                                    continue;
                                }
                            };
                        if self.open_with(pkesk, &mut pair, sym_algo, decrypt) {
                            return Ok(Some(cert.clone()));
                        }
                    }
                }
            }
        }
        // Last, the keys gpg-agent holds: the agent asks for their passphrase with its
        // pinentry (and caches it), so they are tried only for a PKESK that names them.
        for cert in self
            .keys
            .keyring
            .agent_certs()
            .map_err(anyhow::Error::from)?
        {
            for ka in cert.keys() {
                let key = ka.key().clone().role_into_unspecified();
                for pkesk in pkesks {
                    if !pkesk
                        .recipient()
                        .is_some_and(|r| r.aliases(key.key_handle()))
                    {
                        continue;
                    }
                    let mut agent_key =
                        match crate::keys::agent_keypair(&cert, &key, self.keys.ctx.policy()) {
                            Ok(k) => k,
                            Err(_) => {
                                self.st.locked = Some(cert.fingerprint().to_hex());
                                continue;
                            }
                        };
                    if self.open_with(pkesk, &mut agent_key, sym_algo, decrypt) {
                        return Ok(Some(cert.clone()));
                    }
                    if !self.st.unfit && self.st.refused_cipher.is_none() {
                        // The agent did not open it: no passphrase, a wrong one, no card.
                        self.st.locked = Some(cert.fingerprint().to_hex());
                    }
                }
            }
        }
        Err(openpgp::Error::MissingSessionKey("no own key fits".into()).into())
    }
}

const LIBRARY_FAILED: &str = "the OpenPGP library could not process this data";

/// Runs OpenPGP parsing and turns a panic inside it into an error: fuzzing found inputs that
/// make the OpenPGP library panic (an unwrap on an unexpected end of data while decrypting); a
/// malformed mail must end in a clear refusal, never in a crash. Nothing produced by the
/// failed run is used.
fn guarded<T>(f: impl FnOnce() -> openpgp::Result<T>) -> openpgp::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(openpgp::Error::MalformedMessage(LIBRARY_FAILED.into()).into()),
    }
}

/// The name of an encrypted-data format the policy refused, when that is why decryption
/// stopped: the pre-standard AEAD Encrypted Data packet (drafts of RFC 4880bis, used by the
/// papers' attack mails and by some GnuPG 2.3+ setups). A missing MDC stays an integrity
/// failure.
fn refused_format(e: &anyhow::Error) -> Option<String> {
    e.chain()
        .find_map(|cause| match cause.downcast_ref::<openpgp::Error>() {
            Some(openpgp::Error::PolicyViolation(what, _))
                if what.contains("AEAD Encrypted Data") =>
            {
                Some(format!("the pre-standard {what}"))
            }
            _ => None,
        })
}

fn is_integrity_error(e: &anyhow::Error) -> bool {
    for cause in e.chain() {
        if let Some(oe) = cause.downcast_ref::<openpgp::Error>() {
            match oe {
                openpgp::Error::ManipulatedMessage => return true,
                openpgp::Error::PolicyViolation(..) => return true,
                _ => {}
            }
        }
    }
    let s = format!("{e:#}").to_lowercase();
    s.contains("mdc")
        || s.contains("manipulated")
        || s.contains("authentication")
        || s.contains("truncated")
}

/// The library's look-ahead for a streamed message. Its readers hold about eight times this
/// (256 MB attachment, peak RSS: 25 MB with 64 KiB, 39 MB with 1 MiB, 210 MB with the default
/// 25 MiB), and none of it can hold back a message larger than itself: the streamed path's
/// integrity-first is its temporary files, not this buffer.
const STREAM_BUFFER: usize = 1 << 16;

/// Where the ciphertext comes from.
pub enum Source<'a> {
    /// All in memory.
    Bytes(&'a [u8]),
    /// A stream (a large message read from its file), `len` bytes at most.
    Reader(Box<dyn Read + Send + Sync + 'a>, u64),
}

/// Decrypts (and verifies) an OpenPGP message. The plaintext is returned only when the whole
/// message was processed and its integrity confirmed.
pub fn decrypt(data: &[u8], keys: &mut Keys<'_>) -> Result<Decrypted, ReadError> {
    let mut plaintext = Vec::new();
    let sigs = decrypt_to(Source::Bytes(data), keys, &mut |chunk| {
        plaintext.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(Decrypted { plaintext, sigs })
}

/// Decrypts (and verifies) an OpenPGP message, handing the plaintext to `sink` as it comes.
/// The caller must not release anything `sink` was given unless this returns `Ok`: only then
/// was the integrity of the whole message confirmed.
pub fn decrypt_to(
    source: Source<'_>,
    keys: &mut Keys<'_>,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), ReadError>,
) -> Result<Vec<SigResult>, ReadError> {
    let policy = keys.ctx.policy();
    let time = keys.ctx.time();
    let mut st = State::default();
    let mut sink_err: Option<ReadError> = None;
    let result = guarded(|| -> openpgp::Result<()> {
        // In memory, the library's default buffering: a message that fits its buffer (25 MiB;
        // every message read in memory does) is read to its end and checked before the first
        // byte comes out. A streamed message (a file over 16 MiB) comes out as it is
        // decrypted whatever the buffer, and the caller keeps it in hidden temporary files
        // until this returns `Ok`; there the library's 25 MiB would only cost memory.
        let (cipher_len, d): (u64, Box<dyn Read + '_>) = match source {
            Source::Bytes(data) => (
                data.len() as u64,
                Box::new(DecryptorBuilder::from_bytes(data)?.with_policy(
                    policy,
                    time,
                    Helper::new(keys, &mut st),
                )?),
            ),
            Source::Reader(r, len) => (
                len,
                Box::new(
                    DecryptorBuilder::from_reader(r)?
                        .buffer_size(STREAM_BUFFER)
                        .with_policy(policy, time, Helper::new(keys, &mut st))?,
                ),
            ),
        };
        pump(d, inflation_cap(cipher_len), &mut sink_err, sink)
    });
    if let Some(e) = sink_err {
        return Err(e);
    }
    match result {
        Ok(()) => {
            if !st.decrypted {
                // A signed-only message handed to the decryptor: nothing was encrypted.
                return Err(ReadError::Malformed("the data is not encrypted".into()));
            }
            Ok(st.sigs)
        }
        Err(e) => {
            if let Some(l) = st.limit.clone() {
                return Err(ReadError::Limit(format!("not decrypted: {l}")));
            }
            if format!("{e:#}").contains(LIBRARY_FAILED) {
                return Err(ReadError::Damaged(e));
            }
            if format!("{e:#}").contains("decompression bomb") {
                return Err(ReadError::Limit(format!("not decrypted: {e:#}")));
            }
            if let Some(what) = refused_format(&e) {
                return Err(ReadError::Unsupported(what));
            }
            if let (Some(a), false) = (st.refused_cipher, st.decrypted || st.unfit) {
                return Err(ReadError::Unsupported(format!("the cipher {a}")));
            }
            if st.decrypted || st.unfit || is_integrity_error(&e) {
                // One answer whatever broke (quick check, MDC, AEAD tag, truncation, trailing
                // data): a detail here would tell an attacker which (the quick-check oracle).
                Err(ReadError::Integrity)
            } else if let Some(fpr) = st.locked.clone() {
                Err(if st.wrong_passphrase {
                    ReadError::WrongPassphrase(fpr)
                } else {
                    ReadError::Locked(fpr)
                })
            } else if !st.recipients.is_empty() {
                Err(ReadError::NoKey {
                    recipients: st.recipients.join(", "),
                })
            } else {
                Err(ReadError::Damaged(e))
            }
        }
    }
}

/// The most plaintext a message of `cipher_len` octets may give: more is refused as a
/// decompression bomb.
fn inflation_cap(cipher_len: u64) -> u64 {
    cipher_len
        .saturating_mul(super::limits::MAX_INFLATION)
        .max(super::limits::MIN_INFLATION_ALLOWANCE)
}

/// Reads the plaintext from `d` in chunks into `sink`; stops at a decompression bomb
/// (plaintext more than `cap` octets, from a compressed packet that inflates 1000 times).
fn pump(
    mut d: Box<dyn Read + '_>,
    cap: u64,
    sink_err: &mut Option<ReadError>,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), ReadError>,
) -> openpgp::Result<()> {
    let mut total = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = d.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        total += n as u64;
        if total > cap {
            return Err(openpgp::Error::InvalidOperation(format!(
                "the plaintext is more than {} times the size of the ciphertext (a decompression bomb?)",
                super::limits::MAX_INFLATION
            ))
            .into());
        }
        if let Err(e) = sink(&buf[..n]) {
            *sink_err = Some(e);
            return Err(openpgp::Error::InvalidOperation("stopped".into()).into());
        }
    }
}

/// Verifies a detached signature over `data`.
pub fn verify_detached(data: &[u8], sig: &[u8], keys: &mut Keys<'_>) -> Vec<SigResult> {
    let policy = keys.ctx.policy();
    let time = keys.ctx.time();
    let mut st = State::default();
    let r = guarded(|| -> openpgp::Result<()> {
        let helper = Helper::new(keys, &mut st);
        let mut v = DetachedVerifierBuilder::from_bytes(sig)?.with_policy(policy, time, helper)?;
        v.verify_bytes(data)?;
        Ok(())
    });
    match r {
        _ if !st.sigs.is_empty() => st.sigs,
        _ => vec![SigResult::bad()],
    }
}

/// Verifies an inline signed message (cleartext signature framework or a signed OpenPGP
/// message); returns the signed text and the results.
pub fn verify_inline(
    data: &[u8],
    keys: &mut Keys<'_>,
) -> Result<(Vec<u8>, Vec<SigResult>), ReadError> {
    let policy = keys.ctx.policy();
    let time = keys.ctx.time();
    let mut st = State::default();
    let r = guarded(|| -> openpgp::Result<Vec<u8>> {
        let helper = Helper::new(keys, &mut st);
        let mut v = VerifierBuilder::from_bytes(data)?.with_policy(policy, time, helper)?;
        let mut out = Vec::new();
        v.read_to_end(&mut out)?;
        Ok(out)
    });
    match r {
        Ok(text) => Ok((text, st.sigs)),
        Err(e) => Err(ReadError::Damaged(e)),
    }
}
