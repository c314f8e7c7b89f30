//! A password word that ends its line and the value alone on the next: "Password:" /
//! "Xk29!fq0", "Passwort" / "Sommer2024!", and a program's announcement ("Here is the
//! password for the next level:") with the generated value below it, the lines of a pasted
//! session keeping their common prefix (`remote: `). And a note's two lines laid out alike
//! without signs, the user's over the password's ("ID cgerman" / "Pword clg03mar").

use std::sync::OnceLock;

use regex::Regex;

use super::around::next_lines;
use super::labels::{
    bare_field_name, content, example_before, label_ends_line, label_only, label_re,
    label_then_colon, wifi_key_only,
};
use super::phrasing::{find, last_chars, Found};
use super::values::{plausible, read_value, strong};
use super::words::{ABOUT, LABELS};

/// The value on the line after `line` (the `i`th of `lines`) when `line` ends with a password
/// word or its label.
pub(super) fn value_below(lines: &[&str], i: usize, line: &str) -> Option<String> {
    if !(label_only(line)
        || label_ends_line(line)
        || wifi_key_only(line)
        || label_then_colon(line)
        || announcement(line))
    {
        return None;
    }
    // Not when the line above is another field's bare name: then both are a table's header
    // row laid out one cell per line ("Benutzername" / "Passwort" / "admin" / "password"),
    // and the first value below is the first column's.
    let header_row = lines[..i]
        .iter()
        .rev()
        .map(|l| content(l))
        .find(|l| !l.is_empty())
        .is_some_and(bare_field_name);
    if header_row {
        return None;
    }
    let next = *next_lines(&lines[i + 1..], 1).first()?;
    let next = without_shared_prefix(line, next);
    let (v, quoted, continues) = read_value(next)?;
    // One value on the line; text recognition may split it ("B4ckup! Nightly").
    let words = next.split_whitespace().count();
    let single = quoted || words == 1 || (words <= 3 && next.len() <= 40 && strong(&v));
    // An account's name below a password word is a list or a table laid out one cell per line
    // ("Passwort" / "admin" / "password" / "admin"); a key ending in a colon is the next
    // setting (an empty `password:` in YAML).
    let account =
        ["admin", "administrator", "root", "guest", "user"].contains(&v.to_lowercase().as_str());
    // A link is no value: a CI bot's "PW" over "Link:https://patchwork...".
    if next.contains("://") {
        return None;
    }
    // A shell's prompt after ssh asked for the password; a command to run.
    if shell_prompt(next) || quoted && command_below(&v) {
        return None;
    }
    // A PIN is digits: "pin" over "pout1" is a list of a sensor's labels.
    let pin_word = line
        .trim()
        .trim_end_matches(':')
        .trim()
        .eq_ignore_ascii_case("pin");
    if pin_word && !v.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // After "is" at the end of a line of prose, an ordinary word that says what the password
    // is like, or that the sentence goes on after, is wrapped prose: "the passwords on the BMC
    // is" / "insufficiently" / "obfuscated."
    let prose = !line.trim_end().ends_with(':')
        && super::follows::ordinary_word(&v)
        && (super::follows::predicate_word(&v)
            || next_lines(&lines[i + 1..], 2)
                .get(1)
                .is_some_and(|l| l.starts_with(char::is_lowercase)));
    (single
        && !account
        && !prose
        && !label_only(next)
        && !next.trim_end().ends_with(':')
        && !example_before(line)
        && (plausible(&v, quoted, continues) || announced_hex(line, &v)))
    .then_some(v)
}

