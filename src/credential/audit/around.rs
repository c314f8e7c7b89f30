//! What phrasing's rules look at around a password word: a value given "as password", the
//! user's line above "pass:", the next lines past a pasted chat answer's buttons, the end of a
//! name in code that describes a password, the last look for a strong value a few words from
//! a password word, a value tried at a login, a program's announced password, a setting's
//! name and value in two fields, accounts listed under "(username/pw)", and the value a reply
//! gives "in your case" after a setting's name. Kept apart from
//! `phrasing`, which decides when each look is taken.

use std::sync::OnceLock;

use regex::Regex;

use super::labels::{content, copy_button, example_before, label_re};
use super::lower::Lower;
use super::values::{hash_like, plausible, read_value, strong};
use super::words::ABOUT;

/// A name from code or configuration: `ph7_settings`, `db_host2`, `SMB2_set_eof()`.
fn code_name(t: &str) -> bool {
    t.contains('_') && t.chars().all(|c| c.is_alphanumeric() || "_()".contains(c))
}

/// Whether `t`, a word stripped of its punctuation, could be a password standing without
/// its own label: strong, and no version, ticket, algorithm, assignment, link, hash, code
/// name, file name or option.
pub(super) fn strong_token(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let shape = R.get_or_init(|| {
        super::pattern::regex(r"(?i)^(?:v?\d+(?:[.\-_]\w+)+\+?|[A-Z][A-Z0-9]*-\d+|(?:sha|aes|rsa|md|pbkdf|hmac|des|ecdsa|ed|cv|x|tls|ssl|utf|iso|rfc|cve|wpa|wep|base)[\w+-]*\d[\w+-]*|\d+[a-z]{1,3}|[A-Z]{2,}v\d+(?:\.\d+)*|[a-z]+\d+-[a-z]+|[a-z]+\.[a-z]+\d*)$")
            .expect("built-in pattern")
    });
    strong(t)
        && plausible(t, false, false)
        && !hash_like(t)
        && !shape.is_match(t)
        && !t.contains([
            '=', '/', '@', '\\', '<', '>', '$', '%', '[', ']', '(', ')', '{', '}', ':', ';',
        ])
        && !code_name(t)
        && !file_name(t)
        && !super::values::dotted_name(t)
        && !t.to_lowercase().contains("pass")
        // A name with the password word as a part (`reset-pw-header-v2`).
        && !t
            .to_lowercase()
            .split(['-', '_', '.'])
            .any(|p| ["pw", "pwd", "passwd", "mdp", "kennwort"].contains(&p))
        // A command's option ("openssl rand -base64 21").
        && !t.starts_with('-')
}

/// A strong value within six words of the password word at `at` (see `strong_token`), not
/// the password word itself.
pub(super) fn strong_near(line: &str, at: usize) -> Option<String> {
    // (A release's list of fixed bugs names products: "BUG 10635: Office365 azure Password
    // Sync not working.")
    let bug = line
        .trim_start_matches(['*', '-', ' '])
        .strip_prefix("BUG ")
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if bug {
        return None;
    }
    let words: Vec<(usize, &str)> = line
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
        .collect();
    let k = words
        .iter()
        .position(|(o, w)| *o <= at && at < o + w.len().max(1))?;
    words
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != k && j.abs_diff(k) <= 6)
        .map(|(_, (_, w))| w.trim_matches(|c: char| "\"'`()[]{},.;:“”‘’«»*".contains(c)))
        .find(|t| strong_token(t))
        .map(str::to_string)
}

/// The value a reply gives for the reader's own case after a setting's name:
/// "password: INITIAL_ADMIN_PASSWORD - in your case 123", "(in deinem Fall: X)".
pub(super) fn in_your_case(line: &str, lc: &Lower) -> Option<(usize, String)> {
    let at = [
        "in your case",
        "in this case",
        "in deinem fall",
        "in ihrem fall",
        "dans votre cas",
        "en tu caso",
        "nel tuo caso",
    ]
    .iter()
    .find_map(|w| lc.find(w).map(|k| k + w.len()))?;
    let rest = line[at..].trim_start_matches([' ', ':', ',']);
    let rest = ["it's ", "it is ", "is ", "ist ", "c'est ", "es "]
        .iter()
        .find_map(|w| rest.strip_prefix(w))
        .unwrap_or(rest);
    let (v, quoted, continues) = read_value(rest)?;
    // (A value the line goes on to pair with a password is the user: "in this case 90919293
    // and password is X".)
    let after = rest[rest.find(v.as_str()).map_or(0, |k| k + v.len())..]
        .trim_start()
        .to_lowercase();
    if [
        "and pass",
        "and pw",
        "/ pass",
        "und pass",
        "et mot de passe",
        "y contraseña",
    ]
    .iter()
    .any(|w| after.starts_with(w))
    {
        return None;
    }
    let v = v.trim_end_matches([')', '.', ',']).to_string();
    // (Three letters or digits will do: "in your case 123".)
    let short = v.chars().count() == 3
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().all(char::is_alphanumeric);
    (short || plausible(&v, quoted, continues)).then(|| (line.len() - rest.len(), v))
}

