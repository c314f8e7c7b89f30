//! A line in lower case with a quick answer to "does it hold this word?".
//!
//! The line rules ask each line that mentions a password or a login for some fifty words
//! ("mysql", "identified", " case", "psk", ...), and most lines hold none of them. A full
//! substring search per word was a twentieth of an audit's time. The line's pairs of
//! adjacent bytes go into a small bit table once; a word with a pair the line lacks is
//! absent without a search, and only the rest are searched. The answer is always the
//! search's: the table only skips searches that cannot succeed.

use std::ops::Deref;

/// A line in (ASCII) lower case, with its table of byte pairs.
pub(super) struct Lower {
    text: String,
    pairs: [u64; 16],
}

fn slot(a: u8, b: u8) -> (usize, u64) {
    let h = (usize::from(a).wrapping_mul(31) ^ usize::from(b)) & 1023;
    (h >> 6, 1u64 << (h & 63))
}

impl Lower {
    /// `line` in lower case (ASCII letters only, as `to_ascii_lowercase` does).
    pub(super) fn new(line: &str) -> Self {
        let text = line.to_ascii_lowercase();
        let mut pairs = [0u64; 16];
        for p in text.as_bytes().windows(2) {
            let (i, bit) = slot(p[0], p[1]);
            pairs[i] |= bit;
        }
        Lower { text, pairs }
    }

    /// Whether the line holds `word` (given in lower case).
    pub(super) fn has(&self, word: &str) -> bool {
        word.as_bytes().windows(2).all(|p| {
            let (i, bit) = slot(p[0], p[1]);
            self.pairs[i] & bit != 0
        }) && self.text.contains(word)
    }
}

impl Deref for Lower {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::Lower;

    #[test]
    fn answers_as_a_search_does() {
        let line = "Use MySQL -u root -pS3cret, or Log In AS admin; Passphrase: x";
        let lc = Lower::new(line);
        let lower = line.to_ascii_lowercase();
        for w in [
            "mysql",
            "identified",
            " as ",
            "p:",
            "-p",
            "phrase",
            "satz",
            "x",
            "",
            " case",
            "root",
            "admin;",
            "log in",
            "login",
            "s3cret,",
            "é",
        ] {
            assert_eq!(lc.has(w), lower.contains(w), "{w:?}");
        }
        assert_eq!(&*lc, lower);
    }
}
