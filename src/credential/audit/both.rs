//! One value for a user and its password together: "the correct username and password (both
//! "Cyber-Talent")", "login and password are both Kq8mWz2Lp", "Benutzer und Passwort: beide
//! X". Writeups and quick notes give a login this way when its two halves are the same.

use std::sync::OnceLock;

use regex::Regex;

use super::lower::Lower;
use super::values::{placeholder, plausible, read_value, strong};

fn both_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)(?:user(?:\s*name)?|login|benutzer(?:name)?|utilisateur|usuario|utente)\s*(?:and|&|/|und|et|y|e)\s*(?:password|passwort|pass|pw|mot de passe|contraseña)(?-u:\b)[^.\n]{0,24}?(?-u:\b)(?:both|beide|tous\s+les\s+deux|ambos|entrambi)(?-u:\b)\s*(?:are\s+|sind\s+|:\s*)?"#)
            .expect("built-in pattern")
    })
}

/// The value a line gives a user and its password both: (label, value). Quoted, or strong.
pub(super) fn same_value(line: &str, lc: &Lower) -> Option<(String, String)> {
    if !["both", "beide", "deux", "ambos", "entrambi"]
        .iter()
        .any(|w| lc.has(w))
    {
        return None;
    }
    let m = both_re().find(line)?;
    let (v, quoted, continues) = read_value(&line[m.end()..])?;
    let v = v.trim_end_matches([')', '.', ',', ';']).to_string();
    ((quoted || strong(&v)) && !placeholder(&v) && plausible(&v, quoted, continues))
        .then(|| (line[m.start()..m.end()].trim_end().to_string(), v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(t: &str) -> Option<String> {
        same_value(t, &Lower::new(t)).map(|(_, v)| v)
    }

    #[test]
    fn one_value_for_both_halves() {
        assert_eq!(
            value("If the user gives the correct username and password (both \"Gonzo-Talks\")"),
            Some("Gonzo-Talks".into())
        );
        assert_eq!(
            value("login and password are both Kq8mWz2Lp"),
            Some("Kq8mWz2Lp".into())
        );
        for t in [
            "the username and password are both required",
            "username and password (both case-sensitive)",
            "user and password are both \"<your account>\"",
            "Both the username and the password are wrong",
        ] {
            assert_eq!(value(t), None, "{t}");
        }
    }
}
