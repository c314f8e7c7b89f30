//! Passwords in the protocol sessions people paste when a login fails: an SMTP `AUTH LOGIN`
//! or `AUTH PLAIN` (in Base64, so the writer does not see the password in it), an HTTP
//! `Authorization: Basic` header, an IMAP `LOGIN`, POP3's and FTP's `USER`/`PASS`, and a
//! `redis-cli` prompt's `auth`, IRC's `NickServ IDENTIFY`. Debug logs of mail programs, servers and libraries print these
//! lines as they went over the wire, and bug reports quote those logs whole. An FTP client's
//! saved sites (FileZilla's `sitemanager.xml`) keep the password in Base64 the same way.

use std::sync::OnceLock;

use base64::Engine;
use zeroize::Zeroizing;

use super::labels::example_before;
use super::ruleset::{RuleSet, Signs};
use super::values;

/// One password read from a session.
pub(super) struct Said {
    /// `credential-block` when the session gives the user too, else `password`.
    pub kind: &'static str,
    pub detail: &'static str,
    /// What the line was, without the secret.
    pub what: &'static str,
    pub value: Zeroizing<String>,
}

/// The passwords of the protocols' own documentation (RFC 3501's `a001 LOGIN SMITH SESAME`,
/// RFC 4616's `tim`/`tanstaaftanstaaf`): quoted in mail about the protocol, not leaks.
const DOCUMENTED: &[&str] = &["sesame", "tanstaaftanstaaf", "tanstaaf"];

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::new(vec![
            // 0: SMTP's and IMAP's PLAIN mechanism with its initial response.
            r"(?i)(?-u:\b)(?:AUTH|AUTHENTICATE)[ =]PLAIN\s+([A-Za-z0-9+/]{8,}={0,2})",
            // 1: the server's "Password:" challenge of `AUTH LOGIN`.
            r"334 UGFzc3dvcmQ6",
            // 2: HTTP basic authentication.
            r"(?i)(?-u:\b)authorization:\s*basic\s+([A-Za-z0-9+/=]{8,})",
            // 3: IMAP `LOGIN` after a tag, as a client log or a hand-typed session shows it.
            r#"(?m)^[ \t]*(?:[CS]:\s*|>+\s*|<+\s*|[^\n]*?SendData:\s*)?(?:[A-Za-z]{0,2}\d{1,6}|[a-z?.])[ \t]+(?i:login)[ \t]+("[^"\n]+"|[^\s"]+)[ \t]+("[^"\n]+"|[^\s"]+)[ \t]*$"#,
            // 4: POP3's and FTP's `PASS` (its `USER` is looked for above it).
            r"(?im)(?:^|[\s:>])PASS[ \t]+(\S+)[ \t]*$",
            // 5: a `redis-cli` prompt: `127.0.0.1:6379> auth X`, `redis> AUTH user X`.
            r#"(?im)^[ \t]*(?:[\w.-]*:\d+|redis[\w.:-]*)(?:\[\d+\])?>[ \t]*auth[ \t]+(?:[^\s'"]+[ \t]+)?['"]?([^\s'"]+)['"]?[ \t]*$"#,
            // 6: an FTP client's saved site (FileZilla's `sitemanager.xml`, `recentservers.xml`),
            // whose password is only Base64.
            r#"(?i)<Pass\s+encoding\s*=\s*["']base64["']\s*>\s*([A-Za-z0-9+/]{4,}={0,2})\s*</Pass>"#,
            // 7: a registry's login in Docker's `config.json` (or containerd's settings): the
            // `auth` key holds "user:password" in Base64.
            r#"(?i)["']?(?-u:\b)auth["']?\s*[:=]\s*["']([A-Za-z0-9+/]{12,}={0,2})["']"#,
            // 8: what a scripted session types at a password prompt: expect's `send "X\r"`,
            // pexpect's `sendline('X')` (the prompt is looked for on its line or the two above).
            r#"(?m)(?-u:\b)(?:exp_)?send(?:line)?[ \t]*(?:--[ \t]*)?\(?[ \t]*["“']([^"”'\n$]{1,100}?)(?:\\r|\\n)?["”']"#,
            // 9: IRC's NickServ login as a client sends or a log or a client's settings show it
            // (`/msg NickServ identify X`, mIRC's `.msg`, `/ns identify account X`, `PRIVMSG NickServ
            // :IDENTIFY X`, irssi's `autosendcmd = "/msg nickserv identify X ;wait 2000"`); the
            // line ends after the value: "identify with your password" is prose.
            r#"(?im)(?:(?:[/.]msg[ \t]+nickserv|/ns|/nickserv|/quote[ \t]+nickserv)[ \t]+|privmsg[ \t]+nickserv[ \t]+:[ \t]*)identify[ \t]+([^\s"';<]+)(?:[ \t]+([^\s"';<]+))?[ \t]*(?:[;"'<].*)?$"#,
        ])
    })
}

