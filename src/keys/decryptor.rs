//! Decryptors that keep the OpenSSL key object of a secret key for the whole run.
//!
//! sequoia-openpgp's own decryptor rebuilds the OpenSSL key for every message: it unseals the
//! secret from its encrypted memory (a SHA-256 over its 16 KiB pre-key and an AEAD pass) and
//! imports it into OpenSSL again. A batch decrypts a thousand mails to the same key, so the
//! key objects built here are cached per thread, by fingerprint.
//!
//! - RSA: the key is built with the Chinese remainder theorem parameters. Sequoia's OpenSSL
//!   backend hands OpenSSL only `n`, `e` and `d`, so every RSA decryption would be a
//!   full-size modular exponentiation: for RSA-3072 about four times the work of the CRT form
//!   that GnuPG and OpenSSL use when they have the primes. OpenPGP secret keys carry `p`, `q`
//!   and `u`. The PKCS#1 v1.5 unpadding stays OpenSSL's, the session key checksum Sequoia's.
//! - ECDH on Curve25519 (v4 `Cv25519` keys): OpenSSL computes the shared point with the cached
//!   X25519 key; the key derivation and AES key unwrap stay Sequoia's
//!   ([`openpgp::crypto::ecdh::decrypt_unwrap`]).
//!
//! Any other algorithm, or parameters OpenSSL refuses, gets `None`: the caller then uses
//! Sequoia's key pair as it is.

use openssl::bn::{BigNum, BigNumContext};
use openssl::derive::Deriver;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::{Padding, Rsa};
use sequoia_openpgp as openpgp;

use openpgp::crypto::mpi::{self, Ciphertext, SecretKeyMaterial};
use openpgp::crypto::{mem::Protected, Decryptor, KeyPair, SessionKey};
use openpgp::packet::key::{PublicParts, UnspecifiedRole};
use openpgp::packet::Key;
use openpgp::types::Curve;

/// An OpenSSL key ready for one OpenPGP algorithm.
#[derive(Clone)]
enum Built {
    Rsa(Rsa<Private>),
    X25519(PKey<Private>),
}

thread_local! {
    /// The OpenSSL keys built so far on this thread (a batch worker decrypts many mails to
    /// the same key; OpenSSL also keeps its RSA blinding values with the key object).
    static CACHE: std::cell::RefCell<Vec<(openpgp::Fingerprint, Built)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A decryptor holding a ready OpenSSL key.
pub(crate) struct Cached {
    public: Key<PublicParts, UnspecifiedRole>,
    key: Built,
}

impl Cached {
    /// The cached decryptor for an RSA or Cv25519 key pair; `None` for other algorithms (or
    /// when OpenSSL refuses the parameters: the caller then uses the key pair as it is).
    pub(crate) fn new(pair: &KeyPair) -> Option<Self> {
        let public = pair.public().clone();
        match public.mpis() {
            mpi::PublicKey::RSA { .. } => {}
            mpi::PublicKey::ECDH {
                curve: Curve::Cv25519,
                ..
            } => {}
            _ => return None,
        }
        let fpr = public.fingerprint();
        let cached = CACHE.with(|c| {
            c.borrow()
                .iter()
                .find(|(f, _)| *f == fpr)
                .map(|(_, k)| k.clone())
        });
        if let Some(key) = cached {
            return Some(Cached { public, key });
        }
        let key = pair.secret().map(|secret| build(&public, secret))?;
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= 8 {
                c.remove(0);
            }
            c.push((fpr, key.clone()));
        });
        Some(Cached { public, key })
    }
}

/// Builds the OpenSSL key of `secret`, or `None`.
fn build(public: &Key<PublicParts, UnspecifiedRole>, secret: &SecretKeyMaterial) -> Option<Built> {
    match (public.mpis(), secret) {
        (mpi::PublicKey::RSA { e, n }, SecretKeyMaterial::RSA { d, p, q, u }) => rsa_crt(
            n.value(),
            e.value(),
            d.value(),
            p.value(),
            q.value(),
            u.value(),
        )
        .ok()
        .map(Built::Rsa),
        (mpi::PublicKey::ECDH { .. }, SecretKeyMaterial::ECDH { scalar }) => {
            // OpenPGP stores the Curve25519 scalar big-endian and may drop leading zeros;
            // X25519 wants exactly 32 bytes, little-endian. Pad unconditionally (no branch on
            // the secret), then reverse.
            let mut raw = scalar.value_padded(32);
            raw.reverse();
            PKey::private_key_from_raw_bytes(&raw, Id::X25519)
                .ok()
                .map(Built::X25519)
        }
        _ => None,
    }
}

