//! Whether what follows a password word is a password: placeholders (`<password>`,
//! `********`, `$VAR`, `changeme`), hashes from logs, links and addresses, ordinary words that
//! continue a sentence, numbers with units. Reading the value itself is `values/read.rs`.

use std::sync::OnceLock;

use regex::Regex;

use super::code::{code_expression, is_variable};
use super::words::{PLACEHOLDERS, STOPWORDS};

use kinds::errno;
pub(super) use kinds::{mechanism, openpgp_key_id};
pub(super) use read::{aside, read_value};

mod kinds;
mod names;
mod read;

use names::{
    camel_description, capitals_at_random, describes_itself, length_of_one, names_itself,
    slot_in_capitals, snake_stand_in, stand_in_name, stand_in_with_digits, word_at_digits,
};

/// `v` without the quotes and punctuation around it.
fn trim_marks(v: &str) -> &str {
    v.trim_matches(|c: char| "\"'`.,;:!?()[]{}".contains(c))
}

/// Words that name a setting rather than give its value: "set the requirepass parameter".
const SETTING_WORDS: &[&str] = &[
    "parameter",
    "parameters",
    "option",
    "options",
    "directive",
    "setting",
    "settings",
    "variable",
    "field",
    "argument",
    "attribute",
    "property",
];

/// Whether `v` is made of stand-in words only: "host user:pass", "user:password", "foo baar",
/// "foo-bar-baz".
fn stand_in_words(l: &str) -> bool {
    const WORDS: &[&str] = &[
        "host", "hostname", "server", "domain", "port", "user", "username", "login", "pass",
        "password", "passwd", "pwd", "secret", "token", "foo", "bar", "baar", "baz", "qux",
        // ("foo 123": a stand-in and a count.)
        "123", "1234", "12345",
    ];
    let mut words = l.split([' ', ':', '@', '/', '-']).filter(|w| !w.is_empty());
    let first = words.next();
    first.is_some() && l.contains([' ', ':', '@', '/', '-']) && {
        let all = std::iter::once(first.unwrap_or("")).chain(words);
        all.clone().all(|w| WORDS.contains(&w)) && all.count() >= 2
    }
}

