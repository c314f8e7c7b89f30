//! What `sealmail key` and the commands that learn keys say about them: imported keys, keys
//! learned from Autocrypt headers, one line per key in `key list`.

use sealmail::keys::{autocrypt, KeyInfo};

use super::output::{clean_line, print_json};
use super::{Env, Failure};

pub(super) fn report_imported(env: &Env, all: &[sealmail::keys::Imported]) -> Result<(), Failure> {
    if env.json {
        return print_json(all);
    }
    for i in all {
        eprintln!(
            "imported {} {}{} ({})",
            i.fingerprint,
            i.emails.join(", "),
            if i.secret { " (with secret key)" } else { "" },
            i.acceptance.as_str()
        );
        if let Some(v) = &i.verified_other {
            eprintln!(
                "sealmail: warning: {} already has a verified key {v}; this new key stays undecided, and mail signed by it reads as UNCERTAIN. If they really changed keys, check the new fingerprint with them and run: sealmail key verify {}   (or accept it unchecked: sealmail key accept {})",
                i.emails.join(", "),
                i.fingerprint,
                i.fingerprint
            );
        }
    }
    Ok(())
}

/// Reports what Autocrypt taught (also used by decrypt).
pub fn report_learned(env: &Env, events: &[autocrypt::Event]) -> Result<(), Failure> {
    if env.json {
        return print_json(events);
    }
    for e in events {
        print_learned(e);
    }
    Ok(())
}

pub fn print_learned(e: &autocrypt::Event) {
    match (&e.changed_from, e.previous_acceptance) {
        (Some(old), Some(level)) => eprintln!(
            "sealmail: warning: {} now announces another key {} ({}); your {} key {old} stays in use. Check the new one with them: sealmail key verify {}",
            e.addr, e.fingerprint, e.source, level.as_str(), e.fingerprint
        ),
        (Some(old), None) => eprintln!(
            "sealmail: {} changed key from {old} to {} ({}), stored as undecided",
            e.addr, e.fingerprint, e.source
        ),
        _ if e.new_key => eprintln!(
            "sealmail: learned key {} for {} from Autocrypt ({}), stored as undecided: sealmail key verify {}",
            e.fingerprint, e.addr, e.source, e.fingerprint
        ),
        _ => {}
    }
}

pub(super) fn summary_line(k: &KeyInfo) -> String {
    let mut flags = Vec::new();
    if k.secret {
        flags.push(match k.secret_location {
            Some(l) if l != sealmail::keys::SecretLocation::Sealmail => {
                format!("yours, secret in {}", l.as_str())
            }
            _ => "yours".to_string(),
        });
    } else {
        flags.push(k.acceptance.as_str().to_string());
    }
    for w in &k.warnings {
        if !w.starts_with("revoked") && !w.starts_with("expired") {
            flags.push(w.clone());
        }
    }
    if k.revoked {
        flags.push("REVOKED".into());
    }
    if let Some(p) = &k.problem {
        if !k.revoked {
            flags.push(format!("cannot encrypt: {p}"));
        }
    }
    if let Some(e) = &k.expires {
        flags.push(format!("expires {}", &e[..10.min(e.len())]));
    }
    format!(
        "{}  {}{}\n",
        k.fingerprint,
        clean_line(&k.emails.join(", ")),
        if flags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", flags.join("; "))
        }
    )
}
