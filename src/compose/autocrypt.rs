//! The outgoing `Autocrypt:` header (Autocrypt Level 1).

use base64::Engine;
use openpgp::serialize::Serialize;
use openpgp::Cert;
use sequoia_openpgp as openpgp;

use crate::Context;

/// The `Autocrypt:` header line (folded, CRLF-terminated) carrying the public part of `cert`,
/// reduced to what Autocrypt asks for: the primary key, the user ID of `addr`, the valid
/// subkeys.
pub fn autocrypt_header(addr: &str, cert: &Cert, ctx: &Context) -> String {
    let public = cert.clone().strip_secret_key_material();
    let want = addr.to_lowercase();
    let mut packets: Vec<openpgp::Packet> = Vec::new();
    packets.push(public.primary_key().key().clone().into());
    for s in public.primary_key().self_signatures() {
        packets.push(s.clone().into());
    }
    for u in public.userids() {
        let matches =
            crate::keys::userid_email(u.userid()).is_some_and(|e| e.to_lowercase() == want);
        if matches {
            packets.push(u.userid().clone().into());
            for s in u.self_signatures() {
                packets.push(s.clone().into());
            }
        }
    }
    if let Ok(vc) = public.with_policy(ctx.policy(), ctx.time()) {
        for ka in vc.keys().subkeys().alive().revoked(false) {
            packets.push(ka.key().clone().into());
            packets.push(ka.binding_signature().clone().into());
        }
    }
    let minimal = Cert::from_packets(packets.into_iter()).unwrap_or(public);
    let mut bin = Vec::new();
    // Serializing a valid cert into a Vec does not fail.
    let _ = minimal.serialize(&mut bin);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bin);
    let mut h = format!("Autocrypt: addr={addr}; keydata=");
    let mut first = true;
    for chunk in b64.as_bytes().chunks(72) {
        if !first {
            h.push_str("\r\n ");
        }
        first = false;
        h.push_str(std::str::from_utf8(chunk).unwrap_or(""));
    }
    h.push_str("\r\n");
    h
}
