//! Logins given on one line, a user and its value side by side: "log in as X with Y",
//! "ID PW master X", "admin / X", "Admin: admin@example.com / X", "htpasswd 'u'/'X'",
//! "jdoe@example.org : X", and a login table in code (`'jdoe@example.org': 'X'` under a comment
//! about credentials), a user and its value after a login word ("log in with jdoe / X"), the
//! account and password each in brackets, a demo's weak word for a real account. Split from
//! phrasing, which asks each line that passed its trigger.

use super::around::file_name;
use super::context::public_host;
use super::labels::{
    about_wifi, address_colon_re, address_glued_re, admin_slash_re, id_pw_re, label_re,
    log_in_as_re, quoted_pair_re, wifi_slash_re,
};
use std::sync::OnceLock;

use regex::Regex;

use super::commands::login_re;
use super::follows::names_user_field;
use super::lower::Lower;
use super::values::{plausible, read_value, strong};
use super::words::{PREDICATES, STOPWORDS};

/// The (label, value) pairs of `line`, the `i`th of `lines`; `lc` is the line in ASCII lower
/// case.
/// A product's name and its version glued ("Ubuntu22.04", "CentOS7.9", "Windows2019",
/// "OpenSSH_9.6").
fn version_shaped(v: &str) -> bool {
    let digits = v.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let digits = digits.strip_prefix(['_', '-']).unwrap_or(digits);
    digits.len() < v.len()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

pub(super) fn user_and_value(
    lines: &[&str],
    i: usize,
    line: &str,
    lc: &Lower,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // "log in as 'testuser' with 'Test!User99'" (a quoted value is enough).
    let log_in_as = (lc.has(" as ") || lc.has("with user"))
        .then(|| log_in_as_re().captures(line))
        .flatten();
    // "ID PW master X", "id/pw: master // X", "192.168.0.1 master/X": a user and a strong
    // value after an ID/PW label or an address that starts the line.
    // (The regex wants "id" as a word: "holiday ... password" need not run it.)
    let labelled = (lc.has("pw") || lc.has("pass"))
        && lc
            .match_indices("id")
            .any(|(j, _)| lc[..j].ends_with(|c: char| c.is_whitespace() || c == '(') || j == 0);
    let pair = (labelled
        || line.starts_with(|c: char| c.is_ascii_digit())
        || [
            "rdp", "ssh", "sftp", "ftp", "vnc", "smb", "host", "server", "ip",
        ]
        .iter()
        .any(|w| lc.starts_with(w)))
    .then(|| id_pw_re().captures(line))
    .flatten()
    // Without an ID/PW label, an inventory line is no login: "10.0.0.5 web01 Ubuntu22.04"
    // names a host and its system.
    .filter(|c| labelled || !version_shaped(&c[1]))
    // (Nor is a log's sentence: "address record for 127.0.0.1 on lo.IPv4.".)
    .filter(|c| {
        let at = c.get(1).map_or(0, |m| m.start());
        let user = line[..at].trim_end_matches(['/', ' ']);
        let user = user.rsplit([' ', '/']).next().unwrap_or("");
        labelled || !STOPWORDS.contains(&user.to_lowercase().as_str())
    });
    // "admin / X", "RDP: host / administrator / X": a well-known account and a strong value.
    // ("Admin: admin@example.com / X": the role's label, then the account and its value.)
    let admin_slash = (line.contains('/')
        || line.contains(':') && (lc.has("admin") || lc.has("root")))
    .then(|| admin_slash_re().captures(line))
    .flatten()
    // (A field among colon-separated ones with a path after it is none:
    // "ACL:Administrator:ALLOWED/0x0/D"; a .pgpass line's "db:Admin:X" is one.)
    .filter(|c| {
        let whole = c.get(0).map_or("", |m| m.as_str());
        let next = c.get(1).map_or("", |m| {
            line[m.start()..].split_whitespace().next().unwrap_or("")
        });
        !(whole.starts_with(':') && !whole.contains('/') && next.contains('/'))
    })
    .and_then(|c| c.get(1))
    .map(|m| m.start())
    .and_then(|at| {
        let account = line[at..].split_whitespace().next().unwrap_or("");
        if account.contains('@') && account.contains('.') {
            let m = admin_slash_re().captures(&line[at..])?.get(1)?;
            Some(at + m.start())
        } else {
            Some(at)
        }
    });
    // "htpasswd 'creative'/'commons'": a quoted user and password on a line about logging in.
    // (With "and" between, the line must be about logging in: "pass 'timeo' and 'retrans'"
    // names two options.)
    let slash = line.contains('/')
        && [
            "pass", "auth", "login", "cred", "user", "benutzer", "account",
        ]
        .iter()
        .any(|w| lc.has(w));
    // (The login word comes before the items: "'uid' and 'creduid'" names two options.)
    let before_items = &lc[..lc.find(['\'', '"', '`']).unwrap_or(lc.len())];
    let and = (line.contains(" and ") || line.contains(" und "))
        && ["login", "log in", "cred", "account", "zugang"]
            .iter()
            .any(|w| before_items.contains(w));
    // ("Take into account the "appearance" and "local-name"": the idiom.)
    let quoted_pair = ((slash || and) && !lc.has("into account"))
        .then(|| quoted_pair_re().captures(line))
        .flatten();
    // "jdoe@example.org : X": an address and a strong value.
    let address_colon = line
        .contains('@')
        .then(|| address_colon_re().captures(line))
        .flatten();
    // "creds for the test tenant: qa@example.org:X": glued, on a line about logging in.
    // (The address must be there: a password word alone is not enough to look.)
    let address_glued = (line.contains('@')
        && (["cred", "login", "log in", "account", "zugang", "user"]
            .iter()
            .any(|w| lc.has(w))
            || label_re().is_match(line)))
    .then(|| address_glued_re().captures(line))
    .flatten()
    .and_then(|c| c.get(1))
    .map(|m| m.start())
    .filter(|&at| {
        let v = line[at..].split_whitespace().next().unwrap_or("");
        !v.contains(['/', '@']) && strong(v.trim_end_matches(['.', ',', ';', ')']))
    });
    // `'jdoe@example.org': 'X',` in a map under a comment about credentials or passwords:
    // an entry of a login table in code, whatever its value looks like.
    let map_entry = address_colon.as_ref().is_some_and(|c| {
        let m = c.get(0).expect("whole match");
        m.as_str().trim_start().starts_with(['\'', '"'])
            && line[m.end() - 1..].starts_with(['\'', '"'])
            && lines[i.saturating_sub(8)..i].iter().any(|l| {
                let l = l.to_lowercase();
                l.contains("cred") || label_re().is_match(&l)
            })
    });
    // "WLAN: Gast / X": a wireless network's name and its key.
    let wifi_slash = (line.contains(" / ") && about_wifi(line))
        .then(|| wifi_slash_re().captures(line))
        .flatten();
    let start = |c: Option<regex::Captures<'_>>| c.and_then(|c| c.get(1)).map(|m| m.start());
    for (at, quoted_enough, mixed_enough) in [
        (start(log_in_as), true, false),
        (start(pair), false, false),
        (admin_slash, false, true),
        (start(quoted_pair), true, false),
        (start(address_colon), map_entry, false),
        (address_glued, false, false),
        (start(wifi_slash), false, false),
    ] {
        let Some(at) = at else {
            continue;
        };
        let Some((v, quoted, continues)) = read_value(&line[at..]) else {
            continue;
        };
        // After "admin /" letters with digits are enough ("admin/admin123").
        // A passwd line or a clock is no account and password ("root:x:0:0:...").
        if mixed_enough && v.contains(':') {
            continue;
        }
        // A path: "root/dfs/link3", "acl,user_xattr /dev/sdb4" (a slash after a space must
        // have one after it too).
        if mixed_enough
            && (v.contains('/') || line[..at].ends_with('/') && line[..at - 1].ends_with(' '))
        {
            continue;
        }
        // Two files side by side: "inside block_ctrl_impl.cpp / block_ctrl.hpp".
        let account = line[..at]
            .trim_end_matches([' ', '/'])
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("");
        // (Nor is a constant: "NSFS_FILE_HANDLE_SIZE_LATEST / sizeof(u32)".)
        let constant = account.contains('_')
            && account
                .trim_start_matches('(')
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if mixed_enough
            && (constant || !account.contains('@') && file_name(account) || file_name(&v))
        {
            continue;
        }
        // Two names of one family are a list: "iso-tester / l2cap-tester", "`get_cred`/`put_cred`",
        // "test_progs / test_progs-no_alu32", "'ieee80211_find_x' and 'ieee80211_handle_x'". (Nor
        // a directory: "(cd root/x86_64; ...".)
        let item = line[..at]
            .split_whitespace()
            .rev()
            .find(|w| !["and", "und", "et", "y", "e", "en", "/", "&"].contains(w))
            .unwrap_or("");
        let cd = line[..at]
            .trim_end_matches([' ', '/'])
            .strip_suffix(account)
            .is_some_and(|b| b.trim_end().rsplit([' ', '(', ';', '&', '|']).next() == Some("cd"));
        if identifiers_alike(account, &v) || identifiers_alike(item, &v) || mixed_enough && cd {
            continue;
        }
        // ("administrator / 12345678!": digits and a sign will do; dates are no values.)
        let mixed = mixed_enough
            && v.chars().count() >= 6
            && v.chars().any(|c| c.is_ascii_digit())
            && v.chars()
                .any(|c| c.is_alphabetic() || (!c.is_alphanumeric() && !"-./,:".contains(c)))
            && !v.contains('/');
        if ((quoted && quoted_enough) || strong(&v) || mixed) && plausible(&v, quoted, continues) {
            out.push((line[..at].trim_end().to_string(), v));
        }
    }
    // "mit der Emailadresse (a@bc.de) und dem Passwort (qwe) anmelden": the account and its
    // password each in brackets after its word.
    if line.contains('(') {
        if let Some((at, v)) = bracketed_pair(line, lc) {
            out.push((line[..at].trim_end().to_string(), v));
        }
    }
    // "Demo Account: dev@shop.example.net / testing": a demo's weak word, given for a real
    // account.
    if lc.has("test") || lc.has("demo") {
        if let Some((at, v)) = weak_demo_value(&lines[..i], line, lc) {
            out.push((line[..at].trim_end().to_string(), v));
        }
    }
    // "credentials for the demo site:" / "test@example.org" / "X": a login's label, then
    // the account and its password alone on the next two lines.
    if line.ends_with(':')
        || lc.has("password")
            && (lc.has(" and ") || lc.has("&"))
            && (lc.has("id") || lc.has("user") || lc.has("log"))
    {
        if let Some(v) = login_block_below(line, &lines[i + 1..]) {
            out.push((line.to_string(), v));
        }
    }
    // An answer to a question about a password: "what's the jira pw again?" / "ben:
    // svc-jira / X" (a name, a slash between spaces and a strong value ending the line).
    if line.contains(['?', '？']) {
        if let Some(v) = answer_below(&lines[i + 1..]) {
            out.push((line.trim_end().to_string(), v));
        } else if let Some(v) = label_re()
            .is_match(line)
            .then(|| lone_answer_below(&lines[i + 1..]))
            .flatten()
        {
            out.push((line.trim_end().to_string(), v));
        }
    }
    out
}

/// A chat's answer to a question about a password: one value of letters and digits alone on
/// one of the next three short lines ("what's the demo's password?" / "tried admin/1234" /
/// "admin123").
fn lone_answer_below(below: &[&str]) -> Option<String> {
    below
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .take(3)
        .take_while(|l| l.chars().count() <= 40)
        .find(|l| {
            !l.contains(char::is_whitespace)
                && (6..=40).contains(&l.chars().count())
                && l.chars().any(|c| c.is_ascii_digit())
                && l.chars().any(|c| c.is_ascii_alphabetic())
                && !l.contains(['/', ':', '@', '.'])
                && plausible(l, false, false)
        })
        .map(|l| l.to_string())
}

/// The password of "user (X) and password (Y)" on a line about logging in, the account an
/// address or the line's verb one of logging in; Y one token that is no word of a sentence
/// ("password (optional)", "password (twice)").
fn bracketed_pair(line: &str, lc: &Lower) -> Option<(usize, String)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"(?i)\(\s*([^\s()]+)\s*\)[^()]{0,60}?(?:password|passwort|passwd|kennwort|mot de passe|contraseña|wachtwoord|parola)\s*\(\s*([^\s()]+)\s*\)")
            .expect("built-in pattern")
    });
    // (Two to 64 characters, then three to 64: checked here, as counted repeats of a
    // Unicode class are slow to compile.)
    let sized = |s: &str, min: usize| (min..=64).contains(&s.chars().count());
    let c = re
        .captures_iter(line)
        .find(|c| sized(&c[1], 2) && sized(&c[2], 3))?;
    let (account, v, at) = (&c[1], &c[2], c.get(2)?.start() - 1);
    let login = [
        "log in",
        "login",
        "sign in",
        "anmeld",
        "einlog",
        "connect",
        "zugang",
        "access",
        "connexion",
        "acceder",
        "acceso",
        "inlog",
        "accedi",
        // "The UserID ( jdoe ) and password ( X ) has been activated".
        "userid",
        "user id",
        "username",
        "activated",
    ]
    .iter()
    .any(|w| lc.has(w));
    let lv = v.to_lowercase();
    let word = STOPWORDS.contains(&lv.as_str())
        || PREDICATES.contains(&lv.as_str())
        || [
            "again",
            "twice",
            "confirm",
            "repeat",
            "hashed",
            "plain",
            "plaintext",
        ]
        .contains(&lv.as_str());
    // (Three letters or digits will do here: "Passwort (qwe)".)
    let short = v.chars().count() == 3
        && v.chars().all(char::is_alphanumeric)
        && !super::values::placeholder(v);
    ((account.contains('@') || login) && !word && (short || plausible(v, true, false)))
        .then(|| (at, v.to_string()))
}