/// A sentence wrapped between its password word and its value, joined again: "your password"
/// / "is oberon.", "your password is" / "oberon." (mail wrapped at 72 columns breaks where
/// it may). Only "is", "are" and "will be" may stand at the break, on either side of it,
/// or a colon after a few words of the sentence ("using the login: jdoe, password:" /
/// "harbor. This is our trial").
pub(super) fn wrapped(lines: &[&str], i: usize) -> Option<String> {
    static END: OnceLock<Regex> = OnceLock::new();
    let line = content(lines[i]).trim_end();
    let next = content(lines.get(i + 1)?).trim();
    if next.is_empty() || line.len() < 4 {
        return None;
    }
    let m = END
        .get_or_init(|| {
            super::pattern::regex(&format!(
                r"(?i)(?:{LABELS})(\s+(?:is|are|will\s+be|is\s+now)|\s*:)?$"
            ))
            .expect("built-in pattern")
        })
        .captures(line)?;
    let start = m.get(0)?.start();
    let end = m.get(1).map_or(line.len(), |v| v.start());
    // ("pass" and "pin" are also a mountain's and a connector's.)
    let word = line[start..end].to_lowercase();
    if !super::labels::whole_label(line, start, end)
        || ["pass", "pin", "pincode"].contains(&word.as_str())
        || word.starts_with("pin ")
    {
        return None;
    }
    // A colon at the break belongs to a sentence only after a few words of it ("using the
    // login: jdoe, password:"); alone on its line it is `value_below`'s label.
    if m.get(1).is_some_and(|c| c.as_str().ends_with(':'))
        && (line[..start].split_whitespace().count() < 3 || next.split_whitespace().count() < 2)
    {
        return None;
    }
    let verb_next = ["is ", "are ", "will be "]
        .iter()
        .any(|w| next.starts_with(w));
    (m.get(1).is_some() != verb_next).then(|| format!("{line} {next}"))
}

/// The values of the sentences `wrapped` joins, on the lines the quick look touched, each
/// labelled with its first line's end.
pub(super) fn wrapped_found(lines: &[&str], touched: &[bool]) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for i in (0..lines.len().saturating_sub(1)).filter(|&i| touched[i]) {
        if let Some(joined) = wrapped(lines, i) {
            let label = last_chars(content(lines[i]).trim());
            for f in find(&joined) {
                if !out.iter().any(|g| g.value == f.value) {
                    out.push(Found {
                        label: label.clone(),
                        ..f
                    });
                }
            }
        }
    }
    out
}

/// "Here is the password for the next level:", "here's your new password:": a line that
/// hands over the value below it.
fn announcement(line: &str) -> bool {
    let l = line.trim_end();
    if !l.ends_with(':') {
        return false;
    }
    let lower = l.to_lowercase();
    // (The password word after the phrase: "Here's one to get you going:" below a line on
    // passphrases is a suggestion.)
    const HERE: &[&str] = &["here is ", "here's ", "here are ", "voici ", "hier ist "];
    HERE.iter()
        .filter_map(|w| lower.find(w).map(|at| at + w.len()))
        .any(|at| l.is_char_boundary(at) && label_re().is_match(&l[at..]))
}

/// `next` without the prefix it shares with `line`: a pasted session's `remote: ` or `[info] `
/// before each line.
fn without_shared_prefix<'a>(line: &str, next: &'a str) -> &'a str {
    let first = line.split_whitespace().next().unwrap_or("");
    let tagged = (first.ends_with(':') || first.starts_with('[') && first.ends_with(']'))
        && (2..=12).contains(&first.len());
    match next.trim_start().strip_prefix(first) {
        Some(rest) if tagged && rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => next,
    }
}

/// A generated value in hex below a program's announcement of a password ("Here is the
/// password for the next level:", "Your new password is:"): hex reads like a digest, but a
/// line that gives a password and names no hash gives this one.
fn announced_hex(line: &str, v: &str) -> bool {
    let l = line.to_lowercase();
    (16..=64).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_hexdigit())
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && l.trim_end().ends_with(':')
        && [
            "here is the password",
            "password is",
            "new password",
            "generated password",
        ]
        .iter()
        .any(|w| l.contains(w))
        && !["hash", "digest", "md5", "sha", "ntlm", "crypt", "salt"]
            .iter()
            .any(|w| l.contains(w))
}

