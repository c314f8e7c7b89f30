//! What the text around a value says about it: whether a link's host is a real server's or
//! documentation's, whether the text is a template of connection settings, whether it is a
//! meeting invitation and a password its passcode, whether a password word names a one-time
//! password, whether a setting's name says it holds a hash, whether a password is named like
//! its container's database. The rules in `text.rs` and `phrasing.rs` ask these before they
//! report a value.

use std::sync::OnceLock;

use regex::Regex;

/// Whether a link's host (after its `@`) is a real server's public name: a dotted name under
/// a top-level domain, not `localhost`, `db`, `example.com`, `host.example` or `<cluster>`.
pub(super) fn public_host(link: &str) -> bool {
    let host = link.rsplit('@').next().unwrap_or("");
    let host = host
        .split([':', '/', '?', ',', '"', '\''])
        .next()
        .unwrap_or("")
        .to_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && ![
            "test",
            "local",
            "localhost",
            "example",
            "invalid",
            "internal",
            "lan",
            "home",
        ]
        .contains(&tld)
        && !labels.iter().any(|l| {
            [
                "example", "host", "hostname", "server", "domain", "your", "xxx", "my", "cluster",
            ]
            .iter()
            .any(|w| l.starts_with(w))
        })
}

/// Whether a link's host is one of documentation's numbered ones: `example1.com`,
/// `example2.net` (several made-up servers side by side). A plain `example.com` may stand for
/// the real one in a mail written for a test, and a strong password after it still counts.
pub(super) fn example_host(link: &str) -> bool {
    let host = link.rsplit('@').next().unwrap_or("");
    host.split([':', '/', '?'])
        .next()
        .unwrap_or("")
        .to_lowercase()
        .split('.')
        .any(|l| {
            l.strip_prefix("example")
                .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()))
        })
}

/// Whether the text fills connection settings with documentation's names for them, in their
/// camel case: `myServerAddress`, `myDataBase`, `myUsername`, `myPassword` (not `mydb`, which
/// people name real databases).
pub(super) fn template_text(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?-u:\b)my(?:ServerAddress|Server|DataBase|Database|Username|UserName|User|Password|Pwd)(?-u:\b)")
            .expect("built-in pattern")
    })
    .is_match(text)
        || stand_in_settings(text) >= 2
}

/// How many secret settings in `text` hold a stand-in (`wifi_password: "YourPassword"`,
/// `api_key: "your-esphome-api-key"`): a README's `secrets.yaml` to fill in, whose one weak
/// value ("fallback123") is the author's sample too. (Empty values do not count: real
/// configurations leave unused ones empty.)
fn stand_in_settings(text: &str) -> usize {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r#"(?im)^[ \t>*-]*["']?[\w.-]*(?:pass|pwd|secret|key|token|psk)[\w.-]*["']?[ \t]*[:=][ \t]*(\S.*)$"#)
            .expect("built-in pattern")
    });
    re.captures_iter(text)
        .filter_map(|c| super::values::read_value(&c[1]))
        .filter(|(v, _, _)| !v.is_empty() && super::values::placeholder(v))
        .count()
}

/// A line that sets one thing: a name without spaces, then `:` or `=` (`ota_password: "x"`,
/// `const char* password = "x";`, `#define X "y"`).
fn setting_line(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r#"^(?:(?:const\s+)?[\w:<>]+\*?\s+\*?)?["']?[\w.$-]+["']?\s*(?::|=|\s+")"#,
        )
        .expect("built-in pattern")
    })
    .is_match(t)
}

