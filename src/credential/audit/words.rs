//! The words of the password rules: password labels in English, German, French, Spanish,
//! Italian, Dutch and more (with OCR's misreadings), what may stand between a label and its
//! value, what shows a line is about passwords in general, placeholders, and the ordinary words
//! that follow "password is" without being a password. Lists, kept apart from the logic in
//! `phrasing` and `values` so that they can grow.

/// Password words: the labels in English, German, French, Spanish, Italian, Dutch and a few
/// more (Nordic, Slavic, Turkish, Romanian, Greek, Indonesian, Vietnamese, Chinese, Japanese,
/// Korean), with OCR's usual misreadings of "password".
pub(super) const LABELS: &str = r"passwords?|passw[o0]rd|paa?ss?w(?:or|ro)d|p/w|pass?wort|kennwort|passwd|passphrase|passcode|p-?word|psw(?:r?d)?|pwd|pw|pass|wachtwoord|mot\s+de\s+passe|mdp|contrase(?:ñ|n|fi|ni|ri)a|clave|senha|parola\s+d'ordine|l[öo]senord|passord|adgangskode|salasana|has[łl]o|heslo|jelsz[óo]|пароль|парола|密码|密碼|[帐账賬][号號户戶]?密[码碼]?|口令|パスワード|비밀번호|[şs]ifre(?:si)?|parol[aă]|kata\s+sandi|m[ậa]t\s+kh[ẩa]u|κωδικός|pin|pin\s+code|pincode";

/// Words glued to a password word without a space or hyphen: "Datenbankpasswort", "rootpw"
/// ("WLAN-Passwort" and "db_password" need none: a hyphen or underscore ends a word).
pub(super) const PREFIXES: &str = r"(?:admin|root|db|datenbank|wlan|wifi|vpn|user|benutzer|initial|start|einmal|zugangs|login|app|master|sudo|e?mail|ftp|sql|server|router|system|netzwerk|windows|domain|dom[äa]nen|ldap|temp|tmp|kunden|portal|web|test|geheim)?";

/// Words that may stand between a separator and the value.
#[rustfmt::skip]
pub(super) const FILLERS: &[&str] = &[
    "now", "still", "currently", "simply", "just", "temporarily", "again", "nun", "jetzt",
    "maintenant", "ahora", "ora", "nu", "also", "auch", "aussi", "también", "anche", "ook", "set",
    "to", "changed", "reset", "follows:", "following:", "as", "the", "der", "die", "das", "not",
    // "lautet standardmäßig X", "is initially X".
    "standardmäßig", "normalerweise", "voreingestellt", "werkseitig", "initially", "usually",
    "normally", "always", "immer", "standaard", "altijd", "toujours", "siempre", "sempre",
];

/// Two-word fillers: "is by default X", "est par défaut X".
pub(super) const FILLER_PAIRS: &[&str] = &[
    "by default",
    "per default",
    "par défaut",
    "por defecto",
    "di default",
    "per impostazione",
];

/// The first word after a password word that makes the line about passwords in general.
#[rustfmt::skip]
pub(super) const ABOUT: &[&str] = &[
    "policy", "policies", "reset", "resets", "length", "expiry", "expires", "expired",
    "expiration", "age", "history", "complexity", "hint", "hints", "manager", "managers",
    "strength", "requirements", "requirement", "rules", "rule", "change", "changes", "field",
    "fields", "prompt", "protected", "protection", "hash", "hashes", "hashed", "salt", "attempts",
    "attempt", "recovery", "forgotten", "forgot", "vault", "safe", "store", "storage", "rotation",
    "generator", "authentication", "auth", "based", "less", "sharing", "richtlinie",
    "richtlinien", "regeln", "länge", "zurücksetzen", "vergessen", "ändern", "änderung", "oublié",
    "réinitialisation", "olvidada", "olvidado", "restablecer", "dimenticata", "vergeten",
    "wijzigen", "login", "logins", "input", "box", "entry", "form", "dialog", "window", "screen",
    "page", "link", "mail", "email", "e-mail", "sms", "confirmation", "confirm", "repeat",
    "wiederholen", "bestätigen", "again", "spray", "spraying", "guessing", "cracking", "dump",
    "leak", "leaks", "breach", "audit", "check", "checker", "meter", "quality", "entropy",
    "validation", "verification", "updated", "update", "lockout", "locked", "expire", "requires",
    "required", "minimum", "maximum", "min", "max", "requirements:", "policy:", "stealer",
    "stealers", "spreadsheet", "file", "files", "list", "lists", "database", "protect", "managed",
    "management", "authenticated", "authenticator", "less.",
    // ipmitool's "Bad Password Threshold : Not Available"; "password db are 0700"; dmidecode's
    // "Power-On Password Status: Not Implemented"; SAE's "Password Identifier"; systemd's
    // "Dispatch Password Requests to Console Directory Watch".
    "threshold", "db", "status", "identifier", "requests", "request", "agent", "agents",
];

