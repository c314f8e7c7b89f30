//! Passwords as people write them: a value next to a password word, in the forms mail really
//! has ("the password is X", "Passwort lautet: X", "password for db1 will be "X"", "Pass - X",
//! the value on the next line, "login: bob / X", `"password": "X"`, `<password>X</password>`),
//! and on the command lines people paste (`mysql -pX`, `sshpass -p X`, `curl -u user:X`,
//! `net use ... /user:NAME X`, `PGPASSWORD=X`, ...).
//!
//! The rules read one line at a time. A value is accepted only when it is plausible as a
//! password: not a placeholder (`<password>`, `********`, `xxx`, `changeme`, `${VAR}`), not a
//! hash from a log, not an ordinary word that continues a sentence ("the password is case
//! sensitive"), not a link or an address. What a line merely says *about* a password ("reset
//! link", "must have 12 characters", "I changed the password") has no value and stays clean.

use std::sync::OnceLock;

use regex::Regex;

use super::commands::{command_res, login_re, net_use, user_host, user_p_re};
use super::labels::{
    admin_slash_re, content, id_pw_re, label_ends_line, label_only, label_re, log_in_as_re,
    separator_re, trigger_re, verb_before, wifi_key_re, wifi_re,
};
use super::values::{hash_like, placeholder, plausible, read_value, strong};
use super::words::{ABOUT, FILLERS, LABELS, PREFIXES, STOPWORDS, STOP_VERBS};

/// A password found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// The words before the value, as written ("Password:", "the pw is", "mysql -p").
    pub label: String,
    /// The value.
    pub value: String,
    /// How it was written: `phrase`, `next-line`, `login`, `command-line`, `table`.
    pub how: &'static str,
    /// Whether the same line or command names a user (for credential blocks).
    pub user: bool,
    /// Whether the same line or command names a host.
    pub host: bool,
}

fn word_start(c: char) -> bool {
    c.is_alphanumeric()
}

/// The labels' short forms need a little care: "pass" is also "boarding pass", "pin" also
/// "pin it".
fn excluded_label(label: &str, before: &str) -> bool {
    let l = label.to_lowercase();
    let prev = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    (l == "pass"
        && [
            "boarding",
            "bus",
            "season",
            "day",
            "train",
            "ski",
            "press",
            "backstage",
            "hall",
            "mountain",
            "free",
            "by",
            "guest",
            "visitor",
            "access",
            "event",
            "museum",
            "park",
            "travel",
            "weekly",
            "monthly",
            "annual",
            "festival",
            "gate",
            "first",
            "second",
            "to",
            "will",
            "i'll",
            "would",
            "can",
            "please",
            "and",
            "not",
            "a",
        ]
        .contains(&prev.as_str()))
        || (l == "pin" && ["a", "to", "the", "and", "map", "drop"].contains(&prev.as_str()))
}

/// Whether the password word just before `at` is a PIN or passcode (digits are its values).
fn label_is_pin(before: &str) -> bool {
    let w = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    ["pin", "passcode", "pincode", "code"].contains(&w.as_str())
}

