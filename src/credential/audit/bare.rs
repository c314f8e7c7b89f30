//! A login pasted as bare lines from someone's notes: a host, an account name alone on its
//! line and a strong value alone on the next ("10.20.0.14" / "administrator" /
//! "Wq7!kd92LmZx"). No password word marks it, so the account's shape and a host or words
//! about access near it must.

use std::sync::OnceLock;

use regex::Regex;

use super::values::strong;

/// A login given as bare lines, as people paste a block from their notes: a host, an account
/// name alone on its line, and a strong value alone on the next ("10.20.0.14 / administrator /
/// Wq7!kd92LmZx" on three lines, or a server, `Administrator`, the value and a domain). The
/// account must be an administrator's name, `DOMAIN\user` or an address; a host must stand
/// within two lines of it (not enough for an address), or a line above must speak of access.
pub(super) fn bare_block(text: &str) -> Vec<(String, String)> {
    static ACCOUNT: OnceLock<Regex> = OnceLock::new();
    static HOST: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    let account = ACCOUNT.get_or_init(|| {
        super::pattern::regex(
            r"(?i)^(?:administrator|admin|root|sa|[\w.-]+\\[\w.$-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$",
        )
        .expect("built-in pattern")
    });
    let host = HOST.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:^|[\s/@])(?:(?:\d{1,3}\.){3}\d{1,3}|[a-z0-9-]+(?:\.[a-z0-9-]+)+|[a-z0-9]+-[a-z0-9-]*\d[a-z0-9-]*(?:\([a-z0-9]+\))?)(?::\d+)?$")
            .expect("built-in pattern")
    });
    // (Most mail has no line that could be an account followed by a lone value: one cheap look
    // before any pattern runs.)
    // (Blank lines do not count: an HTML body turned to text puts one between its blocks.)
    let filled = || text.lines().map(str::trim).filter(|l| !l.is_empty());
    let lone = |l: &str| !l.contains(char::is_whitespace);
    let mut pairs = filled().zip(filled().skip(1));
    if !pairs.any(|(u, v)| {
        lone(u)
            && lone(v)
            && (8..=64).contains(&v.len())
            && (u.contains(['@', '\\'])
                || ["administrator", "admin", "root", "sa"]
                    .iter()
                    .any(|w| u.eq_ignore_ascii_case(w)))
    }) {
        return out;
    }
    let lines: Vec<&str> = filled().collect();
    for k in 0..lines.len().saturating_sub(1) {
        let (user, value) = (lines[k], lines[k + 1]);
        // (A handle after an address is a signature's: "@JaneDoe42".)
        if !account.is_match(user) || value.contains(char::is_whitespace) || value.starts_with('@')
        {
            continue;
        }
        if !(8..=64).contains(&value.chars().count()) || !strong(value) {
            continue;
        }
        let near = |a: usize, b: usize| {
            lines[a..b.min(lines.len())]
                .iter()
                .any(|l| host.is_match(l) && !account.is_match(l))
        };
        let about_access = lines[k.saturating_sub(4)..k].iter().any(|l| {
            let l = l.to_lowercase();
            [
                "access",
                "login",
                "log in",
                "credential",
                "password",
                "zugang",
                "passwort",
                "rdp",
                "ssh",
            ]
            .iter()
            .any(|w| l.contains(w))
        });
        // An address with a host near it is also a signature's ("jane@corp.example" above
        // "www.corp.example"): it needs words about access above it.
        let address = user.contains('@');
        if about_access || (!address && (near(k.saturating_sub(2), k) || near(k + 2, k + 3))) {
            out.push((user.to_string(), value.to_string()));
        }
    }
    out
}
