//! The lifecycle commands of `sealmail key`: the expiry of a new key, `key revoke`, `key
//! expire`, `key passwd`, and the confirmation before a secret key is removed.

use std::time::{Duration, SystemTime};

use sealmail::keys::{Keyring, RevocationReason};
use sealmail::openpgp::Fingerprint;

use super::output::{print_json, write_stdout};
use super::{Env, Failure};

/// Parses `--expires`: `never`, a date `YYYY-MM-DD`, or a period `3y`, `6m`, `30d`; `None`
/// means never.
pub fn parse_expiry(s: &str, now: SystemTime) -> Result<Option<SystemTime>, Failure> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    let bad = || {
        Failure::new(format!("{s:?} is not an expiry"))
            .hint("give never, a date (2029-12-31) or a period (3y, 6m, 30d)")
            .usage()
    };
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = d.and_hms_opt(23, 59, 59).ok_or_else(bad)?.and_utc();
        return Ok(Some(SystemTime::from(t)));
    }
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: u64 = n.parse().map_err(|_| bad())?;
    let days = match unit {
        "y" => n * 365,
        "m" => n * 30,
        "d" => n,
        _ => return Err(bad()),
    };
    if days == 0 {
        return Err(bad());
    }
    Ok(Some(now + Duration::from_secs(days * 24 * 3600)))
}

/// The validity period of a new key from `--expires` (default three years).
pub fn validity(expires: Option<&str>, now: SystemTime) -> Result<Option<Duration>, Failure> {
    match expires {
        None => Ok(Some(sealmail::keys::DEFAULT_VALIDITY)),
        Some(e) => Ok(match parse_expiry(e, now)? {
            None => None,
            Some(t) => Some(
                t.duration_since(now)
                    .map_err(|_| {
                        Failure::new("the expiry is in the past")
                            .hint("give a date in the future")
                            .usage()
                    })?
                    // The key is made a minute in the past (clock skew).
                    .saturating_add(Duration::from_secs(60)),
            ),
        }),
    }
}

/// The one own key `query` names (a fingerprint or an address).
fn own_key(ring: &Keyring, query: &str) -> Result<Fingerprint, Failure> {
    let certs = ring.find(query)?;
    let own: Vec<_> = certs
        .iter()
        .filter(|c| ring.has_secret(&c.fingerprint()))
        .collect();
    match own.as_slice() {
        [one] => Ok(one.fingerprint()),
        [] => Err(Failure::new(format!("{query} is not one of your keys"))
            .hint("your keys are those marked \"yours\" in: sealmail key list")),
        _ => Err(
            Failure::new(format!("{query} names {} of your keys", own.len()))
                .hint("give the fingerprint: sealmail key list")
                .usage(),
        ),
    }
}

fn reason(r: &str) -> RevocationReason {
    match r {
        "compromised" => RevocationReason::Compromised,
        "superseded" => RevocationReason::Superseded,
        "retired" => RevocationReason::Retired,
        _ => RevocationReason::Unspecified,
    }
}

