//! Issue 19, part 4: Ctrl-C, SIGTERM or SIGHUP during a long command leaves no partial file:
//! every output is a hidden temporary file beside its destination until it is complete, and
//! a signal removes the ones in progress before the program ends. A 200 MB attachment is
//! composed, and a 200 MB mail decrypted with --attachments, and each is interrupted at
//! several points; afterwards only the inputs are there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Every file below `dir` (hidden ones included), relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                v.extend(files(&p));
            } else {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// Starts `sealmail ARGS` in `sb`, sends `signal` after `after`, and returns how it ended
/// (`None` when it finished before the signal came).
fn interrupt(sb: &Sandbox, args: &[&str], after: Duration, signal: &str) -> Option<i32> {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("sealmail"))
        .args(args)
        .env("SEALMAIL_HOME", sb.home())
        .env("SEALMAIL_NO_KEYRING", "1")
        .env("SEALMAIL_OFFLINE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    // Done in the moment between the last look and the signal: as if it finished before.
    if status.success() {
        return None;
    }
    use std::os::unix::process::ExitStatusExt;
    Some(
        status
            .signal()
            .unwrap_or_else(|| status.code().unwrap_or(-1)),
    )
}

const POINTS: [(u64, &str); 5] = [
    (50, "INT"),
    (400, "INT"),
    (1200, "TERM"),
    (2500, "HUP"),
    (4000, "INT"),
];

#[test]
fn an_interrupted_compose_or_decrypt_leaves_nothing_but_the_inputs() {
    let sb = alice_home();
    let work = sb.path("work");
    std::fs::create_dir_all(&work).unwrap();
    let att = work.join("big.bin");
    big_file(&att, 200);
    let body = work.join("body.txt");
    std::fs::write(&body, "see attached\n").unwrap();
    let inputs = files(&work);
    let out = work.join("big.eml");
    let compose = [
        "compose",
        "--from",
        ALICE,
        "--to",
        BOB,
        "--subject",
        "big",
        "--body-file",
        body.to_str().unwrap(),
        "--attach",
        att.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let mut stopped = 0;
    for (ms, sig) in POINTS {
        match interrupt(&sb, &compose, Duration::from_millis(ms), sig) {
            Some(how) => {
                stopped += 1;
                assert!(how == 2 || how == 15 || how == 1, "compose ended by {how}");
                assert_eq!(
                    files(&work),
                    inputs,
                    "compose interrupted at {ms} ms by SIG{sig}"
                );
            }
            // Finished before the signal: the whole message is there.
            None => std::fs::remove_file(&out).unwrap(),
        }
    }
    assert!(stopped >= 3, "the signals came too late to test anything");

    // The whole mail, then decrypt it as Bob, interrupted the same way.
    sb.cmd().args(compose).assert().success();
    let bob = bob_home();
    let dir = sb.path("attachments");
    let decrypt = [
        "decrypt",
        out.to_str().unwrap(),
        "--attachments",
        dir.to_str().unwrap(),
    ];
    let mut stopped = 0;
    for (ms, sig) in POINTS {
        if interrupt(&bob, &decrypt, Duration::from_millis(ms), sig).is_some() {
            stopped += 1;
        }
        // Nothing, or (when the signal came after it was named) the whole attachment.
        let left = files(&dir);
        assert!(
            left.is_empty() || left == [dir.join("big.bin")] && same_content(&left[0], &att),
            "decrypt interrupted at {ms} ms by SIG{sig}: {left:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(stopped >= 3, "the signals came too late to test anything");
    // No plaintext anywhere in the sandbox but the input.
    let partial: Vec<_> = files(sb.dir.path())
        .into_iter()
        .chain(files(bob.dir.path()))
        .filter(|p| p.to_string_lossy().contains(".sealmail-partial-"))
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
}
