//! Reading a value after a password word: quoted (spaces allowed), a Google app password's
//! four groups, a phrase in emphasis, or one token cut where a key=value list goes on. Apart
//! from `values.rs`, which judges what was read.

use super::super::words::STOPWORDS;
use super::is_cjk;

const OPEN_QUOTES: &[(char, char)] = &[
    ('"', '"'),
    ('\'', '\''),
    ('`', '`'),
    ('“', '”'),
    ('„', '“'),
    ('‘', '’'),
    ('«', '»'),
    ('»', '«'),
    ('‚', '‘'),
];

/// The length of a Google app password at the start of `s` (four groups of four letters, one
/// space apart, then the line's end or a space), if there is one. Its letters are lower-case;
/// one group may have a capital, as text recognition reads an `l` as `I`. Four words of a
/// sentence ("that will come soon") are not one.
fn app_password_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let shape = (0..19).all(|i| {
        b.get(i).is_some_and(|&c| {
            if i % 5 == 4 {
                c == b' '
            } else {
                c.is_ascii_alphabetic()
            }
        })
    }) && b.get(19).is_none_or(|c| c.is_ascii_whitespace());
    if !shape {
        return None;
    }
    let groups: Vec<&str> = s[..19].split(' ').collect();
    let capitalised = groups
        .iter()
        .filter(|g| g.bytes().any(|c| c.is_ascii_uppercase()))
        .count();
    let words = groups
        .iter()
        .any(|g| STOPWORDS.contains(&g.to_lowercase().as_str()));
    (capitalised <= 1 && !words).then_some(19)
}

/// Reads the value at the start of `s`: quoted (spaces allowed) or one token. Returns the
/// value, whether it was quoted, and whether more words follow on the line.
pub(in super::super) fn read_value(s: &str) -> Option<(String, bool, bool)> {
    let s = s.trim_start();
    // Python's bytes and raw strings: `b"PWD"`, `r'X'`.
    let s = match s.as_bytes() {
        [b'b' | b'r' | b'u', b'"' | b'\'', ..] => &s[1..],
        _ => s,
    };
    let first = s.chars().next()?;
    if let Some(&(_, close)) = OPEN_QUOTES.iter().find(|(o, _)| *o == first) {
        let body = &s[first.len_utf8()..];
        let end = body.find(close)?;
        let v = &body[..end];
        if v.chars().count() > 100 || v.contains('\n') {
            return None;
        }
        let after = body[end + close.len_utf8()..].trim_start();
        return Some((
            v.to_string(),
            true,
            after.chars().next().is_some_and(char::is_alphanumeric),
        ));
    }
    // Google's app passwords as their page shows them: four groups of four letters
    // ("wcfl kgvd mxva eurj"), pasted unquoted into a properties file.
    if let Some(n) = app_password_len(s) {
        let after = s[n..].trim_start();
        return Some((
            s[..n].to_string(),
            false,
            after.chars().next().is_some_and(char::is_alphanumeric),
        ));
    }
    // A phrase in emphasis is read whole: "_sip account password_", "*your key here*".
    if let Some(phrase) = emphasized_phrase(s) {
        return Some(phrase);
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let mut v = &s[..end];
    // Chinese and Japanese write no spaces: a value ends where their script starts again
    // ("都是shishuocms，请修改"); one that starts with it is a sentence ("是通过md5加密的").
    if let Some(i) = v.find(is_cjk) {
        v = &v[..i];
    }
    // Cut at what cannot be part of it: HTML left-overs, the next key of a key=value list.
    // (Markdown's escaped tag too: `\<password>X\</password>`.)
    if let Some(i) = v.find('<') {
        v = v[..i].strip_suffix('\\').unwrap_or(&v[..i]);
    }
    for sep in [';', '&', ','] {
        if let Some(i) = v.find(sep) {
            let rest = &v[i + 1..];
            // (Or an ellipsis: "?user=fred&password=secret&...".)
            if rest.is_empty()
                || rest
                    .trim_end_matches(|c: char| ")]}\"'`»”’".contains(c))
                    .chars()
                    .all(|c| c == '.' || c == '…')
                // (Helm's `--set a.rootPassword=X,auth.database=y,image.tag=5.7`.)
                || rest.find('=').is_some_and(|j| {
                    j > 0
                        && rest[..j]
                            .chars()
                            .all(|c| c.is_alphanumeric() || "_ .[]".contains(c))
                })
            {
                v = &v[..i];
            }
        }
    }
    // A value cut short by its writer: "pypi-...", "sk-…", "ghp_...". (A word that trails off,
    // "hunter2...", is still given.)
    let stem = v.trim_end_matches(['.', '…']);
    if v.len() - stem.len() >= "…".len() && stem.ends_with(['-', '_', '/', ':', '=']) {
        return None;
    }
    let v = v.trim_end_matches(|c: char| ".,;:)]}\"'`»”’".contains(c));
    // Emphasis around it: "*Kennwort1*", "_Xy7!pq_", "**15-52-1**", a wiki's "//ss_test//".
    let v = match v.chars().next() {
        Some(m @ ('*' | '_' | '/')) => {
            let n = v.len() - v.trim_start_matches(m).len();
            let inner = &v[n..];
            let closed = inner.len() > n && inner.ends_with(&v[..n]);
            if closed && (m != '/' || n == 2) {
                &inner[..inner.len() - n]
            } else {
                v
            }
        }
        _ => v,
    };
    let after = s[end..].trim_start();
    // A bracket closed right after it closes the clause it was given in: "(password: enron) in
    // the specified boxes".
    let closes = s[..end]
        .trim_end_matches(['.', ',', ';', ':'])
        .ends_with([')', ']'])
        && !v.contains(['(', '[']);
    let continues = after
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || "(\"'`“„«".contains(c))
        && !closes
        && !aside(after);
    Some((v.to_string(), false, continues))
}

