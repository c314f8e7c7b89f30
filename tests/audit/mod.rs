//! The leak audit against mail written the way people write it (`corpus`), with screenshots
//! and documents made by ImageMagick and LibreOffice (`render`): recall and false alarms per
//! kind and per carrier, protected files, the trail of copies across mailboxes, the audit
//! without text recognition, memory on a large mbox.

mod corpus;
mod invitations;
mod outlook;
mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;
use corpus::{
    mail, with_attachment, TextCarrier, HELD_OUT_NEAR_MISSES, HELD_OUT_POSITIVES, NEAR_MISSES,
    POSITIVES,
};
use render::{libreoffice, screenshot, LOOKS};

/// One mail of the labelled mailbox.
struct Case {
    id: String,
    /// The kind to report, or None for a near miss.
    kind: Option<&'static str>,
    /// text, html, image, pdf, pdf-scan, docx, doc, odt, pptx, odp, ppt, xlsx, xls, ods, csv,
    /// zip.
    carrier: &'static str,
    /// The row of the table it also counts in: `held-out set` (written after the rules).
    group: Option<&'static str>,
    raw: Vec<u8>,
}

/// Snippets that make sense on a screen: no key blocks.
fn on_screen(s: &str) -> bool {
    !s.contains("-----BEGIN") && !s.contains("PuTTY") && s.lines().all(|l| l.chars().count() < 110)
}

const IMAGE_NAMES: &[(&str, bool)] = &[
    ("image001", true),
    ("IMG_2041", false),
    ("image", false),
    ("Screenshot 2026-03-03 at 10.42.11", false),
    ("image002", true),
    ("photo", false),
    ("Bildschirmfoto 2026-03-03 um 09.12.45", false),
    ("clip", false),
];

fn image_type(format: &str) -> &'static str {
    match format {
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tiff" => "image/tiff",
        _ => "image/png",
    }
}

/// What a terminal, an editor or a chat window around the snippet shows.
fn screen_text(i: usize, snippet: &str) -> String {
    match i % 4 {
        0 if !snippet.contains('\n') => format!("jordan@web01:~$ {snippet}\njordan@web01:~$"),
        0 => format!("jordan@web01:~$ cat access.txt\n{snippet}\njordan@web01:~$"),
        1 => format!("Jordan Lee  10:42 AM\n{snippet}"),
        2 => format!("notes.txt - Notepad\nFile  Edit  Format  View  Help\n{snippet}"),
        _ => snippet.to_string(),
    }
}

/// Extra screens: the incident's screenshot, dashboards and logs.
const SCREENS: &[(Option<&str>, &str)] = &[
    (Some("credential-block"), "Server: 185.23.44.101\nAdmin user: administrator\nPassword: Pr0d!Adm1n#2026"),
    (Some("credential-block"), "phpMyAdmin\nServer: db-prod-01.contoso.local\nUsername: root\nPassword: Kt8#mq2LxZ"),
    (Some("password"), "Remote Desktop Connection\nComputer: ts01.contoso.local\nUser name: CONTOSO\\svc_rdp\nPassword: Rdp-Svc!2026"),
    (None, "CPU 42%   Memory 71%   Disk 63%\nRequests 12,331/min   Errors 0.2%\nUptime 41 days"),
    (None, "Sign in\nUsername: jdoe\nPassword: ••••••••••\n[ Sign in ]  Forgot password?"),
    (None, "Mar 3 10:01:44 web01 sshd[1822]: Failed password for root from 203.0.113.9 port 40022 ssh2\nMar 3 10:01:47 web01 sshd[1822]: Connection closed by 203.0.113.9"),
    (None, "The password you entered is incorrect.\nTry again or reset your password."),
    (None, "Password requirements:\n- at least 12 characters\n- one number\n- one symbol"),
    (None, "Deploy #1842 succeeded\nbranch: main   commit: 4f2a9c1\nduration: 3m 12s"),
    (None, "Invoice INV-2026-0042\nTotal: 1,240.00 EUR\nDue: 2026-03-31"),
];

/// CSV tables: credential lists and harmless inventories.
const TABLES: &[(Option<&str>, &str)] = &[
    (Some("credential-block"), "Host,Username,Password\nweb01.contoso.local,admin,W3b!Admin25\ndb01.contoso.local,sa,Db#Admin2025\n"),
    (Some("password"), "Service,Account,Password,Notes\nWiFi Guest,guest,Guest#2026x,lobby\nPrinter,admin,Pr1nt3r!99,2nd floor\n"),
    (Some("credential-block"), "System,Login,Kennwort,URL\nCRM,mbauer,Crm!2025mb,https://crm.contoso.de\nERP,mbauer,Erp#2025mb,https://erp.contoso.de\n"),
    (Some("card-number"), "Name,Card,Expiry\nJ Smith,4960 3082 4628 1940,12/27\n"),
    (None, "Hostname,IP,OS,Owner\nweb01,10.0.0.11,Debian 12,ops\ndb01,10.0.0.12,Debian 12,dba\n"),
    (None, "Name,Email,Department\nDana White,dana@contoso.com,Finance\nLuc Martin,luc@contoso.com,IT\n"),
    (None, "Setting,Value\nMinimum password length,14\nPassword history,24\nMaximum password age (days),90\n"),
];