/// Words that end the search for a value: the line talks about the password.
#[rustfmt::skip]
pub(super) const STOP_VERBS: &[&str] = &[
    "must", "should", "has", "have", "needs", "need", "can", "cannot", "may", "might", "requires",
    "require", "muss", "soll", "sollte", "kann", "doit", "peut", "debe", "puede", "deve", "può",
    "moet", "kan", "expires", "expired", "changed", "reset", "forgot", "forgotten", "contains",
    "contain",
    // A clause of its own: "change the password when the session is disconnected".
    "when", "while", "whenever", "if", "because", "since", "until", "unless", "where",
];

/// Values that stand in for a password in documentation, forms and logs.
#[rustfmt::skip]
pub(super) const PLACEHOLDERS: &[&str] = &[
    "changeme", "change_me", "change-me", "changeit", "password", "passwort",
    "yourpassword", "your_password", "your-password", "mypassword", "my_password", "newpassword",
    "new_password", "oldpassword", "old_password", "userpassword", "dbpassword", "db_password",
    "secret", "mysecret", "supersecret", "sekrit", "sekret", "example", "placeholder", "redacted",
    "hidden", "removed", "masked", "censored", "filtered", "omitted", "xxx", "xxxx", "xxxxx",
    "xxxxxx", "xxxxxxxx", "tbd", "todo", "n/a", "none", "null", "nil", "empty", "blank", "unset",
    "notset", "undefined", "default", "dummy", "sample", "foobar", "foobared", "foo", "bar", "test",
    "testing", "demo", "pass", "pwd", "passwd", "pw", "value", "string", "str", "text", "geheim",
    "motdepasse", "contraseña", "wachtwoord", "kennwort",
    // The internet's joke password, from a chat log everybody quotes.
    "hunter2",
    // C's getopt puts an option's argument there: `args.client_pw = optarg;`.
    "optarg",
];

/// Ordinary words that follow "password is" and friends without being the password.
#[rustfmt::skip]
pub(super) const STOPWORDS: &[&str] = &[
    "is", "the", "a", "an", "to", "in", "on", "at", "by", "via", "per", "for", "from", "with",
    "your", "my", "our", "their", "his", "her", "its", "this", "that", "these", "those", "it",
    "not", "no", "yes", "will", "was", "be", "been", "being", "has", "have", "had", "must",
    "should", "can", "could", "may", "might", "and", "or", "but", "as", "if", "also", "still",
    "now", "then", "only", "just", "too", "very", "same", "different", "wrong", "incorrect",
    "similar", "identical", "equal", "of", "available", "work", "works",
    "invalid", "correct", "valid", "strong", "weak", "secure", "insecure", "long", "short",
    "case", "sensitive", "attached", "below", "above", "following", "enclosed", "included",
    "stored", "saved", "kept", "written", "known", "shared", "protected", "encrypted", "hashed",
    "set", "ok", "okay", "fine", "good", "bad", "unchanged", "changed", "reset", "expired",
    "required", "optional", "missing", "needed", "empty", "blank", "clean", "clear", "becomes", "become", "became", "see", "sent", "coming",
    "pending", "unknown", "updated", "new", "old", "one", "same.", "here", "there", "what",
    "which", "who", "how", "why", "when", "where", "please", "thanks", "thank", "separately",
    "later", "tomorrow", "soon", "below:", "above:", "following:", "enabled", "disabled", "true",
    "false", "off", "never", "always", "standard", "generated", "random", "provided", "supplied",
    "discussed", "agreed", "arranged", "mentioned", "requested", "promised", "announced",
    "usual", "before", "previously", "given", "ready", "active", "inactive", "locked", "unlocked", "expiring", "about", "less",
    "close", "closed", "open", "opened", "blocked", "suspended", "banned", "deleted",
    "more", "least", "most", "too", "easy", "hard", "simple", "complex", "forgotten", "lost",
    "stolen", "compromised", "leaked", "exposed", "visible", "accepted", "rejected", "denied",
    "failed", "successful", "successfully", "done", "working", "works", "worked", "fails",
    "failing", "der", "die", "das", "ist", "wird", "nicht",
    "kein", "keine", "ein", "eine", "im", "bitte", "siehe", "folgt", "gleich", "neu", "alt",
    "falsch", "richtig", "abgelaufen", "geändert", "unverändert", "le", "la", "les", "est",
    "sera", "pas", "un", "une", "voir", "ci-dessous", "identique", "changé", "el", "los", "las",
    "es", "será", "ver", "igual", "il", "lo", "è", "non", "uguale", "het", "de", "een", "niet",
    "zie", "hetzelfde", "gewijzigd", "verlopen", "sms", "phone", "telefon", "téléphone", "signal",
    "whatsapp", "separate", "another", "other", "second", "next", "first", "previous", "last",
    "usual", "before", "yesterday", "today", "entered", "typed", "asked", "requested", "sending",
    "following.", "below.", "attached.", "letters", "characters", "chars", "digits", "zeichen",
    "caractères", "caracteres", "caratteri", "tekens", "something", "anything", "nothing",
    "everything", "whatever", "mine", "yours", "ours", "theirs", "admin's", "vault.", "manager.",
    "inside", "within", "under", "over", "into", "onto", "until", "after", "since", "because",
    "so", "vault", "keepass", "keepassxc", "1password", "bitwarden", "lastpass", "dashlane",
    "passbolt", "safe", "tresor", "coffre", "bóveda", "kluis", "ticket", "wiki", "confluence",
    "sharepoint", "teams", "slack", "mail", "email", "e-mail", "letter", "post", "brief",
    "courrier", "temporary", "provisional", "initial", "personal", "private", "confidential",
    "provisoire", "temporaire", "initiale", "personnel", "personnelle", "confidentiel", "temporär",
    "vorläufig", "provisorisch", "persönlich", "vertraulich", "provisorio", "provisoria",
    "temporal", "temporaneo", "temporanea", "provvisoria", "tijdelijk", "tijdelijke",
];