/// The OpenSSL key of an OpenPGP RSA secret key, with the parameters of the Chinese remainder
/// theorem.
///
/// OpenPGP stores `u = p⁻¹ mod q`; OpenSSL wants `iqmp = q⁻¹ mod p`. With the primes given to
/// OpenSSL the other way round (its `p` is OpenPGP's `q`), `u` is that `iqmp`, so no modular
/// inverse has to be computed (one was 2.4 % of a decrypt's samples); `u` is checked instead
/// (`u·p mod q = 1`, a product and a remainder). Then `dmp1 = d mod (q-1)`,
/// `dmq1 = d mod (p-1)`. Parts that do not fit together (`n ≠ p·q`, a wrong `u`) give an
/// error, and the caller uses the library's key pair instead.
fn rsa_crt(
    n: &[u8],
    e: &[u8],
    d: &[u8],
    p: &[u8],
    q: &[u8],
    u: &[u8],
) -> Result<Rsa<Private>, openssl::error::ErrorStack> {
    let mut ctx = BigNumContext::new_secure()?;
    let secure = |v: &[u8]| -> Result<BigNum, openssl::error::ErrorStack> {
        let mut b = BigNum::new_secure()?;
        b.copy_from_slice(v)?;
        Ok(b)
    };
    let (d, p, q, u) = (secure(d)?, secure(p)?, secure(q)?, secure(u)?);
    let one = BigNum::from_u32(1)?;
    let mut check = BigNum::new_secure()?;
    check.mod_mul(&u, &p, &q, &mut ctx)?;
    let n = BigNum::from_slice(n)?;
    let mut pq = BigNum::new()?;
    pq.checked_mul(&p, &q, &mut ctx)?;
    if pq != n || check != one {
        return Err(openssl::error::ErrorStack::get());
    }
    let (mut p1, mut q1) = (BigNum::new_secure()?, BigNum::new_secure()?);
    p1.checked_sub(&p, &one)?;
    q1.checked_sub(&q, &one)?;
    let (mut dmp1, mut dmq1) = (BigNum::new_secure()?, BigNum::new_secure()?);
    dmp1.nnmod(&d, &q1, &mut ctx)?;
    dmq1.nnmod(&d, &p1, &mut ctx)?;
    Rsa::from_private_components(n, BigNum::from_slice(e)?, d, q, p, dmp1, dmq1, u)
}

impl Decryptor for Cached {
    fn public(&self) -> &Key<PublicParts, UnspecifiedRole> {
        &self.public
    }

