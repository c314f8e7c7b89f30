//! Decryption of the usual shape of a big encrypted message outside the OpenPGP library.
//!
//! Nearly every encrypted mail is a few Public-Key Encrypted Session Key packets followed by
//! one Symmetrically Encrypted Integrity Protected Data packet, version 1 (RFC 9580 §5.13.1),
//! with AES. For such a message read as a stream, the library would do everything on one
//! thread, and it computes the integrity check (MDC, a SHA-1) with collision detection, three
//! times slower than the CPU's SHA instructions. Here that layer is undone on a thread of its
//! own: AES in CFB mode (each block's key stream is the encryption of the ciphertext block
//! before it, so all blocks are done at once, in ECB mode) and a plain SHA-1 (collision
//! detection protects signatures and certifications over chosen data; the MDC is a check over
//! data only the sender and recipients can produce). The inner message (compressed data,
//! signatures, literal data) still goes to the library's verifier, which checks the signatures.
//!
//! Any other shape (a marker or SKESK packet, another cipher, SEIPD version 2, the old
//! Symmetrically Encrypted Data packet without MDC, a PKESK the library cannot read) returns
//! [`Shape::Other`] with everything read put back, and the library's decryptor handles it.
//!
//! Integrity: the reader hands on plaintext as it goes, like the library's decryptor, and
//! checks the MDC at the end; it fails with an error when the check fails, when the packet is
//! cut short, or when anything follows it. The flag given to [`Seipd::new`] becomes true only
//! once the check has passed; the caller releases nothing unless it did.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use openpgp::crypto::SessionKey;
use openpgp::packet::PKESK;
use openpgp::parse::Parse;
use openpgp::types::SymmetricAlgorithm;
use openpgp::Packet;
use openssl::symm::{Cipher, Crypter, Mode};
use sequoia_openpgp as openpgp;

/// How much of the stream is looked at to find the packets before the encrypted data.
const PEEK: usize = 64 << 10;
/// The AES block size.
const BS: usize = 16;
/// The length of the CFB prefix: a block of random octets, then its last two again.
pub(crate) const PREFIX: usize = BS + 2;
/// The MDC packet at the end of the plaintext: tag and length (0xD3 0x14), then the SHA-1.
const MDC_LEN: usize = 22;

/// The rest of a stream: what was looked at, then what was not.
pub(crate) type Rest<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// What the start of a stream holds.
pub(crate) enum Shape<R> {
    /// PKESK packets, then a SEIPD v1 packet.
    Seipd {
        pkesks: Vec<PKESK>,
        /// The first octets of the encrypted data (the CFB prefix), for the quick check.
        prefix: [u8; PREFIX],
        /// The encrypted data, after the version octet.
        body: Body<Rest<R>>,
    },
    /// Anything else: the whole stream, unread.
    Other(Rest<R>),
}

/// Looks at the start of `r` (at most 64 KiB) for PKESK packets followed by a SEIPD v1 packet.
pub(crate) fn classify<R: Read>(mut r: R) -> io::Result<Shape<R>> {
    let mut head = Vec::with_capacity(PEEK);
    (&mut r).take(PEEK as u64).read_to_end(&mut head)?;
    let Some((pkesks, at, first)) = pkesks_then_seipd(&head) else {
        return Ok(Shape::Other(io::Cursor::new(head).chain(r)));
    };
    // The version octet is skipped; the prefix is in view (checked above).
    let mut prefix = [0u8; PREFIX];
    prefix.copy_from_slice(&head[at + 1..at + 1 + PREFIX]);
    let mut rest = io::Cursor::new(head);
    rest.set_position(at as u64 + 1);
    Ok(Shape::Seipd {
        pkesks,
        prefix,
        body: Body {
            inner: rest.chain(r),
            left: first.0 - 1,
            last: !first.1,
            ended: false,
        },
    })
}

