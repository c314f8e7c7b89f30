//! The attack mails of the research papers, read from `../shared/corpora` (they carry no
//! licence, so they are not copied into the repository). Each corpus has an expectation file in
//! tests/data/corpora/ with one row per mail: a mail without a row, a row without its mail, or
//! a count of rows per verdict other than the one written here fails the test. Without
//! ../shared the tests print `skipped: corpus not present`, unless `SEALMAIL_REQUIRE_CORPORA=1`
//! (CI sets it), which makes a missing corpus a failure.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

fn corpus_present(name: &str) -> bool {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name)
        .is_dir()
}

fn corpus(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name);
    if p.is_dir() {
        return Some(p);
    }
    let required = std::env::var("SEALMAIL_REQUIRE_CORPORA").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "corpus not present ({}) and SEALMAIL_REQUIRE_CORPORA=1",
        p.display()
    );
    println!("skipped: corpus not present ({})", p.display());
    None
}

fn emls(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            emls(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "eml") {
            out.push(p.strip_prefix(base).unwrap().display().to_string());
        }
    }
}

/// The corpus folder, its expectations (every mail must have one), and a home with `keys`.
/// (mail file, expected verdict) rows of an expectation file.
type Expectations = Vec<(String, String)>;

/// Opens corpus `name`: every mail has exactly one row, every row its mail, and the rows
/// per verdict are `counts` (so that a row edited away shows).
fn setup(
    name: &str,
    keys: &[&str],
    counts: &[(&str, usize)],
) -> Option<(PathBuf, Expectations, Sandbox)> {
    let dir = corpus(name)?;
    let exp = expectations(name);
    let mut files = Vec::new();
    emls(&dir, &dir, &mut files);
    let missing: Vec<&String> = files
        .iter()
        .filter(|f| !exp.iter().any(|(e, _)| e == *f))
        .collect();
    assert!(
        missing.is_empty(),
        "{name}: mails without an expectation: {missing:?}"
    );
    let gone: Vec<&String> = exp
        .iter()
        .map(|(f, _)| f)
        .filter(|f| !files.contains(f))
        .collect();
    assert!(
        gone.is_empty(),
        "{name}: expected mails not found: {gone:?}"
    );
    let mut rows = std::collections::BTreeSet::new();
    assert!(
        exp.iter().all(|(f, _)| rows.insert(f)),
        "{name}: a mail has two rows"
    );
    let mut per_verdict = std::collections::BTreeMap::new();
    for (_, e) in &exp {
        *per_verdict.entry(e.as_str()).or_insert(0usize) += 1;
    }
    let want: std::collections::BTreeMap<&str, usize> = counts.iter().copied().collect();
    assert_eq!(per_verdict, want, "{name}: rows per verdict");
    let sb = Sandbox::new();
    for k in keys {
        sb.cmd()
            .arg("key")
            .arg("import")
            .arg(dir.join(k))
            .assert()
            .success();
    }
    Some((dir, exp, sb))
}

fn expectations(name: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(data(&format!("corpora/{name}.tsv")))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| {
            let (f, e) = l.split_once('\t').unwrap();
            (f.to_string(), e.to_string())
        })
        .collect()
}

/// What `sealmail --json decrypt MAIL` did.
struct Outcome {
    code: Option<i32>,
    stderr: String,
    /// The report, when there is one (a BAD signature gives the report and exit 1).
    json: Option<Value>,
    /// The JSON error object of a refusal.
    error: Option<Value>,
}

impl Outcome {
    /// Refused: exit 1, an error with a hint, and on stdout only the JSON error object.
    fn refused(&self) -> bool {
        self.code == Some(1)
            && self.json.is_none()
            && self.stderr.contains("hint:")
            && self.error.as_ref().is_some_and(|e| e["hint"].is_string())
    }

    fn first_line(&self) -> &str {
        self.stderr.lines().next().unwrap_or("")
    }
}

