//! The words and shapes around a password in a line: the password words themselves, the
//! separators after them, the sentences that announce a value on the next line, the quick
//! looks (trigger, Wi-Fi, "admin /", "log in as") that keep the careful rules off most lines,
//! and whether a word stands inside a link.

use std::sync::OnceLock;

use regex::Regex;

use super::values::is_cjk;
use super::words::{LABELS, PREFIXES};

pub(super) fn label_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(r"(?i){PREFIXES}(?:{LABELS})")).expect("built-in pattern")
    })
}

/// Whether the password word `line[start..end]` is a word of its own: "compass", "passport"
/// and "pinned" hold none. A long password word may have a name glued in front when a
/// separator follows ("ANYpassword=X"), German glues compounds ("Standardkennwort"), an
/// acronym glues its camel-case password (Metasploit's `SMBPass`, a setting's `FTPPwd`), and
/// Chinese, Japanese and Korean write no spaces between words.
pub(super) fn whole_label(line: &str, start: usize, end: usize) -> bool {
    let word = &line[start..end];
    if word.chars().next().is_some_and(is_cjk) {
        return true;
    }
    let glued_before = line[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphabetic);
    let compound = glued_before && {
        let l = word.to_lowercase();
        l == "kennwort" || l == "passwort"
    };
    // (Not a word in capitals: "MYPASSPHRASE" is a slot's name.)
    let acronym = glued_before
        && word.starts_with('P')
        && word[1..].starts_with(|c: char| c.is_ascii_lowercase())
        && {
            let head = line[..start]
                .trim_end_matches(|c: char| c.is_ascii_uppercase())
                .len();
            (2..=5).contains(&(start - head))
                && !line[..head]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        };
    let glued_ok = compound
        || acronym
        || (word.len() >= 6
            && glued_before
            && line[end..]
                .trim_start_matches(['"', '\''])
                .starts_with([':', '=']));
    let starts = glued_ok
        || !line[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
    let ends = !line[end..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    starts && ends
}

/// Separators between a password word (and what qualifies it) and the value.
pub(super) fn separator_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)^(?:=>|->|→|:=|::|[:=：|\t]|[-–—](?:\s|$)|(?:is|was|are|will\s+be|would\s+be|shall\s+be|should\s+be|must\s+be|needs\s+to\s+be|has\s+to\s+be|becomes|has\s+been\s+(?:set|changed|reset)\s+to|ist|war|lautet|wird|hei[ßs]t|est|était|sera|es|era|será|è|é|sarà|wordt|blijft|luidt|is\s+nu|adalah|ialah)(?:\s*:)?(?:\s|$)|(?:都|均)?(?:是|为|為)(?:：|:)?)",
        )
        .expect("built-in pattern")
    })
}

pub(super) fn verb_before(before: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)\b(?:changed?|set|reset|changing|updated?|overrides?|overridden|overwrites?|geändert|gesetzt|zurückgesetzt|changé|modifié|réinitialisé|cambiad[oa]|cambi[ée]|modificad[oa]|cambiat[oa]|modificat[oa]|impostat[oa]|gewijzigd|veranderd|ingesteld)\b")
            .expect("built-in pattern")
    })
    .is_match(before)
}

/// Password words alone on their line: the value is on the next line ("Password:\nXy7!").
pub(super) fn label_only(line: &str) -> bool {
    // A label alone on its line is short: most lines are not looked at further.
    if line.len() > 72 {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(
            r"(?i)^(?:(?:the|your|new|initial|temporary|admin|root|das|ihr|le|votre|la|tu|su|il|het|je)\s+{PREFIXES}(?:{LABELS})(?:\s*\([^)]*\))?\s*[:=：]?|(?:[\p{{L}}\p{{N}}'-]+\s+){{0,3}}{PREFIXES}(?:{LABELS})(?:\s*\([^)]*\))?\s*[:=：]|{PREFIXES}(?:{LABELS})(?:\s*\([^)]*\))?)\s*$"
        ))
        .expect("built-in pattern")
    })
    .is_match(line)
}

/// A Wi-Fi key's label alone on its line ("WLAN-Netzwerkschlüssel", "WPA2 key:"), on a line
/// about a wireless network: the key is on the next line.
pub(super) fn wifi_key_only(line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    line.len() <= 40
        && R.get_or_init(|| {
            super::pattern::regex(r"(?i)^(?:wlan|wi-?fi|wpa2?|wireless)[- ]?(?:netzwerk|network)?[- ]?(?:schlüssel|key|psk|passwort|password|kennwort)\s*[:=]?\s*$")
                .expect("built-in pattern")
        })
        .is_match(line)
}

