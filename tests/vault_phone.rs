//! The three safe ways, complete: a vault-only mail for a contractor without OpenPGP (and with
//! one), secrets read aloud for the phone, a password policy for picky systems, and contracts
//! that say how credentials may travel.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::*;
use crate::credential::files_containing;
use crate::send::{sender, SmtpServer};

const FIELDS: &str =
    "host=vpn.contractor-access.example\nusername=casey-ops\npassword='Vault-0nly pa55!'\n";
const VALUES: &[&str] = &[
    "vpn.contractor-access.example",
    "casey-ops",
    "Vault-0nly pa55!",
];

/// The vault passphrase from what `credential send` printed (once).
fn passphrase(err: &str) -> String {
    let p = err
        .lines()
        .skip_while(|l| !l.contains("Vault passphrase"))
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.contains(' ') && l.contains('-'))
        .unwrap_or_else(|| panic!("no passphrase in {err}"))
        .to_string();
    assert_eq!(err.matches(p.as_str()).count(), 1, "shown once: {err}");
    p
}

/// Python's email package: every part decoded, and the attachments' names.
fn python_parts(mail: &[u8], dir: &Path) -> (Vec<u8>, Vec<String>) {
    let f = dir.join("parse.eml");
    std::fs::write(&f, mail).unwrap();
    let script = r#"
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
out = open(sys.argv[2], 'wb')
for part in m.walk():
    p = part.get_payload(decode=True)
    if p:
        out.write(p)
names = [p.get_filename() or "?" for p in m.walk()
         if p.is_attachment() and p.get_content_type() != "application/pgp-signature"]
print("\n".join(names))
"#;
    let decoded = dir.join("decoded.bin");
    let o = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .arg(&f)
        .arg(&decoded)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect();
    (std::fs::read(decoded).unwrap(), names)
}

fn keepass_shows(vault: &Path, pass: &str, title: &str) -> String {
    let o = run(
        Command::new("keepassxc-cli")
            .args([
                "show", "-s", "-a", "UserName", "-a", "Password", "-a", "URL",
            ])
            .arg(vault)
            .arg(title),
        format!("{pass}\n").as_bytes(),
    );
    assert!(
        o.status.success(),
        "keepassxc-cli: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn send_vault(sb: &crate::common::Sandbox, to: &str, extra: &[&str]) -> std::process::Output {
    let f = sb.path("fields.env");
    std::fs::write(&f, FIELDS).unwrap();
    sb.cmd()
        .args([
            "credential",
            "send",
            "--to",
            to,
            "--subject",
            "VPN",
            "--yes",
        ])
        .args(extra)
        .arg("--from-file")
        .arg(&f)
        .output()
        .unwrap()
}

#[test]
fn vault_only_to_an_address_without_a_key_carries_no_secret_but_the_vault() {
    require("keepassxc-cli");
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let to = "casey@no-key.example";
    let out = send_vault(&sb, to, &["--vault-only"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    // The pre-send report says what a mail server sees.
    assert!(err.contains("NOT ENCRYPTED"), "{err}");
    assert!(
        err.contains("a mail server will see: the vault access.kdbx"),
        "{err}"
    );
    assert!(err.contains("never mailed: say it by phone"), "{err}");
    let pass = passphrase(&err);
    assert!(pass.split('-').count() >= 6);
    let got = server.received();
    assert_eq!(got.len(), 1);
    let mail = &got[0].1;
    // No field value anywhere: not in the raw mail, not in any decoded part, and not the
    // passphrase either.
    let dir = tempfile::tempdir().unwrap();
    let (decoded, names) = python_parts(mail, dir.path());
    for v in VALUES.iter().chain(std::iter::once(&pass.as_str())) {
        let hay = String::from_utf8_lossy(mail);
        assert!(!hay.contains(v), "{v} in the raw mail");
        assert!(
            !decoded.windows(v.len()).any(|w| w == v.as_bytes()),
            "{v} in a decoded part"
        );
    }
    assert_eq!(names, vec!["access.kdbx"], "one attachment: the vault");
    assert!(String::from_utf8_lossy(mail).contains("multipart/signed"));
    // The vault opens with the passphrase that was shown.
    let vault = dir.path().join("access.kdbx");
    let o = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import email,sys\nfrom email import policy\nm=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=policy.default)\nopen(sys.argv[2],'wb').write(next(p for p in m.walk() if p.get_filename()=='access.kdbx').get_content())",
        ])
        .arg(dir.path().join("parse.eml"))
        .arg(&vault)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown = keepass_shows(&vault, &pass, "VPN");
    for v in VALUES {
        assert!(shown.contains(v), "{v} not in the vault: {shown}");
    }
    // Signed: sealmail reads it as signed by Alice, not encrypted.
    let j = bob_home().decrypt_json(mail);
    assert_eq!(j["encrypted"], false);
    assert_eq!(j["signature"]["status"], "good");
    // The passphrase is in no file: the home, the outbox and sent copy, the SMTP spool, /tmp.
    for d in [sb.dir.path(), server.dir.path(), Path::new("/tmp")] {
        let hits = files_containing(d, pass.as_bytes(), &[]);
        assert!(hits.is_empty(), "passphrase found: {hits:?}");
    }
}

