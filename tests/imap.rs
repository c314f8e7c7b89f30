//! Mail where it lives: `inbox`, `decrypt --imap`, the Sent copy, `audit --imap` and its purge
//! against a real Dovecot (tests/dovecot.rs), checked through a second, independent client.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::common::*;
use crate::dovecot::Dovecot;
use crate::send::SmtpServer;

/// Writes `config.toml` of `sb` with the sections given.
fn configure(sb: &Sandbox, email: &str, sections: &str) {
    std::fs::create_dir_all(sb.home()).unwrap();
    std::fs::write(
        sb.home().join("config.toml"),
        format!("[identity]\nemail = \"{email}\"\n\n{sections}"),
    )
    .unwrap();
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn plain_mail(id: &str, from: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 02 Mar 2026 09:14:00 +0000\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Bob's mailbox: encrypted mail from sealmail and gpg, a tampered one, one without MDC, a
/// signed one, and a plain one.
fn bobs_mail() -> Vec<(&'static str, Vec<u8>)> {
    let alice = alice_home();
    let sealmail_mail = alice.compose(
        &["--from", ALICE, "--to", BOB, "--subject", "db1 access"],
        "the password is in the vault\n",
    );
    let inner = inner_entity(ALICE, BOB, "from gpg", "encrypted by gpg");
    let gpg_mail = gpg_encrypted_mail(ALICE, BOB, BOB_PUB, &[], inner.as_bytes());
    let no_mdc = gpg_encrypted_mail(
        ALICE,
        BOB,
        BOB_PUB,
        &["--rfc2440", "--cipher-algo", "CAST5"],
        inner.as_bytes(),
    );
    let tampered = flip_ciphertext_byte(&sealmail_mail);
    let signed = alice.compose(
        &[
            "--from",
            ALICE,
            "--to",
            BOB,
            "--subject",
            "signed note",
            "--sign-only",
        ],
        "only signed\n",
    );
    let plain = plain_mail("plain@example.org", ALICE, BOB, "lunch", "see you at noon");
    let rnp_mail =
        crate::interop::rnp_mail(ALICE, ALICE_SEC, BOB, BOB_PUB, "from rnp", "rnp wrote this");
    let sq_mail =
        crate::interop::sq_mail(ALICE, ALICE_SEC, BOB, BOB_PUB, "from sq", "sq wrote this");
    vec![
        ("sealmail", sealmail_mail),
        ("gpg", gpg_mail),
        ("tampered", tampered),
        ("no-mdc", no_mdc),
        ("signed", signed),
        ("plain", plain),
        ("rnp", rnp_mail),
        ("sq", sq_mail),
    ]
}

#[test]
fn inbox_and_decrypt_read_the_server_as_files_are_read() {
    let server = Dovecot::start();
    let mails = bobs_mail();
    let raw: Vec<&[u8]> = mails.iter().map(|(_, m)| m.as_slice()).collect();
    server.append("bob", "INBOX", &raw);
    let bob = bob_home();
    configure(&bob, BOB, &server.section(&bob, "[imap]", "bob", false));

    let out = bob.cmd().args(["--json", "inbox"]).output().unwrap();
    assert_ok(&out);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), mails.len(), "{lines:?}");
    let by = |i: usize| &lines[i];
    assert_eq!(by(0)["encrypted"], true);
    assert_eq!(by(0)["integrity"], "ok");
    assert_eq!(by(0)["signature"]["status"], "good");
    assert_eq!(by(0)["protected_subject"], "db1 access");
    assert_eq!(by(0)["folder"], "INBOX");
    assert_eq!(by(1)["encrypted"], true);
    assert_eq!(by(1)["signature"]["status"], "missing");
    assert_eq!(by(2)["integrity"], "failed", "tampered: {}", by(2));
    assert_eq!(by(3)["integrity"], "failed", "no MDC: {}", by(3));
    assert_eq!(by(4)["encrypted"], false);
    assert_eq!(by(4)["signature"]["status"], "good");
    assert_eq!(by(5)["encrypted"], false);
    assert_eq!(by(5)["signature"]["status"], "missing");
    for (i, peer) in [(6, "rnp"), (7, "sq")] {
        assert_eq!(by(i)["encrypted"], true, "{peer}");
        assert_eq!(by(i)["integrity"], "ok", "{peer}");
        assert_eq!(by(i)["signature"]["status"], "good", "{peer}: {}", by(i));
        assert_eq!(by(i)["protected_subject"], format!("from {peer}"));
    }
    for l in &lines {
        for key in [
            "uid",
            "folder",
            "date",
            "from",
            "subject",
            "encrypted",
            "integrity",
            "signature",
        ] {
            assert!(l.get(key).is_some(), "{key} missing in {l}");
        }
    }
    // Read-only: nothing was marked read, and the text form says the same verdicts.
    assert!(server.list("bob", "INBOX").iter().all(|m| !m.2));
    let text = bob.cmd().arg("inbox").output().unwrap();
    assert_ok(&text);
    let t = String::from_utf8_lossy(&text.stdout);
    assert!(
        t.contains("encrypted (integrity ok); good signature from alice@openpgp.example"),
        "{t}"
    );
    assert!(t.contains("(protected subject \"db1 access\")"), "{t}");
    assert!(t.contains("FAILED"), "{t}");

    // decrypt --imap UID gives what decrypt of the same file gives.
    for (i, (what, mail)) in mails.iter().enumerate() {
        let uid = lines[i]["uid"].to_string();
        let from_server = bob
            .cmd()
            .args(["--json", "decrypt", "--imap", &uid])
            .output()
            .unwrap();
        let from_file = bob
            .cmd()
            .args(["--json", "decrypt"])
            .write_stdin(mail.clone())
            .output()
            .unwrap();
        assert_eq!(from_server.status.code(), from_file.status.code(), "{what}");
        assert_eq!(
            String::from_utf8_lossy(&from_server.stdout),
            String::from_utf8_lossy(&from_file.stdout),
            "{what}"
        );
    }
    // A batch by IMAP search, in parallel as --maildir is.
    let out = bob
        .cmd()
        .args(["--json", "decrypt", "--imap-search", "ALL"])
        .output()
        .unwrap();
    let batch = json_lines(&out.stdout);
    assert_eq!(batch.len(), mails.len());
    assert_eq!(out.status.code(), Some(1), "two of them cannot be read");
    assert!(server.list("bob", "INBOX").iter().all(|m| !m.2));

    // --mark-read is the only way to change a flag.
    assert_ok(&bob.cmd().args(["inbox", "--mark-read"]).output().unwrap());
    assert!(server.list("bob", "INBOX").iter().all(|m| m.2));
}