/// A Wi-Fi network's label alone on its line ("Wi-Fi:", "Gäste-WLAN", "Wireless network:"):
/// the network's name and then its key follow on the next lines.
pub(super) fn wifi_label_only(line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    line.len() <= 30
        && R.get_or_init(|| {
            super::pattern::regex(r"(?i)^(?:guest\s+|gäste-?|gast-?|invités?\s+)?(?:wi-?fi|wlan|wireless)(?:[- ](?:network|netzwerk|netz|access|zugang))?(?:\s*\((?:guest|gäste|gast)\))?\s*[:：]?\s*$")
                .expect("built-in pattern")
        })
        .is_match(line)
}

/// A sentence of any length that ends in a password word and a colon ("All accounts use the
/// same default password:"): the value is on the next line.
pub(super) fn label_then_colon(line: &str) -> bool {
    if line.len() > 160 || !line.ends_with([':', '：']) {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(
            r"(?i)(?:^|[^\p{{L}}]){PREFIXES}(?:{LABELS})\s*[:：]$"
        ))
        .expect("built-in pattern")
    })
    .is_match(line)
}

/// What a chat answer pasted from the web leaves between a label and its value: the code
/// box's language tag and its buttons ("nginx", "Copy", "Edit", "Copy code").
pub(super) fn copy_button(line: &str) -> bool {
    [
        "copy",
        "copy code",
        "edit",
        "kopieren",
        "code kopieren",
        "copier",
        "copier le code",
    ]
    .contains(&line.to_lowercase().as_str())
}

/// A sentence that ends by announcing the value: "the password for the FTP is", "das
/// Kennwort lautet:".
pub(super) fn label_ends_line(line: &str) -> bool {
    let last = line
        .trim_end_matches([':', ' '])
        .rsplit(' ')
        .next()
        .unwrap_or("")
        .to_lowercase();
    if ![
        "is", "are", "be", "lautet", "ist", "est", "es", "è", "blijft", "wordt",
    ]
    .contains(&last.as_str())
    {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(
            r"(?i)(?:^|[^\p{{L}}]){PREFIXES}(?:{LABELS})(?:\s+[\p{{L}}\p{{N}}'-]+){{0,5}}?\s+(?:is|are|will\s+be|lautet|ist|est|es|è|blijft|wordt)\s*:?$"
        ))
        .expect("built-in pattern")
    })
    .is_match(line)
}

/// A well-known account name, a slash (or a colon, no space), and what follows it
/// ("admin/X", "`admin` / `X`", "admin:X"); or
/// a test account's name or an address, a slash between spaces, and what follows
/// ("`testuser` / `X`", "ops@example.org / X").
pub(super) fn admin_slash_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?:^|[\s:(,|])(?:[`'"*]?(?:admin|administrator|root)[`'"*]?\s*/|(?:admin|administrator|root):|[`'"]?(?:[A-Za-z0-9_.-]*(?:admin|user|root|test|demo|guest)[A-Za-z0-9_.-]*|[A-Za-z0-9_.+-]+@[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+)[`'"]?\s+/)\s*(\S)"#)
            .expect("built-in pattern")
    })
}

/// A quoted user and a quoted password with a slash or "and" between, as for a site's basic
/// authentication: "protected by htpasswd 'creative'/'commons'", "these credentials should
/// work now `guest@example.com` and `guestpass`".
pub(super) fn quoted_pair_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r#"(?:^|[\s(:=])['"`][A-Za-z0-9_.@+-]{2,40}['"`]\s*(?:/|\s(?:and|und|et|y|e|en)\s)\s*(['"`][^'"`\s]{3,60}['"`])"#,
        )
        .expect("built-in pattern")
    })
}

/// An address, a colon between spaces, and what follows: "jdoe@example.org : X" (a strong
/// value only; "user@host:path" has no space).
pub(super) fn address_colon_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?:^|[\s(`'\x22])[A-Za-z0-9_.+-]+@[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]*[A-Za-z0-9_][`'\x22]?(?:\s+:\s*|:\s+)(\S)")
            .expect("built-in pattern")
    })
}