/// Whether `v` stands in for a password rather than being one.
pub(super) fn placeholder(v: &str) -> bool {
    // A template's variable escaped for a shell or a heredoc: `\${password}`; or spliced into
    // a single-quoted argument (`'{"Password":"'${pw}'"}'`).
    let v = v
        .strip_prefix('\\')
        .filter(|r| r.starts_with('$'))
        .unwrap_or(v);
    let v = v
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .filter(|r| r.starts_with('$'))
        .unwrap_or(v);
    // (A value quoted from C keeps its escape: `--password=pass\n`.)
    let v = v.strip_suffix("\\n").unwrap_or(v);
    let trimmed = trim_marks(v);
    let l = trimmed.to_lowercase();
    if l.chars().count() < 3 {
        return true;
    }
    let masked = |c: char| "*•●·xX._-#?+~".contains(c);
    // "XXX1", "xxxx2": a stand-in numbered.
    let numbered_x = l
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .strip_prefix("xxx")
        .is_some_and(|r| r.chars().all(|c| c == 'x'));
    // "grupoXX", "userX": a name with crosses where its number goes.
    let crossed_slot = {
        let name = trimmed.trim_end_matches('X');
        (1..=4).contains(&(trimmed.len() - name.len()))
            && name.len() >= 3
            && name.chars().all(|c| c.is_ascii_lowercase())
    };
    // "yyyyyyyyyy", "$$$$$$$$": one letter or sign typed over and over where the value was.
    let one_letter = (l.chars().count() >= 6 && l.chars().all(|c| c.is_alphabetic())
        || l.chars().count() >= 3 && l.chars().all(|c| !c.is_alphanumeric()))
        && l.chars().all(|c| l.starts_with(c));
    // "ADDRESS", "LISTNAME": documentation's name for what goes there.
    let named_slot = v.chars().count() >= 4
        && v.chars().all(|c| c.is_ascii_uppercase())
        && !capitals_at_random(v)
        && slot_in_capitals(v);
    l.chars().all(masked)
        || numbered_x
        || crossed_slot
        || named_slot
        || one_letter
        || (v.starts_with('<') && v.ends_with('>'))
        || v.starts_with('(')
        || v.starts_with('[')
        // A note in emphasis where the value would be: "*(your VPS credential)*".
        || v.strip_prefix(['*', '_']).is_some_and(|r| r.starts_with(['(', '[', '<']))
        || is_variable(v)
        || (v.starts_with('!') && v[1..].chars().all(|c| c.is_ascii_alphabetic()))
        || (l.chars().count() >= 3 && l.chars().all(|c| "eoc•●*·.0".contains(c)))
        || v.starts_with("${")
        // A client's command or a path's first part: "/quote", "/join", "/etc".
        || (v.len() > 2 && v.starts_with('/') && v[1..].chars().all(|c| c.is_ascii_alphabetic()))
        || v.starts_with("$(")
        // A command's output: "`cat /run/secrets/pw`".
        || (v.len() > 2 && v.starts_with('`') && (v.ends_with('`') || v.contains(' ')))
        || v.starts_with("{{")
        || v.starts_with("%(")
        || (v.starts_with('%') && v.ends_with('%') && v.len() > 2)
        || v.contains("{{")
        // A shell's expansion inside it: `\$wlan${idx}_key`, "set x.key=${wlan_key}".
        || v.contains("${")
        || v.starts_with("$_")
        || v.starts_with("os.")
        || v.starts_with("env.")
        || v.starts_with("process.env")
        || v.starts_with("getenv")
        || v.starts_with("${{")
        || l.starts_with("your")
        // "xxxpw", "xxx-secret": a stand-in that starts with crosses; "change-me-too" (but a
        // temporary password with digits, "ChangeMe2031!", is one).
        || l.starts_with("xxx")
        || ["changeme", "change-me", "change_me"].iter().any(|p| {
            l.strip_prefix(p)
                .is_some_and(|r| r.chars().all(|c| c.is_ascii_lowercase() || "-_".contains(c)))
        })
        // What to put there: "enter key", "insert password", "put your token here".
        || ["enter ", "insert ", "put "].iter().any(|w| l.starts_with(w))
        // "account-token", "api-secret": a word naming what goes there, then its kind.
        || l.rsplit_once(['-', '_']).is_some_and(|(a, w)| {
            ["token", "secret", "key", "password"].contains(&w)
                && (2..=12).contains(&a.len())
                && a.chars().all(|c| c.is_ascii_lowercase())
        })
        || (l.ends_with("here")
            && ["pass", "pw", "secret", "key"]
                .iter()
                .any(|w| l.contains(w)))
        || l.starts_with("<")
        || l.contains("****")
        || l.contains("xxxx")
        // A value masked from some point on: "5Te8Y4####################".
        || ["####", "••••", "●●●●"].iter().any(|m| l.contains(m))
        // The alphabet in order, as a format's example shows it: "abcd efgh ijkl mnop".
        || alphabet_run(&l)
        // A field's name where its value would be: "username: username / password: username".
        || ["username", "user_name", "userid", "login", "email"].contains(&l.as_str())
        || l.contains("...")
        || l.contains("…")
        // Documentation's own stand-ins: AWS's `AKIAIOSFODNN7EXAMPLE`, Slack's
        // `xoxb-not-a-real-token-this-will-not-work`, `fake_api_key_123`.
        // What a sharer put in the value's place: "***REMOVED SENSITIVE VALUE***".
        || (v.starts_with("***") && v.ends_with("***"))
        || ["example", "not-a-real", "notareal", "fake", "dummy", "placeholder", "redacted"]
            .iter()
            .any(|w| l.contains(w))
            && !word_at_digits(&l)
        || WELL_KNOWN_SAMPLES.iter().any(|w| v.contains(w))
        || PLACEHOLDERS.contains(&l.as_str())
        || (stand_in_with_digits(&l) && !v.chars().any(|c| c.is_uppercase()))
        || length_of_one(&l)
        || stand_in_name(&l, trimmed)
        || code_expression(v)
        || names_itself(&l)
        || snake_stand_in(&l)
        || describes_itself(trimmed)
        || camel_description(trimmed)
        || encoded_stand_in(v)
        || stand_in_words(&l)
        // "my secret", "some passphrase": whose secret, in words.
        || l.split_once(' ').is_some_and(|(a, b)| {
            ["my", "your", "some", "the", "a", "our"].contains(&a)
                && ["secret", "password", "passphrase", "pass", "key", "token", "pw"].contains(&b)
        })
}

