//! Key discovery and trust: WKD (trees written by `sealmail key publish` and by GnuPG's
//! gpg-wks-client) and VKS served by a real HTTPS server on a free loopback port, reached
//! through `[network] resolve` (the test names mapped to 127.0.0.1 and that port) and a
//! throwaway CA given in config.toml: no change to /etc/hosts, no privileged port, so the
//! tests run as any user; acceptance, verification, refresh, Autocrypt, import from GnuPG,
//! contractors.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use predicates::prelude::*;
use sealmail::openpgp;
use serde_json::Value;

use crate::common::*;

/// The names the tests use, all served by the one HTTPS server.
const HOSTS: &[&str] = &[
    "openpgpkey.agency.example",
    "openpgpkey.sealmail-wkd.example",
    "direct-wkd.example",
    "openpgpkey.bad.example",
    "openpgpkey.novkd.example",
    "vks.example",
    "openpgpkey.revoke.example",
    "openpgpkey.auto.example",
];

pub struct Web {
    _child: Child,
    pub docroot: PathBuf,
    pub ca: PathBuf,
    /// The loopback port the server listens on.
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Web {
    /// The `[network]` line that sends every test name to this server.
    pub fn resolve_line(&self) -> String {
        let pairs: Vec<String> = HOSTS
            .iter()
            .map(|h| format!("\"{h}\" = \"127.0.0.1:{}\"", self.port))
            .collect();
        format!("resolve = {{ {} }}\n", pairs.join(", "))
    }
}

/// Runs openssl in `dir`, which must succeed.
pub fn openssl(args: &[&str], dir: &Path) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The one HTTPS server on a free loopback port, started on first use.
pub fn web() -> &'static Web {
    static WEB: OnceLock<Web> = OnceLock::new();
    WEB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        openssl(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sealmail test CA", "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"], d);
        openssl(&["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "srv.key", "-out", "srv.csr"], d);
        let san: String = HOSTS.iter().map(|h| format!("DNS:{h}")).collect::<Vec<_>>().join(",");
        std::fs::write(d.join("ext.cnf"), format!("basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,{san}\n")).unwrap();
        openssl(&["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "srv.pem", "-extfile", "ext.cnf"], d);
        let docroot = d.join("www");
        std::fs::create_dir_all(&docroot).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/https_server.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args(["127.0.0.1", "0"])
            .arg(d.join("srv.pem"))
            .arg(d.join("srv.key"))
            .arg(&docroot)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the HTTPS test server did not start: {line:?}"));
        Web {
            _child: child,
            docroot,
            ca: d.join("ca.pem"),
            port,
            _dir: dir,
        }
    })
}

/// A home with Alice's own key whose lookups go to the test server.
fn online(extra: &str) -> Sandbox {
    let w = web();
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC]);
    std::fs::write(
        sb.home().join("config.toml"),
        format!(
            "[identity]\nemail = \"alice@openpgp.example\"\n\n[network]\nca_file = \"{}\"\nkeyserver = \"https://vks.example\"\ntimeout_secs = 3\n{}{extra}",
            w.ca.display(),
            w.resolve_line()
        ),
    )
    .unwrap();
    sb
}

fn cmd_online(sb: &Sandbox) -> assert_cmd::Command {
    let mut c = sb.cmd();
    c.env_remove("SEALMAIL_OFFLINE");
    c
}

/// A new key for `email` (Ed25519/Cv25519), made with sealmail's library.
fn new_key(email: &str) -> openpgp::Cert {
    let d = tempfile::tempdir().unwrap();
    let ring = sealmail::keys::Keyring::open(&sealmail::Home::open(d.path()).unwrap()).unwrap();
    ring.generate(email, None, None, &sealmail::Context::now())
        .unwrap()
}

fn list(sb: &Sandbox) -> Vec<Value> {
    let o = sb.cmd().args(["--json", "key", "list"]).output().unwrap();
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn entry<'a>(l: &'a [Value], email: &str) -> &'a Value {
    l.iter()
        .find(|k| k["emails"].as_array().unwrap().iter().any(|e| e == email))
        .unwrap_or_else(|| panic!("{email} not in {l:#?}"))
}

