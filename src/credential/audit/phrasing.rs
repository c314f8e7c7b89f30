//! Passwords as people write them: a value next to a password word, in the forms mail really
//! has ("the password is X", "Passwort lautet: X", "password for db1 will be "X"", "Pass - X",
//! the value on the next line, "login: bob / X", `"password": "X"`, `<password>X</password>`),
//! and on the command lines people paste (`mysql -pX`, `sshpass -p X`, `curl -u user:X`,
//! `net use ... /user:NAME X`, `PGPASSWORD=X`, ...).
//!
//! The rules read one line at a time. A value is accepted only when it is plausible as a
//! password: not a placeholder (`<password>`, `********`, `xxx`, `changeme`, `${VAR}`), not a
//! hash from a log, not an ordinary word that continues a sentence ("the password is case
//! sensitive"), not a link or an address. What a line merely says *about* a password ("reset
//! link", "must have 12 characters", "I changed the password") has no value and stays clean.

use super::around::{
    as_password, describes_password, in_your_case, listed_pairs, next_lines, paired_value,
    strong_near, tried_value, under_user_line,
};
use super::code::{not_a_label, python_pass, test_result, tests_pass};
use super::commands::{command_rules, net_use, no_password_option, user_host, user_p_re};
use super::context::one_time;
use super::follows::{excluded_label, value_after};
use super::given::given_values;
use super::keyvalue;
use super::labels::{
    about_wifi, camel_assign_re, content, example_before, in_link, label_re, near_chars,
    shown_as_example, trigger_re, whole_label, wifi_hex_key, wifi_key_re, wifi_label_only, Above,
};
use super::logins;
use super::lower::Lower;
use super::nextline;
use super::none_near::no_value_near;
use super::passphrase;
use super::values::{hash_like, is_cjk, placeholder, plausible, read_value, strong};

/// A password found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// The words before the value, as written ("Password:", "the pw is", "mysql -p").
    pub label: String,
    /// The value.
    pub value: String,
    /// How it was written: `phrase`, `next-line`, `login`, `command-line`, `table`, `wifi`,
    /// `near-word`.
    pub how: &'static str,
    /// Whether the same line or command names a user (for credential blocks).
    pub user: bool,
    /// Whether the same line or command names a host.
    pub host: bool,
}

/// The last 40 characters of `s`: a label as findings show it.
pub(super) fn last_chars(s: &str) -> String {
    let from = s.char_indices().rev().nth(39).map_or(0, |(j, _)| j);
    s[from..].to_string()
}