/// Whether `address` names a real account: an address at a public host whose name is no
/// stand-in ("test@test.com", "demo@demo.com", "user@domain.com" are not).
fn concrete_address(address: &str) -> bool {
    let Some((local, host)) = address.split_once('@') else {
        return false;
    };
    let first = host.split('.').next().unwrap_or("").to_lowercase();
    !local.is_empty()
        && public_host(address)
        && ![
            "test", "testing", "demo", "example", "domain", "email", "mail", "company", "acme",
            "foo", "bar", "site", "mysite", "yoursite", "sample", "user", "gmail", "yahoo",
            "hotmail", "outlook",
        ]
        .contains(&first.as_str())
}

/// The weak word ("test", "testing", "demo") that a demo's real account has for password:
/// "Demo Account: dev@shop.example.net / testing" on a line about an account, or
/// "password: testing" under "username: dev@shop.example.net".
fn weak_demo_value(above: &[&str], line: &str, lc: &Lower) -> Option<(usize, String)> {
    const WEAK: &[&str] = &["test", "testing", "demo"];
    let address_in = |s: &str| {
        s.split(|c: char| c.is_whitespace() || "()<>,;'\"`".contains(c))
            .map(|w| w.trim_end_matches(['.', ':']))
            .find(|w| w.contains('@'))
            .is_some_and(concrete_address)
    };
    // "ADDRESS / WEAK" ends the line, which names an account.
    if let Some((head, v)) = line.trim_end().rsplit_once(" / ") {
        let account_word = ["account", "login", "cred", "demo", "user"]
            .iter()
            .any(|w| lc[..head.len()].contains(w));
        if account_word
            && WEAK.contains(&v.trim().to_lowercase().as_str())
            && head.split_whitespace().last().is_some_and(address_in)
        {
            return Some((head.len() + 3, v.trim().to_string()));
        }
    }
    // "password: WEAK" under a user's line that gives a real account.
    let (label, v) = line.trim().split_once(':')?;
    let label = label.trim().to_lowercase();
    let v = v.trim();
    let user_above = above
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .and_then(|l| l.split_once(':'))
        .is_some_and(|(k, a)| {
            let k = k.trim().to_lowercase();
            ["username", "user", "email", "e-mail", "login"].contains(&k.as_str())
                && address_in(a.trim())
        });
    (["password", "pass", "pw", "pwd"].contains(&label.as_str())
        && WEAK.contains(&v.to_lowercase().as_str())
        && user_above)
        .then(|| {
            (
                line.len() - line.trim_start().len() + line.trim().len() - v.len(),
                v.to_string(),
            )
        })
}