/// Builds the labelled mailbox in `work`.
fn labelled(work: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut n = 0;
    let mut next_id = |c: &str| {
        n += 1;
        format!("c{n}-{c}@corpus.example")
    };
    // Text and HTML: every snippet in two carriers; near misses shifted by one.
    let labelled = |set: &[(&'static str, &'static str)]| {
        set.iter().map(|(k, s)| (Some(*k), *s)).collect::<Vec<_>>()
    };
    let clean = |set: &[&'static str]| set.iter().map(|s| (None, *s)).collect::<Vec<_>>();
    for (set, tag, group) in [
        (labelled(POSITIVES), "p", None),
        (clean(NEAR_MISSES), "n", None),
        (labelled(HELD_OUT_POSITIVES), "hp", Some("held-out set")),
        (clean(HELD_OUT_NEAR_MISSES), "hn", Some("held-out set")),
    ] {
        for (j, (kind, s)) in set.into_iter().enumerate() {
            for k in 0..2 {
                let shift = usize::from(kind.is_none());
                let c = TextCarrier::ALL[(j * 2 + k + shift) % TextCarrier::ALL.len()];
                let id = next_id(tag);
                cases.push(Case {
                    raw: mail(&id, j, s, c).into_bytes(),
                    id,
                    kind,
                    carrier: c.group(),
                    group,
                });
            }
        }
    }
    // Screenshots.
    let shots = work.join("shots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut screens: Vec<(Option<&'static str>, String)> = POSITIVES
        .iter()
        .enumerate()
        .filter(|(j, (_, s))| j % 2 == 0 && on_screen(s))
        .map(|(j, (k, s))| (Some(*k), screen_text(j, s)))
        .collect();
    screens.extend(
        NEAR_MISSES
            .iter()
            .enumerate()
            .filter(|(j, s)| j % 3 == 0 && on_screen(s))
            .map(|(j, s)| (None, screen_text(j, s))),
    );
    screens.extend(SCREENS.iter().map(|(k, s)| (*k, s.to_string())));
    for (j, (kind, text)) in screens.iter().enumerate() {
        let look = LOOKS[j % LOOKS.len()];
        let (name, inline) = IMAGE_NAMES[j % IMAGE_NAMES.len()];
        let bytes = screenshot(&shots, &format!("s{j}"), text, look);
        let file = format!("{name}.{}", look.format);
        let id = next_id("i");
        let raw = with_attachment(
            &id,
            j,
            "see the screenshot",
            &file,
            image_type(look.format),
            &bytes,
            inline,
        );
        cases.push(Case {
            raw: raw.into_bytes(),
            id,
            kind: *kind,
            carrier: "image",
            group: None,
        });
    }
    // Scanned PDFs: a page that is only a picture (every sixth screen, printed light).
    let scans = work.join("scans");
    std::fs::create_dir_all(&scans).unwrap();
    let light: Vec<_> = LOOKS
        .iter()
        .filter(|l| l.background.starts_with("#f") && ["png", "jpg"].contains(&l.format))
        .collect();
    let (kinds, pages): (Vec<_>, Vec<_>) = screens
        .iter()
        .enumerate()
        .filter(|(j, _)| j % 6 == 0)
        .map(|(j, (kind, text))| {
            let look = *light[j % light.len()];
            screenshot(&scans, &format!("p{j}"), text, look);
            let picture = scans.join(format!("p{j}.{}", look.format));
            // A scan (bare or stamped), or a page of text with a screenshot on it.
            let stamp = [
                "",
                "Scanned with CamScanner",
                "Page 1 of 1",
                "Handover notes for the new server: the screenshot above shows how to reach it.",
            ][(j / 6) % 4];
            (
                *kind,
                render::picture_page(&scans, &format!("p{j}"), &picture, stamp),
            )
        })
        .unzip();
    for (j, (kind, pdf)) in kinds
        .into_iter()
        .zip(libreoffice(work, &pages, "pdf"))
        .enumerate()
    {
        let id = next_id("sc");
        let raw = with_attachment(
            &id,
            j,
            "Scanned with the office printer.",
            &format!("Scan_2026-03-0{}.pdf", j % 9 + 1),
            "application/pdf",
            &std::fs::read(&pdf).unwrap(),
            false,
        );
        cases.push(Case {
            raw: raw.into_bytes(),
            id,
            kind,
            carrier: "pdf-scan",
            group: None,
        });
    }
    // Documents: text snippets as DOCX, PDF and ODT; tables as XLSX, ODS and CSV.
    let docs = work.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let mut by_format: BTreeMap<&str, Vec<(Option<&'static str>, PathBuf)>> = BTreeMap::new();
    let doc_snippets = POSITIVES
        .iter()
        .enumerate()
        .filter(|(j, _)| j % 2 == 1)
        .map(|(j, (k, s))| (j, Some(*k), *s))
        .chain(
            NEAR_MISSES
                .iter()
                .enumerate()
                .filter(|(j, _)| j % 2 == 1)
                .map(|(j, s)| (j, None, *s)),
        );
    for (i, (j, kind, s)) in doc_snippets.enumerate() {
        let format = ["docx", "pdf", "odt", "doc"][i % 4];
        let p = docs.join(format!("d{i}.txt"));
        let title = [
            "Onboarding",
            "Server handover",
            "Notes",
            "Zugang",
            "Runbook",
        ][j % 5];
        std::fs::write(
            &p,
            format!("{title}\n\n{s}\n\nPage prepared by IT Operations.\n"),
        )
        .unwrap();
        // The same words on a slide: PowerPoint and Impress presentations.
        if format == "docx" {
            let slide = render::presentation(&docs, &format!("s{i}"), title, s);
            for f in ["pptx", "odp", "ppt"] {
                by_format.entry(f).or_default().push((kind, slide.clone()));
            }
        }
        by_format.entry(format).or_default().push((kind, p));
    }
    for (i, (kind, t)) in TABLES.iter().enumerate() {
        let p = docs.join(format!("t{i}.csv"));
        std::fs::write(&p, t).unwrap();
        for f in ["xlsx", "xls", "ods", "csv"] {
            by_format.entry(f).or_default().push((*kind, p.clone()));
        }
    }
    for (format, items) in &by_format {
        let paths: Vec<PathBuf> = items.iter().map(|i| i.1.clone()).collect();
        let outs = if *format == "csv" {
            paths.clone()
        } else {
            libreoffice(work, &paths, format)
        };
        for (j, ((kind, _), out)) in items.iter().zip(outs).enumerate() {
            let bytes = std::fs::read(&out).unwrap();
            let name = format!(
                "{}.{format}",
                [
                    "Handover",
                    "Zugangsdaten",
                    "accounts",
                    "Onboarding_2026",
                    "notes"
                ][j % 5]
            );
            let ct = match *format {
                "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xls" => "application/vnd.ms-excel",
                "pptx" => {
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation"
                }
                "odp" => "application/vnd.oasis.opendocument.presentation",
                "ppt" => "application/vnd.ms-powerpoint",
                "pdf" => "application/pdf",
                "doc" => "application/msword",
                "odt" => "application/vnd.oasis.opendocument.text",
                "ods" => "application/vnd.oasis.opendocument.spreadsheet",
                _ => "text/csv",
            };
            let id = next_id("d");
            let raw = with_attachment(
                &id,
                j,
                "Please find the document attached.",
                &name,
                ct,
                &bytes,
                false,
            );
            cases.push(Case {
                raw: raw.into_bytes(),
                id,
                kind: *kind,
                carrier: format,
                group: None,
            });
        }
    }
    // Zip archives, one level deep: a text file, an .env, a DOCX inside.
    let docx_inside =
        std::fs::read(libreoffice(work, &[docs.join("d0.txt")], "docx").remove(0)).unwrap();
    let zips: Vec<(Option<&str>, Vec<u8>)> = vec![
        (
            Some("password"),
            render::zip(
                work,
                "z1",
                &[("server.txt", b"web01\nroot password: Zip!Root2026\n")],
            ),
        ),
        (
            Some("password"),
            render::zip(
                work,
                "z2",
                &[
                    (".env", b"APP_ENV=prod\nDB_PASSWORD=Env!InZip77\n"),
                    ("README.md", b"deploy notes\n"),
                ],
            ),
        ),
        (
            by_format["docx"][0].0,
            render::zip(work, "z3", &[("handover.docx", &docx_inside)]),
        ),
        (
            None,
            render::zip(
                work,
                "z4",
                &[(
                    "minutes.txt",
                    b"We agreed to rotate all passwords quarterly.\n",
                )],
            ),
        ),
        (
            None,
            render::zip(
                work,
                "z5",
                &[("logo.txt", b"brand colours: #0078d4, #ffffff\n")],
            ),
        ),
    ];
    for (j, (kind, bytes)) in zips.into_iter().enumerate() {
        let id = next_id("z");
        let raw = with_attachment(
            &id,
            j,
            "zipped, as asked",
            &format!("files{j}.zip"),
            "application/zip",
            &bytes,
            false,
        );
        cases.push(Case {
            raw: raw.into_bytes(),
            id,
            kind,
            carrier: "zip",
            group: None,
        });
    }
    cases
}

/// Secrets-shaped tokens of the positives, none of which may appear in any output.
fn secret_tokens() -> Vec<String> {
    let mut out = Vec::new();
    for (_, s) in POSITIVES.iter().chain(HELD_OUT_POSITIVES) {
        for t in s.split(|c: char| c.is_whitespace() || "\"'(),;<>".contains(c)) {
            let t = t.trim_matches(|c: char| ".:".contains(c));
            let t = t.rsplit(['=', ':']).next().unwrap_or(t);
            let digit = t.chars().any(|c| c.is_ascii_digit());
            let letter = t.chars().any(|c| c.is_alphabetic());
            let symbol = t.chars().any(|c| "!#$%&*@_-".contains(c));
            if t.chars().count() >= 8
                && !t.starts_with("PuTTY")
                && !t.starts_with("ssh-")
                && digit
                && letter
                && symbol
                && !t.contains('.')
                && !t.contains('/')
                && !t.contains('@')
            {
                out.push(t.to_string());
            }
        }
    }
    out
}

#[test]
fn leak_audit_recall_and_false_alarms_per_kind_and_carrier() {
    let sb = Sandbox::new();
    let work = sb.path("corpus");
    std::fs::create_dir_all(&work).unwrap();
    let cases = labelled(&work);
    assert!(cases.len() >= 600, "{} mails", cases.len());
    let md = sb.path("Maildir");
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(d)).unwrap();
    }
    for (i, c) in cases.iter().enumerate() {
        std::fs::write(md.join(format!("cur/{i:05}.corpus:2,S")), &c.raw).unwrap();
    }
    // To look at the mails: SEALMAIL_KEEP_CORPUS=DIR keeps a copy.
    if let Some(keep) = std::env::var_os("SEALMAIL_KEEP_CORPUS") {
        let keep = PathBuf::from(keep);
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::create_dir_all(keep.join("cur")).unwrap();
        for (i, c) in cases.iter().enumerate() {
            std::fs::write(keep.join(format!("cur/{i:05}.{}", c.id)), &c.raw).unwrap();
        }
    }
    let started = std::time::Instant::now();
    let out = sb
        .cmd()
        .args(["--json", "audit"])
        .arg(&md)
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let mut kinds: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // What was found where (masked), to show with a false alarm.
    let mut excerpts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unread: Vec<Value> = Vec::new();
    let mut summary = Value::Null;
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        match v["type"].as_str() {
            Some("finding") => {
                let id = v["message_id"]
                    .as_str()
                    .unwrap()
                    .trim_matches(['<', '>'])
                    .to_string();
                excerpts.entry(id.clone()).or_default().push(format!(
                    "{} {}",
                    v["part"].as_str().unwrap_or(""),
                    v["excerpt"].as_str().unwrap_or("")
                ));
                kinds
                    .entry(id)
                    .or_default()
                    .insert(v["kind"].as_str().unwrap().to_string());
            }
            Some("unreadable") => unread.push(v),
            Some("summary") => summary = v,
            other => panic!("unknown line {other:?}: {line}"),
        }
    }
    // Per kind and per carrier.
    #[derive(Default)]
    struct Row {
        planted: usize,
        found: usize,
        kind_right: usize,
        clean: usize,
        flagged: usize,
    }
    let mut by_kind: BTreeMap<&str, Row> = BTreeMap::new();
    let mut by_carrier: BTreeMap<&str, Row> = BTreeMap::new();
    let mut all = Row::default();
    let mut missed = Vec::new();
    let mut wrong = Vec::new();
    let mut kind_wrong = Vec::new();
    for c in &cases {
        let got = kinds.get(&c.id);
        let hit = got.is_some_and(|k| k.iter().any(|k| k != "secret-file"));
        let update = |row: &mut Row| match c.kind {
            Some(k) => {
                row.planted += 1;
                row.found += usize::from(hit);
                let right = got.is_some_and(|g| {
                    g.contains(k) || (k == "password" && g.contains("credential-block"))
                });
                row.kind_right += usize::from(right);
            }
            None => {
                row.clean += 1;
                row.flagged += usize::from(hit);
            }
        };
        update(by_kind.entry(c.kind.unwrap_or("near miss")).or_default());
        update(by_carrier.entry(c.carrier).or_default());
        update(&mut all);
        if let Some(g) = c.group {
            update(by_kind.entry(g).or_default());
        }
        if let (Some(k), Some(g)) = (c.kind, got) {
            if !(g.contains(k) || (k == "password" && g.contains("credential-block"))) {
                kind_wrong.push(format!("{} {k} {} {g:?}", c.carrier, c.id));
            }
        }
        match (c.kind, hit) {
            (Some(k), false) => missed.push(format!("{} {k} {}", c.carrier, c.id)),
            (None, true) => wrong.push(format!(
                "{} {} {:?} {:?}",
                c.carrier,
                c.id,
                got,
                excerpts.get(&c.id)
            )),
            _ => {}
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "-".to_string()
        } else {
            format!("{:.1} %", 100.0 * a as f64 / b as f64)
        }
    };
    println!(
        "leak audit on {} mails ({} with a secret, {} near misses) in {:.1} s; {}",
        cases.len(),
        all.planted,
        all.clean,
        took.as_secs_f64(),
        summary["summary"]
    );
    println!("| | mails with a secret | found | right kind | near misses | false alarms |");
    println!("|---|---|---|---|---|---|");
    for (name, r) in by_kind
        .iter()
        .chain(by_carrier.iter())
        .chain(std::iter::once((&"all", &all)))
    {
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            r.planted,
            pct(r.found, r.planted),
            pct(r.kind_right, r.planted),
            r.clean,
            pct(r.flagged, r.clean)
        );
    }
    println!("missed: {missed:?}");
    println!("wrongly flagged: {wrong:?}");
    println!("found with another kind: {kind_wrong:?}");
    for t in secret_tokens() {
        assert!(
            !stdout.contains(&t) && !stderr.contains(&t),
            "the secret {t} was printed"
        );
    }
    let recall = all.found as f64 / all.planted as f64;
    let fa = all.flagged as f64 / all.clean as f64;
    assert!(recall >= 0.95, "recall {recall}: missed {missed:?}");
    assert!(fa <= 0.05, "false alarms {fa}: {wrong:?}");
    for (name, r) in &by_carrier {
        assert!(
            r.planted == 0 || r.found as f64 / r.planted as f64 >= 0.9,
            "{name}: {}/{}",
            r.found,
            r.planted
        );
        assert!(
            r.clean == 0 || r.flagged as f64 / r.clean as f64 <= 0.1,
            "{name}: {}/{}",
            r.flagged,
            r.clean
        );
    }
    assert!(
        summary["summary"]["images_read"].as_u64().unwrap() >= 60,
        "{summary}"
    );
    assert!(
        summary["summary"]["documents_read"].as_u64().unwrap() >= 80,
        "{summary}"
    );
    assert!(unread.is_empty(), "{unread:?}");
}

