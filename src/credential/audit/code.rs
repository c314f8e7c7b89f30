//! Code where a password would be: what code writes in a value's place (calls, members,
//! formats, constants, variables) and the words around a password word that make it part of
//! code rather than a label (`key.ipv4_addr`, `fscache_access_cache_pin,`, `->write_begin()`).
//! Developers' mail is full of both: patches, logs and terminal output.

use std::sync::OnceLock;

use regex::Regex;

use super::labels::separator_re;
use super::values::strong;

/// What code puts where a value would be: a call (`input("..")`, `Set(md5(..))`, not
/// "master(Xy7q2)"), a dotted
/// name (`var.admin_password`, `secrets.password`), a template (`{$password}`, `{PW}`), a
/// format (`%s`), a constant's name (`NEW_SECRET_KEY`), a request field (`$_POST['pw']`).
pub(super) fn code_expression(v: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r#"^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\((?:["'`)$(]|[A-Za-z_$][\w$]*(?:[(.,\[+*/-]|->)|[A-Za-z_]*\)$|[a-z_][a-z0-9]*_[a-z0-9_]*\)$)|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|\{|[.+ ]*\$(?:_|this\b|[A-Za-z_]\w*\[)|%[-0-9.]*[a-z](?:\\n)?$|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$)"#)
            .expect("built-in pattern")
    });
    // A PowerShell cmdlet: `$Password = ConvertTo-SecureString ...`, `Read-Host`.
    if powershell_cmdlet(v) {
        return true;
    }
    // Code around it: `" . exibirSenha($senha) . "`; a statement's end (`kstrdup(x);`).
    let t = v.trim_matches(['.', '+', ' ']);
    let t = if t.contains('(') || t.starts_with('%') {
        t.trim_end_matches([';', ','])
    } else {
        t
    };
    // C's members and addresses (`ses->server`, `&lease_key`), a format with a length
    // modifier (`0x%llx`), a call on a literal (`cpu_to_le32(0xC000006A)`, `BIT(1)`,
    // `mraa.Gpio(2)`).
    static C: OnceLock<Regex> = OnceLock::new();
    let c = C.get_or_init(|| {
        super::pattern::regex(r#"^(?:[A-Za-z_][\w.]*->[A-Za-z_]|&[A-Za-z_]\w*(?:->|\.|\[|$)|(?:0x)?(?:%[-0-9.]*[lhzjt]*[A-Za-z]{1,3})+(?:[)"']|\\n)*$|[A-Za-z_]\w*\*?\(\)|[A-Za-z_]\w*\[[\w+-]*\]?;?$|[A-Za-z_][\w.]*\((?:0x[0-9A-Fa-f]+|\d+|[A-Z_][A-Z0-9_]*)\)?$)"#)
            .expect("built-in pattern")
    });
    // (The value may have lost its call's closing parenthesis: `g_strdup(optarg`.)
    let closed = if t.contains('(') && !t.contains(')') {
        std::borrow::Cow::Owned(format!("{t})"))
    } else {
        std::borrow::Cow::Borrowed(t)
    };
    let t = closed.as_ref();
    // (Most values have none of the signs these shapes need: no look for them.)
    if t.contains(['-', '&', '%', '(', '[']) && c.is_match(t) {
        return true;
    }
    // A dotted value with a digit, capitalised words or two plain words is a password's shape.
    let shaped = (t.contains('.') && !t.contains('(') && t.chars().any(|c| c.is_ascii_digit()))
        || capitalised_words(t)
        || two_plain_words(t);
    (t.len() < v.len() && is_variable(t)) || (re.is_match(t) && !shaped)
}

/// "tree.xie", "anna.berg": two lower-case words joined by a dot, neither of which names
/// what code keeps ("config.pass", "form.pw", "env.secret", "req.body"): a password's shape.
pub(super) fn two_plain_words(t: &str) -> bool {
    let Some((a, b)) = t.split_once('.') else {
        return false;
    };
    let plain = |w: &str| {
        (2..=12).contains(&w.len())
            && w.chars().all(|c| c.is_ascii_lowercase())
            && ![
                "pass", "pw", "pwd", "secret", "key", "token", "cred", "conf", "cfg", "env",
                "setting", "var", "process", "os", "self", "this", "arg", "opt", "param", "form",
                "req", "request", "body", "data", "user", "input", "value", "prop", "state", "ctx",
                "context", "app", "db", "auth", "login", "account", "admin", "root", "field",
                "get", "set", "new", "old", "current", "default", "item", "obj", "model", "entity",
                "row", "record", "payload", "json", "yaml", "config", "options", "global", "mail",
                "smtp", "imap", "server", "host", "site", "service", "client", "conn", "session",
                "store", "vault", "ldap", "sql", "redis", "mongo", "api", "http",
            ]
            .iter()
            .any(|k| w.starts_with(k) || w.ends_with(k))
    };
    plain(a) && plain(b)
}

