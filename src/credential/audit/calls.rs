//! Passwords handed to a login call in code people paste into mail: Python's
//! `server.login("me@gmail.com", "X")` (smtplib, imaplib, ftplib), JavaMail's
//! `new PasswordAuthentication("me", "X")` and `transport.connect("smtp.host", "me", "X")`,
//! `HTTPBasicAuth("me", "X")`, requests' `auth=("me", "X")`, .NET's `NetworkCredential`,
//! LDAP's `simple_bind_s(dn, "X")`. A question about a mail script that will not send quotes
//! the script whole, and the user and the password sit side by side as two literals: no
//! password word labels them, so the phrasing rules never see them.

use std::sync::OnceLock;

use zeroize::Zeroizing;

use super::ruleset::{RuleSet, Signs};
use super::values;

/// One login call with both literals: (the call's name, the user, the password).
pub(super) struct Call {
    pub name: String,
    pub user: String,
    pub value: Zeroizing<String>,
    /// The user is a service's API key, with no password after it
    /// (`HTTPBasicAuth('I4UQOd...', '')`).
    pub key: bool,
}

/// Whether a basic-auth user is an API key: 24 or more letters and digits of all three kinds,
/// as services hand out keys to send as the user with an empty password.
fn api_key_user(user: &str) -> bool {
    user.chars().count() >= 24
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && user.chars().any(|c| c.is_ascii_uppercase())
        && user.chars().any(|c| c.is_ascii_lowercase())
        && user.chars().any(|c| c.is_ascii_digit())
        && !values::placeholder(user)
}

/// A string literal in either quote, or in the curly quotes text recognition reads them as
/// (the regex crate has no back-references, so each is its own group). Literals longer than
/// 120 characters are left out after the match (a counted repeat compiles slowly).
macro_rules! lit {
    () => {
        r#"(?:"([^"\n\\]*)"|'([^'\n\\]*)'|“([^”\n]*)”|‘([^’\n]*)’)"#
    };
}

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::new(vec![
            // 0: a login call with the user and the password as its first two arguments.
            concat!(
                r"(?i)(?-u:\b)(login|auth|authenticate|simple_bind_s|simple_bind|bind_s|",
                r"httpbasicauth|httpdigestauth|passwordauthentication|networkcredential|",
                r"usernamepasswordcredentials)\s*\(\s*",
                lit!(),
                r"\s*,\s*",
                lit!(),
                r"(?:\.toCharArray\(\))?\s*[,)]"
            ),
            // 1: requests' and httpx's `auth=("user", "pw")`.
            concat!(
                r"(?-u:\b)(auth)\s*=\s*[(\[]\s*",
                lit!(),
                r"\s*,\s*",
                lit!(),
                r"\s*[)\]]"
            ),
            // 2: JavaMail's `transport.connect("smtp.host", [port,] "user", "pw")`.
            concat!(
                r"(?-u:\b)(connect)\s*\(\s*",
                r#"["'][\w-]+(?:\.[\w-]+)+["']\s*,\s*(?:\d+\s*,\s*)?"#,
                lit!(),
                r"\s*,\s*",
                lit!(),
                r"\s*\)"
            ),
        ])
    })
}

/// What each call above holds: a call's name and its opening parenthesis, in the spellings
/// code uses. Most texts have none of them.
static SIGNS: Signs = Signs::new(&[
    "login(",
    "Login(",
    "login (",
    "auth(",
    "Auth(",
    "auth=",
    "auth =",
    "bind_s(",
    "bind(",
    "Authentication(",
    "Credential(",
    "Credentials(",
    "connect(",
]);

/// The users of documentation: an address at an example domain, "you@...", "user".
fn sample_user(user: &str) -> bool {
    let l = user.to_lowercase();
    let domain = l.rsplit_once('@').map(|(_, d)| d);
    l.is_empty()
        || values::placeholder(user) && !l.contains('@')
        || [
            "user", "username", "login", "email", "e-mail", "mail", "name",
        ]
        .contains(&l.as_str())
        || l.starts_with("you@")
        || l.starts_with("your")
        || l.starts_with("my_")
        || l.contains("xxx")
        || l.contains("****")
        || domain.is_some_and(|d| {
            d.starts_with("example.")
                || d.ends_with(".example")
                || [
                    "test.com",
                    "domain.com",
                    "email.com",
                    "mail.com",
                    "yourdomain.com",
                ]
                .contains(&d)
                || d.starts_with("example")
        })
}

