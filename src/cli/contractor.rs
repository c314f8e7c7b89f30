//! `sealmail contractor add|list|show|end|extend|edit|remove`.

use clap::Subcommand;
use sealmail::contractors::{Channel, Contractor, Contractors};
use serde_json::{json, Value};

use super::output::{clean_line, print_json, write_stdout};
use super::{Env, Failure};

#[derive(Subcommand, Debug)]
pub enum ContractorCommand {
    /// Add a contractor (their key: sealmail key import / fetch).
    Add {
        /// A name to refer to them by.
        name: String,
        /// Their address (repeat for more).
        #[arg(long, required = true)]
        email: Vec<String>,
        /// Their organisation.
        #[arg(long)]
        org: Option<String>,
        /// The last day of the contract, YYYY-MM-DD.
        #[arg(long)]
        until: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// How credentials may travel to them: pgp (encrypted mail, the default), vault (a
        /// KeePass vault, its passphrase by phone), phone (said aloud only).
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
    },
    /// List contractors with their keys, acceptance, key expiry against contract end, last mail.
    List,
    /// Show one contractor.
    Show {
        /// The name.
        name: String,
    },
    /// End a contract now: sending to them is refused from now on; the history stays.
    End {
        /// The name.
        name: String,
    },
    /// Move the last day of a contract (also reopens an ended one).
    Extend {
        /// The name.
        name: String,
        /// The new last day, YYYY-MM-DD.
        #[arg(long)]
        until: String,
    },
    /// Change a contractor's addresses, organisation or note.
    Edit {
        /// The name.
        name: String,
        /// Their addresses, replacing the old ones (repeat for more).
        #[arg(long)]
        email: Vec<String>,
        /// Their organisation.
        #[arg(long)]
        org: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// How credentials may travel to them: pgp, vault or phone.
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
    },
    /// Remove a contractor's record (their keys stay; see sealmail key remove).
    Remove {
        /// The name.
        name: String,
    },
}

/// How credentials may travel (see `contractor add --channel`).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ChannelArg {
    /// Encrypted mail.
    Pgp,
    /// A KeePass vault, its passphrase by phone.
    Vault,
    /// Said aloud only.
    Phone,
}

impl From<ChannelArg> for Channel {
    fn from(c: ChannelArg) -> Channel {
        match c {
            ChannelArg::Pgp => Channel::Pgp,
            ChannelArg::Vault => Channel::Vault,
            ChannelArg::Phone => Channel::Phone,
        }
    }
}

/// The contractor with the state of their keys.
fn view(env: &Env, c: &Contractor) -> Result<Value, Failure> {
    let ring = env.keyring()?;
    let mut keys = Vec::new();
    let mut fprs: Vec<String> = c.certs.clone();
    for e in &c.emails {
        for cert in ring.find(e).unwrap_or_default() {
            let f = cert.fingerprint().to_hex();
            if !fprs.contains(&f) {
                fprs.push(f);
            }
        }
    }
    let until_day = c
        .until
        .as_ref()
        .and_then(|u| chrono::NaiveDate::parse_from_str(u, "%Y-%m-%d").ok());
    for f in &fprs {
        let Ok(certs) = ring.find(f) else { continue };
        let info = ring.info(&certs[0], &env.ctx);
        let key_expires_first = match (&info.expires, until_day) {
            (Some(exp), Some(day)) => {
                exp[..10.min(exp.len())] < *day.format("%Y-%m-%d").to_string().as_str()
            }
            _ => false,
        };
        keys.push(json!({
            "fingerprint": info.fingerprint,
            "acceptance": info.acceptance,
            "expires": info.expires,
            "can_encrypt": info.can_encrypt,
            "warnings": info.warnings,
            "key_expires_before_contract_end": key_expires_first,
        }));
    }
    let ended = c.ended_because(env.ctx.time());
    // The day the contract ended: ended by hand, or the day after its last day passed.
    let ended_on = ended.as_ref().and(
        c.ended
            .as_ref()
            .map(|e| e[..10.min(e.len())].to_string())
            .or_else(|| c.until.clone()),
    );
    Ok(json!({
        "ended_on": ended_on,
        "channel": c.channel.unwrap_or(Channel::Pgp).as_str(),
        "name": c.name,
        "emails": c.emails,
        "org": c.org,
        "until": c.until,
        "status": if ended.is_some() { "ended" } else { "active" },
        "ended_because": ended,
        "note": c.note,
        "keys": keys,
        "last_sent": c.last_sent,
        "added": c.added,
    }))
}

