//! Sending through a real SMTP server on 127.0.0.1 (aiosmtpd with STARTTLS and AUTH required,
//! a throwaway certificate), with faults injected by the server; sendmail mode; the keyring.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::*;

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery staple";

/// The test SMTP server (tests/smtp_server.py), killed on drop.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    pub cert: PathBuf,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A self-signed server certificate for 127.0.0.1 with CA:FALSE (rustls refuses CA:TRUE).
fn make_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let o = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        o.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (cert, key)
}

impl SmtpServer {
    pub fn start(tls: bool) -> Self {
        assert!(
            Path::new("/usr/bin/python3").exists()
                && Command::new("/usr/bin/python3")
                    .args(["-c", "import aiosmtpd"])
                    .status()
                    .unwrap()
                    .success(),
            "aiosmtpd is missing: apt-get install python3-aiosmtpd (bash .ci/setup does)"
        );
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = make_cert(dir.path());
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(script)
            .arg(port.to_string())
            .arg(&cert)
            .arg(&key)
            .arg(USER)
            .arg(PASSWORD)
            .arg(dir.path().join("received"));
        if !tls {
            cmd.arg("--no-tls");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        SmtpServer {
            child,
            port,
            dir,
            cert,
        }
    }

    pub fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.path().join("received/mode"), mode).unwrap();
    }

    /// Every accepted message: (envelope, bytes), in order.
    pub fn received(&self) -> Vec<(Value, Vec<u8>)> {
        let d = self.dir.path().join("received");
        let mut names: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let env = serde_json::from_slice(&std::fs::read(p.with_extension("json")).unwrap())
                    .unwrap();
                (env, std::fs::read(p).unwrap())
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Alice's home, set up to send through `server` as the issue's config file says.
pub fn sender(server: &SmtpServer, extra: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB, "contractor@agency.example-pub.asc"]);
    let pwfile = sb.path("smtp-password");
    std::fs::write(&pwfile, format!("{PASSWORD}\n")).unwrap();
    write_config(&sb, server, &format!("cat {}", pwfile.display()), extra);
    sb
}

pub fn write_config(sb: &Sandbox, server: &SmtpServer, password_command: &str, extra: &str) {
    std::fs::create_dir_all(sb.home()).unwrap();
    std::fs::write(
        sb.home().join("config.toml"),
        format!(
            "[identity]\nemail = \"alice@openpgp.example\"\nname = \"Alice Lovelace\"\n\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"{USER}\"\npassword_command = \"{password_command}\"\nca_file = \"{}\"\n{extra}",
            server.port,
            server.cert.display()
        ),
    )
    .unwrap();
}

pub fn outbox(sb: &Sandbox) -> Vec<Value> {
    let out = sb
        .cmd()
        .args(["--json", "outbox", "list"])
        .output()
        .unwrap();
    assert_ok(&out);
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// gpg (as Bob) decrypts a received message and reports Alice's good signature.
fn gpg_reads(mail: &[u8], needle: &str) {
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let o = run(g.cmd().arg("--decrypt"), encrypted_payload(mail).as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && err.contains("Good signature from"),
        "gpg: {err}"
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(needle),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// The key IDs a PGP/MIME message is encrypted to.
fn pkesk_recipients(mail: &[u8]) -> Vec<String> {
    use sealmail::openpgp::parse::{PacketParser, PacketParserResult, Parse};
    let mut v = Vec::new();
    let armored = encrypted_payload(mail);
    let mut ppr = PacketParser::from_bytes(armored.as_bytes()).unwrap();
    while let PacketParserResult::Some(pp) = ppr {
        if let sealmail::openpgp::Packet::PKESK(p) = &pp.packet {
            v.push(p.recipient().map(|r| r.to_hex()).unwrap_or_default());
        }
        ppr = pp.next().unwrap().1;
    }
    v
}

#[test]
fn send_delivers_over_starttls_with_auth_and_keeps_an_encrypted_sent_copy() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let out = sb
        .cmd()
        .args(["send", "--to", BOB, "--subject", "db1 access"])
        .write_stdin("password: sent-over-smtp\n")
        .output()
        .unwrap();
    assert_ok(&out);
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0["to"], serde_json::json!([BOB]));
    assert!(!String::from_utf8_lossy(&got[0].1).contains("sent-over-smtp"));
    gpg_reads(&got[0].1, "password: sent-over-smtp");
    assert!(
        outbox(&sb).is_empty(),
        "removed from the outbox after the 250"
    );
    let sent: Vec<_> = std::fs::read_dir(sb.home().join("sent/new"))
        .unwrap()
        .collect();
    assert_eq!(sent.len(), 1);
    let copy = std::fs::read(sent[0].as_ref().unwrap().path()).unwrap();
    assert!(String::from_utf8_lossy(&copy).contains("-----BEGIN PGP MESSAGE-----"));
    assert!(
        !String::from_utf8_lossy(&copy).contains("sent-over-smtp"),
        "the sent copy is ciphertext"
    );
}

#[test]
fn bcc_gets_a_separate_copy_that_nobody_else_can_see() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    sb.cmd()
        .args([
            "send",
            "--to",
            BOB,
            "--bcc",
            "contractor@agency.example",
            "--subject",
            "s",
        ])
        .write_stdin("hello\n")
        .assert()
        .success();
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0["to"], serde_json::json!([BOB]));
    assert_eq!(
        got[1].0["to"],
        serde_json::json!(["contractor@agency.example"])
    );
    for (_, m) in &got {
        assert!(!String::from_utf8_lossy(m).contains("contractor@agency.example"));
    }
    // Bob's copy names Bob's and Alice's keys only; the Bcc copy the contractor's and Alice's.
    let contractor = sealmail::keys::parse_certs(
        &std::fs::read(key("contractor@agency.example-pub.asc")).unwrap(),
        "c",
    )
    .unwrap();
    let cids: Vec<String> = contractor[0]
        .keys()
        .map(|k| k.key().keyid().to_hex())
        .collect();
    assert!(pkesk_recipients(&got[0].1)
        .iter()
        .all(|r| !cids.contains(r)));
    assert!(pkesk_recipients(&got[1].1).iter().any(|r| cids.contains(r)));
    assert_eq!(pkesk_recipients(&got[1].1).len(), 2);
}

