//! RSA decryption with the Chinese remainder theorem.
//!
//! sequoia-openpgp's OpenSSL backend hands OpenSSL only `n`, `e` and `d`, so every RSA
//! decryption is a full-size modular exponentiation: for RSA-3072 about four times the work
//! of the CRT form that GnuPG and OpenSSL use when they have the primes. OpenPGP secret keys
//! carry `p`, `q` and `u`, so this decryptor builds the complete OpenSSL key and lets it use
//! CRT. Everything else (the PKCS#1 v1.5 unpadding, the session key checksum) stays as it is.

use openssl::bn::{BigNum, BigNumContext};
use openssl::pkey::Private;
use openssl::rsa::{Padding, Rsa};
use sequoia_openpgp as openpgp;

use openpgp::crypto::mpi::{Ciphertext, SecretKeyMaterial};
use openpgp::crypto::{Decryptor, KeyPair, SessionKey};
use openpgp::packet::key::{PublicParts, UnspecifiedRole};
use openpgp::packet::Key;

thread_local! {
    /// The OpenSSL keys built so far on this thread (a batch worker decrypts many mails to
    /// the same key; OpenSSL also keeps its blinding values with the key object).
    static CACHE: std::cell::RefCell<Vec<(openpgp::Fingerprint, Rsa<Private>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// An RSA decryptor using the CRT parameters.
pub(crate) struct CrtRsa {
    public: Key<PublicParts, UnspecifiedRole>,
    rsa: Rsa<Private>,
}

impl CrtRsa {
    /// The CRT decryptor for an RSA key pair; `None` for other algorithms (or when OpenSSL
    /// refuses the parameters: the caller then uses the key pair as it is).
    pub(crate) fn new(pair: &KeyPair) -> Option<Self> {
        let public = pair.public().clone();
        let (n, e) = match public.mpis() {
            openpgp::crypto::mpi::PublicKey::RSA { e, n } => (n.value(), e.value()),
            _ => return None,
        };
        let fpr = public.fingerprint();
        if let Some(rsa) = CACHE.with(|c| {
            c.borrow()
                .iter()
                .find(|(f, _)| *f == fpr)
                .map(|(_, r)| r.clone())
        }) {
            return Some(CrtRsa { public, rsa });
        }
        let rsa = pair.secret().map(|secret| match secret {
            SecretKeyMaterial::RSA { d, p, q, .. } => {
                build(n, e, d.value(), p.value(), q.value()).ok()
            }
            _ => None,
        })?;
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= 8 {
                c.remove(0);
            }
            c.push((fpr, rsa.clone()));
        });
        Some(CrtRsa { public, rsa })
    }
}

/// The OpenSSL key with `dmp1 = d mod (p-1)`, `dmq1 = d mod (q-1)` and `iqmp = q⁻¹ mod p`.
fn build(
    n: &[u8],
    e: &[u8],
    d: &[u8],
    p: &[u8],
    q: &[u8],
) -> Result<Rsa<Private>, openssl::error::ErrorStack> {
    let mut ctx = BigNumContext::new_secure()?;
    let bn = BigNum::from_slice;
    let (d, p, q) = (bn(d)?, bn(p)?, bn(q)?);
    let one = BigNum::from_u32(1)?;
    let (mut p1, mut q1) = (BigNum::new_secure()?, BigNum::new_secure()?);
    p1.checked_sub(&p, &one)?;
    q1.checked_sub(&q, &one)?;
    let (mut dmp1, mut dmq1, mut iqmp) = (
        BigNum::new_secure()?,
        BigNum::new_secure()?,
        BigNum::new_secure()?,
    );
    dmp1.nnmod(&d, &p1, &mut ctx)?;
    dmq1.nnmod(&d, &q1, &mut ctx)?;
    iqmp.mod_inverse(&q, &p, &mut ctx)?;
    // Parts that do not fit together are not used (the caller falls back): n = p·q.
    let n = bn(n)?;
    let mut pq = BigNum::new()?;
    pq.checked_mul(&p, &q, &mut ctx)?;
    if pq != n {
        return Err(openssl::error::ErrorStack::get());
    }
    Rsa::from_private_components(n, bn(e)?, d, p, q, dmp1, dmq1, iqmp)
}

impl Decryptor for CrtRsa {
    fn public(&self) -> &Key<PublicParts, UnspecifiedRole> {
        &self.public
    }

    fn decrypt(
        &mut self,
        ciphertext: &Ciphertext,
        _plaintext_len: Option<usize>,
    ) -> openpgp::Result<SessionKey> {
        let Ciphertext::RSA { c } = ciphertext else {
            return Err(openpgp::Error::InvalidOperation("not an RSA ciphertext".into()).into());
        };
        let k = self.rsa.size() as usize;
        let c = c.value();
        if c.len() > k {
            return Err(openpgp::Error::MalformedMPI("RSA ciphertext too long".into()).into());
        }
        // The MPI drops leading zeros; OpenSSL wants exactly the modulus size.
        let mut input = vec![0u8; k];
        input[k - c.len()..].copy_from_slice(c);
        let mut out: openpgp::crypto::mem::Protected = vec![0u8; k].into();
        let n = self.rsa.private_decrypt(&input, &mut out, Padding::PKCS1)?;
        Ok(SessionKey::from(&out[..n]))
    }
}