#[test]
fn vault_only_with_a_key_is_encrypted_and_holds_only_the_vault() {
    require("keepassxc-cli");
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let out = send_vault(&sb, BOB, &["--vault-only"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("NOT ENCRYPTED"), "{err}");
    let pass = passphrase(&err);
    let mail = &server.received()[0].1;
    assert!(String::from_utf8_lossy(mail).contains("multipart/encrypted"));
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let o = run(g.cmd().arg("--decrypt"), encrypted_payload(mail).as_bytes());
    assert!(
        o.status.success(),
        "gpg: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let inner = o.stdout;
    for v in VALUES {
        assert!(
            !String::from_utf8_lossy(&inner).contains(v),
            "{v} inside the encryption"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, names) = python_parts(&inner, dir.path());
    assert_eq!(names, vec!["access.kdbx"], "gpg finds only the vault");
    // Bob saves the vault and opens it.
    let b = bob_home();
    let att = b.path("att");
    b.cmd()
        .arg("decrypt")
        .arg("--attachments")
        .arg(&att)
        .write_stdin(mail.clone())
        .assert()
        .success();
    let shown = keepass_shows(&att.join("access.kdbx"), &pass, "VPN");
    assert!(shown.contains("Vault-0nly pa55!"), "{shown}");
}

#[test]
fn vault_mail_keeps_secrets_out_of_the_body_unless_asked() {
    let sb = alice_home();
    let f = sb.path("fields.env");
    std::fs::write(&f, FIELDS).unwrap();
    let body_of = |extra: &[&str]| -> String {
        let out = sb
            .cmd()
            .args([
                "credential",
                "send",
                "--from",
                ALICE,
                "--to",
                BOB,
                "--vault",
                "--dry-run",
            ])
            .args(extra)
            .arg("--from-file")
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j = bob_home().decrypt_json(&out.stdout);
        format!("{} {}", j["body"], j["parts"])
    };
    let plain = body_of(&[]);
    assert!(
        !plain.contains("casey-ops") && plain.contains("credentials.kdbx"),
        "{plain}"
    );
    let both = body_of(&["--also-in-body"]);
    assert!(
        both.contains("casey-ops") && both.contains("credential.json"),
        "{both}"
    );
}

/// What the test hears: the spoken words back into characters, from its own tables (the
/// ICAO/NATO alphabet, digit names, and the ASCII symbols' names).
fn hear(spoken: &str) -> char {
    let nato = [
        "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
        "sierra", "tango", "uniform", "victor", "whiskey", "x-ray", "yankee", "zulu",
    ];
    let digits = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let symbols: HashMap<&str, char> = [
        ("space", ' '),
        ("exclamation mark", '!'),
        ("double quote", '"'),
        ("hash", '#'),
        ("dollar sign", '$'),
        ("percent sign", '%'),
        ("ampersand", '&'),
        ("apostrophe", '\''),
        ("open parenthesis", '('),
        ("close parenthesis", ')'),
        ("asterisk", '*'),
        ("plus sign", '+'),
        ("comma", ','),
        ("dash", '-'),
        ("dot", '.'),
        ("slash", '/'),
        ("colon", ':'),
        ("semicolon", ';'),
        ("less-than sign", '<'),
        ("equals sign", '='),
        ("greater-than sign", '>'),
        ("question mark", '?'),
        ("at sign", '@'),
        ("open square bracket", '['),
        ("backslash", '\\'),
        ("close square bracket", ']'),
        ("caret", '^'),
        ("underscore", '_'),
        ("backtick", '`'),
        ("open curly brace", '{'),
        ("vertical bar", '|'),
        ("close curly brace", '}'),
        ("tilde", '~'),
    ]
    .into_iter()
    .collect();
    let letter = |w: &str| {
        nato.iter()
            .position(|n| *n == w.to_lowercase())
            .map(|i| (b'a' + i as u8) as char)
    };
    if let Some(w) = spoken.strip_prefix("capital ") {
        return letter(w).expect(spoken).to_ascii_uppercase();
    }
    if let Some(w) = spoken.strip_prefix("lower ") {
        return letter(w).expect(spoken);
    }
    if let Some(d) = digits.iter().position(|d| *d == spoken) {
        return char::from_digit(d as u32, 10).unwrap();
    }
    *symbols
        .get(spoken)
        .unwrap_or_else(|| panic!("unheard: {spoken}"))
}

#[test]
fn say_round_trips_a_thousand_passwords_with_every_symbol() {
    let sb = Sandbox::new();
    let all_symbols: String = (' '..='~').filter(|c| c.is_ascii_punctuation()).collect();
    let out = sb
        .cmd()
        .args([
            "--json",
            "password",
            "--say",
            "--count",
            "1000",
            "--length",
            "24",
            "--symbols",
        ])
        .arg(&all_symbols)
        .output()
        .unwrap();
    assert_ok(&out);
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), 1000);
    let mut seen = std::collections::BTreeSet::new();
    for p in &v {
        let pw = p["password"].as_str().unwrap();
        let groups = p["say"].as_array().unwrap();
        let mut heard = String::new();
        for (i, g) in groups.iter().enumerate() {
            assert_eq!(g["group"], i + 1);
            let spoken = g["spoken"].as_array().unwrap();
            assert!(spoken.len() <= 4);
            let chars: String = spoken.iter().map(|s| hear(s.as_str().unwrap())).collect();
            assert_eq!(chars, g["chars"].as_str().unwrap());
            heard.push_str(&chars);
        }
        assert_eq!(heard, pw);
        seen.extend(pw.chars().filter(|c| c.is_ascii_punctuation()));
    }
    assert_eq!(
        seen.len(),
        all_symbols.len(),
        "every symbol was said at least once"
    );
}

#[test]
fn say_reads_a_field_of_a_received_credential_mail() {
    let alice = alice_home();
    let f = alice.path("fields.env");
    std::fs::write(&f, "host=db1\npassword='Zz9!kLm 2Qp'\n").unwrap();
    let out = alice
        .cmd()
        .args([
            "credential",
            "send",
            "--from",
            ALICE,
            "--to",
            BOB,
            "--dry-run",
            "-o",
        ])
        .arg(alice.path("cred.eml"))
        .arg("--from-file")
        .arg(&f)
        .output()
        .unwrap();
    assert_ok(&out);
    let b = bob_home();
    for args in [
        vec!["credential", "say", "password"],
        vec!["decrypt", "--field", "password", "--say"],
    ] {
        let out = b
            .cmd()
            .args(&args)
            .arg(alice.path("cred.eml"))
            .output()
            .unwrap();
        assert_ok(&out);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("Zz9!kLm 2Qp\n"), "{text}");
        assert!(
            text.contains("capital Zulu, lower zulu, nine, exclamation mark"),
            "{text}"
        );
        assert!(text.contains("space"), "{text}");
    }
    let out = b
        .cmd()
        .args(["--json", "credential", "say", "password"])
        .arg(alice.path("cred.eml"))
        .output()
        .unwrap();
    assert_ok(&out);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["say"].as_array().unwrap().len(), 3);
}