#[test]
fn dry_run_queues_nothing_and_writes_the_message_to_stdout_or_o() {
    // Issue 19: a dry run leaves nothing a later `outbox flush` would send.
    let sb = alice_home();
    let args = [
        "send",
        "--dry-run",
        "--from",
        ALICE,
        "--to",
        BOB,
        "--subject",
        "s",
    ];
    let out = sb.cmd().args(args).write_stdin("x\n").output().unwrap();
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dry run") && err.contains("nothing was queued"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("-----BEGIN PGP MESSAGE-----"));
    assert_eq!(outbox(&sb).len(), 0);
    let o = sb.path("draft.eml");
    let out = sb
        .cmd()
        .args(args)
        .arg("-o")
        .arg(&o)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(out.stdout.is_empty());
    gpg_reads(&std::fs::read(&o).unwrap(), "x");
    assert_eq!(outbox(&sb).len(), 0);
    // Nothing hidden is left in the queue folder either.
    let left: Vec<_> = std::fs::read_dir(sb.home().join("outbox/queue"))
        .unwrap()
        .flatten()
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // -o does not replace a file without --force.
    let err = sb.fails(&[&args[..], &["-o", o.to_str().unwrap()]].concat(), "y\n");
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
}

#[test]
fn faults_keep_messages_in_the_outbox_until_a_healthy_flush() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "timeout_secs = 3\n");
    for mode in ["drop", "451", "stall", "550"] {
        server.set_mode(mode);
        let out = sb
            .cmd()
            .args(["send", "--to", BOB, "--subject", mode])
            .write_stdin(format!("fault {mode}\n"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("hint:"),
            "{mode}"
        );
    }
    let list = outbox(&sb);
    let queued: Vec<_> = list.iter().filter(|e| e["state"] == "queued").collect();
    let failed: Vec<_> = list.iter().filter(|e| e["state"] == "failed").collect();
    assert_eq!(
        queued.len(),
        3,
        "drop, 451 and stall stay queued: {list:#?}"
    );
    assert_eq!(failed.len(), 1, "550 moves to failed");
    assert!(failed[0]["last_error"].as_str().unwrap().contains("550"));
    assert!(
        queued
            .iter()
            .all(|e| e["last_failure"] == "transient" && e["attempts"] == 1),
        "{queued:#?}"
    );
    assert!(server.received().is_empty());

    server.set_mode("ok");
    sb.cmd().args(["outbox", "flush"]).assert().success();
    let got = server.received();
    assert_eq!(got.len(), 3, "exactly the queued mails are delivered");
    let list = outbox(&sb);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["state"], "failed");
}

#[test]
fn two_hundred_sends_with_a_fault_on_every_fifth_lose_nothing() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "timeout_secs = 2\n");
    server.set_mode("every5");
    let n = 200;
    let mut failed_sends = 0;
    for i in 0..n {
        let out = sb
            .cmd()
            .args(["send", "--to", BOB, "--subject", &format!("n{i}")])
            .write_stdin(format!("message {i}\n"))
            .output()
            .unwrap();
        if !out.status.success() {
            failed_sends += 1;
        }
    }
    let delivered = server.received().len();
    let waiting = outbox(&sb).len();
    println!("200 sends, fault every 5th: {delivered} delivered at once, {waiting} waiting in the outbox ({failed_sends} sends reported failure)");
    assert_eq!(delivered + waiting, n, "every message delivered or waiting");
    assert_eq!(waiting, failed_sends);
    server.set_mode("ok");
    sb.cmd().args(["outbox", "flush"]).assert().success();
    let got = server.received();
    assert_eq!(got.len(), n, "all delivered after the flush");
    let mut ids: Vec<String> = got
        .iter()
        .map(|(_, m)| {
            let s = String::from_utf8_lossy(m);
            s.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "each exactly once");
    assert!(outbox(&sb).is_empty());
}

