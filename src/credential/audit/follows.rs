//! What follows a password word on its line: the separator ("is", "lautet", ":", "=>"), the
//! words that may stand between ("for db1", "is now", "set to") and the value itself, or the
//! reasons there is none (a sentence about passwords, a placeholder, a name from code, a link's
//! user part, the next key of a key=value list). `phrasing` finds the words; this finds what
//! they announce.

use super::code::{arrow_call, code_expression, code_name_ends_statement, first_option};
use super::labels::{separator_re, verb_before};
use super::values::{placeholder, plausible, read_value, strong};
use super::words::{ABOUT, FILLERS, FILLER_PAIRS, POST_ADJECTIVES, STOP_VERBS};

mod sentence;

use sentence::{ends_sentence, label_is_pin, names_a_variable};
pub(super) use sentence::{excluded_label, ordinary_word, predicate_word};

/// Whether the password word follows "with" (and an article): "with password", "with the
/// password", "mit Passwort", "avec le mot de passe", "con la contraseña", "met wachtwoord".
fn with_before(label_and_before: &str) -> bool {
    // The password word itself ends the text; its own first words ("mot de") and an article
    // stand before it.
    let mut words = label_and_before
        .split_whitespace()
        .rev()
        .skip(1)
        .map(str::to_lowercase);
    let mut w = words.next().unwrap_or_default();
    for _ in 0..3 {
        if [
            "the",
            "a",
            "dem",
            "le",
            "la",
            "el",
            "het",
            "de",
            "mot",
            "admin",
            "root",
            "user",
            "default",
            "initial",
            "temporary",
            "new",
            // "with the given password X", "with the correct password X".
            "given",
            "provided",
            "supplied",
            "correct",
            "right",
            "same",
        ]
        .contains(&w.as_str())
        {
            w = words.next().unwrap_or_default();
        }
    }
    [
        "with", "mit", "avec", "con", "com", "met", "using", "usando",
    ]
    .contains(&w.as_str())
}

/// Whether the word just before a separator names the user ("the username is").
fn user_word_before(before: &str) -> bool {
    names_user_field(
        before
            .trim_end()
            .rsplit(|c: char| c.is_whitespace() || "(`'\"".contains(c))
            .next()
            .unwrap_or(""),
    )
}

/// Whether `w` is the name of the user's field: "username", "login", "Benutzer", "email".
pub(super) fn names_user_field(w: &str) -> bool {
    let w = w.to_lowercase();
    [
        "username",
        "user",
        "login",
        "benutzer",
        "benutzername",
        "utilisateur",
        "usuario",
        "utente",
        "gebruiker",
        "gebruikersnaam",
        "account",
        "email",
        "e-mail",
        "id",
    ]
    .contains(&w.as_str())
}

/// Whether the quoted word ending at `at` opens its call or list: `(`, `[` or `{` before its
/// quote, or nothing.
fn first_argument(line: &str, at: usize) -> bool {
    let open = line[..at].rfind(['"', '\'', '`']).unwrap_or(0);
    line[..open]
        .trim_end()
        .chars()
        .next_back()
        .is_none_or(|c| "([{".contains(c))
}

/// Whether another quoted item follows the quoted value at the start of `s`.
fn quoted_list_follows(s: &str) -> bool {
    let s = s.trim_start();
    let Some(open) = s.chars().next() else {
        return false;
    };
    let close = match open {
        '“' => '”',
        '„' => '“',
        '«' => '»',
        c => c,
    };
    s[open.len_utf8()..]
        .find(close)
        .map(|i| s[open.len_utf8() + i + close.len_utf8()..].trim_start_matches([',', ' ']))
        .is_some_and(|rest| {
            let Some(q) = rest.chars().next().filter(|q| "\"'`“„«".contains(*q)) else {
                return false;
            };
            let item = &rest[q.len_utf8()..];
            // (JSON's next key is none: `"password":"X","db":"y"`.)
            let key = item
                .find(['"', '\''])
                .is_some_and(|e| item[e + 1..].trim_start().starts_with(':'));
            item.starts_with(char::is_alphanumeric) && !key
        })
}

