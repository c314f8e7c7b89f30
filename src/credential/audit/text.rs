//! The rules for one piece of text (a body, a page, an attachment, the text read from an
//! image): private keys, tokens with a known shape or a label, `.env` assignments, connection
//! strings, network devices' configurations, passwords as people phrase them, password columns
//! of tables, card numbers, SSNs and IBANs. A password with a user and a host in the same text
//! is a `credential-block`.

use std::sync::OnceLock;

use regex::Regex;
use zeroize::Zeroizing;

use super::context::{
    example_host, expected_value, in_link_query, meeting_code, meeting_password, meeting_text,
    names_a_hash, public_host, template_text,
};
use super::labels::example_before;
use super::ruleset::RuleSet;
use super::tables::tables;
use super::{
    addressed, b64key, bare, calls, codes, commands, defaults, demo, env, hosted, numbers,
    phrasing, same, short, transcripts, values,
};

/// One secret found in a text.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    /// What kind of secret (`password`, `credential-block`, `private-key`, `token`,
    /// `card-number`, `ssn`, `iban`).
    pub kind: &'static str,
    /// More precisely: how it was written or which service it belongs to.
    pub detail: String,
    /// A masked excerpt: enough to find it, never the secret.
    pub excerpt: String,
    /// The secret, for the trail's salted hash only.
    pub value: Zeroizing<String>,
}

struct Rule {
    kind: &'static str,
    detail: &'static str,
    pattern: &'static str,
    /// The capture group that holds the secret (0: the whole match).
    group: usize,
}

