//! Passphrases of plain words written without quotes: "Passphrase: correct horse battery
//! staple", "the passphrase for the key is orbit candle mosaic tundra." A password rule reads
//! one token after its word; a diceware passphrase is three to ten words, none of them the
//! words a sentence about passphrases is made of ("use at least four random words").

use std::sync::OnceLock;

use regex::Regex;

use super::words::{PREDICATES, STOPWORDS, STOP_VERBS};

fn passphrase_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?:pass[ -]?phrase|passwortsatz|kennwortsatz|phrase de passe|frase de contraseña)(?:\s+(?:for|of|to|für|zum|de|del|pour)\s+[^:"]{1,40}?)?\s*(?:(?:\bis\b|\bist\b|\best\b|\bes\b|\blautet\b)\s*:?|:|=)\s*["'“„]?(\p{Ll}+(?:[ -]\p{Ll}+)+)["'”“]?\s*[.!]?\s*$"#)
            .expect("built-in pattern")
    })
}

/// Words that say what a passphrase should be like rather than being one.
const ADVICE: &[&str] = &[
    "use",
    "least",
    "words",
    "word",
    "random",
    "four",
    "five",
    "six",
    "three",
    "seven",
    "eight",
    "several",
    "any",
    "some",
    "like",
    "such",
    "than",
    "contain",
    "contains",
    "include",
    "includes",
    "characters",
    "letters",
    "memorable",
    "remember",
    "choose",
    "pick",
    "made",
    "make",
    "long",
    "longer",
    "phrase",
    "sentence",
    "spaces",
    "space",
    "separated",
    "unique",
    "stored",
    "saved",
    "asked",
    "prompted",
    "entered",
    "typed",
    "needed",
    "required",
    "set",
    "unset",
    "empty",
    "your",
    "our",
    "their",
    "own",
    "key",
    "keys",
    "file",
    "wallet",
    "vault",
];

/// Where the passphrase starts on `line` and the passphrase, if the line gives one.
pub(super) fn find(line: &str) -> Option<(usize, String)> {
    let c = passphrase_re().captures(line)?;
    let m = c.get(1)?;
    let lower = m.as_str().to_lowercase();
    let words: Vec<&str> = lower.split([' ', '-']).collect();
    // Three to ten words of three to twelve letters (checked here rather than in the
    // pattern: counted repeats of a Unicode class are slow to compile).
    if !(3..=10).contains(&words.len())
        || words.iter().any(|w| !(3..=12).contains(&w.chars().count()))
    {
        return None;
    }
    let ordinary = |w: &str| {
        STOPWORDS.contains(&w)
            || STOP_VERBS.contains(&w)
            || PREDICATES.contains(&w)
            || ADVICE.contains(&w)
    };
    // (Among four words or more, one adjective may be a chosen word: "correct horse battery
    // staple".)
    let plain: Vec<&&str> = words.iter().filter(|w| ordinary(w)).collect();
    let chosen_adjective =
        |w: &str| ["correct", "good", "simple", "easy", "hard", "secret"].contains(&w);
    if words.len() < 3
        || plain.len() > 1
        || plain
            .first()
            .is_some_and(|w| words.len() < 4 || !chosen_adjective(w))
    {
        return None;
    }
    Some((m.start(), m.as_str().to_string()))
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn word_passphrases_and_advice_about_them() {
        for (t, v) in [
            (
                "Passphrase: lantern orchid velvet quarry",
                "lantern orchid velvet quarry",
            ),
            (
                "Passphrase: correct horse battery staple",
                "correct horse battery staple",
            ),
            (
                "the passphrase for the backup key is tundra-mosaic-candle-orbit.",
                "tundra-mosaic-candle-orbit",
            ),
            (
                "Die Passphrase lautet: kiesel moorhuhn tanzt leise",
                "kiesel moorhuhn tanzt leise",
            ),
        ] {
            assert_eq!(find(t).map(|(_, v)| v), Some(v.to_string()), "{t}");
        }
        for t in [
            "Passphrase: use at least four random words",
            "The passphrase is stored in the vault.",
            "the passphrase is wrong again today",
            "Passphrase: see the wiki",
            "Your passphrase should be four or more words",
            "passphrase: lantern",
            "Passphrase: Use At Least Four Words",
            "the passphrase is correct but the key expired",
        ] {
            assert_eq!(find(t), None, "{t}");
        }
    }
}
