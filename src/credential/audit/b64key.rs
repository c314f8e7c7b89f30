//! Thirty-two random bytes in Base64, as applications keep their keys (Laravel's `APP_KEY`
//! without its prefix, a signing key), given on a line about a key: "paste your
//! D3Dv...gIovM= into the .env under app_key", "my token: ...=". Such a value has no format of
//! its own; the line's word for a key or a secret says what it is. A public key, a digest or a
//! fingerprint of the same length is none.

use std::sync::OnceLock;

use regex::Regex;

use super::defaults::{first_bytes, last_bytes};

/// The words that make a line about a secret key.
const KEY_WORDS: &[&str] = &["key", "secret", "token"];

/// What makes the same shape no secret: WireGuard's `PublicKey = ...=`, an `sha256-...=`
/// integrity, a host key's fingerprint.
const NOT_SECRET: &[&str] = &[
    "public",
    "pubkey",
    "sha",
    "fingerprint",
    "digest",
    "hash",
    "checksum",
    "integrity",
    "preshared",
];

/// The keys on lines about a key: (label, value).
pub(super) fn find(text: &str) -> Vec<(String, String)> {
    static R: OnceLock<Regex> = OnceLock::new();
    // (One shape searched over the text: most texts hold none, and a line's words are read only
    // around a match.)
    let re = R.get_or_init(|| {
        super::pattern::regex(r#"(?:^|[\s'"`=:(])([A-Za-z0-9+/]{43}=)(?:[\s'"`,.;)]|$)"#)
            .expect("built-in pattern")
    });
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        let v = m.as_str();
        let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[m.end()..]
            .find('\n')
            .map_or(text.len(), |i| m.end() + i);
        // (Within 100 bytes before and 60 after, on characters' boundaries.)
        let before = last_bytes(&text[line_start..m.start()], 100).to_ascii_lowercase();
        let after = first_bytes(&text[m.end()..line_end], 60).to_ascii_lowercase();
        let keyed = KEY_WORDS
            .iter()
            .any(|w| before.contains(w) || after.contains(w));
        let random = v.contains(|c: char| c.is_ascii_uppercase())
            && v.contains(|c: char| c.is_ascii_lowercase())
            && v.contains(|c: char| c.is_ascii_digit());
        let not_secret = NOT_SECRET
            .iter()
            .any(|w| before.contains(w) || after.contains(w));
        if keyed && random && !not_secret && !super::values::placeholder(v) {
            out.push((
                text[line_start..m.start()].trim().to_string(),
                v.to_string(),
            ));
        }
    }
    out
}