/// The value after a password word and a space alone, when the line above gives the user the
/// same way: "ID cgerman" / "Pword clg03mar", "user jdoe" / "pass Xy7qpL2". Each line is its
/// word and one token; the value has a digit or is strong.
pub(super) fn under_user_line(lines: &[&str], i: usize, line: &str) -> Option<String> {
    static USER: OnceLock<Regex> = OnceLock::new();
    static PASS: OnceLock<Regex> = OnceLock::new();
    let pass = PASS.get_or_init(|| {
        super::pattern::regex(r"(?i)^(?:password|passwd|pword|pwd|pw|pass)\s+(\S+)$")
            .expect("built-in pattern")
    });
    let user = USER.get_or_init(|| {
        super::pattern::regex(
            r"(?i)^(?:user(?:\s?name|\s?id)?|id|login|logon|account)\s+[A-Za-z0-9._@\\-]{2,64}$",
        )
        .expect("built-in pattern")
    });
    // (A line that starts with the word and holds two words, or no such layout: most
    // password lines are longer.)
    let l = line.trim_start_matches(['>', ' ', '\t']);
    if !l.starts_with(['p', 'P']) || l.len() > 80 || l.split_whitespace().count() != 2 {
        return None;
    }
    let v = pass.captures(content(line).trim())?.get(1)?.as_str();
    let above = lines[..i]
        .iter()
        .rev()
        .map(|l| content(l).trim())
        .find(|l| !l.is_empty())?;
    // (Columns aligned with runs of spaces or tabs on both lines will do for a plain word:
    // "USER ID          joestep" / "PASSWORD            seminoles".)
    let aligned = |l: &str| l.contains("  ") || l.contains('\t');
    let (v, quoted, continues) = read_value(v)?;
    (user.is_match(above)
        && (v.chars().any(|c| c.is_ascii_digit())
            || strong(&v)
            || aligned(above) && aligned(content(line).trim()))
        && plausible(&v, quoted, continues))
    .then_some(v)
}

/// A line that announces a password and ends with a colon, the value alone on the next line,
/// as programs print it: "Please use the following password to proceed to installation:"
/// (Jenkins), "Password for the elastic user (reset with ...):" (Elasticsearch). The words
/// between the password word and the colon are few and not about passwords in general, and
/// the value must look generated: strong, long hex, or letters with digits. A log's prefix
/// ("jenkins  | ") on the announcing line is taken off the lines after it too.
pub(super) fn announced_value(lines: &[&str], i: usize) -> Option<String> {
    let raw = lines[i].trim_end();
    let prefix = compose_prefix(raw);
    let line = content(&raw[prefix.len()..]);
    // People announce it too: "You can find the following password that worked in ...".
    let following = line.ends_with(['.', '…'])
        && line.contains("ollowing")
        && label_re().find_iter(line).any(|m| {
            line[..m.start()]
                .trim_end()
                .to_lowercase()
                .ends_with("following")
        });
    if !(line.ends_with([':', '：']) || following && line.ends_with(['.', '…']))
        || line.len() > 240
        || example_before(line)
    {
        return None;
    }
    // (A password word of its own: "for passing PTS test cases:" holds none.)
    let m = label_re()
        .find_iter(line)
        .filter(|m| super::labels::whole_label(line, m.start(), m.end()))
        .last()?;
    let between = line[m.end()..].trim_end_matches([':', '：']);
    let lc = between.to_lowercase();
    let first = lc
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    if between.split_whitespace().count() > 8 && !following
        || ABOUT.contains(&first)
        || line
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| {
                ["hash", "md5", "digest", "length", "policy"]
                    .iter()
                    .any(|p| w.starts_with(p))
                    // ("sha1", "sha256": not "shared".)
                    || w.strip_prefix("sha").is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()))
            })
    {
        return None;
    }
    let next = lines[i + 1..]
        .iter()
        .take(4)
        .map(|l| {
            let l = l.trim_end();
            content(if !prefix.is_empty() {
                l.strip_prefix(prefix).unwrap_or(l)
            } else {
                l
            })
        })
        .find(|l| !l.is_empty())?;
    // (One word, and no shell's prompt after ssh asked: "root@bmc7:~#".)
    if next.split_whitespace().count() != 1 || shell_prompt(next) {
        return None;
    }
    let (v, quoted, _) = read_value(next)?;
    let hex = v.len() >= 16 && v.chars().all(|c| c.is_ascii_hexdigit());
    let mixed = v.chars().count() >= 8
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(char::is_alphabetic);
    let sequence = v.to_lowercase().starts_with("a1b2c3") || v.starts_with("123456");
    (!sequence && ((strong(&v) || mixed) && plausible(&v, quoted, false) || hex)).then_some(v)
}