/// `ConvertTo-SecureString`, `Read-Host`, `Get-Credential`: a verb PowerShell knows, a dash,
/// a capitalised noun.
pub(super) fn powershell_cmdlet(v: &str) -> bool {
    v.split_once('-').is_some_and(|(verb, noun)| {
        [
            "Get",
            "Set",
            "New",
            "Read",
            "ConvertTo",
            "ConvertFrom",
            "Import",
            "Export",
            "Invoke",
            "Add",
            "Remove",
            "Out",
            "Write",
            "Select",
            "Test",
            "Start",
            "Stop",
        ]
        .contains(&verb)
            && noun.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && noun.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// "Akuh.Net", "Blue.Harbour": capitalised words with dots, a password's shape rather than a
/// dotted name from code (`Settings.DbPassword` names what it holds).
pub(super) fn capitalised_words(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() > 1
        && parts.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && p.chars().skip(1).all(|c| c.is_ascii_lowercase())
        })
        && !parts.iter().any(|p| {
            let l = p.to_ascii_lowercase();
            [
                "pass", "pwd", "secret", "key", "token", "cred", "config", "setting", "env",
            ]
            .iter()
            .any(|w| l.contains(w))
        })
}

/// A shell, batch or template variable: `$SSHPASS`, `%PASSWORD%`, `$env:PW`.
pub(super) fn is_variable(v: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"^(?:\$(?:env:)?[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|@[A-Za-z_]+)$",
        )
        .expect("built-in pattern")
    })
    .is_match(v.trim_matches(|c: char| "\"'`".contains(c)))
}