#[test]
fn wkd_from_key_publish_then_accept_and_verify() {
    let w = web();
    // The publisher writes the WKD tree of their own key into the web root.
    let publisher = Sandbox::new();
    publisher
        .cmd()
        .args([
            "key",
            "generate",
            "--email",
            "ann@sealmail-wkd.example",
            "--no-passphrase",
        ])
        .assert()
        .success();
    publisher
        .cmd()
        .args(["key", "publish", "--wkd"])
        .arg(&w.docroot)
        .assert()
        .success();
    assert!(w
        .docroot
        .join(".well-known/openpgpkey/sealmail-wkd.example/policy")
        .exists());
    assert!(w.docroot.join(".well-known/openpgpkey/policy").exists());
    let fpr = String::from_utf8(
        publisher
            .cmd()
            .args(["key", "export", "ann@sealmail-wkd.example"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let fpr = sealmail::keys::parse_certs(fpr.as_bytes(), "x").unwrap()[0]
        .fingerprint()
        .to_hex();

    let sb = online("");
    cmd_online(&sb)
        .args(["key", "fetch", "ann@sealmail-wkd.example"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&fpr));
    let l = list(&sb);
    let k = entry(&l, "ann@sealmail-wkd.example");
    assert_eq!(k["acceptance"], "undecided");
    assert_eq!(k["origin"], "wkd:sealmail-wkd.example");

    // Undecided keys do not receive mail; the error gives the command.
    let err = sb.fails(
        &[
            "compose",
            "--to",
            "ann@sealmail-wkd.example",
            "--subject",
            "s",
        ],
        "x",
    );
    assert!(
        err.contains("undecided") && err.contains(&format!("sealmail key accept {fpr}")),
        "{err}"
    );

    sb.cmd()
        .args(["key", "accept", "ann@sealmail-wkd.example"])
        .assert()
        .success();
    sb.cmd()
        .args([
            "compose",
            "--to",
            "ann@sealmail-wkd.example",
            "--subject",
            "s",
        ])
        .write_stdin("x")
        .assert()
        .success()
        .stderr(predicate::str::contains("fingerprint was never checked"));

    let out = sb
        .cmd()
        .args([
            "key",
            "verify",
            "ann@sealmail-wkd.example",
            "--how",
            "phone",
            "--yes",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let words = sealmail::keys::words::pgp_words(&hex(&fpr)).join(" ");
    assert!(
        err.contains(&words[..20]) && err.contains("numbers:"),
        "{err}"
    );
    let l = list(&sb);
    let k = entry(&l, "ann@sealmail-wkd.example");
    assert_eq!(k["acceptance"], "verified");
    assert_eq!(k["verification"]["how"], "phone");
    assert_eq!(k["verification"]["by"], ALICE);
    // Without a terminal and without --yes, verify does not record anything.
    let out = sb
        .cmd()
        .args(["key", "verify", "ann@sealmail-wkd.example"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn wkd_tree_made_by_gpg_wks_client_is_read() {
    let w = web();
    let g = Gpg::new();
    g.import(&["contractor@agency.example-pub.asc"]);
    let dir = w.docroot.join(".well-known/openpgpkey");
    std::fs::create_dir_all(&dir).unwrap();
    let o = run(
        Command::new("/usr/lib/gnupg/gpg-wks-client")
            .env("GNUPGHOME", g.home.path())
            .args(["--install-key", "-C"])
            .arg(&dir)
            .args([
                "82C54AE5FDB3EA223EA05DA6215B7AC79C432586",
                "contractor@agency.example",
            ]),
        b"",
    );
    assert!(
        o.status.success(),
        "gpg-wks-client: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sb = online("");
    cmd_online(&sb)
        .args(["key", "fetch", "contractor@agency.example"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "82C54AE5FDB3EA223EA05DA6215B7AC79C432586",
        ));
}

#[test]
fn wkd_direct_method_when_there_is_no_openpgpkey_host() {
    let w = web();
    let cert = new_key("dee@direct-wkd.example");
    sealmail::keys::lookup::publish_wkd(&w.docroot, "direct-wkd.example", &cert).unwrap();
    let sb = online("");
    cmd_online(&sb)
        .args(["key", "fetch", "dee@direct-wkd.example"])
        .assert()
        .success()
        .stdout(predicate::str::contains(cert.fingerprint().to_hex()));
}

#[test]
fn vks_when_wkd_has_nothing() {
    let w = web();
    let cert = new_key("vicky@novkd.example");
    let dir = w.docroot.join("vks/v1/by-email");
    std::fs::create_dir_all(&dir).unwrap();
    use openpgp::serialize::SerializeInto;
    std::fs::write(
        dir.join("vicky@novkd.example"),
        cert.armored().to_vec().unwrap(),
    )
    .unwrap();
    let sb = online("");
    cmd_online(&sb)
        .args(["key", "fetch", "vicky@novkd.example"])
        .assert()
        .success();
    assert_eq!(
        entry(&list(&sb), "vicky@novkd.example")["origin"],
        "vks:vks.example"
    );
}

#[test]
fn compose_looks_a_missing_key_up_and_without_a_terminal_says_how_to_accept() {
    let w = web();
    let cert = new_key("otto@auto.example");
    sealmail::keys::lookup::publish_wkd(&w.docroot, "auto.example", &cert).unwrap();
    let sb = online("");
    let out = cmd_online(&sb)
        .args(["compose", "--to", "otto@auto.example", "--subject", "s"])
        .write_stdin("x")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains(&format!(
            "sealmail key accept {}",
            cert.fingerprint().to_hex()
        )),
        "{err}"
    );
    assert_eq!(
        entry(&list(&sb), "otto@auto.example")["acceptance"],
        "undecided"
    );
    // Offline: no lookup at all.
    let sb = online("offline = true\n");
    let out = cmd_online(&sb)
        .args(["compose", "--to", "otto@auto.example", "--subject", "s"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no key for this address"));
    assert!(list(&sb)
        .iter()
        .all(|k| k["emails"][0] != "otto@auto.example"));
}

#[test]
fn refresh_picks_up_a_revocation_and_sending_stops() {
    let w = web();
    let d = tempfile::tempdir().unwrap();
    let ring = sealmail::keys::Keyring::open(&sealmail::Home::open(d.path()).unwrap()).unwrap();
    let ctx = sealmail::Context::now();
    let cert = ring
        .generate("rita@revoke.example", None, None, &ctx)
        .unwrap();
    sealmail::keys::lookup::publish_wkd(&w.docroot, "revoke.example", &cert).unwrap();
    let sb = online("");
    cmd_online(&sb)
        .args(["key", "fetch", "rita@revoke.example"])
        .assert()
        .success();
    sb.cmd()
        .args(["key", "accept", "rita@revoke.example"])
        .assert()
        .success();
    sb.cmd()
        .args(["compose", "--to", "rita@revoke.example", "--subject", "s"])
        .write_stdin("x")
        .assert()
        .success();

    // The owner revokes the key and publishes the revoked copy.
    let tsk = ring.secret_cert(&cert.fingerprint()).unwrap().unwrap();
    let mut signer = primary_signer(&tsk);
    let rev = openpgp::cert::CertRevocationBuilder::new()
        .set_reason_for_revocation(
            openpgp::types::ReasonForRevocation::KeyRetired,
            b"contract over",
        )
        .unwrap()
        .build(&mut signer, &cert, None)
        .unwrap();
    let revoked = cert.insert_packets(rev).unwrap().0;
    let dir = w.docroot.join(".well-known/openpgpkey");
    let _ = std::fs::remove_dir_all(dir.join("revoke.example"));
    for e in std::fs::read_dir(dir.join("hu")).unwrap().flatten() {
        let _ = e; // direct-layout files of other tests stay
    }
    sealmail::keys::lookup::publish_wkd(&w.docroot, "revoke.example", &revoked).unwrap();

    cmd_online(&sb)
        .args(["key", "refresh"])
        .assert()
        .success()
        .stderr(predicate::str::contains("REVOKED"));
    let out = sb
        .cmd()
        .args(["compose", "--to", "rita@revoke.example", "--subject", "s"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));
}

#[test]
fn bad_wkd_answers_leave_the_store_unchanged() {
    let w = web();
    let base = w.docroot.join(".well-known/openpgpkey/bad.example/hu");
    std::fs::create_dir_all(&base).unwrap();
    let hu = |local: &str| base.join(sealmail_wkd_hash(local));
    use openpgp::serialize::SerializeInto;
    // A key for another address.
    std::fs::write(hu("other"), std::fs::read(key(BOB_PUB)).unwrap()).unwrap();
    // An expired key.
    let (old, _) = openpgp::cert::CertBuilder::general_purpose(Some("<old@bad.example>"))
        .set_creation_time(SystemTime::now() - Duration::from_secs(400 * 86400))
        .set_validity_period(Duration::from_secs(86400))
        .generate()
        .unwrap();
    std::fs::write(hu("old"), old.to_vec().unwrap()).unwrap();
    // Garbage, an HTTP error, a stall.
    std::fs::write(hu("junk"), b"\x00\x01garbage, not a key").unwrap();
    std::fs::write(hu("broken"), b"x").unwrap();
    std::fs::write(
        base.join(format!("{}.status", sealmail_wkd_hash("broken"))),
        "500",
    )
    .unwrap();
    std::fs::write(hu("slow"), b"x").unwrap();
    std::fs::write(
        base.join(format!("{}.sleep", sealmail_wkd_hash("slow"))),
        "8",
    )
    .unwrap();

    let sb = online("");
    let before = list(&sb);
    for (local, needle) in [
        ("other", "not for other@bad.example"),
        ("old", "expired"),
        ("junk", "not an OpenPGP key"),
        ("broken", "500"),
        ("slow", "timed out"),
    ] {
        let out = cmd_online(&sb)
            .args(["key", "fetch", &format!("{local}@bad.example")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{local}: {err}");
        assert!(err.contains(needle), "{local}: {err}");
        assert!(
            err.contains("hint:") && !err.contains("panicked"),
            "{local}: {err}"
        );
    }
    assert_eq!(list(&sb), before, "the store is unchanged");
}

/// A key server whose certificate the system does not trust (here: the test CA is not given
/// as `ca_file`): the lookup fails and says why in OpenSSL's words (its error texts are
/// there, not `reason(N)`).
#[test]
fn an_untrusted_server_certificate_is_named_in_the_error() {
    let w = web();
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC]);
    std::fs::write(
        sb.home().join("config.toml"),
        format!(
            "[network]\nkeyserver = \"https://vks.example\"\ntimeout_secs = 3\n{}",
            w.resolve_line()
        ),
    )
    .unwrap();
    let out = cmd_online(&sb)
        .args(["key", "fetch", "ann@sealmail-wkd.example"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("certificate verify failed"), "{err}");
    assert!(!err.contains("reason("), "{err}");
}

/// z-base32 of the SHA-1 of the lower-cased local part (WKD), via sequoia-net's own type.
fn sealmail_wkd_hash(local: &str) -> String {
    let p = sealmail_wkd_path(&format!("{local}@bad.example"));
    p.rsplit('/').next().unwrap().to_string()
}

fn sealmail_wkd_path(email: &str) -> String {
    // Publish a throwaway key to a scratch folder and read the file name back.
    let d = tempfile::tempdir().unwrap();
    let cert = new_key(email);
    let domain = email.rsplit('@').next().unwrap();
    let files = sealmail::keys::lookup::publish_wkd(d.path(), domain, &cert).unwrap();
    files[0].display().to_string()
}

#[test]
fn pgp_words_known_vectors() {
    // Written by hand from the published PGP word lists (Juola and Zimmermann, 1995): the
    // even list for bytes 0, 2, ...; the odd list for 1, 3, ...
    // 00 01 FE FF: even[0x00] aardvark, odd[0x01] adviser, even[0xFE] woodlark, odd[0xFF] Yucatan.
    assert_eq!(
        sealmail::keys::words::pgp_words(&[0x00, 0x01, 0xFE, 0xFF]),
        ["aardvark", "adviser", "woodlark", "Yucatan"]
    );
    // The worked example of the word list's description: E582 94F2 E9A2 2748 6E8B 061B 31CC
    // 528F D7FA 3F19.
    assert_eq!(
        sealmail::keys::words::pgp_words(&hex("E58294F2E9A227486E8B061B31CC528FD7FA3F19")).join(" "),
        "topmost Istanbul Pluto vagabond treadmill Pacific brackish dictator goldfish Medusa afflict bravado chatter revolver Dupont midsummer stopwatch whimsical cowbell bottomless"
    );
}

fn autocrypt(name: &str) -> PathBuf {
    data(&format!("autocrypt/{name}"))
}

#[test]
fn autocrypt_spec_examples_and_rules() {
    // The header of the simple example is learned, as undecided, with the peer state.
    let sb = Sandbox::new();
    sb.cmd()
        .args(["key", "learn"])
        .arg(autocrypt("example-simple-autocrypt.eml"))
        .assert()
        .success()
        .stderr(predicate::str::contains("learned key"));
    let l = list(&sb);
    assert_eq!(
        entry(&l, "alice@autocrypt.example")["acceptance"],
        "undecided"
    );
    assert_eq!(entry(&l, "alice@autocrypt.example")["origin"], "autocrypt");
    let st: Value = serde_json::from_slice(
        &std::fs::read(sb.home().join("autocrypt/alice@autocrypt.example.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(st["prefer_encrypt"], "mutual");
    assert!(st["autocrypt_timestamp"].as_i64().unwrap() > 1_500_000_000);
    assert_eq!(st["last_seen"], st["autocrypt_timestamp"]);

    // Reading the same mail again learns nothing new and writes nothing: the key's record,
    // the certificate and the peer state stay as they were.
    let fpr = entry(&l, "alice@autocrypt.example")["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let lower = fpr.to_ascii_lowercase();
    let files = [
        sb.home().join(format!("keymeta/{fpr}.json")),
        sb.home()
            .join(format!("certs/{}/{}", &lower[..2], &lower[2..])),
        sb.home().join("autocrypt/alice@autocrypt.example.json"),
    ];
    let stamp = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    let before: Vec<_> = files.iter().map(stamp).collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    sb.cmd()
        .args(["key", "learn"])
        .arg(autocrypt("example-simple-autocrypt.eml"))
        .assert()
        .success();
    let after: Vec<_> = files.iter().map(stamp).collect();
    assert_eq!(before, after, "a mail read again rewrote {files:?}");
    assert_eq!(
        entry(&list(&sb), "alice@autocrypt.example")["acceptance"],
        "undecided"
    );

    // Every example's header parses.
    for f in [
        "example-simple-autocrypt.eml",
        "example-gossip.eml",
        "example-gossip-cleartext.eml",
        "example-draft.eml",
    ] {
        let raw = std::fs::read(autocrypt(f)).unwrap();
        for v in sealmail::read::autocrypt::header_values(&raw, "Autocrypt") {
            sealmail::read::autocrypt::parse_header(&v).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
    }

    // A header whose addr is not the From address is ignored.
    let raw = std::fs::read_to_string(autocrypt("example-simple-autocrypt.eml")).unwrap();
    let spoofed = raw.replacen(
        "From: Alice <alice@autocrypt.example>",
        "From: Mallory <mallory@autocrypt.example>",
        1,
    );
    let sb2 = Sandbox::new();
    let p = sb2.path("m.eml");
    std::fs::write(&p, spoofed).unwrap();
    sb2.cmd().args(["key", "learn"]).arg(&p).assert().success();
    assert!(
        list(&sb2).is_empty(),
        "nothing learned from a header for another address"
    );

    // Gossip outside encryption is ignored ...
    let sb3 = Sandbox::new();
    sb3.cmd()
        .args(["key", "learn"])
        .arg(autocrypt("example-gossip-cleartext.eml"))
        .assert()
        .success();
    assert!(list(&sb3)
        .iter()
        .all(|k| k["emails"][0] != "carol@autocrypt.example"));
    // ... and taken from inside it.
    let sb4 = Sandbox::new();
    sb4.cmd()
        .args(["key", "import"])
        .arg(autocrypt("bob@autocrypt.example.sec.asc"))
        .assert()
        .success();
    sb4.cmd()
        .args(["key", "learn"])
        .arg(autocrypt("example-gossip.eml"))
        .assert()
        .success();
    assert_eq!(
        entry(&list(&sb4), "carol@autocrypt.example")["origin"],
        "autocrypt"
    );
}

#[test]
fn autocrypt_never_silently_replaces_a_verified_key() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["key", "learn"])
        .arg(autocrypt("example-simple-autocrypt.eml"))
        .assert()
        .success();
    sb.cmd()
        .args(["key", "verify", "alice@autocrypt.example", "--yes"])
        .assert()
        .success();
    // The same peer now announces another key in a newer message.
    let other = new_key("alice@autocrypt.example");
    let mut ac = Vec::new();
    use openpgp::serialize::Serialize;
    other.serialize(&mut ac).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(ac);
    let mail = format!(
        "From: Alice <alice@autocrypt.example>\r\nTo: bob@autocrypt.example\r\nSubject: new key\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nAutocrypt: addr=alice@autocrypt.example; keydata={b64}\r\n\r\nhello\r\n"
    );
    let p = sb.path("new.eml");
    std::fs::write(&p, mail).unwrap();
    sb.cmd()
        .args(["key", "learn"])
        .arg(&p)
        .assert()
        .success()
        .stderr(predicate::str::contains("stays in use"));
    let l = list(&sb);
    let verified: Vec<_> = l.iter().filter(|k| k["acceptance"] == "verified").collect();
    assert_eq!(verified.len(), 1);
    assert!(l.iter().any(
        |k| k["fingerprint"] == other.fingerprint().to_hex().as_str()
            && k["acceptance"] == "undecided"
    ));
}

#[test]
fn import_from_gpg() {
    let g = Gpg::new();
    g.import(&[BOB_PUB, "contractor@agency.example-pub.asc"]);
    let sb = Sandbox::new();
    sb.cmd()
        .env("GNUPGHOME", g.home.path())
        .args(["key", "import", "--from-gpg"])
        .assert()
        .success();
    let l = list(&sb);
    assert_eq!(l.len(), 2);
    assert!(l
        .iter()
        .all(|k| k["origin"] == "gpg" && k["acceptance"] == "unverified"));
    let sb = Sandbox::new();
    sb.cmd()
        .env("GNUPGHOME", g.home.path())
        .args(["key", "import", "--from-gpg", BOB])
        .assert()
        .success();
    assert_eq!(list(&sb).len(), 1);
}

#[test]
fn contractor_lifecycle() {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, "contractor@agency.example-pub.asc"]);
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Casey",
            "--email",
            "contractor@agency.example",
            "--org",
            "Agency",
            "--until",
            "2999-12-31",
        ])
        .assert()
        .success();
    sb.cmd()
        .args([
            "compose",
            "--from",
            ALICE,
            "--to",
            "contractor@agency.example",
            "--subject",
            "s",
        ])
        .write_stdin("x")
        .assert()
        .success();
    let v: Value = sb.json(&["contractor", "list"]);
    assert_eq!(v[0]["status"], "active");
    assert_eq!(
        v[0]["keys"][0]["fingerprint"],
        "82C54AE5FDB3EA223EA05DA6215B7AC79C432586"
    );
    assert_eq!(v[0]["keys"][0]["acceptance"], "unverified");

    sb.cmd()
        .args(["contractor", "end", "Casey"])
        .assert()
        .success();
    let err = sb.fails(
        &[
            "compose",
            "--from",
            ALICE,
            "--to",
            "contractor@agency.example",
            "--subject",
            "s",
        ],
        "x",
    );
    assert!(err.contains("Casey") && err.contains("ended"), "{err}");
    let v: Value = sb.json(&["contractor", "show", "Casey"]);
    assert_eq!(v["status"], "ended", "the history stays");

    // A contract whose end date has passed.
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Old",
            "--email",
            "rsa@agency.example",
            "--until",
            "2020-01-31",
        ])
        .assert()
        .success();
    sb.import(&["rsa@agency.example-pub.asc"]);
    let out = sb
        .cmd()
        .args([
            "compose",
            "--from",
            ALICE,
            "--to",
            "rsa@agency.example",
            "--subject",
            "s",
        ])
        .write_stdin("x")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("the contract ended on 2020-01-31"));

    // A key that expires before the contract ends is flagged.
    let d = tempfile::tempdir().unwrap();
    let (short, _) = openpgp::cert::CertBuilder::general_purpose(Some("<shortkey@agency.example>"))
        .set_validity_period(Duration::from_secs(20 * 86400))
        .generate()
        .unwrap();
    use openpgp::serialize::SerializeInto;
    let p = d.path().join("short.asc");
    std::fs::write(&p, short.armored().to_vec().unwrap()).unwrap();
    sb.cmd().arg("key").arg("import").arg(&p).assert().success();
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Short",
            "--email",
            "shortkey@agency.example",
            "--until",
            "2999-01-01",
        ])
        .assert()
        .success();
    let v: Value = sb.json(&["contractor", "show", "Short"]);
    assert_eq!(v["keys"][0]["key_expires_before_contract_end"], true);
    assert!(v["keys"][0]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("expires soon"));
}

/// The primary key of the secret certificate `tsk`, ready to sign.
fn primary_signer(tsk: &openpgp::Cert) -> openpgp::crypto::KeyPair {
    tsk.primary_key()
        .key()
        .clone()
        .parts_into_secret()
        .unwrap()
        .into_keypair()
        .unwrap()
}

/// Files `cert` into the cert-d of `sb` the way another pgp-cert-d writer (`sq`) would:
/// binary, under its fingerprint, written aside and renamed into place, without telling
/// sealmail.
fn file_into_certd(sb: &Sandbox, cert: &openpgp::Cert) {
    use openpgp::serialize::SerializeInto;
    let hex = cert.fingerprint().to_hex().to_ascii_lowercase();
    let dir = sb.home().join("certs").join(&hex[..2]);
    std::fs::create_dir_all(&dir).unwrap();
    let aside = dir.join(".incoming");
    std::fs::write(&aside, cert.to_vec().unwrap()).unwrap();
    std::fs::rename(&aside, dir.join(&hex[2..])).unwrap();
}

#[test]
fn certificates_another_program_files_into_the_cert_d_are_found() {
    use openpgp::packet::{signature::SignatureBuilder, UserID};
    use openpgp::parse::Parse;
    use openpgp::types::SignatureType;
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC]);
    let show = |q: &str| sb.cmd().args(["key", "show", q]).output().unwrap();
    let found = |q: &str| {
        let o = show(q);
        assert!(
            o.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    // Nothing to find yet; the miss is answered and the index now covers the whole cert-d.
    assert_eq!(show(BOB).status.code(), Some(1));
    assert!(sb.home().join("index/complete").exists());
    // A certificate written by another program changes the cert-d: sealmail looks again,
    // by address and by the key ID of its encryption subkey (what a PKESK names).
    let bob = openpgp::Cert::from_file(key(BOB_PUB)).unwrap();
    file_into_certd(&sb, &bob);
    assert!(found(BOB).contains(&bob.fingerprint().to_hex()));
    found("FBFCC82A015E7330");
    // The same certificate given a new address by the other program is noticed too.
    let mut signer = primary_signer(&openpgp::Cert::from_file(key(BOB_SEC)).unwrap());
    let uid = UserID::from("Bob <bob@new.example>");
    let sig = uid
        .bind(
            &mut signer,
            &bob,
            SignatureBuilder::new(SignatureType::PositiveCertification),
        )
        .unwrap();
    let (updated, _) = bob
        .insert_packets(vec![openpgp::Packet::from(uid), sig.into()])
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    file_into_certd(&sb, &updated);
    found("bob@new.example");
    assert_eq!(show("nobody@openpgp.example").status.code(), Some(1));
}
