//! Thunderbird's own OpenPGP test mails (MPL-2.0, copied into tests/data/thunderbird), read by
//! sealmail with the keys each Thunderbird test loads. Every row of EXPECTED.tsv (what
//! Thunderbird's tests assert) must have a line in thunderbird-verdicts.tsv, and sealmail's
//! verdict must agree with it.

use std::collections::HashMap;

use mail_parser::{MessageParser, MimeHeaders, PartType};
use serde_json::Value;

use crate::common::*;

const KEY_DIR: &str = "thunderbird/keys";

fn key_files(spec: &str) -> Vec<(String, bool)> {
    // (file, has passphrase)
    let mut v = Vec::new();
    for k in spec.split(',') {
        let who = k.split('-').next().unwrap_or("");
        let secret = k.contains("-secret-");
        let file = match (who, secret) {
            ("alice", true) if k.starts_with("alice-secret-pp") => {
                v.push((
                    "alice@openpgp.example-0xf231550c4f47e38e-secret-with-pp.asc".to_string(),
                    true,
                ));
                continue;
            }
            ("alice", true) => "alice@openpgp.example-0xf231550c4f47e38e-secret.asc",
            ("alice", false) => "alice@openpgp.example-0xf231550c4f47e38e-pub.asc",
            ("bob", true) => "bob@openpgp.example-0xfbfcc82a015e7330-secret.asc",
            ("bob", false) => "bob@openpgp.example-0xfbfcc82a015e7330-pub.asc",
            ("carol", _) => "carol@example.com-0x3099ff1238852b9f-pub.asc",
            ("carol@pgp.icu", _) => "carol@pgp.icu-0xEF2FD01608AFD744-revoked-secret.asc",
            ("benny", _) => "benny-hashwell-0xc55ccd9c5ab482b2-pub.asc",
            ("smime", _) | ("none", _) | ("", _) => continue,
            (other, _) => panic!("unknown key name {other:?} in {spec}"),
        };
        v.push((file.to_string(), false));
    }
    v
}

/// The raw bytes of the first part of `raw` for which `pick` is true (the root excluded).
fn nested(raw: &[u8], pick: impl Fn(&mail_parser::MessagePart) -> bool) -> Vec<u8> {
    let msg = MessageParser::default().parse(raw).unwrap();
    for (i, p) in msg.parts.iter().enumerate() {
        if i == 0 || !pick(p) {
            continue;
        }
        if let PartType::Message(m) = &p.body {
            return m.raw_message().to_vec();
        }
        return raw[p.raw_header_offset() as usize..p.raw_end_offset() as usize].to_vec();
    }
    panic!("no such nested part");
}

struct Row {
    file: String,
    enc: String,
    sig: String,
    keys: String,
    test: String,
    view: String,
    text: String,
}

fn read_rows(path: &std::path::Path, ours: bool) -> Vec<Row> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let g = |i: usize| c.get(i).unwrap_or(&"").to_string();
            Row {
                file: g(0),
                enc: g(1),
                sig: g(2),
                keys: g(3),
                test: g(4),
                view: if ours { g(5) } else { String::new() },
                text: if ours { g(6) } else { String::new() },
            }
        })
        .collect()
}

fn key_of(r: &Row) -> (String, String, String, String, String) {
    (
        r.file.clone(),
        r.enc.clone(),
        r.sig.clone(),
        r.keys.clone(),
        r.test.clone(),
    )
}

