//! Compiling the audit's patterns, with the word and digit classes the rules mean.
//!
//! In the regex crate, `\w` is Unicode's word class (some 770 ranges, every script) and `\d`
//! every script's digits; each use compiles into a large automaton, and the audit's patterns
//! use them some two hundred times: compiling them took about 40 % of the patterns' start-up,
//! which every audit pays however small the mailbox. The rules read words in the scripts that
//! mail about passwords is written in (Latin with its accents, Greek, Cyrillic, Hebrew, Arabic,
//! Devanagari, Thai, Chinese, Japanese, Korean) and digits as people type them (`0-9`), so
//! `\w` and `\d` are narrowed to those before compiling. `\b` keeps Unicode's meaning.

use std::borrow::Cow;

use regex::{Regex, RegexSet};

/// What `\w` stands for in the audit's patterns: ASCII letters, digits and `_`, and the
/// letters (with their combining accents) of the scripts above.
const WORD: &str = concat!(
    r"0-9A-Za-z_\x{AA}\x{B5}\x{BA}\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{2FF}\x{300}-\x{36F}",
    r"\x{370}-\x{373}\x{376}\x{377}\x{37B}-\x{37D}\x{386}\x{388}-\x{3FF}\x{400}-\x{52F}",
    r"\x{5D0}-\x{5EA}\x{620}-\x{64A}\x{660}-\x{669}\x{671}-\x{6D3}\x{900}-\x{963}\x{966}-\x{96F}",
    r"\x{E01}-\x{E3A}\x{E40}-\x{E4E}\x{E50}-\x{E59}\x{1E00}-\x{1FBC}\x{1FC2}-\x{1FCC}",
    r"\x{1FD0}-\x{1FDB}\x{1FE0}-\x{1FEC}\x{1FF2}-\x{1FFC}\x{3041}-\x{3096}\x{30A1}-\x{30FA}",
    r"\x{30FC}-\x{30FF}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{AC00}-\x{D7A3}",
);

/// What `\d` stands for: the digits people type.
const DIGIT: &str = "0-9";

/// Compiles one of the audit's patterns.
pub(super) fn regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&narrowed(pattern))
}

/// Compiles a list of the audit's patterns into one set.
pub(super) fn set(patterns: &[&str]) -> Result<RegexSet, regex::Error> {
    RegexSet::new(patterns.iter().map(|p| narrowed(p)))
}

/// `pattern` with `\w` and `\d` replaced by the classes above, inside and outside brackets.
fn narrowed(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains("\\w") && !pattern.contains("\\d") {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 256);
    let mut depth = 0usize;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let class = match next {
                    'w' => Some(WORD),
                    'd' => Some(DIGIT),
                    _ => None,
                };
                match class {
                    Some(class) if depth > 0 => out.push_str(class),
                    Some(class) => {
                        out.push('[');
                        out.push_str(class);
                        out.push(']');
                    }
                    None => {
                        out.push(c);
                        out.push(next);
                    }
                }
            }
            '[' => {
                depth += 1;
                out.push(c);
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrows_inside_and_outside_brackets() {
        assert_eq!(narrowed(r"a\d"), format!("a[{DIGIT}]"));
        assert_eq!(narrowed(r"[\w.-]+"), format!("[{WORD}.-]+"));
        // An escaped backslash before a `w` is a backslash and a letter.
        assert_eq!(narrowed(r"x\\w[\]\d]"), format!(r"x\\w[\]{DIGIT}]"));
        assert_eq!(narrowed(r"(?i)pass"), "(?i)pass");
    }

    #[test]
    fn words_are_the_scripts_mail_is_written_in() {
        let word = regex(r"^\w+$").unwrap();
        for w in [
            "Kennwort_für",
            "contraseña",
            "mật_khẩu",
            "пароль",
            "κωδικός",
            "密码",
            "パスワード",
            "비밀번호",
            "סיסמה",
            "كلمة",
            "पासवर्ड",
            "Überweisung2",
        ] {
            assert!(word.is_match(w), "{w}");
        }
        for w in ["a b", "x×y", "a÷b", "“a”", "a–b", "a…", "«a»", "a·b"] {
            assert!(!word.is_match(w), "{w}");
        }
        assert!(!regex(r"^\d+$").unwrap().is_match("١٢٣"));
    }
}