#[test]
fn credential_send_keeps_its_encrypted_copy_in_sent() {
    let smtp = SmtpServer::start(true);
    let server = Dovecot::start();
    let alice = crate::send::sender(&smtp, "");
    let imap = server.section(&alice, "[imap]", "alice", true);
    let cfg = std::fs::read_to_string(alice.home().join("config.toml")).unwrap();
    std::fs::write(alice.home().join("config.toml"), format!("{cfg}\n{imap}")).unwrap();
    let f = alice.path("cred.env");
    std::fs::write(
        &f,
        "host=db1.example.org\nusername=admin\npassword=Imap-Sent-Copy-7q\n",
    )
    .unwrap();
    let out = alice
        .cmd()
        .args(["credential", "send", "--to", BOB, "--from-file"])
        .arg(&f)
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the sent copy is in the IMAP folder Sent"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = server.list("alice", "Sent");
    assert_eq!(sent.len(), 1);
    let copy = server
        .peer("alice", &["fetch", "Sent", &sent[0].0.to_string()])
        .stdout;
    assert!(
        !String::from_utf8_lossy(&copy).contains("Imap-Sent-Copy-7q"),
        "ciphertext only"
    );
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let o = run(
        g.cmd().arg("--decrypt"),
        encrypted_payload(&copy).as_bytes(),
    );
    assert!(
        o.status.success(),
        "gpg: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("Imap-Sent-Copy-7q"));
}

const LEAK: &str =
    "Hi Alice,\r\n\r\nserver is db1.example.org, login: admin / Wq7!kd92LmZx\r\n\r\nTom";
const CARD: &str = "Card for the hotel: 4290 8100 3390 7570, exp 09/28.";
const CLEAN: &str = "Your password must have 12 characters; the reset link is below.";

/// The incident: a contractor's leak in Alice's INBOX, forwarded from her Sent folder to Bob,
/// whose INBOX keeps the copy; a card number in Bob's Archive; clean mail beside them.
fn fill_incident(server: &Dovecot) {
    let leak = plain_mail(
        "leak@contractor.example",
        "tom@contractor.example",
        "alice@example.org",
        "access",
        LEAK,
    );
    let fwd_body = format!("FYI\r\n\r\n---------- Forwarded message ---------\r\n{LEAK}");
    let fwd = plain_mail(
        "fwd@example.org",
        "alice@example.org",
        "bob@example.org",
        "Fwd: access",
        &fwd_body,
    );
    let card = plain_mail(
        "card@example.org",
        "carol@example.org",
        "bob@example.org",
        "payment",
        CARD,
    );
    let clean_a = plain_mail(
        "clean-a@example.org",
        "it@example.org",
        "alice@example.org",
        "policy",
        CLEAN,
    );
    let clean_b = plain_mail(
        "clean-b@example.org",
        "it@example.org",
        "bob@example.org",
        "policy",
        CLEAN,
    );
    server.append("alice", "INBOX", &[&leak, &clean_a]);
    server.append("alice", "Sent", &[&fwd]);
    server.append("bob", "INBOX", &[&fwd, &clean_b]);
    server.append("bob", "Archive", &[&card]);
}

fn two_accounts(server: &Dovecot) -> Sandbox {
    let sb = Sandbox::new();
    let sections = format!(
        "{}\n{}",
        server.section(&sb, "[accounts.alice.imap]", "alice", false),
        server.section(&sb, "[accounts.bob.imap]", "bob", true)
    );
    configure(&sb, "admin@example.org", &sections);
    sb
}

fn audit_imap(sb: &Sandbox, extra: &[&str]) -> (Option<i32>, Vec<Value>, String) {
    let out = sb
        .cmd()
        .args([
            "--json",
            "audit",
            "--imap",
            "alice",
            "--imap",
            "bob",
            "--all-folders",
        ])
        .args(extra)
        .output()
        .unwrap();
    let lines = json_lines(&out.stdout);
    (
        out.status.code(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn audit_over_two_accounts_follows_the_trail_and_purges_exactly_the_leaks() {
    let server = Dovecot::start();
    fill_incident(&server);
    let sb = two_accounts(&server);
    let (code, lines, err) = audit_imap(&sb, &[]);
    assert_eq!(code, Some(1), "{err}");
    let findings: Vec<&Value> = lines.iter().filter(|l| l["type"] == "finding").collect();
    let places: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["account"].as_str().unwrap().to_string(),
                f["folder"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("alice", "INBOX"),
        ("alice", "Sent"),
        ("bob", "INBOX"),
        ("bob", "Archive"),
    ] {
        assert!(
            places.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} not in {places:?}"
        );
    }
    assert_eq!(findings.len(), 4, "{findings:?}");
    assert!(findings.iter().all(|f| f["uid"].is_u64()));
    // The forwarded copies are one leak.
    let leak_of = |acc: &str, folder: &str| {
        findings
            .iter()
            .find(|f| f["account"] == acc && f["folder"] == folder)
            .unwrap()["leak"]
            .clone()
    };
    assert_eq!(leak_of("alice", "INBOX"), leak_of("alice", "Sent"));
    assert_eq!(leak_of("alice", "INBOX"), leak_of("bob", "INBOX"));
    assert_ne!(leak_of("alice", "INBOX"), leak_of("bob", "Archive"));
    let summary = lines.iter().find(|l| l["type"] == "summary").unwrap();
    assert_eq!(summary["leaks"].as_array().unwrap().len(), 2);
    let all = lines.iter().map(Value::to_string).collect::<String>() + &err;
    assert!(!all.contains("Wq7!kd92LmZx") && !all.contains("4290 8100 3390 7570"));

    // A dry run changes nothing.
    let (_, _, err) = audit_imap(&sb, &["--purge", "--dry-run"]);
    assert!(err.contains("would move to Quarantine"), "{err}");
    assert_eq!(server.list("alice", "INBOX").len(), 2);
    // Without --yes and without a terminal nothing moves either.
    let (code, _, err) = audit_imap(&sb, &["--purge"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not purged") && err.contains("--yes"), "{err}");
    assert_eq!(server.list("bob", "Archive").len(), 1);

    let (_, _, err) = audit_imap(&sb, &["--purge", "--yes"]);
    assert!(err.contains("purged 4 messages"), "{err}");
    // Checked through a second session: exactly the leaks moved, the clean mail stayed.
    let ids = |user: &str, folder: &str| -> Vec<String> {
        server.list(user, folder).into_iter().map(|m| m.1).collect()
    };
    assert_eq!(ids("alice", "INBOX"), vec!["<clean-a@example.org>"]);
    assert!(ids("alice", "Sent").is_empty());
    assert_eq!(ids("bob", "INBOX"), vec!["<clean-b@example.org>"]);
    assert!(ids("bob", "Archive").is_empty());
    let mut q = ids("alice", "Quarantine");
    q.sort();
    assert_eq!(q, vec!["<fwd@example.org>", "<leak@contractor.example>"]);
    let mut q = ids("bob", "Quarantine");
    q.sort();
    assert_eq!(q, vec!["<card@example.org>", "<fwd@example.org>"]);
    // The purge report names every message, never the secret.
    let reports: Vec<_> = std::fs::read_dir(sb.home().join("purge"))
        .unwrap()
        .collect();
    assert_eq!(reports.len(), 1);
    let report = std::fs::read_to_string(reports[0].as_ref().unwrap().path()).unwrap();
    assert_eq!(report.lines().count(), 4, "{report}");
    assert!(report.contains("<leak@contractor.example>") && report.contains("\"kind\""));
    assert!(!report.contains("Wq7!kd92LmZx") && !report.contains("4290 8100"));

    // A second audit finds nothing outside Quarantine.
    let (code, lines, _) = audit_imap(&sb, &[]);
    let outside: Vec<&Value> = lines
        .iter()
        .filter(|l| l["type"] == "finding" && l["folder"] != "Quarantine")
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    assert_eq!(code, Some(1), "the copies in Quarantine are still leaks");
}

/// A TCP relay to `port` that cuts the connection once the server has sent `limit` bytes.
fn cutting_relay(port: u16, limit: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let local = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)) else {
                return;
            };
            let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c2, &mut u2);
            });
            let mut sent = 0;
            let mut buf = [0u8; 4096];
            while let Ok(n) = upstream.read(&mut buf) {
                if n == 0 || sent + n > limit {
                    break;
                }
                if client.write_all(&buf[..n]).is_err() {
                    break;
                }
                sent += n;
            }
            let _ = client.shutdown(std::net::Shutdown::Both);
            let _ = upstream.shutdown(std::net::Shutdown::Both);
        }
    });
    local
}