/// Shows gpg a key whose secret was just handed to its agent (`gpg --import` of the public
/// certificate), so that `gpg --list-secret-keys` lists it; best effort.
pub fn tell_gpg(cert: &sealmail::openpgp::Cert) {
    use sealmail::openpgp::serialize::SerializeInto;
    let Ok(public) = cert.to_vec() else { return };
    let child = std::process::Command::new("gpg")
        .args(["--batch", "--quiet", "--import"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Ok(mut c) = child {
        if let Some(mut stdin) = c.stdin.take() {
            let _ = std::io::Write::write_all(&mut stdin, &public);
        }
        let _ = c.wait();
    }
}

/// `key revoke`.
pub fn revoke(env: &Env, query: &str, why: &str, message: Option<&str>) -> Result<(), Failure> {
    let ring = env.keyring()?;
    let fpr = own_key(&ring, query)?;
    let cert = ring.revoke(
        &fpr,
        reason(why),
        message.unwrap_or(""),
        &env.ctx,
        &mut env.password_cb(),
    )?;
    let info = ring.info(&cert, &env.ctx);
    if env.json {
        return print_json(&info);
    }
    eprintln!("revoked your key {fpr} ({why})");
    eprintln!(
        "tell your correspondents: publish it (sealmail key publish --wkd DIR, or send them: sealmail key export {fpr})"
    );
    write_stdout(format!("{fpr}\n").as_bytes())
}

/// `key expire`.
pub fn expire(env: &Env, query: &str, when: &str) -> Result<(), Failure> {
    let ring = env.keyring()?;
    let fpr = own_key(&ring, query)?;
    let at = parse_expiry(when, env.ctx.time())?;
    let (cert, signed) = ring.set_expiry(&fpr, at, &env.ctx, &mut env.password_cb())?;
    // Judged as of the new self-signatures (later than this run's clock if the key changed a
    // moment ago).
    let info = ring.info(&cert, &sealmail::Context::at(signed.max(env.ctx.time())));
    if env.json {
        return print_json(&info);
    }
    eprintln!(
        "your key {fpr} now {}",
        match &info.expires {
            Some(t) => format!("expires on {}", &t[..10]),
            None => "never expires".into(),
        }
    );
    eprintln!("publish the change so that others see it: sealmail key publish --wkd DIR (or sealmail key export {fpr})");
    Ok(())
}

/// `key passwd`.
pub fn passwd(env: &Env, query: &str, no_passphrase: bool) -> Result<(), Failure> {
    let ring = env.keyring()?;
    let fpr = own_key(&ring, query)?;
    // The old passphrase first, then the new one (from the same descriptor, in that order).
    let cert = ring
        .secret_cert(&fpr)?
        .ok_or_else(|| Failure::new("the secret key is gone"))?;
    let locked = cert
        .keys()
        .secret()
        .any(|k| !k.key().has_unencrypted_secret());
    let mut old = None;
    if locked {
        let req = sealmail::keys::PasswordRequest::for_cert(&cert);
        old = env.pass.borrow_mut().for_key(&req);
    }
    let new = if no_passphrase {
        None
    } else {
        Some(env.pass.borrow_mut().new_passphrase()?)
    };
    ring.change_passphrase(&fpr, new.as_ref(), &mut |_| old.clone())
        .map_err(|e| match e {
            sealmail::keys::KeyError::Locked { .. } => {
                Failure::new("wrong passphrase: nothing was changed")
                    .hint("run the command again and give the current passphrase first")
            }
            e => e.into(),
        })?;
    eprintln!(
        "{} for your key {fpr}",
        if no_passphrase {
            "removed the passphrase"
        } else {
            "changed the passphrase"
        }
    );
    Ok(())
}

/// Before `key remove` deletes a secret key: a confirmation on the terminal, or `--yes`.
pub fn confirm_remove(ring: &Keyring, hex: &str, yes: bool) -> Result<(), Failure> {
    let Ok(fpr) = hex.parse::<Fingerprint>() else {
        return Ok(());
    };
    if !ring.has_secret(&fpr) || yes {
        return Ok(());
    }
    let backup = format!("sealmail key export --secret {hex} > {hex}-secret.asc");
    eprintln!("{hex} is one of your own keys: removing it deletes its secret key, and mail encrypted to it can no longer be read.");
    eprintln!("a backup first: {backup}");
    match super::tty::ask_yes("Remove it and its secret key? [y/N] ") {
        Some(true) => Ok(()),
        Some(false) => Err(Failure::new("not removed").hint(format!("back it up: {backup}"))),
        None => Err(Failure::new(format!(
            "{hex} has a secret key; removing it needs a confirmation and there is no terminal"
        ))
        .hint(format!(
            "back it up ({backup}), then: sealmail key remove {hex} --yes"
        ))),
    }
}
