//! Issue 20: secret keys where users keep them. A real gpg-agent in a throwaway GNUPGHOME,
//! whose pinentry is tests/fake_pinentry.py (it answers with the passphrase and logs every
//! request): sealmail signs and decrypts with the user's GnuPG keys through the agent, the
//! agent's cache spares the second passphrase, nothing secret reaches sealmail's home, and
//! neomutt sends through `sealmail sendmail` with such a key.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

const PASS: &str = "correct horse battery staple";

/// A GnuPG home whose agent asks tests/fake_pinentry.py for passphrases.
struct AgentHome {
    dir: tempfile::TempDir,
}

impl AgentHome {
    fn new() -> Self {
        require("gpg");
        require("gpgconf");
        let dir = tempfile::Builder::new().prefix("ga").tempdir().unwrap();
        let home = dir.path();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(home, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake_pinentry.py");
        let wrapper = home.join("pinentry.sh");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec /usr/bin/python3 {} --log {} --pin '{PASS}'\n",
                script.display(),
                home.join("pinentry.log").display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(
            home.join("gpg-agent.conf"),
            format!(
                "pinentry-program {}\nallow-loopback-pinentry\n",
                wrapper.display()
            ),
        )
        .unwrap();
        AgentHome { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn gpg(&self) -> Command {
        let mut c = Command::new("gpg");
        c.env("GNUPGHOME", self.path()).arg("--batch");
        c
    }

    /// Makes a passphrase-protected key for `uid` (`ed25519`: Ed25519 with a Cv25519
    /// subkey; `rsa3072`: RSA-3072 with an RSA subkey); its fingerprint.
    fn make_key(&self, uid: &str, algo: &str) -> String {
        let loopback = ["--pinentry-mode", "loopback", "--passphrase", PASS];
        let (primary, sub) = match algo {
            "ed25519" => ("ed25519", "cv25519"),
            _ => ("rsa3072", "rsa3072"),
        };
        let o = self
            .gpg()
            .args(loopback)
            .args(["--quick-gen-key", uid, primary, "sign,cert", "2y"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let fpr = self.fingerprint(uid);
        let o = self
            .gpg()
            .args(loopback)
            .args(["--quick-add-key", &fpr, sub, "encr", "2y"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The agent made the key with the loopback passphrase and cached it: start afresh,
        // with an empty cache and the fake pinentry.
        self.restart();
        fpr
    }

    fn fingerprint(&self, uid: &str) -> String {
        let o = self
            .gpg()
            .args(["--with-colons", "--list-keys", uid])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string()
    }

    fn export(&self, fpr: &str) -> Vec<u8> {
        self.gpg()
            .args(["--export", "-a", fpr])
            .output()
            .unwrap()
            .stdout
    }

    fn restart(&self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.path())
            .args(["--kill", "gpg-agent"])
            .status();
    }

    fn reload(&self) {
        let o = Command::new("gpgconf")
            .env("GNUPGHOME", self.path())
            .args(["--reload", "gpg-agent"])
            .output()
            .unwrap();
        assert!(o.status.success());
    }

    /// How often the pinentry was asked for a passphrase.
    fn pins(&self) -> usize {
        std::fs::read_to_string(self.path().join("pinentry.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| *l == "GETPIN")
            .count()
    }

    /// `sealmail` in `sb`, served by this agent.
    fn sealmail(&self, sb: &Sandbox) -> assert_cmd::Command {
        let mut c = sb.cmd();
        c.env("GNUPGHOME", self.path());
        c
    }
}

impl Drop for AgentHome {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.path())
            .args(["--kill", "all"])
            .status();
    }
}

/// A sealmail home that uses the GnuPG key `fpr` of `agent` (import --from-gpg).
fn home_with_gpg_key(agent: &AgentHome, fpr: &str) -> Sandbox {
    let sb = Sandbox::new();
    let out = agent
        .sealmail(&sb)
        .args(["key", "import", "--from-gpg"])
        .output()
        .unwrap();
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("secret stays with gpg-agent"), "{err}");
    let list: Value = serde_json::from_slice(
        &agent
            .sealmail(&sb)
            .args(["--json", "key", "list"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let k = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["fingerprint"] == fpr)
        .unwrap()
        .clone();
    assert_eq!(k["secret"], true, "{k}");
    assert_eq!(k["secret_location"], "gpg-agent", "{k}");
    assert_eq!(k["acceptance"], "verified", "{k}");
    let text = agent
        .sealmail(&sb)
        .args(["key", "list"])
        .output()
        .unwrap()
        .stdout;
    assert!(
        String::from_utf8_lossy(&text).contains("yours, secret in gpg-agent"),
        "{}",
        String::from_utf8_lossy(&text)
    );
    sb
}

/// Every file below `dir`.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(all_files(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn the_agents_cache_spares_the_second_passphrase_and_nothing_secret_reaches_the_home() {
    let agent = AgentHome::new();
    let pat = "pat@agency.example";
    let fpr = agent.make_key(&format!("Pat <{pat}>"), "ed25519");
    let sb = home_with_gpg_key(&agent, &fpr);
    // Alice writes to Pat.
    let alice = alice_home();
    alice
        .cmd()
        .args(["key", "import", "-"])
        .write_stdin(agent.export(&fpr))
        .assert()
        .success();
    let mail = alice.compose(
        &["--from", ALICE, "--to", pat, "--subject", "for pat"],
        "the agent opens this\n",
    );
    sb.import(&[ALICE_PUB]);
    let decrypt = || {
        let out = agent
            .sealmail(&sb)
            .arg("decrypt")
            .write_stdin(mail.clone())
            .output()
            .unwrap();
        assert_ok(&out);
        assert!(String::from_utf8_lossy(&out.stdout).contains("the agent opens this"));
    };
    assert_eq!(agent.pins(), 0);
    decrypt();
    assert_eq!(agent.pins(), 1, "the pinentry asked once");
    decrypt();
    assert_eq!(
        agent.pins(),
        1,
        "the second decrypt asked nothing (the agent's cache)"
    );
    agent.reload();
    decrypt();
    assert_eq!(agent.pins(), 2, "after gpgconf --reload it asks again");
    // Pat signs a reply with the agent's key; Alice sees a good signature.
    let reply = agent
        .sealmail(&sb)
        .args(["compose", "--from", pat, "--to", ALICE, "--subject", "re"])
        .write_stdin("signed by the agent\n")
        .output()
        .unwrap();
    assert_ok(&reply);
    let j = alice.decrypt_json(&reply.stdout);
    assert_eq!(j["signature"]["status"], "good", "{j}");
    assert_eq!(j["signature"]["signer"], fpr.as_str());
    // No secret in sealmail's home: only the reference, a public certificate.
    let secret_files: Vec<_> = all_files(&sb.home().join("secret"));
    assert_eq!(
        secret_files,
        vec![sb.home().join("secret").join(format!("{fpr}.agent"))]
    );
    for f in all_files(&sb.home()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"),
            "{}",
            f.display()
        );
        if let Ok(c) = sealmail::openpgp::Cert::from_bytes(&bytes) {
            assert!(!c.is_tsk(), "{} holds secret key material", f.display());
        }
    }
    // key export --secret says where the secret is.
    let out = agent
        .sealmail(&sb)
        .args(["key", "export", "--secret", &fpr])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("held by gpg-agent") && err.contains("gpg --export-secret-keys"),
        "{err}"
    );
    // Removing the reference leaves the agent's key alone.
    agent
        .sealmail(&sb)
        .args(["key", "remove", &fpr, "--yes"])
        .assert()
        .success();
    let o = agent
        .gpg()
        .args(["--list-secret-keys", &fpr])
        .output()
        .unwrap();
    assert!(o.status.success(), "gpg still has the secret key");
}

use sealmail::openpgp::parse::Parse;

#[test]
fn key_generate_gpg_agent_hands_the_secret_to_the_agent() {
    let agent = AgentHome::new();
    let sb = Sandbox::new();
    let out = agent
        .sealmail(&sb)
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "generate",
            "--email",
            "new@agency.example",
            "--gpg-agent",
        ])
        .write_stdin(format!("{PASS}\n"))
        .output()
        .unwrap();
    assert_ok(&out);
    let fpr = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(!sb.home().join("secret").join(format!("{fpr}.pgp")).exists());
    assert!(sb
        .home()
        .join("secret")
        .join(format!("{fpr}.agent"))
        .exists());
    assert!(sb
        .home()
        .join("revocations")
        .join(format!("{fpr}.rev"))
        .exists());
    let list: Value = serde_json::from_slice(
        &agent
            .sealmail(&sb)
            .args(["--json", "key", "show", &fpr])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(list[0]["secret_location"], "gpg-agent");
    // gpg knows it as a secret key too (the agent holds it; gpg has the public part).
    let o = agent
        .gpg()
        .args(["--list-secret-keys", &fpr])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // It signs: the agent's cache has the passphrase from the generation or asks once.
    sb.import(&[BOB_PUB]);
    let mail = agent
        .sealmail(&sb)
        .args([
            "compose",
            "--from",
            "new@agency.example",
            "--to",
            BOB,
            "--subject",
            "x",
        ])
        .write_stdin("hello from the agent\n")
        .output()
        .unwrap();
    assert_ok(&mail);
    assert_eq!(
        agent.pins(),
        1,
        "the agent's pinentry asked for the passphrase"
    );
    let bob = bob_home();
    bob.cmd()
        .args(["key", "import", "-"])
        .write_stdin(agent.export(&fpr))
        .assert()
        .success();
    let j = bob.decrypt_json(&mail.stdout);
    assert_eq!(j["signature"]["status"], "good", "{j}");
    // [keys] gpg_agent = true makes it the default.
    let sb2 = Sandbox::new();
    std::fs::create_dir_all(sb2.home()).unwrap();
    std::fs::write(sb2.home().join("config.toml"), "[keys]\ngpg_agent = true\n").unwrap();
    let out = agent
        .sealmail(&sb2)
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "generate",
            "--email",
            "second@agency.example",
        ])
        .write_stdin(format!("{PASS}\n"))
        .output()
        .unwrap();
    assert_ok(&out);
    let f2 = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(sb2
        .home()
        .join("secret")
        .join(format!("{f2}.agent"))
        .exists());
}

#[test]
fn agent_keys_interoperate_with_gpg_rnp_and_sq_for_rsa_and_curve25519() {
    for algo in ["ed25519", "rsa3072"] {
        let agent = AgentHome::new();
        let pat = format!("pat-{algo}@agency.example");
        let fpr = agent.make_key(&format!("Pat <{pat}>"), algo);
        let sb = home_with_gpg_key(&agent, &fpr);
        sb.import(&[BOB_PUB]);
        let public = sb.path("pat.asc");
        std::fs::write(&public, agent.export(&fpr)).unwrap();
        // Signed and encrypted by the agent's key: gpg (as Bob) reads it.
        let mail = agent
            .sealmail(&sb)
            .args(["compose", "--from", &pat, "--to", BOB, "--subject", "x"])
            .write_stdin(format!("{algo} via the agent\n"))
            .output()
            .unwrap();
        assert_ok(&mail);
        let g = Gpg::new();
        g.import(&[BOB_SEC]);
        g.import_files(&[&public]);
        let o = run(
            g.cmd().arg("--decrypt"),
            encrypted_payload(&mail.stdout).as_bytes(),
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("Good signature"), "{algo}: {err}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("via the agent"));
        // gpg, rnp and sq encrypt to it; sealmail decrypts through the agent.
        let plain = sb.path("plain.txt");
        std::fs::write(
            &plain,
            inner_entity(BOB, &pat, "from a peer", &format!("to {algo} from a peer")),
        )
        .unwrap();
        let mut armored = Vec::new();
        let o = run(
            g.cmd()
                .args(["--trust-model", "always", "-a", "-e", "-r", &fpr, "-o", "-"])
                .arg(&plain),
            b"",
        );
        armored.push(("gpg", String::from_utf8_lossy(&o.stdout).into_owned()));
        let o = Command::new("sq")
            .args(["encrypt", "--recipient-cert"])
            .arg(&public)
            .arg(&plain)
            .output()
            .unwrap();
        armored.push(("sq", String::from_utf8_lossy(&o.stdout).into_owned()));
        let rnp_home = tempfile::tempdir().unwrap();
        let o = Command::new("rnpkeys")
            .arg("--homedir")
            .arg(rnp_home.path())
            .arg("--import")
            .arg(&public)
            .output()
            .unwrap();
        assert!(o.status.success());
        let o = Command::new("rnp")
            .arg("--homedir")
            .arg(rnp_home.path())
            .args(["-e", "-r", &fpr, "--armor", "--output", "-"])
            .arg(&plain)
            .output()
            .unwrap();
        armored.push(("rnp", String::from_utf8_lossy(&o.stdout).into_owned()));
        for (peer, a) in armored {
            assert!(a.contains("BEGIN PGP MESSAGE"), "{peer} {algo}");
            let m = pgp_mime_envelope(BOB, &pat, &a);
            let out = agent
                .sealmail(&sb)
                .args(["--json", "decrypt"])
                .write_stdin(m)
                .output()
                .unwrap();
            assert_ok(&out);
            let j: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(j["encrypted"], true, "{peer} {algo}");
            assert!(
                j["body"].as_str().unwrap().contains("from a peer"),
                "{peer} {algo}: {j}"
            );
        }
    }
}

#[test]
fn sendmail_without_a_terminal_and_a_locked_key_fails_before_queueing_with_both_ways_named() {
    let sb = Sandbox::new();
    sb.import(&[BOB_PUB]);
    sb.cmd()
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "generate",
            "--email",
            "ann@example.org",
        ])
        .write_stdin("a passphrase of some length\n")
        .assert()
        .success();
    let out = sb
        .cmd()
        .args(["sendmail", "-t"])
        .write_stdin("From: ann@example.org\nTo: bob@openpgp.example\nSubject: s\n\nbody\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "EX_CONFIG, not 69: {err}");
    assert!(
        err.contains("gpg-agent") && err.contains("sealmail secret set key"),
        "{err}"
    );
    let queued = std::fs::read_dir(sb.home().join("outbox/queue"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(queued, 0, "nothing was queued");
}

#[test]
fn a_wrong_passphrase_is_asked_for_again_up_to_three_times() {
    let sb = Sandbox::new();
    sb.import(&[BOB_PUB]);
    sb.cmd()
        .args([
            "--passphrase-fd",
            "0",
            "key",
            "generate",
            "--email",
            "ann@example.org",
        ])
        .write_stdin("the right passphrase\n")
        .assert()
        .success();
    let args = [
        "compose",
        "--from",
        "ann@example.org",
        "--to",
        BOB,
        "--subject",
        "x",
        "--body-file",
        "/etc/hostname",
    ];
    let (code, t) = on_a_terminal(
        &sb,
        &[],
        &args,
        &[
            ("Passphrase for", "wrong one"),
            ("Wrong passphrase (try 2 of 3)", "the right passphrase"),
        ],
    );
    assert_eq!(code, 0, "{t}");
    let (code, t) = on_a_terminal(
        &sb,
        &[],
        &args,
        &[
            ("Passphrase for", "wrong"),
            ("try 2 of 3", "wrong"),
            ("try 3 of 3", "wrong"),
        ],
    );
    assert_eq!(code, 1, "{t}");
    assert!(t.contains("wrong passphrase for the secret key"), "{t}");
    assert!(!t.contains("could not be unlocked"), "{t}");
}

fn tmux(socket: &str, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .env("TERM", "xterm-256color")
        .output()
        .expect("tmux runs")
}

#[test]
fn neomutt_sends_through_sealmail_sendmail_with_a_protected_agent_key() {
    require("neomutt");
    require("tmux");
    let server = crate::send::SmtpServer::start(true);
    let agent = AgentHome::new();
    let pat = "pat@agency.example";
    let fpr = agent.make_key(&format!("Pat <{pat}>"), "ed25519");
    let sb = home_with_gpg_key(&agent, &fpr);
    sb.import(&[BOB_PUB]);
    crate::send::write_config(&sb, &server, &format!("echo {}", crate::send::PASSWORD), "");
    // The recipe of docs/GUIDE.md, "Using your GnuPG key or a security key", read from the
    // guide itself (with this build's sealmail), and no saved copy of the sent mail.
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/GUIDE.md"))
            .unwrap();
    let recipe: String = guide
        .lines()
        .skip_while(|l| *l != "# ~/.neomuttrc")
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        recipe.contains("set sendmail=\"sealmail sendmail\""),
        "{recipe}"
    );
    let sealmail = assert_cmd::cargo::cargo_bin("sealmail");
    let muttrc = sb.path("muttrc");
    std::fs::write(
        &muttrc,
        recipe.replace(
            "\"sealmail sendmail\"",
            &format!("\"{} sendmail\"", sealmail.display()),
        ) + "set record=\"\"\n",
    )
    .unwrap();
    let body = sb.path("body.txt");
    std::fs::write(&body, "sent by neomutt through sealmail\n").unwrap();
    let done = sb.path("done");
    let socket = format!("sealmail-agent-{}", std::process::id());
    let cmd = format!(
        "env SEALMAIL_HOME={} GNUPGHOME={} SEALMAIL_NO_KEYRING=1 SEALMAIL_OFFLINE=1 neomutt -n -F {} -s 'From neomutt' -- {BOB} < {} 2> {}; echo $? > {}",
        sb.home().display(),
        agent.path().display(),
        muttrc.display(),
        body.display(),
        sb.path("neomutt.err").display(),
        done.display()
    );
    let o = tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "160",
            "-y",
            "50",
            &cmd,
        ],
    );
    assert!(
        o.status.success(),
        "tmux: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let start = Instant::now();
    while !done.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(300));
    }
    let screen = String::from_utf8_lossy(&tmux(&socket, &["capture-pane", "-p", "-t", "t"]).stdout)
        .into_owned();
    let _ = tmux(&socket, &["kill-server"]);
    assert_eq!(
        std::fs::read_to_string(&done).unwrap_or_default().trim(),
        "0",
        "neomutt: {screen}\n{}",
        std::fs::read_to_string(sb.path("neomutt.err")).unwrap_or_default()
    );
    assert_eq!(
        agent.pins(),
        1,
        "signed with the agent's key through its pinentry"
    );
    let got = server.received();
    assert_eq!(got.len(), 1, "{screen}");
    let raw = String::from_utf8_lossy(&got[0].1).into_owned();
    assert!(raw.contains("multipart/encrypted") && !raw.contains("sent by neomutt"));
    // gpg (as Bob) decrypts what the server got and sees Pat's good signature.
    let g = Gpg::new();
    g.import(&[BOB_SEC]);
    let public = sb.path("pat.asc");
    std::fs::write(&public, agent.export(&fpr)).unwrap();
    g.import_files(&[&public]);
    let o = run(
        g.cmd().arg("--decrypt"),
        encrypted_payload(&got[0].1).as_bytes(),
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Good signature"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("sent by neomutt through sealmail"));
}