#[test]
fn imap_faults_are_clear_errors_and_change_nothing() {
    let server = Dovecot::start();
    fill_incident(&server);
    // Enough mail that a FETCH is under way when the relay cuts the line.
    let big: Vec<Vec<u8>> = (0..40)
        .map(|i| {
            plain_mail(
                &format!("big{i}@example.org"),
                "a@example.org",
                "bob@example.org",
                "report",
                &"quarterly numbers look fine\r\n".repeat(400),
            )
        })
        .collect();
    server.append(
        "bob",
        "INBOX",
        &big.iter().map(Vec::as_slice).collect::<Vec<_>>(),
    );
    let expect_error = |sb: &Sandbox, args: &[&str], needle: &str| {
        let out = sb.cmd().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("error:") && err.contains("hint:") && err.contains(needle),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    };
    // A wrong password.
    let sb = Sandbox::new();
    let s = server.section(&sb, "[imap]", "bob", false);
    std::fs::write(sb.path("bob-imap-password"), "wrong\n").unwrap();
    configure(&sb, BOB, &s);
    expect_error(&sb, &["inbox"], "refused the login of bob");
    // A certificate nobody vouches for.
    let sb = Sandbox::new();
    let s = server.section(&sb, "[imap]", "bob", false);
    let s: String = s
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .map(|l| format!("{l}\n"))
        .collect();
    configure(&sb, BOB, &s);
    expect_error(&sb, &["inbox"], "TLS with the IMAP server 127.0.0.1 failed");
    // A folder that does not exist.
    let sb = Sandbox::new();
    configure(&sb, BOB, &server.section(&sb, "[imap]", "bob", false));
    expect_error(&sb, &["inbox", "--folder", "Nope"], "no folder \"Nope\"");
    expect_error(
        &sb,
        &["audit", "--imap", "--folder", "Nope", "--purge", "--yes"],
        "no folder \"Nope\"",
    );
    // A server that drops the connection in the middle of a FETCH.
    let relay = cutting_relay(server.tls_port, 60_000);
    let sb = Sandbox::new();
    let s = server.section(&sb, "[imap]", "bob", false).replace(
        &format!("port = {}", server.tls_port),
        &format!("port = {relay}"),
    );
    configure(&sb, BOB, &s);
    expect_error(
        &sb,
        &["audit", "--imap", "--purge", "--yes"],
        "broke during UID FETCH",
    );
    assert_eq!(server.list("bob", "INBOX").len(), 42, "nothing moved");
    assert!(server
        .peer("bob", &["folders"])
        .stdout
        .windows(10)
        .all(|w| w != b"Quarantine"));
}