/// The words every session line above holds: most texts have none, and a few substring looks
/// cost less than the rule set's pass over the whole text.
static SIGNS: Signs = Signs::new(&[
    "PLAIN",
    "plain",
    "UGFzc3dvcmQ6",
    "uthorization",
    "UTHORIZATION",
    " LOGIN ",
    " login ",
    " Login ",
    "PASS",
    "pass ",
    "pass\t",
    ">auth",
    "> auth",
    ">AUTH",
    "> AUTH",
    "encoding=\"base64\"",
    "auth\"",
    "auth'",
    "auth:",
    "auth =",
    "send \"",
    "send(\"",
    "send “",
    "send -- \"",
    "sendline(",
    "send\"",
    "dentify ",
    "DENTIFY ",
]);

/// Every password given in a protocol session in `text`.
pub(super) fn find(text: &str) -> Vec<Said> {
    let mut out = Vec::new();
    if !SIGNS.any(text) {
        return out;
    }
    for (i, re) in rules().matching(text) {
        match i {
            0 => {
                for c in re.captures_iter(text) {
                    if let Some(pw) = plain_response(&c[1]) {
                        out.push(said("credential-block", "auth-plain", "AUTH PLAIN", pw));
                    }
                }
            }
            1 => {
                if let Some(pw) = smtp_auth_login(text) {
                    let what = "334 UGFzc3dvcmQ6 (\"Password:\")";
                    out.push(said("password", "smtp-transcript", what, pw));
                }
            }
            2 => {
                for c in re.captures_iter(text) {
                    // (A header shown as what a tool would send: "something like
                    // `Authorization: Basic am9objpqcGFzc3c=`".)
                    let at = c.get(0).map_or(0, |m| m.start());
                    if example_before(&text[..at]) {
                        continue;
                    }
                    let Some(raw) = decode(&c[1]) else { continue };
                    if let Some((_, pw)) = raw.split_once(':') {
                        if pw.chars().count() >= 4 && !values::placeholder(pw) {
                            let what = "Authorization: Basic (user and password)";
                            let pw = Zeroizing::new(pw.to_string());
                            out.push(said("credential-block", "basic-auth", what, pw));
                        }
                    }
                }
            }
            3 => {
                for c in re.captures_iter(text) {
                    let pw = c[2].trim_matches('"');
                    if taken(pw) {
                        let pw = Zeroizing::new(pw.to_string());
                        out.push(said("credential-block", "imap-login", "LOGIN", pw));
                    }
                }
            }
            4 => {
                for c in re.captures_iter(text) {
                    let at = c.get(0).map_or(0, |m| m.start());
                    if taken(&c[1]) && user_above(&text[..at]) {
                        let pw = Zeroizing::new(c[1].to_string());
                        out.push(said("credential-block", "user-pass", "USER ... PASS", pw));
                    }
                }
            }
            5 => {
                for c in re.captures_iter(text) {
                    if taken(&c[1]) {
                        let pw = Zeroizing::new(c[1].to_string());
                        out.push(said("password", "redis-auth", "> auth", pw));
                    }
                }
            }
            7 => {
                for c in re.captures_iter(text) {
                    let Some(raw) = decode(&c[1]) else { continue };
                    let Some((user, pw)) = raw.split_once(':') else {
                        continue;
                    };
                    let printable = raw.chars().all(|c| c.is_ascii_graphic() || c == ' ');
                    // (A registry's robot token may be hex, which elsewhere is a digest.)
                    let hex = pw.len() >= 32 && pw.bytes().all(|b| b.is_ascii_hexdigit());
                    if printable
                        && !user.is_empty()
                        && (taken(pw) || hex)
                        && !values::placeholder(pw)
                    {
                        let pw = Zeroizing::new(pw.to_string());
                        let what = "auth (registry user and password)";
                        out.push(said("credential-block", "registry-auth", what, pw));
                    }
                }
            }
            8 => {
                for c in re.captures_iter(text) {
                    let (Some(all), Some(v)) = (c.get(0), c.get(1)) else {
                        continue;
                    };
                    if prompted(text, all.start()) && taken(v.as_str()) {
                        let pw = Zeroizing::new(v.as_str().to_string());
                        out.push(said(
                            "password",
                            "scripted-login",
                            "send (at a password prompt)",
                            pw,
                        ));
                    }
                }
            }
            9 => {
                for c in re.captures_iter(text) {
                    // (With two words, the first names the account.)
                    let Some(v) = c.get(2).or_else(|| c.get(1)) else {
                        continue;
                    };
                    let v = v.as_str();
                    let v = v.trim_end_matches([')', ',', '.']);
                    // (A format's slot or a script's variable: `%s\r\n`, `$password`.)
                    let code = v.contains(['%', '\\', '$', '{']);
                    if !code && taken(v) && !values::placeholder(v) {
                        let pw = Zeroizing::new(v.to_string());
                        out.push(said("password", "irc-identify", "NickServ IDENTIFY", pw));
                    }
                }
            }
            _ => {
                // (The site's `<User>` stands beside it: a login, like the incident's.)
                let user = text.contains("<User>");
                for c in re.captures_iter(text) {
                    let Some(pw) = decode(&c[1]) else { continue };
                    let printable = pw.chars().all(|c| c.is_ascii_graphic() || c == ' ');
                    if printable && taken(&pw) && !values::placeholder(&pw) {
                        let kind = if user { "credential-block" } else { "password" };
                        let what = "<Pass encoding=\"base64\">";
                        out.push(said(kind, "ftp-site", what, pw));
                    }
                }
            }
        }
    }
    out
}

