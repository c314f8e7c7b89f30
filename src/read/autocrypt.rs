//! Autocrypt headers as a message carries them: the `Autocrypt:` fields of its outer header
//! section and, only when it was decrypted, the `Autocrypt-Gossip:` fields inside. Parsing
//! mail is the reader's job; the key store ([`crate::keys::autocrypt::learn`]) gets the
//! result as data.

use base64::Engine;

use super::{mime_tree, Report};
use crate::keys::autocrypt::{Header, Seen};
use crate::keys::normalize_email;

/// Parses a header value. Unknown attributes that do not start with `_` make it invalid (the
/// spec says to ignore such headers).
pub fn parse_header(value: &str) -> Result<Header, String> {
    let mut addr = None;
    let mut mutual = false;
    let mut keydata = None;
    for attr in value.split(';') {
        let attr = attr.trim();
        if attr.is_empty() {
            continue;
        }
        let (k, v) = attr
            .split_once('=')
            .ok_or_else(|| format!("attribute without a value: {attr:?}"))?;
        match k.trim() {
            "addr" => addr = Some(normalize_email(v)),
            "prefer-encrypt" => mutual = v.trim() == "mutual",
            "keydata" => {
                let clean: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                keydata = Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(clean)
                        .map_err(|e| format!("keydata is not base64: {e}"))?,
                );
            }
            k if k.starts_with('_') => {}
            k => return Err(format!("unknown critical attribute {k:?}")),
        }
    }
    Ok(Header {
        addr: addr.ok_or("no addr attribute")?,
        mutual,
        keydata: keydata.ok_or("no keydata attribute")?,
    })
}

/// Collects the header values named `name` of a raw header section.
pub fn header_values(raw: &[u8], name: &str) -> Vec<String> {
    let end = crate::mime::find_header_end(raw);
    crate::mime::header_fields(&raw[..end])
        .iter()
        .filter_map(|f| {
            let s = String::from_utf8_lossy(f);
            let (n, v) = s.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.replace(['\r', '\n'], " ").trim().to_string())
        })
        .collect()
}

/// The Autocrypt material of a message: the outer `Autocrypt:` headers with the outer From and
/// Date, and, only when it was decrypted, the `Autocrypt-Gossip:` headers inside. Headers that
/// do not parse are left out (the spec says to ignore them).
pub fn autocrypt_seen(raw: &[u8], report: Option<&Report>) -> Seen {
    let parsed = |values: Vec<String>| -> Vec<Header> {
        values.iter().filter_map(|v| parse_header(v).ok()).collect()
    };
    let headers = parsed(header_values(raw, "Autocrypt"));
    let (from, date, gossip) = match report {
        Some(r) => (
            r.outer_from.clone(),
            r.date_unix.unwrap_or(0),
            match (&r.inner, r.encrypted) {
                (Some(inner), true) => parsed(header_values(inner, "Autocrypt-Gossip")),
                _ => Vec::new(),
            },
        ),
        None => {
            let e = mime_tree::Entity::parse(raw);
            let from = e
                .as_ref()
                .and_then(|e| {
                    e.msg
                        .from()
                        .and_then(|a| a.first())
                        .and_then(|m| m.address())
                        .map(|a| a.to_string())
                })
                .unwrap_or_default();
            let date = e
                .as_ref()
                .and_then(|e| e.msg.date())
                .map(|d| d.to_timestamp())
                .unwrap_or(0);
            (from, date, Vec::new())
        }
    };
    Seen {
        from,
        date,
        headers,
        gossip,
    }
}