/// Whether the password word at `line[start..end]` is part of something else: a kebab-case
/// name (`complete-reset-pw-header-v2`), a member (`key.ipv4_addr`, `key->payload`), a
/// constant or enum passed on (`fscache_access_cache_pin,`), a setting's value
/// (`password=pass,noperm`), or the verb "pass" ("Pass a flag to", "Don't pass back").
pub(super) fn not_a_label(line: &str, start: usize, end: usize) -> bool {
    let (before, after) = (&line[..start], &line[end..]);
    let word = &line[start..end];
    let kebab = before.ends_with('-')
        && after.starts_with('-')
        && after[1..].starts_with(|c: char| c.is_alphanumeric());
    // A longer name: "pw-bot:", "password-store".
    // (Also a capitalised one: PAM's "Password-Type: Primary".)
    let compound = after.starts_with('-')
        && (after[1..].starts_with(|c: char| c.is_ascii_lowercase())
            || after[1..].starts_with(|c: char| c.is_ascii_uppercase())
                && after[2..].starts_with(|c: char| c.is_ascii_lowercase()));
    // (Also an arrow a wrapped line split: "pw- >pw_gid);".)
    let member = (after.starts_with('.') && after[1..].starts_with(|c: char| c.is_alphabetic()))
        || after.starts_with("->") && arrow_call().is_match(after)
        || after
            .strip_prefix('-')
            .and_then(|r| r.trim_start().strip_prefix('>'))
            .is_some_and(|r| r.starts_with(|c: char| c.is_alphabetic() || c == '_'));
    // The working directory in sudo's log line: "TTY=pts/2 ; PWD=/home/jdoe ; USER=root".
    // s390's program status word in a crash dump: "Krnl PSW : 0704c00180000000".
    let status_word = word.eq_ignore_ascii_case("psw")
        && (before.trim_end().ends_with("Krnl") || before.trim_end().ends_with("User"));
    let cwd = word.eq_ignore_ascii_case("pwd")
        && after
            .strip_prefix('=')
            .is_some_and(|v| v.starts_with(['/', '~']));
    // A test vector's field in C, its bytes escaped: `.key = "\x2b\x7e\x15..."`.
    let test_vector = before.trim_start_matches(['+', '-', ' ', '\t']) == "."
        && after
            .trim_start_matches([' ', '\t', '='])
            .starts_with("\"\\x");
    // An argument: `EM(cache_access_pin, ...)`, `DR(key, constant)`.
    let passed_on = before.ends_with(['_', '(']) && after.starts_with(',');
    let a_value = before.ends_with('=')
        && (after.is_empty() || after.starts_with([',', ';', ' ', ')', '\'', '"']));
    // The shell's `pwd` in a command substitution: "$cwd = `pwd 2>/dev/null`", "$(pwd)".
    // (And a command's word in a quoted argument list: `"root@10.0.0.9" "pwd"]`, not a
    // JSON key's `"pwd": "X"`.)
    let shell_pwd = word.eq_ignore_ascii_case("pwd")
        && (before.ends_with('`')
            || before.ends_with("$(")
            || before.ends_with('"')
                && after.starts_with('"')
                && !after[1..].trim_start().starts_with(':'));
    // A file: "/etc/passwd", "~/.pgpass", `"/etc/passwd"` in a system call's trace.
    let path = before
        .rsplit(char::is_whitespace)
        .next()
        .map(|t| t.trim_start_matches(['"', '\'', '`', '(', '<', '[']))
        .is_some_and(|t| t.starts_with(['/', '~']) && t.ends_with(['/', '.']));
    // Glued into a run of base64 ("...TxYdTK+pW +n..."), or a short word glued into a name: a
    // devicetree's `fanin0_pin:`, a path's `mtk-mdp`.
    let glued = before.ends_with('+')
        || ["pin", "mdp"].contains(&word.to_lowercase().as_str())
            && before.ends_with(['_', '-', '/', '.']);
    // The passwd map of the name service in a daemon's log (`nslcd: <passwd="jdoe">`); a PAM
    // service and its stage (`pam_cifscreds(gdm-password:session)`).
    let nss_map = word == "passwd" && before.ends_with('<') && after.starts_with('=')
        || before.ends_with('-')
            && [":session", ":auth", ":account", ":password"]
                .iter()
                .any(|t| after.starts_with(t));
    // The name service's switch (`passwd: files systemd`, `passwd:files`): where accounts
    // are looked up, no password.
    let nsswitch = word == "passwd"
        && after.strip_prefix(':').is_some_and(|r| {
            r.split_whitespace().next().is_some_and(|s| {
                [
                    "files",
                    "compat",
                    "nis",
                    "nisplus",
                    "ldap",
                    "sss",
                    "systemd",
                    "db",
                    "winbind",
                    "extrausers",
                    "cache",
                    "hesiod",
                ]
                .contains(&s.trim_end_matches(['[', ','].as_slice()))
            })
        });
    // A message's text in a logging call: `pr_info("trusted_key: TSS failure")`,
    // `#define pr_fmt(fmt) "trusted_key: " fmt`.
    let log_text = before.rsplit_once('(').is_some_and(|(call, arg)| {
        let call = call
            .rsplit(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        // (The text may follow a level's or a stream's name: `wpa_hexdump_key(MSG_DEBUG, "x`.)
        let text = arg.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || "_, ".contains(c));
        text.starts_with('"')
            && arg.matches('"').count() == 1
            && (call.starts_with("pr_")
                || call.starts_with("dev_")
                || call.to_ascii_lowercase().contains("print")
                || call.split('_').any(|p| {
                    ["log", "debug", "trace", "dump", "hexdump", "msg"]
                        .contains(&p.to_ascii_lowercase().as_str())
                }))
            || before.contains("pr_fmt(")
    });
    // An XML attribute of an element that is no login (`<settings pass="oobeSystem">`, the
    // configuration pass of a Windows answer file).
    let attribute = word.eq_ignore_ascii_case("pass")
        && after.strip_prefix("=\"").is_some_and(|v| {
            let name = &v[..v.find('"').unwrap_or(v.len())];
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic())
        })
        && before.rsplit('<').next().is_some_and(|t| {
            before.contains('<') && !t.contains('>') && !t.to_lowercase().contains("user")
        });
    // A key management's name around the word (`key_mgmt=WPA-PSK-SHA256`), a country's code in
    // the regulatory database ("country PW: DFS-FCC"), a kernel trace's event
    // (`wpa_supplicant-961 [003] 6456.120287: rdev_add_key: phy1`).
    // (A delimiter may be a no-break space, two bytes long.)
    let token_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || "=:,\"'([]/".contains(c))
        .map_or(0, |(k, c)| k + c.len_utf8());
    let token_end = after
        .find(|c: char| c.is_whitespace() || ":,\"')[]/".contains(c))
        .unwrap_or(after.len());
    let token = &line[token_start..end + token_end];
    let named = token.len() > word.len() && super::values::mechanism(token.trim_end_matches('.'))
        || word.eq_ignore_ascii_case("pw") && before.trim_end().ends_with("country")
        || before.contains("] ") && trace_event().is_match(before);
    // A shell variable read, not set: `-U$USERNAME%$PASSWORD smb2.acls`.
    let shell_variable = before.ends_with('$')
        && !after.trim_start().starts_with(['=', ':'])
        && word.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    kebab
        || nsswitch
        || shell_variable
        || status_word
        || cwd
        || test_vector
        || named
        || log_text
        || glued
        || nss_map
        || compound
        || attribute
        || member
        || passed_on
        || a_value
        || path
        || shell_pwd
        || (word.eq_ignore_ascii_case("pass") && pass_is_a_verb(line, before, word, after))
}