/// The strong value of "NAME / X" on the first line that has words in `below`.
fn answer_below(below: &[&str]) -> Option<String> {
    let next = below.iter().find(|l| !l.trim().is_empty())?.trim_end();
    let (name, v) = next.rsplit_once(" / ")?;
    let name = name.rsplit(char::is_whitespace).next()?;
    let ok = name.len() >= 2
        && name.chars().any(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "._@-\\".contains(c))
        && !v.contains(char::is_whitespace)
        && !v.contains('/')
        && strong(v)
        && plausible(v, false, false);
    ok.then(|| v.to_string())
}

/// The value of a login given as a block: `line` names credentials and ends with a colon (or
/// names IDs and passwords: "The following are id's and passwords for FLOASIS"), the next
/// line is one account (a name or an address), the one after it one plausible value.
fn login_block_below(line: &str, below: &[&str]) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    static IDS: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:^|[^\p{L}])(?:credentials?|creds|login(?:\s+(?:details|data|info))?|log-?in\s+details|zugangsdaten|anmeldedaten|identifiants|credenciales|credenziali|inloggegevens)(?:\s+[^:]{0,40})?:$")
            .expect("built-in pattern")
    });
    let ids = IDS.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:^|[^\p{L}])(?:id'?s|ids|user\s?ids?|user\s?names?|logins?|log-?ons?)\s+(?:and|&)\s+passwords?(?:\s+(?:for|to|of)\s+[^:.]{1,40})?(?:\s+(?:is|are))?\s*:?$")
            .expect("built-in pattern")
    });
    let line = line.trim_end();
    // (A sentence that introduces a list ends "to:": "makes the creds available to:".)
    if line.len() > 80 || line.ends_with(" to:") || !(re.is_match(line) || ids.is_match(line)) {
        return None;
    }
    let mut next = below
        .iter()
        .take(4)
        .map(|l| l.trim())
        .filter(|l| !l.is_empty());
    let (account, value) = (next.next()?, next.next()?);
    let single = |l: &str| !l.contains(char::is_whitespace) && !l.ends_with(':');
    let account_like = account.len() <= 64
        && account
            .chars()
            .all(|c| c.is_alphanumeric() || "._@+-\\".contains(c));
    if !(single(account) && single(value) && account_like) || value.contains('@') {
        return None;
    }
    let (v, quoted, _) = read_value(value)?;
    plausible(&v, quoted, false).then_some(v)
}