#[test]
fn setup_faults_say_what_to_fix_and_keep_the_message() {
    // Wrong password: 535.
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    write_config(&sb, &server, "echo wrong", "");
    let err = sb.fails(&["send", "--to", BOB, "--subject", "s"], "x\n");
    assert!(
        err.contains("535") && err.contains("sealmail secret set smtp"),
        "{err}"
    );
    assert_eq!(outbox(&sb)[0]["last_failure"], "setup");

    // Untrusted certificate: no ca_file.
    let sb = sender(&server, "");
    let cfg = std::fs::read_to_string(sb.home().join("config.toml")).unwrap();
    let cfg: String = cfg
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(sb.home().join("config.toml"), cfg).unwrap();
    let err = sb.fails(&["send", "--to", BOB, "--subject", "s"], "x\n");
    assert!(
        err.contains("ca_file") || err.contains("certificate"),
        "{err}"
    );
    assert_eq!(outbox(&sb).len(), 1);

    // A server without STARTTLS while it is required.
    let plain = SmtpServer::start(false);
    let sb = sender(&plain, "");
    let err = sb.fails(&["send", "--to", BOB, "--subject", "s"], "secret-body\n");
    assert!(plain.received().is_empty(), "nothing sent in plaintext");
    assert_eq!(outbox(&sb).len(), 1);
    assert_eq!(outbox(&sb)[0]["last_failure"], "setup", "{err}");

    // No config at all.
    let sb = alice_home();
    let err = sb.fails(
        &["send", "--from", ALICE, "--to", BOB, "--subject", "s"],
        "x\n",
    );
    assert!(err.contains("[smtp]") && err.contains("hint:"), "{err}");
    assert_eq!(
        outbox(&sb).len(),
        1,
        "kept in the outbox where it was accepted"
    );
}

const PLAIN_MAIL: &str = "From: Alice Lovelace <alice@openpgp.example>\nTo: Bob Babbage <bob@openpgp.example>\nSubject: patch for db1\nMessage-ID: <plain-1@openpgp.example>\nIn-Reply-To: <thread-1@openpgp.example>\nX-Mailer: Mutt 2.2\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"zz\"\n\n--zz\nContent-Type: text/plain; charset=utf-8\n\nplain text from mutt\n--zz\nContent-Type: text/x-patch; name=\"fix.patch\"\nContent-Disposition: attachment; filename=\"fix.patch\"\n\n--- a\n+++ b\n--zz--\n";

#[test]
fn sendmail_mode_encrypts_what_mutt_hands_it() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let out = sb
        .cmd()
        .args(["sendmail", "-oem", "-oi", "--", BOB])
        .write_stdin(PLAIN_MAIL)
        .output()
        .unwrap();
    assert_ok(&out);
    let got = server.received();
    assert_eq!(got.len(), 1);
    let s = String::from_utf8_lossy(&got[0].1);
    assert!(s.contains("Subject: [...]") && !s.contains("plain text from mutt"));
    assert!(
        s.contains("In-Reply-To: <thread-1@openpgp.example>"),
        "threading kept outside"
    );
    assert!(
        s.contains("Message-ID: <plain-1@openpgp.example>"),
        "its own Message-ID kept"
    );
    assert!(!s.contains("X-Mailer"), "other headers only inside");
    gpg_reads(&got[0].1, "plain text from mutt");
    gpg_reads(&got[0].1, "X-Mailer: Mutt 2.2");
    // sealmail (as Bob) sees the protected Subject and the attachment.
    let bob = bob_home();
    let j = bob.decrypt_json(&got[0].1);
    assert_eq!(j["subject"], "patch for db1");
    assert_eq!(j["signature"]["matches_from"], true);
    assert!(j["parts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["filename"] == "fix.patch"));
}

#[test]
fn sendmail_mode_sends_nothing_when_a_key_is_missing() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let out = sb
        .cmd()
        .args(["sendmail", "-t"])
        .write_stdin(
            PLAIN_MAIL.replace("Bob Babbage <bob@openpgp.example>", "nokey@agency.example"),
        )
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "EX_UNAVAILABLE: {err}");
    assert!(
        err.contains("nokey@agency.example") && err.contains("hint:"),
        "{err}"
    );
    assert!(server.received().is_empty());
    assert!(outbox(&sb).is_empty());
}