/// Finds the value after the password word that ends at `line[at..]`.
fn value_after(
    line: &str,
    at: usize,
    after_quote: bool,
    after_tag: bool,
) -> Option<(usize, String)> {
    let mut rest = &line[at..];
    // The key's closing quote or bracket: `"password": "x"`, `['password'] = 'x'`.
    rest = rest.trim_start_matches(['"', '\'', ']', '`']);
    let first_word = rest
        .trim_start()
        .split(|c: char| c.is_whitespace() || ":=|".contains(c))
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if ABOUT.contains(&first_word.as_str()) {
        return None;
    }
    let mut to_sep = verb_before(&line[..at]);
    let mut words = 0;
    let mut pos = line.len() - rest.len();
    loop {
        let tail = &line[pos..];
        let trimmed = tail.trim_start_matches([' ', '\u{a0}']);
        pos += tail.len() - trimmed.len();
        if trimmed.is_empty() {
            return None;
        }
        let sep_len = separator_re()
            .find(trimmed)
            .map(|m| m.end())
            .or_else(|| (after_tag && trimmed.starts_with('>')).then_some(1))
            .or_else(|| (after_quote && trimmed.starts_with(',')).then_some(1))
            .or_else(|| {
                (to_sep
                    && (trimmed.starts_with("to ")
                        || trimmed.starts_with("auf ")
                        || trimmed.starts_with("à ")
                        || trimmed.starts_with("naar ")))
                .then(|| trimmed.find(' ').unwrap_or(0) + 1)
            });
        if let Some(len) = sep_len {
            let mut v_at = pos + len;
            // "is now", "set to", "changed to".
            loop {
                let t = line[v_at..].trim_start();
                let w = t.split_whitespace().next().unwrap_or("");
                let bare = w.strip_suffix(':').unwrap_or(w);
                if FILLERS.contains(&bare.to_lowercase().as_str()) && t.len() > w.len() {
                    v_at = line.len() - t.len() + w.len();
                } else {
                    break;
                }
            }
            if let Some((v, quoted, continues)) = read_value(&line[v_at..]) {
                let pin = label_is_pin(&line[..at])
                    && (4..=10).contains(&v.len())
                    && v.chars().all(|c| c.is_ascii_digit());
                if pin || plausible(&v, quoted, continues) {
                    return Some((v_at, v));
                }
                // "is expired, the new one is: X": look on.
                if words >= 6 || v.ends_with('.') && !quoted {
                    return None;
                }
            }
            // Past the rejected value, whole: a link's "https:" is no separator.
            let t = &line[v_at..];
            let skipped = t.len() - t.trim_start().len();
            let token = t
                .trim_start()
                .find(char::is_whitespace)
                .unwrap_or(t.trim_start().len());
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
        let pin = label_is_pin(&line[..at])
            && (4..=10).contains(&bare.len())
            && bare.chars().all(|c| c.is_ascii_digit());
        if words == 0 && (strong(bare) || pin) {
            // No separator at all: "Password Xy7!pq0Lm", table cells, OCR'd forms.
            return Some((pos, word.trim_end_matches(['.', ',']).to_string()));
        }
        let lw = word.to_lowercase();
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
            || word.ends_with(['.', '!', '?', ';'])
            || words >= 6
            || end == 0
        {
            return None;
        }
        words += 1;
        pos += end;
    }
}

/// Finds the passwords in `text`.
pub(super) fn find(text: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    // Most mail has no line a rule could take: one quick look before the careful one.
    if !trigger_re().is_match(text) {
        return out;
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut push = |f: Found| {
        if !out.iter().any(|g| g.value == f.value) {
            out.push(f);
        }
    };
    for (i, raw) in lines.iter().enumerate() {
        let line = content(raw);
        if line.is_empty() || line.len() > 4000 || !trigger_re().is_match(line) {
            continue;
        }
        // Whether the line names a user and a host: asked only when a password is found.
        let who = std::cell::OnceCell::new();
        let user_host = || *who.get_or_init(|| user_host(line));
        static SET: OnceLock<regex::RegexSet> = OnceLock::new();
        let set = SET.get_or_init(|| {
            regex::RegexSet::new(command_res().iter().map(|c| c.0.as_str()))
                .expect("built-in patterns")
        });
        // Cheap looks first: most lines that pass the trigger have none of these.
        let lc = line.to_ascii_lowercase();
        // Every command line rule has an option, an assignment or a path.
        let commands = if line.contains(['-', '=', '/', '|']) {
            set.matches(line).into_iter().collect()
        } else {
            Vec::new()
        };
        for c in commands.into_iter().map(|i| &command_res()[i]) {
            if let Some(m) = c.0.captures(line) {
                let v = m.get(c.1).map(|m| m.as_str()).unwrap_or("");
                let v = v.trim_end_matches(['.', ',', ';', ')']);
                if v.chars().count() >= 4 && !placeholder(v) && !hash_like(v) {
                    let at = m.get(c.1).map(|m| m.start()).unwrap_or(0);
                    push(Found {
                        label: line[..at]
                            .trim()
                            .chars()
                            .rev()
                            .take(40)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect(),
                        value: v.to_string(),
                        how: "command-line",
                        user: user_host().0,
                        host: user_host().1,
                    });
                }
            }
        }
        if let Some((label, v)) = net_use(line) {
            if v.chars().count() >= 4 && !placeholder(&v) {
                push(Found {
                    label: format!("net use {label}"),
                    value: v,
                    how: "command-line",
                    user: true,
                    host: true,
                });
            }
        }
        let user_p =
            (lc.contains("p:") || lc.contains("p=") || lc.contains("p :") || lc.contains("p ="))
                .then(|| user_p_re().captures(line))
                .flatten();
        if let Some(c) = user_p {
            let m = c.get(1).expect("value");
            if let Some((v, quoted, continues)) = read_value(&line[m.start()..]) {
                if plausible(&v, quoted, continues) {
                    push(Found {
                        label: line[..m.start()].trim().to_string(),
                        value: v,
                        how: "login",
                        user: true,
                        host: user_host().1,
                    });
                }
            }
        }
        let login_words = [
            "log", "cred", "zugang", "anmelde", "identif", "inlogg", "account", "konto", "compte",
            "cuenta", "user", "u/p", "benutzer",
        ];
        let login = login_words
            .iter()
            .any(|w| lc.contains(w))
            .then(|| login_re().captures(line))
            .flatten();
        if let Some(c) = login {
            let m = c.get(0).expect("whole match");
            if let Some((v, quoted, continues)) = read_value(&line[m.end()..]) {
                let u = c.get(1).map(|m| m.as_str()).unwrap_or("");
                // Only a space between user and value, or "account": a strong value only.
                let loose = c.get(2).is_some()
                    || ["account", "konto", "compte", "cuenta"]
                        .iter()
                        .any(|w| m.as_str().to_lowercase().contains(w));
                if plausible(&v, quoted, continues)
                    && (!loose || strong(&v))
                    && u.chars().count() <= 64
                    && !STOPWORDS.contains(&u.to_lowercase().as_str())
                    && !u.chars().all(|c| c.is_ascii_digit())
                {
                    push(Found {
                        label: m.as_str().trim().to_string(),
                        value: v,
                        how: "login",
                        user: true,
                        host: user_host().1,
                    });
                }
            }
        }
        // "log in as 'testuser' with 'Test!User99'" (a quoted value is enough).
        let log_in_as = (lc.contains(" as ") || lc.contains("with user"))
            .then(|| log_in_as_re().captures(line))
            .flatten();
        // "ID PW master X", "id/pw: master // X", "192.168.0.1 master/X": a user and a strong
        // value after an ID/PW label or an address that starts the line.
        let pair = ((lc.contains("id") && (lc.contains("pw") || lc.contains("pass")))
            || line.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| id_pw_re().captures(line))
        .flatten();
        // "admin / X", "RDP: host / administrator / X": a well-known account and a strong value.
        let admin_slash = line
            .contains('/')
            .then(|| admin_slash_re().captures(line))
            .flatten();
        for (c, quoted_enough) in [(log_in_as, true), (pair, false), (admin_slash, false)] {
            let Some(m) = c.and_then(|c| c.get(1)) else {
                continue;
            };
            let Some((v, quoted, continues)) = read_value(&line[m.start()..]) else {
                continue;
            };
            if ((quoted && quoted_enough) || strong(&v)) && plausible(&v, quoted, continues) {
                push(Found {
                    label: line[..m.start()].trim_end().to_string(),
                    value: v,
                    how: "login",
                    user: true,
                    host: user_host().1,
                });
            }
        }
        // On a line about a wireless network, its "key" is its password.
        // Elsewhere a "key" counts only with a strong value ("the key for the share is X").
        let any_key = lc.contains("key") || lc.contains("psk") || lc.contains("schl");
        let wifi = any_key && wifi_re().is_match(line);
        let keys = any_key
            .then(|| wifi_key_re().find_iter(line).map(move |g| (g, !wifi)))
            .into_iter()
            .flatten();
        for (g, need_strong) in label_re().find_iter(line).map(|g| (g, false)).chain(keys) {
            // The word must start here too: "compass" is no label; a long password word may
            // have a name glued in front when a separator follows ("ANYpassword=X").
            let glued_ok = g.as_str().len() >= 6
                && line[g.end()..]
                    .trim_start_matches(['"', '\''])
                    .starts_with([':', '='])
                && line[..g.start()]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphabetic());
            if !glued_ok
                && line[..g.start()]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric())
            {
                continue;
            }
            // The word must end here: "passport", "passed", "pinned" are not labels.
            if line[g.end()..]
                .chars()
                .next()
                .is_some_and(|c| word_start(c) || c == '_')
            {
                continue;
            }
            if excluded_label(g.as_str(), &line[..g.start()]) {
                continue;
            }
            // The key's opening quote may stand before a compound: `'DB_PASSWORD'`.
            let before = line[..g.start()]
                .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '-');
            let after_quote = before.ends_with(['"', '\'', '`', '[']);
            let after_tag = before.ends_with('<');
            let found = value_after(line, g.end(), after_quote, after_tag);
            // "pass" is also a mountain's, a boarding card's: a plain word after it is none.
            if g.as_str().eq_ignore_ascii_case("pass")
                && found
                    .as_ref()
                    .is_some_and(|(_, v)| v.chars().all(|c| c.is_lowercase()))
            {
                continue;
            }
            if need_strong && !found.as_ref().is_some_and(|(_, v)| strong(v)) {
                continue;
            }
            if let Some((at, v)) = found {
                let label: String = line[..at].trim_end().to_string();
                let label = label
                    .char_indices()
                    .rev()
                    .nth(39)
                    .map(|(j, _)| label[j..].to_string())
                    .unwrap_or(label);
                push(Found {
                    label,
                    value: v,
                    how: "phrase",
                    user: user_host().0,
                    host: user_host().1,
                });
            }
        }
        if label_only(line) || label_ends_line(line) {
            // The value on the next non-empty line.
            if let Some(next) = lines[i + 1..]
                .iter()
                .map(|l| content(l))
                .find(|l| !l.is_empty())
            {
                if let Some((v, quoted, continues)) = read_value(next) {
                    // One value on the line; text recognition may split it ("B4ckup! Nightly").
                    let words = next.split_whitespace().count();
                    let single =
                        quoted || words == 1 || (words <= 3 && next.len() <= 40 && strong(&v));
                    if single && !label_only(next) && plausible(&v, quoted, continues) {
                        push(Found {
                            label: line.to_string(),
                            value: v,
                            how: "next-line",
                            user: user_host().0,
                            host: user_host().1,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Whether a table's header cell names a password column.
pub(super) fn is_password_header(cell: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(r"(?i)^\s*{PREFIXES}(?:{LABELS})\s*[:]?\s*$"))
            .expect("built-in pattern")
    })
    .is_match(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        find(t).into_iter().map(|f| f.value).collect()
    }

    #[test]
    fn the_phrasings_of_the_issue() {
        for (t, v) in [
            ("the password is Wq7!kd92LmZx", "Wq7!kd92LmZx"),
            ("the pw is Tr0ub4dor&3", "Tr0ub4dor&3"),
            ("password for db1 will be \"Zz9kLm2Qp4\"", "Zz9kLm2Qp4"),
            ("login: bob / Hunter2Hunter2", "Hunter2Hunter2"),
            ("mysql -u root -pS3cr3tPass", "S3cr3tPass"),
            ("sshpass -p 'Kx8#vv2Lq' ssh admin@10.0.0.5", "Kx8#vv2Lq"),
            ("Pass - U9o129Czu!!IDhl", "U9o129Czu!!IDhl"),
            ("pwd - Rt5%kLm0Qz", "Rt5%kLm0Qz"),
            ("Password: 0fq20$A$eP9Ppb&0v", "0fq20$A$eP9Ppb&0v"),
            ("DB_PASSWORD=h7Gk2!pQx9", "h7Gk2!pQx9"),
            (
                "curl -u deploy:Gh7!kLp2x https://ci.example/api",
                "Gh7!kLp2x",
            ),
            (
                "net use Z: \\\\fs01\\share /user:CORP\\bob Wint3r!2026",
                "Wint3r!2026",
            ),
            ("PGPASSWORD=Pg9!xYz2 psql -h db1 -U app", "Pg9!xYz2"),
            ("Das Passwort lautet: Sonne#Mond42", "Sonne#Mond42"),
            ("le mot de passe est Soleil2026!", "Soleil2026!"),
            ("la contraseña es Playa_Sol_77", "Playa_Sol_77"),
            ("la password è Mare!2026x", "Mare!2026x"),
            ("het wachtwoord is Fiets!Regen9", "Fiets!Regen9"),
            ("\"password\": \"Js0n!Secret9\",", "Js0n!Secret9"),
            ("<password>Xml!Secret7</password>", "Xml!Secret7"),
            ("define('DB_PASSWORD', 'Wp!c0nfig22');", "Wp!c0nfig22"),
            ("Server=db1;User Id=sa;Password=Sql!Srv2026;", "Sql!Srv2026"),
            ("I changed the password to Hunter2!now", "Hunter2!now"),
            ("Password to the VPN: Vpn#2026xx", "Vpn#2026xx"),
        ] {
            assert_eq!(values(t), vec![v.to_string()], "{t}");
        }
        assert_eq!(values("Password:\n\n  Xy7!pq0Lm\n"), vec!["Xy7!pq0Lm"]);
    }

    #[test]
    fn near_misses_stay_clean() {
        for t in [
            "Please use the password reset link below.",
            "Your password must have 12 characters.",
            "I changed the password.",
            "Password: <password>",
            "password: ********",
            "PASSWORD=xxx",
            "DB_PASSWORD=changeme",
            "Failed password for root from 10.0.0.5 port 22 ssh2",
            "password_hash: $2b$12$KIXQ1p7uJ0y2sH5eJq5LzOe9y6Yb2x9Yc1fJxq5mYk3sZ4aGvW1xS",
            "user=bob password=5f4dcc3b5aa765d61d8327deb882cf99",
            "The password is in the vault.",
            "The password is case sensitive.",
            "Password: see the vault entry 'db1'.",
            "Password policy: minimum 12 characters, one digit.",
            "Your password expires in 5 days.",
            "Show me your boarding pass: gate B12",
            "password = os.getenv(\"DB_PASSWORD\")",
            "The password will be shared by phone.",
            "Passwort: wird telefonisch mitgeteilt",
            "Password: (sent separately)",
            "Enter your password: ____________",
            "password: ${DB_PASSWORD}",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", find(t));
        }
    }
}
