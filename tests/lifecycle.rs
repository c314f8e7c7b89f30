//! Issue 19, part 2: the life of your own key. A new key expires (three years by default) and
//! comes with a revocation certificate; `key expire` moves the expiry, `key revoke` revokes,
//! `key passwd` changes the passphrase (at least 12 characters or 4 words); `key remove` of
//! your own key asks first and names the backup. gpg reads what these commands write.

use serde_json::Value;

use crate::common::*;

fn own_key(sb: &Sandbox, email: &str, extra: &[&str]) -> String {
    let out = sb
        .cmd()
        .args(["key", "generate", "--email", email, "--no-passphrase"])
        .args(extra)
        .output()
        .unwrap();
    assert_ok(&out);
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A GnuPG home holding the public key `fpr` as `sb` exports it.
fn gpg_with(sb: &Sandbox, fpr: &str) -> Gpg {
    let g = Gpg::new();
    let public = sb
        .cmd()
        .args(["key", "export", fpr])
        .output()
        .unwrap()
        .stdout;
    let p = sb.path("exported.asc");
    std::fs::write(&p, public).unwrap();
    g.import_files(&[&p]);
    g
}

fn info(sb: &Sandbox, fpr: &str) -> Value {
    sb.json(&["key", "show", fpr])[0].clone()
}

fn year_in(n: i32) -> String {
    (chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + n)
        .to_string()
}

#[test]
fn a_new_key_expires_and_its_revocation_certificate_revokes_it_in_gpg() {
    let sb = Sandbox::new();
    let fpr = own_key(&sb, "ann@example.org", &[]);
    assert!(info(&sb, &fpr)["expires"]
        .as_str()
        .unwrap()
        .starts_with(&year_in(3)));
    let rev = sb.home().join("revocations").join(format!("{fpr}.rev"));
    let text = std::fs::read_to_string(&rev).expect("the revocation certificate is kept");
    assert!(
        text.contains("BEGIN PGP PUBLIC KEY BLOCK") && text.contains(&fpr),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&rev).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // gpg takes the key, then the revocation certificate, and then calls the key revoked.
    let g = gpg_with(&sb, &fpr);
    g.import_files(&[&rev]);
    let listing = g.list_keys(&fpr);
    assert!(listing.contains("revoked"), "{listing}");
    // sealmail takes it too: `key import` applies it to the key it revokes.
    sb.cmd()
        .arg("key")
        .arg("import")
        .arg(&rev)
        .assert()
        .success();
    assert_eq!(info(&sb, &fpr)["revoked"], true);

    for (arg, starts) in [
        ("never", None),
        ("2y", Some(year_in(2))),
        ("2040-06-30", Some("2040-06-30".to_string())),
    ] {
        let sb = Sandbox::new();
        let f = own_key(&sb, "bea@example.org", &["--expires", arg]);
        let exp = info(&sb, &f)["expires"].clone();
        match starts {
            None => assert!(exp.is_null(), "{arg}: {exp}"),
            Some(s) => assert!(exp.as_str().unwrap().starts_with(&s), "{arg}: {exp}"),
        }
    }
    let out = sb
        .cmd()
        .args([
            "key",
            "generate",
            "--email",
            "c@example.org",
            "--no-passphrase",
            "--expires",
            "2001-01-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the past"));
}

#[test]
fn key_expire_moves_the_expiry_and_gpg_sees_it_and_mail_still_verifies() {
    let sb = Sandbox::new();
    let fpr = own_key(&sb, "ann@example.org", &["--expires", "30d"]);
    sb.import(&[BOB_PUB]);
    sb.cmd()
        .args(["key", "expire", &fpr, "5y"])
        .assert()
        .success();
    let k = info(&sb, &fpr);
    assert!(
        k["expires"].as_str().unwrap().starts_with(&year_in(5)),
        "{k}"
    );
    // Shorter again, by date.
    sb.cmd()
        .args(["key", "expire", "ann@example.org", "2031-03-01"])
        .assert()
        .success();
    assert!(info(&sb, &fpr)["expires"]
        .as_str()
        .unwrap()
        .starts_with("2031-03-01"));
    // gpg sees the new expiry on the primary key and on the subkeys.
    let g = gpg_with(&sb, &fpr);
    let listing = g.list_keys(&fpr);
    assert_eq!(listing.matches("2031-03-01").count(), 3, "{listing}");
    // A signed mail still verifies in gpg (the signing subkey's new binding is sound).
    let mail = sb.compose(
        &[
            "--from",
            "ann@example.org",
            "--to",
            BOB,
            "--subject",
            "x",
            "--sign-only",
        ],
        "still me\n",
    );
    let (content, sig) = signed_parts(&mail);
    let c = sb.path("c.txt");
    let s = sb.path("c.sig");
    std::fs::write(&c, content).unwrap();
    std::fs::write(&s, sig).unwrap();
    let out = g.cmd().arg("--verify").arg(&s).arg(&c).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Good signature"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The past is refused.
    let err = sb.fails(&["key", "expire", &fpr, "2001-01-01"], "");
    assert!(err.contains("in the past"), "{err}");
    // Not one of yours.
    let err = sb.fails(&["key", "expire", BOB, "1y"], "");
    assert!(err.contains("not one of your keys"), "{err}");
}

#[test]
fn key_revoke_revokes_and_nothing_is_signed_with_it_any_more() {
    let sb = Sandbox::new();
    let fpr = own_key(&sb, "ann@example.org", &[]);
    sb.import(&[BOB_PUB]);
    sb.cmd()
        .args([
            "key",
            "revoke",
            &fpr,
            "--reason",
            "compromised",
            "--message",
            "laptop stolen",
        ])
        .assert()
        .success();
    assert_eq!(info(&sb, &fpr)["revoked"], true);
    let err = sb.fails(
        &[
            "compose",
            "--from",
            "ann@example.org",
            "--to",
            BOB,
            "--subject",
            "x",
        ],
        "x\n",
    );
    assert!(err.contains("revoked"), "{err}");
    let g = gpg_with(&sb, &fpr);
    assert!(g.list_keys(&fpr).contains("revoked"));
}

#[test]
fn key_passwd_changes_the_passphrase_and_short_ones_are_refused() {
    let sb = Sandbox::new();
    sb.import(&[BOB_PUB]);
    // Too short: refused with the rule.
    let out = sb
        .cmd()
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "generate",
            "--email",
            "ann@example.org",
        ])
        .write_stdin("short\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("12 characters") && err.contains("4 words"),
        "{err}"
    );
    // Four words, however short, are enough.
    let out = sb
        .cmd()
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "generate",
            "--email",
            "ann@example.org",
        ])
        .write_stdin("ox ax ix ux\n")
        .output()
        .unwrap();
    assert_ok(&out);
    let fpr = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let compose = |pass: &str| {
        sb.cmd()
            .args([
                "--passphrase-fd",
                "0",
                "compose",
                "--from",
                "ann@example.org",
                "--to",
                BOB,
                "--subject",
                "x",
                "--sign-only",
            ])
            .arg("--body-file")
            .arg(key(BOB_PUB))
            .write_stdin(format!("{pass}\n"))
            .output()
            .unwrap()
    };
    assert!(compose("ox ax ix ux").status.success());
    // Old, then new.
    let out = sb
        .cmd()
        .args(["--passphrase-fd", "0", "key", "passwd", &fpr])
        .write_stdin("ox ax ix ux\na much longer passphrase\n")
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(!compose("ox ax ix ux").status.success());
    assert!(compose("a much longer passphrase").status.success());
    // A wrong old passphrase changes nothing and says so.
    let out = sb
        .cmd()
        .args(["--passphrase-fd", "0", "key", "passwd", &fpr])
        .write_stdin("not it at all\nyet another passphrase\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(compose("a much longer passphrase").status.success());
    // Removed altogether.
    sb.cmd()
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "passwd",
            &fpr,
            "--no-passphrase",
        ])
        .write_stdin("a much longer passphrase\n")
        .assert()
        .success();
    assert!(compose("").status.success());
}

#[test]
fn removing_your_own_key_asks_first_and_names_the_backup() {
    let sb = Sandbox::new();
    let fpr = own_key(&sb, "ann@example.org", &[]);
    let err = sb.fails(&["key", "remove", &fpr], "");
    assert!(err.contains("no terminal"), "{err}");
    assert!(
        err.contains(&format!("sealmail key export --secret {fpr}")),
        "{err}"
    );
    assert_eq!(info(&sb, &fpr)["secret"], true, "nothing was removed");
    // A correspondent's key goes without asking.
    sb.import(&[BOB_PUB]);
    sb.cmd()
        .args(["key", "remove", "D1A66E1A23B182C9980F788CFBFCC82A015E7330"])
        .assert()
        .success();
    sb.cmd()
        .args(["key", "remove", &fpr, "--yes"])
        .assert()
        .success();
}