#[test]
fn sendmail_mode_says_tempfail_when_queued() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    server.set_mode("451");
    let out = sb
        .cmd()
        .args(["sendmail", "-t"])
        .write_stdin(PLAIN_MAIL)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "EX_TEMPFAIL: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outbox(&sb).len(), 1);
}

#[test]
fn git_send_email_through_sealmail() {
    require("git");
    let o = Command::new("git")
        .args(["send-email", "--help"])
        .output()
        .unwrap();
    assert!(
        o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty(),
        "git send-email is missing: apt-get install git-email"
    );
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let repo = sb.path("repo");
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_AUTHOR_NAME", "Alice Lovelace")
            .env("GIT_AUTHOR_EMAIL", ALICE)
            .env("GIT_COMMITTER_NAME", "Alice Lovelace")
            .env("GIT_COMMITTER_EMAIL", ALICE)
            .env("HOME", sb.dir.path())
            .env("SEALMAIL_HOME", sb.home())
            .env("SEALMAIL_NO_KEYRING", "1")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    std::fs::create_dir_all(&repo).unwrap();
    git(&["init", "-q"]);
    std::fs::write(repo.join("db1.conf"), "port = 5432\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    std::fs::write(repo.join("db1.conf"), "port = 6432\n").unwrap();
    git(&["commit", "-q", "-am", "Move db1 to pgbouncer port"]);
    let bin = assert_cmd::cargo::cargo_bin("sealmail");
    git(&[
        "send-email",
        &format!("--sendmail-cmd={} sendmail", bin.display()),
        "--to",
        BOB,
        "--from",
        "Alice Lovelace <alice@openpgp.example>",
        "--confirm=never",
        "--suppress-cc=all",
        "--quiet",
        "HEAD^..HEAD",
    ]);
    let got = server.received();
    assert_eq!(got.len(), 1);
    gpg_reads(&got[0].1, "Move db1 to pgbouncer port");
}

#[test]
fn keyring_secret_from_a_real_secret_service_is_used_by_send() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    require("secret-tool");
    let server = SmtpServer::start(true);
    let sb = alice_home();
    // No password_command: the password can only come from the keyring.
    std::fs::write(
        sb.home().join("config.toml"),
        format!(
            "[identity]\nemail = \"alice@openpgp.example\"\n\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"{USER}\"\nca_file = \"{}\"\n",
            server.port,
            server.cert.display()
        ),
    )
    .unwrap();
    let run_dir = sb.path("run");
    std::fs::create_dir_all(&run_dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let script = r#"
set -e
printf 'keyring-unlock' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
printf '%s\n' "$SMTP_PASSWORD" | "$SEALMAIL" secret set smtp
echo "lookup: $(secret-tool lookup service sealmail username "smtp:alice@127.0.0.1:$SMTP_PORT")"
printf 'sent with a keyring password\n' | "$SEALMAIL" send --to bob@openpgp.example --subject keyring
"#;
    let out = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", script])
        .env("HOME", sb.dir.path())
        .env("XDG_RUNTIME_DIR", &run_dir)
        .env("SEALMAIL_HOME", sb.home())
        .env_remove("SEALMAIL_NO_KEYRING")
        .env("SEALMAIL", assert_cmd::cargo::cargo_bin("sealmail"))
        .env("SMTP_PASSWORD", PASSWORD)
        .env("SMTP_PORT", server.port.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("lookup: {PASSWORD}")),
        "secret-tool finds it: {stdout}"
    );
    let got = server.received();
    assert_eq!(got.len(), 1, "{stderr}");
    gpg_reads(&got[0].1, "sent with a keyring password");
}

#[test]
fn config_init_from_flags_writes_a_working_config() {
    let server = SmtpServer::start(true);
    let sb = alice_home();
    let pw = sb.path("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    sb.cmd()
        .args([
            "config",
            "init",
            "--email",
            ALICE,
            "--name",
            "Alice Lovelace",
            "--smtp-host",
            "127.0.0.1",
        ])
        .args(["--smtp-port", &server.port.to_string(), "--smtp-user", USER])
        .arg("--password-command")
        .arg(format!("cat {}", pw.display()))
        .arg("--ca-file")
        .arg(&server.cert)
        .assert()
        .success();
    let text = std::fs::read_to_string(sb.home().join("config.toml")).unwrap();
    assert!(
        text.contains("# ") && !text.contains(PASSWORD),
        "commented, no secret"
    );
    sb.cmd()
        .args(["send", "--to", BOB, "--subject", "via init"])
        .write_stdin("hi\n")
        .assert()
        .success();
    assert_eq!(server.received().len(), 1);
    // A second init does not overwrite.
    sb.cmd()
        .args(["config", "init", "--email", ALICE])
        .assert()
        .code(1);
}
