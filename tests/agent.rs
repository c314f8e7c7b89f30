//! The agent (src/cli/agent.rs): after the first compose or decrypt of a home, those commands
//! run in a worker forked from a warm sealmail; what the user sees must not change.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// The pid of the agent of `home`, once its socket is there (up to 10 s).
fn agent_of(home: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    let pattern = format!("--agent-serve {}", home.display());
    loop {
        let out = Command::new("pgrep")
            .args(["-o", "-f", "--", &pattern])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().parse().ok();
        if let (Some(pid), true) = (pid, home.join("agent.socket").exists()) {
            return pid;
        }
        assert!(Instant::now() < deadline, "no agent started for {home:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The agent's worker waiting for the next command (its one running child), within 10 s.
fn waiting_worker(agent: u32) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = Command::new("pgrep")
            .args(["-P", &agent.to_string()])
            .output()
            .unwrap();
        let live: Vec<u32> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .filter(|p| alive(*p))
            .collect();
        if live.len() == 1 {
            return live[0];
        }
        assert!(
            Instant::now() < deadline,
            "agent {agent} has workers {live:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether `pid` runs (an ended process not yet collected counts as ended).
/// A note from Alice to Bob (the compose arguments).
const NOTE: [&str; 6] = [
    "--from",
    "alice@openpgp.example",
    "--to",
    "bob@openpgp.example",
    "--subject",
    "s",
];

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| !r.trim_start().starts_with('Z'))
    })
}

/// Waits up to 10 s for `pid` to end.
fn gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    !alive(pid)
}

/// The session key gpg finds in a message.
fn session_key(g: &Gpg, mail: &[u8]) -> String {
    let o = run(
        g.cmd().args(["--show-session-key", "--decrypt"]),
        encrypted_payload(mail).as_bytes(),
    );
    assert_ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    err.lines()
        .find_map(|l| l.split("session key: ").nth(1))
        .unwrap_or_else(|| panic!("no session key in {err}"))
        .trim_matches(['\'', '"'])
        .to_string()
}

#[test]
fn the_agent_runs_later_commands_in_fresh_workers_each_with_its_own_randomness() {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB]);
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let args = [
        "--from",
        "alice@openpgp.example",
        "--to",
        "bob@openpgp.example",
        "--subject",
        "access",
    ];
    // The first compose runs in its own process and starts the agent.
    let first = sb.compose(&args, "password: one\n");
    let agent = agent_of(&sb.home());
    let mut keys = vec![session_key(&g, &first)];
    for n in 0..3 {
        let waiting = waiting_worker(agent);
        let mail = sb.compose(&args, "password: one\n");
        // The worker that was waiting ran the command and ended; gpg reads what it wrote.
        assert!(gone(waiting), "worker {waiting} still there after run {n}");
        keys.push(session_key(&g, &mail));
    }
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 4, "session keys repeat: {keys:?}");
}

#[test]
fn through_the_agent_a_command_has_the_callers_directory_streams_and_exit_code() {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB, BOB_SEC]);
    sb.compose(&NOTE, "x\n");
    agent_of(&sb.home());
    let work = sb.path("work");
    std::fs::create_dir(&work).unwrap();
    // A relative output path lands in the caller's directory.
    sb.cmd()
        .current_dir(&work)
        .arg("compose")
        .args(NOTE)
        .args(["-o", "out.eml"])
        .write_stdin("hello from the worker\n")
        .assert()
        .success();
    let mail = std::fs::read(work.join("out.eml")).unwrap();
    // Its stdin and stdout are the caller's.
    let out = sb.cmd().arg("decrypt").write_stdin(mail).output().unwrap();
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("hello from the worker"));
    // A failure keeps its message and its exit code.
    let out = sb
        .cmd()
        .current_dir(&work)
        .args(["decrypt", "missing.eml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing.eml") && err.contains("hint:"),
        "{err}"
    );
    // So does a usage error (clap's exit code 2).
    let out = sb.cmd().args(["decrypt", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sealmail_no_agent_runs_everything_in_its_own_process() {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB]);
    for _ in 0..2 {
        sb.cmd()
            .env("SEALMAIL_NO_AGENT", "1")
            .arg("compose")
            .args(NOTE)
            .write_stdin("x\n")
            .assert()
            .success();
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(!sb.home().join("agent.socket").exists());
}

#[test]
fn an_agent_ends_with_its_home_and_gives_way_to_a_new_program() {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB]);
    sb.compose(&NOTE, "x\n");
    let old = agent_of(&sb.home());
    // Another build of sealmail (a copy: another file) is told to run the command itself; the
    // old agent ends and the new program's agent takes the home.
    let other = tempfile::tempdir().unwrap();
    for bin in ["sealmail", "sealmail-engine"] {
        std::fs::copy(assert_cmd::cargo::cargo_bin(bin), other.path().join(bin)).unwrap();
    }
    let out = Command::new(other.path().join("sealmail"))
        .arg("compose")
        .args(NOTE)
        .env("SEALMAIL_HOME", sb.home())
        .env("SEALMAIL_NO_KEYRING", "1")
        .env("SEALMAIL_OFFLINE", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("BEGIN PGP MESSAGE"));
    assert!(gone(old), "the old agent {old} is still running");
    let new = agent_of(&sb.home());
    assert_ne!(new, old);
    // Deleting the home ends its agent (within its 2-second check).
    std::fs::remove_dir_all(sb.home()).unwrap();
    assert!(gone(new), "the agent {new} outlived its home");
}