fn rules() -> &'static [Rule] {
    static R: OnceLock<Vec<Rule>> = OnceLock::new();
    R.get_or_init(|| {
        let r = |kind, detail, pattern, group| Rule {
            kind,
            detail,
            pattern,
            group,
        };
        vec![
            r("private-key", "pem", r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----", 0),
            r("private-key", "putty", r"PuTTY-User-Key-File-\d: \S+", 0),
            r("token", "aws-access-key", r"(?-u:\b)(?:AKIA|ASIA)[0-9A-Z]{16}(?-u:\b)", 0),
            r("token", "aws-secret-key", r"(?i)aws_secret_access_key\s*[=:]\s*([A-Za-z0-9/+=]{40})", 1),
            r("token", "github-token", r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})", 0),
            r("token", "gitlab-token", r"(?-u:\b)glpat-[A-Za-z0-9_\-]{20,}(?-u:\b)", 0),
            r("token", "slack-token", r"(?-u:\b)xox[abposr]-[0-9][A-Za-z0-9-]{9,}(?-u:\b)|https://hooks\.slack\.com/services/T[A-Za-z0-9/]+", 0),
            r("token", "stripe-key", r"(?-u:\b)[sr]k_(?:live|test)_[0-9a-zA-Z]{20,}(?-u:\b)", 0),
            r("token", "google-api-key", r"(?-u:\b)A[Il1]za[0-9A-Za-z_\-|]{35}(?-u:\b)", 0),
            r("token", "openai-key", r"(?-u:\b)sk-(?:proj-)?[A-Za-z0-9_\-]{32,}(?-u:\b)", 0),
            r("token", "sendgrid-key", r"(?-u:\b)SG\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}(?-u:\b)", 0),
            r("token", "npm-token", r"(?-u:\b)npm_[A-Za-z0-9]{36}(?-u:\b)", 0),
            r("token", "tailscale-key", r"(?-u:\b)tskey-(?:auth|api|client|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}(?-u:\b)", 0),
            r("token", "digitalocean-token", r"(?-u:\b)do[opr]_v1_[a-f0-9]{64}(?-u:\b)", 0),
            r("token", "huggingface-token", r"(?-u:\b)hf_[A-Za-z0-9]{34,}(?-u:\b)", 0),
            r("token", "docker-hub-token", r"(?-u:\b)dckr_pat_[A-Za-z0-9_-]{20,}", 0),
            r("token", "pypi-token", r"(?-u:\b)pypi-AgE[A-Za-z0-9_-]{50,}", 0),
            r("token", "vault-token", r"(?-u:\b)hv[sb]\.[A-Za-z0-9_-]{24,}", 0),
            r("token", "anthropic-key", r"(?-u:\b)sk-ant-[A-Za-z0-9_-]{32,}", 0),
            r("token", "telegram-bot-token", r"(?-u:\b)[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?-u:\b)", 0),
            r("token", "discord-webhook", r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}", 0),
            // Laravel's application key (32 bytes in base64): it signs and encrypts sessions.
            r("token", "laravel-app-key", r#"(?-u:\b)APP_KEY[ \t]*=[ \t]*["']?base64:([A-Za-z0-9+/]{43}=)"#, 1),
            r("token", "jwt", r"(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", 0),
            // In a header line, or a header in code: `"Authorization": "Bearer X"`.
            r("token", "bearer", r#"(?i)(?-u:\b)authorization["']?\s*(?::|=>?)\s*["']?(?:bearer|token)\s+([A-Za-z0-9._~+/=-]{16,})"#, 1),
            r(
                "token",
                "labelled",
                r#"(?i)(?-u:\b)(?:api[ _-]?key|api[ _-]?token|access[ _-]?token|auth[ _-]?token|secret[ _-]?(?:access[ _-]?)?key|client[ _-]?secret|app[ _-]?secret|private[ _-]?token|bearer[ _-]?token|personal[ _-]access[ _-]token|webhook[ _-]secret|signing[ _-]secret|license[ _-]key)(?-u:\b)["']?\s*(?:is|:|=|=>)\s*["']?((?-i:[A-Za-z0-9_\-./+=]{16,200}))"#,
                1,
            ),
            // A secret key's or a client secret's quoted literal in code, shorter than the
            // above (`secretAccessKey: 'A5H44QX7UTA'`, `client_secret = "Kq8vLm2xQpR7"`).
            r("token", "secret-literal", r#"(?i)(?-u:\b)(?:secret[ _-]?access[ _-]?key|client[ _-]?secret|app[ _-]?secret|consumer[ _-]?secret)["']?\s*(?::|=|=>)\s*["']((?-i:[A-Za-z0-9_\-./+=]*[0-9][A-Za-z0-9_\-./+=]*))["']"#, 1),
            // A token after its name with only a space between: "twilio auth token 8f3e...".
            // (Letters, digits, `_` and `-` only, 24 or more: no path, no sentence.)
            r("token", "labelled", r"(?i)(?-u:\b)(?:api[ _-]?key|api[ _-]?token|access[ _-]?token|auth[ _-]?token|secret[ _-]?key|client[ _-]?secret|bearer[ _-]?token|bot[ _-]?token)[ \t]+((?-i:[A-Za-z0-9_\-]{24,200}))(?:[\s.,;]|$)", 1),
            // A long random value after "token" or "key": mixed case and digits.
            r("token", "labelled", r#"(?i)(?-u:\b)(?:token|key|secret)(?-u:\b)["']?\s*(?:is|:|=|=>)\s*["']?((?-i:[A-Za-z0-9_\-./+=]*[a-z][A-Za-z0-9_\-./+=]*[A-Z][A-Za-z0-9_\-./+=]*|[A-Za-z0-9_\-./+=]*[A-Z][A-Za-z0-9_\-./+=]*[a-z][A-Za-z0-9_\-./+=]*))"#, 1),
            // A long hex value after "secret": an application's signing secret
            // (`'secret' => '94112ef3...'`, `SECRET = "a3f9..."`).
            // A two-factor seed: an `otpauth://` link's secret, or base32 after its name ("TOTP
            // secret", "2FA seed", "setup key", Google's "Schlüssel"), spaces between groups.
            r("token", "otp-seed", r"(?i)otpauth://[th]otp/[^\s?]*\?(?:[^\s&]*&)*?secret=([A-Z2-7]{16,128})", 1),
            r("token", "otp-seed", r"(?i)(?-u:\b)(?:totp|hotp|otp|2fa|mfa|two-factor|authenticator|setup)[ _-]?(?:secret|seed|key)(?-u:\b)(?:[ \t]+[A-Za-z0-9_'-]+){0,6}?[ \t]*(?:is|:|=)[ \t]*[`'\x22]?((?-i:[A-Z2-7]{4}(?:[ ]?[A-Z2-7]{4}){3,15}|[a-z2-7]{4}(?:[ ]?[a-z2-7]{4}){3,15}))", 1),
            // WireGuard's keys (32 bytes in base64): `PrivateKey = ...`, `PresharedKey = ...`.
            r("private-key", "wireguard", r"(?m)^[ \t]*(?:PrivateKey|PresharedKey)[ \t]*=[ \t]*([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)", 1),
            // Azure Storage and Service Bus keys in a connection string.
            r("token", "azure-key", r"(?-u:\b)(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,}={0,2})", 1),
            r("token", "labelled", r#"(?i)(?-u:\b)secret(?-u:\b)["']?\s*(?:is|:|=|=>)\s*["']?([0-9a-f]{32,128})(?:["'\s,;]|$)"#, 1),
            // Redis: `AUTH X` at its prompt or in MONITOR's output, `requirepass X`.
            r("password", "redis-auth", r#"(?m)(?:^|[\s>"])AUTH"?[ \t]*(?:\r?\n[ \t]*)?"([^"\s<]{6,})""#, 1),
            r("password", "redis-auth", r#"(?m)>[ \t]*AUTH[ \t]+([^\s<"]{6,})[ \t]*$"#, 1),
            r("password", "requirepass", r#"(?i)(?:^|\s)-{0,2}requirepass[ \t]+["']?([^\s"'<]{4,})"#, 1),
            // A value alone on its line with a comment naming it: `Xk29!fq0  # password` (a
            // commented settings file, the value before its name).
            r("password", "comment-label", r"(?mi)^[ \t]*([^\s#;/]+)[ \t]+(?:#|//|;)[ \t]*(?:[a-z]+[ \t]+)?(?:password|passwort|passwd|pwd|pw|secret|passphrase|psk|kennwort)[ \t]*\r?$", 1),
            // A `.netrc` entry: "machine HOST login USER password X", on one line or
            // spread over several.
            r("password", "netrc", r"(?m)^[ \t]*(?:machine[ \t]+(\S+)|default)(?:[ \t]+(?:login|account)[ \t]+\S+)*[ \t]+password[ \t]+(\S+)", 2),
            r("password", "netrc", r"(?m)^[ \t]*machine[ \t]+(\S+)[ \t]*\r?\n(?:[ \t]*(?:login|account)[ \t]+\S+[ \t]*\r?\n){0,2}[ \t]*password[ \t]+(\S+)", 2),
            // A Wi-Fi network shared as a QR code's text: `WIFI:S:home;T:WPA;P:X;;`.
            r("password", "wifi-qr", r"(?-u:\b)WIFI:(?:[A-Za-z]{1,3}:(?:[^;\\\s]|\\.)*;)*?P:((?:[^;\\\s]|\\.){4,63});", 1),
            r("credential-block", "connection-string", r"(?-u:\b)[a-z][a-z0-9+.-]{1,20}://[^\s:/@]+:([^\s@/]{3,})@[^\s/]+", 1),
            // The same without a scheme, to an address: `admin:X@10.0.0.5`.
            r("credential-block", "connection-string", r"(?:^|[\s(`'\x22])[A-Za-z][\w.-]*:([^\s@:/`'\x22]{4,})@(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)", 1),
            // A method named for a password that returns a literal, as Android and Java
            // samples keep a Wi-Fi key: `public String getWifiPass() {\n return "X";`.
            r("password", "getter", r#"(?i)(?-u:\b)[a-z_]*(?:password|passwd|pass|pwd|passphrase|secret)[a-z_0-9]*\s*\(\s*\)\s*(?::\s*[a-z_<>?]+\s*)?\{\s*return\s+["']([^"'\n\\]+)["']"#, 1),
            // Go's MySQL driver's form: `user:X@tcp(db01:3306)/shop`.
            r("credential-block", "connection-string", r"(?:^|[\s(`'\x22])[A-Za-z_][\w.-]*:([^\s@:/`'\x22]{3,})@(?:tcp|udp|unix)\(", 1),
            // A Cisco device's configuration with a password in clear (type 0 or none; the
            // hashed types 5, 7, 8 and 9 have their number before the value).
            r("password", "device-config", r"(?im)^[ \t]*(?:\S+\(config[\w-]*\)#[ \t]*)?(?:enable[ \t]+(?:secret|password)|username[ \t]+\S+(?:[ \t]+privilege[ \t]+\d+)?[ \t]+(?:secret|password))[ \t]+(?:0[ \t]+)?([^\s\[<{$]\S{3,})[ \t]*$", 1),
            // A mail server's account files: docker-mailserver's `user@domain|password`, a
            // Dovecot passwd-file's password in clear (`{PLAIN}X`, `{CLEARTEXT}X`).
            r("credential-block", "accounts-file", r"(?m)^[ \t]*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\|([^\s|{$][^\s|]{3,})[ \t]*$", 1),
            r("password", "passwd-file", r"(?i)\{(?:PLAIN|CLEARTEXT|CLEAR)\}([^\s:{}]{3,})", 1),
        ]
    })
}

/// Letters and digits, eight or more, that could be a password ("23klafs903284").
fn mixed(v: &str) -> bool {
    v.chars().count() >= 8
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(char::is_alphabetic)
        && values::plausible(v, false, false)
}

/// C's `#define SECRET_PASS "X"`, as sketches for boards carry their Wi-Fi and router passwords
/// (`#define password "hell yaa"`, `#define wifi_pass "X"` in lower case too).
fn define_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?m)^\s*#define\s+([A-Z0-9_]*(?:PASSWORD|PASSWD|PASS|PWD|PSK|SECRET|TOKEN|API_?KEY)[A-Z0-9_]*|(?:[a-z0-9]+_)*(?:password|passwd|pass|pwd|psk|secret|token|api_?key)(?:_[a-z0-9_]*)?)\s+"([^"\n]{4,})""#)
            .expect("built-in pattern")
    })
}

/// Masks a secret: its first two characters and its length.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    // At most a quarter of the value shows, and never more than two characters: a short
    // password ("qwe", "1234") shows none or one.
    let shown = (n / 4).min(2);
    let head: String = secret.chars().take(shown).collect();
    format!(
        "{head}{} ({n} chars)",
        "*".repeat(n.saturating_sub(shown).min(8))
    )
}

/// The label before a secret, with any copy of the secret in it masked too.
fn label_excerpt(label: &str, secret: &str) -> String {
    let label = if secret.is_empty() {
        label.to_string()
    } else {
        mask_in_label(label, secret)
    };
    let label = label.trim();
    let n = label.chars().count();
    let label: String = if n > 40 {
        label.chars().skip(n - 40).collect()
    } else {
        label.to_string()
    };
    format!("{} {}", label.trim(), mask(secret))
        .trim()
        .to_string()
}

/// `label` with each copy of `secret` masked, except inside the password word itself (a
/// password `pass` in "Your password is:").
fn mask_in_label(label: &str, secret: &str) -> String {
    let mut out = String::new();
    let mut from = 0;
    for (at, _) in label.match_indices(secret) {
        if at < from {
            continue;
        }
        let start = label[..at]
            .rfind(|c: char| !c.is_alphanumeric())
            .map_or(0, |i| {
                i + label[i..].chars().next().map_or(1, char::len_utf8)
            });
        let end = label[at..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(label.len(), |i| at + i);
        let word = &label[start..end];
        let label_word = word.len() > secret.len()
            && super::labels::label_re()
                .find(word)
                .is_some_and(|g| g.start() == 0 && g.end() == word.len());
        out.push_str(&label[from..at]);
        if label_word {
            out.push_str(secret);
        } else {
            out.push_str(&mask(secret));
        }
        from = at + secret.len();
    }
    out.push_str(&label[from..]);
    out
}

/// A `.netrc` entry from documentation: its machine is an example's, or its password repeats
/// its login.
fn netrc_sample(whole: &str, machine: Option<regex::Match<'_>>, secret: &str) -> bool {
    let sample_host = machine.is_some_and(|m| {
        let host = m.as_str().to_lowercase();
        host.split('.')
            .any(|l| l == "example" || l.starts_with("example"))
            || host.ends_with(".invalid")
            || host.ends_with(".test")
    });
    let words: Vec<&str> = whole.split_whitespace().collect();
    let login = words.windows(2).find(|w| w[0] == "login").map(|w| w[1]);
    sample_host || login == Some(secret)
}

/// Whether a key's armour header is followed by key data: its first line of Base64 (after
/// any `Proc-Type:`/`Version:` header lines), forty characters or more, before the footer.
/// A header named in prose, or over "KEY HERE" or "...", is no key.
fn pem_body(after: &str) -> bool {
    after
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains(": "))
        .take_while(|l| !l.starts_with("-----"))
        .next()
        // (A key flattened onto one line keeps spaces between its lines: its first is read.)
        .and_then(|l| l.split_whitespace().next())
        .is_some_and(|l| {
            l.len() >= 40
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        })
}

fn token_shaped(v: &str) -> bool {
    v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && !values::placeholder(v)
        && !payment_object_id(v)
        && !values::openpgp_key_id(v)
}

/// A payment provider's object id after "token:" or "source:" ("No such token:
/// tok_17KWnFLQ..."): Stripe's card tokens, sources, customers, charges and requests name a
/// thing and grant nothing (its secret keys, `sk_` and `rk_`, have a rule of their own).
fn payment_object_id(v: &str) -> bool {
    [
        "tok_", "src_", "card_", "cus_", "ch_", "pi_", "pm_", "seti_", "req_", "evt_", "in_",
        "sub_", "prod_", "price_", "acct_", "txn_", "btok_", "ba_",
    ]
    .iter()
    .any(|p| {
        v.strip_prefix(p)
            .is_some_and(|r| r.len() >= 14 && r.chars().all(|c| c.is_ascii_alphanumeric()))
    })
}

/// Markdown's bold ("**Password:** `X`", "__Passwort__: X") is mark-up around the words, not
/// part of them. Longer runs ("********") are masks and stay. So are HTML's inline tags in
/// text that shows them as they are (a snippet of a page pasted into a plain mail:
/// "Password: <strong>X</strong>").
fn without_bold(text: &str) -> std::borrow::Cow<'_, str> {
    let text: std::borrow::Cow<'_, str> = if text.contains("</") {
        inline_tags().replace_all(text, "")
    } else {
        text.into()
    };
    if !text.contains("**") && !text.contains("__") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '*' || c == '_' {
            let mut run = 1;
            while chars.peek() == Some(&c) {
                chars.next();
                run += 1;
            }
            if run != 2 {
                out.extend(std::iter::repeat_n(c, run));
            }
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn inline_tags() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)</?(?:strong|b|em|i|u|code|kbd|samp|tt|mark|span)(?:\s[^<>]*)?>",
        )
        .expect("built-in pattern")
    })
}