/// A plain mail with `body`.
fn plain(id: &str, subject: &str, body: &str) -> String {
    format!(
        "{}Content-Type: text/plain; charset=utf-8\n\n{body}\n",
        corpus::headers(id, subject, 1)
    )
}

fn maildir(root: &Path) -> PathBuf {
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    root.to_path_buf()
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn leak_audit_reads_eml_and_maildir_and_flags_screenshots() {
    let sb = Sandbox::new();
    let md = maildir(&sb.path("Maildir"));
    std::fs::write(
        md.join("cur/1:2,S"),
        plain("m1@corp.example", "Fwd: vpn", "password: Maildir#Pass1"),
    )
    .unwrap();
    // An image named like a screenshot that cannot be read: review by eye.
    std::fs::write(
        md.join("new/2"),
        with_attachment(
            "m2@corp.example",
            2,
            "see image",
            "Screenshot 2026-01-05.png",
            "image/png",
            b"PNG",
            false,
        ),
    )
    .unwrap();
    let eml = sb.path("one.eml");
    std::fs::write(&eml, plain("m3@corp.example", "hi", "nothing secret here")).unwrap();
    let out = sb
        .cmd()
        .args(["--json", "audit"])
        .arg(&md)
        .arg(&eml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    assert!(lines
        .iter()
        .any(|f| f["kind"] == "password" && f["forwarded"] == true && f["part"] == "body"));
    assert!(lines.iter().any(|f| f["kind"] == "screenshot-review"));
    assert!(lines
        .iter()
        .any(|f| f["type"] == "unreadable" && f["part"] == "image Screenshot 2026-01-05.png"));
    // A clean file alone: exit 0.
    sb.cmd().arg("audit").arg(&eml).assert().success();
    // An encrypted mail is not plaintext: skipped.
    let a = alice_home();
    let enc = a.compose(
        &["--from", ALICE, "--to", BOB, "--subject", "x"],
        "password: Inside#Encrypted1\n",
    );
    std::fs::write(sb.path("enc.eml"), enc).unwrap();
    sb.cmd()
        .arg("audit")
        .arg(sb.path("enc.eml"))
        .assert()
        .success()
        .stderr(predicate::str::contains("1 encrypted skipped"));
}

/// The incident: a screenshot of a server, a user and a password, forwarded around an
/// office. Each mailbox holds copies; the audit joins them into one leak.
#[test]
fn leak_audit_follows_the_trail_of_copies_across_mailboxes() {
    let sb = Sandbox::new();
    let shot = screenshot(
        &sb.home(),
        "incident",
        "Server: 185.23.44.101\nAdmin user: administrator\nPassword: Pr0d!Adm1n#2026",
        LOOKS[1],
    );
    let inbox = maildir(&sb.path("INBOX"));
    let sent = maildir(&sb.path("Sent"));
    let shared = maildir(&sb.path("Shared"));
    // The contractor's mail, then forwards and a reply quoting the text version.
    std::fs::write(
        inbox.join("cur/1:2,S"),
        with_attachment(
            "orig@contractor.example",
            1,
            "here is the access",
            "image001.png",
            "image/png",
            &shot,
            true,
        ),
    )
    .unwrap();
    std::fs::write(
        sent.join("cur/1:2,S"),
        with_attachment(
            "fwd1@contoso.com",
            2,
            "FYI",
            "image001.png",
            "image/png",
            &shot,
            true,
        ),
    )
    .unwrap();
    std::fs::write(
        shared.join("cur/1:2,S"),
        with_attachment(
            "fwd2@contoso.com",
            3,
            "Fwd: access",
            "IMG_2041.png",
            "image/png",
            &shot,
            false,
        ),
    )
    .unwrap();
    std::fs::write(
        shared.join("cur/2:2,S"),
        plain(
            "typed@contoso.com",
            "Re: access",
            "> Password: Pr0d!Adm1n#2026\n\nworks, thanks",
        ),
    )
    .unwrap();
    // An unrelated leak.
    std::fs::write(
        inbox.join("cur/2:2,S"),
        plain(
            "other@contoso.com",
            "wifi",
            "the wifi password is Guest-Network-2025",
        ),
    )
    .unwrap();
    let out = sb
        .cmd()
        .arg("audit")
        .args([&inbox, &sent, &shared])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("The trail: 2 leaks, 5 copies across 3 mailboxes"),
        "{text}"
    );
    assert!(text.contains("1 leak, 4 copies:"), "{text}");
    assert!(
        text.contains("image image001.png (text recognised)"),
        "{text}"
    );
    assert!(
        !text.contains("Pr0d!Adm1n#2026") && !text.contains("Guest-Network-2025"),
        "{text}"
    );
    let json = sb
        .cmd()
        .args(["--json", "audit"])
        .args([&inbox, &sent, &shared])
        .output()
        .unwrap();
    let lines = json_lines(&json.stdout);
    let findings: Vec<&Value> = lines.iter().filter(|l| l["type"] == "finding").collect();
    let leak = |mid: &str| {
        findings
            .iter()
            .find(|f| f["message_id"] == mid)
            .map(|f| f["leak"].clone())
            .unwrap()
    };
    assert_eq!(
        leak("<orig@contractor.example>"),
        leak("<fwd1@contoso.com>")
    );
    assert_eq!(
        leak("<orig@contractor.example>"),
        leak("<fwd2@contoso.com>")
    );
    assert_eq!(
        leak("<orig@contractor.example>"),
        leak("<typed@contoso.com>")
    );
    assert_ne!(
        leak("<orig@contractor.example>"),
        leak("<other@contoso.com>")
    );
    assert_eq!(
        findings
            .iter()
            .find(|f| f["message_id"] == "<orig@contractor.example>")
            .unwrap()["kind"],
        "credential-block"
    );
    let summary = lines.iter().find(|l| l["type"] == "summary").unwrap();
    assert_eq!(summary["summary"]["leaks"], 2);
    let copies: Vec<&Value> = summary["leaks"][0]["copies"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(copies.len(), 4);
    let boxes: BTreeSet<&str> = copies
        .iter()
        .map(|c| c["mailbox"].as_str().unwrap())
        .collect();
    assert_eq!(boxes.len(), 3, "{copies:?}");
    // Salted afresh per run: nothing in the output is a stable hash of the secret.
    assert!(!String::from_utf8_lossy(&json.stdout).contains("Pr0d"));
}

#[test]
fn leak_audit_reports_protected_documents_and_archives() {
    let sb = Sandbox::new();
    let work = sb.path("work");
    std::fs::create_dir_all(&work).unwrap();
    let txt = work.join("creds.txt");
    std::fs::write(
        &txt,
        "Server: 10.0.0.5\nUser: admin\nPassword: Prot3cted!Pdf\n",
    )
    .unwrap();
    let pdf = libreoffice(&work, &[txt], "pdf").remove(0);
    let md = maildir(&sb.path("Maildir"));
    let put = |n: usize, name: &str, ct: &str, data: &[u8]| {
        std::fs::write(
            md.join(format!("cur/{n}:2,S")),
            with_attachment(
                &format!("p{n}@corp.example"),
                n,
                "attached, password by phone",
                name,
                ct,
                data,
                false,
            ),
        )
        .unwrap();
    };
    put(
        1,
        "access.pdf",
        "application/pdf",
        &render::protect_pdf(&work, &pdf),
    );
    let inner: &[(&str, &[u8])] = &[("creds.txt", b"Password: InZip!Secret9\n")];
    put(
        2,
        "access.zip",
        "application/zip",
        &render::protect_zip(&work, inner, false),
    );
    put(
        3,
        "access-aes.zip",
        "application/zip",
        &render::protect_zip(&work, inner, true),
    );
    // A KeePass vault made by keepassxc-cli.
    let kdbx = work.join("vault.kdbx");
    let mut kc = std::process::Command::new("keepassxc-cli");
    kc.args(["db-create", "-p"])
        .arg(&kdbx)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = kc
        .spawn()
        .expect("keepassxc-cli (bash .ci/setup installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Vault-Pass-Phrase-42\nVault-Pass-Phrase-42\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    put(
        4,
        "vault.kdbx",
        "application/octet-stream",
        &std::fs::read(&kdbx).unwrap(),
    );
    let out = sb.cmd().arg("audit").arg(&md).output().unwrap();
    // Nothing readable leaked: exit 0, and each protected file is named.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "document access.pdf",
        "attachment access.zip/creds.txt",
        "attachment access-aes.zip/creds.txt",
        "attachment vault.kdbx",
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("{part}: could not be read (protected)"))),
            "{part}: {text}"
        );
    }
    let json = json_lines(
        &sb.cmd()
            .args(["--json", "audit"])
            .arg(&md)
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(
        json.iter()
            .filter(|l| l["type"] == "unreadable"
                && l["reason"]
                    .as_str()
                    .unwrap()
                    .starts_with("could not be read (protected)"))
            .count(),
        4
    );
}

