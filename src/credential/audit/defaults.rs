//! Defaults everybody knows: a manual's "the factory default password is administrator", a
//! README's "默认是test123456", and an account whose password is its own name on a command
//! line (`-D "cn=admin,..." -w admin`, `-U postgres --password postgres`). They are
//! printed in every copy of the manual or follow from the account's name, so a mail that
//! repeats them leaks nothing. A default an organisation chose ("new hires get the default
//! password Welcome2026!") is no such thing: the well-known values are a short list.
//!
//! `drop_public` is the text rules' last look: it takes these out of the findings, with the
//! other values a text shows to be samples (a numbered series, a block marked as examples).

use std::sync::OnceLock;

use regex::Regex;

use super::context::{
    declared_samples, example_blocks, named_like_its_database, numbered_sample, public_host,
};
use super::text::Hit;

/// The quotes a value may keep from its line: `-w professor``.
const QUOTES: [char; 3] = ['"', '\'', '`'];

/// Where `v` stands in `text` as a whole word ("admin", not the start of "administrator"; a
/// Chinese sentence runs into a value without a space).
fn whole_places(text: &str, v: &str) -> Vec<usize> {
    text.match_indices(v)
        .map(|(i, _)| i)
        .filter(|&i| {
            let after = text[i + v.len()..].chars().next();
            let before = text[..i].chars().next_back();
            after.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
                && before.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
        })
        .collect()
}

/// Whether `text` names a server on the internet: a link to a public host, or a public IPv4
/// address. A default left on such a server is a leak ("URL: http://115.112.167.25:3000 /
/// User ID: admin / Password: admin"), whatever the manual says.
pub(super) fn names_public_server(text: &str) -> bool {
    static LINK: OnceLock<Regex> = OnceLock::new();
    static IP: OnceLock<Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?-u:\b)[a-z][a-z0-9+.-]*://([^\s/?#"'<>\[\]`]+)"#)
            .expect("built-in pattern")
    });
    let ip = IP.get_or_init(|| {
        super::pattern::regex(r"(?-u:\b)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?-u:\b)")
            .expect("built-in pattern")
    });
    let public_ip = |c: &regex::Captures<'_>| {
        let o: Vec<u16> = (1..=4).filter_map(|k| c[k].parse().ok()).collect();
        o.len() == 4
            && o.iter().all(|&x| x <= 255)
            && !matches!(
                (o[0], o[1], o[2]),
                (0 | 10 | 127, _, _)
                    | (169, 254, _)
                    | (192, 168, _)
                    | (192, 0, 2)
                    | (198, 51, 100)
                    | (203, 0, 113)
            )
            && !(o[0] == 172 && (16..=31).contains(&o[1]))
            && !(o[0] == 100 && (64..=127).contains(&o[1]))
            && o[0] < 224
    };
    link.captures_iter(text).any(|c| {
        let host = c[1].rsplit('@').next().unwrap_or("");
        let name = host.split(':').next().unwrap_or("");
        public_host(host) && !code_or_docs_host(name)
            || ip.captures(name).is_some_and(|c| public_ip(&c))
    }) || ip.captures_iter(text).any(|c| public_ip(&c))
}

