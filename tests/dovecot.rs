//! A real Dovecot for the IMAP tests: started per test on free loopback ports with a
//! throwaway configuration, a CA of its own (given to sealmail as `ca_file`) and two users;
//! unprivileged when the tests are, or as root with Dovecot's own users. A second,
//! independent client (tests/imap_peer.py, Python's imaplib) fills and checks the folders.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;
use crate::keys::openssl;
use crate::send::free_port;

const USERS: &[(&str, &str)] = &[("alice", "alice-imap-pw"), ("bob", "bob-imap-pw")];

fn is_root() -> bool {
    let o = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim() == "0"
}

fn id(flag: &str) -> String {
    let o = Command::new("id").arg(flag).output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// A Dovecot serving IMAPS and IMAP+STARTTLS on free loopback ports, stopped on drop.
pub struct Dovecot {
    child: Child,
    pub dir: tempfile::TempDir,
    pub tls_port: u16,
    pub starttls_port: u16,
    pub ca: PathBuf,
}

impl Dovecot {
    pub fn start() -> Dovecot {
        Self::start_with(|_| {})
    }

    /// Starts Dovecot after `fill` has written into the mail folder (`dir/mail/USER`).
    pub fn start_with(fill: impl FnOnce(&Path)) -> Dovecot {
        require("/usr/sbin/dovecot");
        let dir = tempfile::Builder::new()
            .prefix("dovecot-")
            .tempdir()
            .unwrap();
        let d = dir.path();
        for sub in ["run", "state", "mail", "home"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        // The CA, and the server's certificate it signs (CA:FALSE, as rustls wants).
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=sealmail test CA",
            ],
            d,
        );
        openssl(
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "key.pem",
                "-out",
                "srv.csr",
                "-subj",
                "/CN=localhost",
            ],
            d,
        );
        std::fs::write(
            d.join("ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                "srv.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "cert.pem",
                "-days",
                "2",
                "-extfile",
                "ext",
            ],
            d,
        );
        let passwd: String = USERS
            .iter()
            .map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n"))
            .collect();
        std::fs::write(d.join("passwd"), passwd).unwrap();
        fill(&d.join("mail"));
        // As root, Dovecot's login and mail processes need users of their own; unprivileged,
        // everything runs as the caller.
        let (internal, group, login, uid, gid) = if is_root() {
            let chown = Command::new("chown")
                .args(["-R", "65534:65534"])
                .arg(d.join("mail"))
                .arg(d.join("home"))
                .status()
                .unwrap();
            assert!(chown.success());
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
            std::fs::set_permissions(d.join("passwd"), std::fs::Permissions::from_mode(0o644))
                .unwrap();
            (
                "dovecot".to_string(),
                "dovecot".to_string(),
                "dovenull".to_string(),
                "65534".to_string(),
                "65534".to_string(),
            )
        } else {
            (id("-un"), id("-gn"), id("-un"), id("-u"), id("-g"))
        };
        let (tls_port, starttls_port) = (free_port(), free_port());
        let p = d.display();
        let stats = if is_root() {
            String::new()
        } else {
            format!("service stats {{\n  unix_listener stats-reader {{\n    user = {internal}\n  }}\n  unix_listener stats-writer {{\n    user = {internal}\n  }}\n}}\n")
        };
        let conf = format!(
            r#"base_dir = {p}/run
state_dir = {p}/state
instance_name = sealmail-{tls_port}
log_path = {p}/log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{p}/cert.pem
ssl_key = <{p}/key.pem
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{p}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {p}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={p}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
{stats}namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
  mailbox Archive {{
    special_use = \Archive
    auto = subscribe
  }}
}}
"#
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let child = Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Dovecot {
            child,
            tls_port,
            starttls_port,
            ca: d.join("ca.pem"),
            dir,
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", tls_port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "Dovecot did not start: {}",
                std::fs::read_to_string(server.dir.path().join("log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn password(user: &str) -> &'static str {
        USERS.iter().find(|(u, _)| *u == user).unwrap().1
    }

    /// Runs the independent client as `user`.
    pub fn peer(&self, user: &str, args: &[&str]) -> Output {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/imap_peer.py");
        let o = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(self.tls_port.to_string())
            .arg(&self.ca)
            .arg(user)
            .arg(Self::password(user))
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "imap_peer {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    }

    /// Appends messages to `folder` of `user`.
    pub fn append(&self, user: &str, folder: &str, mails: &[&[u8]]) {
        let tmp = tempfile::tempdir().unwrap();
        let mut args = vec!["append".to_string(), folder.to_string()];
        for (i, m) in mails.iter().enumerate() {
            let f = tmp.path().join(format!("{i}.eml"));
            std::fs::write(&f, m).unwrap();
            args.push(f.display().to_string());
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        self.peer(user, &a);
    }

    /// The messages of `folder`: (uid, Message-ID, seen).
    pub fn list(&self, user: &str, folder: &str) -> Vec<(u64, String, bool)> {
        let o = self.peer(user, &["list", folder]);
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    v["uid"].as_u64().unwrap(),
                    v["message_id"].as_str().unwrap().to_string(),
                    v["seen"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    /// An `[imap]` section (or `[accounts.NAME.imap]`) for `user`, its password in a file.
    pub fn section(&self, sb: &Sandbox, header: &str, user: &str, starttls: bool) -> String {
        let pw = sb.path(&format!("{user}-imap-password"));
        std::fs::write(&pw, format!("{}\n", Self::password(user))).unwrap();
        format!(
            "{header}\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"{}\"\nusername = \"{user}\"\npassword_command = \"cat {}\"\nca_file = \"{}\"\ntimeout_secs = 10\n",
            if starttls { self.starttls_port } else { self.tls_port },
            if starttls { "starttls" } else { "tls" },
            pw.display(),
            self.ca.display()
        )
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
