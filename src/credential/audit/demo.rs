//! Logins to a hosted demo, which people pass around in replies and readmes: "login to the
//! demo site using admin@example.com / password", "credentials demo/demo doesn't work", "one
//! can login with `admin:admin` at the demo deployment", "username `demo` and password `demo`".
//! Their values are the words documentation uses as stand-ins (`demo`, `password`, `admin`),
//! so the phrasing rules take them for placeholders; on a live demo they open it. Only a
//! paragraph that names a demo and a login is read.

use std::sync::OnceLock;

use regex::Regex;

/// Account names a demo hands out, besides an address or a name repeated as its password.
const ACCOUNTS: &[&str] = &[
    "admin",
    "administrator",
    "demo",
    "user",
    "guest",
    "test",
    "root",
    "manager",
];

/// Words that make a paragraph about logging in.
const LOGIN_WORDS: &[&str] = &[
    "login",
    "log in",
    "log-in",
    "logon",
    "sign in",
    "signin",
    "credential",
    "creds",
    "username",
    "user name",
    "password",
    "account",
];

/// The logins a text gives for a demo: (label, value).
pub(super) fn logins(text: &str) -> Vec<(String, String)> {
    // (One look for the word, in any case, before anything is read: most texts lack it.)
    static DEMO: OnceLock<Regex> = OnceLock::new();
    let demo = DEMO.get_or_init(|| super::pattern::regex("(?i)demo").expect("built-in pattern"));
    if !demo.is_match(text) {
        return Vec::new();
    }
    static PAIRS: OnceLock<[Regex; 3]> = OnceLock::new();
    static NAMED: OnceLock<Regex> = OnceLock::new();
    let pairs = PAIRS.get_or_init(|| {
        [
            // "demo/demo", "admin@example.com / password".
            r#"(?:^|[\s(,'"`*])([A-Za-z0-9][\w.@+-]{1,63})[`'"*]*[ \t]*/[ \t]*[`'"*]*([^\s/`'"*<>]{3,64})"#,
            // "`admin:admin`", "admin:admin" (glued).
            r#"(?:^|[\s(,'"`*])([A-Za-z0-9][\w.@+-]{1,63}):([^\s/:`'"*<>@]{3,64})(?:[`'"*]|\s|$)"#,
            // "`demo` : `demo`" (both quoted).
            r#"[`'"]([A-Za-z0-9][\w.@+-]{1,63})[`'"][ \t]*:[ \t]*[`'"]([^\s`'"]{3,64})[`'"]"#,
        ]
        .map(|p| super::pattern::regex(p).expect("built-in pattern"))
    });
    // "username `demo` and password `demo`".
    let named = NAMED.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)(?:user(?:\s?name)?|login)\s+[`'"]?([\w.@+-]{2,64})[`'"]?\s+(?:and|&|/)\s+(?:the\s+)?(?:password|pass|pw)\s+[`'"]?([^\s`'"]{3,64})"#)
            .expect("built-in pattern")
    });
    let mut out: Vec<(String, String)> = Vec::new();
    let mut previous = "";
    for paragraph_line in text.lines() {
        let line = paragraph_line.trim();
        if line.is_empty() {
            previous = "";
            continue;
        }
        let context = format!("{previous} {line}").to_ascii_lowercase();
        previous = line;
        if !context.contains("demo") || !LOGIN_WORDS.iter().any(|w| context.contains(w)) {
            continue;
        }
        let found = std::iter::once(named)
            .chain(pairs.iter())
            .flat_map(|re| re.captures_iter(line));
        for c in found {
            let (Some(u), Some(v)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let user = u.as_str();
            let value = v.as_str().trim_end_matches(['.', ',', ';', '!', '?', ')']);
            if value.chars().count() < 3 || !login_pair(user, value) {
                continue;
            }
            if !out.iter().any(|(_, w)| w == value) {
                out.push((format!("demo login {user} /"), value.to_string()));
            }
        }
    }
    out
}

/// Whether `user` and `value` read as a demo's account and its password: an address, a name a
/// demo hands out, or a name repeated as its password; a value that is a word or a password,
/// not a path, a host, a port or the other half of "read/write".
fn login_pair(user: &str, value: &str) -> bool {
    let u = user.to_lowercase();
    let v = value.to_lowercase();
    let account = u.contains('@') && u.contains('.') || ACCOUNTS.contains(&u.as_str()) || u == v;
    let word = value.contains(|c: char| c.is_alphabetic()) || value.len() >= 4;
    let not_a_place = !value.contains(['@', ':', '\\'])
        && !value.starts_with(['.', '-'])
        && !value.contains("..")
        && !["http", "https", "www", "localhost"].contains(&v.as_str())
        && !value.chars().all(|c| c.is_ascii_digit())
        || value.len() >= 6;
    // ("demo/test environments", "admin/user roles": two kinds of a thing, not a login.)
    let two_kinds = ACCOUNTS.contains(&v.as_str()) && u != v;
    account && word && not_a_place && !two_kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        logins(t).into_iter().map(|(_, v)| v).collect()
    }

    #[test]
    fn a_hosted_demos_login() {
        for (t, v) in [
            (
                "I'm trying to login to the demo site using admin@example.com / password, but I'm getting wrong credential errors.",
                "password",
            ),
            (
                "Hi, I try to log in into http://demo.facilemanager.com/ but credentials demo/demo doesn't work",
                "demo",
            ),
            (
                "I figured out that one can login with `admin:admin` at the demo deployment.",
                "admin",
            ),
            (
                "I recently guessed them to be username `demo` and password `demo` which happened to work",
                "demo",
            ),
        ] {
            assert_eq!(values(t), vec![v.to_string()], "{t}");
        }
    }

    #[test]
    fn words_about_demos_are_no_login() {
        for t in [
            "We run demo/test environments for every login change.",
            "The demo shows admin/user roles; log in to see them.",
            "login to the demo at http://demo.example.org:8080/",
            "log in with admin / password (a template for your own setup)",
            "In the demo video the user types yes/no at the password prompt.",
            "demo: run `make demo` then log in",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }
}