/// An address glued to its value by a colon ("qa-admin@contoso-test.com:Qa!Tenant2026"), as
/// credential lists and combo files write them; `user@host:path` is scp's, so callers ask for
/// a login word on the line and a strong value without a slash.
pub(super) fn address_glued_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?:^|[\s(`'\x22])[A-Za-z0-9_.+-]+@[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]*[A-Za-z]:([^\s/:])",
        )
        .expect("built-in pattern")
    })
}

/// A name in code with a password word inside it, given a quoted literal: `const SenhaCerta =
/// "X"`, `adminPassword: 'X'` (names that describe the password are left out).
pub(super) fn camel_assign_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?:^|[\s,;({.$@])([A-Za-z_]*(?:Senha|senha|Password|password|Passwort|passwort|Pass|pass|Pwd|pwd|Kennwort|kennwort|Clave|clave)([A-Z][A-Za-z]*)?)\s*[:=]\s*["'`]"#)
            .expect("built-in pattern")
    })
}

/// "log in as USER with PASSWORD" and its relatives.
pub(super) fn log_in_as_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?:log\s*-?in|sign\s*-?in|connect)\s+(?:as|with\s+user)\s+['"]?[\w.@\\-]+['"]?\s+(?:with|and|using|/)\s+(?:(?:the\s+)?password\s+)?(\S)"#)
            .expect("built-in pattern")
    })
}

/// A line about a wireless network.
fn wifi_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)wi-?fi|wlan|wpa|ssid|wireless").expect("built-in pattern")
    })
}

/// The text of `line` from `n` characters before `start` to `n` after `end`.
pub(super) fn near_chars(line: &str, start: usize, end: usize, n: usize) -> &str {
    let from = line[..start]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(k, _)| k);
    let to = line[end..]
        .char_indices()
        .nth(n)
        .map_or(line.len(), |(k, _)| end + k);
    &line[from..to]
}

/// Whether the line is about a wireless network: one of `wifi_re`'s words is a word of its own
/// (not `rtlwifi`, `nxpwifi_ie` or `wpa_dbus`; `wlan0` is) and no patch subject's subsystem
/// (`wifi: rtw89: Move code`).
pub(super) fn about_wifi(line: &str) -> bool {
    wifi_re().find_iter(line).any(|m| {
        let word_start = !line[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = &line[m.end()..];
        // (Nor inside an identifier: `wpa_dbus_dict_get_entry`.)
        let word_end = !after.starts_with(|c: char| c.is_alphabetic() || c == '_');
        let subsystem = after.strip_prefix(": ").is_some_and(|r| {
            r.split_whitespace().next().is_some_and(|w| {
                w.len() > 1
                    && w.ends_with(':')
                    && w[..w.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
            })
        });
        word_start && word_end && !subsystem
    })
}

/// A wireless network's name and its key after a slash: "WLAN: Gast / X", "Wi-Fi: Office-5G /
/// X" (the key's start is the capture).
pub(super) fn wifi_slash_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)(?:^|[\s(])(?:wi-?fi|wlan|ssid|wireless)(?:[ 	]+[\w-]+){0,2}[ 	]*:[ 	]*[^/\s][^/
]{0,31}?[ 	]+/[ 	]+(\S)",
        )
        .expect("built-in pattern")
    })
}

/// The key of a wireless network.
pub(super) fn wifi_key_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)(?:network\s+|wpa2?[\s-]|netzwerk)?(?:key|schlüssel|psk|code|c[oó]digo|codice)",
        )
        .expect("built-in pattern")
    })
}

/// Whether the word at `start` stands inside a link: its run of non-blank characters has a
/// scheme, a `www.` host or a query's `?` before it.
pub(super) fn in_link(line: &str, start: usize) -> bool {
    let run = line[..start]
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    run.contains("://")
        || run.contains('?')
        || run.to_ascii_lowercase().starts_with("www.")
        // (A link wrapped onto the next line keeps its query's "&" before the key.)
        || run.contains('&')
}

/// Strips what mail and chat put in front of a line: quote marks, bullets, list numbers.
pub(super) fn content(line: &str) -> &str {
    // Binary read as text (a mislabelled part) says nothing; nor does a line of base64 as
    // armour and MIME wrap it (64 and 76 characters): "Psk/ZQ1n..." is no label.
    if line.contains('\u{fffd}')
        || line.as_bytes().contains(&0)
        || (line.len() >= 60
            && line
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)))
    {
        return "";
    }
    let line = line
        .trim_start_matches(|c: char| {
            c.is_whitespace() || ">*•·-–#".contains(c) || (!c.is_ascii() && !c.is_alphanumeric())
        })
        .trim_end();
    // A Markdown code fence ("```", "```bash") is no line of its own.
    if line.starts_with("```") || line.starts_with("~~~") {
        return "";
    }
    // (Nor is a line of a git binary patch: base85, with signs no link or JSON has alone.)
    if line.len() >= 60
        && !line
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b"\"':/.,".contains(&b))
        && line
            .bytes()
            .filter(|b| b"{}|~^`<>;!()*$%&#?@".contains(b))
            .count()
            >= 3
    {
        return "";
    }
    line
}