#[test]
fn leak_audit_reads_old_office_and_rtf_files_or_says_it_could_not() {
    // An Excel 97-2003 workbook is read (xls2csv), an RTF document too (catdoc, without its
    // control words: the value is the password alone), a PowerPoint 97-2003 deck that catppt
    // finds no text in (LibreOffice writes its text where catppt does not look) by its text
    // atoms (a deck with no text at all would be listed as not read, never passed as clean).
    let sb = Sandbox::new();
    let work = sb.path("work");
    std::fs::create_dir_all(&work).unwrap();
    let note = work.join("note.txt");
    std::fs::write(&note, "Hi Tom,\nthe VPN password is Rtf!Vpn2031\nregards\n").unwrap();
    let rtf = libreoffice(&work, &[note], "rtf").remove(0);
    let csv = work.join("hosts.csv");
    std::fs::write(
        &csv,
        "Host,User,Password
fs01,backup,Xls!Backup2031
",
    )
    .unwrap();
    let xls = libreoffice(&work, &[csv], "xls").remove(0);
    let deck = render::presentation(&work, "deck", "Handover", "root password: Ppt!Root2031");
    let ppt = libreoffice(&work, &[deck], "ppt").remove(0);
    let md = maildir(&sb.path("Maildir"));
    for (n, name, ct, path) in [
        (1, "hosts.xls", "application/vnd.ms-excel", &xls),
        (2, "deck.ppt", "application/vnd.ms-powerpoint", &ppt),
        (3, "note.rtf", "application/rtf", &rtf),
    ] {
        std::fs::write(
            md.join(format!("cur/{n}:2,S")),
            with_attachment(
                &format!("o{n}@corp.example"),
                n,
                "see the attachment",
                name,
                ct,
                &std::fs::read(path).unwrap(),
                false,
            ),
        )
        .unwrap();
    }
    let out = sb.cmd().arg("audit").arg(&md).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("in document hosts.xls") && l.contains("Xl**")),
        "{text}"
    );
    assert!(!text.contains("Xls!Backup2031"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("in document note.rtf") && l.contains("Rt******** (11 chars)")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("in document deck.ppt") && l.contains("Pp******** (12 chars)")),
        "{text}"
    );
}