/// Whether "pass" is the verb or a test's result: "Pass a flag to", "Don't pass back", "we now
/// pass v9fs_fid_readpage", "cifs: Pass unbyteswapped eof", "pass:9 fail:0", "... : PASS".
fn pass_is_a_verb(line: &str, before: &str, word: &str, after: &str) -> bool {
    let last = before
        .split_whitespace()
        .next_back()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    let subject = [
        "who", "you", "we", "they", "to", "not", "don't", "i", "will", "can", "should", "must",
        "and", "then", "tests", "so", "just", "also", "always", "now", "that", "which", "could",
        "would", "simply", "only", "please", "may", "might", "did", "does", "do", "doesn't",
        "didn't", "won't", "cannot", "can't", "shall",
    ]
    .contains(&last.as_str());
    let object = [
        " a ",
        " an ",
        " the ",
        " back ",
        " it ",
        " in ",
        " on ",
        " through ",
        " along ",
        " down ",
        " over ",
        " this ",
        " that ",
        " them ",
        " to ",
    ]
    .iter()
    .any(|w| after.to_ascii_lowercase().starts_with(w));
    // At the start of a sentence or a patch's subject, followed by a word or a constant.
    let start = before.trim_end().is_empty() || before.trim_end().ends_with([':', '.', '(']);
    let next = after.split_whitespace().next().unwrap_or("");
    let bare = next.trim_matches(['"', '\'', '`']);
    let imperative = start
        && after.starts_with(' ')
        && bare.starts_with(|c: char| c.is_alphanumeric())
        && !separator_re().is_match(after.trim_start())
        && (!bare
            .chars()
            .any(|c| c.is_ascii_uppercase() || "!@#$%&*".contains(c))
            || next.contains('_') && next.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
    // A test's result: counts beside "fail" and "skip", or "PASS" ending the line.
    let l = line.to_ascii_lowercase();
    let result = ["fail:", "fail=", "failed:", "skip:", "skip=", "elapsed"]
        .iter()
        .any(|w| l.contains(w))
        || word == "PASS" && after.trim().is_empty();
    // "tests pass generic/257": a lower-case "pass" with no separator after it is the verb,
    // unless it is someone's ("the pass", "admin pass") or a strong value follows ("user mk,
    // pass Vpn#Mk2026").
    let owner = [
        "the", "my", "your", "our", "his", "her", "their", "admin", "root", "wifi", "new", "temp",
        "db", "user", "login", "ftp", "vpn", "mail", "email",
    ]
    .contains(&last.as_str());
    let bare_verb = word == "pass"
        && !owner
        && (next.contains('/') || !strong(next))
        && !before.trim_end().is_empty()
        && !separator_re().is_match(after.trim_start_matches([' ', '\t']))
        && !after.trim_start().starts_with(['"', '\'', '`']);
    subject || object || imperative || result || bare_verb
}

/// An identifier with an underscore that ends a statement or an argument list: code's name
/// for something, not a literal (`smb2_set_lease_key,`, `Opt_pass),`).
pub(super) fn code_name_ends_statement(v: &str, rest: &str) -> bool {
    let tail = rest.trim_start().get(v.len()..).unwrap_or("").trim_end();
    v.contains('_')
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !tail.is_empty()
        && tail.chars().all(|c| ",;)".contains(c))
}

/// The start of a kernel trace's line up to its event's name: `task-961  [003]  6456.120287:
/// rdev_add_`.
fn trace_event() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"\[\d{3}\]\s+(?:\S+\s+)?\d+\.\d{6}:\s+\w*$")
            .expect("built-in pattern")
    })
}