/// Reads every mail of corpus `name` (see [`setup`]) and asks `judge` whether the outcome is
/// what its row expects; fails with the list of mails that are not, or that panicked.
fn check_corpus(
    name: &str,
    keys: &[&str],
    counts: &[(&str, usize)],
    mut judge: impl FnMut(&str, &str, &Outcome) -> bool,
) {
    let Some((dir, exp, sb)) = setup(name, keys, counts) else {
        return;
    };
    let mut failures = Vec::new();
    for (f, expect) in &exp {
        let out = sb
            .cmd()
            .args(["--json", "decrypt"])
            .arg(dir.join(f))
            .output()
            .unwrap();
        let stdout: Option<Value> = serde_json::from_slice(&out.stdout).ok();
        let (json, error) = match stdout {
            Some(j) if j.get("signature").is_some() => (Some(j), None),
            other => (None, other),
        };
        let o = Outcome {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            json,
            error,
        };
        if o.stderr.contains("panicked") || o.stderr.contains("internal error") {
            failures.push(format!("{f}: panic"));
        } else if !judge(f, expect, &o) {
            failures.push(format!(
                "{f}: expected {expect}, got {:?} {}",
                o.json.as_ref().map(|j| j["signature"].clone()),
                o.first_line()
            ));
        }
    }
    println!(
        "{name}: {} mails, {} as expected",
        exp.len(),
        exp.len() - failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn johnny_you_are_fired_no_forged_signature() {
    check_corpus(
        "johnny-you-are-fired",
        &[
            "assets/public-keys/manager@bigcorporation.asc",
            "assets/public-keys/eve@bigcorporation.asc",
        ],
        &[
            ("error", 1),
            ("flagged", 1),
            ("not-good", 50),
            ("partial", 3),
            ("valid", 4),
        ],
        |_, expect, o| {
            let Some(j) = &o.json else {
                return match expect {
                    "error" => o.refused(),
                    "not-good" => o.code == Some(1),
                    _ => false,
                };
            };
            let s = &j["signature"];
            let full =
                s["status"] == "good" && s["matches_from"] == true && s["covers_all"] == true;
            let parts = j["parts"].as_array().cloned().unwrap_or_default();
            match expect {
                "valid" => full && j["warnings"].as_array().is_some_and(|w| w.is_empty()),
                "not-good" => !full,
                "partial" => {
                    s["status"] == "good"
                        && s["covers_all"] == false
                        && parts.iter().any(|p| p["signed"] == true)
                        && parts.iter().any(|p| p["signed"] == false)
                }
                "flagged" => {
                    s["signer_email"] == j["from"] && !j["warnings"].as_array().unwrap().is_empty()
                }
                _ => false,
            }
        },
    );
}

#[test]
fn covert_content_attacks_no_decryption_oracle() {
    let secret = "ENCRYPTED MESSAGE ***";
    check_corpus(
        "covert-content-attacks",
        &["assets/secret-keys/manager@bigcorporation-sec.asc"],
        &[("decrypts", 2), ("not-decrypted", 14), ("unprotected", 19)],
        |_, expect, o| {
            let Some(j) = &o.json else {
                return expect == "error" && o.refused();
            };
            let body = j["body"].as_str().unwrap_or("");
            match expect {
                "decrypts" => {
                    j["encrypted"] == true && j["integrity"] == "ok" && body.contains(secret)
                }
                "not-decrypted" => {
                    j["encrypted"] == false
                        && !body.contains(secret)
                        && !j["warnings"].as_array().unwrap().is_empty()
                }
                "unprotected" => {
                    j["encrypted"] == false
                        && j["signature"]["status"] != "good"
                        && !body.contains(secret)
                }
                _ => false,
            }
        },
    );
}

#[test]
fn an_encrypted_block_mixed_with_other_text_is_decrypted_only_on_request() {
    // Thunderbird's partial-encryption test mail (MPL-2.0, in tests/data): prefix, block, suffix.
    let sb = Sandbox::new();
    sb.cmd()
        .arg("key")
        .arg("import")
        .arg(data(
            "thunderbird/keys/alice@openpgp.example-0xf231550c4f47e38e-secret.asc",
        ))
        .assert()
        .success();
    let mail = data("thunderbird/eml/partial-encrypt-for-alice-plaintext.eml");
    let out = sb
        .cmd()
        .args(["--json", "decrypt"])
        .arg(&mail)
        .output()
        .unwrap();
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["encrypted"], false);
    assert!(!j["body"].as_str().unwrap().contains("Insert a coin"));
    assert!(j["warnings"][0].as_str().unwrap().contains("--embedded"));
    let out = sb
        .cmd()
        .args(["--json", "decrypt", "--embedded"])
        .arg(&mail)
        .output()
        .unwrap();
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["encrypted"], true);
    let body = j["body"].as_str().unwrap();
    assert!(body.contains("Insert a coin") && !body.contains("prefix") && !body.contains("suffix"));
}

#[test]
fn mitigation_ccs2020_attacks_flagged_and_mangled_mails_recognized() {
    let mut recognized = 0;
    check_corpus(
        "mitigation-e2e-ccs2020",
        &["implementation/dc-demo.keys"],
        &[
            ("flagged", 4),
            ("no-openpgp", 1),
            ("recognized", 72),
            ("refused", 38),
        ],
        |f, expect, o| {
            let ok = match expect {
                "refused" => o.refused(),
                "recognized" => {
                    o.code == Some(1) && o.stderr.contains("not encrypted to any of your keys")
                }
                "flagged" => o.json.as_ref().is_some_and(|j| {
                    j["encrypted"] == false && !j["warnings"].as_array().unwrap().is_empty()
                }),
                "no-openpgp" => o.json.as_ref().is_some_and(|j| j["encrypted"] == false),
                _ => false,
            };
            if expect == "recognized" && ok && f.contains("false-positives") {
                recognized += 1;
            }
            ok
        },
    );
    if corpus_present("mitigation-e2e-ccs2020") {
        // 72 of the corpus's 73 provider-mangled mails still reach decryption; the 73rd lost
        // its OpenPGP data to the provider (no-openpgp).
        println!("provider-mangled PGP/MIME recognised: {recognized} of 73");
        assert_eq!(recognized, 72);
    }
}
