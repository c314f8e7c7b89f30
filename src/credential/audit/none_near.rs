//! Whether a line says no password stands near its password word: a line about passwords in
//! general, one that says there is none, judges one, gives an example, makes the password an
//! action's object, or quotes a server refusing a login. The last look for a strong value
//! nearby (`around::strong_near`) asks this first.

use super::labels::example_before;
use super::words::{ABOUT, ACTIONS};

/// Whether a line whose password word stands at `line[at..end]` says no password is near it:
/// it is about passwords in general ("password policy"), says there is none ("sample key (no
/// passphrase)"), judges one ("Is "Summer2026!" a good password?"), gives an example, or makes
/// the password an action's object ("to reset the admin password", "forgot my password").
pub(super) fn no_value_near(line: &str, at: usize, end: usize) -> bool {
    // (A line about passwords in general has none to look for: "password policy".)
    let about = line[end..]
        .split(|c: char| c.is_whitespace() || ":=|".contains(c))
        .find(|w| !w.is_empty())
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .is_some_and(|w| ABOUT.contains(&w.as_str()));
    // Nor a line where the password is the object of an action ("to reset the admin
    // password", "forgot my password").
    // Nor one that says there is none ("sample key (no passphrase)").
    let none = line[..at]
        .split_whitespace()
        .next_back()
        .map(|w| w.trim_start_matches('(').to_lowercase())
        .is_some_and(|w| {
            [
                "no", "without", "kein", "keine", "ohne", "sans", "sin", "senza", "geen", "zonder",
            ]
            .contains(&w.as_str())
        });
    // Nor one that judges a password ("Is "Summer2026!" a good password?").
    let judged = line[..at]
        .split_whitespace()
        .next_back()
        .map(|w| w.to_lowercase())
        .is_some_and(|w| {
            [
                "good",
                "strong",
                "weak",
                "bad",
                "secure",
                "safe",
                "great",
                "decent",
                "solid",
                "terrible",
                "gutes",
                "sicheres",
                "schwaches",
                "bon",
                "fort",
                "buena",
                "segura",
                "buona",
                "goed",
                "sterk",
            ]
            .contains(&w.as_str())
        });
    // Nor a server's refusal quoted from a log ("535 5.7.0 (#MBR1212) Incorrect username or
    // password", "Invalid email or password"): the codes around it are the log's.
    let refused = {
        let words: Vec<String> = line[..at]
            .split_whitespace()
            .rev()
            .take(3)
            .map(str::to_lowercase)
            .collect();
        words.len() == 3
            && ["or", "and", "/", "oder", "ou", "o", "of"].contains(&words[0].as_str())
            && [
                "username",
                "user",
                "login",
                "email",
                "e-mail",
                "account",
                "benutzername",
                "utilisateur",
                "usuario",
            ]
            .contains(&words[1].as_str())
            && [
                "incorrect",
                "invalid",
                "wrong",
                "bad",
                "unknown",
                "falscher",
                "ungültiger",
                "incorrecte",
                "invalide",
                "incorrecto",
                "inválido",
            ]
            .contains(&words[2].as_str())
    };
    let acted_on = none
        || judged
        || refused
        || example_before(&line[..at])
        || line[..at]
            .split_whitespace()
            .rev()
            .take(3)
            .any(|w| ACTIONS.iter().any(|a| w.to_lowercase().starts_with(a)));
    about || acted_on
}
