//! Credential mails end to end (real SMTP server, gpg, keepassxc-cli), the pre-send report, the
//! password generator, and the leak audit on a labelled mailbox.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;
use crate::send::SmtpServer;

fn sender(server: &SmtpServer) -> Sandbox {
    crate::send::sender(server, "")
}

/// Every file below `dir` (up to 20 MB each) that contains `needle`.
fn files_containing(dir: &Path, needle: &[u8], skip: &[&Path]) -> Vec<String> {
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
        .find(|l| l.trim().split('-').count() == 6)
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
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .split('-')
            .count(),
        6
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

/// One planted or clean mail of the labelled mailbox.
fn mail(i: usize, from: &str, subject: &str, body_part: &str) -> String {
    format!(
        "From: {from}\nTo: contractor{i}@agency.example\nSubject: {subject}\nDate: Mon, 5 Jan 2026 10:{:02}:00 +0000\nMessage-ID: <m{i}@corp.example>\nMIME-Version: 1.0\n{body_part}",
        i % 60
    )
}

fn text(body: &str) -> String {
    format!("Content-Type: text/plain; charset=utf-8\n\n{body}\n")
}

fn b64_text(body: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(body.as_bytes());
    format!("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b}\n")
}

fn qp_html(body: &str) -> String {
    let html = format!(
        "<html><body><p>{}</p></body></html>",
        body.replace('\n', "<br>\n")
    );
    let qp = html.replace('=', "=3D");
    format!("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n{qp}\n")
}

fn with_attachment(body: &str, name: &str, ct: &str, data: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(data.as_bytes());
    format!(
        "Content-Type: multipart/mixed; boundary=\"bb\"\n\n--bb\nContent-Type: text/plain\n\n{body}\n--bb\nContent-Type: {ct}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\nContent-Transfer-Encoding: base64\n\n{b}\n--bb--\n"
    )
}

/// The labelled mailbox: (mbox text, planted indexes). Half the mails carry a secret of one of
/// the kinds the audit knows, in plain text, base64, quoted-printable HTML or an attachment;
/// the other half are realistic clean mails with near misses.
fn labelled_mailbox() -> (String, Vec<bool>) {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----";
    let ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----";
    let pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEXEcE6RYJKwYBBAHaRw8BAQdArjWwk3FAqyiFbFBKT4TzXcVBqPTB3gmzlC/U\n-----END PGP PRIVATE KEY BLOCK-----";
    let planted: Vec<String> = vec![
        text("Hi,\n\nhost: db1.corp.example\nuser: deploy\npassword: Wq8#rTz!k2Lp\n\nThanks"),
        text("Your new login is ready.\nPassword: Autumn-Rain-2026!\nPlease change it."),
        text("Hallo,\nBenutzer: mmeier\nPasswort: Sonne#Mond42\nGruss"),
        text("Bonjour,\nidentifiant : jdupont\nMot de passe : Soleil2026!\nCordialement"),
        text("Hola,\nusuario: jgarcia\nContraseña: Playa_Sol_77\nSaludos"),
        text("Olá,\nSenha: Praia#2026x\nAbraços"),
        text("Hoi,\nWachtwoord: Fiets!Regen9\nGroet"),
        text("Hej,\nLösenord: Sommar#Ljus3\nHälsningar"),
        text("Привет,\nПароль: Zima2026!xy\nСпасибо"),
        text("您好，\n密码：Tian4Kong#88\n谢谢"),
        text("the database is at postgres://app:S3cr3tPg!@db.corp.example:5432/app"),
        text("use mysql://root:R00tPassw0rd@10.0.0.5/prod for the migration"),
        text(&format!("Here is the deploy key:\n\n{pem}\n")),
        text(&format!("Your SSH key:\n{ssh}\n")),
        text(&format!("my secret key, keep it safe:\n{pgp}\n")),
        text("AWS creds: AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        text("token for CI: ghp_1A2b3C4d5E6f7G8h9I0jK1lM2nO3pQ4rS5tU6v"),
        text("gitlab: glpat-Ab12Cd34Ef56Gh78Ij90"),
        text("slack bot: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        text("session: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
        text("put this in your .env:\nDB_PASSWORD=h7Gk2!pQx9\nAPI_TOKEN=tok_live_99XyZ"),
        b64_text("host: vpn.corp.example\nusername: casey\npassword: B64-Hidden#123"),
        qp_html("Your account:\nLogin: casey\nPassword: Html=Pass#99"),
        with_attachment("see attached", "prod.env", "text/plain", "DATABASE_PASSWORD=EnvFile!Pass1\n"),
        with_attachment("config attached", "settings.txt", "text/plain", "server: db2\npassword: AttachPass#77\n"),
        with_attachment("the key", "id_ed25519", "application/octet-stream", ssh),
    ];
    let clean: Vec<String> = vec![
        text("Hi,\n\nplease reset your password here: https://sso.corp.example/reset\n\nIT"),
        text("Reminder: the password policy requires 12 characters and a symbol."),
        text("Your token expired yesterday; request a new one in the portal."),
        text("API key rotation happens on the first Monday of each month."),
        text("In the code we read it with password = os.getenv(\"DB_PASSWORD\") as usual."),
        text("Set PASSWORD=<your password> in the template, never commit it."),
        text("host: db1.corp.example\nuser: deploy\nThe password will be shared by phone."),
        text("Password: see the vault entry 'db1'."),
        text("The public key is\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob@laptop"),
        text("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"),
        text("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ\n-----END CERTIFICATE-----"),
        text("Connect to postgres://db.corp.example:5432/app with your own account."),
        text("AWS access keys start with AKIA, don't paste them in mail."),
        text("Slack bot tokens look like xoxb-..., keep them in the vault."),
        text("The meeting about passwords and tokens moves to Thursday."),
        text("Password: ********"),
        text("Your password was changed successfully. If this wasn't you, contact IT."),
        text("new hire checklist: laptop, badge, password manager account, VPN"),
        qp_html("Forgot your password? <a href=3D\"https://x.example/reset\">Reset it</a>"),
        with_attachment("minutes attached", "minutes.txt", "text/plain", "We agreed to rotate all passwords quarterly.\n"),
        with_attachment("the diagram", "network.png", "image/png", "PNGDATA"),
        text("eyJ is how base64 JSON starts; interesting trivia."),
        text("username: casey\nemail: casey@agency.example\nstart date: Monday"),
        text("PIN: change it at the bank"),
        text("Please use the password manager, not e-mail, for secrets."),
    ];
    let mut mbox = String::new();
    let mut labels = Vec::new();
    for i in 0..220 {
        let secret = i % 2 == 0;
        let part = if secret {
            &planted[(i / 2) % planted.len()]
        } else {
            &clean[(i / 2) % clean.len()]
        };
        let subject = if i % 7 == 0 { "Fwd: access" } else { "access" };
        mbox.push_str("From admin@corp.example Mon Jan  5 10:00:00 2026\n");
        mbox.push_str(&mail(i, "admin@corp.example", subject, part));
        mbox.push('\n');
        labels.push(secret);
    }
    (mbox, labels)
}

#[test]
fn leak_audit_recall_and_false_positives_on_a_labelled_mailbox() {
    let sb = Sandbox::new();
    let (mbox, labels) = labelled_mailbox();
    let path = sb.path("archive.mbox");
    std::fs::write(&path, &mbox).unwrap();
    let out = sb
        .cmd()
        .args(["--json", "audit"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "exit 1 when something is found");
    let mut flagged = std::collections::BTreeSet::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let f: Value = serde_json::from_str(line).unwrap();
        assert!(f["file"].as_str().unwrap().contains("archive.mbox#"));
        assert!(f["message_id"].as_str().unwrap().starts_with("<m"));
        assert!(f["kind"].is_string() && f["excerpt"].is_string());
        if f["kind"] == "screenshot-review" {
            continue;
        }
        let n: usize = f["file"]
            .as_str()
            .unwrap()
            .rsplit('#')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        flagged.insert(n - 1);
        // Never the secret itself.
        for s in [
            "Wq8#rTz!k2Lp",
            "S3cr3tPg!",
            "h7Gk2!pQx9",
            "B64-Hidden#123",
            "AttachPass#77",
        ] {
            assert!(!line.contains(s), "{line}");
        }
    }
    let planted = labels.iter().filter(|&&l| l).count();
    let clean = labels.len() - planted;
    let found = (0..labels.len())
        .filter(|i| labels[*i] && flagged.contains(i))
        .count();
    let fp = (0..labels.len())
        .filter(|i| !labels[*i] && flagged.contains(i))
        .count();
    let recall = found as f64 / planted as f64;
    let fp_rate = fp as f64 / clean as f64;
    let missed: Vec<usize> = (0..labels.len())
        .filter(|i| labels[*i] && !flagged.contains(i))
        .collect();
    let wrong: Vec<usize> = (0..labels.len())
        .filter(|i| !labels[*i] && flagged.contains(i))
        .collect();
    println!(
        "leak audit on {} mails ({planted} planted, {clean} clean): recall {:.1} %, false positives {:.1} % (missed {missed:?}, wrongly flagged {wrong:?})",
        labels.len(),
        recall * 100.0,
        fp_rate * 100.0
    );
    assert!(recall >= 0.95, "recall {recall}: missed {missed:?}");
    assert!(fp_rate <= 0.05, "false positives {fp_rate}: {wrong:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Rotate every credential"));
}

#[test]
fn leak_audit_reads_eml_and_maildir_and_flags_screenshots() {
    let sb = Sandbox::new();
    let md = sb.path("Maildir");
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(d)).unwrap();
    }
    std::fs::write(
        md.join("cur/1:2,S"),
        mail(
            1,
            "a@corp.example",
            "Fwd: vpn",
            &text("password: Maildir#Pass1"),
        ),
    )
    .unwrap();
    std::fs::write(
        md.join("new/2"),
        mail(
            2,
            "a@corp.example",
            "screen",
            &with_attachment("see image", "Screenshot 2026-01-05.png", "image/png", "PNG"),
        ),
    )
    .unwrap();
    let eml = sb.path("one.eml");
    std::fs::write(
        &eml,
        mail(3, "a@corp.example", "hi", &text("nothing secret here")),
    )
    .unwrap();
    let out = sb
        .cmd()
        .args(["--json", "audit"])
        .arg(&md)
        .arg(&eml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines
        .iter()
        .any(|f| f["kind"] == "password" && f["forwarded"] == true));
    assert!(lines.iter().any(|f| f["kind"] == "screenshot-review"));
    // A clean file alone: exit 0.
    sb.cmd().arg("audit").arg(&eml).assert().success();
    // An encrypted mail is not plaintext: skipped.
    let a = alice_home();
    let enc = a.compose(
        &["--from", ALICE, "--to", BOB, "--subject", "x"],
        "password: Inside#Encrypted1\n",
    );
    std::fs::write(sb.path("enc.eml"), enc).unwrap();
    sb.cmd()
        .arg("audit")
        .arg(sb.path("enc.eml"))
        .assert()
        .success()
        .stderr(predicate::str::contains("1 encrypted skipped"));
}