impl<R> Body<Rest<R>> {
    /// The whole stream again, as it was before [`classify`] looked at it (when nothing but
    /// the looked-at part was read).
    pub(crate) fn rewind(self) -> Rest<R> {
        let mut inner = self.inner;
        inner.get_mut().0.set_position(0);
        inner
    }
}

/// A packet length: the number of octets, and whether it is a partial length (more follows).
type Length = (usize, bool);

/// Reads a new-format length at `b` (RFC 9580 §4.2.1); returns it and its size in octets.
fn new_length(b: &[u8]) -> Option<(Length, usize)> {
    let o = *b.first()?;
    Some(match o {
        0..=191 => ((o as usize, false), 1),
        192..=223 => {
            let o2 = *b.get(1)? as usize;
            ((((o as usize - 192) << 8) + o2 + 192, false), 2)
        }
        224..=254 => ((1usize << (o & 0x1f), true), 1),
        255 => {
            let n = u32::from_be_bytes(b.get(1..5)?.try_into().ok()?);
            ((n as usize, false), 5)
        }
    })
}

/// Finds PKESK packets followed by the start of a SEIPD v1 packet in `b`; returns them, where
/// the SEIPD packet's body starts, and its first length.
fn pkesks_then_seipd(b: &[u8]) -> Option<(Vec<PKESK>, usize, Length)> {
    let mut pkesks = Vec::new();
    let mut at = 0;
    loop {
        let ctb = *b.get(at)?;
        if ctb & 0x80 == 0 {
            return None;
        }
        let (tag, len, hlen) = if ctb & 0x40 != 0 {
            let (len, n) = new_length(&b[at + 1..])?;
            (ctb & 0x3f, len, 1 + n)
        } else {
            let tag = (ctb >> 2) & 0x0f;
            let (len, n) = match ctb & 3 {
                0 => (*b.get(at + 1)? as usize, 1),
                1 => (
                    u16::from_be_bytes(b.get(at + 1..at + 3)?.try_into().ok()?) as usize,
                    2,
                ),
                2 => (
                    u32::from_be_bytes(b.get(at + 1..at + 5)?.try_into().ok()?) as usize,
                    4,
                ),
                _ => return None,
            };
            (tag, (len, false), 1 + n)
        };
        let body = at + hlen;
        match tag {
            1 if !len.1 => {
                let packet = b.get(at..body + len.0)?;
                match Packet::from_bytes(packet).ok()? {
                    Packet::PKESK(p @ PKESK::V3(_)) => pkesks.push(p),
                    _ => return None,
                }
                at = body + len.0;
            }
            // Version 1, and the whole CFB prefix in view (for the session key's quick check).
            18 if !pkesks.is_empty()
                && b.get(body) == Some(&1)
                && len.0 > 1 + PREFIX
                && b.len() >= body + 1 + PREFIX =>
            {
                return Some((pkesks, body, len));
            }
            _ => return None,
        }
    }
}

/// The body of the SEIPD packet, its partial lengths undone. It ends with an error if
/// anything follows the packet.
pub(crate) struct Body<R> {
    inner: R,
    /// Octets left in the current piece.
    left: usize,
    /// Whether the current piece is the last.
    last: bool,
    ended: bool,
}

impl<R: Read> Body<R> {
    fn next_length(&mut self) -> io::Result<()> {
        let mut o = [0u8; 5];
        self.inner
            .read_exact(&mut o[..1])
            .map_err(|_| truncated())?;
        let n = match o[0] {
            192..=223 => 2,
            255 => 5,
            _ => 1,
        };
        self.inner
            .read_exact(&mut o[1..n])
            .map_err(|_| truncated())?;
        let (len, _) = new_length(&o[..n]).ok_or_else(truncated)?;
        self.left = len.0;
        self.last = !len.1;
        Ok(())
    }
}

fn truncated() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the encrypted data is truncated",
    )
}

