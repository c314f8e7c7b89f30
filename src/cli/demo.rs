//! `sealmail demo`: the whole round trip in a throwaway folder, with real keys and real
//! OpenPGP: an admin sends a contractor server credentials; the contractor decrypts them.

use clap::Args;
use sealmail::compose::{compose, Draft, Protection};
use sealmail::keys::Keyring;
use sealmail::read::read_message;

use super::decrypt::verdict_line;
use super::output::clean_text;
use super::{Env, Failure};

/// Run the whole round trip in a new folder under the system's temporary directory.
#[derive(Args, Debug)]
pub struct DemoArgs {}

fn demo_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!";
    let mut out = String::new();
    while out.len() < 20 {
        let mut b = [0u8; 1];
        if getrandom::fill(&mut b).is_err() {
            break;
        }
        // Rejection sampling: no modulo bias.
        let limit = 256 - (256 % ALPHABET.len());
        if (b[0] as usize) < limit {
            out.push(ALPHABET[b[0] as usize % ALPHABET.len()] as char);
        }
    }
    out
}

pub fn run(_args: DemoArgs, env: &Env) -> Result<(), Failure> {
    let base = tempfile::Builder::new()
        .prefix("sealmail-demo-")
        .tempdir()
        .map_err(|e| Failure::new(format!("cannot make a temporary folder: {e}")))?
        .keep();
    let admin_home = sealmail::Home::open(base.join("admin"))?;
    let contractor_home = sealmail::Home::open(base.join("contractor"))?;
    let admin = Keyring::open(&admin_home)?;
    let contractor = Keyring::open(&contractor_home)?;
    let ctx = &env.ctx;

    println!("sealmail demo in {}", base.display());
    let a = admin.generate("admin@sealmail.example", Some("Ann Admin"), None, ctx)?;
    println!(
        "1. admin key       {}  admin@sealmail.example",
        a.fingerprint()
    );
    let c = contractor.generate("bob@agency.example", Some("Bob Contractor"), None, ctx)?;
    println!("2. contractor key  {}  bob@agency.example", c.fingerprint());
    admin.import(
        &contractor.export("bob@agency.example", false)?,
        "bob's key",
    )?;
    contractor.import(&admin.export("admin@sealmail.example", false)?, "ann's key")?;
    println!("3. exchanged public keys");

    let body = format!(
        "Hi Bob,\n\nhere is your access for the migration:\n\n  host:     db1.internal.example\n  username: bob-deploy\n  password: {}\n\nPlease change the password at first login.\nAnn\n",
        demo_password()
    );
    let draft = Draft {
        from: "Ann Admin <admin@sealmail.example>"
            .parse()
            .map_err(|e: sealmail::mime::BadAddress| Failure::new(e.to_string()))?,
        to: vec!["Bob Contractor <bob@agency.example>"
            .parse()
            .map_err(|e: sealmail::mime::BadAddress| Failure::new(e.to_string()))?],
        cc: vec![],
        bcc: vec![],
        subject: "Your access to db1".into(),
        body,
        attachments: vec![],
        date: None,
        message_id: None,
        content: None,
        sign_with: None,
        extra_headers: Vec::new(),
    };
    let mut mail = Vec::new();
    let done = compose(
        &draft,
        Protection::EncryptAndSign,
        &admin,
        ctx,
        &mut |_| None,
        &mut mail,
    )?;
    let entry = sealmail::transport::Outbox::open(&admin_home)?.enqueue(
        sealmail::transport::Envelope {
            from: draft.from.email.clone(),
            to: draft.to.iter().map(|m| m.email.clone()).collect(),
        },
        &done.message_id,
        &mail,
        true,
        ctx.time(),
    )?;
    let eml = admin_home.queue_dir().join(format!("{}.eml", entry.id));
    println!(
        "4. composed an encrypted, signed credential mail ({} bytes); no SMTP server is configured, so it waits in the outbox:\n   {}",
        mail.len(),
        eml.display()
    );
    let outer = String::from_utf8_lossy(&mail);
    let subject_line = outer
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap_or("");
    println!("   what a mail server sees: {subject_line}, and ciphertext");

    let report = read_message(&mail, &contractor, ctx, &mut |_| None)?;
    println!("5. Bob decrypts it:\n   {}", verdict_line(&report));
    println!("   Subject: {}", report.subject);
    for l in clean_text(&report.body).lines() {
        println!("   | {l}");
    }
    println!(
        "\nTry it yourself:\n  sealmail --home {} decrypt {}",
        contractor_home.root().display(),
        eml.display()
    );
    Ok(())
}