/// Finds the passwords in `text`.
pub(super) fn find(text: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    // Most mail has no line a rule could take: one quick look before the careful one.
    let mut hits = trigger_re().find_iter(text).peekable();
    if hits.peek().is_none() {
        // (A log-in line's value needs no password word: "Sign in using the code X".)
        if super::answers::log_in_sign(text) {
            let lines: Vec<&str> = text.lines().collect();
            for (label, value) in super::answers::answered_values(&lines) {
                out.push(given_found(label, value));
            }
        }
        return out;
    }
    let lines: Vec<&str> = text.lines().collect();
    // The lines the quick look touched; a quoted or indented line is looked at again without
    // its prefix (an address at its start counts only there).
    let mut touched = vec![false; lines.len()];
    // The lines that hold a whole match: they need no second look.
    let mut within = vec![false; lines.len()];
    let offset = |l: &str| l.as_ptr() as usize - text.as_ptr() as usize;
    let mut i = 0;
    for m in hits {
        while i < lines.len() && offset(lines[i]) + lines[i].len() < m.start() {
            i += 1;
        }
        let mut j = i;
        while j < lines.len() && offset(lines[j]) < m.end().max(m.start() + 1) {
            touched[j] = true;
            j += 1;
        }
        if j == i + 1 {
            within[i] = true;
        }
    }
    // Which lines introduce an example below them, judged when a line under one is read.
    let mut introduces_example = vec![Above::Unknown; lines.len()];
    // How many values the rules gave (for the last look at a line they gave none).
    let given = std::cell::Cell::new(0usize);
    let mut push = |mut f: Found| {
        given.set(given.get() + 1);
        // A value in brackets is the value inside them: "the password (Hx7!kq2m)".
        if f.value.len() > 2 && f.value.starts_with('(') && f.value.ends_with(')') {
            f.value = f.value[1..f.value.len() - 1].to_string();
        }
        // So is one that closes a bracket its label opened: "(vnc password X)".
        if f.value.len() > 1
            && f.value.ends_with(')')
            && !f.value.contains('(')
            && f.label.matches('(').count() > f.label.matches(')').count()
        {
            f.value.pop();
        }
        // So is a value in quotes: `password "X"`.
        for q in ['"', '\''] {
            if f.value.len() > 2 && f.value.starts_with(q) && f.value.ends_with(q) {
                f.value = f.value[1..f.value.len() - 1].to_string();
            }
        }
        // A setting's value that is a word of its name (`POSTGRES_PASSWORD=postgres`).
        let key = f
            .label
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_')
            .rsplit(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        if super::env::a_word_of_its_name(key, &f.value) {
            return;
        }
        if !out.iter().any(|g| g.value == f.value) {
            out.push(f);
        }
    };
    for (i, raw) in lines.iter().enumerate() {
        // (A line the quick look did not touch counts only when a quote mark, a bullet or an
        // indent goes before it: the rest need not be read.)
        if !touched[i]
            && !raw
                .starts_with(|c: char| c.is_whitespace() || ">*•·-–#".contains(c) || !c.is_ascii())
        {
            continue;
        }
        let line = content(raw);
        if line.is_empty() {
            continue;
        }
        let stripped = offset(line) != offset(raw);
        let looked = within[i] && !stripped;
        if line.len() > 4000
            || !(touched[i] || stripped)
            || !(looked || trigger_re().is_match(line))
        {
            continue;
        }
        if shown_as_example(&lines, i, &mut introduces_example) {
            continue;
        }
        let given_before = given.get();
        // Where a password word stands on the line (for the last look).
        let mut label_at: Option<(usize, usize)> = None;
        // Whether the line names a user and a host: asked only when a password is found.
        let who = std::cell::OnceCell::new();
        let user_host = || *who.get_or_init(|| user_host(line));
        // A finding on this line.
        let here = |label: String, value: String, how: &'static str| Found {
            label,
            value,
            how,
            user: user_host().0,
            host: user_host().1,
        };
        // A user and its value given together.
        let login_found = |label: String, value: String| Found {
            label,
            value,
            how: "login",
            user: true,
            host: user_host().1,
        };
        // Cheap looks first: most lines that pass the trigger have none of these.
        let lc = Lower::new(line);
        // Every command line rule has an option after a space (or starting the line), an
        // assignment, a path with a colon, or a word of its own (SQL's IDENTIFIED BY,
        // sendmail's AuthInfo, .NET's NetworkCredential, PowerShell's SecureString and its
        // binding error, Metasploit's "Success:", ...).
        let option = line
            .match_indices('-')
            .any(|(j, _)| j == 0 || line[..j].ends_with(char::is_whitespace));
        let commands = if option
            || line.contains('=')
            || line.contains('/') && line.contains(':')
            || ["-pass", "impacket", ".psk", "securestring"]
                .iter()
                .any(|w| lc.has(w))
            || lc.has("identified")
            || lc.has("authinfo")
            || lc.has("networkcredential")
            || lc.has("net user")
            || lc.has("cannot bind")
            || lc.has("success:")
        {
            command_rules().matching(line)
        } else {
            Vec::new()
        };
        for (_, re) in commands {
            if let Some(m) = re.captures(line) {
                let v = m.get(1).map(|m| m.as_str()).unwrap_or("");
                let v = v
                    .trim_end_matches(['.', ',', ';', ')'])
                    .trim_matches(['\'', '"']);
                let at = m.get(1).map(|m| m.start()).unwrap_or(0);
                if v.chars().count() >= 4
                    && !no_password_option(line, at, v, &lc)
                    && !placeholder(v)
                    && !hash_like(v)
                {
                    push(here(
                        last_chars(line[..at].trim()),
                        v.to_string(),
                        "command-line",
                    ));
                }
            }
        }
        if let Some((label, v)) = (lc.has("net") && lc.has("use"))
            .then(|| net_use(line))
            .flatten()
        {
            if v.chars().count() >= 4 && !placeholder(&v) {
                push(Found {
                    label: format!("net use {label}"),
                    value: v,
                    how: "command-line",
                    user: true,
                    host: true,
                });
            }
        }
        let user_p = (lc.has("p:") || lc.has("p=") || lc.has("p :") || lc.has("p ="))
            .then(|| user_p_re().captures(line))
            .flatten();
        if let Some(c) = user_p {
            let m = c.get(1).expect("value");
            if let Some((v, quoted, continues)) = read_value(&line[m.start()..]) {
                if plausible(&v, quoted, continues) {
                    push(login_found(line[..m.start()].trim().to_string(), v));
                }
            }
        }
        // "log in with jdoe / X", "credentials: jdoe and X".
        if let Some((label, v)) = logins::login_word_value(line, &lc) {
            push(login_found(label, v));
        }
        // `const SenhaCerta = "X"`: a name in code holding a password, given a literal.
        let literal = line.contains(['"', '\'', '`']) && line.contains(['=', ':']);
        let camel = literal
            .then(|| camel_assign_re().captures(line))
            .flatten()
            .filter(|c| {
                let name = &c[1];
                let suffix = c.get(2).map_or("", |m| m.as_str());
                let glued = suffix.len() + 2 < name.len()
                    || !suffix.is_empty()
                    || name.chars().next().is_some_and(char::is_lowercase)
                        && name.chars().any(char::is_uppercase);
                glued && !describes_password(suffix)
            })
            .map(|c| {
                let m = c.get(0).expect("whole match");
                (m.end() - 1, c[1].to_string())
            });
        if let Some((at, name)) = camel {
            if let Some((v, true, continues)) = read_value(&line[at..]) {
                let mixed = v.chars().count() >= 6
                    && v.chars().any(|c| c.is_ascii_digit())
                    && v.chars().any(char::is_alphabetic);
                if !v.contains(' ') && (mixed || strong(&v)) && plausible(&v, true, continues) {
                    push(here(name, v, "phrase"));
                }
            }
        }
        // "not accepting 'X' as password", "enter X as the password".
        if let Some((label, v)) = as_password(line, &lc) {
            push(here(label, v, "phrase"));
        }
        // "username and password (both "X")".
        if let Some((label, v)) = super::both::same_value(line, &lc) {
            push(login_found(label, v));
        }
        // A passphrase of plain words: "Passphrase: lantern orchid velvet quarry".
        if lc.has("phrase") || lc.has("satz") {
            if let Some((at, v)) = passphrase::find(line) {
                push(here(line[..at].trim_end().to_string(), v, "phrase"));
            }
        }
        // A user and its value on one line: "log in as X with Y", "admin / X", "'jdoe@example.org': 'X'".
        for (label, v) in logins::user_and_value(&lines, i, line, &lc) {
            push(login_found(label, v));
        }
        // On a line about a wireless network, its "key" is its password.
        // Elsewhere a "key" counts only with a strong value ("the key for the share is X").
        let any_key = ["key", "psk", "schl", "code", "digo", "codice"]
            .iter()
            .any(|w| lc.has(w));
        let wifi = any_key && about_wifi(line);
        let keys = any_key
            // (A "psk" setting is a Wi-Fi key wherever it stands: `psk="..."` in
            // wpa_supplicant.conf.)
            .then(|| {
                wifi_key_re()
                    .find_iter(line)
                    // A "code" is the key only on a line about the network ("le code wifi").
                    // (A "code" beside the network's word: "code wifi", "Wi-Fi code"; "error
                    // code -EBUSY" on a line about Wi-Fi is none.)
                    .filter(move |g| {
                        !g.as_str().to_lowercase().starts_with('c')
                            || wifi && about_wifi(near_chars(line, g.start(), g.end(), 12))
                    })
                    // A link's `?key=` or `/Key=` is a mailing's tracking number or a page's
                    // parameter, not a secret someone wrote (services' API keys have their
                    // own shapes and rules).
                    .filter(move |g| !in_link(line, g.start()))
                    .map(move |g| {
                        let psk_setting = g.as_str().eq_ignore_ascii_case("psk")
                            && line[g.end()..].trim_start().starts_with(['=', ':']);
                        (g, !wifi && !psk_setting)
                    })
            })
            .into_iter()
            .flatten();
        for (g, need_strong) in label_re().find_iter(line).map(|g| (g, false)).chain(keys) {
            if !whole_label(line, g.start(), g.end()) {
                continue;
            }
            let cjk = g.as_str().chars().next().is_some_and(is_cjk);
            if !cjk && not_a_label(line, g.start(), g.end()) {
                continue;
            }
            if excluded_label(g.as_str(), &line[..g.start()])
                || test_result(&lines, i, line, g.start())
            {
                continue;
            }
            // The key's opening quote may stand before a compound: `'DB_PASSWORD'`.
            let before = line[..g.start()]
                .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '-');
            let after_quote = before.ends_with(['"', '\'', '`', '[']);
            let after_tag = before.ends_with('<');
            let pin_word = g
                .as_str()
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case("pin"));
            // (The last look is not for "pass": a test's "BuildKernel32   PASS   25.57 seconds".)
            if !need_strong && !pin_word && !g.as_str().eq_ignore_ascii_case("pass") {
                label_at.get_or_insert((g.start(), g.end()));
            }
            let found = value_after(line, g.end(), after_quote, after_tag)
                .or_else(|| wifi_hex_key(line, g.end(), g.as_str()));
            // A key's value that names another key: an option's type in a list
            // (`'key:wpakey'`).
            if g.as_str().eq_ignore_ascii_case("key")
                && found.as_ref().is_some_and(|(_, v)| {
                    v.len() > 3
                        && v.to_ascii_lowercase().ends_with("key")
                        && v.chars().all(|c| c.is_ascii_alphabetic())
                })
            {
                continue;
            }
            // "pass" is also a mountain's, a boarding card's: a plain word after it is none.
            // Under a user's line, "pass:" is the user's password ("username: admin\npass: X"),
            // and after a user's label on its own line ("user: bob, pass: X").
            if g.as_str().eq_ignore_ascii_case("pass")
                && found.as_ref().is_some_and(|(at, v)| {
                    // ("application pass PCMs16 data to kernel": the verb, the sentence goes
                    // on after its object.)
                    let verb = line[g.end()..*at].trim().is_empty()
                        && line[*at + v.len()..]
                            .trim_start()
                            .starts_with(|c: char| c.is_lowercase());
                    (verb
                        || v.chars().all(|c| c.is_lowercase())
                        // ("We already pass samba3.smb2.compound.related5": a test's name.)
                        || super::values::dotted_name(v)
                        // ("PASS - PassOnline": a name that repeats the word.)
                        || v.get(..4).is_some_and(|h| h.eq_ignore_ascii_case("pass"))
                            && v.chars().all(char::is_alphabetic))
                        && !line[*at..].trim_start().starts_with(['"', '\'', '`'])
                })
                && !(line[g.end()..].trim_start().starts_with([':', '-'])
                    && (g.start() == 0 && under_user_line(&lines[..i])
                        || g.start() > 0 && super::commands::user_host(&line[..g.start()]).0))
            {
                continue;
            }
            // What a password would or could be is a thought, not a setting: "the password
            // that would be set in that case would be 'hello'". Only a strong value counts.
            if found.as_ref().is_some_and(|(at, v)| {
                let between = line[g.end()..*at].to_lowercase();
                (between.contains("would") || between.contains("could")) && !strong(v)
            }) {
                continue;
            }
            // (A key's value is one word close to it: "the key for the share is X", not
            // "change from "quic key" to "quicv2 key"" or a listing's fifth column.)
            if need_strong
                && !found.as_ref().is_some_and(|(at, v)| {
                    let prev = i.checked_sub(1).map_or("", |k| lines[k]);
                    keyvalue::given(line, prev, (g.start(), g.end()), *at, v, after_tag)
                })
            {
                continue;
            }
            // A PIN is digits, or a strong value set right after the word ("PIN:Xy7#q"):
            // "pin diameter = 2.5mm", "Pin=-34.99dBm", "GPIO pin B205" are electronics, "Pin
            // Oak Park - 4848" an address. Only words like "number", "for your card" or "is"
            // may come between.
            if pin_word
                && !found.as_ref().is_some_and(|(at, v)| {
                    line[g.end()..*at]
                        .split(|c: char| !c.is_alphabetic())
                        .filter(|w| !w.is_empty())
                        .all(|w| {
                            [
                                "number", "no", "nr", "code", "is", "was", "will", "be", "for",
                                "the", "your", "my", "our", "card", "new", "nummer", "ist",
                                "lautet", "numero", "est", "es",
                            ]
                            .contains(&w.to_lowercase().as_str())
                        })
                        && v.chars().all(|c| c.is_ascii_digit())
                        || strong(v)
                            && !super::code::code_expression(v)
                            && line[g.end()..*at]
                                .trim()
                                .trim_matches(['"', '\''])
                                .chars()
                                .all(|c| ":=".contains(c))
                            && !line[g.end()..*at].trim().is_empty()
                })
            {
                continue;
            }
            // A "key" at the end of a name (`~/.ssh/contabo_key user@host`) is a file's or
            // a variable's name unless a separator gives it a value.
            if need_strong
                && line[..g.start()].ends_with(['_', '.', '/', '-'])
                && !line[g.end()..].trim_start().starts_with([':', '='])
            {
                continue;
            }
            // A one-time code a service mailed ("Your one-time password is 483920"): digits
            // only; a German "Einmalpasswort" with letters is a new account's first password.
            if found
                .as_ref()
                .is_some_and(|(_, v)| v.chars().all(|c| c.is_ascii_digit()))
                && one_time(&line[..g.end()], &line[g.end()..])
            {
                continue;
            }
            if let Some((at, v)) = found {
                if example_before(&line[..g.start()]) {
                    continue;
                }
                let label: String = line[..at].trim_end().to_string();
                let label = label
                    .char_indices()
                    .rev()
                    .nth(39)
                    .map(|(j, _)| label[j..].to_string())
                    .unwrap_or(label);
                push(here(label, v, "phrase"));
            }
        }
        // "Wi-Fi:", then the network's name, then its key: a strong value on the second line.
        if wifi_label_only(line) {
            if let [name, key] = next_lines(&lines[i + 1..], 2)[..] {
                if let Some((v, quoted, continues)) = read_value(key) {
                    let short_name = name.len() <= 40 && name.split_whitespace().count() <= 4;
                    if short_name
                        && key.split_whitespace().count() == 1
                        && strong(&v)
                        && plausible(&v, quoted, continues)
                    {
                        push(Found {
                            label: format!("{line} {name}"),
                            value: v,
                            how: "wifi",
                            user: false,
                            host: false,
                        });
                    }
                }
            }
        }
        // A setting's name, then the reader's own value: "password: ADMIN_PASSWORD - in your
        // case 123".
        if lc.has(" case") || lc.has(" fall") || lc.has(" cas") {
            if let Some((at, v)) = label_at.and_then(|_| in_your_case(line, &lc)) {
                push(here(last_chars(line[..at].trim_end()), v, "phrase"));
            }
        }
        // The value alone on the next line: "Password:" / "Xk29!fq0"; or after the word with
        // no sign, under the user's line laid out alike ("ID cgerman" / "Pword clg03mar").
        if !python_pass(&lines, i) {
            if let Some(v) = nextline::value_below(&lines, i, line)
                .or_else(|| nextline::under_user_line(&lines, i, line))
                .filter(|_| !tests_pass(line))
            {
                push(here(line.to_string(), v, "next-line"));
            }
        }
        // A setting's name and its value in two fields (`- name: DB_PASSWORD` / `value: X`).
        if given.get() == given_before {
            if let Some(v) = paired_value(&lines, i, &lc) {
                push(here(last_chars(line), v, "next-line"));
            }
        }
        // Accounts listed under "(username/pw)": "* user1/Xy7q".
        for v in listed_pairs(&lines, i, &lc) {
            push(here(last_chars(line), v, "next-line"));
        }
        // A program's announcement and the value on the next line (Jenkins, Elasticsearch).
        if given.get() == given_before {
            if let Some(v) = nextline::announced_value(&lines, i) {
                push(here(last_chars(line), v, "next-line"));
            }
        }
        // The last look: a password word gave nothing, yet a strong value stands a few words
        // from it ("enter Pa55w.rd1234 as Password", "credentials "jdoe" and "7(N)-_72wE"").
        // (A strong value has a digit: most lines have none and need no look.)
        let digit = || line.bytes().any(|b| b.is_ascii_digit());
        if let (Some((at, end)), true, true) = (label_at, given.get() == given_before, digit()) {
            if let Some(v) = (!no_value_near(line, at, end))
                .then(|| strong_near(line, at))
                .flatten()
                .filter(|v| !example_before(&line[..line.find(v.as_str()).unwrap_or(0)]))
            {
                push(here(last_chars(line[..at].trim_end()), v, "near-word"));
            }
        }
        // No password word, but a value tried at a login ("I try "X", but I cannot login").
        if label_at.is_none() && given.get() == given_before {
            if let Some(v) = tried_value(line, &lc) {
                push(here(last_chars(line), v, "near-word"));
            }
        }
    }
    // A sentence wrapped between its password word and its value, read joined again.
    for f in nextline::wrapped_found(&lines, &touched) {
        if !out.iter().any(|g| g.value == f.value) {
            out.push(f);
        }
    }
    // Values given apart from the line's own rules: a default under a password question, a
    // password set to a value ("把密码修改为 X").
    // And values given without a password word: an answer after one, a log-in line's value.
    let answered = super::answers::answered_values(&lines);
    for (label, value) in given_values(text, &lines).into_iter().chain(answered) {
        if !out.iter().any(|f| f.value == value) {
            out.push(given_found(label, value));
        }
    }
    out
}

/// A value given apart from a line's own rules.
fn given_found(label: String, value: String) -> Found {
    Found {
        label,
        value,
        how: "phrase",
        user: false,
        host: false,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod settings_tests;

#[cfg(test)]
mod prose_tests;