#[test]
fn password_policy_leaves_out_what_a_system_rejects_and_says_the_entropy() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args([
            "--json",
            "password",
            "--count",
            "300",
            "--exclude",
            "#\"'\\",
            "--symbols",
            "!#$%&*",
        ])
        .output()
        .unwrap();
    assert_ok(&out);
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for p in &v {
        let pw = p["password"].as_str().unwrap();
        assert!(!pw.contains(['#', '"', '\'', '\\']), "{pw}");
        assert!(
            pw.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!$%&*".contains(c)),
            "{pw}"
        );
        assert!(pw.chars().any(|c| "!$%&*".contains(c)), "{pw}");
    }
    // 25 lower (no l), 24 upper (no I, O), 8 digits (no 0, 1) and 5 symbols remain:
    // 20 * log2(62) bits.
    let bits = v[0]["bits"].as_f64().unwrap();
    assert!((bits - 20.0 * 62f64.log2()).abs() < 0.1, "{bits}");
    let out = sb
        .cmd()
        .args([
            "password",
            "--symbols",
            "!",
            "--exclude",
            "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too few"));
}

#[test]
fn a_contract_says_how_credentials_may_travel() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Casey",
            "--email",
            "casey@no-key.example",
            "--channel",
            "vault",
        ])
        .assert()
        .success();
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Pat",
            "--email",
            "pat@phone.example",
            "--channel",
            "phone",
        ])
        .assert()
        .success();
    let j = sb.json(&["contractor", "show", "Casey"]);
    assert_eq!(j["channel"], "vault");
    // Casey gets a vault only, though nobody said --vault-only.
    let out = send_vault(&sb, "casey@no-key.example", &[]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(err.contains("credentials go in a vault"), "{err}");
    let mail = &server.received()[0].1;
    assert!(!String::from_utf8_lossy(mail).contains("casey-ops"));
    // Pat gets nothing by mail.
    let out = send_vault(&sb, "pat@phone.example", &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("by phone only") && err.contains("credential say"),
        "{err}"
    );
    assert_eq!(server.received().len(), 1);
    sb.cmd()
        .args(["contractor", "edit", "Pat", "--channel", "pgp"])
        .assert()
        .success();
    assert_eq!(sb.json(&["contractor", "show", "Pat"])["channel"], "pgp");
    // Without a key, every other send still fails closed.
    let out = send_vault(&sb, "pat@phone.example", &[]);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(server.received().len(), 1);
}