/// Whether `host` serves code, documentation or discussion ("See
/// https://github.com/openbmc/docs"): a link there names no server a default was left on.
fn code_or_docs_host(host: &str) -> bool {
    let host = host.to_lowercase();
    [
        "github.com",
        "github.io",
        "githubusercontent.com",
        "gitlab.com",
        "bitbucket.org",
        "sourceforge.net",
        "googlesource.com",
        "kernel.org",
        "readthedocs.io",
        "stackoverflow.com",
        "stackexchange.com",
        "wikipedia.org",
        "youtube.com",
    ]
    .iter()
    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Whether `text` names a machine on a local network by its address (`192.168.100.7`,
/// `10.0.0.5`): a real one, unlike `localhost` or a container's name.
fn names_lan_address(text: &str) -> bool {
    static IP: OnceLock<Regex> = OnceLock::new();
    IP.get_or_init(|| {
        super::pattern::regex(
            r"(?-u:\b)(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}(?-u:\b)",
        )
        .expect("built-in pattern")
    })
    .is_match(text)
}

/// Whether `v` is a password word with digits ("password123", "secret1") given in a link to a
/// host with a one-word name: a container's or a service's in a test setup (`@postgres:5432`,
/// `@db`, `@localhost`).
fn container_sample(text: &str, v: &str) -> bool {
    let l = v.to_lowercase();
    let word = l.trim_end_matches(|c: char| c.is_ascii_digit());
    if word.len() == l.len() || !["password", "pass", "secret", "passwd", "pwd"].contains(&word) {
        return false;
    }
    text.match_indices(&format!(":{v}@")).any(|(i, m)| {
        let host = text[i + m.len()..]
            .split(|c: char| c == ':' || c == '/' || c.is_whitespace() || "\"'?".contains(c))
            .next()
            .unwrap_or("");
        !host.is_empty() && !host.contains('.')
    })
}

/// Products' own defaults, which say whose they are: Dell's iDRAC `calvin`, OpenBMC's
/// `0penBmc`, Ubiquiti's `ubnt`, Raspberry Pi OS's `raspberry`, Cisco's `cisco`, and the chip
/// makers' names boards' firmware ships as root's password (`rockchip`, `broadcom`).
const PRODUCT_DEFAULTS: &[&str] = &[
    "calvin",
    "0penbmc",
    "ubnt",
    "raspberry",
    "cisco",
    "rockchip",
    "broadcom",
];

/// Values manuals and images ship as their defaults, and a role's word with digits
/// ("admin123", "test123456").
fn well_known(v: &str) -> bool {
    let l = v.to_lowercase();
    const WORDS: &[&str] = &[
        "admin",
        "administrator",
        "password",
        "passw0rd",
        "root",
        "toor",
        "guest",
        "user",
        "default",
        "public",
        "private",
        "changeme",
        "system",
        "manager",
        "support",
        "service",
        "test",
        "demo",
        "1234",
        "12345",
        "123456",
        "12345678",
        "0000",
    ];
    let word = l.trim_end_matches(|c: char| c.is_ascii_digit());
    WORDS.contains(&l.as_str())
        || PRODUCT_DEFAULTS.contains(&l.as_str())
        || word.len() < l.len()
            && [
                "admin", "test", "demo", "user", "guest", "root", "pass", "password",
            ]
            .contains(&word)
}

/// Words of a guess at the defaults, tried and refused: "Also tried username: `admin` and
/// password: `admin`", "Try admin/password".
const GUESSED: &[&str] = &[
    "tried",
    "try ",
    "trying",
    "versucht",
    "essayé",
    "probado",
    "provato",
    "geprobeerd",
];

/// Whether a place `v` stands in `text` comes after a word calling it the default
/// ("default", "factory", "默认", "par défaut", "predeterminada", "predefinita",
/// "standaard", "voreingestellt") or a guess at it ("tried") in the same paragraph, within 200 bytes, or after it within 160
/// bytes and the next paragraph.
pub(super) fn documented_default(text: &str, v: &str) -> bool {
    let v = v.trim_matches(QUOTES);
    // (A login read whole, "root/0penBmc": its password is the product's.)
    if v.split_once('/').is_some_and(|(user, pw)| {
        ["root", "admin", "administrator"].contains(&user.to_lowercase().as_str())
            && PRODUCT_DEFAULTS.contains(&pw.trim_end_matches('.').to_lowercase().as_str())
    }) {
        return true;
    }
    // (Or the account's own name, as a manual gives it: "the default username and password
    // ... u: wordpress p: wordpress".)
    if !well_known(v) && !given_as_user(text, v) {
        // (Any value a product's readme gives its administrator as the default; not a strong
        // one, as an organisation sets: "User: administrator / PW: Welcome2024!, the default
        // until you change it".)
        return !super::values::strong(v)
            && whole_places(text, v)
                .into_iter()
                // (The value may hold the account too: "admin/admincenturion".)
                .any(|i| {
                    admins_default(&format!(
                        "{} {}",
                        paragraph_around(text, i, v.len()),
                        v.to_lowercase()
                    ))
                });
    }
    // A product's own default says whose it is without the word.
    if PRODUCT_DEFAULTS.contains(&v.to_lowercase().as_str()) {
        return true;
    }
    // (One place told as the default is enough: "admin/superSecure" earlier in the text, then
    // "it should default to the password "admin"" names the same well-known value.)
    // (Or just after it, in its paragraph or a reply's next one: "admin / admin (the
    // default)", "password: wordpress" then "The default creds are what you are using".)
    whole_places(text, v).into_iter().any(|i| {
        let paragraph = paragraph_around(text, i, v.len());
        // (A guess is a word: "I just made the password 1234" is the writer's own.)
        let guessed =
            v.chars().any(char::is_alphabetic) && GUESSED.iter().any(|w| paragraph.contains(w));
        guessed
            || [
                "default",
                "factory",
                "默认",
                "預設",
                "par défaut",
                "por defecto",
                "padrão",
                "padrao",
                "standard",
                "predeterminad",
                "predefinit",
                "standaard",
                "voreingestellt",
                "werkseinstellung",
                // The first login's: "When you log in for the first time you will be asked to
                // change your password."
                "first time",
                "first login",
                "initial",
                "erste anmeldung",
                "première connexion",
                "primer inicio",
                "primo accesso",
            ]
            .iter()
            .any(|w| paragraph.contains(w))
    })
}

/// The paragraph around a value at `at` (`len` bytes), in lower case: 200 bytes before it in
/// its paragraph, 160 after it in its paragraph and the next.
fn paragraph_around(text: &str, at: usize, len: usize) -> String {
    let before = last_bytes(&text[..at], 200);
    let after = first_bytes(&text[at + len..], 160);
    let after = after
        .splitn(3, "\n\n")
        .take(2)
        .collect::<Vec<_>>()
        .join("\n\n");
    format!(
        "{} {}",
        before.rsplit("\n\n").next().unwrap_or(before),
        after
    )
    .to_lowercase()
}

/// Whether a paragraph gives a product's administrator account and its default: "The default
/// username is `admin` and the default password is `voiduser`", "The default login/password
/// is: admin/admincenturion". (Not a default handed to someone: "your default password".)
fn admins_default(paragraph: &str) -> bool {
    static ADMIN: OnceLock<Regex> = OnceLock::new();
    let admin = ADMIN.get_or_init(|| {
        super::pattern::regex(r#"(?:user(?:\s?name)?|login|account)[^.\n]{0,25}?(?-u:\b)(?:admin|administrator|root)(?-u:\b)|(?-u:\b)(?:admin|administrator|root)[`'"]?[ \t]*/"#)
            .expect("built-in pattern")
    });
    // (The word, not a name in code: "DefaultConnection".)
    let default_word = paragraph.match_indices("default").any(|(i, w)| {
        let after = paragraph[i + w.len()..].trim_start_matches('s');
        !paragraph[..i].ends_with(|c: char| c.is_alphanumeric())
            && !after.starts_with(|c: char| c.is_alphanumeric())
    });
    default_word
        && !paragraph.contains("your")
        && !paragraph.contains(" you ")
        && admin.is_match(paragraph)
}

/// The first `n` bytes of `s` or fewer, ending on a character's boundary.
pub(super) fn first_bytes(s: &str, n: usize) -> &str {
    let mut to = n.min(s.len());
    while !s.is_char_boundary(to) {
        to -= 1;
    }
    &s[..to]
}

/// The last `n` bytes of `s` or fewer, starting on a character's boundary.
pub(super) fn last_bytes(s: &str, n: usize) -> &str {
    let mut from = s.len().saturating_sub(n);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    &s[from..]
}

/// Whether `v` stands somewhere in `text` as an account's name after a user label ("user:",
/// "u:", "username:", "login:"), as well as being the password.
fn given_as_user(text: &str, v: &str) -> bool {
    const LABELS: &[&str] = &[
        "user:",
        "u:",
        "username:",
        "user name:",
        "login:",
        "benutzer:",
        "usuario:",
        "utilisateur:",
    ];
    v.chars().count() >= 3
        && whole_places(text, v).into_iter().any(|i| {
            let before = text[..i].trim_end_matches(QUOTES).trim_end();
            let tail = last_bytes(before, 12).to_lowercase();
            LABELS.iter().any(|l| {
                tail.strip_suffix(l)
                    .is_some_and(|h| h.chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
            })
        })
}

/// Whether `v` is also the name of the account it is given with on a command line or in a
/// directory's or database's own syntax: after `cn=`, `uid=`, `user=`, `-U`, `--user`, or as
/// the user of SQL's `'name'@'host'`. Such a password is as public as the account's name.
/// (A login in prose, "Username: test" / "Password: test", is a hosted test system's as
/// often as a local one's, and stays a finding.)
pub(super) fn named_like_its_account(text: &str, v: &str) -> bool {
    const ACCOUNT: &[&str] = &["cn=", "uid=", "user=", "-u", "--user", "--username"];
    let v = v.trim_matches(QUOTES);
    if v.chars().count() < 3 {
        return false;
    }
    let places = whole_places(text, v);
    if places.len() < 2 {
        return false;
    }
    places.iter().any(|&i| {
        let before = text[..i].trim_end_matches(QUOTES).trim_end();
        let before = before.trim_end_matches(QUOTES).trim_end_matches('=');
        let tail = last_bytes(before, 20).to_lowercase();
        // ("'gitlab_ci'@'localhost' IDENTIFIED BY 'gitlab_ci'": SQL's account at its host; a
        // link's password before its `@` is no account.)
        let sql_account = text[i + v.len()..].starts_with("'@'") && text[..i].ends_with('\'');
        // (A form's fields, `--data "username=admin&password=admin"`: with its `=` only.)
        let form_field = ["username=", "login="].iter().any(|f| {
            text[..i]
                .get(i.saturating_sub(f.len())..)
                .is_some_and(|t| t.eq_ignore_ascii_case(f))
        });
        sql_account
            || form_field
            || ACCOUNT
                .iter()
                .any(|a| tail.ends_with(a) || tail.ends_with(a.trim_end_matches('=')))
    })
}

/// Drops from `out` what `text` shows to be no leak: a password named like its container's
/// database, a manual's default or an account's own name (unless the text names a server on
/// the internet), one of a numbered series of names for a secret, and values in a block its
/// author marks as samples or examples.
pub(super) fn drop_public(text: &str, out: &mut Vec<Hit>) {
    // A password named like its container's database (`-e MYSQL_DATABASE=petclinic`).
    out.retain(|h| h.kind != "password" || !named_like_its_database(text, &h.value));
    // A manual's default ("the factory default password is admin") and an account whose
    // password is its own name (`-D cn=admin -w admin`).
    // (Not on a server the text names on the internet: a default left there is a leak.)
    // (The server is named near the value: a mailing list's footer or a project's link
    // elsewhere in the mail is no server the default was left on.)
    let near_public = |v: &str| {
        let places = whole_places(text, v);
        if places.is_empty() {
            return names_public_server(text);
        }
        places.into_iter().any(|i| {
            let before = last_bytes(&text[..i], 300);
            let after = first_bytes(&text[i..], 200);
            names_public_server(&format!("{before}{after}"))
        })
    };
    // (An account named like its password on a machine of a local network is a real one:
    // "address = '192.168.100.7'", "username = 'newman'", "password = 'newman'".)
    out.retain(|h| {
        let kept = || near_public(&h.value);
        // (A hosted demo's login is given to be used: its well-known words open it.)
        !matches!(h.kind, "password" | "credential-block")
            || h.detail == "demo-login"
            || if documented_default(text, &h.value) {
                kept()
            } else {
                !named_like_its_account(text, &h.value) || kept() || names_lan_address(text)
            }
    });
    // A password word with a number in a link to a container by its bare name
    // (`postgresql://launchpad:password123@postgres:5432/launchpad`): a CI job's throwaway.
    out.retain(|h| {
        !matches!(h.kind, "password" | "credential-block") || !container_sample(text, &h.value)
    });
    // One of a series of numbered names for a secret, wherever it stands (a link's password,
    // a setting): "LlaveSecreta01", "LlaveSecreta02".
    out.retain(|h| {
        !matches!(h.kind, "password" | "credential-block") || !numbered_sample(text, &h.value)
    });
    // Values in a block its author marks as samples ("# placeholders, nothing here is real").
    let mut samples = declared_samples(text);
    samples.extend(example_blocks(text));
    if !samples.is_empty() {
        out.retain(|h| {
            !text
                .match_indices(h.value.as_str())
                .any(|(i, _)| samples.iter().any(|r| r.contains(&i)))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_the_internet() {
        for text in [
            "URL: http://115.112.167.25:3000/lua/login.lua",
            "server created at: https://i-0537.test.spinmint.com",
            "ssh root@8.8.4.4",
        ] {
            assert!(names_public_server(text), "{text}");
        }
        for text in [
            "ldapsearch -H ldap://localhost -b dc=example,dc=org",
            "open http://192.168.0.1 and log in",
            "ipmitool -I lanplus -H 10.0.0.5 -U root",
            "see https://docs.example.com/setup",
            "version 1.8.19 of ipmitool",
        ] {
            assert!(!names_public_server(text), "{text}");
        }
    }

    #[test]
    fn a_manuals_default() {
        for (text, v) in [
            (
                "Enter the password to log in. The factory default password is administrator.",
                "administrator",
            ),
            ("The default admin password is \"admin\".", "admin"),
            ("settings中有设置，默认是test123456", "test123456"),
            // The account's own name as the default's password: a local stack's manual.
            (
                "the default username and password for the dashboard: u: wordpress p: wordpress",
                "wordpress",
            ),
            (
                "I can't login with admin/superSecure. The docs suggest that it should default to the password \"admin\".",
                "admin",
            ),
            (
                "Default settings are:\nUser: User name: user, Password: <serial number>\nAdministrator: User name: administrator, Password: admin",
                "admin",
            ),
            // A first login's: the manual asks to change it.
            (
                "User name is admin and password is admin. When you log in for the first time you will be asked to change your password.",
                "admin",
            ),
            // The word after the value: in brackets, or in a reply's next paragraph.
            ("log in with admin / admin (the default) and change it", "admin"),
            (
                "  creds:\n    user: wordpress\n    password: wordpress\n\nI would remove the creds section. The default creds are what you are using anyway.",
                "wordpress",
            ),
            // A product's administrator and its default, whatever the value.
            (
                "The default username is `admin` and the default password is `voiduser`.",
                "voiduser",
            ),
            ("The default login/password is: admin/admincenturion", "admin/admincenturion"),
            (
                "The default username for admin: admin\nPassword: Jaiddaks",
                "Jaiddaks",
            ),
            // A product's own default needs no word for it.
            ("ipmitool -I lan -H 192.168.200.132 -U root -P 0penBmc raw 6 4", "0penBmc"),
            ("instead of `login local` I am using `password cisco` and then `login`", "cisco"),
            ("Try this:\nLogin: `root`\nPassword: `rockchip`", "rockchip"),
            // A guess at the defaults, tried and refused.
            (
                "Also tried username: `admin` and  password: `admin`\nBoth of them not working.",
                "admin",
            ),
        ] {
            assert!(documented_default(text, v), "{text}");
        }
        // An organisation's own default, and a well-known value nobody calls a default.
        for (text, v) in [
            (
                "new hires get the default password Welcome2026! which they must change",
                "Welcome2026!",
            ),
            ("the password for the NAS is admin123", "admin123"),
            (
                "Server: 192.168.10.25\nUser: administrator\nPW: Welcome2024!\nThe default stays until changed.",
                "Welcome2024!",
            ),
            // (A default handed to someone, or a name in code, is no product's.)
            (
                "Your admin account is ready: user admin, your default password is Kx7!rTq2",
                "Kx7!rTq2",
            ),
            (
                "\"DefaultConnection\": \"Server=tcp:db;User ID=admin;Password=p@ssw0rd;\"",
                "p@ssw0rd",
            ),
            // (A default named two paragraphs further on is another matter's.)
            (
                "the password is admin123\n\nok\n\nThe default gateway is 10.0.0.1.",
                "admin123",
            ),
            // (A user named like the password, but nothing called a default.)
            ("user: wordpress\npassword: wordpress", "wordpress"),
            (
                "The default gateway is 10.0.0.1.\n\nThe admin password is admin123",
                "admin123",
            ),
        ] {
            assert!(!documented_default(text, v), "{text}");
        }
    }

    #[test]
    fn an_account_named_like_its_password() {
        for (text, v) in [
            (
                "ldapsearch -H ldap://localhost -b dc=example,dc=org -D \"cn=admin,dc=example,dc=org\" -w admin",
                "admin",
            ),
            ("dbtoyaml -H db.example.net -U postgres --password postgres", "postgres"),
            ("CREATE USER 'gitlab_ci'@'localhost' IDENTIFIED BY 'gitlab_ci';", "gitlab_ci"),
            ("curl localhost:8080/auth --data \"username=admin&password=admin\"", "admin"),
        ] {
            assert!(named_like_its_account(text, v), "{text}");
        }
        assert!(names_lan_address("address = '192.168.100.7'"));
        assert!(!names_lan_address("ldap://localhost:389 and 127.0.0.1"));
        for (text, v) in [
            ("User: jdoe\nPassword: Wq7!kd92LmZx", "Wq7!kd92LmZx"),
            ("mysql -u admin -padmin2024", "admin2024"),
            (
                "the password is admin and the admin page is /admin",
                "admin",
            ),
        ] {
            assert!(!named_like_its_account(text, v), "{text}");
        }
    }
}