/// Words a verb may put "as the password" that name no value: "using something as the
/// password".
const STAND_INS: &[&str] = &[
    "something",
    "anything",
    "nothing",
    "whatever",
    "that",
    "this",
    "these",
    "those",
    "them",
    "which",
    "same",
    "mine",
    "yours",
    "theirs",
];

/// A value given "as password": "not accepting 'X' as password", "use "X" as the password",
/// "mit 'X' als Passwort", "avec 'X' comme mot de passe", "'X' is the password"; unquoted only
/// when strong, or after a verb that puts it there ("it works using elf-technician as the
/// password"). The word after "as" (and an article) must be a password word, and not one about
/// passwords in general ("as password manager").
pub(super) fn as_password(line: &str, lc: &Lower) -> Option<(String, String)> {
    // The value is quoted or strong (with a digit), or a verb puts it: most lines have none.
    // (Or the user's half just before it: "'jdoe@x.org' as user and aaa123 as password".)
    let put = |before: &str| {
        let mut words = before
            .rsplit(char::is_whitespace)
            .skip(1)
            .map(str::to_lowercase);
        let w = words.next().unwrap_or_default();
        [
            "using", "use", "used", "entered", "enter", "typed", "type", "with",
        ]
        .contains(&w.as_str())
            || w == "and"
                && words
                    .next()
                    .is_some_and(|u| ["user", "username", "login"].contains(&u.as_str()))
                && words.next().is_some_and(|a| a == "as")
            // "jdoe7 is my login name and X is the password".
            || w == "and" && account_given_before(before)
    };
    // (The verb's case asked only where "as" meets a password word: few lines have both.)
    let worth = line.contains(['"', '\'', '`', '”'])
        || line.bytes().any(|b| b.is_ascii_digit())
        || lc.has(" as ")
            && [
                " as the pass",
                " as pass",
                " as my pass",
                " as the pw",
                " as pw",
            ]
            .iter()
            .any(|w| lc.has(w))
        || lc.has(" and ") && [" is the pass", " is my pass"].iter().any(|w| lc.has(w));
    if !worth {
        return None;
    }
    // ("'X' is the password" gives it the same way, before the word.)
    for w in [
        " as ", " als ", " comme ", " como ", " come ", " is ", " was ", " ist ", " est ",
    ] {
        for (i, _) in lc.match_indices(w) {
            // The value just before: quoted, or one strong word. (Looked at first: most " is "
            // have neither before them.)
            let before = line[..i].trim_end();
            let (v, quoted) = match before.chars().next_back() {
                Some(q @ ('"' | '\'' | '`' | '”')) => {
                    let open = if q == '”' { '“' } else { q };
                    let body = &before[..before.len() - q.len_utf8()];
                    let Some(start) = body.rfind(open) else {
                        continue;
                    };
                    (&body[start + open.len_utf8()..], true)
                }
                _ => (
                    before.rsplit(char::is_whitespace).next().unwrap_or(""),
                    false,
                ),
            };
            let n = v.chars().count();
            let put_there =
                !quoted && put(before) && !STAND_INS.contains(&v.to_lowercase().as_str());
            if !(4..=64).contains(&n)
                || v.contains(char::is_whitespace)
                || !(quoted || put_there || n >= 6 && v.chars().any(|c| c.is_ascii_digit()))
                || example_before(before)
            {
                continue;
            }
            let mut rest = &line[i + w.len()..];
            let first = rest.split_whitespace().next().unwrap_or("").to_lowercase();
            if [
                "the", "a", "my", "your", "his", "her", "our", "das", "le", "la", "el", "il", "het",
            ]
            .contains(&first.as_str())
            {
                rest = rest.trim_start()[first.len()..].trim_start();
            }
            // (A label is short: look at the start only, not the whole rest of the line.)
            let head = rest
                .char_indices()
                .nth(48)
                .map_or(rest, |(j, _)| &rest[..j]);
            let Some(g) = label_re().find(head).filter(|g| g.start() == 0) else {
                continue;
            };
            if rest[g.end()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric())
            {
                continue;
            }
            let next = rest[g.end()..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if ABOUT.contains(&next.as_str()) {
                continue;
            }
            // A setting's name the line talks about: "If I set `:enablepass` ... does that use
            // the string "enablepass" as password".
            let a_name = [':', '`', '$', '.']
                .iter()
                .any(|p| line.contains(&format!("{p}{v}")));
            if !a_name && plausible(v, true, true) && (quoted || put_there || strong(v)) {
                return Some((rest[..g.end()].to_string(), v.to_string()));
            }
        }
    }
    None
}

/// Whether `before` (up to a value) ends with an account given the same way, value first:
/// "jdoe7 is my login name and", "J4178 is the user id, and".
fn account_given_before(before: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)[A-Za-z0-9][A-Za-z0-9._@-]{2,}\s+is\s+(?:my|the|your|his|her|our)\s+(?:log[- ]?[io]n|user|user\s?name|user\s?id|account|id)(?:\s+(?:name|id))?,?\s+and\s+\S+$")
            .expect("built-in pattern")
    })
    .is_match(before)
}

