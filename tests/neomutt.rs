//! A real mail client reads sealmail's mail: neomutt (built with GPGME) under tmux opens an
//! mbox holding a composed message and shows the good signature, the protected Subject and the
//! body.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

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
fn neomutt_shows_good_signature_subject_and_body() {
    require("neomutt");
    require("tmux");
    let sb = alice_home();
    let mail = sb.compose(
        &[
            "--from",
            "Alice Lovelace <alice@openpgp.example>",
            "--to",
            BOB,
            "--subject",
            "Access for Bob via neomutt",
        ],
        "host: db1.example\nuser: bob\n",
    );
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);

    let mbox = sb.path("box");
    let mut content = b"From alice@openpgp.example Mon Jan  5 10:00:00 2026\n".to_vec();
    content.extend(
        String::from_utf8(mail)
            .unwrap()
            .replace("\r\n", "\n")
            .into_bytes(),
    );
    content.extend(b"\n");
    std::fs::write(&mbox, content).unwrap();
    let muttrc = sb.path("muttrc");
    std::fs::write(
        &muttrc,
        format!(
            "set folder={dir}\nset spoolfile={dir}/box\nset crypt_use_gpgme=yes\nset crypt_verify_sig=yes\nset crypt_protected_headers_read=yes\nset mbox_type=mbox\nset header_cache=\"\"\nset message_cachedir=\"\"\nset wait_key=no\nset sidebar_visible=no\nset pager_stop=yes\nset markers=no\nset sleep_time=0\n",
            dir = sb.dir.path().display()
        ),
    )
    .unwrap();

    let socket = format!("sealmail-test-{}", std::process::id());
    let cmd = format!(
        "env GNUPGHOME={} neomutt -n -F {} -f {} -e 'push \"<display-message>\"'",
        g.home.path().display(),
        muttrc.display(),
        mbox.display()
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

    let want = [
        "Good signature from",
        "Access for Bob via neomutt",
        "host: db1.example",
    ];
    let start = Instant::now();
    let mut screen = String::new();
    while start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(500));
        let o = tmux(&socket, &["capture-pane", "-p", "-t", "t"]);
        screen = String::from_utf8_lossy(&o.stdout).into_owned();
        if want.iter().all(|w| screen.contains(w)) {
            break;
        }
    }
    let _ = tmux(&socket, &["kill-server"]);
    println!("neomutt showed:\n{screen}");
    for w in want {
        assert!(screen.contains(w), "neomutt screen lacks {w:?}:\n{screen}");
    }
}