/// Whether the text names a host and a user besides the password: the incident's credential
/// block (server address, admin user name, password).
fn names_user_and_host(text: &str) -> (bool, bool) {
    static U: OnceLock<Regex> = OnceLock::new();
    static H: OnceLock<Regex> = OnceLock::new();
    let u = U.get_or_init(|| {
        super::pattern::regex(r"(?im)(?:^|[\s|>*-])(?:user(?:\s?name)?|login|benutzer(?:name)?|kennung|utilisateur|identifiant|usuario|utente|nome\s+utente|gebruiker(?:snaam)?|account|uid|user\s+id)\s*(?:[:=|\t-]|$)|(?-u:\b)user(?:name)?\s+[\w.@\\-]+\s*(?:[,;/]|$)|(?:^|\s)-u\s?\S|--user|/user:|(?-u:\b)[\w.-]+@(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)|(?-u:\b)ssh\s+\S+@")
            .expect("built-in pattern")
    });
    let h = H.get_or_init(|| {
        super::pattern::regex(r"(?im)(?:^|[\s|>*-])(?:host(?:name)?|server|server-ip|address|adresse|ip|url|endpoint|serveur|servidor|rechner|db|database|datenbank|gateway|portal|site|vpn|computer|machine|instance|cluster|ftp|smtp|imap)\s*(?:[:=|\t-]|$)|(?-u:\b)server\s+[\w.-]+\s*[,;]|(?-u:\b)(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)|(?:^|\s)-h\s?\S|--host|\\\\[\w.-]+|(?-u:\b)ssh\s+\S+@\S+|https?://\S+/(?:admin|login|wp-admin|phpmyadmin)")
            .expect("built-in pattern")
    });
    (u.is_match(text), h.is_match(text))
}