/// Whether the letters of `l` run through the alphabet in order, eight or more of them, with
/// at most spaces or dashes between: "abcdefgh", "abcd efgh ijkl mnop".
fn alphabet_run(l: &str) -> bool {
    let mut letters = l.chars().filter(|c| !" -".contains(*c));
    let Some(first) = letters.next() else {
        return false;
    };
    let mut n = 1;
    let mut prev = first;
    for c in letters {
        if !c.is_ascii_lowercase() || c as u32 != prev as u32 + 1 {
            return false;
        }
        prev = c;
        n += 1;
    }
    first.is_ascii_lowercase() && n >= 8
}

/// A stand-in in base64, as Kubernetes' secrets hold their values: `ZGVtby1wYXNzd29yZA==` is
/// "demo-password". (Only a value of base64's shape that decodes to one line of text is read.)
fn encoded_stand_in(v: &str) -> bool {
    use base64::Engine;
    if !(8..=88).contains(&v.len())
        || v.len() % 4 != 0
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    {
        return false;
    }
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(v) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&raw) else {
        return false;
    };
    let text = text.trim_end_matches(['\n', '\r']);
    !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic()) && placeholder(text)
}

/// Values that documentation everywhere prints and nobody uses: jwt.io's sample token's
/// signature, Stripe's documented test key, the authenticator documentation's seed; and the
/// prompts an SMTP server sends in AUTH LOGIN, which mail logs show in base64 ("Password:",
/// "Username:").
const WELL_KNOWN_SAMPLES: &[&str] = &[
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "4eC39HqLyjWDarjtT1zdp7dc",
    "UGFzc3dvcmQ6",
    "VXNlcm5hbWU6",
    // The two-factor seed of Google Authenticator's documentation.
    "JBSWY3DPEHPK3PXP",
];

/// Whether `v` is a password hash or digest as logs and databases show them.
/// A dotted name of three parts or more in lower case, as code and test suites name things:
/// `samba3.rpc.schannel_anon_setpw`, `samba3.smb2.compound.related5`.
pub(super) fn dotted_name(v: &str) -> bool {
    let v = v.trim_end_matches([',', '.', ';', ':']);
    v.split('.').count() >= 3
        && v.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

pub(super) fn hash_like(v: &str) -> bool {
    // A compose file doubles each `$` ("foo:$$apr1$$..."); an htpasswd line names its user
    // before the hash (`foo:$apr1$...`).
    if v.contains("$$") {
        return hash_like(&v.replace("$$", "$"));
    }
    if let Some((user, hash)) = v.split_once(':') {
        if hash.starts_with('$')
            && !user.is_empty()
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
            && hash_like(hash)
        {
            return true;
        }
    }
    // A digest's hex: checked by hand, as counted repeats are slow to compile.
    if [32, 40, 56, 64, 96, 128].contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)^(?:\$(?:\d|2[abxy]|y|gy|argon2\w*|pbkdf2[\w-]*|scrypt|sha\d*|apr1|md5)\$\S+|\{(?:ssha|sha|smd5|md5|crypt|ssha256|ssha512|pbkdf2[\w-]*|bcrypt|argon2)\}\S+|(?:pbkdf2_sha\d+|bcrypt_sha256|bcrypt|argon2|sha1|md5|scrypt)\$\S+|\*[0-9a-f]{40}|sha(?:1|256|512)[:=]\S+)$",
        )
        .expect("built-in pattern")
    });
    re.is_match(v)
}

fn url_or_address(v: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"(?i)^(?://|[a-z][a-z0-9+.-]{1,20}://|mailto:|www\.|[\w.+-]+@(?:[\w-]+\.[a-z][\w.-]*|localhost|(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?)$|[\w.-]+@[\w.-]+:[~/][^\s]*[$#%]$|[\w-]+\.(?-i:com|org|net|de|fr|io|example|local|html?|php|aspx?|pdf|docx?|xlsx?|png|jpe?g|txt|sh|py|pl|rb|js|ts|go|rs|java|c|h|cpp|t|log|conf|cfg|ini|json|ya?ml|xml|csv|zip|exe|bat|ps1)$|/[\w.-]+/)")
            .expect("built-in pattern")
    });
    // (Every shape has one of these signs: most values need no look.)
    v.contains(['@', '/', ':', '.']) && re.is_match(v)
}