/// C's arrow to a member: `->prepare_write()`, `->server;`.
pub(super) fn arrow_call() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"^->[A-Za-z_]\w*(?:\(|->|\.|;|,|\)|\[|$|\+\+|--|\s*(?:[!=<>]=?|&&|\|\||[+*/-])\s)",
        )
        .expect("built-in pattern")
    })
}

/// A value in a list of options ends at the next option: `password=redhat,noperm,vers=3.0`
/// gives "redhat".
pub(super) fn first_option(v: String) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    let next = R.get_or_init(|| {
        super::pattern::regex(r"[,|][a-z_]{2,}(?:=|,|$)").expect("built-in pattern")
    });
    if !v.contains([',', '|']) {
        return v;
    }
    match next.find(&v) {
        Some(m) => v[..m.start()].to_string(),
        None => v,
    }
}

/// A name from code: lower case, digits and underscores, with an underscore.
pub(super) fn snake_name(v: &str) -> bool {
    let v = v.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
    v.contains('_')
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Python's `pass` under `except:`, the `i`th of `lines`: a statement, not a label.
/// (Also quoted in a reply: `>             pass`.)
pub(super) fn python_pass(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim_start_matches('>');
    line.trim() == "pass"
        && line.starts_with(char::is_whitespace)
        && lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_end().ends_with(':'))
}

/// "All 7 tests pass:" over a list of tests' names: the verb, not a label.
pub(super) fn tests_pass(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    ["tests pass", "test pass", "checks pass", "all pass"]
        .iter()
        .any(|w| l.contains(w))
}

/// Whether the "PASS" at `line[at..]`, the `i`th of `lines`, is a test's result as automake,
/// TAP or a CI bot prints it ("PASS: unit/test-uuid" among "FAIL:" and "SKIP:" lines), not a
/// login's field.
pub(super) fn test_result(lines: &[&str], i: usize, line: &str, at: usize) -> bool {
    if !line[at..].starts_with("PASS") {
        return false;
    }
    // (A selftest's line: `test_test_lsm:PASS:skel_load 0 nsec`, `end_test "PASS: vlan"`; a
    // count's: "Regdomain:  9/9 PASS (5 GHz: 26->24)".)
    let before = line[..at].trim_end();
    let count = before.rsplit(' ').next().is_some_and(|w| {
        w.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
        })
    });
    // (A test runner's line: "PASS dpp_qr_code_auth 0.52 2021-02-03 ...".)
    let mut words = line[at + 4..].split_whitespace();
    let runner = before.is_empty()
        && words.next().is_some_and(snake_name)
        && words.next().is_some_and(|w| w.parse::<f64>().is_ok());
    if before.ends_with(':') && line[at + 4..].starts_with(':')
        || runner
        || before.ends_with('"') && before.to_lowercase().contains("test")
        || ["echo \"", "echo '", "printf \"", "# "]
            .iter()
            .any(|e| line[..at].ends_with(e))
        || count
    {
        return true;
    }
    // (A program's own: `(strcmp(a, b) ? FAIL : PASS)`.)
    if line
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "FAIL")
    {
        return true;
    }
    if at != 0 || !line[4..].trim_start().starts_with(':') {
        return false;
    }
    // (A test program's path: "PASS: unit/test-bass".)
    let name = line[4..].trim_start()[1..].trim_start();
    // (A kernel selftest's TAP line, its "# " before: "# PASS: ns1/ns2 connectivity".)
    if name.contains('/') && name.to_lowercase().contains("test")
        || lines[i]
            .trim_start_matches(['>', ' ', '+'])
            .starts_with("# PASS")
    {
        return true;
    }
    (i.saturating_sub(3)..lines.len().min(i + 4))
        .filter(|&k| k != i)
        .any(|k| {
            let l = lines[k].trim_start_matches(['>', ' ', '+', '#']);
            ["PASS:", "FAIL:", "SKIP:", "XFAIL:", "XPASS:", "ERROR:"]
                .iter()
                .any(|w| l.starts_with(w))
        })
}