/// Whether the last line with something on it names a user ("username: admin", "Login:
/// jdoe", "E-Mail: x@example.org").
pub(super) fn under_user_line(before: &[&str]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"(?i)^(?:user(?:\s*name)?|login|benutzer(?:name)?|e-?mail|usuario|utilisateur|identifiant|account|id)\s*(?:[:=]|\s-|-\s)\s*\S")
            .expect("built-in pattern")
    });
    before
        .iter()
        .rev()
        .take(3)
        .map(|l| content(l))
        .find(|l| !l.is_empty())
        .is_some_and(|l| re.is_match(l))
}

/// The end of a name in code that says what about the password it holds: `passwordHint`,
/// `PasswordRegex`, `senhaLabel`.
pub(super) fn describes_password(suffix: &str) -> bool {
    [
        "Hint",
        "Label",
        "Placeholder",
        "Regex",
        "Pattern",
        "Error",
        "Field",
        "Message",
        "Msg",
        "Text",
        "Title",
        "Key",
        "Hash",
        "Hashed",
        "Length",
        "Len",
        "Min",
        "Max",
        "Policy",
        "Prompt",
        "Input",
        "Selector",
        "Id",
        "Name",
        "Type",
        "Confirm",
        "Confirmation",
        "Visible",
        "Toggle",
        "Icon",
        "Url",
        "Route",
        "Path",
        "Strength",
        "Rule",
        "Rules",
        "Validator",
        "Validation",
        "Reset",
        "Changed",
        "Expired",
        "Required",
        "Salt",
        "File",
        "Env",
        "Var",
        "Column",
        "Col",
        "Attr",
        "Button",
        "Btn",
        "Class",
        "Style",
        "Format",
        "Char",
        "Chars",
        "Help",
        "Description",
        "Desc",
        "Tooltip",
        "Mask",
        "Masked",
        "Example",
    ]
    .iter()
    .any(|w| suffix.starts_with(w))
}

/// The next `n` lines with something on them, past what a pasted chat answer leaves between
/// (a code box's language tag and its "Copy" / "Edit" buttons).
pub(super) fn next_lines<'a>(lines: &[&'a str], n: usize) -> Vec<&'a str> {
    let all: Vec<&str> = lines
        .iter()
        .take(12)
        .map(|l| content(l))
        .filter(|l| !l.is_empty())
        .collect();
    let mut out = Vec::new();
    for (j, l) in all.iter().enumerate() {
        let tag = !l.contains(' ')
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && all.get(j + 1).is_some_and(|n| copy_button(n));
        if copy_button(l) || tag {
            continue;
        }
        out.push(*l);
        if out.len() == n {
            break;
        }
    }
    out
}

/// A quoted strong value that someone tried at a login ("I try "X" just now, but I cannot
/// login"): the line says it was typed, tried or entered, and names logging in.
pub(super) fn tried_value(line: &str, lc: &Lower) -> Option<String> {
    let tried = [
        "try", "tried", "typed", "entered", "enter ", "probiert", "essayé", "probado",
    ]
    .iter()
    .any(|w| lc.has(w));
    let login = ["login", "log in", "sign in", "anmeld", "connect", "einlogg"]
        .iter()
        .any(|w| lc.has(w));
    if !(tried && login) {
        return None;
    }
    line.char_indices()
        .filter(|(_, c)| ['"', '`', '“'].contains(c))
        .filter_map(|(i, _)| read_value(&line[i..]))
        .map(|(v, _, _)| v)
        .find(|v| strong(v) && !v.contains(' ') && plausible(v, true, false) && !hash_like(v))
}

/// A file's name: a lower-case extension of two to four letters after a dot
/// ("e2e-p256-1-prt.asc", "backup-2031.tar").
pub(super) fn file_name(t: &str) -> bool {
    t.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && ((2..=4).contains(&ext.len()) || ["c", "h", "v", "s", "o"].contains(&ext))
            && ext.chars().all(|c| c.is_ascii_lowercase())
    })
}