/// A log's container prefix: "jenkins  | ", "web_1  | ".
fn compose_prefix(line: &str) -> &str {
    let Some(bar) = line.find('|') else {
        return "";
    };
    let name = &line[..bar];
    let word = name.trim_end();
    if word.len() < name.len()
        && !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        &line[..bar + 1]
    } else {
        ""
    }
}

/// Whether `line` is a shell's prompt, as ssh or su leaves it under its password question:
/// "root@bmc:~#", "[jdoe@host ~]$", a NAS's "LC-NAS:/Data/admin#".
fn shell_prompt(line: &str) -> bool {
    let line = line.trim_end();
    let host_and_path = line.split_once(":/").is_some_and(|(host, path)| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && path[..path.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    });
    (line.contains('@') || line.contains(":~") || host_and_path)
        && line.ends_with(['#', '$', '>', ']'])
}

/// Whether a value in quotes below a password word is a command to run, not the password:
/// "The commands to reset the webadmin password are:" / "`sudo cp -p /var/x.xml /var/x.bak`".
/// (A passphrase of words names no file and asks for no root.)
fn command_below(v: &str) -> bool {
    let words: Vec<&str> = v.split_whitespace().collect();
    words.len() >= 3
        && (words[0] == "sudo"
            || words[1..]
                .iter()
                .any(|w| w.starts_with(['/', '~']) && w.len() > 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn below(t: &str) -> Option<String> {
        let lines: Vec<&str> = t.lines().collect();
        value_below(&lines, 0, lines[0])
    }

    #[test]
    fn a_value_below_its_word() {
        assert_eq!(below("Password:\nXk29!fq0").as_deref(), Some("Xk29!fq0"));
        assert_eq!(
            below("remote: Well done! Here is the password for the next level:\nremote: 56a9bf19c63d650ce78e6ec0354ee45e")
                .as_deref(),
            Some("56a9bf19c63d650ce78e6ec0354ee45e")
        );
        // A digest under its name, and one under a plain label, stay out.
        assert_eq!(
            below("The password hash is:\n5f4dcc3b5aa765d61d8327deb882cf99"),
            None
        );
        assert_eq!(below("password:\n5f4dcc3b5aa765d61d8327deb882cf99"), None);
        assert_eq!(
            below("A good passphrase is fun. Here's one to get you going:\nAnalysingPokemon4Fun"),
            None
        );
        assert_eq!(below("  password:\n\nproduction:\n  adapter: mysql2"), None);
        // su's prompt under its question; commands that reset a password.
        assert_eq!(below("Password:\nLC-NAS:/Data/admin#"), None);
        assert_eq!(
            below("The commands to reset the webadmin password are:\n`sudo cp -p /var/app/conf.xml /var/app/conf.xml.bak`"),
            None
        );
        assert_eq!(
            below("The new password is:\n`Kq7 harbor 9wz`").as_deref(),
            Some("Kq7 harbor 9wz")
        );
    }
}
