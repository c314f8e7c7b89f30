//! Autocrypt Level 1, incoming: what the `Autocrypt:` header of a message (only when its
//! `addr` is the From address) and `Autocrypt-Gossip:` headers (only inside encrypted content)
//! teach the key store, with the per-peer state the spec keeps (last_seen,
//! autocrypt_timestamp, prefer-encrypt, gossip). The headers are read from the mail by
//! [`crate::read::autocrypt`]; this module gets them as data.
//!
//! A key learned this way starts `undecided`; it never replaces an accepted key silently: when
//! a peer's key changes, the event says so and the accepted key's acceptance stays as it is.

use std::path::PathBuf;

use openpgp::parse::Parse;
use openpgp::Cert;
use sequoia_openpgp as openpgp;
use serde::{Deserialize, Serialize};

use super::meta::Acceptance;
use super::{normalize_email, KeyError, Keyring};
use crate::Context;

/// A parsed `Autocrypt:` or `Autocrypt-Gossip:` header (see
/// [`crate::read::autocrypt::parse_header`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The address the key is for.
    pub addr: String,
    /// `prefer-encrypt=mutual` was given.
    pub mutual: bool,
    /// The key, binary.
    pub keydata: Vec<u8>,
}

/// The Autocrypt state of one peer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeerState {
    /// Newest Date of any message from the peer (Unix seconds).
    pub last_seen: i64,
    /// Date of the newest message with an Autocrypt header.
    pub autocrypt_timestamp: i64,
    /// Fingerprint of the key from that header.
    pub public_key: Option<String>,
    /// `mutual` or `nopreference`.
    pub prefer_encrypt: String,
    /// Date of the newest gossip about the peer.
    pub gossip_timestamp: i64,
    /// Fingerprint of the gossiped key.
    pub gossip_key: Option<String>,
}

/// What reading one message taught.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The peer.
    pub addr: String,
    /// The key's fingerprint.
    pub fingerprint: String,
    /// `header` or `gossip`.
    pub source: String,
    /// Whether the key was new to the store.
    pub new_key: bool,
    /// The peer's previous key when it changed.
    pub changed_from: Option<String>,
    /// The acceptance of the previous key (a verified key stays in use).
    pub previous_acceptance: Option<Acceptance>,
}

fn state_path(ring: &Keyring, addr: &str) -> PathBuf {
    let safe: String = addr
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@.-_+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    ring.autocrypt_dir().join(format!("{safe}.json"))
}

/// The stored state of `addr`.
pub fn peer_state(ring: &Keyring, addr: &str) -> Option<PeerState> {
    serde_json::from_slice(&std::fs::read(state_path(ring, &normalize_email(addr))).ok()?).ok()
}

fn save_state(ring: &Keyring, addr: &str, st: &PeerState) -> Result<(), KeyError> {
    let p = state_path(ring, addr);
    crate::fsutil::write_atomic(&p, &serde_json::to_vec_pretty(st).unwrap_or_default(), true)?;
    Ok(())
}

/// A message's Autocrypt material: From, Date, its `Autocrypt:` headers, and gossip found
/// inside its encrypted content.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The From address.
    pub from: String,
    /// The message Date (Unix seconds).
    pub date: i64,
    /// The valid `Autocrypt:` headers of the outer header section.
    pub headers: Vec<Header>,
    /// The valid `Autocrypt-Gossip:` headers from inside the encryption (empty for
    /// unencrypted mail: gossip outside encryption is ignored).
    pub gossip: Vec<Header>,
}