/// Whether a password prompt is what the `send` at `at` answers: the pattern before it on its
/// line (`"*password:" {send "X\r"}`), or, when the send stands alone, the line above
/// (`expect "password:"` then `send "X\r"`, pexpect's `expect('Password:')` then `sendline`).
fn prompted(text: &str, at: usize) -> bool {
    let asks = |s: &str| {
        let s = s.to_lowercase();
        ["assword", "passwd", "passphrase", "pass:"]
            .iter()
            .any(|w| s.contains(w))
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    if prefix.contains(['"', '\'']) || prefix.contains("expect") {
        return asks(prefix);
    }
    text[..line_start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|above| asks(above) && !above.contains("send"))
}

fn said(
    kind: &'static str,
    detail: &'static str,
    what: &'static str,
    value: Zeroizing<String>,
) -> Said {
    Said {
        kind,
        detail,
        what,
        value,
    }
}

/// A value that reads as a password: no mask (`********`), no stand-in (`<password>`), not
/// the protocol's own example.
fn taken(v: &str) -> bool {
    values::plausible(v, false, false)
        && !v.chars().all(|c| c == '*' || c == 'x' || c == 'X')
        && !DOCUMENTED.contains(&v.to_lowercase().as_str())
}

fn decode(b64: &str) -> Option<Zeroizing<String>> {
    let raw = Zeroizing::new(base64::engine::general_purpose::STANDARD.decode(b64).ok()?);
    Some(Zeroizing::new(String::from_utf8(raw.to_vec()).ok()?))
}

/// The password of a PLAIN response: "authzid NUL authcid NUL passwd" (RFC 4616).
fn plain_response(b64: &str) -> Option<Zeroizing<String>> {
    let raw = decode(b64)?;
    let mut parts = raw.split('\0');
    let (_, user, pw) = (parts.next()?, parts.next()?, parts.next()?);
    let printable = pw.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    (!user.is_empty() && pw.chars().count() >= 4 && printable && taken(pw))
        .then(|| Zeroizing::new(pw.to_string()))
}

/// An SMTP `AUTH LOGIN` as people paste it from a session log: the server's
/// `334 UGFzc3dvcmQ6` ("Password:" in Base64) and on the next line the password, in Base64.
fn smtp_auth_login(text: &str) -> Option<Zeroizing<String>> {
    let mut lines = text.lines();
    lines.find(|l| l.contains("334 UGFzc3dvcmQ6"))?;
    let next = lines.find(|l| !l.trim().is_empty())?;
    let pw = decode(next.split_whitespace().last()?)?;
    (pw.chars().count() >= 4 && pw.chars().all(|c| c.is_ascii_graphic() || c == ' ')).then_some(pw)
}

/// Whether one of the three lines before a `PASS` sends a `USER`, as POP3 and FTP do.
fn user_above(before: &str) -> bool {
    before.lines().rev().take(3).any(|l| {
        let l = l.trim_end();
        l.split_whitespace().rev().nth(1).is_some_and(|w| {
            w.trim_start_matches(['>', ':'])
                .eq_ignore_ascii_case("USER")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        find(text).iter().map(|s| s.value.to_string()).collect()
    }

    #[test]
    fn an_ftp_clients_saved_site() {
        // "K7q!vT2pLx" in Base64, as FileZilla saves it; its documentation's "secret" is none.
        let site = "<Server><Host>ftp.kunde-meier.de</Host><User>meier</User><Pass encoding=\"base64\">SzdxIXZUMnBMeA==</Pass></Server>";
        assert_eq!(values(site), ["K7q!vT2pLx"]);
        assert_eq!(find(site)[0].kind, "credential-block");
        let sample = "<User>alice</User> <Pass encoding=\"base64\">c2VjcmV0</Pass>";
        assert!(values(sample).is_empty());
        assert!(values("<Pass encoding=\"base64\">{{ server.pass }}</Pass>").is_empty());
    }

    #[test]
    fn passwords_sent_in_a_session() {
        // SMTP AUTH PLAIN in a server's trace ("ops\0ops\0Harbor7-Lantern2"), with its escape.
        let b64 = base64::engine::general_purpose::STANDARD.encode("ops\0ops\0Harbor7-Lantern2");
        let trace = format!("event=\"read\" data=\"AUTH PLAIN {b64}\\r\\n\" size=60");
        assert_eq!(values(&trace), ["Harbor7-Lantern2"]);
        assert_eq!(find(&trace)[0].kind, "credential-block");
        // IMAP, as a client logs it and as a hand-typed `openssl s_client` session reads.
        assert_eq!(
            values("3 SendData: 4 login \"jo@corp.test\" \"Mv83!pqLa\""),
            ["Mv83!pqLa"]
        );
        assert_eq!(
            values("* OK Dovecot ready.\na1 LOGIN jo Tq5rWm2z\na1 OK"),
            ["Tq5rWm2z"]
        );
        // POP3 and FTP.
        assert_eq!(
            values("C: USER jo\nS: +OK\nC: PASS Wq7kd92Lm\n"),
            ["Wq7kd92Lm"]
        );
        assert_eq!(
            values("> USER deploy\n< 331 Password required\n> PASS Rr81-Kola\n"),
            ["Rr81-Kola"]
        );
        // A redis-cli prompt, with and without an ACL user.
        assert_eq!(values("10.1.2.3:7003> auth zl1nuxq\nOK"), ["zl1nuxq"]);
        assert_eq!(
            values("127.0.0.1:6379> AUTH app Pw-88xlQ\nOK"),
            ["Pw-88xlQ"]
        );
        // SMTP AUTH LOGIN: user, then "Password:" and the password in Base64.
        let login = "Sent: AUTH LOGIN\nGot: 334 VXNlcm5hbWU6\nSent: Ym9i\nGot: 334 UGFzc3dvcmQ6\nSent: VGlkZTQ0MTIh\n";
        assert_eq!(values(login), ["Tide4412!"]);
    }

    #[test]
    fn masked_documented_and_test_runs_are_no_password() {
        for clean in [
            // FileZilla masks the password; test runners print PASS before a file name.
            "Command: USER deploy\nResponse: 331\nCommand: PASS ********",
            "PASS  src/app.test.js\nPASS  src/login.test.js",
            "PASS tests/parser.rs\nFAIL tests/lexer.rs",
            // The RFCs' examples.
            "C: a001 LOGIN SMITH SESAME\nS: a001 OK LOGIN completed",
            "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm",
            // Stand-ins and talk about the commands.
            "127.0.0.1:6379> AUTH <password>\n(error) ERR AUTH <password> called without any password configured",
            "You need to send AUTH PLAIN with the base64 of user and password.",
            "Then I tried to login again and it worked.",
            "a1 LOGIN user password",
            // A header shown as what a tool would build, and one for "user:passwd".
            "This will result in something like `Authorization: Basic am9objpqcGFzc3c=`.",
            "Should convert to `Authorization:Basic dXNlcjpwYXNzd2Q=`",
        ] {
            assert!(values(clean).is_empty(), "{clean}");
        }
        // ("maciej:Tq7!kd92Lm", as a client logged it.)
        assert_eq!(
            values("> Authorization: Basic bWFjaWVqOlRxNyFrZDkyTG0=\n< HTTP/1.1 401"),
            ["Tq7!kd92Lm"]
        );
    }

    #[test]
    fn a_registrys_login_in_dockers_config() {
        // "deploy:Rq7!mWz2Lk9" and a robot account's hex token, as `docker login` saves them.
        let config = "{\n  \"auths\": {\n    \"registry.corp:5000\": {\n      \"auth\": \"ZGVwbG95OlJxNyFtV3oyTGs5\"\n    }\n  }\n}";
        assert_eq!(values(config), vec!["Rq7!mWz2Lk9"]);
        assert_eq!(
            values("auth: \"cm9ib3QkY2k6OWYyYzRlN2ExYjhkM2Y2ZTBhNWMyYjlkNGU3ZjFhM2M=\""),
            vec!["9f2c4e7a1b8d3f6e0a5c2b9d4e7f1a3c"]
        );
        // The documentation's "username:password", a mask, a word.
        for t in [
            "\"auth\": \"dXNlcm5hbWU6cGFzc3dvcmQ=\",",
            "\"auth\": \"XXXXXXXXXXXX\"",
            "\"auth\": \"MYHASH\"",
        ] {
            assert!(values(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn what_a_scripted_session_types_at_a_password_prompt() {
        for (t, v) in [
            (
                "spawn ssh root@10.0.0.7\nexpect {\n\"*password:\" {send \"Kq8mWz2Lp\\r\"}\n}",
                "Kq8mWz2Lp",
            ),
            (
                "spawn ssh root@10.0.0.7\nexpect \"password:\"\nsend \"centos7x\\r\"",
                "centos7x",
            ),
            (
                "child.expect('Password:')\nchild.sendline('Tz7!mQw2Lx')",
                "Tz7!mQw2Lx",
            ),
        ] {
            assert_eq!(values(t), vec![v], "{t}");
        }
        for t in [
            // A variable, a mask, an answer to another prompt.
            "expect \"*password:\" { send \"$password\\r\" }",
            "expect \"password:\"\nsend \"xxx\\r\"",
            "expect \"yes/no\" { send \"yes\\r\" }",
            "expect \"login:\"\nsend \"admin\\r\"",
            "Please send \"your password\" to the admin.",
            // Another prompt's answer after a password prompt's line.
            "\t} \"*?assword\" { send \"$PASS\\r\" }\n\texpect \">\" { send \"powershell close-smbsession -force\\r\" }",
        ] {
            assert!(values(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn an_irc_login_to_nickserv() {
        for (t, v) in [
            ("/msg NickServ identify Quill-Harbour7", "Quill-Harbour7"),
            ("/ns identify gonzo Quill-Harbour7", "Quill-Harbour7"),
            ("PRIVMSG NickServ :IDENTIFY tidewater42", "tidewater42"),
            (".msg NickServ IDENTIFY gonzo tidewater42", "tidewater42"),
            (
                "    autosendcmd = \"/msg nickserv identify tidewater42 ;wait 2000\";",
                "tidewater42",
            ),
        ] {
            assert_eq!(values(t), [v], "{t}");
        }
        for t in [
            "Usage: /msg NickServ IDENTIFY [username] <password>",
            "type /msg NickServ identify with your password to log in",
            "params.identifyCommand = \"/msg NickServ identify %pass%\";",
            "writer.WriteLine( \"/msg nickserv identify {0}\", this.Config.Password );",
            "say $irc \"PRIVMSG NickServ :identify \", $password;",
            "s.send(('/msg nickserv identify %s\\r\\n' % password).encode())",
            "<code>/ns identify PASSWORT</code><br>",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }
}