/// What every line a rule takes contains: a password word's stem, a login word, or a command
/// line's option.
pub(super) fn trigger_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)pass|pw|psw|kennw|mot\s+de\s+passe|mdp|contrase|clave|senha|parola|wachtw|l[öo]senord|adgangskode|salasana|has[łl]o|heslo|jelsz|пароль|парола|密码|密碼|[帐账賬][号號户戶]?密|口令|パスワード|비밀번호|ifre|parol|sandi|kh[ẩa]u|κωδικ|pin|login|log-in|logon|cred|zugang|anmelde|identifiant|inlogg|(?-u:\b)u\s*[:=]|/u(?:ser)?:|\s-[pPaUw]|/p:|--user|_pwd|echo\s|wi-?fi|wlan|wpa|(?:admin|administrator|root)(?:[`'\x22*]?\s*/|:\S)|(?:user|test|demo|guest)[A-Za-z0-9_.-]*[`'\x22]?\s+/|@[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]*[A-Za-z0-9_][`'\x22]?(?:\s+[:/]|:\s)|(?m:^)(?:(?:rdp|ssh|sftp|ftp|vnc|smb|host|server|ip)[:\s]+)?(?:\d{1,3}\.){3}\d{1,3}[\s,]|p/w|paas|pasw|key|psk|schlüssel|log\s*-?in|account|connectez|accedi|sesi[oó]n|impacket|sqlplus|sqlldr|expdp|impdp|dgmgrl|rman\s+target|identified\s+by|authinfo|net\s+user\s|\.[a-z]{2,}/[a-z0-9_.$-]+:\S")
            .expect("built-in pattern")
    })
}

/// A user and a value after an ID/PW label ("ID PW master X", "id pw master // X",
/// "ID / PW : db / X"), or after an IPv4 address that starts the line and nothing else
/// ("192.168.0.1 master/X", "IP ID PW 192.168.0.1 master X"), or after a protocol's name and
/// an address ("RDP 10.0.0.5 administrator X").
pub(super) fn id_pw_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:(?:^|[\s(])id\s*/?\s*(?:pw|pwd|pass|passwd|password)(?-u:\b)\s*[:=]?\s*(?:(?:\d{1,3}\.){3}\d{1,3}\s+)?[A-Za-z0-9_.@-]+|^(?:(?:rdp|ssh|sftp|ftp|vnc|smb|host|server|ip)[:\s]+)?(?:\d{1,3}\.){3}\d{1,3}[\s,]+[A-Za-z0-9_.@-]*[a-z][A-Za-z0-9_.@-]*)\s*(?://?|\s)\s*(\S+)\s*$")
            .expect("built-in pattern")
    })
}

/// A field's name alone on its line, with no value: "Username", "Benutzername:", "E-Mail".
pub(super) fn bare_field_name(line: &str) -> bool {
    let l = line
        .trim()
        .trim_end_matches([':', '：'])
        .trim()
        .to_lowercase();
    [
        "username",
        "user name",
        "user",
        "login",
        "e-mail",
        "email",
        "benutzername",
        "benutzer",
        "nutzername",
        "utilisateur",
        "identifiant",
        "usuario",
        "nombre de usuario",
        "utente",
        "nome utente",
        "gebruikersnaam",
        "gebruiker",
        "account",
        "host",
        "server",
    ]
    .contains(&l.as_str())
}

/// Whether the line so far says what follows is an example: "if I had, for example, this as
/// my password: X", "z. B. das Passwort X", "never use X".
pub(super) fn example_before(before: &str) -> bool {
    // The words, each literal, in one pattern: one search over the sentence instead of one per
    // word (this look runs for most lines that hold a password word).
    static WORDS: OnceLock<Regex> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let alternation: Vec<String> = EXAMPLE_WORDS.iter().map(|w| regex::escape(w)).collect();
        super::pattern::regex(&alternation.join("|")).expect("built-in pattern")
    });
    let sentence = before
        .char_indices()
        .rev()
        .nth(100)
        .map_or(before, |(j, _)| &before[j..])
        .to_lowercase();
    words.is_match(&sentence) || said_if(&sentence)
}

