//! Secrets read aloud: the first of the three safe ways is a phone call, and a password said
//! badly is a password typed wrong. Letters go in the NATO spelling alphabet with their case
//! ("capital Bravo", "lower kilo"), digits as words, symbols by name; in groups of four, so
//! the listener can say back each group before the next.

use serde::Serialize;

const NATO: [&str; 26] = [
    "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett",
    "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango",
    "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
];

const DIGITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// The name of every printable ASCII symbol, as said on the phone.
const SYMBOLS: &[(char, &str)] = &[
    (' ', "space"),
    ('!', "exclamation mark"),
    ('"', "double quote"),
    ('#', "hash"),
    ('$', "dollar sign"),
    ('%', "percent sign"),
    ('&', "ampersand"),
    ('\'', "apostrophe"),
    ('(', "open parenthesis"),
    (')', "close parenthesis"),
    ('*', "asterisk"),
    ('+', "plus sign"),
    (',', "comma"),
    ('-', "dash"),
    ('.', "dot"),
    ('/', "slash"),
    (':', "colon"),
    (';', "semicolon"),
    ('<', "less-than sign"),
    ('=', "equals sign"),
    ('>', "greater-than sign"),
    ('?', "question mark"),
    ('@', "at sign"),
    ('[', "open square bracket"),
    ('\\', "backslash"),
    (']', "close square bracket"),
    ('^', "caret"),
    ('_', "underscore"),
    ('`', "backtick"),
    ('{', "open curly brace"),
    ('|', "vertical bar"),
    ('}', "close curly brace"),
    ('~', "tilde"),
];

/// How many characters a group has.
pub const GROUP: usize = 4;

/// One group of characters and how to say each.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Group {
    /// Its number, from 1.
    pub group: usize,
    /// The characters.
    pub chars: String,
    /// How to say each character.
    pub spoken: Vec<String>,
}

/// How to say one character.
pub fn say_char(c: char) -> String {
    if c.is_ascii_uppercase() {
        format!("capital {}", NATO[(c as u8 - b'A') as usize])
    } else if c.is_ascii_lowercase() {
        format!("lower {}", NATO[(c as u8 - b'a') as usize].to_lowercase())
    } else if let Some(d) = c.to_digit(10) {
        DIGITS[d as usize].to_string()
    } else if let Some((_, name)) = SYMBOLS.iter().find(|(s, _)| *s == c) {
        name.to_string()
    } else {
        // Beyond ASCII: the code point settles what a name could leave open.
        format!("character U+{:04X} ({c})", c as u32)
    }
}

/// `value` in groups of four, each character spoken.
pub fn groups(value: &str) -> Vec<Group> {
    let chars: Vec<char> = value.chars().collect();
    chars
        .chunks(GROUP)
        .enumerate()
        .map(|(i, g)| Group {
            group: i + 1,
            chars: g.iter().collect(),
            spoken: g.iter().map(|&c| say_char(c)).collect(),
        })
        .collect()
}

/// The read-out as lines: `  1  Wq7!  capital Whiskey, lower quebec, seven, exclamation mark`.
pub fn lines(value: &str) -> Vec<String> {
    groups(value)
        .iter()
        .map(|g| format!("{:>3}  {:<4}  {}", g.group, g.chars, g.spoken.join(", ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_printable_ascii_character_has_a_distinct_name() {
        let names: Vec<String> = (' '..='~').map(say_char).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(say_char('B'), "capital Bravo");
        assert_eq!(say_char('k'), "lower kilo");
        assert_eq!(say_char('!'), "exclamation mark");
        let g = groups("Wq7!kd9");
        assert_eq!(g.len(), 2);
        assert_eq!(g[1].chars, "kd9");
    }
}