impl<R: Read> Read for Body<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.left == 0 {
            if self.ended {
                return Ok(0);
            }
            if self.last {
                let mut b = [0u8; 1];
                if self.inner.read(&mut b)? > 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "data follows the encrypted data packet",
                    ));
                }
                self.ended = true;
                return Ok(0);
            }
            self.next_length()?;
        }
        let want = out.len().min(self.left);
        let n = self.inner.read(&mut out[..want])?;
        if n == 0 && want > 0 {
            return Err(truncated());
        }
        self.left -= n;
        Ok(n)
    }
}

/// Whether the fast path can decrypt data of this cipher.
pub(crate) fn supported(algo: SymmetricAlgorithm) -> bool {
    ecb(algo).is_some()
}

fn ecb(algo: SymmetricAlgorithm) -> Option<Cipher> {
    match algo {
        SymmetricAlgorithm::AES128 => Some(Cipher::aes_128_ecb()),
        SymmetricAlgorithm::AES192 => Some(Cipher::aes_192_ecb()),
        SymmetricAlgorithm::AES256 => Some(Cipher::aes_256_ecb()),
        _ => None,
    }
}

/// CFB decryption with a zero IV (OpenPGP's, without resynchronisation), a whole number of
/// blocks at a time plus a last partial one.
struct Cfb {
    ecb: Crypter,
    /// The ciphertext block before the next one (the IV at first).
    prev: [u8; BS],
    ks: Vec<u8>,
}

impl Cfb {
    fn new(algo: SymmetricAlgorithm, key: &[u8]) -> io::Result<Self> {
        let cipher = ecb(algo).ok_or_else(|| io::Error::other("unsupported cipher"))?;
        if key.len() != cipher.key_len() {
            return Err(io::Error::other("the session key has the wrong length"));
        }
        let mut ecb = Crypter::new(cipher, Mode::Encrypt, key, None)?;
        ecb.pad(false);
        Ok(Cfb {
            ecb,
            prev: [0; BS],
            ks: Vec::new(),
        })
    }

    /// Decrypts `data` in place; its length is a multiple of the block size unless it is the
    /// end of the data.
    fn decrypt(&mut self, data: &mut [u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let blocks = data.len().div_ceil(BS);
        self.ks.resize(blocks * BS + 2 * BS, 0);
        let mut n = self.ecb.update(&self.prev, &mut self.ks)?;
        let whole = (blocks - 1) * BS;
        n += self.ecb.update(&data[..whole], &mut self.ks[n..])?;
        debug_assert_eq!(n, blocks * BS);
        if data.len() >= BS {
            let last = data.len() / BS * BS;
            self.prev.copy_from_slice(&data[last - BS..last]);
        }
        for (d, k) in data.iter_mut().zip(&self.ks) {
            *d ^= k;
        }
        Ok(())
    }
}

/// Whether `key` opens the data whose encrypted prefix is `prefix`: the last two octets of
/// the random block are repeated after it (RFC 9580 §5.13.1, the "quick check").
pub(crate) fn quick_check(algo: SymmetricAlgorithm, key: &[u8], prefix: &[u8; PREFIX]) -> bool {
    let Ok(mut cfb) = Cfb::new(algo, key) else {
        return false;
    };
    let mut p = *prefix;
    let (a, b) = p.split_at_mut(BS);
    if cfb.decrypt(a).is_err() || cfb.decrypt(b).is_err() {
        return false;
    }
    p[BS - 2..BS] == p[BS..BS + 2]
}

/// The decrypted content of a SEIPD v1 packet: the inner message, without the CFB prefix and
/// the MDC packet; the MDC is checked at the end.
pub(crate) struct Seipd<R> {
    body: R,
    cfb: Cfb,
    sha1: openssl::sha::Sha1,
    /// Prefix octets still to skip.
    skip: usize,
    /// Plaintext not handed on yet: the last `MDC_LEN` octets seen are always held back.
    held: Vec<u8>,
    buf: Vec<u8>,
    /// Ciphertext short of a whole block, waiting for more.
    carry: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
    verified: Arc<AtomicBool>,
}

impl<R: Read> Seipd<R> {
    /// Decrypts `body` (after the version octet) with the session key. The flag becomes true
    /// when the MDC has been found good at the end.
    pub(crate) fn new(
        body: R,
        algo: SymmetricAlgorithm,
        key: &SessionKey,
        verified: Arc<AtomicBool>,
    ) -> io::Result<Self> {
        Ok(Seipd {
            body,
            cfb: Cfb::new(algo, key)?,
            sha1: openssl::sha::Sha1::new(),
            skip: PREFIX,
            held: Vec::new(),
            buf: vec![0u8; 1 << 16],
            carry: Vec::with_capacity(BS),
            out: Vec::new(),
            pos: 0,
            done: false,
            verified,
        })
    }

