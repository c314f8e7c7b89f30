//! A four-letter word given as a login's password: "ID: jdoe; Pwd: rapp", "Your login name is
//! dana@kempfield.net" over "Your password is: kemp". Alone, "Password: none" and its kin make
//! four letters too weak a sign (the phrase rules want five); beside an account given on the
//! same line or the one above, and ending its line or clause, it is how offices handed out
//! logins. The words documentation writes where a value goes (`pass`, `test`, `user`) stay
//! stand-ins.

use std::sync::OnceLock;

use regex::Regex;

use super::values::placeholder;
use super::words::{PLACEHOLDERS, PREDICATES, STOPWORDS};

/// A password's label, its sign and a word of four letters: "Pwd: rapp", "password is: kemp".
fn short_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)(?:pass\s?words?|passwd|pwd|pw|pword|pswr?d)(?:\s*[:=]|\s*(?-u:\b)is(?-u:\b):?|\s+-)\s*["']?([A-Za-z]{4})["']?"#)
            .expect("built-in pattern")
    })
}

/// An account after its label: "ID: jdoe", "login name is dana@kempfield.net", "User = kemp2".
fn account_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)(?:user\s?-?(?:name|id)?|log(?:in|on)(?:\s+(?:name|id))?|member\s+id|account|id)\s*(?:[:=]|(?-u:\b)is(?-u:\b):?)\s*["']?([A-Za-z0-9][A-Za-z0-9._@-]{2,})"#)
            .expect("built-in pattern")
    })
}

/// The four-letter words documentation and forms write where a value goes, and systems'
/// published defaults (Kali's `kali`, Ubiquiti's `ubnt`, `toor`).
const STAND_INS: &[&str] = &[
    "pass", "test", "demo", "user", "root", "none", "null", "same", "temp", "abcd", "qwer", "word",
    "text", "name", "blah", "asdf", "mine", "your", "that", "this", "here", "auto", "open", "free",
    "nope", "todo", "toor", "ubnt", "kali",
];

/// Whether `v`, an account's name, is a real one and not a word of the sentence ("ID: your P
/// number", "login is required").
fn an_account(v: &str) -> bool {
    let l = v.trim_end_matches(['.', ',', ';']).to_lowercase();
    l.chars().count() >= 3
        && !STOPWORDS.contains(&l.as_str())
        && !PREDICATES.contains(&l.as_str())
        && !STAND_INS.contains(&l.as_str())
        && !placeholder(&l)
}

/// The four-letter passwords given beside their account: (label, value).
pub(super) fn logins(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in short_re().captures_iter(text) {
        let whole = c.get(0).expect("match");
        let m = c.get(1).expect("value");
        let v = m.as_str();
        let lv = v.to_lowercase();
        let line_start = text[..whole.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[whole.end()..]
            .find('\n')
            .map_or(text.len(), |i| whole.end() + i);
        // It ends its line or its clause: "Pwd: rapp", "Pwd: pass).", not "none required".
        let rest = text[whole.end()..line_end].trim_start();
        let ends = rest.is_empty()
            || rest.starts_with([')', ';', ','])
            || rest.starts_with('.') && !rest[1..].starts_with(|c: char| c.is_alphanumeric());
        if !ends
            || STAND_INS.contains(&lv.as_str())
            || STOPWORDS.contains(&lv.as_str())
            || PREDICATES.contains(&lv.as_str())
            || PLACEHOLDERS.contains(&lv.as_str())
            || placeholder(v)
        {
            continue;
        }
        let before = &text[line_start..m.start()];
        let above = text[..line_start]
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        // A line that is the label and the value alone ("password - fast") hands the value
        // over as much as one beside its account.
        let alone = rest.is_empty()
            && before.trim_start_matches(['>', ' ', '\t']).len() == m.start() - whole.start()
            && !c[0].to_lowercase().contains(" is");
        let paired = alone
            || account_re()
                .captures_iter(before)
                .chain(account_re().captures_iter(above))
                .any(|a| an_account(&a[1]));
        if paired {
            let label = text[whole.start()..m.start()].trim();
            out.push((label.to_string(), v.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_beside_their_account() {
        // Our own names, in the shapes offices wrote them.
        for (t, v) in [
            (
                "You have a new research ID.  ID: 094KQ0E  ( a zero before 9) PW: kemp",
                "kemp",
            ),
            (
                "The admin ID and password (to approve test deals are - ID: dwhit; Pwd: lark).",
                "lark",
            ),
            (
                "Your login name is dana.kemp@kempfield.net\nYour password is: rook",
                "rook",
            ),
            ("login: okafor\npassword: fenn", "fenn"),
            ("User ID:  rwhit3\nPW:        tarn", "tarn"),
            // A line of the label and the value alone.
            ("Password: kemp", "kemp"),
            ("Thanks\n  password - fenn\n", "fenn"),
            ("ID - 001076B\nPassword - tarn", "tarn"),
        ] {
            let found = logins(t);
            assert_eq!(found.len(), 1, "{t}: {found:?}");
            assert_eq!(found[0].1, v, "{t}");
        }
        // Without an account, with a stand-in, or inside a sentence: none.
        for t in [
            "Your password is rook",
            "Password is: rook",
            "Password: none",
            "> Password: same",
            "password - blank",
            "Password: kemp, as before",
            "new password - rook on Monday",
            "username: admin, password: pass",
            "User: root\nPassword: test",
            "Username: kali\nPassword: kali",
            "Login: your P number\nPassword: none",
            "User ID: dwhit\nPassword: none required until Monday",
            "ID: dwhit\nThe password is also needed for the portal.",
            "Username: jdoe\nPassword: same as above",
            "user id and password: your own",
        ] {
            assert!(logins(t).is_empty(), "{t}: {:?}", logins(t));
        }
    }
}