/// The parts of `text` its author marks as samples: the settings after a comment that says so
/// ("# Placeholders for the check builds; nothing here is a real key", "// dummy values for
/// the tests"), up to the first line that is neither a setting nor a comment, or the settings
/// above one that speaks of them ("//Disclaimer: The information on top is not the real
/// connection details"). (Blank lines do not end them: an HTML body puts one after every
/// line.)
pub(super) fn declared_samples(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    const SAYS: &[&str] = &[
        "placeholder",
        "dummy",
        "fake",
        "not real",
        "not a real",
        "not the real",
        "sample values",
        "example values",
    ];
    // (A few substring looks first: most texts say none of it.)
    static SIGNS: super::ruleset::Signs = super::ruleset::Signs::new(&[
        "laceholder",
        "LACEHOLDER",
        "ummy",
        "UMMY",
        "fake",
        "Fake",
        "FAKE",
        "ot real",
        "ot a real",
        "ot the real",
        "OT REAL",
        "OT A REAL",
        "ample values",
    ]);
    if !SIGNS.any(text) {
        return out;
    }
    let mut at = 0;
    let mut open: Option<usize> = None;
    // Where the run of settings and comments the line stands in began (for a comment that
    // speaks of the lines above it).
    let mut run: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let comment = ["#", "//", "--", ";", "<!--", "/*", "*"]
            .iter()
            .any(|c| t.starts_with(c));
        let part_of_block = t.is_empty() || comment || setting_line(t);
        if open.is_some() && !part_of_block {
            if let Some(start) = open.take() {
                out.push(start..at);
            }
        }
        if open.is_none() && comment {
            let l = t.to_lowercase();
            if SAYS.iter().any(|w| l.contains(w)) {
                // ("//Disclaimer: The information on top is not the real connection details.")
                if ["above", "on top", "preceding", "previous"]
                    .iter()
                    .any(|w| l.contains(w))
                {
                    out.push(run.unwrap_or(at)..at);
                } else {
                    open = Some(at + line.len());
                }
            }
        }
        // (A line of code around the settings, `$config = array(`, keeps the run going.)
        run =
            if part_of_block || t.ends_with(['(', '[', '{', ',']) || t.starts_with([')', ']', '}'])
            {
                run.or(Some(at))
            } else {
                None
            };
        at += line.len();
    }
    if let Some(start) = open {
        out.push(start..text.len());
    }
    out
}

