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

fn alphabet(symbols: bool) -> Vec<char> {
    let mut a: String = format!("{LOWER}{UPPER}{DIGITS}");
    if symbols {
        a.push_str(SYMBOLS);
    }
    a.chars().collect()
}

/// A password of `length` characters with lower, upper, digits (and symbols), each present.
/// Look-alike characters (0/O, 1/l/I) are left out so it can be read aloud.
pub fn generate(length: usize, symbols: bool) -> Result<zeroize::Zeroizing<String>, PasswordError> {
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort(
            format!("a length of {length}"),
            MIN_LENGTH,
        ));
    }
    let a = alphabet(symbols);
    loop {
        let mut p = zeroize::Zeroizing::new(String::with_capacity(length));
        for _ in 0..length {
            p.push(a[below(a.len())?]);
        }
        // Drawing again until every class is present keeps the draw uniform over the
        // passwords that have them all.
        let has = |set: &str| p.chars().any(|c| set.contains(c));
        if has(LOWER) && has(UPPER) && has(DIGITS) && (!symbols || has(SYMBOLS)) {
            return Ok(p);
        }
    }
}

/// Bits of entropy of a character password (about: the class rule removes a sliver).
pub fn char_entropy(length: usize, symbols: bool) -> f64 {
    length as f64 * (alphabet(symbols).len() as f64).log2()
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
        assert_eq!(seen.len(), alphabet(false).len());
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