/// Adjectives that tell what a password is like, without the endings `predicate_word` knows.
#[rustfmt::skip]
pub(super) const PREDICATES: &[&str] = &[
    // What was wrong: "not hashing the password, so that was the issue".
    "issue", "issues", "problem", "problems", "culprit", "cause", "reason", "bug", "fix",
    "solution", "trick", "mistake", "error",
    "right", "wrong", "fine", "weak", "strong", "long", "short", "easy", "hard", "simple",
    // Comparatives: "the problem gets worse when the password is longer".
    "longer", "shorter", "stronger", "weaker", "simpler", "harder", "easier", "safer", "better",
    "worse", "bigger", "smaller", "larger",
    "complex", "unique", "secret", "null", "none", "gone", "broken", "stale", "obsolete",
    "correct", "incorrect", "invalid", "valid", "expired", "public", "private", "common",
    "weird", "strange", "odd", "silly", "stupid", "dumb", "terrible", "awful", "great",
    "perfect", "nice", "cool", "same", "mandatory", "necessary", "enough", "there", "here",
    "below", "above", "inside", "plaintext", "cleartext", "blank", "empty", "unset", "wrong.",
    "leer", "geheim", "sicher", "unsicher", "schwach", "stark", "lang", "kurz", "einfach",
    "anders", "identisch", "korrekt", "unbekannt", "bekannt", "hier", "dort", "unten", "oben",
    "pflicht", "weg", "ok", "faux", "bon", "mauvais", "vide", "requis", "invalide", "valide",
    "trop", "nécessaire", "obligatoire", "différent", "débil", "fuerte", "segura", "seguro",
    "vacía", "vacío", "nueva", "nuevo", "vieja", "igual", "distinta", "errata", "corretta",
    "vuota", "debole", "forte", "sicura", "diversa", "nuova", "fout", "verkeerd", "onjuist",
    "juist", "verplicht", "ongeldig", "geldig", "leeg", "zwak", "sterk", "veilig", "nieuw",
    "oud", "found", "shown", "hidden", "taken", "chosen", "seen", "known", "told", "held",
    "sent", "spent", "meant", "left", "lost", "got", "gotten", "put", "read", "run", "won",
    "written", "forgotten", "stolen", "broken", "frozen", "spoken", "driven", "proven",
    "heute", "morgen", "gestern", "today", "tomorrow", "yesterday", "aujourd'hui", "hoy",
    "oggi", "vandaag", "fraca", "forte", "curta", "longa", "comum", "vazia", "nova", "segura",
    "correto", "corretos", "correta", "corretas", "incorreto", "incorretos", "incorreta",
    "incorretas", "errado", "errados", "errada", "erradas", "válida", "válido", "inválida",
    "inválido",
    "login", "logon", "access", "entry", "input", "form", "box", "dialog", "screen", "page",
    "sign-in", "signin", "auth", "only", "instead", "alone", "connu", "inconnu", "fourni",
    "défini", "choisi", "reçu", "perdu", "prévu", "permis", "écrit", "vergeben", "bekannt",
];

/// Verbs (their stems) that act on a password rather than give it: "reset the password".
#[rustfmt::skip]
pub(super) const ACTIONS: &[&str] = &[
    "reset", "chang", "forg", "recover", "rotat", "updat", "retriev", "zurücksetz", "änder",
    "vergess", "réinitialis", "oubli", "restablec", "cambi", "olvid", "reimpost",
    "wijzig", "vergeten",
];

/// Adjectives that follow a password word in Portuguese, Spanish, French and Italian: "senha
/// padrão", "contraseña temporal", "mot de passe provisoire", "password provvisoria".
#[rustfmt::skip]
pub(super) const POST_ADJECTIVES: &[&str] = &[
    "padrão", "padrao", "inicial", "provisória", "provisoria", "temporária", "temporaria",
    "nova", "temporal", "provisional", "nueva", "provisoire", "temporaire", "initiale",
    "nouveau", "provvisoria", "temporanea", "iniziale", "nuova",
];

/// The words after "key" that say what kind of key it is, not which.
#[rustfmt::skip]
pub(super) const KEY_KINDS: &[&str] = &[
    "algorithm", "algorithms", "type", "types", "exchange", "fingerprint", "size", "length",
    "usage", "format", "id", "ids", "file", "files", "name", "path", "bits", "pair", "store",
    "identifier", "identifiers", "handle", "serial", "derivation",
];