/// Scans one text.
pub(super) fn scan(text: &str) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    let mut push = |h: Hit| {
        if !out.iter().any(|g| *g.value == *h.value && g.kind == h.kind) {
            out.push(h);
        }
    };
    // One pass finds which rules can match at all.
    static SET: OnceLock<RuleSet> = OnceLock::new();
    let set = SET.get_or_init(|| RuleSet::new(rules().iter().map(|r| r.pattern).collect()));
    for (i, re) in set.matching(text) {
        let rule = &rules()[i];
        for c in re.captures_iter(text) {
            let whole = c.get(0).map(|m| m.as_str()).unwrap_or("");
            let secret = c.get(rule.group).map(|m| m.as_str()).unwrap_or(whole);
            // A weak word is a stand-in in a sketch ("user:test@localhost"), not on the way to
            // a real server ("mongodb://readwrite:test@ds043942.mongolab.com").
            let weak_to_real = rule.detail == "connection-string"
                && ["test", "testing", "demo", "default"].contains(&secret.to_lowercase().as_str())
                && public_host(whole);
            // A link to `example1.com` is an illustration, whatever its password; so is a
            // `.netrc` for `example.com`, or one whose password is its login ("login foouser
            // password foouser").
            let illustration = (rule.detail == "connection-string" && example_host(whole))
                || (rule.detail == "netrc" && netrc_sample(whole, c.get(1), secret))
                // ("For example: WIFI:S:STARBUCKS;T:WPA;P:PASSWORD123;;")
                || (["netrc", "wifi-qr", "connection-string"].contains(&rule.detail)
                    && c.get(0).is_some_and(|m| example_before(&text[..m.start()])));
            // (A key shown as a format: "If your RSA key looks like this:".)
            let no_key = rule.detail == "pem"
                && c.get(0).is_some_and(|m| {
                    !pem_body(&text[m.end()..]) || example_before(&text[..m.start()])
                });
            if illustration
                || no_key
                || (rule.group != 0 || rule.kind == "token")
                    && values::placeholder(secret)
                    && !weak_to_real
                || (rule.kind == "password" && !values::plausible(secret, true, false))
                || (rule.detail == "labelled" && !token_shaped(secret))
                // (Drawn at random, not a word with a number: digits among the letters, no
                // word spelt out.)
                || (rule.detail == "secret-literal"
                    && !(secret.len() >= 8
                        && secret
                            .trim_start_matches(|c: char| !c.is_ascii_digit())
                            .contains(|c: char| c.is_ascii_alphabetic())
                        && secret
                            .split(|c: char| !c.is_ascii_lowercase())
                            .all(|w| w.len() <= 4)))
                || (rule.detail == "comment-label" && !values::strong(secret) && !mixed(secret))
                // (Six to 64 characters: checked here, as a counted repeat compiles slowly.)
                || (rule.detail == "comment-label" && !(6..=64).contains(&secret.chars().count()))
                // (Base32 has the digits 2 to 7: "this text here that" is no seed.)
                || (rule.detail == "otp-seed" && !secret.contains(['2', '3', '4', '5', '6', '7']))
                || (rule.detail == "labelled" && in_link_query(text, c.get(0)))
                // (An API key is drawn at random, with digits and capitals: not words joined
                // by dashes, as in a build robot's "member-sk-not-described-in-x_sk_free".)
                || (rule.detail == "openai-key"
                    && !(secret.chars().any(|c| c.is_ascii_digit())
                        && secret.chars().any(|c| c.is_ascii_uppercase())))
            {
                continue;
            }
            if rule.detail == "labelled"
                && ((secret.chars().count() < 20 && !whole.to_lowercase().contains("api"))
                    || whole.to_lowercase().contains("public"))
            {
                continue;
            }
            let (excerpt, value) = match rule.kind {
                // (A key given whole on one line, WireGuard's, is masked like any value.)
                "private-key" if rule.group == 0 => {
                    // The key's first line of data identifies it for the trail.
                    let at = c.get(0).map(|m| m.end()).unwrap_or(0);
                    let body: String = text[at..]
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .take(120)
                        .collect();
                    (whole.to_string(), format!("{whole}{body}"))
                }
                _ if rule.group != 0 => (
                    label_excerpt(whole.split(secret).next().unwrap_or(""), secret),
                    secret.to_string(),
                ),
                _ => (mask(secret), secret.to_string()),
            };
            push(Hit {
                kind: rule.kind,
                detail: rule.detail.into(),
                excerpt,
                value: Zeroizing::new(value),
            });
        }
    }
    for h in env::settings(text) {
        push(h);
    }
    // (After the formats' own rules, WireGuard's and Azure's, which name such keys first.)
    for (label, v) in b64key::find(text) {
        push(Hit {
            kind: "token",
            detail: "base64-key".into(),
            excerpt: label_excerpt(&label, &v),
            value: Zeroizing::new(v),
        });
    }
    if text.contains("#define") {
        for c in define_re().captures_iter(text) {
            let (name, v) = (&c[1], &c[2]);
            let upper = name.to_uppercase();
            // (A digest under a secret's name is the secret: an IoT hub's signed password, a
            // hex key. Only a name that says it holds a hash holds one.)
            // (Nor is a path: `#define TOKEN_FS "/bpf-token-fs"`.)
            if values::placeholder(v)
                || v.starts_with('/')
                || values::hash_like(v) && names_a_hash(&upper)
            {
                continue;
            }
            let password = ["PASS", "PWD", "PSK"].iter().any(|p| upper.contains(p));
            push(Hit {
                kind: if password { "password" } else { "token" },
                detail: "define".into(),
                excerpt: format!("#define {name} {}", mask(v)),
                value: Zeroizing::new(v.to_string()),
            });
        }
    }
    for t in transcripts::find(text) {
        push(Hit {
            kind: t.kind,
            detail: t.detail.into(),
            excerpt: format!("{} {}", t.what, mask(&t.value)),
            value: t.value,
        });
    }
    for c in calls::find(text) {
        let (kind, excerpt) = if c.key {
            ("token", format!("{}({}, \"\")", c.name, mask(&c.value)))
        } else {
            (
                "credential-block",
                format!("{}(\"{}\", {})", c.name, c.user, mask(&c.value)),
            )
        };
        push(Hit {
            kind,
            detail: "login-call".into(),
            excerpt,
            value: c.value,
        });
    }
    let plain = without_bold(text);
    // JSON inside a JSON string, as programs log a request: `\"password\":\"X\"`.
    let plain: std::borrow::Cow<'_, str> = if plain.contains("\\\"") {
        plain.replace("\\\"", "\"").into()
    } else {
        plain
    };
    let mut passwords = phrasing::find(&plain);
    passwords.extend(tables(&plain));
    passwords.extend(codes::find(&plain));
    // Logins whose user and host come with the value: `.pgpass` lines, bare lines.
    let pgpass = commands::pgpass_values(&plain)
        .into_iter()
        .filter(|(_, v)| values::plausible(v, false, false));
    for (label, value) in bare::bare_block(&plain).into_iter().chain(pgpass) {
        passwords.push(phrasing::Found {
            label,
            value,
            how: "login",
            user: true,
            host: true,
        });
    }
    // Logins the whole text gives with their user: (rule, how, whether it names the host).
    for (found, how, host) in [
        (demo::logins(&plain), "demo-login", true),
        (same::logins(&plain), "same-as-user", false),
        (short::logins(&plain), "short-login", false),
        (addressed::logins(&plain), "your-login", false),
        (hosted::weak_logins(&plain), "weak-login", true),
    ] {
        passwords.extend(found.into_iter().map(|(label, value)| phrasing::Found {
            label,
            value,
            how,
            user: true,
            host,
        }));
    }
    if !passwords.is_empty() {
        let (user, host) = names_user_and_host(text);
        // A text that shows connection settings as a template ("Server=myServerAddress; User
        // Id=myUsername; Password=myPassword;") is documentation: its weak values are samples.
        let template = template_text(text);
        let meeting = meeting_text(text);
        for f in passwords {
            if template && !values::strong(&f.value) {
                continue;
            }
            // (Numbered samples are taken out with every rule's findings, in
            // `defaults::drop_public`.)
            if meeting_code(&f.label, meeting)
                || meeting && meeting_password(text, &f.label)
                || expected_value(text, &f.value)
            {
                continue;
            }
            let block = (f.user || user) && (f.host || host);
            push(Hit {
                kind: if block {
                    "credential-block"
                } else {
                    "password"
                },
                detail: f.how.into(),
                excerpt: label_excerpt(&f.label, &f.value),
                value: Zeroizing::new(f.value),
            });
        }
    }
    for n in numbers::find(text) {
        push(Hit {
            kind: n.kind,
            detail: n.detail,
            excerpt: n.masked,
            value: Zeroizing::new(n.value),
        });
    }
    // Values the text shows to be samples or public: a manual's defaults, a series of
    // numbered names, a block marked as examples.
    defaults::drop_public(text, &mut out);
    // One secret, one finding: a `.env` line is also a phrase, a connection string also a URL.
    let mut seen: Vec<String> = Vec::new();
    out.retain(|h| {
        if seen.iter().any(|s| *s == *h.value) {
            false
        } else {
            seen.push(h.value.to_string());
            true
        }
    });
    out
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod sample_tests;

#[cfg(test)]
mod office_tests;

#[cfg(test)]
mod list_tests;
