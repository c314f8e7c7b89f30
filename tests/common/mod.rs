//! Shared test helpers: a temporary home, the keys of keys-test/, the peers.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use std::io::Write;

pub const ALICE: &str = "alice@openpgp.example";
pub const BOB: &str = "bob@openpgp.example";
pub const ALICE_SEC: &str = "alice@openpgp.example-0xf231550c4f47e38e-secret.asc";
pub const ALICE_PUB: &str = "alice@openpgp.example-0xf231550c4f47e38e-pub.asc";
pub const BOB_SEC: &str = "bob@openpgp.example-0xfbfcc82a015e7330-secret.asc";
pub const BOB_PUB: &str = "bob@openpgp.example-0xfbfcc82a015e7330-pub.asc";

/// The path of a file in keys-test/.
pub fn key(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("keys-test")
        .join(name)
}

/// The path of a file in tests/data/.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Alice's home: her secret key and Bob's certificate (she writes to him).
pub fn alice_home() -> Sandbox {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB]);
    sb
}

/// Bob's home: his secret key and Alice's certificate (he reads her mail).
pub fn bob_home() -> Sandbox {
    let sb = Sandbox::new();
    sb.import(&[BOB_SEC, ALICE_PUB]);
    sb
}

/// A temporary sealmail home and scratch folder.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::Builder::new().prefix("sm-").tempdir().unwrap(),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `sealmail` with this sandbox's home.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("sealmail").unwrap();
        c.env("SEALMAIL_HOME", self.home())
            .env("SEALMAIL_NO_KEYRING", "1")
            .env("SEALMAIL_OFFLINE", "1")
            .env_remove("SEALMAIL_NOW")
            .env_remove("XDG_DATA_HOME");
        c
    }

    /// Runs `sealmail --json ARGS`, which must succeed; its JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "sealmail --json {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Runs `sealmail ARGS` with `stdin`, which must fail with exit 1; its stderr.
    pub fn fails(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> String {
        let out = self
            .cmd()
            .args(args)
            .write_stdin(stdin.into())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "sealmail {args:?}: {err}");
        err
    }

    /// Imports files of keys-test/.
    pub fn import(&self, names: &[&str]) -> &Self {
        let mut c = self.cmd();
        c.arg("key").arg("import");
        for n in names {
            c.arg(key(n));
        }
        c.assert().success();
        self
    }

    /// Composes a message with `args` and the body on stdin; returns the message.
    pub fn compose(&self, args: &[&str], body: &str) -> Vec<u8> {
        let out = self
            .cmd()
            .arg("compose")
            .args(args)
            .write_stdin(body)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "compose failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Runs `sealmail --json decrypt` on `mail`; returns the report (also for a BAD
    /// signature, which exits 1 with the report and the error in one object).
    pub fn decrypt_json(&self, mail: &[u8]) -> serde_json::Value {
        let out = self
            .cmd()
            .args(["--json", "decrypt"])
            .write_stdin(mail.to_vec())
            .output()
            .unwrap();
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let bad = out.status.code() == Some(1) && j["signature"]["status"] == "bad";
        assert!(
            out.status.success() || bad,
            "decrypt failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        j
    }
}

/// Asserts that `stdout` of a refused `--json` command is one JSON error object (`error`,
/// `hint`, `exit`) and holds nothing of the message.
pub fn assert_json_refusal(stdout: &[u8], what: &str) -> serde_json::Value {
    let j: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("{what}: stdout is not one JSON object ({e})"));
    assert!(j["error"].is_string(), "{what}: {j}");
    assert_eq!(j["exit"], 1, "{what}: {j}");
    assert!(
        j.get("body").is_none(),
        "{what}: no content when refused: {j}"
    );
    j
}

/// Panics with an install hint when a peer program is missing: interop is proven with the
/// real programs, never skipped.
pub fn require(prog: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {prog}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{prog} is not installed: run `apt-get install -y gnupg rnp sq neomutt tmux` (bash .ci/run does)"
    );
}

