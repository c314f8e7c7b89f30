//! Names of kinds of things that stand where a password would: authentication mechanisms
//! (`DIGEST-MD5`), Wi-Fi key managements and cipher suites (`WPA-PSK-SHA256`, `TKIP/CCMP`),
//! ciphers, digests and curves (`AES-128-GCM`, `Curve25519`), C library errors (`EACCES`).
//! Logs, settings and code name them beside password and key words; they are never a secret.

/// An authentication mechanism's name: SASL's (`PLAIN LOGIN CRAM-MD5 DIGEST-MD5`), NTLM's,
/// Kerberos', sshd's policy for root.
pub(in super::super) fn mechanism(v: &str) -> bool {
    let u = v.to_ascii_uppercase();
    [
        "CRAM-MD5",
        "DIGEST-MD5",
        "SCRAM-SHA-1",
        "SCRAM-SHA-256",
        "SCRAM-SHA-1-PLUS",
        "SCRAM-SHA-256-PLUS",
        "GSSAPI",
        "GSS-SPNEGO",
        "NTLM",
        "XOAUTH2",
        "OAUTHBEARER",
        "KERBEROS_V4",
        "KERBEROS_V5",
        "ANONYMOUS",
        "EXTERNAL",
        "TKIP",
        "CCMP",
        "GCMP",
        "CCMP-256",
        "GCMP-256",
        "WEP",
        "WEP40",
        "WEP104",
        // sshd's policies for root's log-in (`PermitRootLogin without-password`).
        "WITHOUT-PASSWORD",
        "PROHIBIT-PASSWORD",
    ]
    .contains(&u.as_str())
        // ("PSK/SHA-256", "TKIP/CCMP": a list of them.)
        || u.contains('/') && u.split('/').all(|p| !p.contains('/') && !p.is_empty() && mechanism(p))
        || key_management(&u)
        || algorithm(&u)
}

/// A C library error's name, as code maps other errors to them: "EACCES", "EKEYREJECTED".
pub(super) fn errno(v: &str) -> bool {
    [
        "EACCES",
        "EPERM",
        "EINVAL",
        "EIO",
        "ENOENT",
        "EKEYREJECTED",
        "EKEYEXPIRED",
        "EKEYREVOKED",
        "ENOKEY",
        "EAGAIN",
        "EBUSY",
        "EEXIST",
        "ENOMEM",
        "ENOSPC",
        "ENOSYS",
        "EOPNOTSUPP",
        "ETIMEDOUT",
        "ECONNREFUSED",
        "ECONNRESET",
        "EHOSTDOWN",
        "ENOTSUPP",
        "EBADMSG",
        "EPROTO",
        "ENODATA",
        "ERANGE",
        "EFAULT",
        "ENXIO",
        "EROFS",
        "ESTALE",
    ]
    .contains(&v.trim_matches(['"', '\'', ',', ')']))
}

/// A cipher's or a digest's name with its size and mode: "AES-128-GCM", "RSA-2048",
/// "HMAC-SHA256", "ChaCha20-Poly1305" ("the random key itself is AES-128"), or a curve's
/// ("Public key crypto: Curve25519").
fn algorithm(u: &str) -> bool {
    const CURVES: &[&str] = &[
        "CURVE25519",
        "CURVE448",
        "X25519",
        "X448",
        "ED25519",
        "ED448",
    ];
    const FAMILIES: &[&str] = &[
        "AES", "DES", "3DES", "TDES", "RSA", "DSA", "ECDSA", "ECDH", "ED25519", "ED448", "X25519",
        "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA", "SHA2", "SHA3", "MD5", "HMAC",
        "CHACHA20", "POLY1305", "BLOWFISH", "CAMELLIA", "SM4", "RC4", "ARIA",
    ];
    const MODES: &[&str] = &[
        "GCM", "CBC", "CTR", "ECB", "XTS", "CCM", "OFB", "CFB", "SIV", "OAEP", "PSS", "PKCS1",
    ];
    let mut parts = u.split(['-', '_']);
    // Password hash schemes' names (Samba's "password hash userPassword schemes = CryptSHA256",
    // Dovecot's `SHA512-CRYPT`).
    const SCHEMES: &[&str] = &[
        "CRYPTSHA256",
        "CRYPTSHA512",
        "SHA256-CRYPT",
        "SHA512-CRYPT",
        "MD5-CRYPT",
        "BLF-CRYPT",
        "BCRYPT",
        "SCRYPT",
        "YESCRYPT",
        "ARGON2I",
        "ARGON2ID",
        "PBKDF2",
        "SSHA",
        "SSHA256",
        "SSHA512",
    ];
    CURVES.contains(&u)
        || SCHEMES.contains(&u)
        || parts.next().is_some_and(|f| FAMILIES.contains(&f))
            && u.contains(['-', '_'])
            && parts.all(|p| {
                !p.is_empty()
                    && (p.chars().all(|c| c.is_ascii_digit())
                        || FAMILIES.contains(&p)
                        || MODES.contains(&p))
            })
}

/// A Wi-Fi network's key management, as wpa_supplicant and NetworkManager log it:
/// "WPA-PSK", "WPA-PSK-SHA256", "FT-PSK", "SAE", "WPA-EAP".
fn key_management(u: &str) -> bool {
    const PARTS: &[&str] = &[
        "WPA",
        "WPA2",
        "WPA3",
        "PSK",
        "EAP",
        "SAE",
        "FT",
        "OWE",
        "FILS",
        "SHA256",
        "SHA384",
        "SUITE",
        "B",
        "192",
        "IEEE8021X",
        "NONE",
        "CCMP",
        "TKIP",
        "GCMP",
        "CCMP256",
        "GCMP256",
    ];
    ["PSK", "EAP", "SAE"].iter().any(|k| u.contains(k)) && u.split('-').all(|p| PARTS.contains(&p))
}

/// An OpenPGP key's algorithm and ID as gpg prints them ("New key: rsa4096/61AD3D98ECDF2C8E"):
/// which key, not a secret.
pub(in super::super) fn openpgp_key_id(v: &str) -> bool {
    v.split_once('/').is_some_and(|(algo, id)| {
        let a = algo.to_ascii_lowercase();
        let name = a.trim_end_matches(|c: char| c.is_ascii_digit());
        [
            "rsa",
            "dsa",
            "elg",
            "ed",
            "cv",
            "nistp",
            "brainpoolp",
            "secp",
        ]
        .contains(&name)
            && (8..=40).contains(&id.trim_start_matches("0x").len())
            && id
                .trim_start_matches("0x")
                .chars()
                .all(|c| c.is_ascii_hexdigit())
    })
}