/// Finds the value after the password word that ends at `line[at..]`.
pub(super) fn value_after(
    line: &str,
    at: usize,
    after_quote: bool,
    after_tag: bool,
) -> Option<(usize, String)> {
    let mut rest = &line[at..];
    // "without password and ... is welcome": there is none to follow.
    let word_before = line[..at]
        .trim_end_matches(|c: char| c.is_alphabetic())
        .trim_end()
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_lowercase();
    if ["without", "ohne", "sans", "sin", "senza", "zonder"].contains(&word_before.as_str()) {
        return None;
    }
    // A link's user part ("user:password@host", "<user>:<password>@host"): the rule for
    // connection strings reads it.
    if rest
        .trim_start_matches(['>', '}', ']', '"', '\''])
        .starts_with('@')
    {
        return None;
    }
    // The word ends a value of a key=value list ("Password=YOUR_PASSWORD;Port=5432").
    if rest.starts_with(';') {
        return None;
    }
    // A shell's default for an unset variable (`${DB_PASSWORD:-admin}`): a template's
    // fallback, a password only when it is a strong one.
    if line[..at]
        .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_')
        .ends_with("${")
    {
        let default = rest
            .strip_prefix(":-")
            .or_else(|| rest.strip_prefix(":="))
            .or_else(|| rest.strip_prefix('-'))?;
        let v = &default[..default.find('}')?];
        return (strong(v) && !placeholder(v)).then(|| (line.len() - default.len(), v.to_string()));
    }
    // A field's name among others on a line of cells ("localhost|user|password|QMYSQL3"): a
    // column, not a label; a key/value row has the word in its first cell ("| Password | X |").
    if rest.trim_start().starts_with('|')
        && line[..at]
            .trim_start_matches(|c: char| c == '|' || c.is_whitespace())
            .contains('|')
    {
        return None;
    }
    // Ruby's `let(:temp_password) { "Xy7!pq" }`: the block's quoted value.
    if let Some(block) = rest.strip_prefix(')').map(str::trim_start) {
        if let Some(inner) = block.strip_prefix('{') {
            return match read_value(inner) {
                Some((v, true, _)) if plausible(&v, true, true) => {
                    Some((line.len() - inner.trim_start().len(), v))
                }
                _ => None,
            };
        }
    }
    // A field in an expression: `jsonpath="{.data.password}"`, `get(user.password)`.
    if rest.starts_with(['}', ')']) && !rest[1..].trim_start().starts_with([':', '=', '-']) {
        return None;
    }
    // The word closes a quoted string: `"P:password" "M:PLAIN"` is a list of strings.
    let in_string = after_quote || rest.starts_with(['"', '\'']);
    // The key's closing quote or bracket: `"password": "x"`, `['password'] = 'x'`.
    rest = rest.trim_start_matches(['"', '\'', ']', '`']);
    // An attribute's value that closes its tag: `<property name="db.password">X</property>`.
    let after_tag = after_tag || in_string && rest.starts_with('>');
    // A quoted word closed by the call around it: `login(app, 'wrong-password')).res`.
    if rest.starts_with(')') && !rest[1..].trim_start().starts_with([':', '=', '-', '{']) {
        return None;
    }
    // A quoted key is followed by its separator; another quoted string after it is a list.
    if in_string && rest.trim_start().starts_with(['"', '\'']) {
        return None;
    }
    let first_word = rest
        .trim_start()
        .split(|c: char| c.is_whitespace() || ":=|/".contains(c))
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    // "password reset link" is about passwords; "password reset to X" gives one.
    let reset_to = ["reset", "changed", "updated"].contains(&first_word.as_str()) && {
        let after = rest.trim_start()[first_word.len()..].trim_start();
        ["to ", "to: ", "auf ", "à ", "naar "]
            .iter()
            .any(|t| after.starts_with(t))
    };
    if ABOUT.contains(&first_word.as_str()) && !reset_to {
        return None;
    }
    let mut to_sep = verb_before(&line[..at]);
    let mut words = 0;
    // Whether a value after a key's colon or "=" was turned down: then the next key of the list
    // ("clave: modelo, valor: X") announces no password; after a verb it may ("is the usual
    // one: X", "is expired, the new one is: X").
    let mut turned_down = false;
    let mut pos = line.len() - rest.len();
    loop {
        let tail = &line[pos..];
        let trimmed = tail.trim_start_matches([' ', '\u{a0}']);
        // Tabs align a label's separator as well as a table's columns: "Password\t= X".
        let aligned = trimmed.trim_start_matches([' ', '\t']);
        let trimmed = if aligned.starts_with(['=', ':']) {
            aligned
        } else {
            trimmed
        };
        pos += tail.len() - trimmed.len();
        if trimmed.is_empty() {
            return None;
        }
        // French, Spanish, Italian and Dutch say "changed ... in/on X" ("changé le mot de passe
        // en X", "cambié la contraseña a X", "ingesteld op X"); the same words start ordinary
        // phrases ("en ligne", "in the settings", "in backend/.env"), so only a value with a
        // digit that is no path.
        let prep_sep = to_sep
            && ["en ", "a ", "in ", "op "]
                .iter()
                .any(|p| trimmed.starts_with(p));
        let sep_len = separator_re()
            .find(trimmed)
            .map(|m| m.end())
            .or_else(|| (after_tag && trimmed.starts_with('>')).then_some(1))
            // `define('DB_PASSWORD', 'X')`: the key is the call's first argument; a quoted
            // "password" further on is a value in a list (`connect('', 'user', 'password', ..)`).
            .or_else(|| {
                (after_quote && trimmed.starts_with(',') && first_argument(line, at)).then_some(1)
            })
            .or_else(|| {
                (to_sep
                    && (trimmed.starts_with("to ")
                        || trimmed.starts_with("from ")
                        || trimmed.starts_with("auf ")
                        || trimmed.starts_with("à ")
                        || trimmed.starts_with("naar ")
                        || prep_sep))
                    .then(|| trimmed.find(' ').unwrap_or(0) + 1)
            });
        // "password (the username is `admin`)": what follows is the user's.
        if sep_len.is_some() && words > 0 && user_word_before(&line[..pos]) {
            return None;
        }
        // A colon inside a word after the qualifier is no separator: `password
        // postgres:12-alpine` names an image and its tag, `db1:5432` a host and its port.
        if words > 0
            && trimmed.starts_with([':', '='])
            && line[..pos].ends_with(|c: char| c.is_ascii_alphanumeric())
            && trimmed[1..].starts_with(|c: char| !c.is_whitespace())
        {
            return None;
        }
        // C's arrow (`->prepare_write()`) is no separator.
        if trimmed.starts_with("->") && arrow_call().is_match(trimmed) {
            return None;
        }
        // A shell's pipe is no table's bar: `echo 'PASSWORD' | kinit`.
        if sep_len.is_some()
            && trimmed.starts_with('|')
            && line.matches('|').count() < 2
            && line[..at].trim_end().contains(char::is_whitespace)
        {
            return None;
        }
        if let Some(len) = sep_len {
            // "is", "lautet", "est": a verb, after which an ordinary word is no password.
            // ("is :" is a label's colon: what follows is the value.)
            let verb =
                trimmed[..len].chars().any(char::is_alphabetic) && !trimmed[..len].contains(':');
            let key_sep = !trimmed[..len].chars().any(char::is_alphabetic);
            if turned_down && key_sep {
                return None;
            }
            let mut v_at = pos + len;
            // After "to", an article starts a noun, not a value: "does not transmit the old
            // password to the domain controller", "reset the password to the default".
            let to = ["to", "auf", "à", "naar"].contains(&trimmed[..len].trim());
            let rest = line[v_at..].trim_start();
            if to
                && [
                    "the ", "a ", "an ", "den ", "die ", "das ", "le ", "la ", "de ",
                ]
                .iter()
                .any(|a| {
                    rest.len() > a.len()
                        && rest
                            .get(..a.len())
                            .is_some_and(|h| h.eq_ignore_ascii_case(a))
                })
                && !rest.contains([':', '='])
            {
                return None;
            }
            let mut negated = false;
            // "is now", "set to", "changed to", "is by default".
            loop {
                let t = line[v_at..].trim_start();
                let w = t.split_whitespace().next().unwrap_or("");
                let bare = w.strip_suffix(':').unwrap_or(w).to_lowercase();
                let pair = FILLER_PAIRS.iter().find(|p| {
                    t.get(..p.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(p) && t.len() > p.len())
                });
                if let Some(p) = pair {
                    v_at = line.len() - t.len() + p.len();
                } else if (FILLERS.contains(&bare.as_str())
                    || FILLERS.contains(&format!("{bare}:").as_str()))
                    && t.len() > w.len()
                {
                    negated |= bare == "not";
                    v_at = line.len() - t.len() + w.len();
                } else {
                    break;
                }
            }
            if let Some((v, quoted, continues)) = read_value(&line[v_at..]) {
                let v = if quoted {
                    v
                } else {
                    first_option(v.trim_end_matches("\\n").to_string())
                };
                // A command's next option is no value (`-Uuser%password -mSMB3`).
                if !quoted && v.starts_with('-') && v[1..].starts_with(char::is_alphabetic) {
                    return None;
                }
                // A name in a statement of code (`.set_lease_key = smb2_set_lease_key,`); after
                // a call's quoted key, only a literal (`{"password", required_argument, ...}`).
                if !quoted
                    && (code_name_ends_statement(&v, &line[v_at..]) || trimmed.starts_with(','))
                {
                    return None;
                }
                // A list of quoted examples ("Common passwords are "admin," "1234" or none").
                if quoted && (v.ends_with(',') || quoted_list_follows(&line[v_at..])) {
                    return None;
                }
                let pin = (4..=10).contains(&v.len())
                    && v.chars().all(|c| c.is_ascii_digit())
                    && label_is_pin(&line[..at]);
                // An ordinary word is the password only when it ends the sentence and says
                // nothing about it: "lautet cisco", not "is wrong." or "was not found.".
                let ends = !quoted && ends_sentence(line, v_at);
                let word = verb
                    && !quoted
                    && ordinary_word(&v)
                    && (negated
                        || !ends
                        || predicate_word(&v)
                        || ABOUT.contains(&v.to_lowercase().trim_end_matches('.')));
                let shaped = !prep_sep
                    || (v.chars().any(|c| c.is_ascii_digit()) && !v.contains(['/', '\\']));
                if pin
                    || (plausible(&v, quoted, continues && !ends)
                        && !word
                        && shaped
                        && (quoted || !names_a_variable(&v)))
                {
                    return Some((v_at, v));
                }
                // "is expired, the new one is: X": look on.
                if words >= 6 || v.ends_with('.') && !quoted {
                    return None;
                }
            }
            turned_down = key_sep;
            // Past the rejected value, whole: a link's "https:" is no separator.
            let t = &line[v_at..];
            let skipped = t.len() - t.trim_start().len();
            let token = t
                .trim_start()
                .find(char::is_whitespace)
                .unwrap_or(t.trim_start().len());
            // A key=value list goes on with other keys ("Password=YOUR_PW;Port=5432").
            if t.trim_start()[..token].contains([';', '=']) {
                return None;
            }
            // A sentence that ends after the turned-down word ends the search, unless the
            // next one goes on about the password ("is expired. The new one is X"), not
            // about something else ("The password is empty. The directory is libtool.").
            if t.trim_start()[..token].ends_with(['.', '!', '?'])
                && !line[v_at + skipped + token..]
                    .split_whitespace()
                    .take(3)
                    .take_while(|w| !w.starts_with([':', '=']) && !w.eq_ignore_ascii_case("is"))
                    .all(|w| {
                        [
                            "the",
                            "new",
                            "one",
                            "a",
                            "your",
                            "it",
                            "this",
                            "my",
                            "our",
                            "now",
                            "right",
                            "correct",
                            "real",
                            "actual",
                            "current",
                            "temporary",
                        ]
                        .contains(&w.to_lowercase().as_str())
                            || w.to_lowercase().contains("pass")
                    })
            {
                return None;
            }
            pos = v_at + skipped + token;
            words += 1;
            continue;
        }
        // A word of the qualifier ("for db1", "(temporary)", "of the admin account").
        let end = trimmed
            .find(|c: char| c.is_whitespace() || ":=|：\t".contains(c))
            .unwrap_or(trimmed.len());
        let word = &trimmed[..end];
        let bare = word.trim_end_matches(['.', ',']);
        let pin = (4..=10).contains(&bare.len())
            && bare.chars().all(|c| c.is_ascii_digit())
            && label_is_pin(&line[..at]);
        if words == 0
            && (strong(bare) && !code_expression(bare) && !bare.starts_with(['-', '/']) || pin)
        {
            // No separator at all: "Password Xy7!pq0Lm", table cells, OCR'd forms.
            return Some((pos, word.trim_end_matches(['.', ',']).to_string()));
        }
        // "the admin user with password X", "mit dem Passwort X": after "with" the next word
        // is the password, when it ends the sentence or a clause and says nothing about it.
        if words == 0 && with_before(&line[..at]) {
            if let Some((v, quoted, _continues)) = read_value(trimmed) {
                let t = trimmed.trim_start();
                let raw = &t[..t.find(char::is_whitespace).unwrap_or(t.len())];
                let clause_end = ends_sentence(line, pos)
                    || raw.ends_with(',')
                    // "unzip it with the password hackthebox:" and the command on the next line.
                    || raw.ends_with(':') && t[raw.len()..].trim().is_empty()
                    || ["and ", "und ", "et ", "y "]
                        .iter()
                        .any(|c| t[raw.len()..].trim_start().starts_with(c));
                let word = ordinary_word(&v) && (!clause_end || predicate_word(&v));
                if !quoted
                    && !word
                    && !v.starts_with('/')
                    && plausible(&v, false, false)
                    && !names_a_variable(&v)
                    && !ABOUT.contains(&v.to_lowercase().as_str())
                {
                    return Some((pos, v));
                }
            }
        }
        // A quoted value right after the word: `the default password "dappnode"`.
        // (A quoted word among quoted words is a list: `"P:password" "M:PLAIN"`.)
        if words == 0 && !in_string && trimmed.starts_with(['"', '“', '„', '\'']) {
            if let Some((v, true, continues)) = read_value(trimmed) {
                if plausible(&v, true, continues) && !v.contains(' ') {
                    return Some((pos, v));
                }
                // The quoted value was the value, a stand-in: what follows is something else
                // ("with password 'password' is citadel here").
                if placeholder(&v) {
                    return None;
                }
            }
        }
        let lw = word.to_lowercase();
        let lw = lw.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
        // "the root pw got changed to X": the verb makes the next "to" a separator.
        let after = trimmed[end..].trim_start();
        if [
            "changed",
            "reset",
            "set",
            "updated",
            "geändert",
            "gesetzt",
            "changé",
        ]
        .contains(&lw.as_str())
            && (["to ", "auf ", "à ", "naar "]
                .iter()
                .any(|t| after.starts_with(t))
                || separator_re().is_match(after))
        {
            to_sep = true;
            words += 1;
            pos += end;
            continue;
        }
        if STOP_VERBS.contains(&lw.as_str())
            || word
                .trim_end_matches(['"', '\''])
                .ends_with(['.', '!', '?', ';'])
            || words >= 6
            || end == 0
        {
            return None;
        }
        // An adjective after the noun, as Romance languages place it ("senha padrão X", "mot
        // de passe provisoire X"): the value may follow it without a separator.
        if words == 0 && POST_ADJECTIVES.contains(&lw.as_str()) {
            pos += end;
            continue;
        }
        words += 1;
        pos += end;
    }
}