/// A user and its value after a login word on one line ("log in with jdoe / X", "the following
/// login credentials "jdoe" and "X"", "account: jdoe X" with a strong X): (label, value).
/// Whether the login word's user and value are prose: a compound's second half ("such as
/// logon-info and delegation-info"), or the word as a modifier of two plain words joined by
/// "and" ("limiting credential lifetime and scope").
fn prose_pair(line: &str, c: &regex::Captures<'_>, v: &str) -> bool {
    let (Some(m), Some(u)) = (c.get(0), c.get(1)) else {
        return false;
    };
    let before = &line[..u.start()];
    let compound = before.ends_with('-')
        && before[..before.len() - 1].ends_with(|ch: char| ch.is_alphabetic());
    let plain = |w: &str| !w.is_empty() && w.chars().all(|ch| ch.is_ascii_lowercase());
    let unlabelled = !line[m.start()..u.start()].contains([':', '=', '(', '\'', '"', '`']);
    let and = line[u.end()..m.end()].trim() == "and";
    compound || unlabelled && and && plain(u.as_str()) && plain(v)
}

pub(super) fn login_word_value(line: &str, lc: &Lower) -> Option<(String, String)> {
    const LOGIN_WORDS: &[&str] = &[
        "log", "cred", "zugang", "anmelde", "identif", "inlogg", "account", "konto", "compte",
        "cuenta", "user", "u/p", "benutzer", "connect", "anmelden", "sesi", "accedi",
    ];
    // (A value after a space alone must be strong, and so have a digit; any other needs a
    // sign or a joining word between user and value: a line with neither gives none.)
    let joined = line
        .bytes()
        .any(|b| b.is_ascii_digit() || b"/:,".contains(&b))
        || lc
            .split_whitespace()
            .any(|w| ["and", "und", "et", "y", "e", "en"].contains(&w));
    if !joined || !LOGIN_WORDS.iter().any(|w| lc.has(w)) {
        return None;
    }
    let c = login_re().captures(line)?;
    let m = c.get(0)?;
    let (v, quoted, continues) = read_value(&line[m.end()..])?;
    let u = c.get(1).map(|m| m.as_str()).unwrap_or("");
    // Only a space between user and value, or "account": a strong value only.
    let loose = c.get(2).is_some()
        || ["account", "konto", "compte", "cuenta"]
            .iter()
            .any(|w| m.as_str().to_lowercase().contains(w));
    let lu = u.to_lowercase();
    // (A third field is no password: keyctl's "logon cifs:d:testuser".)
    let ok = plausible(&v, quoted, continues)
        && (quoted || !v.contains(':'))
        && (!loose || strong(&v))
        && u.chars().count() <= 64
        && !STOPWORDS.contains(&lu.as_str())
        // ("change the login password, the ...": the field's word, no account.)
        && !["password", "passwd", "pwd", "pw", "pass", "passcode", "passwort"]
            .contains(&lu.as_str())
        // "Login ID: vweldon", "Logon name: jdoe": the word names the field; what follows is
        // the account, not its password.
        && !["id", "ids", "name", "names", "number", "no", "nr", "#"].contains(&lu.as_str())
        // "credentials aws_access_key: X": a secret setting's name, not an account.
        && !(lu.contains(['_', '-'])
            && ["key", "token", "secret", "pass", "pwd", "password"]
                .iter()
                .any(|w| lu.ends_with(w)))
        && !u.chars().all(|c| c.is_ascii_digit())
        // "credential file, ...", "credential management and ...": a noun.
        && ![
            "file", "files", "management", "manager", "store", "helper", "cache", "storage",
            "provider", "type", "types", "handling", "support", "caches",
        ]
        .contains(&lu.as_str())
        // "Credential Encryption/Decryption": two terms, not an account and its value.
        && !(u.chars().all(char::is_alphabetic)
            && v.chars().all(char::is_alphabetic)
            && super::follows::predicate_word(&lu)
            && super::follows::predicate_word(&v.to_lowercase()))
        // "log in with login "jdoe.x"", "with username X": the word names the field, and the
        // value after a space is the account's name.
        && !(c.get(2).is_some() && names_user_field(u))
        // "les identifiants E020001, E020003, E020022": a list of numbers of one shape.
        && !listed_alike(u, &v, line[m.end()..].trim_start().get(v.len()..).unwrap_or(""))
        && !prose_pair(line, &c, &v);
    ok.then(|| (m.as_str().trim().to_string(), v))
}

