//! The names a stand-in goes by: "mypassword", "dev_pwd", "TheSSIDPassword", "root_password",
//! "changeme1", "the 16-character password". What people write in a value's place names whose
//! password it is, or what kind, rather than being one; `placeholder` asks these.

use super::super::words::PLACEHOLDERS;

/// "dummy@123", "demo#2024": a word joined to digits by `@` or `#`, the shape test and demo
/// accounts' real passwords take.
pub(super) fn word_at_digits(l: &str) -> bool {
    l.split_once(['@', '#']).is_some_and(|(w, d)| {
        w.len() >= 3
            && w.chars().all(|c| c.is_ascii_lowercase())
            && d.len() >= 2
            && d.chars().all(|c| c.is_ascii_digit())
    })
}

/// "changeme1", "yourpassword2": a stand-in with a number added. A real password that
/// happens to be weak ("admin123", "Password1", "demo123") is a password, and so is a stand-in
/// someone made into one ("ChangeMe123!", a default that works).
pub(super) fn stand_in_with_digits(l: &str) -> bool {
    let w = l.trim_end_matches(|c: char| c.is_ascii_digit());
    w.len() < l.len()
        && ["change", "your", "my", "new", "old"]
            .iter()
            .any(|p| w.starts_with(p))
        && PLACEHOLDERS.contains(&w)
}

/// "mypw", "userpass", "some_password", "secretpassword!!", "myemailpassword": whose password
/// or what kind, not which one. ("rootpassword" is one: a weak password people really set.)
pub(super) fn stand_in_name(l: &str, original: &str) -> bool {
    // "my" or "your", a word saying which, and a password word: "mymailpassword",
    // "my_db_pass", "yoursecretpassword".
    // (And in other languages: "mon-mdp", "mein_passwort".)
    // (Numbered too: "mySecurePassword123", a sample in a README's command.)
    let unnumbered = l.trim_end_matches(|c: char| c.is_ascii_digit());
    // SNMPv3's two secrets by their names: "authkey1", "privpass" (a demo agent's documented
    // users have them).
    if [
        "authkey",
        "privkey",
        "authpass",
        "privpass",
        "authpassword",
        "privpassword",
    ]
    .contains(&unnumbered)
    {
        return true;
    }
    let owned = ["my", "your", "mon", "votre", "mein", "dein", "mi"]
        .iter()
        .any(|p| {
            unnumbered.strip_prefix(p).is_some_and(|r| {
                [
                    "password", "passwd", "pass", "pwd", "pw", "secret", "psk", "mdp", "passwort",
                    "kennwort",
                ]
                .iter()
                .any(|w| {
                    r.strip_suffix(w).is_some_and(|m| {
                        !m.is_empty()
                            && m.len() <= 12
                            && m.chars()
                                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
                    })
                })
            })
        });
    // "dev_pwd", "prod_password", "db_pass": which environment's or store's password, in
    // snake case ("cactus_pass", a project's name and "pass", is a password people set); and
    // "abcpassword", "xyzpass", "foopassword": a made-up name's.
    let named = l.rsplit_once('_').is_some_and(|(a, w)| {
        [
            "dev",
            "prod",
            "production",
            "stage",
            "staging",
            "test",
            "qa",
            "local",
            "db",
            "database",
            "user",
            "new",
            "old",
            "default",
            "sample",
            "some",
            "any",
        ]
        .contains(&a)
            && ["pw", "pwd", "pass", "passwd", "password", "psk"].contains(&w)
    }) || ["abc", "xyz", "foo", "bar", "baz", "qux"].iter().any(|p| {
        l.strip_prefix(p)
            .is_some_and(|r| ["pw", "pwd", "pass", "passwd", "password"].contains(&r))
    })
        // "testpassword", "apppassword", "mailpassword": a test's or a program's slot. (Not
        // "testpass": a demo's login people really hand out.)
        || ["test", "app", "mail", "email", "smtp", "admin"].iter().any(|p| {
            l.strip_prefix(p)
                .is_some_and(|r| ["passwd", "password"].contains(&r))
        });
    // "databaseUserPassword", "smtpPass": a variable's name in camel case, whose words name
    // fields and stores ("secureDemoPassword" is a demo account's password).
    let camel = ["Password", "Passwd", "Pass", "Pwd", "Secret"]
        .iter()
        .any(|w| {
            original.strip_suffix(w).is_some_and(|head| {
                !head.is_empty()
                    // ("AppPassword" too: a slot's name in a link's template.)
                    && head.starts_with(|c: char| c.is_ascii_alphabetic())
                    && head.chars().all(|c| c.is_ascii_alphabetic())
                    && camel_words(head).all(|h| {
                        [
                            "database", "db", "user", "admin", "root", "smtp", "mail", "email",
                            "app", "api", "service", "server", "ftp", "sql", "mysql", "postgres",
                            "redis", "account", "login", "new", "old", "current", "confirm",
                            "default", "the", "test", "my", "your", "some", "sample", "ssid",
                            "wifi", "wlan", "mqtt", "network", "router", "ota", "ap", "fallback",
                            "hotspot",
                            // What a stand-in boasts of: "SuperSecretPassword",
                            // "UnbreakablePassword".
                            "super", "secret", "very", "secure", "strong", "unbreakable",
                            "safe", "complex", "top",
                            // What a tool's example output calls it: "DecryptedPassword!".
                            "decrypted", "encrypted", "generated", "hashed", "random",
                        ]
                        .contains(&h.to_lowercase().as_str())
                    })
            })
        });
    // "my_psk1234", "my_wifi_key": a name in a template, whatever follows.
    let template = ["my_", "your_"].iter().any(|p| {
        l.strip_prefix(p)
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_lowercase()))
    });
    // "PasswordRete", "PasswordForMQTTIntegration": the password word, then in capitalised
    // words what it is for.
    let named_after = ["Password", "Passwort", "Passwd"].iter().any(|w| {
        original.strip_prefix(w).is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_uppercase())
                && rest.chars().all(|c| c.is_ascii_alphabetic())
        })
    });
    owned
        || camel
        || named_after
        || named
        || template
        || [
            "my",
            "your",
            "user",
            "some",
            "db",
            "the",
            "secret",
            "mysecret",
            "supersecret",
            "super",
            "strong",
            "verysecret",
            "example",
            "sample",
            "dummy",
            "fake",
            // A switch: "nopassword", "no_pass".
            "no",
            // A demo of what a login accepts: "goodpass", "badpass", "wrong_password".
            "good",
            "bad",
            "wrong",
            "right",
            "correct",
            "incorrect",
            "invalid",
            "valid",
        ]
        .iter()
        .any(|p| {
            l.strip_prefix(p)
                .map(|r| r.trim_start_matches(['_', '-']))
                .is_some_and(|r| {
                    ["pw", "pwd", "pass", "passwd", "password", "secret", "psk"].contains(&r)
                })
        })
}