/// Whether the words after a value end its sentence's point rather than carry it on: the
/// user's half of the login ("and the user is bob", "and username bob"), how long it holds
/// ("for now", "until Monday") or how to type it ("(all caps)", "(case sensitive)").
pub(in super::super) fn aside(after: &str) -> bool {
    if let Some(note) = after.strip_prefix('(').and_then(|r| r.split_once(')')) {
        let note = note.0.to_ascii_lowercase();
        if note.len() <= 24
            && ["case", "caps", "capital", "quotes", "sensitive"]
                .iter()
                .any(|w| note.contains(w))
        {
            return true;
        }
    }
    // (Only the words just after matter: the line's start in lower case, not all of it.)
    let mut to = after.len().min(32);
    while !after.is_char_boundary(to) {
        to -= 1;
    }
    let head = after[..to].to_ascii_lowercase();
    let l = head
        .strip_prefix("and ")
        .map_or(head.as_str(), str::trim_start);
    let l = l.strip_prefix("the ").unwrap_or(l);
    ["user ", "username ", "user name ", "login ", "account "]
        .iter()
        .any(|w| l.starts_with(w))
        && head.len() > l.len()
        || [
            "for now",
            "for the time being",
            "for the moment",
            "until ",
            "till ",
        ]
        .iter()
        .any(|w| l.starts_with(w))
}

/// The words between a Markdown emphasis mark at the start of `s` and its closing mark on
/// the same line, when they are several: `(phrase, true, more words follow)`.
fn emphasized_phrase(s: &str) -> Option<(String, bool, bool)> {
    let m = s.chars().next().filter(|c| *c == '_' || *c == '*')?;
    let body = s.trim_start_matches(m);
    let marker = &s[..s.len() - body.len()];
    let line = &body[..body.find('\n').unwrap_or(body.len())];
    let k = line.find(marker)?;
    let phrase = &line[..k];
    let words = phrase.contains(' ') && phrase.trim() == phrase && phrase.chars().count() <= 100;
    let after = line[k + marker.len()..].trim_start();
    words.then(|| {
        let continues = after.chars().next().is_some_and(char::is_alphanumeric);
        (phrase.to_string(), true, continues)
    })
}
