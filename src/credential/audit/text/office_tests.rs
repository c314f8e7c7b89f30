//! The text rules on what office mail carries besides passwords: telephone conferences'
//! passcodes, pagers' PINs, newsletters' tracking links, a survey's login ID; and what a
//! system's notice gives ("has been reset to:"). Shaped like the corporate mail of the early
//! 2000s read in the Enron corpus; our own names, numbers and values.

use super::*;

#[test]
fn telephone_conference_codes_are_no_leak() {
    for t in [
        "Dial-in:\t888-555-0140\n\nPasscode:\t40871",
        "The dial in number is 800-555-0199 passcode 5521907.",
        "Please note that a conference call is scheduled today.  Call 612-555-0117 and use passcode 771204.",
        "CONFERENCE CALL WITH THE PORTFOLIO MANAGER\nPhone #:   888-555-0102\n\nPass Code:   3912260",
        "All participants dial:         1-800-555-0155\nAccess Code:                  31907#",
        "Call-In Number:\t(877) 555-0160\n\nPin #:\t\t480211",
        "Conference Number 1-888-555-0123\nPasscode 611940",
        "Phone number: US: 800-555-0119\n  Int'l: 847-555-0139\n\nPasscode:  6711205#",
        // A pager's PIN is the number callers key in to reach it.
        "pager - 800-555-0188 / Pin 7041829",
        // A webcast's or a Webex meeting's password, beside its link or the call's words.
        "Conference Call Simulcast\nThe companies will simulcast the call live via the Internet. The webcast can be accessed via example.com. The login number is 4365632 and the password is Orchard.",
        "Call Details\nPhone Number: 888-555-0174\nGroup Leader: Dana Whitfield\nPassword:  Insolvency",
        "Effective tomorrow please call the below number to call into the daily morning meeting.\n\n1-800-555-0160\nPassword:  476724",
        "If you wish to join, please dial one of the following numbers with the password of \"Harbor\" 5 minutes before the call:\n\nALL Callers -- 1- 312 - 555 - 0153 password \"Harbor\"",
        "Meeting Invitation from Dana Whitfield\nclick this URL:\n\nhttp://acme.webex.com/webex/e.php?AT=JE&EventID=408266\n\nThe password is: keyspan",
        "Pager ID/Pin:\t8005550137 (Please verify if I need to use all 10 digits)",
        // "Pin Oak" is a street's name.
        "My new place is at Crescent Pin Oak Park - 4712 Pin Oak Park #1203.",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // The host's own code, and a password in the same mail, are findings.
    for t in [
        "Dial-in: 888-555-0140\nPasscode: 40871\nHost PIN: 7720194",
        "Dial-in: 888-555-0140\nPasscode: 40871\n\nSee you then.\nDana\n\nPS: the shared drive's password is Kr7mz!q2",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
    // A password near words about meetings and numbers is no conference's.
    let t = "Budget report laptop numbers meeting next order call numbers morning.\n\nSent from my phone\n\nPassword: Bench!7844";
    assert_eq!(scan(t).len(), 1, "{:?}", scan(t));
    let t = "Team meeting numbers are up.\nThe meeting is at 10.\nPassword: Orchid!7844";
    assert_eq!(scan(t).len(), 1, "{:?}", scan(t));
    // A help line's number ("calling from abroad") makes no call of a subscription's login,
    // nor a number to call into of a site's login under its user name; a voicemail's password
    // is its owner's.
    for t in [
        "We will need a number to call into.  The username and password are the same as before:\n\nusername:  acme\npassword:  tern00 (zero zero)",
        "To get into the voice mail just dial the phone number  713-555-0151 ....and the password is 4719.",
        "Here is your User Name and Password for The Daily Ledger Online. Please call Customer Service at 1-800-555-0134 from 7am-Midnight ET.  Subscribers calling from outside the United States can find toll-free numbers on our web page.\n\nYour User Name is: dkemp2001\nYour New Password is:  771930468",
        "For some great tips, access WellPath by calling 800-555-0106 or visit\n www.wellpath.example (company id: acme, password: 2000).",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
    // Without a telephone conference a PIN is one, and a voicemail's beside its number.
    for t in [
        "Your new PIN: 7720194",
        "Call 713-555-0162 from any phone; your voicemail passcode is 480213.",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
}

#[test]
fn links_and_field_names_are_no_leak() {
    for t in [
        "<A HREF=\"http://football7.fantasy.example.com/mp/elink?script=players&league=big01&owner=6714.8&random=1680&key=12484&\"><B>Sam Carter</B></A>",
        "http://www.mailings.example.com/redirect.cfm?key=7B23206DB0F14EB88C646E6612B481-25532-1239&redirect=www.example.com",
        "please visit: http://info.example.com/data/24D27Y0/Key=16387.LdbK.J.Ln4vPz",
        "Full Name:        V. Carl Wendell\n\nLogin ID:  \tcwendell\n\nExtension:  57229",
        "Logon name: cwendell",
        "rs&league=big01&owner=6714&random=892&key=1335&\"><B>Sam Carter</B></A>",
        "&key=235031&\"><B>Sam Carter</B></A>, RB PHI - Free Agent",
        "Marcus Barnes hit a key 3-pointer in the second overtime",
        "PASS - PassOnline\nCPE for Certified Public Accountants",
        "*** COLORADO PASS:  $299 adults; $129 kids",
        "- EBB password was changed/canceled (if applicable)",
        "It has been noted that many users have passwords which match or are similar\nto their User ID's.",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // A key given as a setting stays one.
    let t = "the key for the share is Xq7#mPz2Lk";
    assert_eq!(scan(t).len(), 1, "{:?}", scan(t));
}

#[test]
fn system_notices_reset_values() {
    let t = "THIS IS A GENERATED EMAIL - DO NOT REPLY!\n\nThe password for your account:P00708812 has been reset to:40918833";
    let found = scan(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(&*found[0].value, "40918833");
    // A notice without the value says nothing.
    let t = "The password for your account has been reset to: the one you chose.";
    assert!(scan(t).is_empty(), "{:?}", scan(t));
}

#[test]
fn logins_listed_under_their_heading() {
    let t =
        "The following are id's and passwords for ORCHARD\n\njwendell1\nsprqtl\n\nmgarza\nkoltam";
    let found = scan(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(&*found[0].value, "sprqtl");
    // A heading over a request or a policy is none.
    for t in [
        "Your user IDs and passwords for ORCHARD\nwill be sent in separate emails.",
        "Login and password\n\nPlease keep them safe.",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
}

#[test]
fn office_logins_as_written() {
    // Our own accounts and values, in the shapes the corpus has them.
    for (t, v) in [
        ("login:  dwhit\npword: russ17dune", "russ17dune"),
        ("credentials:\n\n\tUser ID\t= guest\n\tPassword\t= viewsoon", "viewsoon"),
        ("The UserID (  dwhitfield  )  and password ( orchid ) has been activated to Power Risk.", "orchid"),
    ] {
        let found = scan(t);
        assert_eq!(found.len(), 1, "{t}: {found:?}");
        assert_eq!(&*found[0].value, v, "{t}");
    }
    // A column of tabs is no separator.
    let t = "Password\tExpires\tOwner";
    assert!(scan(t).is_empty(), "{:?}", scan(t));
}

#[test]
fn office_values_with_notes() {
    for (t, v) in [
        (
            "enter your eMail Address and Password (password: orchid) in the specified boxes.",
            "orchid",
        ),
        (
            "UserName:  MARKET (all caps)\nPassword:  HARBOR (all caps)",
            "HARBOR",
        ),
        ("User ID:  DWHITFIELD\nPass Word: LIGURIA", "LIGURIA"),
        (
            "ID dwhit\nPword dlw07apr\n\tEnron North America Corp.",
            "dlw07apr",
        ),
        (
            "USER ID          dwhit\nPASSWORD            seminary",
            "seminary",
        ),
        ("Pool ID#: 3583\nPassword: ORCHARDCO", "ORCHARDCO"),
        (
            "login:        dwhit5\n   pswrd:      orchid5dw",
            "orchid5dw",
        ),
    ] {
        let found = scan(t);
        assert_eq!(found.len(), 1, "{t}: {found:?}");
        assert_eq!(&*found[0].value, v, "{t}");
    }
    for t in [
        "Think user IDs and passwords are adequate?",
        "You will need your ID and password: your password is your birthdate (format: YYYYMMDD).",
        "User ID dwhit\nPassword reset",
        "Account 4471\nPassword policy2 applies",
        "Password: ADDRESS",
        "Password: REDACTED",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
}