#[test]
fn leak_audit_without_text_recognition_says_so_once_and_lists_the_images() {
    let sb = Sandbox::new();
    let md = maildir(&sb.path("Maildir"));
    let shot = screenshot(&sb.home(), "s", "Password: NotRead!2026", LOOKS[0]);
    for n in 1..=3 {
        std::fs::write(
            md.join(format!("cur/{n}:2,S")),
            with_attachment(
                &format!("i{n}@corp.example"),
                n,
                "see",
                &format!("image00{n}.png"),
                "image/png",
                &shot,
                true,
            ),
        )
        .unwrap();
    }
    // A scanned page: a PDF whose page is only a picture.
    screenshot(&sb.home(), "scan", "Password: NotRead!2026", LOOKS[1]);
    let page = render::picture_page(&sb.home(), "scan", &sb.home().join("scan.png"), "");
    let pdf = std::fs::read(libreoffice(&sb.home(), &[page], "pdf").remove(0)).unwrap();
    std::fs::write(
        md.join("cur/4:2,S"),
        with_attachment(
            "p4@corp.example",
            4,
            "scan",
            "Scan.pdf",
            "application/pdf",
            &pdf,
            false,
        ),
    )
    .unwrap();
    let empty = sb.path("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    for (how, args, path) in [
        ("no tesseract", vec!["audit"], empty.to_str().unwrap()),
        ("--no-ocr", vec!["audit", "--no-ocr"], "/usr/bin:/bin"),
    ] {
        let out = sb
            .cmd()
            .args(&args)
            .arg(&md)
            .env("PATH", path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{how}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.matches("images were not read").count(),
            1,
            "{how}: {err}"
        );
        let listed = String::from_utf8_lossy(&out.stdout);
        for n in 1..=3 {
            assert!(
                listed.contains(&format!(
                    "image image00{n}.png: image not read (no text recognition)"
                )),
                "{how}: {listed}"
            );
        }
        if how == "no tesseract" {
            assert!(err.contains("Tesseract is not installed"), "{err}");
        } else {
            assert!(
                listed.contains("document Scan.pdf page 1: scanned pages not read: text recognition was turned off (--no-ocr)"),
                "{listed}"
            );
        }
    }
}