/// What makes the rest of a sentence an example (`example_before`).
const EXAMPLE_WORDS: &[&str] = &[
    "for example",
    "for instance",
    "e.g.",
    "ex.)",
    "zum beispiel",
    "z.b.",
    "z. b.",
    "beispielsweise",
    "par exemple",
    "por ejemplo",
    "ad esempio",
    "per esempio",
    "bijvoorbeeld",
    // "An example of a valid password would be:", "example of good password: X".
    "an example",
    "example of",
    "examples of",
    "beispiel für",
    "exemple de",
    "ejemplo de",
    "ein beispiel",
    "un exemple",
    "un ejemplo",
    "un esempio",
    "een voorbeeld",
    // Advice with an example of what not to do: "never use Password1! as your password",
    // "common passwords like "Summer2024!" are banned".
    "such as",
    "passwords like",
    "password like",
    "never use",
    "don't use",
    "do not use",
    "avoid using",
    // Documentation's "your link would look like: mailto://bob:abc123@...".
    "would look like",
    "should look like",
    "looks like this",
    "look like this",
    // "This will result in something like `Authorization: Basic ...`"; "Example: `...`".
    "something like",
    "example:",
    // A comparison's examples: "passphrases as complex as: MyRestaurant2017".
    "as complex as",
    "as simple as",
    "as easy as",
    "as weak as",
    "as obvious as",
];

/// Whether line `i` stands in a block that a line above introduces as an example ("It's
/// possible to do something like...", "# ex.) Windows", "For example:"), with no blank line
/// between them. `memo` holds what each line above is, judged once when first asked (a
/// reply's "... wrote:" line sits above many password lines).
pub(super) fn shown_as_example(lines: &[&str], i: usize, memo: &mut [Above]) -> bool {
    for j in (i.saturating_sub(6)..i).rev() {
        if memo[j] == Above::Unknown {
            let t = lines[j].trim();
            let heading =
                t.ends_with(':') || t.ends_with("...") || t.ends_with('…') || t.starts_with('#');
            memo[j] = if t.is_empty() {
                Above::Blank
            } else if t.len() <= 120 && heading && example_before(t) && !own_shown(t) {
                Above::Introduces
            } else {
                Above::Other
            };
        }
        match memo[j] {
            Above::Blank => return false,
            Above::Introduces => return true,
            _ => {}
        }
    }
    false
}

/// Whether a heading shows the writer's own data the way it is: "The code to produce my
/// credentials object looks like this:", "our config looks like this:" (not an example).
fn own_shown(heading: &str) -> bool {
    let l = heading.to_lowercase();
    l.contains("like this")
        && l.split(|c: char| !c.is_alphanumeric())
            .any(|w| ["my", "our", "mine", "ours"].contains(&w))
}

/// What a line is to the lines below it (`shown_as_example`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Above {
    Unknown,
    Blank,
    Introduces,
    Other,
}

/// "If the onboarding mail says "your password is X", …": what a mail would say, in a
/// condition not yet closed by a comma; or a supposition ("if your email was bob@… and your
/// password X").
fn said_if(sentence: &str) -> bool {
    sentence.match_indices("if ").any(|(k, _)| {
        let rest = &sentence[k..];
        !sentence[..k].ends_with(|c: char| c.is_alphabetic())
            // (A dot inside an address or a name does not end the sentence.)
            && !rest.contains([',', ';'])
            && !rest.contains(". ")
            && ([" says", " said", " reads", " shows", " tells"]
                .iter()
                .any(|w| rest.contains(w))
                // A supposition: "so if your email was bob@... and your password X".
                || (rest.starts_with("if your ") || rest.starts_with("if you "))
                    && [" was ", " were "].iter().any(|w| rest.contains(w)))
    })
}

/// A Wi-Fi network's key as 64 hex digits (the PSK wpa_passphrase derives, which nmcli and
/// wpa_supplicant take as they take the passphrase) after a password word at `at`, on a line
/// about the network (`nmcli d wifi connect B8:6A:.. password 345c...`) or after a `psk`
/// setting (wpa_supplicant.conf's `psk=b757...`). Elsewhere 64 hex digits are a digest.
pub(super) fn wifi_hex_key(line: &str, at: usize, label: &str) -> Option<(usize, String)> {
    let rest = line[at..].trim_start_matches(|c: char| c.is_whitespace() || "=:\"'".contains(c));
    let v = rest
        .split(|c: char| c.is_whitespace() || "\"'".contains(c))
        .next()?;
    let about_wifi = label.to_ascii_lowercase().ends_with("psk") || about_wifi(line);
    (v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) && about_wifi)
        .then(|| (line.len() - rest.len(), v.to_string()))
}
