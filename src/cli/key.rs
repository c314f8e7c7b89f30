//! `sealmail key ...`: generate, import, list, show, export, remove.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use sealmail::keys::KeyInfo;

use super::output::{clean_line, print_json, write_stdout};
use super::{Env, Failure};

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Make your own key (Ed25519/Cv25519, works with gpg 2.2, Thunderbird and sq).
    ///
    /// Example: sealmail key generate --email admin@example.org --name "Ann Admin"
    Generate {
        /// Your e-mail address.
        #[arg(long)]
        email: String,
        /// Your name, as recipients will see it.
        #[arg(long)]
        name: Option<String>,
        /// Store the secret key without a passphrase (only for machines you trust).
        #[arg(long)]
        no_passphrase: bool,
    },
    /// Import keys from files (armored or binary, public or secret; `-` reads stdin).
    Import {
        /// The files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List all keys.
    List,
    /// Show the keys matching an e-mail address or fingerprint.
    Show {
        /// E-mail address or fingerprint.
        query: String,
    },
    /// Print keys as ASCII armor (public, or with --secret your secret key).
    Export {
        /// E-mail address or fingerprint.
        query: String,
        /// Export the secret key (handle the output with care).
        #[arg(long)]
        secret: bool,
    },
    /// Remove a key (and its secret key, if you hold it).
    Remove {
        /// The fingerprint (an e-mail address is refused: say exactly which key).
        fingerprint: String,
    },
}

pub fn run(cmd: KeyCommand, env: &Env) -> Result<(), Failure> {
    let ring = env.keyring()?;
    match cmd {
        KeyCommand::Generate {
            email,
            name,
            no_passphrase,
        } => {
            let mb: sealmail::mime::Mailbox = email
                .parse()
                .map_err(|e: sealmail::mime::BadAddress| Failure::new(e.to_string()).usage())?;
            let password = if no_passphrase {
                None
            } else {
                Some(env.pass.borrow_mut().new_passphrase()?)
            };
            let cert = ring.generate(&mb.email, name.as_deref(), password, &env.ctx)?;
            let info = ring.info(&cert, &env.ctx);
            if env.json {
                print_json(&info)
            } else {
                eprintln!("created your key for {}", mb.email);
                write_stdout(format!("{}\n", info.fingerprint).as_bytes())
            }
        }
        KeyCommand::Import { files } => {
            let mut all = Vec::new();
            for f in files {
                let (data, what) = if f.as_os_str() == "-" {
                    let mut b = Vec::new();
                    std::io::stdin()
                        .read_to_end(&mut b)
                        .map_err(|e| Failure::new(format!("cannot read standard input: {e}")))?;
                    (b, "standard input".to_string())
                } else {
                    let b = std::fs::read(&f).map_err(|e| {
                        Failure::new(format!("cannot read {}: {e}", f.display()))
                            .hint("check the file name")
                    })?;
                    (b, f.display().to_string())
                };
                all.extend(ring.import(&data, &what)?);
            }
            if env.json {
                print_json(&all)
            } else {
                for i in &all {
                    eprintln!(
                        "imported {} {}{}",
                        i.fingerprint,
                        i.emails.join(", "),
                        if i.secret { " (with secret key)" } else { "" }
                    );
                }
                Ok(())
            }
        }
        KeyCommand::List => {
            let list = ring.list(&env.ctx)?;
            if env.json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!("no keys yet: make yours with `sealmail key generate --email YOU`, import others with `sealmail key import FILE`");
            }
            let mut out = String::new();
            for k in &list {
                out.push_str(&summary_line(k));
            }
            write_stdout(out.as_bytes())
        }
        KeyCommand::Show { query } => {
            let certs = ring.find(&query)?;
            let infos: Vec<KeyInfo> = certs.iter().map(|c| ring.info(c, &env.ctx)).collect();
            if env.json {
                return print_json(&infos);
            }
            let mut out = String::new();
            for k in &infos {
                out.push_str(&format!("fingerprint: {}\n", k.fingerprint));
                for u in &k.userids {
                    out.push_str(&format!("user ID:     {}\n", clean_line(u)));
                }
                out.push_str(&format!("algorithm:   {}\n", k.algorithm));
                out.push_str(&format!("created:     {}\n", k.created));
                out.push_str(&format!(
                    "expires:     {}\n",
                    k.expires.as_deref().unwrap_or("never")
                ));
                out.push_str(&format!(
                    "revoked:     {}\n",
                    if k.revoked { "yes" } else { "no" }
                ));
                out.push_str(&format!(
                    "secret key:  {}\n",
                    if k.secret { "yes (yours)" } else { "no" }
                ));
                out.push_str(&format!(
                    "encrypt to:  {}\n\n",
                    match &k.problem {
                        None => "yes".to_string(),
                        Some(p) => format!("no: {p}"),
                    }
                ));
            }
            write_stdout(out.as_bytes())
        }
        KeyCommand::Export { query, secret } => {
            let armored = ring.export(&query, secret)?;
            write_stdout(&armored)
        }
        KeyCommand::Remove { fingerprint } => {
            let hex: String = fingerprint.chars().filter(|c| !c.is_whitespace()).collect();
            if !(hex.len() == 40 || hex.len() == 64) || !hex.chars().all(|c| c.is_ascii_hexdigit())
            {
                return Err(
                    Failure::new(format!("{fingerprint:?} is not a fingerprint"))
                        .hint("see the fingerprints with: sealmail key list")
                        .usage(),
                );
            }
            let secret = ring.remove(&hex)?;
            eprintln!(
                "removed {hex}{}",
                if secret { " and its secret key" } else { "" }
            );
            Ok(())
        }
    }
}

fn summary_line(k: &KeyInfo) -> String {
    let mut flags = Vec::new();
    if k.secret {
        flags.push("yours".to_string());
    }
    if k.revoked {
        flags.push("REVOKED".into());
    }
    if let Some(p) = &k.problem {
        if !k.revoked {
            flags.push(format!("cannot encrypt: {p}"));
        }
    }
    if let Some(e) = &k.expires {
        flags.push(format!("expires {}", &e[..10.min(e.len())]));
    }
    format!(
        "{}  {}{}\n",
        k.fingerprint,
        clean_line(&k.emails.join(", ")),
        if flags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", flags.join("; "))
        }
    )
}
