//! The password rules on prose in the languages the audit reads: a password changed "to" a
//! value in French, Spanish, Italian and Dutch, a misspelt German label, and the ordinary
//! phrases that use the same words (our own values).

use super::*;

fn values(t: &str) -> Vec<String> {
    find(t).into_iter().map(|f| f.value).collect()
}

#[test]
fn changed_to_a_value_in_several_languages() {
    for (t, v) in [
        ("j'ai changé le mot de passe en Kq8!mWz2", "Kq8!mWz2"),
        ("cambié la contraseña a Kq8mWz2", "Kq8mWz2"),
        ("ho cambiato la password in Kq8mWz2", "Kq8mWz2"),
        ("ik heb het wachtwoord ingesteld op Kq8mWz2", "Kq8mWz2"),
        ("Paswort: Kq8mWz2", "Kq8mWz2"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "J'ai changé le mot de passe en ligne.",
        "I changed the password in the settings.",
        "Ho cambiato la password in fretta.",
        "Ik heb het wachtwoord ingesteld op de website.",
        "Email is off: set SMTP_PASS in backend/.env",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}
