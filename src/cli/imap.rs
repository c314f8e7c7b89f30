//! The IMAP account of this run: connect with `[imap]` (or `--account`'s) and the password
//! from the OS keyring, `password_command` or a prompt.

use sealmail::config::Config;
use sealmail::imap::Session;

use super::{Env, Failure};

/// Connects to the IMAP server of the account in use.
pub fn connect(env: &Env) -> Result<(Session, Config), Failure> {
    connect_with(env.config()?)
}

/// Connects to the IMAP server of account `name`.
pub fn connect_account(env: &Env, name: &str) -> Result<(Session, Config), Failure> {
    let mut cfg = env.config()?;
    cfg.select_account(name)?;
    connect_with(cfg)
}

fn connect_with(cfg: Config) -> Result<(Session, Config), Failure> {
    let imap = cfg.imap().map_err(|e| {
        Failure::from(e).hint(
            "add [imap] host, username (and password_command) to config.toml (docs/CONFIG.md)",
        )
    })?;
    let password = sealmail::secrets::imap_password(imap, &mut |what| {
        super::pass::Passphrases::prompt_line(&format!("{what}: "))
    })?;
    let session = Session::connect(imap, &password)?;
    Ok((session, cfg))
}

/// The folders to read: `--folder` (several allowed), every selectable one with `all`, else
/// `default`.
pub fn folders(
    session: &mut Session,
    given: &[String],
    all: bool,
    default: &[&str],
) -> Result<Vec<String>, Failure> {
    let listed = session.folders()?;
    if all {
        return Ok(listed
            .into_iter()
            .filter(|f| f.selectable)
            .map(|f| f.name)
            .collect());
    }
    if !given.is_empty() {
        for g in given {
            if !listed.iter().any(|f| &f.name == g) {
                return Err(
                    Failure::from(sealmail::imap::ImapError::NoFolder(g.clone())).hint(format!(
                        "the server has: {}",
                        listed
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
        return Ok(given.to_vec());
    }
    // The defaults that exist: INBOX, then the special-use Sent and Archive folders.
    let mut out = Vec::new();
    for d in default {
        let found = listed.iter().find(|f| {
            f.name.eq_ignore_ascii_case(d) || f.special_use.as_deref().map(|u| &u[1..]) == Some(*d)
        });
        if let Some(f) = found {
            if !out.contains(&f.name) {
                out.push(f.name.clone());
            }
        }
    }
    Ok(out)
}

/// Keeps the sent copies (as they travelled: encrypted) in the server's Sent folder, as mail
/// clients do. The mail is sent already: a failure here is a warning, not an error.
pub fn append_sent(env: &Env, r: &sealmail::transport::FlushReport) {
    let copies: Vec<&std::path::Path> = r
        .outcomes
        .iter()
        .filter(|o| o.result == "sent")
        .filter_map(|o| o.sent_copy.as_deref())
        .collect();
    if copies.is_empty() {
        return;
    }
    let result = (|| -> Result<String, Failure> {
        let (mut session, _) = connect(env)?;
        let sent = session.special_folder("\\Sent", "Sent")?;
        for c in &copies {
            let raw = std::fs::read(c)
                .map_err(|e| Failure::new(format!("cannot read {}: {e}", c.display())))?;
            session.append(&sent, &raw)?;
        }
        session.logout();
        Ok(sent)
    })();
    match result {
        Ok(sent) => eprintln!("sealmail: the sent copy is in the IMAP folder {sent}"),
        Err(e) => eprintln!(
            "sealmail: warning: the mail was sent, but its copy could not be kept on the IMAP server: {}",
            e.message()
        ),
    }
}

/// The message `uid` of `folder` on the IMAP server, without marking it read.
pub fn message(env: &Env, folder: &str, uid: u32) -> Result<Vec<u8>, Failure> {
    let (mut session, _) = connect(env)?;
    let folder = folders(&mut session, &[folder.to_string()], false, &[])?.remove(0);
    session.examine(&folder)?;
    let mut raw = None;
    session.fetch(&[uid], &mut |f| {
        raw = Some(f.raw);
        false
    })?;
    session.logout();
    raw.ok_or_else(|| {
        Failure::new(format!("there is no message with UID {uid} in {folder}"))
            .hint(format!("list them with: sealmail inbox --folder {folder}"))
    })
}