/// The words of a camel-case name: "databaseUser" gives "database", "User". An acronym stays
/// one word: "TheSSIDPassword" gives "The", "SSID", "Password".
fn camel_words(name: &str) -> impl Iterator<Item = &str> {
    let b = name.as_bytes();
    let mut starts: Vec<usize> = (0..b.len())
        .filter(|&i| {
            i == 0
                || b[i].is_ascii_uppercase()
                    && (b[i - 1].is_ascii_lowercase()
                        || b.get(i + 1).is_some_and(u8::is_ascii_lowercase))
        })
        .collect();
    starts.push(name.len());
    (0..starts.len() - 1).map(move |k| &name[starts[k]..starts[k + 1]])
}

/// What a password is like rather than what it is: "the 16-character password", "a 6-digit
/// PIN".
pub(super) fn length_of_one(l: &str) -> bool {
    let Some((n, unit)) = l.split_once(['-', ' ']) else {
        return false;
    };
    !n.is_empty()
        && n.chars().all(|c| c.is_ascii_digit())
        && [
            "character",
            "characters",
            "char",
            "chars",
            "digit",
            "digits",
            "letter",
            "letters",
            "stellig",
            "stellige",
            "stelliges",
            "zeichen",
            "caractères",
            "caracteres",
            "cifre",
        ]
        .contains(&unit)
}

/// A value that names what it stands for: "root_password", "the selected ftp password",
/// "app-specific-password" (a password word and no digit).
pub(super) fn names_itself(l: &str) -> bool {
    let apart = |c: Option<char>| c.is_none_or(|c| " _-".contains(c));
    l.contains([' ', '_', '-'])
        && !l.chars().any(|c| c.is_ascii_digit())
        && [
            "password",
            "passwort",
            "passwd",
            "passphrase",
            "contraseña",
            "wachtwoord",
            "kennwort",
            "mot de passe",
            "mot_de_passe",
            "пароль",
            "senha",
        ]
        .iter()
        .any(|w| {
            l.match_indices(w).any(|(i, _)| {
                apart(l[..i].chars().next_back()) && apart(l[i + w.len()..].chars().next())
            })
        })
}

/// "reallyreallylongpasswordof32chrs", "ashorterpassword": lower-case words run together
/// around "password", fourteen characters or more, that say what the value is like rather
/// than being it. (A short one, "rootpassword", is a weak password people really set.)
pub(super) fn describes_itself(original: &str) -> bool {
    let rest = original.replacen("password", "", 1);
    original.len() >= 14
        && rest.len() < original.len()
        && original
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && rest.chars().filter(char::is_ascii_lowercase).count() >= 4
}

/// "RXYFTZXRQY", "QWTRKZPLMX": eight capitals or more drawn at random, as a server's board
/// prints its management password, rather than documentation's name for a slot in capitals
/// ("LISTNAME", "DBPASSWORD", "HOSTNAME"): few vowels or a long run without one, and no word
/// that names a slot.
/// Words in capitals that name a slot rather than fill it ("DBPASSWORD", "LISTNAME").
const SLOT: &[&str] = &[
    "PASS", "PWD", "NAME", "USER", "KEY", "TOKEN", "SECRET", "HOST", "ADDR", "LIST", "SERV",
    "PORT", "DB", "DATA", "API", "VALUE", "YOUR", "HERE", "MY", "ID", "MAIL", "DOMAIN", "URL",
    "PATH", "FILE", "ACCOUNT", "CODE", "PIN", "SSID", "PSK", "WPA", "NET", "APP", "CLIENT",
    "TENANT", "PROJECT", "REGION", "BUCKET", "PHONE", "NUMBER", "IP", "GROUP", "ROLE", "ADMIN",
    "ROOT", "LOGIN", "AUTH", "CERT", "SMTP", "HTTP", "SQL", "FTP", "SSH", "CRED",
];