/// Every login call in `text` that gives a user and a password as literals.
pub(super) fn find(text: &str) -> Vec<Call> {
    let mut out = Vec::new();
    if !SIGNS.any(text) {
        return out;
    }
    for (_, re) in rules().matching(text) {
        for c in re.captures_iter(text) {
            let name = c.get(1).map_or("", |m| m.as_str());
            let first = |from: usize| {
                (from..from + 4)
                    .find_map(|i| c.get(i))
                    .map_or("", |m| m.as_str())
            };
            let (user, value) = (first(2), first(6));
            if value.is_empty() && api_key_user(user) {
                out.push(Call {
                    name: name.to_string(),
                    user: String::new(),
                    value: Zeroizing::new(user.to_string()),
                    key: true,
                });
                continue;
            }
            if user.chars().count() > 120
                || sample_user(user)
                || values::placeholder(value)
                || !values::plausible(value, true, false)
                // A weak word is a test account's in a test ("login('admin', 'admin')").
                || (super::hosted::weak_word(value) && !user.contains('@'))
            {
                continue;
            }
            out.push(Call {
                name: name.to_string(),
                user: user.to_string(),
                value: Zeroizing::new(value.to_string()),
                key: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        find(text)
            .into_iter()
            .map(|c| c.value.to_string())
            .collect()
    }

    #[test]
    fn passwords_given_to_a_login_call() {
        for (text, want) in [
            (
                "s = smtplib.SMTP_SSL('smtp.gmail.com', 465)\ns.login('ops.alerts@acme-mail.net', 'Kq7!rT2pLx')",
                "Kq7!rT2pLx",
            ),
            (
                "imap = imaplib.IMAP4_SSL(host)\nimap.login(\"j.doe@gmail.com\", \"wxyzabcdqrstmnop\")",
                "wxyzabcdqrstmnop",
            ),
            (
                "return new PasswordAuthentication(\"billing@shop.acme.de\", \"Sommer#2031\");",
                "Sommer#2031",
            ),
            (
                "return new PasswordAuthentication(\"billing\", \"Sommer#2031\".toCharArray());",
                "Sommer#2031",
            ),
            (
                "r = requests.get(url, auth=('svc-report', 'R3port!ng42'))",
                "R3port!ng42",
            ),
            (
                "transport.connect(\"smtp.office365.com\", 587, \"noreply@acme.de\", \"Hx9vLm22q\");",
                "Hx9vLm22q",
            ),
            (
                "var cred = new NetworkCredential(\"svc_mail\", \"N0v3mber!!\");",
                "N0v3mber!!",
            ),
            (
                "ftp.login('backup', \"24-Nov-1987\")",
                "24-Nov-1987",
            ),
            // As text recognition reads a screenshot of it.
            (
                "server. login(“ops@acme-mail.net”, “Lq8#vT3nWz”)",
                "Lq8#vT3nWz",
            ),
        ] {
            assert_eq!(values(text), [want], "{text}");
        }
    }

    #[test]
    fn variables_stand_ins_and_test_logins_are_no_password() {
        for clean in [
            "server.login(\"\", \"\")",
            "server.login(user, password)",
            "server.login(EMAIL_USER, os.environ['EMAIL_PASS'])",
            "server.login(\"you@example.com\", \"your_app_password\")",
            "server.login('user', 'pass')",
            "client.login('username', 'password')",
            "self.client.login('admin', 'admin')",
            "server.login(\"me@gmail.com\", \"****\")",
            "auth=('user', 'pass')",
            "client.login(\"alice\")",
            "mail.login('j.doe@gmail.com', 'xxxxxxxx')",
            // Not a login call.
            "print(\"login\", \"Kq7!rT2pLx\")",
            "self.assertEqual(login_name(\"bob\"), \"Kq7!rT2pLx\")",
        ] {
            assert!(values(clean).is_empty(), "{clean}");
        }
    }

    #[test]
    fn an_api_key_sent_as_the_user() {
        let t = "requests.request('POST', url, auth=requests.auth.HTTPBasicAuth('I4UQOdAXBenkRM2lJfMr1waLz7KXxits', ''))";
        let found = find(t);
        assert_eq!(found.len(), 1);
        assert!(found[0].key);
        // A user name with an empty password is no key.
        assert!(find("auth = HTTPBasicAuth('ceneri', '')").is_empty());
    }
}
