//! `.env` lines and YAML settings whose name says they hold a password or a token
//! (`DB_PASSWORD=X`, `STRIPE_SECRET_KEY: X`, `export API_TOKEN=X`): the value after the name,
//! unless it is a switch or a path about the secret, a stand-in, a number, a hash where the
//! name does not say hash, or a description. Apart from `text.rs`, which runs it, to keep each
//! file short.

use std::sync::OnceLock;

use regex::Regex;
use zeroize::Zeroizing;

use super::context::names_a_hash;
use super::text::{mask, Hit};
use super::values;

/// Names of `.env` variables that hold a password or a token.
fn env_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?:^|[^\w.])(?:export\s+)?([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|AUTH_KEY|CREDENTIALS?)[A-Z0-9_]*)([ \t]*=[ \t]*|:[ \t]+)["']?([^\s"'#<]+)"#)
            .expect("built-in pattern")
    })
}

/// A variable about a secret rather than holding one (`ALLOW_EMPTY_PASSWORD=yes`,
/// `MYSQL_RANDOM_ROOT_PASSWORD=1`, `DB_PASSWORD_FILE=/run/secrets/db`), or a switch's value.
fn setting_about_a_secret(name: &str, v: &str) -> bool {
    // (A file's path: `NSS_WRAPPER_PASSWD=/home/x/st/etc/passwd`.)
    if v.starts_with('/') && v[1..].contains('/') {
        return true;
    }
    let v = v.trim_end_matches(['.', ',', ';']).to_lowercase();
    [
        "yes", "no", "true", "false", "on", "off", "enabled", "disabled", "1", "0",
    ]
    .contains(&v.as_str())
        || name.split('_').any(|w| {
            [
                "ALLOW",
                "EMPTY",
                "RANDOM",
                "LENGTH",
                "POLICY",
                "HASH",
                "HASHED",
                "EXPIRY",
                "EXPIRES",
                "EXPIRATION",
                "ENABLE",
                "ENABLED",
                "REQUIRE",
                "REQUIRED",
                "RESET",
                "COMPLEXITY",
                "ROTATION",
                "MIN",
                "MAX",
            ]
            .contains(&w)
        })
        || name.ends_with("_FILE")
        || name.ends_with("_PATH")
}

/// Whether `v` is a word of its setting's name: `POSTGRES_PASSWORD=postgres`,
/// `RABBITMQ_PASS=rabbitmq`, a local stack's fill-in, not a secret.
pub(super) fn a_word_of_its_name(name: &str, v: &str) -> bool {
    name.contains('_')
        && name
            .split('_')
            .any(|w| w.len() >= 4 && w.eq_ignore_ascii_case(v))
}

/// Whether `text` holds a word every such name holds, in capitals: most text has none, and
/// this look is quicker than the rule's (which cannot start from a word).
fn names_a_secret(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex("PASS|PWD|SECRET|TOKEN|KEY|CREDENTIAL").expect("built-in pattern")
    })
    .is_match(text)
}

/// The secrets `.env` lines and YAML settings in `text` give.
pub(super) fn settings(text: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    if !names_a_secret(text) {
        return out;
    }
    for c in env_re().captures_iter(text) {
        let (name, v) = (&c[1], &c[3]);
        // C's `case RXGK_BAD_TOKEN:` labels a branch; a test suite's result words (`TPASS:`,
        // pytest's `XPASS`) are no settings.
        let at = c.get(1).map_or(0, |m| m.start());
        // Nor is a name whose "PASS" is a piece of another word (`MAC_RF_BYPASS0`,
        // `WMI_TLV_SERVICE_PASSIVE_SCAN`, `MT_BCN_BYPASS_MASK`).
        let other_word = |p: &str| {
            name.match_indices(p).all(|(k, _)| {
                const WORDS: &[&str] = &[
                    "BYPASS",
                    "COMPASS",
                    "PASSIVE",
                    "PASSAGE",
                    "PASSENGER",
                    "PASSTHROUGH",
                    "PASSTHRU",
                    "PASSED",
                    "PASSES",
                    "PASSING",
                    "SURPASS",
                    "ENCOMPASS",
                ];
                WORDS.iter().any(|w| {
                    let off = w.find(p).unwrap_or(0);
                    k >= off && name[k - off..].starts_with(w)
                })
            })
        };
        if text[..at].ends_with("case ")
            || ["TPASS", "XPASS"].contains(&name)
            || name.contains("PASS") && !name.contains("PWD") && other_word("PASS")
        {
            continue;
        }
        let password = ["PASSWORD", "PASSWD", "PASS", "PWD"]
            .iter()
            .any(|p| name.contains(p));
        // `REDIS_PASSWORD=123`: a short password is still one when a line says so.
        let shortest = if password && c[2].contains('=') && v.chars().any(|c| c.is_ascii_digit()) {
            3
        } else {
            4
        };
        // A token or a secret is often hex (`TWILIO_AUTH_TOKEN=9f3a...`, 32 digits), and so is
        // a signed password (an IoT hub's): only a name that says "hash" holds a hash.
        let hex_token =
            !names_a_hash(name) && v.len() >= 16 && v.chars().all(|c| c.is_ascii_hexdigit());
        // A number (`SPF_PASS=-0.001`, a C enum's `= 0x0b`) is a setting, not a secret.
        let v = v.trim_end_matches([',', ';', ']', ')']);
        let number = v
            .strip_prefix("0x")
            .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
            || (v.contains(['.', '-'])
                && v.chars().all(|c| c.is_ascii_digit() || ".-,".contains(c)));
        // A quoted value with spaces is read whole: `EMAIL_PASSWORD = "abcd efgh ijkl mnop"`.
        let whole = c.get(3).and_then(|m| {
            let open = text[..m.start()]
                .chars()
                .next_back()
                .filter(|q| "\"'".contains(*q))?;
            text[m.end()..]
                .starts_with(' ')
                .then(|| values::read_value(&text[m.start() - open.len_utf8()..]))
                .flatten()
                .filter(|(_, quoted, _)| *quoted)
        });
        if values::placeholder(v)
        || whole.is_some_and(|(w, _, _)| values::placeholder(&w))
        || number
        || (values::hash_like(v) && !hex_token)
        || v.chars().count() < shortest
        || setting_about_a_secret(name, v)
        // A value that spells its setting's name: `SSH_PRIVATE_KEY=ssh_private_key_string`.
        || v.to_lowercase().contains(&name.to_lowercase())
        || a_word_of_its_name(name, v)
        // A token's or secret's value in lower-case words is the name of where it is kept
        // (`OPENVPN_AUTH_SECRET=ovpn_auth`, a compose file's secret).
        || !password
            && v.contains('_')
            && v.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            continue;
        }
        // YAML's "NAME: value" reads like prose too: the value must look like one, and a
        // word the line goes on after is a description's ("APP_ADMIN_PASSWORD: Webpage
        // admin password").
        let rest = c.get(3).map_or("", |m| &text[m.end()..]);
        let rest = rest.lines().next().unwrap_or("").trim();
        let continues = !rest.is_empty() && !rest.starts_with('#');
        if c[2].contains(':') && !values::plausible(v, false, continues) && !hex_token {
            continue;
        }
        out.push(Hit {
            kind: if password { "password" } else { "token" },
            detail: "env-assignment".into(),
            excerpt: format!("{name}= {}", mask(v)),
            value: Zeroizing::new(v.to_string()),
        });
    }
    out
}