/// Runs a program with stdin; returns its output. The input is written from another thread,
/// so that a program that answers while it reads (gpg on megabytes) cannot fill the output
/// pipe and wait for us while we wait for it.
pub fn run(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

/// A PGP/MIME mail from `from` to `to` whose encrypted part gpg made, unsigned, from the entity
/// `inner`: encrypted to `to` (public key file `key`), with gpg's `extra` options (e.g.
/// `--compress-algo none`, or `--rfc2440 --cipher-algo CAST5` for a message without MDC).
pub fn gpg_encrypted_mail(
    from: &str,
    to: &str,
    key: &str,
    extra: &[&str],
    inner: &[u8],
) -> Vec<u8> {
    let g = Gpg::new();
    g.import(&[key]);
    let o = run(
        g.cmd().args(["--trust-model", "always"]).args(extra).args([
            "--armor",
            "--encrypt",
            "-r",
            to,
        ]),
        inner,
    );
    assert!(
        o.status.success(),
        "gpg: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    pgp_mime_envelope(from, to, &String::from_utf8(o.stdout).unwrap())
}

/// The armored OpenPGP message inside a PGP/MIME `multipart/encrypted` mail.
pub fn encrypted_payload(mail: &[u8]) -> String {
    let s = String::from_utf8_lossy(mail);
    let b = s
        .find("-----BEGIN PGP MESSAGE-----")
        .expect("no PGP message");
    let e = s
        .find("-----END PGP MESSAGE-----")
        .expect("no end of PGP message");
    format!("{}\n", &s[b..e + "-----END PGP MESSAGE-----".len()])
}

/// Wraps an armored OpenPGP message in an RFC 3156 envelope, as mutt and Enigmail send it.
pub fn pgp_mime_envelope(from: &str, to: &str, armored: &str) -> Vec<u8> {
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S +0000");
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: [...]\r\nDate: {date}\r\nMessage-ID: <t1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\"XyZ\"\r\n\r\n--XyZ\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--XyZ\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n{}\r\n--XyZ--\r\n",
        armored.replace("\r\n", "\n").replace('\n', "\r\n")
    )
    .into_bytes()
}

/// The inner MIME entity a peer encrypts: protected headers and a text body.
pub fn inner_entity(from: &str, to: &str, subject: &str, body: &str) -> String {
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S +0000");
    format!(
        "Content-Type: text/plain; charset=utf-8; protected-headers=\"v1\"\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n\r\n{body}\r\n"
    )
}

/// A throwaway GnuPG home, its agent stopped on drop.
pub struct Gpg {
    pub home: tempfile::TempDir,
}

impl Gpg {
    pub fn new() -> Self {
        require("gpg");
        let home = tempfile::Builder::new().prefix("g").tempdir().unwrap();
        Gpg { home }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new("gpg");
        c.env("GNUPGHOME", self.home.path()).args([
            "--batch",
            "--yes",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ]);
        c
    }

    pub fn import(&self, names: &[&str]) -> &Self {
        let paths: Vec<PathBuf> = names.iter().map(|n| key(n)).collect();
        self.import_files(&paths.iter().map(|p| p.as_path()).collect::<Vec<_>>())
    }

    /// Imports files (keys, revocation certificates).
    pub fn import_files(&self, paths: &[&Path]) -> &Self {
        for p in paths {
            let o = run(self.cmd().arg("--import").arg(p), b"");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        self
    }

    /// `gpg --list-keys` of `query`, as text.
    pub fn list_keys(&self, query: &str) -> String {
        let o = run(self.cmd().args(["--list-keys", query]), b"");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

/// The signed part and the armored signature of an RFC 3156 multipart/signed mail, cut
/// exactly as the RFC says (the part without the line end before the delimiter).
pub fn signed_parts(mail: &[u8]) -> (String, String) {
    let s = String::from_utf8(mail.to_vec()).unwrap();
    let b = s
        .split("boundary=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let delim = format!("\r\n--{b}\r\n");
    let start = s.find(&format!("--{b}\r\n")).unwrap() + b.len() + 4;
    let end = s[start..].find(&delim).unwrap() + start;
    let sig_start = s.find("-----BEGIN PGP SIGNATURE-----").unwrap();
    let sig_end = s.find("-----END PGP SIGNATURE-----").unwrap() + 27;
    (s[start..end].to_string(), s[sig_start..sig_end].to_string())
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "all"])
            .output();
    }
}

/// `sealmail` as a std Command (for pipes into other programs).
pub fn sealmail_std() -> Command {
    Command::cargo_bin("sealmail").unwrap()
}

/// Peak resident memory (KiB) of `sealmail ARGS` in `sb`, measured by GNU time.
pub fn peak_rss_kib(sb: &Sandbox, args: &[&str]) -> (u64, std::process::ExitStatus) {
    require("/usr/bin/time");
    let bin = assert_cmd::cargo::cargo_bin("sealmail");
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "MAXRSS %M"])
        .arg(bin)
        .args(args)
        .env("SEALMAIL_HOME", sb.home())
        .env("SEALMAIL_OFFLINE", "1")
        .env("SEALMAIL_NO_KEYRING", "1")
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let kib = err
        .lines()
        .filter_map(|l| l.strip_prefix("MAXRSS "))
        .next_back()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no MAXRSS in {err}"));
    (kib, out.status)
}

/// Asserts that a command succeeded, showing its stderr when it did not.
pub fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// RFC 3156 §6.1 nesting made by gpg: `part` signed (detached) by `signer`, the
/// `multipart/signed` entity encrypted to `recipient`, in a PGP/MIME envelope.
pub fn gpg_nested_mail(g: &Gpg, part: &str, signer: &str, recipient: &str) -> Vec<u8> {
    let o = run(
        g.cmd().args(["--armor", "--detach-sign", "-u", signer]),
        part.as_bytes(),
    );
    assert!(o.status.success());
    let sig = String::from_utf8(o.stdout).unwrap().replace('\n', "\r\n");
    let signed = format!(
        "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"n1\"\r\n\r\n--n1\r\n{part}\r\n--n1\r\nContent-Type: application/pgp-signature\r\n\r\n{sig}\r\n--n1--\r\n"
    );
    let o = run(
        g.cmd().args([
            "--trust-model",
            "always",
            "--armor",
            "--encrypt",
            "-r",
            recipient,
        ]),
        signed.as_bytes(),
    );
    assert!(o.status.success());
    pgp_mime_envelope(signer, recipient, &String::from_utf8(o.stdout).unwrap())
}

