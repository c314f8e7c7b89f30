//! Start-up work done ahead of time, for a process that forks workers (the agent).
//!
//! In each OpenSSL library context, the first use of any algorithm of a kind (digests,
//! ciphers, key types, signatures, asymmetric ciphers, key exchange, random generators)
//! builds the method table of every algorithm of that kind: about 0.6 ms of a short command.
//! sequoia-openpgp makes the pre-key of its memory protection the first time it protects a
//! secret (about 0.4 ms). [`warm_up`] does each of these once, so that a process forked
//! afterwards starts with them done.
//!
//! It uses throwaway keys made here and the public certificate of a published test key, and
//! touches no home: no key store, no signature cache. Nothing is verified (no signature is
//! checked, so the library's cache of verified signatures stays empty), and nothing of it is
//! kept. OpenSSL's random generators reseed when the process id changes, so a forked process
//! does not repeat the random numbers of its parent (nor of its siblings).

use std::io::{Read, Write};

use openpgp::crypto::SessionKey;
use openpgp::packet::key::{Key4, SecretParts, UnspecifiedRole};
use openpgp::packet::{Key, PKESK, SKESK};
use openpgp::parse::stream::{
    DecryptionHelper, DecryptorBuilder, MessageStructure, VerificationHelper,
};
use openpgp::parse::Parse;
use openpgp::policy::StandardPolicy;
use openpgp::serialize::stream::{Armorer, Encryptor, LiteralWriter, Message, Recipient, Signer};
use openpgp::types::{Curve, Features, HashAlgorithm, SymmetricAlgorithm};
use openpgp::{Cert, KeyHandle};
use sequoia_openpgp as openpgp;

/// The public certificate of "Bob", the RSA-3072 sample key of draft-bre-openpgp-samples
/// (as in `keys-test/`): an RSA key to encrypt to. Only its subkey's public numbers are used.
const RSA_CERT: &[u8] =
    include_bytes!("../keys-test/bob@openpgp.example-0xfbfcc82a015e7330-pub.asc");

/// Does each kind of cryptographic operation a short command needs once: sign (Ed25519) and
/// encrypt (to X25519 and RSA-3072) an armored message, then decrypt it, in the OpenPGP
/// library's OpenSSL context; an X25519 agreement, an RSA encryption and an AES block in
/// OpenSSL's default context (sealmail's own decryption code uses that one).
pub fn warm_up() -> openpgp::Result<()> {
    let signer: Key<SecretParts, UnspecifiedRole> =
        Key4::generate_ecc(true, Curve::Ed25519)?.into();
    let x25519: Key<SecretParts, UnspecifiedRole> =
        Key4::generate_ecc(false, Curve::Cv25519)?.into();
    let rsa_cert = Cert::from_bytes(RSA_CERT)?;
    let rsa = rsa_cert
        .keys()
        .subkeys()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the test certificate has no subkey"))?
        .key()
        .clone()
        .role_into_unspecified();
    let x_public = x25519.parts_as_public().clone();

    let mut armored = Vec::new();
    {
        let message = Message::new(&mut armored);
        let message = Armorer::new(message).build()?;
        let recipients = vec![
            Recipient::new(Features::sequoia(), x_public.key_handle(), &x_public),
            Recipient::new(Features::sequoia(), rsa.key_handle(), &rsa),
        ];
        let message = Encryptor::for_recipients(message, recipients).build()?;
        let message = Signer::new(message, signer.into_keypair()?)?
            .hash_algo(HashAlgorithm::SHA256)?
            .build()?;
        let mut literal = LiteralWriter::new(message).build()?;
        literal.write_all(b"warm-up")?;
        literal.finalize()?;
    }
    let policy = StandardPolicy::new();
    let helper = Helper {
        pair: x25519.into_keypair()?,
    };
    let mut reader = DecryptorBuilder::from_bytes(&armored)?.with_policy(&policy, None, helper)?;
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain)?;

    default_context(&rsa)?;
    Ok(())
}

/// OpenSSL's default context: an X25519 agreement, an RSA encryption, one AES block.
fn default_context(
    rsa: &Key<openpgp::packet::key::PublicParts, UnspecifiedRole>,
) -> openpgp::Result<()> {
    use openssl::bn::BigNum;
    use openssl::derive::Deriver;
    use openssl::pkey::PKey;
    use openssl::rsa::{Padding, Rsa};

    let a = PKey::generate_x25519()?;
    let b = PKey::generate_x25519()?;
    let mut deriver = Deriver::new(&a)?;
    deriver.set_peer(&b)?;
    deriver.derive_to_vec()?;

    if let openpgp::crypto::mpi::PublicKey::RSA { e, n } = rsa.mpis() {
        let key = Rsa::from_public_components(
            BigNum::from_slice(n.value())?,
            BigNum::from_slice(e.value())?,
        )?;
        let mut out = vec![0; key.size() as usize];
        key.public_encrypt(&[0x5a; 32], &mut out, Padding::PKCS1)?;
    }

    let cipher = openssl::symm::Cipher::aes_256_ecb();
    let mut crypter =
        openssl::symm::Crypter::new(cipher, openssl::symm::Mode::Encrypt, &[7; 32], None)?;
    crypter.pad(false);
    let mut block = [0; 32];
    crypter.update(&[0; 16], &mut block)?;
    Ok(())
}

/// Decrypts with the one throwaway key; checks nothing (the message was just made here).
struct Helper {
    pair: openpgp::crypto::KeyPair,
}

impl VerificationHelper for Helper {
    fn get_certs(&mut self, _ids: &[KeyHandle]) -> openpgp::Result<Vec<Cert>> {
        Ok(Vec::new())
    }

    fn check(&mut self, _structure: MessageStructure) -> openpgp::Result<()> {
        Ok(())
    }
}

impl DecryptionHelper for Helper {
    fn decrypt(
        &mut self,
        pkesks: &[PKESK],
        _skesks: &[SKESK],
        sym_algo: Option<SymmetricAlgorithm>,
        decrypt: &mut dyn FnMut(Option<SymmetricAlgorithm>, &SessionKey) -> bool,
    ) -> openpgp::Result<Option<Cert>> {
        for pkesk in pkesks {
            if let Some((algo, key)) = pkesk.decrypt(&mut self.pair, sym_algo) {
                if decrypt(algo, &key) {
                    return Ok(None);
                }
            }
        }
        Err(anyhow::anyhow!("the warm-up message did not decrypt"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_warm_up_runs_through() {
        super::warm_up().unwrap();
    }
}