    /// Takes decrypted octets: hashes them, drops the prefix, keeps the last `MDC_LEN` back.
    fn take(&mut self, mut p: &[u8]) {
        if self.skip > 0 {
            let k = self.skip.min(p.len());
            self.sha1.update(&p[..k]);
            self.skip -= k;
            p = &p[k..];
        }
        self.held.extend_from_slice(p);
        if self.held.len() > MDC_LEN {
            let k = self.held.len() - MDC_LEN;
            self.sha1.update(&self.held[..k]);
            self.out.extend_from_slice(&self.held[..k]);
            self.held.drain(..k);
        }
    }

    /// At the end of the packet: the MDC packet must be there and match.
    fn finish(&mut self) -> io::Result<()> {
        let mut rest = std::mem::take(&mut self.carry);
        self.cfb.decrypt(&mut rest)?;
        self.take(&rest);
        if self.skip > 0 || self.held.len() < MDC_LEN || self.held[..2] != [0xd3, 0x14] {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the encrypted data has no MDC packet at its end (truncated or manipulated)",
            ));
        }
        let mut sha1 = std::mem::replace(&mut self.sha1, openssl::sha::Sha1::new());
        sha1.update(&self.held[..2]);
        if !openssl::memcmp::eq(&sha1.finish(), &self.held[2..]) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the MDC does not match: the message was manipulated",
            ));
        }
        Ok(())
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.done {
            let mut buf = std::mem::take(&mut self.buf);
            let c = self.carry.len();
            buf[..c].copy_from_slice(&self.carry);
            let n = match self.body.read(&mut buf[c..]) {
                Ok(n) => n,
                Err(e) => {
                    self.buf = buf;
                    return Err(e);
                }
            };
            if n == 0 {
                self.buf = buf;
                self.done = true;
                self.finish()?;
                self.verified.store(true, Ordering::Release);
                break;
            }
            let whole = (c + n) / BS * BS;
            self.carry.clear();
            self.carry.extend_from_slice(&buf[whole..c + n]);
            let r = self.cfb.decrypt(&mut buf[..whole]);
            if r.is_ok() {
                self.take(&buf[..whole]);
            }
            self.buf = buf;
            r?;
        }
        Ok(())
    }
}