/// "password1" beside "user1", "password3-1" beside "user3-1": a sample numbered with its
/// user, as documentation lists several accounts; or one of a series ("password1" and
/// "password2" for two settings).
pub(super) fn numbered_sample(text: &str, value: &str) -> bool {
    let l = value.trim_matches(['"', '\'']).to_ascii_lowercase();
    if secret_series(text, &l) {
        return true;
    }
    let Some((w, n)) = ["password", "passwd", "pass", "pw"]
        .iter()
        .find_map(|w| l.strip_prefix(w).map(|n| (*w, n)))
    else {
        return false;
    };
    if n.is_empty()
        || !n.starts_with(|c: char| c.is_ascii_digit())
        || !n.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let alone = |i: usize, len: usize| {
        !lower[i + len..].starts_with(|c: char| c.is_ascii_alphanumeric())
            && !lower[..i].ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    let with_user = lower
        .match_indices(&format!("user{n}"))
        .any(|(i, m)| !lower[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()));
    // Another of the series: the same word with another number, standing alone.
    let series = lower.match_indices(w).any(|(i, _)| {
        let rest = &lower[i + w.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        digits > 0 && rest[..digits] != *n && alone(i, w.len() + digits)
    });
    with_user || series
}

/// One of a series of numbered names for a secret ("LlaveSecreta01" for one setting,
/// "LlaveSecreta02" for the next; "MySecret1", "MySecret2"): a word for a secret in any
/// language, a number, and another number of it standing alone in the text. (A season and a
/// year, "Summer2023" then "Summer2024", is an old password and its new one: no secret's word.)
fn secret_series(text: &str, l: &str) -> bool {
    let stem = l.trim_end_matches(|c: char| c.is_ascii_digit());
    let n = &l[stem.len()..];
    if n.is_empty()
        || stem.len() < 4
        || !stem
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_')
    {
        return false;
    }
    let secret_word = [
        "password",
        "passwd",
        "secret",
        "secreta",
        "secreto",
        "clave",
        "llave",
        "geheim",
        "passwort",
        "kennwort",
        "token",
        "senha",
        "wachtwoord",
        "parola",
        "motdepasse",
    ]
    .iter()
    .any(|w| stem.contains(w));
    if !secret_word {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    lower.match_indices(stem).any(|(i, _)| {
        let rest = &lower[i + stem.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        // (The stem alone counts when it is a name made of words: "testing-password" beside
        // "testing-password2".)
        (digits > 0 || stem.contains(['-', '_']))
            && rest[..digits] != *n
            && !rest[digits..].starts_with(|c: char| c.is_ascii_alphanumeric())
            && !lower[..i].ends_with(|c: char| c.is_ascii_alphanumeric())
    })
}

/// A detector's test vector: a phrase holding the value, then the value alone as what the
/// test expects, on one line (`{ "Das Passwort lautet X heute", "X" }`,
/// `("the password is X", "X")`).
pub(super) fn expected_value(text: &str, value: &str) -> bool {
    if value.len() < 4 {
        return false;
    }
    let alone = format!("\"{value}\"");
    text.lines().any(|line| {
        line.find(&alone).is_some_and(|at| {
            let before = &line[..at];
            before.contains(value)
                && before.trim_end().ends_with(',')
                && before.matches('"').count() >= 2
        })
    })
}

/// The values of a block its key names as an example (`example_requests: {`, `sample_config:`):
/// an API's documented request, a sample settings block. The block is the lines indented
/// deeper than its key.
pub(super) fn example_blocks(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    static KEY: OnceLock<Regex> = OnceLock::new();
    let key = KEY.get_or_init(|| {
        super::pattern::regex(r#"(?i)^([ \t]*)["']?[A-Za-z_]*(?:example|sample)[A-Za-z_]*["']?[ \t]*[:=][ \t]*[{\[]?[ \t]*$"#)
            .expect("built-in pattern")
    });
    // (Mail is full of "example.org" addresses: only the lines that end in a separator or a
    // bracket after the word are asked.)
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| {
        super::pattern::regex(
            r#"(?im)(?:example|sample)[A-Za-z_]*["']?[ \t]*[:=][ \t]*[{\[]?[ \t]*\r?$"#,
        )
        .expect("built-in pattern")
    });
    let Some(first) = word.find_iter(text).find_map(|m| {
        let start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let end = text[m.end()..]
            .find('\n')
            .map_or(text.len(), |i| m.end() + i);
        key.is_match(text[start..end].trim_end_matches('\r'))
            .then_some(start)
    }) else {
        return out;
    };
    let text_from = &text[first..];
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut at = first;
    // The block: its start, its key's indent, and the brackets still open when the key opened
    // one (an HTML body keeps no indents: the brackets tell where the block ends).
    let mut open: Option<(usize, usize, Option<i32>)> = None;
    for line in text_from.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some((start, depth, brackets)) = open.as_mut() {
            // (The closing bracket's line belongs to the block; a line back at the key's
            // indent does not.)
            let end = match brackets {
                Some(n) => {
                    for c in body.chars() {
                        match c {
                            '{' | '[' => *n += 1,
                            '}' | ']' => *n -= 1,
                            _ => {}
                        }
                    }
                    (*n <= 0).then_some(at + line.len())
                }
                None => (!body.trim().is_empty() && indent(body) <= *depth).then_some(at),
            };
            if let Some(end) = end {
                out.push(*start..end);
                open = None;
            }
        } else if let Some(c) = key.captures(body) {
            let brackets = body.trim_end().ends_with(['{', '[']).then_some(1);
            open = Some((at + line.len(), c[1].len(), brackets));
        }
        at += line.len();
    }
    if let Some((start, _, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// Whether the text is a meeting invitation as Zoom, Teams, Webex, GoToMeeting and Meet write
/// them ("Meeting ID: 845 1234 5678", a join link), or a telephone conference's as assistants
/// write them ("Dial-in: 1-800-...", "the conference bridge", "call-in number", or just a
/// North American telephone number beside the passcode, also spaced: "1- 312 - 555 - 0153").
pub(super) fn meeting_text(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)zoom\.us/[jsw]/|teams\.microsoft\.com/l/meetup|teams\.live\.com/meet|\.webex\.com/|gotomeeting\.com|gotomeet\.me|meet\.google\.com/|meeting[ -]id|meeting number\s*[:#(]?\s*\d|besprechungs-id|id de (?:la )?r[ée]union|id de la reuni[óo]n|id (?:della )?riunione|vergader-id|dial[- ]?in\b|call[- ]?in (?:number|no|#|info)|conference (?:call|bridge|line|number|phone)|(?:audio|tele)[- ]?conferenc|bridge (?:number|line)|participants? (?:dial|code|pin|passcode)|einwahl|numéro d'appel|número de acceso|(?-u:\b)1?[ (.-]*[2-9]\d\d[ ).\/-]+\d{3}(?:[ .-]| - )\d{4}(?-u:\b)")
            .expect("built-in pattern")
    })
    .is_match(text)
}

/// Whether a password's label names a meeting's passcode: every invitation carries one, for
/// all invitees, and it opens nothing but the meeting (a choice, like one-time codes: no
/// leak to rotate). "Meeting password" says so itself; "Passcode", "Kenncode", an "access
/// code", a "PIN" and a join link's `pwd=` only in an invitation, and not the host's or
/// leader's own ("Host PIN", "PIN for Alan only") nor a personal one (a voicemail's, a
/// card's, an alarm's). A pager's PIN is its number for callers.
pub(super) fn meeting_code(label: &str, invitation: bool) -> bool {
    static PAGER: OnceLock<Regex> = OnceLock::new();
    if PAGER
        .get_or_init(|| {
            super::pattern::regex(r"(?i)\bpager\b.{0,40}\bpin\b").expect("built-in pattern")
        })
        .is_match(label)
    {
        return true;
    }
    if meeting_code_host(label) {
        return false;
    }
    static OWN: OnceLock<Regex> = OnceLock::new();
    static IN: OnceLock<Regex> = OnceLock::new();
    OWN.get_or_init(|| {
        super::pattern::regex(r"(?i)meeting[- ]password|meeting[- ]passcode|meeting\s+(?:info(?:rmation)?|details)\W{0,3}(?:password|passcode)|meeting[- ]kennwort|besprechungs-?kennwort|mot de passe (?:de la )?r[ée]union|contrase[ñn]a de la reuni[óo]n|password (?:della )?riunione|wachtwoord van de vergadering")
            .expect("built-in pattern")
    })
    .is_match(label)
        || invitation
            && IN
                .get_or_init(|| {
                    super::pattern::regex(r"(?i)pass\s?code|kenncode|code secret|code d'acc[èe]s|c[óo]digo de acceso|[?&]pwd=|access\s+code|participant\s+(?:code|pin)|\bpin\b")
                        .expect("built-in pattern")
                })
                .is_match(label)
}

/// Whether a plain "password" in an invitation is the meeting's: its own line or one of the
/// three above speaks of the call ("The webcast can be accessed via ... the password is X", a
/// Webex link over "The password is: X", "Call Details" over the number, the leader and
/// "Password: X", "please dial one of the following numbers with the password of X"), and it
/// is no host's or leader's. Whole words: "subscribers calling from abroad" and "dialing"
/// speak of a help line, not of a call to join. Not a password under its account ("username:
/// x" on the line above: a site's login, whatever number is called) nor a voicemail's ("dial
/// the phone number ... and the password is X" for the voice mail).
pub(super) fn meeting_password(text: &str, label: &str) -> bool {
    static CALL: OnceLock<Regex> = OnceLock::new();
    static OWN: OnceLock<Regex> = OnceLock::new();
    let label = label.trim();
    let Some(at) = (!label.is_empty()).then(|| text.find(label)).flatten() else {
        return false;
    };
    let mut above = text[..at].rsplit('\n');
    let own = above.next().unwrap_or("");
    let previous: Vec<&str> = above.filter(|l| !l.trim().is_empty()).take(3).collect();
    let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
    // (And the two lines after it: "Meeting Info (password: X)" over the meeting's link.)
    let following: Vec<&str> = text[line_end..]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(2)
        .collect();
    let lines = format!(
        "{}\n{own}{}\n{}",
        previous.join("\n"),
        &text[at..line_end],
        following.join("\n")
    );
    CALL.get_or_init(|| {
        super::pattern::regex(r"(?i)conference|webex|webcast|simulcast|dial[- ]?in\b|\bdial (?:one|the|this|in|into|any)\b|call[- ]?in(?:to)?\b|\bcallers\b|call details|bridge|gotomeeting|zoom")
            .expect("built-in pattern")
    })
    .is_match(&lines)
        && !meeting_code_host(label)
        && !OWN
            .get_or_init(|| {
                super::pattern::regex(r"(?i)voice\s?mail|(?-u:\b)(?:user\s?-?(?:name|id)|log(?:in|on)(?:\s?(?:name|id))?)\s*(?:[:=-]|\bis\b)\s*\S")
                    .expect("built-in pattern")
            })
            .is_match(&format!("{}\n{own}", previous.first().copied().unwrap_or("")))
}

/// Whether a code's label names the host's, the leader's or a personal one.
fn meeting_code_host(label: &str) -> bool {
    static HOST: OnceLock<Regex> = OnceLock::new();
    HOST.get_or_init(|| {
        super::pattern::regex(r"(?i)\b(?:host|leader|chair(?:person)?|moderator|organi[sz]er|only|voice\s?mail|mailbox|card|bank|atm|alarm|safe|admin(?:istrator)?|account)\b")
            .expect("built-in pattern")
    })
    .is_match(label)
}

/// Whether the password word names a one-time password, as services mail them for a login or
/// a payment: "Your one-time password is 483920", "Einmalpasswort", "mot de passe à usage
/// unique", "contraseña de un solo uso", "password monouso", "eenmalig wachtwoord", "一次性密码".
/// It has expired by the time an audit reads it: nothing to rotate, like a reset link.
/// `upto` is the line up to the end of the password word, `after` what follows it.
pub(super) fn one_time(upto: &str, after: &str) -> bool {
    let b = upto.to_lowercase();
    let near = b
        .char_indices()
        .rev()
        .nth(29)
        .map_or(b.as_str(), |(j, _)| &b[j..]);
    let a = after.trim_start().to_lowercase();
    [
        "one-time",
        "one time",
        "onetime",
        "single-use",
        "single use",
        "einmal",
        "otp",
        "totp",
        "eenmalig",
        "一次性",
        "ワンタイム",
        "动态",
        "動態",
    ]
    .iter()
    .any(|w| near.contains(w))
        || [
            "à usage unique",
            "a usage unique",
            "de un solo uso",
            "de uso único",
            "monouso",
            "usa e getta",
        ]
        .iter()
        .any(|w| a.starts_with(w))
}

/// Whether `v` is also the value of the same text's database or user setting
/// (`-e MYSQL_PASSWORD=petclinic -e MYSQL_DATABASE=petclinic`): a README's throwaway
/// container, named after its application throughout.
pub(super) fn named_like_its_database(text: &str, v: &str) -> bool {
    text.match_indices(v).any(|(i, _)| {
        let after = text[i + v.len()..].chars().next();
        // The setting's name before `=`, `: ` or `": "` (YAML, JSON, an environment).
        let before = text[..i].trim_end_matches(['"', '\'']);
        let Some(before) = before
            .strip_suffix('=')
            .or_else(|| before.trim_end().strip_suffix(':'))
        else {
            return false;
        };
        let name: String = before
            .trim_end_matches(['"', '\''])
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        // (Another setting's: `DATABASE_PASSWORD="X"` is the password's own.)
        let own = ["PASS", "PWD", "SECRET", "KEY", "TOKEN"]
            .iter()
            .any(|w| name.contains(w));
        after.is_none_or(|c| c.is_whitespace() || "\"',;".contains(c))
            && !own
            && (name.contains("DATABASE") || name.ends_with("_DB") || name.ends_with("_USER"))
    })
}

/// Whether a setting's name says it holds a digest of the secret (`ADMIN_PASSWORD_HASH`,
/// `PASS_SHA256`), not the secret.
pub(super) fn names_a_hash(name: &str) -> bool {
    [
        "HASH",
        "DIGEST",
        "SHA",
        "MD5",
        "CRYPT",
        "SALT",
        "FINGERPRINT",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// A "token=" in a link's query (reset and tracking links carry one), or an audit rule's filter
/// key (`auditctl ... -F key=testsuite-1628`): no pasted secret.
pub(super) fn in_link_query(text: &str, m: Option<regex::Match<'_>>) -> bool {
    let Some(m) = m else { return false };
    let before = &text[..m.start()];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let word_start = before[line_start..]
        .rfind(|c: char| c.is_whitespace() || "\"'<(".contains(c))
        .map_or(line_start, |i| {
            line_start
                + i
                + before[line_start + i..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8)
        });
    let word = &text[word_start..m.start()];
    word.contains("://") && word.contains('?') && before.ends_with(['?', '&', ';'])
        || super::keyvalue::lookup_key(&before[line_start..], "")
}
