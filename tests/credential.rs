//! Credential mails end to end (real SMTP server, gpg, keepassxc-cli), the pre-send report, the
//! password generator, and the leak audit on a labelled mailbox.

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;
use crate::send::SmtpServer;

fn sender(server: &SmtpServer) -> Sandbox {
    crate::send::sender(server, "")
}

/// Every file below `dir` (up to 20 MB each) that contains `needle`.
pub fn files_containing(dir: &Path, needle: &[u8], skip: &[&Path]) -> Vec<String> {
    let mut hits = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return hits;
    };
    for e in rd.flatten() {
        let p = e.path();
        if skip.iter().any(|s| p.starts_with(s)) {
            continue;
        }
        // Build output and git objects hold no runtime data; skipping them keeps the scan short.
        if p.file_name().is_some_and(|n| n == "target" || n == ".git") {
            continue;
        }
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if m.is_dir() {
            hits.extend(files_containing(&p, needle, skip));
        } else if m.is_file() && m.len() < 20 << 20 {
            if let Ok(b) = std::fs::read(&p) {
                if b.windows(needle.len()).any(|w| w == needle) {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

#[test]
fn credential_mail_end_to_end_and_the_secret_stays_inside() {
    let server = SmtpServer::start(true);
    let sb = sender(&server);
    let input = tempfile::tempdir().unwrap();
    let env_file = input.path().join("db1.env");
    std::fs::write(
        &env_file,
        "# access for the contractor\nhost=db1.internal.example\nusername=deploy\n",
    )
    .unwrap();
    let out = sb
        .cmd()
        .args([
            "credential",
            "send",
            "--to",
            BOB,
            "--subject",
            "db1 access",
            "--from-file",
        ])
        .arg(&env_file)
        .args([
            "--generate",
            "password",
            "--note",
            "Change it at first login.",
        ])
        .output()
        .unwrap();
    assert_ok(&out);
    let got = server.received();
    assert_eq!(got.len(), 1);
    let mail = &got[0].1;
    let outer = String::from_utf8_lossy(mail);
    assert!(outer.contains("Subject: [...]") && !outer.contains("deploy"));

    // The recipient reads the fields; one field alone for a password manager.
    let b = bob_home();
    let j = b.decrypt_json(mail);
    assert_eq!(j["credential"]["fields"]["host"], "db1.internal.example");
    assert_eq!(j["credential"]["fields"]["username"], "deploy");
    let secret = j["credential"]["fields"]["password"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(secret.len(), 20);
    let one = b
        .cmd()
        .args(["decrypt", "--field", "password"])
        .write_stdin(mail.clone())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&one.stdout).trim(), secret);
    b.cmd()
        .arg("decrypt")
        .write_stdin(mail.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("username: deploy"))
        .stderr(predicate::str::contains("credential mail with fields"));
    // gpg reads it too.
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let o = run(g.cmd().arg("--decrypt"), encrypted_payload(mail).as_bytes());
    assert!(o.status.success() && String::from_utf8_lossy(&o.stderr).contains("Good signature"));

    // The secret is nowhere but in the recipient's decrypted output: not in the sender's
    // output, home, outbox or sent copy, not on the server, not in /tmp.
    let needle = secret.as_bytes();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&secret));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&secret));
    let hits = files_containing(sb.dir.path(), needle, &[]);
    assert!(hits.is_empty(), "found in the sender's home: {hits:?}");
    let hits = files_containing(server.dir.path(), needle, &[]);
    assert!(hits.is_empty(), "found on the server: {hits:?}");
    let hits = files_containing(Path::new("/tmp"), needle, &[]);
    assert!(hits.is_empty(), "found in /tmp: {hits:?}");
}

#[test]
fn vault_opens_in_keepassxc_with_the_passphrase_shown_once() {
    require("keepassxc-cli");
    let sb = alice_home();
    let env_file = sb.path("v.env");
    std::fs::write(
        &env_file,
        "host=vpn.example.org\nusername=casey\npassword='Vault-Pa55 word'\n",
    )
    .unwrap();
    let out = sb
        .cmd()
        .args([
            "credential",
            "send",
            "--from",
            ALICE,
            "--to",
            BOB,
            "--subject",
            "VPN",
            "--vault",
            "--dry-run",
            "-o",
        ])
        .arg(sb.path("vpn.eml"))
        .arg("--from-file")
        .arg(&env_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let pass = err
        .lines()
        .skip_while(|l| !l.contains("Vault passphrase"))
        .find(|l| sealmail::credential::password::words_of(l.trim()).len() == 6)
        .unwrap()
        .trim()
        .to_string();
    // The passphrase is not stored anywhere in the home.
    assert!(files_containing(&sb.home(), pass.as_bytes(), &[]).is_empty());
    // A dry run queues nothing: the mail went to -o.
    assert!(!std::fs::read_dir(sb.home().join("outbox/queue"))
        .unwrap()
        .flatten()
        .any(|e| e.path().extension().is_some_and(|x| x == "eml")));
    let queued = sb.path("vpn.eml");
    let b = bob_home();
    let att = b.path("att");
    b.cmd()
        .arg("decrypt")
        .arg(&queued)
        .arg("--attachments")
        .arg(&att)
        .assert()
        .success();
    let o = run(
        Command::new("keepassxc-cli")
            .args(["show", "-s", "-a", "UserName", "-a", "Password"])
            .arg(att.join("credentials.kdbx"))
            .arg("VPN"),
        format!("{pass}\n").as_bytes(),
    );
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "keepassxc-cli: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        shown.contains("casey") && shown.contains("Vault-Pa55 word"),
        "{shown}"
    );
}