/// A setting given as a name and a value in two fields: Kubernetes' `- name: DB_PASSWORD` /
/// `value: X`, Hadoop's `<name>javax.jdo.option.ConnectionPassword</name>` / `<value>X</value>`,
/// a servlet's `<param-name>password</param-name>` / `<param-value>X</param-value>`, and
/// `{"key": "password", "value": "X"}` on one line. The name must hold a password word and say
/// nothing else about it (`PASSWORD_FILE`, `password.length`); the value comes within the next
/// three lines.
/// `lc` is the line in ASCII lower case, as phrasing already has it.
pub(super) fn paired_value(lines: &[&str], i: usize, lc: &Lower) -> Option<String> {
    static NAME: OnceLock<Regex> = OnceLock::new();
    static VALUE: OnceLock<Regex> = OnceLock::new();
    let name_re = NAME.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?:^|[\s{,\-])["']?(?:name|key|param-?name|parameter-?(?:name|key)|property)["']?\s*[:=]\s*["']?([\w.\-]+)["']?|<(?:name|key|param-name|parameter-name)>\s*([\w.\-]+)\s*</"#)
            .expect("built-in pattern")
    });
    let value_re = VALUE.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?:^|[\s{,\-])["']?(?:value|param-?value|parameter-?value)["']?\s*[:=]\s*|<(?:value|param-value|parameter-value)>"#)
            .expect("built-in pattern")
    });
    let line = content(lines[i]);
    // (Most lines name no setting: a look for the field's word before the pattern.)
    if !(lc.has("name") || lc.has("key") || lc.has("propert")) {
        return None;
    }
    let c = name_re.captures(line)?;
    let name = c.get(1).or_else(|| c.get(2))?;
    let n = name.as_str().to_lowercase();
    let parts: Vec<&str> = n
        .split(|ch: char| !ch.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let last = parts.last()?;
    let password = [
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "passwort",
        "kennwort",
    ]
    .iter()
    .any(|w| last.ends_with(w));
    if !password {
        return None;
    }
    // The value on the same line after the name, or on one of the next three.
    let same = &line[name.end()..];
    let candidates = std::iter::once(same).chain(
        lines[i + 1..]
            .iter()
            .take(3)
            .map(|l| content(l))
            .filter(|l| !l.is_empty()),
    );
    for (j, l) in candidates.enumerate() {
        if let Some(m) = value_re.find(l) {
            let (v, quoted, continues) = read_value(&l[m.end()..])?;
            let v = v.trim_end_matches(['<', ',']).to_string();
            return (plausible(&v, true, continues && !quoted) && !hash_like(&v)).then_some(v);
        }
        // Another setting's name first: this one had no value here.
        if j > 0 && name_re.is_match(l) {
            return None;
        }
    }
    None
}

/// Accounts listed under a line that says how they are written: "You can log in with the
/// following users (username/pw):" and then "* user1/Xy7q" lines, or under one that names
/// usernames and passwords ("The BMC username and password captured:" and then
/// "node-a: ADMIN//RXYFTZXRQY"). Each listed item's part after the slash is a password; the
/// list ends at the first line of another shape.
pub(super) fn listed_pairs(lines: &[&str], i: usize, lc: &Lower) -> Vec<String> {
    static HEAD: OnceLock<Regex> = OnceLock::new();
    static ITEM: OnceLock<Regex> = OnceLock::new();
    let head = HEAD.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:user(?:\s?name)?|login|benutzer(?:name)?|usuario|utilisateur|utente|account|e-?mail)\s*/\s*(?:pw|pwd|pass(?:word)?|passwort|kennwort|contrase(?:ñ|n)a|senha|mot\s+de\s+passe|mdp)\s*\)?\s*:?\s*$|(?-u:\b)user\s?names?\s+(?:and|&)\s+passwords?(?-u:\b)")
            .expect("built-in pattern")
    });
    let item = ITEM.get_or_init(|| {
        super::pattern::regex(
            r"^(?:[*•-]|\d+[.)])?\s*(?:[\w-]{1,24}:\s+)?`?([\w.@+-]+)\s*//?\s*([^\s`/]+)`?\s*$",
        )
        .expect("built-in pattern")
    });
    let line = content(lines[i]).trim_end();
    // (A third of a mailbox's lines may hold "password": only those that also name a user name
    // are asked; `lc` is the line in lower case with its letter pairs.)
    let names_users = || lc.has("username") || lc.has("user name");
    if !(line.contains('/') || names_users()) || !head.is_match(line) {
        return Vec::new();
    }
    lines[i + 1..]
        .iter()
        .map(|l| content(l))
        .skip_while(|l| l.is_empty())
        .take(20)
        .map_while(|l| item.captures(l))
        .filter_map(|c| {
            let v = c[2].to_string();
            (v.chars().count() >= 4 && plausible(&v, true, false) && !hash_like(&v)).then_some(v)
        })
        .collect()
}