/// Whether two words are names of one family (both written with `_` or `-`, sharing the last
/// part or one beginning the other; or a name and its field): functions, test programs or
/// tools named side by side.
fn identifiers_alike(a: &str, b: &str) -> bool {
    let a = a.trim_matches(['`', '\'', '"', '(', ')']);
    let b = b.trim_matches(['`', '\'', '"', '(', ')', '.', ',']);
    let tail = |w: &str| w.rsplit(['_', '-']).next().map(str::to_lowercase);
    // ("'radio'/'radio_idx'": a name and its field, lower-case letters after the underscore.)
    let field = |a: &str, b: &str| {
        a.len() >= 3
            && b.strip_prefix(a)
                .and_then(|r| r.strip_prefix('_'))
                .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_lowercase()))
    };
    field(a, b)
        || a.contains(['_', '-'])
            && b.contains(['_', '-'])
            && (tail(a).is_some_and(|t| t.len() >= 3) && tail(a) == tail(b)
                || b.len() > a.len() && b.starts_with(a) && b[a.len()..].starts_with(['-', '_']))
}

/// Whether `user` and `value` have one shape (letters and digits in the same places) and a
/// third of that shape follows after a comma: items of a list, not an account and its password.
fn listed_alike(user: &str, value: &str, after: &str) -> bool {
    let shape = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => '9',
                c if c.is_alphabetic() => 'a',
                c => c,
            })
            .collect()
    };
    let third = after
        .strip_prefix(',')
        .map(|r| r.trim_start().split([',', ' ']).next().unwrap_or(""));
    shape(user) == shape(value)
        && user.chars().any(|c| c.is_ascii_digit())
        && third.is_some_and(|t| shape(t) == shape(value))
}