/// Whether a word in capitals is documentation's name for a slot or a stand-in: it holds a
/// slot's word ("ADDRESS", "HOSTNAME", "MYPASS") or is one of the words written where a value
/// is withheld ("REDACTED", "HIDDEN", "TEST"). Not an office's password in capitals, as
/// systems that ignore case printed them ("ITALIA", "ENRONT", "MAKER").
pub(super) fn slot_in_capitals(v: &str) -> bool {
    const STAND_INS: &[&str] = &[
        "REDACTED",
        "HIDDEN",
        "MASKED",
        "CENSORED",
        "REMOVED",
        "SOMETHING",
        "WHATEVER",
        "FOOBAR",
        "FOO",
        "BAR",
        "BAZ",
        "TEST",
        "TESTING",
        "EXAMPLE",
        "SAMPLE",
        "DUMMY",
        "BLANK",
        "NONE",
        "EMPTY",
        "NULL",
        "SAME",
        "CHANGEME",
        "DEFAULT",
        "PLACEHOLDER",
        "TODO",
        "TBD",
        "UNKNOWN",
        "SECURE",
        "STRONG",
        "RANDOM",
        "GENERATED",
        "PRIVATE",
        "CUSTOM",
        "OTHER",
        "ANY",
        "SOME",
        "THIS",
        "THAT",
        "HERE",
        "THERE",
        "WHAT",
        "XYZ",
        "ABC",
        "ABCD",
        "QWERTY",
        "SETTING",
        "OPTION",
        "ENV",
        "VAR",
        "VARIABLE",
        "CONFIG",
        "PARAM",
        "ARG",
        "FIELD",
        "ENTRY",
        "STRING",
        "TEXT",
        "WORD",
        "INPUT",
        "OUTPUT",
        "HASH",
        "SALT",
        "ENCRYPTED",
        "PLAIN",
        "CLEAR",
    ];
    // (A slot's two-letter word counts at the end only: "CLIENTID", "HOSTIP"; "IDACORP" is a
    // company's name.)
    STAND_INS.contains(&v)
        || SLOT.iter().any(|w| {
            if w.len() <= 2 {
                v.ends_with(w)
            } else {
                v.contains(w)
            }
        })
}

pub(super) fn capitals_at_random(v: &str) -> bool {
    let vowel = |c: char| "AEIOU".contains(c);
    let n = v.chars().count();
    let vowels = v.chars().filter(|&c| vowel(c)).count();
    let mut run = 0;
    let mut longest = 0;
    for c in v.chars() {
        run = if vowel(c) || c == 'Y' { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    n >= 8
        && v.chars().all(|c| c.is_ascii_uppercase())
        && (vowels * 5 < n || longest >= 5)
        && !SLOT.iter().any(|w| v.contains(w))
}

/// "MustBeTheRealPassword", "MyVerySecretPassword": four words or more run together in
/// camel case, one of them the password word, that say what goes there. (Three, as in
/// "TheRealPassword", are short enough to be set as one.)
pub(super) fn camel_description(original: &str) -> bool {
    const SECRET: &[&str] = &["Password", "Passwort", "Pass", "Secret", "Key", "Token"];
    if !original.chars().all(|c| c.is_ascii_alphabetic())
        || !original.starts_with(|c: char| c.is_ascii_uppercase())
    {
        return false;
    }
    let starts: Vec<usize> = original
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .collect();
    let words: Vec<&str> = starts
        .iter()
        .zip(
            starts
                .iter()
                .skip(1)
                .chain(std::iter::once(&original.len())),
        )
        .map(|(&a, &b)| &original[a..b])
        .collect();
    words.len() >= 4 && words.iter().any(|w| SECRET.contains(w))
}

/// "_mysql_root_pw_", "_my_password", "db_root_password": words in snake case that name which
/// store's or account's password goes there, and nothing else.
pub(super) fn snake_stand_in(l: &str) -> bool {
    const NAMING: &[&str] = &[
        "my", "your", "the", "mysql", "mariadb", "postgres", "pg", "db", "database", "root",
        "admin", "user", "app", "api", "redis", "mail", "smtp", "ftp", "wifi", "new", "old",
        "default", "sample", "example",
    ];
    const SECRET: &[&str] = &[
        "pw", "pwd", "pass", "passwd", "password", "secret", "key", "token",
    ];
    let inner = l.trim_matches('_');
    let parts: Vec<&str> = inner.split('_').collect();
    parts.len() >= 2
        && parts.iter().any(|p| SECRET.contains(p))
        && parts
            .iter()
            .all(|p| SECRET.contains(p) || NAMING.contains(p))
}