fn render(v: &Value) -> String {
    let s = |k: &str| v[k].as_str().unwrap_or("-").to_string();
    let mut out = format!(
        "{}  <{}>  {}  {}{}\n",
        clean_line(&s("name")),
        v["emails"]
            .as_array()
            .map(|a| a
                .iter()
                .filter_map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", "))
            .unwrap_or_default(),
        if v["status"] == "ended" {
            format!("ENDED {}", v["ended_on"].as_str().unwrap_or(""))
        } else {
            "active".to_string()
        },
        v["until"]
            .as_str()
            .map(|u| format!("until {u}"))
            .unwrap_or_else(|| "no end date".into()),
        v["org"]
            .as_str()
            .map(|o| format!("  ({})", clean_line(o)))
            .unwrap_or_default(),
    );
    match v["channel"].as_str() {
        Some("vault") => {
            out.push_str("    credentials: only in a vault, its passphrase by phone\n")
        }
        Some("phone") => out.push_str("    credentials: by phone only (sealmail credential say)\n"),
        _ => {}
    }
    let keys = v["keys"].as_array().cloned().unwrap_or_default();
    if keys.is_empty() {
        out.push_str("    key: none yet (sealmail key fetch EMAIL, or sealmail key import FILE)\n");
    }
    for k in keys {
        out.push_str(&format!(
            "    key {}  {}  expires {}{}\n",
            k["fingerprint"].as_str().unwrap_or(""),
            k["acceptance"].as_str().unwrap_or(""),
            k["expires"]
                .as_str()
                .map(|e| &e[..10.min(e.len())])
                .unwrap_or("never"),
            if k["key_expires_before_contract_end"] == true {
                "  WARNING: the key expires before the contract ends"
            } else {
                ""
            }
        ));
    }
    out.push_str(&format!(
        "    last mail sent: {}\n",
        v["last_sent"].as_str().unwrap_or("never")
    ));
    out
}

pub fn run(cmd: ContractorCommand, env: &Env) -> Result<(), Failure> {
    let list = Contractors::open(&env.home);
    match cmd {
        ContractorCommand::Add {
            name,
            email,
            org,
            until,
            note,
            channel,
        } => {
            for e in &email {
                e.parse::<sealmail::mime::Mailbox>()
                    .map_err(|err| Failure::new(err.to_string()).usage())?;
            }
            let ring = env.keyring()?;
            let certs: Vec<String> = email
                .iter()
                .flat_map(|e| ring.find(e).unwrap_or_default())
                .map(|c| c.fingerprint().to_hex())
                .collect();
            let mut c = list.add(&name, email, org, until, note, certs, env.ctx.time())?;
            if let Some(ch) = channel {
                c = list.set_channel(&name, ch.into())?;
            }
            let v = view(env, &c)?;
            if env.json {
                return print_json(&v);
            }
            eprintln!("added contractor {}", c.name);
            if c.certs.is_empty() {
                eprintln!(
                    "hint: no key for them yet: sealmail key fetch {}",
                    c.emails[0]
                );
            }
            write_stdout(render(&v).as_bytes())
        }
        ContractorCommand::List => {
            let views = list
                .list()?
                .iter()
                .map(|c| view(env, c))
                .collect::<Result<Vec<_>, _>>()?;
            if env.json {
                return print_json(&views);
            }
            if views.is_empty() {
                eprintln!(
                    "no contractors yet: sealmail contractor add NAME --email E --until YYYY-MM-DD"
                );
            }
            write_stdout(views.iter().map(render).collect::<String>().as_bytes())
        }
        ContractorCommand::Show { name } => {
            let v = view(env, &list.get(&name)?)?;
            if env.json {
                return print_json(&v);
            }
            let mut out = render(&v);
            if let Some(n) = v["note"].as_str() {
                out.push_str(&format!("    note: {}\n", clean_line(n)));
            }
            write_stdout(out.as_bytes())
        }
        ContractorCommand::Extend { name, until } => {
            let c = list.extend(&name, &until)?;
            let v = view(env, &c)?;
            if env.json {
                return print_json(&v);
            }
            eprintln!("the contract of {} now runs until {until}", c.name);
            write_stdout(render(&v).as_bytes())
        }
        ContractorCommand::Edit {
            name,
            email,
            org,
            note,
            channel,
        } => {
            for e in &email {
                e.parse::<sealmail::mime::Mailbox>()
                    .map_err(|err| Failure::new(err.to_string()).usage())?;
            }
            let emails = (!email.is_empty()).then_some(email);
            let mut c = list.edit(&name, emails, org, note)?;
            if let Some(ch) = channel {
                c = list.set_channel(&name, ch.into())?;
            }
            let v = view(env, &c)?;
            if env.json {
                return print_json(&v);
            }
            eprintln!("changed contractor {}", c.name);
            write_stdout(render(&v).as_bytes())
        }
        ContractorCommand::Remove { name } => {
            let c = list.remove(&name)?;
            if env.json {
                return print_json(&serde_json::json!({"removed": c.name}));
            }
            eprintln!(
                "removed contractor {} (their keys stay in the key store: sealmail key list)",
                c.name
            );
            Ok(())
        }
        ContractorCommand::End { name } => {
            let c = list.end(&name, env.ctx.time())?;
            let v = view(env, &c)?;
            if env.json {
                return print_json(&v);
            }
            eprintln!(
                "ended the contract of {}: sending to {} is refused from now on",
                c.name,
                c.emails.join(", ")
            );
            Ok(())
        }
    }
}