#[test]
fn thunderbird_verdicts_agree_on_every_row() {
    let expected = read_rows(&data("thunderbird/EXPECTED.tsv"), false);
    let ours = read_rows(&data("thunderbird-verdicts.tsv"), true);
    let mut by_key: HashMap<_, Vec<&Row>> = HashMap::new();
    for r in &ours {
        by_key.entry(key_of(r)).or_default().push(r);
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|r| !by_key.contains_key(&key_of(r)))
        .map(|r| format!("{} {}", r.file, r.test))
        .collect();
    assert!(
        missing.is_empty(),
        "rows of EXPECTED.tsv without a verdict line: {missing:#?}"
    );
    assert!(
        expected.len() >= 80,
        "EXPECTED.tsv has {} rows",
        expected.len()
    );

    let mut failures = Vec::new();
    for r in &ours {
        if let Err(e) = check_row(r) {
            failures.push(format!("{} [{}] {}: {e}", r.file, r.view, r.test));
        }
    }
    println!(
        "thunderbird corpus: {} rows, {} agree",
        ours.len(),
        ours.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} rows disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_row(r: &Row) -> Result<(), String> {
    let sb = Sandbox::new();
    let mut passphrase = None;
    for (f, pp) in key_files(&r.keys) {
        sb.cmd()
            .arg("key")
            .arg("import")
            .arg(data(&format!("{KEY_DIR}/{f}")))
            .assert()
            .success();
        if pp {
            passphrase = Some("alice-passphrase\n");
        }
    }
    let raw = std::fs::read(data(&format!("thunderbird/eml/{}", r.file))).unwrap();
    let input = match r.view.as_str() {
        "outer" | "embedded" => raw,
        "attached" => nested(&raw, |p| p.is_content_type("message", "rfc822")),
        "encrypted-part" => nested(&raw, |p| p.is_content_type("multipart", "encrypted")),
        "decrypted-copy" => {
            // Decrypt with Alice's key and save the copy; then read it in a home without it.
            let full = Sandbox::new();
            full.import(&[ALICE_SEC]);
            let copy = full.path("copy.eml");
            let mail = full.path("in.eml");
            std::fs::write(&mail, &raw).unwrap();
            full.cmd()
                .arg("decrypt")
                .arg(&mail)
                .arg("--save-decrypted")
                .arg(&copy)
                .assert()
                .success();
            std::fs::read(copy).unwrap()
        }
        v => return Err(format!("unknown view {v}")),
    };
    let path = sb.path("in.eml");
    std::fs::write(&path, &input).unwrap();
    let mut cmd = sb.cmd();
    cmd.args(["--json", "decrypt"]).arg(&path);
    if r.view == "embedded" {
        cmd.arg("--embedded");
    }
    if let Some(p) = passphrase {
        cmd.args(["--passphrase-fd", "0"]).write_stdin(p);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if r.enc == "notok" {
        return if out.status.code() == Some(1)
            && stderr.contains("not encrypted to any of your keys")
        {
            Ok(())
        } else {
            Err(format!(
                "expected a refusal to decrypt, got {:?}: {stderr}",
                out.status
            ))
        };
    }
    let j: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    // A BAD signature exits 1 (as gpg does), with the report.
    let bad = out.status.code() == Some(1) && j["signature"]["status"] == "bad";
    if !out.status.success() && !bad {
        return Err(format!("decrypt failed: {stderr}"));
    }
    let encrypted = j["encrypted"] == true && j["integrity"] == "ok";
    match r.enc.as_str() {
        "ok" if !encrypted => return Err(format!("expected decrypted, got {j}")),
        "none" if j["encrypted"] == true => return Err(format!("expected not encrypted, got {j}")),
        _ => {}
    }
    let s = &j["signature"];
    let good = s["status"] == "good";
    let good_sender = good && s["matches_from"] == true && s["date_matches"] == true;
    let ok = match r.sig.as_str() {
        "verified" | "unverified" | "ok" => good_sender,
        "mismatch" => good && s["matches_from"] == false,
        "unknown" => s["status"] == "unknown-key",
        "invalid" => s["status"] == "bad",
        "none" => !good_sender,
        "-" => true,
        other => return Err(format!("unknown signature state {other}")),
    };
    if !ok {
        return Err(format!("signature {:?} expected, got {s}", r.sig));
    }
    let body = j["body"].as_str().unwrap_or("");
    if let Some(t) = r.text.strip_prefix('!') {
        if body.contains(t) {
            return Err(format!("body must not show {t:?}"));
        }
    } else if !r.text.is_empty() && !body.contains(&r.text) {
        return Err(format!("body lacks {:?}: {body:?}", r.text));
    }
    Ok(())
}
