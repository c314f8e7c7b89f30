//! Passwords from the OS random source: characters with rejection sampling (no modulo bias)
//! and every class present, or diceware passphrases from the EFF long word list (7,776 words).

const LOWER: &str = "abcdefghijkmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &str = "23456789";
const SYMBOLS: &str = "!#%+-.:=?@_~";

/// The shortest character password sealmail makes.
pub const MIN_LENGTH: usize = 16;
/// The fewest words of a passphrase sealmail makes.
pub const MIN_WORDS: usize = 5;

/// Errors of the generator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordError {
    /// Too short for the policy.
    #[error("{0} is below the minimum of {1}")]
    TooShort(String, usize),
    /// The policy leaves too few characters.
    #[error("the allowed characters are too few ({0}): at least 20 of two classes are needed")]
    TooNarrow(usize),
    /// The OS random source failed.
    #[error("the OS random source failed")]
    Random(#[source] getrandom::Error),
}

/// A uniform random number below `n`, by rejection sampling over bytes.
fn below(n: usize) -> Result<usize, PasswordError> {
    assert!(n > 0 && n <= 65536);
    let limit = 65536 - (65536 % n);
    loop {
        let mut b = [0u8; 2];
        getrandom::fill(&mut b).map_err(PasswordError::Random)?;
        let x = u16::from_le_bytes(b) as usize;
        if x < limit {
            return Ok(x % n);
        }
    }
}

/// Which characters a password may hold, for systems that reject some.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The symbols to draw from (empty: letters and digits only).
    pub symbols: String,
    /// Characters never to use, from any class.
    pub exclude: String,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            symbols: SYMBOLS.to_string(),
            exclude: String::new(),
        }
    }
}

impl Policy {
    /// The default policy, or letters and digits only.
    pub fn with_symbols(symbols: bool) -> Policy {
        Policy {
            symbols: if symbols {
                SYMBOLS.into()
            } else {
                String::new()
            },
            exclude: String::new(),
        }
    }

    /// The classes in force: lower, upper, digits, symbols, each without the excluded
    /// characters; an emptied class is dropped.
    fn classes(&self) -> Vec<Vec<char>> {
        let mut symbols: Vec<char> = self
            .symbols
            .chars()
            .filter(|c| c.is_ascii_graphic() && !c.is_ascii_alphanumeric())
            .collect();
        symbols.sort_unstable();
        symbols.dedup();
        let sym: String = symbols.into_iter().collect();
        [LOWER, UPPER, DIGITS, sym.as_str()]
            .iter()
            .map(|set| {
                set.chars()
                    .filter(|c| !self.exclude.contains(*c))
                    .collect::<Vec<_>>()
            })
            .filter(|c| !c.is_empty())
            .collect()
    }

    /// Every character the policy allows.
    pub fn alphabet(&self) -> Vec<char> {
        self.classes().concat()
    }
}

/// A password of `length` characters with lower, upper, digits (and symbols), each present.
/// Look-alike characters (0/O, 1/l/I) are left out so it can be read aloud.
pub fn generate(length: usize, symbols: bool) -> Result<zeroize::Zeroizing<String>, PasswordError> {
    generate_with(length, &Policy::with_symbols(symbols))
}

/// A password of `length` characters under `policy`: every class it leaves is present.
pub fn generate_with(
    length: usize,
    policy: &Policy,
) -> Result<zeroize::Zeroizing<String>, PasswordError> {
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort(
            format!("a length of {length}"),
            MIN_LENGTH,
        ));
    }
    let classes = policy.classes();
    let a = policy.alphabet();
    if classes.len() < 2 || a.len() < 20 {
        return Err(PasswordError::TooNarrow(a.len()));
    }
    loop {
        let mut p = zeroize::Zeroizing::new(String::with_capacity(length));
        for _ in 0..length {
            p.push(a[below(a.len())?]);
        }
        // Drawing again until every class is present keeps the draw uniform over the
        // passwords that have them all.
        if classes
            .iter()
            .all(|set| p.chars().any(|c| set.contains(&c)))
        {
            return Ok(p);
        }
    }
}

/// Bits of entropy of a character password (about: the class rule removes a sliver).
pub fn char_entropy(length: usize, symbols: bool) -> f64 {
    entropy_with(length, &Policy::with_symbols(symbols))
}

/// Bits of entropy of a character password under `policy`.
pub fn entropy_with(length: usize, policy: &Policy) -> f64 {
    length as f64 * (policy.alphabet().len().max(1) as f64).log2()
}

/// A passphrase of `words` words of the EFF long list, joined by `-`.
pub fn passphrase(words: usize) -> Result<zeroize::Zeroizing<String>, PasswordError> {
    if words < MIN_WORDS {
        return Err(PasswordError::TooShort(format!("{words} words"), MIN_WORDS));
    }
    passphrase_any(words)
}

/// The words of the EFF long list (from `diceware_wordlists`).
fn eff_long() -> &'static [&'static str] {
    diceware_wordlists::Wordlist::EffLong.get_list()
}

/// A passphrase of `n` words without the minimum (the vault's 6 words go through the policy of
/// its own caller).
pub(crate) fn passphrase_any(n: usize) -> Result<zeroize::Zeroizing<String>, PasswordError> {
    let list = eff_long();
    let mut p = zeroize::Zeroizing::new(String::new());
    for i in 0..n {
        if i > 0 {
            p.push('-');
        }
        p.push_str(list[below(list.len())?]);
    }
    Ok(p)
}

/// The words of a passphrase made here, for reading it aloud: split at the dashes, except
/// inside the EFF list's own hyphenated words ("t-shirt", "yo-yo", "drop-down").
pub fn words_of(passphrase: &str) -> Vec<String> {
    let list = eff_long();
    let parts: Vec<&str> = passphrase.split('-').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        if i + 1 < parts.len() {
            let joined = format!("{}-{}", parts[i], parts[i + 1]);
            if list.contains(&joined.as_str()) && !list.contains(&parts[i]) {
                out.push(joined);
                i += 2;
                continue;
            }
        }
        out.push(parts[i].to_string());
        i += 1;
    }
    out
}

/// Bits of entropy of a passphrase of `words` words.
pub fn word_entropy(words: usize) -> f64 {
    words as f64 * (eff_long().len() as f64).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_length_and_no_bias() {
        for _ in 0..50 {
            let p = generate(20, true).unwrap();
            assert_eq!(p.chars().count(), 20);
            assert!(p.chars().any(|c| SYMBOLS.contains(c)));
        }
        assert!(generate(15, true).is_err());
        // Rough uniformity: every character of the alphabet shows up over many draws.
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.extend(generate(16, false).unwrap().chars());
        }
        assert_eq!(seen.len(), Policy::with_symbols(false).alphabet().len());
        let list = eff_long();
        assert_eq!(list.len(), 7776);
        assert_eq!(
            list.iter().collect::<std::collections::HashSet<_>>().len(),
            7776
        );
        assert!(list.iter().all(|w| !w.is_empty() && w.trim() == *w));
        assert!((word_entropy(6) - 77.5).abs() < 0.1);
    }
}