#[test]
fn leak_audit_shows_progress_on_a_terminal() {
    let sb = Sandbox::new();
    let md = maildir(&sb.path("Maildir"));
    for n in 0..3000 {
        std::fs::write(
            md.join(format!("cur/{n}:2,S")),
            plain(
                &format!("q{n}@corp.example"),
                "report",
                "quarterly numbers, nothing secret",
            ),
        )
        .unwrap();
    }
    let (code, screen) = on_a_terminal(&sb, &[], &["audit", md.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("messages read (")
            && screen.contains("MB), 0 images, 0 documents, 0 findings"),
        "{screen}"
    );
    // In a pipe: no progress line.
    let out = sb.cmd().arg("audit").arg(&md).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("0 images, 0 documents, 0 findings"));
}

#[test]
fn leak_audit_memory_does_not_grow_with_the_mailbox() {
    use std::io::Write;
    let sb = Sandbox::new();
    let one = plain(
        "m1@corp.example",
        "report",
        &"quarterly numbers, nothing secret here. ".repeat(100),
    );
    let make = |name: &str, mb: usize| {
        let p = sb.path(name);
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        let mut written = 0;
        let mut i = 0;
        while written < mb << 20 {
            let m = format!(
                "From a@corp.example Mon Jan  5 10:00:00 2026\n{}\n",
                one.replace("<m1@", &format!("<m{i}@"))
            );
            f.write_all(m.as_bytes()).unwrap();
            written += m.len();
            i += 1;
        }
        f.write_all(b"From a@corp.example Mon Jan  5 10:00:00 2026\nFrom: a@corp.example\nSubject: x\n\npassword: Last#Mail99\n").unwrap();
        p
    };
    let small = make("small.mbox", 8);
    let big = make("big.mbox", 128);
    let (s, st) = peak_rss_kib(&sb, &["audit", small.to_str().unwrap()]);
    assert_eq!(st.code(), Some(1), "the planted last mail is found");
    let (b, st) = peak_rss_kib(&sb, &["audit", big.to_str().unwrap()]);
    assert_eq!(st.code(), Some(1));
    println!("audit peak RSS: 8 MB mbox {s} KiB, 128 MB mbox {b} KiB");
    assert!(b < 48 * 1024, "128 MB mbox in {b} KiB");
    assert!(
        b < s + 8 * 1024,
        "memory grows with the mailbox: {s} -> {b} KiB"
    );
}
