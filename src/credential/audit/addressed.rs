//! A login handed to the reader in the second person, whatever its password looks like:
//! "Your login name is m.okafor@example.org" over "Your password is: pass", "Your User ID
//! number is ENR01 and your password is password." Documentation writes `pass`, `test` and
//! `password` where a value goes, so the other rules turn those words down; said to "you"
//! beside "your" own account (an address, a name with a digit), they are the password an
//! office or a service gave out. A stand-in account ("your username is admin") keeps the
//! sentence a sample.

use std::sync::OnceLock;

use regex::Regex;

use super::words::{PLACEHOLDERS, PREDICATES, STOPWORDS};

/// "your password is: X", "Your Pwd is X": the value, a word of letters.
fn yours_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)your\s+(?:pass\s?word|passwd|pwd|pw)\s+(?:is|will\s+be)\s*:?\s*["']?([A-Za-z]{4,12})["']?"#)
            .expect("built-in pattern")
    })
}

/// "Your login name is X", "your User ID number is X", "your username will be X".
fn account_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)your\s+(?:log[io]n|logon|user)(?:\s?(?:name|id))?(?:\s+(?:number|no\.?))?\s+(?:is|will\s+be)\s*:?\s*["']?([A-Za-z0-9][A-Za-z0-9._@-]{2,63})"#)
            .expect("built-in pattern")
    })
}

/// Whether `v` names a person's or an office's account: an address or a dotted name, letters
/// and digits ("ENR01", "mtaylo1"), or a name ("holden"); not `admin`, `user1` or `test`.
fn own_account(v: &str) -> bool {
    let v = v.trim_end_matches(['.', ',', ';']);
    let l = v.to_lowercase();
    let stand_in = [
        "admin",
        "administrator",
        "root",
        "user",
        "guest",
        "test",
        "demo",
        "example",
    ]
    .iter()
    .any(|s| l.starts_with(s) && l[s.len()..].bytes().all(|b| b.is_ascii_digit()));
    let shaped = v.contains('@') || v.contains('.') || v.bytes().any(|b| b.is_ascii_digit());
    // (A plain word names an account unless the sentence uses it: "your username is your
    // e-mail address", "is the same".)
    let word = v.len() >= 4
        && !STOPWORDS.contains(&l.as_str())
        && !PREDICATES.contains(&l.as_str())
        && !PLACEHOLDERS.contains(&l.as_str());
    // (A template's slot: "firstname.lastname", "your-email@example.com".)
    let slot = [
        "name", "login", "email", "first", "last", "full", "example", "domain",
    ]
    .iter()
    .any(|w| l.contains(w));
    !stand_in && (shaped || word) && !slot
}

/// The passwords said to the reader beside the reader's account: (label, value).
pub(super) fn logins(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // (Most texts hold no password word the pattern could start from: one look first.)
    if !["assword", "ASSWORD", "wd", "WD", "pw", "PW", "Pw"]
        .iter()
        .any(|w| text.contains(w))
    {
        return out;
    }
    for c in yours_re().captures_iter(text) {
        let whole = c.get(0).expect("match");
        let m = c.get(1).expect("value");
        let lv = m.as_str().to_lowercase();
        let line_start = text[..whole.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[m.end()..]
            .find('\n')
            .map_or(text.len(), |i| m.end() + i);
        // The value ends its line or its sentence: "is password.", not "is password protected".
        let rest = text[m.end()..line_end]
            .trim_start_matches(['"', '\''])
            .trim_start();
        let ends = rest.is_empty()
            || rest.starts_with([')', ';', ','])
            || rest.starts_with('.') && !rest[1..].starts_with(|c: char| c.is_alphanumeric());
        if !ends || STOPWORDS.contains(&lv.as_str()) || PREDICATES.contains(&lv.as_str()) {
            continue;
        }
        // The account: on the same line before the value, or on the line above.
        let above_start = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let near = &text[above_start..whole.start()];
        if account_re().captures_iter(near).any(|a| own_account(&a[1])) {
            let label = text[whole.start()..m.start()].trim();
            out.push((label.to_string(), m.as_str().to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stand_in_word_said_to_the_reader_beside_the_account() {
        // Our own names, in the shapes offices and services wrote them.
        for (t, v) in [
            (
                "Your login name is m.okafor@kempfield.net\nYour password is: pass\n",
                "pass",
            ),
            (
                "Your User ID number is KMP07 and your password is password.",
                "password",
            ),
            ("your username is rwhit3, your password is test", "test"),
            ("Your user ID is KMP07\nYour PW is: pass", "pass"),
            (
                "Your username will be kmp07 and your password will be harbor.",
                "harbor",
            ),
            // (A plain word the other rules read as a description: "is fried".)
            (
                "Your username is okafor and your password is fried",
                "fried",
            ),
        ] {
            let found = logins(t);
            assert_eq!(found.len(), 1, "{t}: {found:?}");
            assert_eq!(found[0].1, v, "{t}");
        }
        // A sample account, no account, or a sentence that goes on: none.
        for t in [
            "Your username is admin and your password is password.",
            "Your username is user1 and your password is test.",
            "Your password is password protected.",
            "Your password is: pass",
            "Your login name is your e-mail address.\nYour password is: pass",
            "Your login is jdoe@example.com and your password is secret.",
            "Your user id is KMP07. Your password is the same as before.",
            "Your username is your email and your password is secret.",
            "Your username is firstname.lastname and your password is password.",
        ] {
            assert!(logins(t).is_empty(), "{t}: {:?}", logins(t));
        }
    }
}
