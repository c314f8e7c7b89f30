//! How a word next to a password word reads in its sentence: a short label that is something
//! else ("boarding pass", "pin it"), a PIN's label, an ordinary word or one that says what the
//! password is like ("is required"), the end of a sentence, a name from code. `follows` asks
//! these before it takes a word for the value.

use super::super::values::aside;
use super::super::words::PREDICATES;

/// The labels' short forms need a little care: "pass" is also "boarding pass", "pin" also
/// "pin it".
pub(in super::super) fn excluded_label(label: &str, before: &str) -> bool {
    let l = label.to_lowercase();
    let prev = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    (l == "pass"
        && [
            "boarding",
            "bus",
            "season",
            "day",
            "train",
            "ski",
            "press",
            "backstage",
            "hall",
            "mountain",
            "free",
            "by",
            "guest",
            "visitor",
            "access",
            "event",
            "museum",
            "park",
            "travel",
            "weekly",
            "monthly",
            "annual",
            "festival",
            "gate",
            "first",
            "second",
            "to",
            "will",
            "i'll",
            "would",
            "can",
            "please",
            "and",
            "not",
            "a",
        ]
        .contains(&prev.as_str()))
        || (l == "pin" && ["a", "to", "the", "and", "map", "drop"].contains(&prev.as_str()))
        // A name in code about a password, not holding one: `invalidPassword: "Échec de la
        // connexion"`, `forgot_password`, `confirmPassword`, `showPassword`.
        || (before.ends_with(|c: char| c.is_alphanumeric() || c == '_')
            && [
                "invalid", "wrong", "incorrect", "bad", "missing", "empty", "forgot", "forgotten",
                "reset", "confirm", "repeat", "retype", "show", "hide", "toggle", "weak",
                "strong", "min", "max", "expired", "required", "require", "validate", "check",
                "verify", "error", "label", "placeholder", "hint", "mismatch", "change",
            ]
            .contains(&prev.as_str()))
}

/// Whether the password word just before `at` is a PIN or passcode (digits are its values).
pub(super) fn label_is_pin(before: &str) -> bool {
    let w = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    ["pin", "passcode", "pincode", "code"]
        .iter()
        .any(|p| w.eq_ignore_ascii_case(p))
}

/// An ordinary word in lower case ("onjuist", "requis", "case-sensitive"): after "is" and its
/// kin it tells what the password is like, not what it is.
pub(in super::super) fn ordinary_word(v: &str) -> bool {
    let mut chars = v.trim_end_matches(['!', '?']).chars();
    chars.next().is_some_and(char::is_alphabetic)
        && chars.all(|c| c.is_lowercase() || c == '-' || c == '\'')
}

/// Whether an ordinary word after "is" and its kin says what the password is like: a listed
/// adjective, or the endings of adjectives and participles in the six languages ("obligatoire",
/// "requerida", "verschlüsselt", "changed"). A word that ends the sentence and is neither is
/// the password itself: "das Passwort lautet cisco", "the password is raspberry".
pub(in super::super) fn predicate_word(v: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ed", "ing", "able", "ible", "ful", "less", "ive", "ous", "al", "ent", "ant", "ary", "ory",
        "ic", "ig", "lich", "isch", "bar", "los", "sam", "haft", "iert", "é", "ée", "és", "ées",
        "if", "aire", "ide", "eux", "euse", "ado", "ada", "ido", "ida", "oria", "orio", "ato",
        "ata", "ito", "ita", "uto", "uta", "osa", "oso", "cto", "cta", "lijk", "ória", "ório",
        "tion", "ment", "ness", "ity", "ung", "heit", "keit", "ível", "ável", "eta", "eto",
        // Adverbs: "is insufficiently obfuscated", "is currently".
        "ently", "antly", "ously", "ally", "ively", "fully", "ably", "ibly", "ingly", "edly",
    ];
    let v = v.trim_end_matches(['.', '!', '?']);
    PREDICATES.contains(&v)
        || ENDINGS.iter().any(|e| v.ends_with(e))
        // German and Dutch participles: "gesetzt", "gesperrt", "gewijzigd", "veranderd".
        || (["ge", "ver", "be", "ent", "zer"].iter().any(|p| v.starts_with(p)) || v.contains("ge"))
            && v.ends_with(['t', 'd'])
}

/// Whether the value read at `line[v_at..]` ends its sentence: nothing after it on the line,
/// or a full stop or "!" right after it. ("heute - im Jahr 2018" goes on; "follows:" is a
/// label.)
pub(super) fn ends_sentence(line: &str, v_at: usize) -> bool {
    let t = line[v_at..].trim_start();
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    let rest = t[end..].trim();
    // A new sentence whose full stop was forgotten: "my password is grader This other ...".
    let opener = rest.split_whitespace().next().is_some_and(|w| {
        [
            "This", "The", "Please", "It", "I", "We", "You", "Then", "Thanks", "Das", "Bitte",
            "Danke", "Il", "Le", "Merci", "El", "Gracias", "Het", "Dank",
        ]
        .contains(&w)
    });
    // (Or the user's half of the login, or how long it holds: "is sunshine and the user is
    // bob", "to marigold for now".)
    !t[..end].ends_with(':')
        && (rest.is_empty() || t[..end].ends_with(['.', '!']) || opener || aside(rest))
}

/// A name in code that holds a password rather than being one: `adminSenha`, `userPassword`,
/// `dbPass` (a password word inside a camel-case name).
pub(super) fn names_a_variable(v: &str) -> bool {
    v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && v.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && [
            "Password", "Passwort", "Passwd", "Pass", "Pwd", "Senha", "Kennwort", "Secret",
        ]
        .iter()
        .any(|w| v.contains(w))
}