#[test]
fn presend_report_in_json() {
    let sb = alice_home();
    sb.cmd()
        .args(["key", "verify", BOB, "--how", "in-person", "--yes"])
        .assert()
        .success();
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Bob",
            "--email",
            BOB,
            "--until",
            "2999-06-30",
        ])
        .assert()
        .success();
    let f = sb.path("c.json");
    std::fs::write(
        &f,
        r#"{"host": "db1", "username": "bob", "password": "pw-from-json", "port": 5432}"#,
    )
    .unwrap();
    let out = sb
        .cmd()
        .args([
            "--json",
            "credential",
            "send",
            "--from",
            ALICE,
            "--to",
            BOB,
            "--dry-run",
            "--from-file",
        ])
        .arg(&f)
        .output()
        .unwrap();
    assert_ok(&out);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &r["recipients"][0];
    assert_eq!(p["fingerprint"], "D1A66E1A23B182C9980F788CFBFCC82A015E7330");
    assert_eq!(p["origin"], "file");
    assert_eq!(p["acceptance"], "verified");
    assert_eq!(p["verified_by"], ALICE);
    assert_eq!(p["verified_how"], "in-person");
    assert!(p["expires"].is_null());
    assert_eq!(p["contract_end"], "2999-06-30");
    assert_eq!(r["clear"]["subject"], "[...]");
    assert_eq!(r["clear"]["envelope_to"][0], BOB);
    assert!(r["size"].as_u64().unwrap() > 1000);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("pw-from-json"));
}

#[test]
fn bad_credential_input_sends_nothing() {
    let server = SmtpServer::start(true);
    let sb = sender(&server);
    sb.import(&["expired@agency.example-pub.asc"]);
    let f = sb.path("bad.env");
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("empty field", vec!["--to", BOB], "host=db1\npassword=\n"),
        (
            "env syntax error",
            vec!["--to", BOB],
            "host=db1\nthis line has no equals sign\n",
        ),
        (
            "recipient without key",
            vec!["--to", "nokey@agency.example"],
            "password=x1\n",
        ),
        (
            "expired key",
            vec!["--to", "expired@agency.example"],
            "password=x1\n",
        ),
        (
            "short vault passphrase",
            vec!["--to", BOB, "--vault", "--vault-words", "4"],
            "password=x1\n",
        ),
    ];
    for (what, args, env) in cases {
        std::fs::write(&f, env).unwrap();
        let out = sb
            .cmd()
            .args(["credential", "send"])
            .args(&args)
            .arg("--from-file")
            .arg(&f)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{what}");
        assert!(
            err.contains("error:") && err.contains("hint:"),
            "{what}: {err}"
        );
        assert!(!err.contains("panicked"), "{what}");
    }
    let out = sb
        .cmd()
        .args([
            "credential",
            "send",
            "--to",
            BOB,
            "--field",
            "password=hunter22",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "values on the command line are refused"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("never taken from the command line"));
    assert!(server.received().is_empty(), "nothing sent");
    assert!(
        !sb.home().join("outbox/queue").exists()
            || std::fs::read_dir(sb.home().join("outbox/queue"))
                .unwrap()
                .count()
                == 0
    );
}

#[test]
fn password_generator() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["password", "--count", "50"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 50);
    for p in &lines {
        assert_eq!(p.chars().count(), 20);
        assert!(
            p.chars().any(|c| c.is_ascii_lowercase()) && p.chars().any(|c| c.is_ascii_uppercase())
        );
        assert!(
            p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| !c.is_ascii_alphanumeric())
        );
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("bits"));
    let out = sb
        .cmd()
        .args(["password", "--words", "6", "--no-symbols"])
        .output()
        .unwrap();
    // Split as a listener would: the EFF list has its own hyphenated words ("t-shirt"), so
    // counting dashes alone fails about once in twenty runs.
    let phrase = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        sealmail::credential::password::words_of(&phrase).len(),
        6,
        "{phrase}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("about 78 bits"));
    sb.cmd()
        .args(["password", "--length", "12"])
        .assert()
        .code(2);
    let out = sb
        .cmd()
        .args(["password", "--length", "32", "--no-symbols"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout)
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric()));
}