    fn decrypt(
        &mut self,
        ciphertext: &Ciphertext,
        plaintext_len: Option<usize>,
    ) -> openpgp::Result<SessionKey> {
        match (&self.key, ciphertext) {
            (Built::Rsa(rsa), Ciphertext::RSA { c }) => {
                let k = rsa.size() as usize;
                let c = c.value();
                if c.len() > k {
                    return Err(
                        openpgp::Error::MalformedMPI("RSA ciphertext too long".into()).into(),
                    );
                }
                // The MPI drops leading zeros; OpenSSL wants exactly the modulus size.
                let mut input = vec![0u8; k];
                input[k - c.len()..].copy_from_slice(c);
                let mut out: Protected = vec![0u8; k].into();
                let n = rsa.private_decrypt(&input, &mut out, Padding::PKCS1)?;
                Ok(SessionKey::from(&out[..n]))
            }
            (Built::X25519(own), Ciphertext::ECDH { e, .. }) => {
                // The sender's ephemeral public key (0x40 and the 32-byte point).
                let (point, _) = e.decode_point(&Curve::Cv25519)?;
                let ephemeral = PKey::public_key_from_raw_bytes(point, Id::X25519)?;
                let mut deriver = Deriver::new(own)?;
                deriver.set_peer(&ephemeral)?;
                let mut shared: Protected = vec![0u8; 32].into();
                // OpenSSL refuses an all-zero result (a low-order point), as Sequoia does.
                let n = deriver.derive(&mut shared)?;
                if n != 32 {
                    return Err(openpgp::Error::InvalidOperation("X25519 failed".into()).into());
                }
                openpgp::crypto::ecdh::decrypt_unwrap(
                    &self.public,
                    &shared,
                    ciphertext,
                    plaintext_len,
                )
            }
            _ => Err(openpgp::Error::InvalidOperation(
                "the ciphertext does not match the key's algorithm".into(),
            )
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bob's RSA-3072 encryption subkey from keys-test/ (the draft-bre test key), as a pair.
    fn bob_rsa() -> KeyPair {
        use openpgp::parse::Parse;
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/keys-test/bob@openpgp.example-0xfbfcc82a015e7330-secret.asc"
        );
        let cert = openpgp::Cert::from_file(path).unwrap();
        let policy = openpgp::policy::StandardPolicy::new();
        let ka = cert
            .keys()
            .with_policy(&policy, None)
            .secret()
            .for_transport_encryption()
            .next()
            .unwrap();
        ka.key()
            .clone()
            .role_into_unspecified()
            .into_keypair()
            .unwrap()
    }

    #[test]
    fn rsa_is_built_with_the_crt_parameters_from_u_and_decrypts() {
        let pair = bob_rsa();
        let mut cached = Cached::new(&pair).expect("the CRT key is built from p, q and u");
        // OpenSSL's own parameters hold: iqmp = q⁻¹ mod p, dmp1 = d mod (p-1).
        let Built::Rsa(rsa) = &cached.key else {
            panic!("an RSA key")
        };
        let mut ctx = BigNumContext::new().unwrap();
        let mut x = BigNum::new().unwrap();
        x.mod_mul(
            rsa.q().unwrap(),
            rsa.iqmp().unwrap(),
            rsa.p().unwrap(),
            &mut ctx,
        )
        .unwrap();
        assert_eq!(x, BigNum::from_u32(1).unwrap());
        let mut p1 = BigNum::new().unwrap();
        p1.checked_sub(rsa.p().unwrap(), &BigNum::from_u32(1).unwrap())
            .unwrap();
        x.nnmod(rsa.d(), &p1, &mut ctx).unwrap();
        assert_eq!(&x, rsa.dmp1().unwrap());
        let sk = SessionKey::new(32).unwrap();
        let ct = pair.public().encrypt(&sk).unwrap();
        assert_eq!(cached.decrypt(&ct, None).unwrap(), sk);
    }

    #[test]
    fn an_rsa_key_with_a_wrong_u_is_not_built() {
        let pair = bob_rsa();
        let broken = pair.secret().map(|secret| match secret {
            SecretKeyMaterial::RSA { d, p, q, u } => {
                let mut bad = u.value().to_vec();
                let last = bad.len() - 1;
                bad[last] ^= 1;
                SecretKeyMaterial::RSA {
                    d: d.clone(),
                    p: p.clone(),
                    q: q.clone(),
                    u: bad.into(),
                }
            }
            _ => unreachable!("an RSA key"),
        });
        assert!(build(pair.public(), &broken).is_none());
    }

    #[test]
    fn a_bad_rsa_padding_gives_a_steady_random_result_not_an_error() {
        // The OpenSSL built into sealmail (3.2 or later) answers a PKCS #1 v1.5 padding error
        // with a result derived from the key and the ciphertext ("implicit rejection"), so the
        // time and outcome of a decryption do not tell a bad padding from a good one (the
        // Marvin attack). The session key checksum then refuses the result.
        let rsa = Rsa::generate(2048).unwrap();
        let k = rsa.size() as usize;
        // A block that starts 00 00 instead of 00 02: not a PKCS #1 v1.5 encryption block.
        let mut block = vec![0x5au8; k];
        block[..2].copy_from_slice(&[0, 0]);
        let mut c = vec![0u8; k];
        rsa.public_encrypt(&block, &mut c, Padding::NONE).unwrap();
        let mut once = vec![0u8; k];
        let n = rsa
            .private_decrypt(&c, &mut once, Padding::PKCS1)
            .expect("implicit rejection returns a result, not an error");
        let mut twice = vec![0u8; k];
        let m = rsa.private_decrypt(&c, &mut twice, Padding::PKCS1).unwrap();
        assert_eq!(
            once[..n],
            twice[..m],
            "the same ciphertext gives the same result"
        );
        assert_ne!(once[..n], block[2..2 + n]);
    }
}
