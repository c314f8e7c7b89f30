//! Passwords given without a password word on their line, as people answer in mail: the
//! line after a password was asked for or announced ("you asked for the VPN password." /
//! "It's Kx9!mP2q (capital K)"), and a line about logging in that holds the value ("Use
//! Summer2025 to log in", "Log in with Kx9!mP2q", "Zugang: Kx9!mP2q"). Without the word, only
//! a value that looks made to be a password counts: random-looking (letters in both cases
//! and a digit) or a season's or greeting's word with digits, the way people choose
//! them; product names with a number ("Office365") and reference numbers stay clean.

use std::sync::OnceLock;

use regex::Regex;

use super::around::strong_token;
use super::lower::Lower;
use super::ruleset::Signs;
use super::words::{LABELS, PREFIXES};

/// A password word as a word (not "pin" in "shopping").
fn mention_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(
            r"(?i)(?-u:\b){PREFIXES}(?:{LABELS}|credentials?|zugangsdaten|log-?in|login\s+details)(?-u:\b)"
        ))
        .expect("built-in pattern")
    })
}

/// Words of logging in that a value may follow or precede on the same line, as words ("log
/// on", not "dialog on").
fn log_in_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:log\s*-?(?:in|on)(?-u:\b)|sign\s*-?in(?-u:\b)|anmelden|einloggen|se\s+connecter|connectez-vous|iniciar\s+sesi[oó]n|access\s+code|zugang(?:scode)?\s*:|code\s+d'acc[eè]s)")
            .expect("built-in pattern")
    })
}

/// What an answer's value may follow with a colon: "sure: X", "here it is: X".
const ANSWERS: &[&str] = &[
    "sure",
    "here",
    "here it is",
    "here you go",
    "yes",
    "ok",
    "it's",
    "it is",
    "voilà",
    "hier",
    "klar",
    "bitte",
    "done",
    "new one",
    "the new one",
];

/// The log-in words the quick look for password words does not take.
static LOG_IN_SIGNS: Signs = Signs::new(&[
    "sign in",
    "Sign in",
    "SIGN IN",
    "access code",
    "Access code",
    "einloggen",
    "Einloggen",
    "se connecter",
    "code d'accès",
]);

/// Whether `text` may hold a log-in line's value without any password word.
pub(super) fn log_in_sign(text: &str) -> bool {
    LOG_IN_SIGNS.any(text)
}

/// Words of a mention that is about passwords in general, not one being given.
const GENERAL: &[&str] = &[
    "policy",
    "reset",
    "expire",
    "must",
    "should",
    "forgot",
    "manager",
    "requirements",
    "characters",
    "richtlinie",
    "vergessen",
    "oublié",
    // Examples and judgements: "an example of a strong password would be:".
    "example",
    "beispiel",
    "exemple",
    "ejemplo",
    "esempio",
    "voorbeeld",
    "e.g.",
    "such as",
    "strong",
    "weak",
    "good",
    "bad",
    "secure",
    "sicher",
    "valid",
    "required",
];

/// The words people build passwords on, with digits after them ("Summer2025", "Welcome1!").
const STEMS: &[&str] = &[
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "welcome",
    "hello",
    "sommer",
    "herbst",
    "fruehling",
    "frühling",
    "willkommen",
    "hallo",
    "bienvenue",
    "bonjour",
    "verano",
    "invierno",
    "estate",
    "inverno",
    "zomer",
    "welkom",
    "monday",
    "friday",
    "january",
];

/// Whether `t` looks made to be a password: strong and random-looking, or a stem with digits.
fn made_value(t: &str) -> bool {
    // (A `$` inside a value is a sign like any other here; `$VAR`, `${X}` and `$(cmd)` are
    // no values.)
    let dollar_inside =
        t.find('$').is_some_and(|i| i > 0) && !t.contains("${") && !t.contains("$(");
    let probe = if dollar_inside {
        std::borrow::Cow::Owned(t.replace('$', "!"))
    } else {
        std::borrow::Cow::Borrowed(t)
    };
    if !strong_token(&probe) {
        return false;
    }
    let core = t.trim_end_matches(['!', '?', '.', '#', '*']);
    let letters: String = core.chars().take_while(|c| c.is_alphabetic()).collect();
    let rest = &core[letters.len()..];
    // A word and a number: a product or a name ("Office365", "Windows11"), unless the word is
    // one people build passwords on.
    if !letters.is_empty() && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
        return STEMS.contains(&letters.to_lowercase().as_str()) && t.len() >= 8;
    }
    // A reference in capitals ("INC0012345", "AB-12345") has no lower-case letter; a GUID is
    // hex and dashes.
    let lower = t.chars().any(|c| c.is_lowercase());
    let upper = t.chars().any(|c| c.is_uppercase());
    let guid = t.len() == 36 && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    // (Eight to 24 characters, as people type them: no blob, commit range or version.)
    // (Both cases: a hash or a commit with a sign, "^1da177e4c3f41", has one.)
    lower
        && upper
        && !guid
        && (8..=24).contains(&t.chars().count())
        && !t.contains("..")
        && !t.contains('_')
        && t.matches('.').count() <= 1
}

