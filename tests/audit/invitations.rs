//! Calendar invitations as mail clients send them (RFC 5545: folded lines, escaped line
//! breaks): a password in an invitation's description is found, a meeting's passcode is not
//! (Zoom's and Teams' invitation text, in the body and in an .ics attachment).

use super::*;

/// An iCalendar property line folded as clients write it: at most 75 octets a line, each
/// continuation starting with a space; line breaks, commas and semicolons escaped.
fn folded(name: &str, value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\n', "\\n");
    let line = format!("{name}:{escaped}");
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

fn calendar(description: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Corp//Mail//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:handover-2031@contoso.com\r\nSUMMARY:Handover\r\n{}\r\nDTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        folded("DESCRIPTION", description)
    )
}

#[test]
fn leak_audit_reads_calendar_invitations_and_leaves_meeting_passcodes() {
    let sb = Sandbox::new();
    let md = maildir(&sb.path("Maildir"));
    let leak = calendar(
        "Hi Sam, for the demo on Thursday use the admin account of the staging server,\nuser: admin\npassword: Ics!Demo2031\nregards, Jordan",
    );
    std::fs::write(
        md.join("cur/1:2,S"),
        format!(
            "{}Content-Type: multipart/alternative; boundary=\"alt1\"\n\n--alt1\nContent-Type: text/plain; charset=utf-8\n\nHandover on Thursday.\n\n--alt1\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\n\n{leak}\n--alt1--\n",
            corpus::headers("i1@contoso.com", "Invitation: Handover", 1)
        ),
    )
    .unwrap();
    let zoom = calendar(
        "Jordan Lee is inviting you to a scheduled Zoom meeting.\n\nJoin Zoom Meeting\nhttps://us02web.zoom.us/j/84512345678?pwd=Qk2mZx7LpW9vTr4nBc6dHs8fJy3gAe5u\n\nMeeting ID: 845 1234 5678\nPasscode: 482913\n",
    );
    std::fs::write(
        md.join("cur/2:2,S"),
        corpus::with_attachment(
            "i2@contoso.com",
            2,
            "Microsoft Teams meeting\nJoin on your computer, mobile app or room device\nMeeting ID: 265 812 345 678\nPasscode: Xp7tQ2",
            "invite.ics",
            "text/calendar",
            zoom.as_bytes(),
            false,
        ),
    )
    .unwrap();
    let out = sb.cmd().arg("audit").arg(&md).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("<i1@contoso.com>")
                && l.contains("Ic******** (12 chars) in invitation")),
        "{text}"
    );
    assert!(!text.contains("<i2@contoso.com>"), "{text}");
    assert!(!text.contains("Ics!Demo2031"), "{text}");
}
