//! Issue 19, parts 3 and 4: contracts and the outbox (a queued message is checked again when
//! it is delivered; `outbox cancel`; `contractor extend|edit|remove`), and what the terminal
//! shows while a credential is typed in.

use crate::common::*;
use crate::send::{outbox, sender, SmtpServer};

const CASEY: &str = "contractor@agency.example";

/// Queues one message to `to` while the server answers 451 (it stays queued); returns its ID.
fn queued_to(sb: &Sandbox, server: &SmtpServer, to: &str) -> String {
    server.set_mode("451");
    let out = sb
        .cmd()
        .args(["send", "--to", to, "--subject", "access"])
        .write_stdin("the details\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "kept for retry");
    server.set_mode("ok");
    let list = outbox(sb);
    let e = list
        .iter()
        .find(|e| e["envelope"]["to"][0] == to && e["state"] == "queued")
        .expect("queued");
    e["id"].as_str().unwrap().to_string()
}

fn flush_refuses(sb: &Sandbox, id: &str, why: &str) {
    let out = sb.cmd().args(["outbox", "flush"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(why), "{err}");
    let e = outbox(sb).into_iter().find(|e| e["id"] == id).unwrap();
    assert_eq!(e["state"], "failed", "{e}");
    assert_eq!(e["last_failure"], "refused", "{e}");
    assert!(e["last_error"].as_str().unwrap().contains(why), "{e}");
}

#[test]
fn a_queued_message_is_checked_again_when_it_is_delivered() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Casey",
            "--email",
            CASEY,
            "--until",
            "2999-12-31",
        ])
        .assert()
        .success();
    // The contract ends while the message waits.
    let id = queued_to(&sb, &server, CASEY);
    sb.cmd()
        .args(["contractor", "end", "Casey"])
        .assert()
        .success();
    flush_refuses(&sb, &id, "contract was ended");
    // The key is rejected while the message waits.
    let id = queued_to(&sb, &server, BOB);
    sb.cmd().args(["key", "reject", BOB]).assert().success();
    flush_refuses(&sb, &id, "rejected");
    // The key is revoked (Bob's revocation certificate arrives) while the message waits.
    sb.cmd().args(["key", "accept", BOB]).assert().success();
    let id = queued_to(&sb, &server, BOB);
    sb.import(&["bob@openpgp.example-0xfbfcc82a015e7330-rev.asc"]);
    flush_refuses(&sb, &id, "revoked");
    assert!(server.received().is_empty(), "nothing was delivered");
}

#[test]
fn outbox_cancel_and_list_show_who_and_what_state() {
    let server = SmtpServer::start(true);
    let sb = sender(&server, "");
    let id = queued_to(&sb, &server, BOB);
    let out = sb.cmd().args(["outbox", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&id) && text.contains("queued") && text.contains(BOB),
        "{text}"
    );
    sb.cmd().args(["outbox", "cancel", &id]).assert().success();
    assert!(outbox(&sb).is_empty());
    sb.cmd().args(["outbox", "flush"]).assert().success();
    assert!(
        server.received().is_empty(),
        "a cancelled message is never sent"
    );
    let err = sb.fails(&["outbox", "cancel", &id], "");
    assert!(err.contains("no message"), "{err}");
}

#[test]
fn contracts_are_extended_edited_and_removed_and_the_refusal_names_extend() {
    let sb = alice_home();
    sb.import(&["contractor@agency.example-pub.asc"]);
    sb.cmd()
        .args([
            "contractor",
            "add",
            "Casey",
            "--email",
            CASEY,
            "--until",
            "2020-06-30",
        ])
        .assert()
        .success();
    let compose = ["compose", "--from", ALICE, "--to", CASEY, "--subject", "x"];
    let err = sb.fails(&compose, "x\n");
    assert!(err.contains("ended on 2020-06-30"), "{err}");
    assert!(
        err.contains("sealmail contractor extend \"Casey\" --until"),
        "the hint names the command that works: {err}"
    );
    let list = sb.json(&["contractor", "list"]);
    assert_eq!(list[0]["status"], "ended");
    assert_eq!(list[0]["ended_on"], "2020-06-30");
    let text = sb
        .cmd()
        .args(["contractor", "list"])
        .output()
        .unwrap()
        .stdout;
    assert!(String::from_utf8_lossy(&text).contains("ENDED 2020-06-30"));
    sb.cmd()
        .args(["contractor", "extend", "Casey", "--until", "2999-01-31"])
        .assert()
        .success();
    assert_eq!(
        sb.json(&["contractor", "show", "Casey"])["status"],
        "active"
    );
    sb.cmd().args(compose).write_stdin("x\n").assert().success();
    sb.cmd()
        .args([
            "contractor",
            "edit",
            "Casey",
            "--email",
            "casey@new.example",
            "--org",
            "New Co",
        ])
        .assert()
        .success();
    let c = sb.json(&["contractor", "show", "Casey"]);
    assert_eq!(c["emails"][0], "casey@new.example");
    assert_eq!(c["org"], "New Co");
    sb.cmd()
        .args(["contractor", "remove", "Casey"])
        .assert()
        .success();
    assert!(sb
        .json(&["contractor", "list"])
        .as_array()
        .unwrap()
        .is_empty());
    // The key stays.
    assert!(sb
        .json(&["key", "list"])
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["emails"][0] == CASEY));
}

#[test]
fn typed_fields_show_public_values_and_ask_twice_for_secrets_and_a_generated_one_is_shown_once() {
    let sb = alice_home();
    let out = sb.path("cred.eml");
    let args = [
        "credential",
        "send",
        "--from",
        ALICE,
        "--to",
        BOB,
        "--subject",
        "db1",
        "--field",
        "host=?",
        "--field",
        "password=?",
        "--generate",
        "api_token",
        "--dry-run",
        "-o",
        out.to_str().unwrap(),
    ];
    let (code, t) = on_a_terminal(
        &sb,
        &[],
        &args,
        &[
            ("host: ", "db1.internal.example"),
            ("password (hidden): ", "Sw0rdf1sh-Secret"),
            ("password again: ", "Sw0rdf1sh-Secret"),
        ],
    );
    assert_eq!(code, 0, "{t}");
    assert!(
        t.contains("db1.internal.example"),
        "the host is echoed: {t}"
    );
    assert!(!t.contains("Sw0rdf1sh-Secret"), "the password is not: {t}");
    let shown = t
        .lines()
        .skip_while(|l| !l.contains("Generated api_token (shown once"))
        .nth(2)
        .unwrap_or("")
        .trim()
        .to_string();
    assert_eq!(shown.chars().count(), 20, "{t}");
    // It is the value in the mail.
    let bob = bob_home();
    let o = bob
        .cmd()
        .args(["decrypt", "--field", "api_token"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), shown);
    // Two entries that differ: nothing is written.
    let out2 = sb.path("cred2.eml");
    let args2: Vec<&str> = args
        .iter()
        .map(|a| {
            if *a == out.to_str().unwrap() {
                out2.to_str().unwrap()
            } else {
                a
            }
        })
        .collect();
    let (code, t) = on_a_terminal(
        &sb,
        &[],
        &args2,
        &[
            ("host: ", "db1.internal.example"),
            ("password (hidden): ", "one thing"),
            ("password again: ", "another"),
        ],
    );
    assert_eq!(code, 1, "{t}");
    assert!(t.contains("differ"), "{t}");
    assert!(!out2.exists());
}