/// Applies what a message says (Autocrypt spec, "Updating Autocrypt Peer State").
pub fn learn(ring: &Keyring, ctx: &Context, seen: &Seen) -> Result<Vec<Event>, KeyError> {
    let mut events = Vec::new();
    let from = normalize_email(&seen.from);
    if from.is_empty() {
        return Ok(events);
    }
    // Exactly one valid header whose addr is From counts; anything else is ignored.
    let valid: Vec<&Header> = seen.headers.iter().filter(|h| h.addr == from).collect();
    let stored = peer_state(ring, &from);
    let had_state = stored.is_some();
    let mut st = stored.unwrap_or_default();
    let before = serde_json::to_vec(&st).unwrap_or_default();
    if seen.date > st.last_seen || st.last_seen == 0 {
        st.last_seen = seen.date.max(st.last_seen);
    }
    // The key is parsed once, for the check and the import both.
    let header = match valid.as_slice() {
        [h] if seen.date >= st.autocrypt_timestamp => Some((h, Cert::from_bytes(&h.keydata).ok())),
        _ => None,
    };
    if let Some((h, cert)) = header.filter(|(h, c)| !already_known(ring, &st, seen, h, c.as_ref()))
    {
        if let Some(ev) = store_key(ring, ctx, &from, cert, "header", st.public_key.clone())? {
            st.autocrypt_timestamp = seen.date;
            st.public_key = Some(ev.fingerprint.clone());
            st.prefer_encrypt = if h.mutual {
                "mutual".into()
            } else {
                "nopreference".into()
            };
            events.push(ev);
        }
    }
    // Written (with fsync) only when something changed: reading the same mail again, or an
    // older one, costs no disk write.
    if serde_json::to_vec(&st).unwrap_or_default() != before || !had_state {
        save_state(ring, &from, &st)?;
    }
    for h in &seen.gossip {
        if h.addr == from {
            continue;
        }
        let mut gst = peer_state(ring, &h.addr).unwrap_or_default();
        if seen.date < gst.gossip_timestamp {
            continue;
        }
        let cert = Cert::from_bytes(&h.keydata).ok();
        if seen.date == gst.gossip_timestamp
            && same_key(ring, gst.gossip_key.as_deref(), cert.as_ref())
        {
            continue;
        }
        if let Some(ev) = store_key(
            ring,
            ctx,
            &h.addr,
            cert,
            "gossip",
            gst.gossip_key.clone().or(gst.public_key.clone()),
        )? {
            gst.gossip_timestamp = seen.date;
            gst.gossip_key = Some(ev.fingerprint.clone());
            save_state(ring, &h.addr, &gst)?;
            events.push(ev);
        }
    }
    Ok(events)
}

/// Whether the header says nothing new: the same date, key and preference as the state
/// already holds (the same mail read again). Importing it again would only open the whole
/// cert-d and rewrite the key's record.
fn already_known(
    ring: &Keyring,
    st: &PeerState,
    seen: &Seen,
    h: &Header,
    cert: Option<&Cert>,
) -> bool {
    let prefer = if h.mutual { "mutual" } else { "nopreference" };
    seen.date == st.autocrypt_timestamp
        && st.prefer_encrypt == prefer
        && same_key(ring, st.public_key.as_deref(), cert)
}

/// Whether `cert` (the header's key, if it parsed) is the key `known` (a fingerprint) and that
/// key is still in the store.
fn same_key(ring: &Keyring, known: Option<&str>, cert: Option<&Cert>) -> bool {
    known.is_some_and(|known| {
        cert.is_some_and(|c| c.fingerprint().to_hex().eq_ignore_ascii_case(known))
            && ring.find(known).is_ok()
    })
}

fn store_key(
    ring: &Keyring,
    ctx: &Context,
    addr: &str,
    cert: Option<Cert>,
    source: &str,
    previous: Option<String>,
) -> Result<Option<Event>, KeyError> {
    let Some(cert) = cert else {
        return Ok(None);
    };
    if cert.is_tsk() {
        return Ok(None);
    }
    let Some(cert) = super::lookup::only_address(cert, addr) else {
        return Ok(None);
    };
    if cert.with_policy(ctx.policy(), ctx.time()).is_err() {
        return Ok(None);
    }
    let fpr = cert.fingerprint();
    let stored = ring
        .find(&fpr.to_hex())
        .ok()
        .and_then(|v| v.into_iter().find(|c| c.fingerprint() == fpr));
    let new_key = stored.is_none();
    // A key the store already holds with everything the header carries is not stored again
    // (that would open the whole cert-d and rewrite the key's record for every new mail).
    let adds_nothing = stored.is_some_and(|old| {
        old.clone()
            .merge_public(cert.clone())
            .is_ok_and(|merged| merged == old)
    });
    if !adds_nothing {
        ring.store_as(cert, "autocrypt", Acceptance::Undecided, ctx.time())?;
    }
    let changed_from = previous.filter(|p| !p.eq_ignore_ascii_case(&fpr.to_hex()));
    // A different key the user already accepted for this address is a change to report.
    let accepted_other = ring
        .find(addr)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.fingerprint() != fpr)
        .map(|c| {
            (
                c.fingerprint().to_hex(),
                ring.meta(&c.fingerprint()).acceptance,
            )
        })
        .find(|(_, a)| *a >= Acceptance::Unverified);
    let (changed_from, previous_acceptance) = match (changed_from, accepted_other) {
        (_, Some((f, a))) => (Some(f), Some(a)),
        (c, None) => (c, None),
    };
    Ok(Some(Event {
        addr: addr.to_string(),
        fingerprint: fpr.to_hex(),
        source: source.into(),
        new_key,
        changed_from,
        previous_acceptance,
    }))
}