#[test]
fn leak_audit_memory_does_not_grow_with_the_mailbox() {
    use std::io::Write;
    let sb = Sandbox::new();
    let one = mail(
        1,
        "a@corp.example",
        "report",
        &text(&"quarterly numbers, nothing secret here. ".repeat(100)),
    );
    let make = |name: &str, mb: usize| {
        let p = sb.path(name);
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        let mut written = 0;
        let mut i = 0;
        while written < mb << 20 {
            let m = format!(
                "From a@corp.example Mon Jan  5 10:00:00 2026\n{}\n",
                one.replace("<m1@", &format!("<m{i}@"))
            );
            f.write_all(m.as_bytes()).unwrap();
            written += m.len();
            i += 1;
        }
        f.write_all(b"From a@corp.example Mon Jan  5 10:00:00 2026\nFrom: a@corp.example\nSubject: x\n\npassword: Last#Mail99\n").unwrap();
        p
    };
    let small = make("small.mbox", 8);
    let big = make("big.mbox", 128);
    let (s, st) = peak_rss_kib(&sb, &["audit", small.to_str().unwrap()]);
    assert_eq!(st.code(), Some(1), "the planted last mail is found");
    let (b, st) = peak_rss_kib(&sb, &["audit", big.to_str().unwrap()]);
    assert_eq!(st.code(), Some(1));
    println!("audit peak RSS: 8 MB mbox {s} KiB, 128 MB mbox {b} KiB");
    assert!(b < 48 * 1024, "128 MB mbox in {b} KiB");
    assert!(
        b < s + 8 * 1024,
        "memory grows with the mailbox: {s} -> {b} KiB"
    );
}