/// Whether `v`, found after a password word, is plausibly the password itself. `continues`:
/// more words follow on the line (a sentence goes on).
pub(super) fn plausible(v: &str, quoted: bool, continues: bool) -> bool {
    let n = v.chars().count();
    if !(4..=100).contains(&n) || placeholder(v) || hash_like(v) || url_or_address(v) {
        return false;
    }
    if v.ends_with(':') || v.ends_with("://") {
        return false;
    }
    // The gap between two quoted items ("password=" and "domain="): spaces at both ends.
    if quoted && v.starts_with(char::is_whitespace) && v.ends_with(char::is_whitespace) {
        return false;
    }
    // Alternatives ("WPA(2|3)-Enterprise") and a list of settings ("x;0;ver=0x2;host=y").
    if v.contains('(') && v.contains('|')
        || v.split(';')
            .skip(1)
            .any(|f| f.split_once('=').is_some_and(|(k, _)| !k.is_empty()))
    {
        return false;
    }
    // A line of /etc/passwd or a MAC or IPv6 address: fields between colons.
    if v.matches(':').count() >= 3 {
        return false;
    }
    // A protocol's version: "NFSv4.1", "SMBv3", "TLSv1.2".
    if v.split_once('v').is_some_and(|(p, n)| {
        p.len() >= 2
            && p.chars().all(|c| c.is_ascii_uppercase())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit() || c == '.')
    }) {
        return false;
    }
    // An authentication mechanism's name, as SASL lists them: "DIGEST-MD5", "SCRAM-SHA-256";
    // an error's ("STATUS_WRONG_PASSWORD" mapped to "EACCES").
    // (And a debug log's dump in its place: "PSK - hexdump(len=8): [REMOVED]"; a negated call:
    // `check_pass = !strcmp(a, b)`.)
    // (An 802.11 MIB variable's name in hostapd.conf's comments: `dot11RSNAConfigPSKValue`.)
    if mechanism(v)
        || errno(v)
        || v.starts_with("hexdump")
        || v.starts_with("dot11")
        || v.starts_with('!') && v.contains('(')
    {
        return false;
    }
    // A measurement or a formula: "-34.99dBm", "-174+ENR", "2.5mm".
    let signed = v.starts_with(['-', '+']) && v[1..].starts_with(|c: char| c.is_ascii_digit());
    let decimal_unit = v.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.starts_with(|c: char| c.is_ascii_digit())
            && b.trim_start_matches(|c: char| c.is_ascii_digit())
                .chars()
                .all(|c| c.is_alphabetic() || c == '%')
    });
    if signed || decimal_unit {
        return false;
    }
    // A release ("5.10-stable", "6.1.2"): what a patch is applied to.
    if v.starts_with(|c: char| c.is_ascii_digit())
        && v.split('-')
            .next()
            .is_some_and(|n| n.contains('.') && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        && v.split('-')
            .skip(1)
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
    {
        return false;
    }
    // Another setting (`sec=ntlmssp`, `ver=0x2;host=...`): the value of a list, not this one.
    if v.split_once('=').is_some_and(|(k, r)| {
        !r.is_empty()
            && !r.starts_with('=')
            && k.len() >= 2
            && k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
            && k.starts_with(|c: char| c.is_ascii_lowercase())
    }) {
        return false;
    }
    // A hex literal: a key ID ("the key 0x1F10171BFB881B1C"), an address, a constant.
    if v.strip_prefix("0x")
        .or_else(|| v.strip_prefix("0X"))
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return false;
    }
    // A dotfile's name: "set to the .env file".
    if v.strip_prefix('.').is_some_and(|r| {
        r.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }) {
        return false;
    }
    // A path ("pwd: /home/jdoe/projects"), or a Windows one ("--auth-user-pass .\credentials").
    if v.starts_with(".\\")
        || v.starts_with("..\\")
        || v.get(1..3) == Some(":\\") && v.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return false;
    }
    let path = v.strip_prefix('/').or_else(|| v.strip_prefix("~/"));
    if path.is_some_and(|p| {
        p.contains('/')
            && p.chars()
                .all(|c| c.is_alphanumeric() || "._-/~".contains(c))
    }) {
        return false;
    }
    let l = v.to_lowercase();
    // (A sentence's word keeps its full stop: "set the requirepass parameter.")
    let bare = l.trim_end_matches(['.', ',', ';', '!']);
    if STOPWORDS.contains(&l.as_str()) || STOPWORDS.contains(&bare) || SETTING_WORDS.contains(&bare)
    {
        return false;
    }
    // How it is kept, in a compound: "base64-encoded", "AES-encrypted", "bcrypt-hashed".
    if bare.rsplit_once('-').is_some_and(|(_, w)| {
        [
            "encoded",
            "encrypted",
            "hashed",
            "salted",
            "protected",
            "generated",
            "masked",
            "redacted",
        ]
        .contains(&w)
    }) {
        return false;
    }
    // Alternatives of a form's or a list's: "was changed/canceled", "enabled/disabled".
    if !quoted
        && v.split_once('/').is_some_and(|(a, b)| {
            a.len() >= 4
                && a.ends_with("ed")
                && a.chars().all(|c| c.is_ascii_lowercase())
                && !b.is_empty()
                && b.chars().all(|c| c.is_ascii_lowercase())
        })
    {
        return false;
    }
    // A date's format: "your birth date (format: YYYYMMDD)".
    if n >= 6 && v.chars().all(|c| "YMDymd/-.".contains(c)) && v.to_ascii_uppercase().contains("YY")
    {
        return false;
    }
    // A price: "COLORADO PASS: $299 adults".
    if v.strip_prefix(['$', '€', '£']).is_some_and(|p| {
        p.starts_with(|c: char| c.is_ascii_digit())
            && p.chars().all(|c| c.is_ascii_digit() || ",.".contains(c))
    }) {
        return false;
    }
    // A question's last word: "Think user IDs and passwords are adequate?"
    if !quoted
        && v.strip_suffix('?')
            .is_some_and(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
    {
        return false;
    }
    let letters = v.chars().filter(|c| c.is_alphabetic()).count();
    let wordlike = letters == n
        || (letters + 2 >= n
            && v.split(['-', '\'', '’'])
                .all(|w| !w.is_empty() && w.chars().all(char::is_alphabetic)));
    if wordlike {
        // An ordinary word: only when it ends the line (or is quoted), and not too short.
        return (quoted || !continues) && n >= 5;
    }
    if v.chars().all(|c| c.is_ascii_digit()) {
        return n >= 4 && !continues || n >= 6;
    }
    // Numbers with units and ranges are not passwords ("12+", "8-16", "90d"); three groups of
    // digits and dashes are ("15-52-1").
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    let groups = v.split('-').filter(|g| !g.is_empty()).count();
    if letters == 0
        && digits > 0
        && v.chars()
            .all(|c| c.is_ascii_digit() || "+-–/.,%".contains(c))
        && !(groups >= 3 && v.chars().all(|c| c.is_ascii_digit() || c == '-'))
    {
        return false;
    }
    true
}

/// A value strong enough to be taken without a separator ("Password Xy7!pq0Lm").
pub(super) fn strong(v: &str) -> bool {
    let v = v.trim_matches(|c: char| ".,;:)]}!?\"'(".contains(c));
    let n = v.chars().count();
    let lower = v.chars().any(|c| c.is_lowercase());
    let upper = v.chars().any(|c| c.is_uppercase());
    let digit = v.chars().any(|c| c.is_ascii_digit());
    let symbol = v.chars().any(|c| !c.is_alphanumeric());
    // Chinese and Japanese run words together: "密码错误之后，...172.16.9.152" is a sentence.
    n >= 6
        && !v.chars().any(is_cjk)
        && (lower || upper)
        && digit
        && [lower, upper, digit, symbol].iter().filter(|&&b| b).count() >= 3
        && plausible(v, false, false)
}

/// A Chinese, Japanese or Korean character, or the full-width punctuation between them.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}' | '\u{ff01}'..='\u{ff0f}' | '\u{ff1a}'..='\u{ff1f}')
}