impl<R: Read> Read for Seipd<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        let n = out.len().min(self.out.len() - self.pos);
        out[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openpgp::cert::CertBuilder;
    use openpgp::policy::StandardPolicy;
    use openpgp::serialize::stream::{Encryptor, LiteralWriter, Message, Recipient};
    use std::io::Write;

    /// A message to a new key, encrypted with a known AES-256 session key; the literal data
    /// is `len` octets, large enough for partial body lengths when `len` is.
    fn message(len: usize) -> (Vec<u8>, SessionKey, Vec<u8>) {
        let p = StandardPolicy::new();
        // A key that announces SEIPD v1 only, as most keys in use do (else the library
        // writes SEIPD v2).
        let (cert, _) = CertBuilder::new()
            .set_features(openpgp::types::Features::empty().set_seipdv1())
            .unwrap()
            .add_transport_encryption_subkey()
            .generate()
            .unwrap();
        let text: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let sk = SessionKey::new(32).unwrap();
        let mut out = Vec::new();
        {
            let recipients: Vec<Recipient> = cert
                .keys()
                .with_policy(&p, None)
                .for_transport_encryption()
                .map(|ka| ka.into())
                .collect();
            let m = Message::new(&mut out);
            let m = Encryptor::with_session_key(m, SymmetricAlgorithm::AES256, sk.clone())
                .unwrap()
                .add_recipients(recipients)
                .build()
                .unwrap();
            let mut w = LiteralWriter::new(m).build().unwrap();
            w.write_all(&text).unwrap();
            w.finalize().unwrap();
        }
        (out, sk, text)
    }

    /// Decrypts `data` with the fast path; the inner message's literal body, or the error.
    fn open(data: &[u8], sk: &SessionKey) -> (io::Result<Vec<u8>>, bool) {
        let Shape::Seipd { prefix, body, .. } = classify(data).unwrap() else {
            panic!("not recognised as PKESK + SEIPD v1");
        };
        assert!(quick_check(SymmetricAlgorithm::AES256, sk, &prefix));
        let ok = Arc::new(AtomicBool::new(false));
        let mut r = Seipd::new(body, SymmetricAlgorithm::AES256, sk, ok.clone()).unwrap();
        let mut inner = Vec::new();
        let res = r.read_to_end(&mut inner).map(|_| {
            match openpgp::Message::from_bytes(&inner).unwrap().body() {
                Some(l) => l.body().to_vec(),
                None => panic!("no literal data"),
            }
        });
        (res, ok.load(Ordering::Acquire))
    }

    #[test]
    fn decrypts_what_the_library_encrypts() {
        for len in [0, 1, 15, 16, 17, 5000, 300_000] {
            let (data, sk, text) = message(len);
            let (body, verified) = open(&data, &sk);
            assert_eq!(body.unwrap(), text, "length {len}");
            assert!(verified);
        }
    }

    #[test]
    fn a_wrong_key_fails_the_quick_check() {
        let (data, _, _) = message(100);
        let Shape::Seipd { prefix, .. } = classify(&data[..]).unwrap() else {
            panic!()
        };
        let wrong = SessionKey::new(32).unwrap();
        assert!(!quick_check(SymmetricAlgorithm::AES256, &wrong, &prefix));
    }

    #[test]
    fn a_changed_mdc_a_cut_and_trailing_data_are_errors() {
        let (data, sk, _) = message(300_000);
        let mut changed = data.clone();
        *changed.last_mut().unwrap() ^= 1;
        let (r, verified) = open(&changed, &sk);
        assert!(r.unwrap_err().to_string().contains("MDC does not match"));
        assert!(!verified);

        let (r, verified) = open(&data[..data.len() - 100], &sk);
        assert!(r.unwrap_err().to_string().contains("truncated"));
        assert!(!verified);

        let mut longer = data.clone();
        longer.extend_from_slice(b"\xcb\x05b\x00\x00\x00\x00");
        let (r, verified) = open(&longer, &sk);
        assert!(r.unwrap_err().to_string().contains("data follows"));
        assert!(!verified);
    }

    #[test]
    fn other_shapes_are_left_to_the_library_untouched() {
        // A literal data packet, and a signed-only message: not encrypted.
        let plain = b"\xcb\x05b\x00\x00\x00\x00".to_vec();
        let Shape::Other(mut r) = classify(&plain[..]).unwrap() else {
            panic!()
        };
        let mut back = Vec::new();
        r.read_to_end(&mut back).unwrap();
        assert_eq!(back, plain);
        // Rewinding after a look at a real message gives all of it back.
        let (data, _, _) = message(100_000);
        let Shape::Seipd { body, .. } = classify(&data[..]).unwrap() else {
            panic!()
        };
        let mut back = Vec::new();
        body.rewind().read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }
}