/// The one made value among the first `words` words of `line`, if exactly one stands there.
fn sole_value(line: &str, words: usize) -> Option<String> {
    let mut found = line
        .split_whitespace()
        .take(words)
        .map(|w| w.trim_matches(|c: char| "\"'`()[]{},.;:“”‘’«»*".contains(c)))
        .filter(|t| made_value(t));
    let v = found.next()?;
    found.next().is_none().then(|| v.to_string())
}

/// The first 40 characters of `line`, as the finding's label.
fn label(line: &str) -> String {
    line.trim().chars().take(40).collect()
}

/// A line without its quote marks and indent.
fn unquoted(l: &str) -> &str {
    l.trim_start_matches(['>', ' ', '\t'])
}

/// The labels and values given on lines without a password word in `lines` (one text's).
pub(super) fn answered_values(lines: &[&str]) -> Vec<(String, String)> {
    // Whether the nearest line above that names a password (two at most) names one being
    // given, not passwords in general ("an example of a valid password would be:").
    let after_mention = |i: usize| {
        (i.saturating_sub(2)..i)
            .rev()
            .map(|j| unquoted(lines[j]))
            .find(|l| mention_re().is_match(l))
            .is_some_and(|l| {
                let lc = Lower::new(l);
                !GENERAL.iter().any(|w| lc.has(w))
            })
    };
    let mut out = Vec::new();
    // Only a line with a word of both cases and a digit can hold a value: most lines have
    // none and are not read further.
    let candidate = |w: &str| {
        let b = w.as_bytes();
        b.iter().any(u8::is_ascii_digit)
            && b.iter().any(u8::is_ascii_uppercase)
            && b.iter().any(u8::is_ascii_lowercase)
    };
    for (i, raw) in lines.iter().enumerate() {
        if !raw.bytes().any(|b| b.is_ascii_digit()) || !raw.split_whitespace().any(candidate) {
            continue;
        }
        let line = unquoted(raw);
        if mention_re().is_match(line) {
            continue;
        }
        let log_in = log_in_re().is_match(line);
        // The answer: within two lines after the mention, short, the value alone; no table's
        // row and no other field's line ("User: jdoe1985A", "| db1 | admin | X |": the rules
        // for tables and blocks read those).
        let field = line.split_once(':').is_some_and(|(k, _)| {
            let k = k.trim().to_lowercase();
            !k.is_empty()
                && k.split_whitespace().count() <= 3
                && !ANSWERS.contains(&k.trim_end_matches(['!', ',']))
        });
        let answer = || {
            line.split_whitespace().count() <= 8
                && !line.contains(['|', '\t'])
                && !field
                && after_mention(i)
        };
        if !(log_in || answer()) {
            continue;
        }
        // (An answer's value comes first or after a word or two: "It's X", "sure: X".)
        if let Some(v) = sole_value(line, if log_in { usize::MAX } else { 3 }) {
            out.push((label(line), v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.lines().collect();
        answered_values(&lines)
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn values_given_without_the_word() {
        for (text, want) in [
            (
                "Hi Tom,\nyou asked for the new VPN password.\nIt's Kx9!mP2q (capital K).\nCheers",
                "Kx9!mP2q",
            ),
            (
                "Here is the password for the NAS:\n\nRv8#tq2Lzm",
                "Rv8#tq2Lzm",
            ),
            ("Use Summer2025 to log in to the portal", "Summer2025"),
            ("Log in with Kx9!mP2q", "Kx9!mP2q"),
            ("To log in use jdoe and Kx9!mP2q", "Kx9!mP2q"),
            ("Sign in using the code Kx9!mP2q", "Kx9!mP2q"),
            ("your access code: Kx9!mP2q", "Kx9!mP2q"),
            ("Zugang: Kx9!mP2q", "Kx9!mP2q"),
            ("Ihr Zugang: Hq3$mv8Tr (bitte ändern)", "Hq3$mv8Tr"),
            ("> What's the wifi password?\nWelcome2024!", "Welcome2024!"),
            (
                "Can you send me the login for the NAS?\n\n> sure: Kx9!mP2q",
                "Kx9!mP2q",
            ),
        ] {
            assert_eq!(values(text), [want], "{text}");
        }
    }

    #[test]
    fn near_misses_stay_clean() {
        for text in [
            "Sign in with Office365",
            "Log in to Windows11 with your usual account",
            "I reset your password.\nTicket INC0012345",
            "Our password policy changed.\nSee Policy2024v2 on the intranet",
            "Please log in at 10:30 for the call",
            "The password is in the vault.\nRegards,\nJohn Smith\nTel +49 89 1234567",
            "Login issues since the update to 4.2.1",
            "Forgot your password?\nCall 0800-123456",
            "Log in with your SSO account, tenant 3f2a9b1c-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
            "I sent the password by SMS.\nThe meeting is in room B2.14",
            "Sign in with GitHub or Google",
            "the login page shows HTTP 500 since v2.3",
            "You asked about passwords.\nHere's the wiki page: PasswordTips",
            "After your first login you must change the temporary password.\nAn example of a \
             valid password would be:\nIthink2Much",
        ] {
            assert!(values(text).is_empty(), "{text}: {:?}", values(text));
        }
    }
}