#[test]
fn audit_imap_reads_ten_thousand_messages_quickly_in_bounded_memory() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/audit-corpus.py");
    let server = Dovecot::start_with(|mail| {
        let o = Command::new("/usr/bin/python3")
            .arg(&corpus)
            .arg(mail.join("bob"))
            .arg("10000")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    });
    let sb = Sandbox::new();
    configure(&sb, BOB, &server.section(&sb, "[imap]", "bob", false));
    // Dovecot indexes the folder on first sight; that is its work, not the audit's.
    server.list("bob", "INBOX");
    let start = Instant::now();
    let (kib, status) = peak_rss_kib(&sb, &["audit", "--imap", "--folder", "INBOX"]);
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(status.code(), Some(1), "the corpus has leaks");
    let rate = 10_000.0 / secs;
    eprintln!(
        "audit --imap: 10,000 messages in {secs:.2} s ({rate:.0} mails/s), peak RSS {kib} KiB"
    );
    assert!(rate >= 1000.0, "{rate:.0} mails/s");
    assert!(kib <= 64 * 1024, "peak RSS {kib} KiB");
}

#[test]
fn an_interrupted_purge_says_what_it_moved_and_finishes_when_run_again() {
    let server = Dovecot::start();
    fill_incident(&server);
    let sb = two_accounts(&server);
    // Bob's quarantine folder cannot be made: a plain file sits where its Maildir would go.
    let blocker = server.dir.path().join("mail/bob/.Quarantine");
    std::fs::write(&blocker, "not a folder").unwrap();
    let (code, _, err) = audit_imap(&sb, &["--purge", "--yes"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error:") && err.contains("2 of 4 messages were purged"),
        "{err}"
    );
    assert!(err.contains("run the same command again"), "{err}");
    assert_eq!(server.list("alice", "Quarantine").len(), 2);
    assert_eq!(
        server.list("bob", "INBOX").len(),
        2,
        "nothing of Bob's moved by halves"
    );
    assert_eq!(server.list("bob", "Archive").len(), 1);
    let report_lines = || -> usize {
        std::fs::read_dir(sb.home().join("purge"))
            .unwrap()
            .map(|e| {
                std::fs::read_to_string(e.unwrap().path())
                    .unwrap()
                    .lines()
                    .count()
            })
            .sum()
    };
    assert_eq!(report_lines(), 2, "the report lists what was moved");
    std::fs::remove_file(&blocker).unwrap();
    let (_, _, err) = audit_imap(&sb, &["--purge", "--yes"]);
    assert!(err.contains("purged 2 messages"), "{err}");
    assert_eq!(server.list("bob", "Quarantine").len(), 2);
    assert_eq!(report_lines(), 4);
}

#[test]
fn purge_with_delete_expunges_exactly_the_leaks() {
    let server = Dovecot::start();
    fill_incident(&server);
    let sb = two_accounts(&server);
    let out = sb
        .cmd()
        .args([
            "audit",
            "--imap",
            "bob",
            "--all-folders",
            "--purge",
            "--delete",
            "--yes",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("purged 2 messages") && err.contains("deleted"),
        "{err}"
    );
    let ids = |user: &str, folder: &str| -> Vec<String> {
        server.list(user, folder).into_iter().map(|m| m.1).collect()
    };
    assert_eq!(ids("bob", "INBOX"), vec!["<clean-b@example.org>"]);
    assert!(ids("bob", "Archive").is_empty());
    let folders = String::from_utf8_lossy(&server.peer("bob", &["folders"]).stdout).into_owned();
    assert!(!folders.contains("Quarantine"), "{folders}");
    // Alice's account was not named: untouched.
    assert_eq!(ids("alice", "INBOX").len(), 2);
    assert_eq!(ids("alice", "Sent").len(), 1);
}