/// Flips one byte inside the encrypted data of a PGP/MIME mail (keeping the armor valid).
pub fn flip_ciphertext_byte(mail: &[u8]) -> Vec<u8> {
    flip_ciphertext_byte_at(mail, 30)
}

/// A copy of a PGP/MIME mail with one bit changed in the OpenPGP data, `from_end` bytes
/// before its end (1: the last byte, which in CFB mode changes the MDC alone).
pub fn flip_ciphertext_byte_at(mail: &[u8], from_end: usize) -> Vec<u8> {
    flip_ciphertext_byte_where(mail, |bin| bin.len() - from_end)
}

/// A copy of a PGP/MIME mail with one bit changed in the OpenPGP data, at the offset `at`
/// picks in the binary packets.
pub fn flip_ciphertext_byte_where(mail: &[u8], at: impl Fn(&[u8]) -> usize) -> Vec<u8> {
    edit_ciphertext(mail, |bin| {
        let i = at(bin);
        bin[i] ^= 0x01;
    })
}

/// Where the encrypted data of a SEIPD packet starts (after its version octet), walking the
/// packets before it (PKESKs; new-format headers, or old-format with a definite length).
pub fn seipd_data_start(bin: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let ctb = bin[at];
        let (tag, hlen, len) = if ctb & 0x40 != 0 {
            let o = bin[at + 1] as usize;
            match o {
                0..=191 => (ctb & 0x3f, 2, o),
                192..=223 => (ctb & 0x3f, 3, ((o - 192) << 8) + bin[at + 2] as usize + 192),
                255 => (
                    ctb & 0x3f,
                    6,
                    u32::from_be_bytes(bin[at + 2..at + 6].try_into().unwrap()) as usize,
                ),
                _ => (ctb & 0x3f, 2, 0),
            }
        } else {
            let n = 1 << (ctb & 3);
            let mut len = 0;
            for b in &bin[at + 1..at + 1 + n] {
                len = len << 8 | *b as usize;
            }
            ((ctb >> 2) & 0x0f, 1 + n, len)
        };
        if tag == 18 {
            return at + hlen + 1;
        }
        at += hlen + len;
    }
}

/// A copy of a PGP/MIME mail whose binary OpenPGP data `edit` changed.
pub fn edit_ciphertext(mail: &[u8], edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    use sealmail::openpgp::armor;
    use std::io::{Read, Write};
    let armored = encrypted_payload(mail);
    let mut bin = Vec::new();
    armor::Reader::from_bytes(
        armored.as_bytes(),
        armor::ReaderMode::Tolerant(Some(armor::Kind::Message)),
    )
    .read_to_end(&mut bin)
    .unwrap();
    edit(&mut bin);
    let mut w = armor::Writer::new(Vec::new(), armor::Kind::Message).unwrap();
    w.write_all(&bin).unwrap();
    let re = String::from_utf8(w.finalize().unwrap()).unwrap();
    String::from_utf8_lossy(mail)
        .replace(armored.trim_end(), re.trim_end())
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

/// Writes `mb` MiB of incompressible-looking bytes (xorshift), quickly.
pub fn big_file(path: &std::path::Path, mb: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let mut chunk = vec![0u8; 1 << 20];
    for _ in 0..mb {
        for b in chunk.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b.copy_from_slice(&x.to_le_bytes()[..b.len()]);
        }
        f.write_all(&chunk).unwrap();
    }
}

/// Whether two files have the same bytes (compared in chunks).
pub fn same_content(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::io::Read;
    let (mut fa, mut fb) = (
        std::fs::File::open(a).unwrap(),
        std::fs::File::open(b).unwrap(),
    );
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let na = fa.read(&mut ba).unwrap();
        let mut nb = 0;
        while nb < na {
            let n = fb.read(&mut bb[nb..na]).unwrap();
            if n == 0 {
                return false;
            }
            nb += n;
        }
        if na == 0 {
            return fb.read(&mut bb).unwrap() == 0;
        }
        if ba[..na] != bb[..na] {
            return false;
        }
    }
}

/// `sealmail ARGS` in `sb` (with `env` added) on a real terminal (tests/pty_run.py), answering
/// `steps`; (exit code, transcript).
pub fn on_a_terminal(
    sb: &Sandbox,
    env: &[(&str, &str)],
    args: &[&str],
    steps: &[(&str, &str)],
) -> (i32, String) {
    let mut c = Command::new("/usr/bin/python3");
    c.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pty_run.py"));
    for (expect, send) in steps {
        c.args(["--expect", expect, "--send", send]);
    }
    c.arg("--")
        .arg(assert_cmd::cargo::cargo_bin("sealmail"))
        .args(args);
    c.env("SEALMAIL_HOME", sb.home())
        .env("SEALMAIL_NO_KEYRING", "1")
        .env("SEALMAIL_OFFLINE", "1")
        .envs(env.iter().copied());
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}
