//! Logins to a named server whose password is a weak word: "Server URL: http://203.0.113.7/app
//! / Login user name: testuser / Login password: test". Elsewhere `test`, `demo` or `admin`
//! after a password label stand in for a password (a README's sketch, a form's example), so
//! every other rule lets them pass; with a user line beside them and a real server in the same
//! text they are the way into that server, and a weak one is easier to use than a strong one.

use std::sync::OnceLock;

use regex::Regex;

use super::context::public_host;

/// The words people really set on shared test and demo accounts. (Not the words that mean
/// "your password here": `password`, `secret`, `changeme`.)
const WEAK: &[&str] = &[
    "test",
    "testing",
    "test123",
    "test1234",
    "testtest",
    "tester",
    "demo",
    "demo123",
    "demodemo",
    "guest",
    "admin",
    "admin123",
    "administrator",
    "password1",
    "passw0rd",
    "pass123",
    "123456",
    "12345678",
    "1234",
    "12345",
    "qwerty",
    "root",
    "toor",
    "user",
    "letmein",
    "welcome",
];

fn password_line() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?im)^[ \t>*•-]*(?:login |admin |user )?(?:password|passwort|kennwort|pass|pwd|mot de passe|contraseña|senha|wachtwoord|密码)[ \t]*[:：][ \t]*[`'"]?([\w.@-]+)[`'"]?[ \t]*$"#)
            .expect("built-in pattern")
    })
}

fn user_line() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?im)^[ \t>*•-]*(?:login |admin )?(?:user(?:[ \t]?name)?|login|benutzer(?:name)?|utilisateur|identifiant|usuario|utente|gebruiker(?:snaam)?|account|e-?mail|用户名|账号)[ \t]*[:：][ \t]*\S"#)
            .expect("built-in pattern")
    })
}

fn server() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)https?://([^\s/:?#'<>]+)|(?:^|[\s(@])((?:\d{1,3}\.){3}\d{1,3})(?-u:\b)",
        )
        .expect("built-in pattern")
    })
}

/// Whether `text` names a server people reach: a public name or an address that is not the
/// machine itself.
fn names_a_server(text: &str) -> bool {
    server()
        .captures_iter(text)
        .any(|c| match (c.get(1), c.get(2)) {
            (Some(name), _)
                if name
                    .as_str()
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                real_address(name.as_str())
            }
            (Some(name), _) => public_host(name.as_str()),
            (None, Some(ip)) => real_address(ip.as_str()),
            _ => false,
        })
}

/// Whether `v` is one of the weak words shared test and demo accounts use.
pub(super) fn weak_word(v: &str) -> bool {
    WEAK.contains(&v.to_lowercase().as_str())
}

/// A quick look for a link or a dotted address before any pattern runs: most texts have
/// neither.
fn server_sign(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memmem::find(b, b"://").is_some()
        || memchr::memchr_iter(b'.', b).any(|i| {
            i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        })
}

fn real_address(ip: &str) -> bool {
    let parts: Vec<u32> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
    parts.len() == 4
        && parts.iter().all(|&p| p <= 255)
        && ![0, 127, 255].contains(&parts[0])
        // The documentation ranges (RFC 5737) are examples.
        && !matches!(parts[..3], [192, 0, 2] | [198, 51, 100] | [203, 0, 113])
}

/// The weak passwords given as a login to a named server: (the label, the value).
pub(super) fn weak_logins(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !server_sign(text) || !password_line().is_match(text) {
        return out;
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut server: Option<bool> = None;
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = password_line().captures(line) else {
            continue;
        };
        let value = &c[1];
        if !weak_word(value) {
            continue;
        }
        let near = &lines[i.saturating_sub(3)..(i + 4).min(lines.len())];
        if !near.iter().any(|l| user_line().is_match(l)) {
            continue;
        }
        if !*server.get_or_insert_with(|| names_a_server(text)) {
            return out;
        }
        let label = line[..c.get(1).map_or(0, |m| m.start())].trim().to_string();
        out.push((label, value.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        weak_logins(text).into_iter().map(|(_, v)| v).collect()
    }

    #[test]
    fn weak_passwords_to_a_named_server() {
        let found = [
            "Test instance: http://83.169.40.12/fossology/\nLogin user name: tester\nLogin password: test\n",
            "staging is at https://staging.acme-shop.com\n\nuser: admin\npassword: admin123",
            "Host 10.20.1.5\n- Username: deploy\n- Password: `demo`",
        ];
        for text in found {
            assert_eq!(values(text).len(), 1, "{text}");
        }
    }

    #[test]
    fn weak_words_without_a_server_or_a_user_stay_samples() {
        for clean in [
            // No server: a README's local install.
            "After `docker compose up` log in with\nUsername: admin\nPassword: admin",
            "Open http://localhost:8080\nUsername: admin\nPassword: admin",
            "Open http://127.0.0.1:3000/login\nuser: test\npassword: test",
            // Example hosts and the documentation's addresses.
            "Go to https://demo.example.com\nuser: demo\npassword: demo",
            "Server: 192.0.2.10\nUser: admin\nPassword: admin",
            // No user line: a password policy or a form's field names.
            "See https://docs.acme-shop.com/policy\nPassword: test\nis rejected as too weak.",
            // A script's variables, and the words for "your password here".
            "SERVER=10.4.0.2\nUSER=dude\nPASS='password'",
            "https://staging.acme-shop.com\nuser: admin\npassword: password",
            // A strong or masked value is other rules' business.
            "https://staging.acme-shop.com\nuser: admin\npassword: ********",
        ] {
            assert!(values(clean).is_empty(), "{clean}");
        }
    }
}
