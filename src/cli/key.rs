//! `sealmail key ...`: generate, import, list, show, export, remove.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use sealmail::keys::{autocrypt, words, Acceptance, KeyInfo, Verification};

use super::key_report::{report_imported, report_learned, summary_line};
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
        /// When the key expires: never, a date (2029-12-31) or a period (3y, 6m, 30d).
        /// Default 3y; `sealmail key expire` moves it later.
        #[arg(long, value_name = "never|DATE|PERIOD")]
        expires: Option<String>,
        /// Hand the secret to gpg-agent, protected by the passphrase given here (its pinentry
        /// asks for it when the key is used, and caches it; GNUPGHOME picks the agent).
        /// Default with [keys] gpg_agent = true or SEALMAIL_GPG_AGENT=1.
        #[arg(long, conflicts_with = "no_passphrase")]
        gpg_agent: bool,
    },
    /// Revoke your key (lost, stolen, replaced, retired); then publish it.
    Revoke {
        /// Your key's fingerprint or address.
        query: String,
        /// Why.
        #[arg(long, value_parser = ["compromised", "superseded", "retired", "unspecified"], default_value = "unspecified")]
        reason: String,
        /// A note for people who see the revocation.
        #[arg(long)]
        message: Option<String>,
    },
    /// Move the expiry of your key, earlier or later; then publish it (sealmail key publish).
    Expire {
        /// Your key's fingerprint or address.
        query: String,
        /// The new expiry: never, a date (2029-12-31) or a period from now (3y, 6m, 30d).
        #[arg(value_name = "never|DATE|PERIOD")]
        when: String,
    },
    /// Change (or set, or with --no-passphrase remove) the passphrase of your key.
    Passwd {
        /// Your key's fingerprint or address.
        query: String,
        /// Store it without a passphrase.
        #[arg(long)]
        no_passphrase: bool,
    },
    /// Import keys from files (armored or binary, public or secret; `-` reads stdin).
    Import {
        /// The files (with --from-gpg: the addresses to take, default all).
        #[arg(required_unless_present = "from_gpg", value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Take public keys from your GnuPG keyring (gpg --export), as `unverified`.
        #[arg(long)]
        from_gpg: bool,
    },
    /// Look a key up on the network: WKD, then keys.openpgp.org (VKS), then [network] hkps.
    Fetch {
        /// The address.
        email: String,
    },
    /// Accept a key for sending, without a fingerprint check (`unverified`).
    Accept {
        /// E-mail address or fingerprint.
        query: String,
    },
    /// Reject a key: never encrypt to it.
    Reject {
        /// E-mail address or fingerprint.
        query: String,
    },
    /// Check a key's fingerprint with its owner (by phone, in person) and record it.
    Verify {
        /// E-mail address or fingerprint.
        query: String,
        /// How it was checked.
        #[arg(long, value_parser = ["phone", "in-person", "other"], default_value = "phone")]
        how: String,
        /// Record it without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Fetch keys again from where they came from: revocations, new subkeys, new expiry.
    Refresh {
        /// Every key with an address, not only those found on the network.
        #[arg(long)]
        all: bool,
    },
    /// Write the WKD tree of your own key, ready for your web server.
    Publish {
        /// The folder to write (your web root).
        #[arg(long, value_name = "DIR")]
        wkd: PathBuf,
        /// The mail domain (default: the domain of your key's address).
        #[arg(long)]
        domain: Option<String>,
    },
    /// Learn keys from the Autocrypt headers of messages.
    Learn {
        /// A message file.
        #[arg(required_unless_present = "maildir")]
        file: Option<PathBuf>,
        /// Every message of a Maildir.
        #[arg(long, value_name = "DIR")]
        maildir: Option<PathBuf>,
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
    /// Remove a key (and its secret key, if you hold it: asks first).
    Remove {
        /// The fingerprint (an e-mail address is refused: say exactly which key).
        fingerprint: String,
        /// Remove your own key without asking (back it up first: key export --secret).
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(cmd: KeyCommand, env: &Env) -> Result<(), Failure> {
    let ring = env.keyring()?;
    match cmd {
        KeyCommand::Generate {
            email,
            name,
            no_passphrase,
            expires,
            gpg_agent,
        } => {
            let validity = super::key_lifecycle::validity(expires.as_deref(), env.ctx.time())?;
            let to_agent = gpg_agent
                || (!no_passphrase
                    && (env.config()?.keys.gpg_agent
                        || std::env::var_os("SEALMAIL_GPG_AGENT")
                            .is_some_and(|v| !v.is_empty() && v != "0")));
            let mb: sealmail::mime::Mailbox = email
                .parse()
                .map_err(|e: sealmail::mime::BadAddress| Failure::new(e.to_string()).usage())?;
            let password = if no_passphrase {
                None
            } else {
                Some(env.pass.borrow_mut().new_passphrase()?)
            };
            let cert = if to_agent {
                let cert = ring.generate_in_agent(
                    &mb.email,
                    name.as_deref(),
                    password,
                    validity,
                    &env.ctx,
                )?;
                super::key_lifecycle::tell_gpg(&cert);
                cert
            } else {
                ring.generate_valid_for(&mb.email, name.as_deref(), password, validity, &env.ctx)?
            };
            let info = ring.info(&cert, &env.ctx);
            if env.json {
                print_json(&info)
            } else {
                eprintln!(
                    "created your key for {}{}, {}",
                    mb.email,
                    if to_agent {
                        " (its secret is with gpg-agent)"
                    } else {
                        ""
                    },
                    match &info.expires {
                        Some(t) => format!("valid until {}", &t[..10]),
                        None => "never expires".into(),
                    }
                );
                eprintln!(
                    "its revocation certificate is in {} (keep a copy somewhere safe)",
                    ring.revocation_path(&cert.fingerprint()).display()
                );
                write_stdout(format!("{}\n", info.fingerprint).as_bytes())
            }
        }
        KeyCommand::Import {
            files,
            from_gpg: true,
        } => {
            let mut cmd = std::process::Command::new("gpg");
            cmd.args(["--batch", "--export"]);
            for e in &files {
                cmd.arg(e);
            }
            let out = cmd.output().map_err(|e| {
                Failure::new(format!("cannot run gpg: {e}")).hint("install GnuPG (apt-get install gnupg), or import files: sealmail key import FILE")
            })?;
            if !out.status.success() || out.stdout.is_empty() {
                return Err(Failure::new("gpg exported no keys")
                    .hint("see what gpg has: gpg --list-keys; GNUPGHOME selects another keyring"));
            }
            let mut all = ring.import_as(
                &out.stdout,
                "your GnuPG keyring",
                "gpg",
                Acceptance::Unverified,
                env.ctx.time(),
            )?;
            // Your own GnuPG keys: their secrets stay with gpg-agent; sealmail keeps a
            // reference to sign and decrypt with them.
            let certs = sealmail::keys::parse_certs(&out.stdout, "your GnuPG keyring")?;
            for own in ring.import_agent_keys(certs, &env.ctx)? {
                eprintln!(
                    "{} {}: your key; its secret stays with gpg-agent",
                    own.fingerprint,
                    own.emails.join(", ")
                );
                all.retain(|i| i.fingerprint != own.fingerprint);
                all.push(own);
            }
            report_imported(env, &all)
        }
        KeyCommand::Import {
            files,
            from_gpg: false,
        } => {
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
            report_imported(env, &all)
        }
        KeyCommand::Fetch { email } => {
            let net = env.net()?;
            let found = env.fetch_key(&email, &net, false)?;
            let fpr = found.cert.fingerprint();
            ring.store_as(
                found.cert.clone(),
                &found.origin,
                Acceptance::Undecided,
                env.ctx.time(),
            )?;
            let info = ring.info(&found.cert, &env.ctx);
            if env.json {
                return print_json(&info);
            }
            eprintln!(
                "found {fpr} for {email} via {} ({})",
                found.origin,
                info.acceptance.as_str()
            );
            eprintln!("check it with {email} and run: sealmail key verify {fpr}   (or accept it unchecked: sealmail key accept {fpr})");
            write_stdout(format!("{fpr}\n").as_bytes())
        }
        KeyCommand::Accept { query } => set_level(env, &ring, &query, Acceptance::Unverified, None),
        KeyCommand::Reject { query } => set_level(env, &ring, &query, Acceptance::Rejected, None),
        KeyCommand::Verify { query, how, yes } => {
            let certs = ring.find(&query)?;
            if certs.len() > 1 {
                return Err(
                    Failure::new(format!("{query} matches {} keys", certs.len()))
                        .hint("give the fingerprint: sealmail key list")
                        .usage(),
                );
            }
            let c = &certs[0];
            let fpr = c.fingerprint();
            let bytes = fpr.as_bytes();
            let who = sealmail::keys::cert_emails(c).join(", ");
            let mut out = format!("key of {who}\n");
            out.push_str(&format!("  hex:     {}\n", words::hex_groups(bytes)));
            let w = words::pgp_words(bytes);
            out.push_str(&format!(
                "  words:   {}\n           {}\n",
                w[..w.len() / 2].join(" "),
                w[w.len() / 2..].join(" ")
            ));
            out.push_str(&format!("  numbers: {}\n", words::number_groups(bytes)));
            eprint!("{out}");
            if !yes {
                let ok = super::tty::ask_yes(&format!(
                    "Did {who} read you exactly these words (or numbers)? [y/N] "
                ))
                .ok_or_else(|| {
                    Failure::new("cannot ask: no terminal").hint(format!(
                        "after checking, record it with: sealmail key verify {} --how {how} --yes",
                        fpr.to_hex()
                    ))
                })?;
                if !ok {
                    return Err(Failure::new("not verified: the fingerprints differ or were not compared")
                        .hint("do not use this key; ask the owner for their key again, or: sealmail key reject QUERY"));
                }
            }
            // Who checked: the configured identity, else the address of the own key.
            let by = env
                .config()?
                .identity
                .email
                .or_else(|| {
                    ring.secret_certs()
                        .ok()?
                        .iter()
                        .find_map(|c| sealmail::keys::cert_emails(c).into_iter().next())
                })
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "you".into());
            let v = Verification {
                by,
                at: chrono::DateTime::<chrono::Utc>::from(env.ctx.time())
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                how,
            };
            set_level(env, &ring, &fpr.to_hex(), Acceptance::Verified, Some(v))
        }
        KeyCommand::Refresh { all } => {
            let net = env.net()?;
            let mut results = Vec::new();
            for c in ring.all()? {
                let meta = ring.meta(&c.fingerprint());
                let network = meta.origin.contains(':');
                if meta.origin == "own" || (!all && !network) {
                    continue;
                }
                for email in sealmail::keys::cert_emails(&c) {
                    let r = match env.fetch_key(&email, &net, true) {
                        Ok(f) if f.cert.fingerprint() == c.fingerprint() => {
                            ring.store_as(f.cert, &f.origin, meta.acceptance, env.ctx.time())?;
                            let now =
                                ring.info(&ring.find(&c.fingerprint().to_hex())?[0], &env.ctx);
                            serde_json::json!({"fingerprint": now.fingerprint, "email": email, "refreshed": true, "revoked": now.revoked, "expires": now.expires, "can_encrypt": now.can_encrypt})
                        }
                        Ok(f) => {
                            serde_json::json!({"fingerprint": c.fingerprint().to_hex(), "email": email, "refreshed": false, "error": format!("{} now serves another key, {}", f.origin, f.cert.fingerprint())})
                        }
                        Err(e) => {
                            serde_json::json!({"fingerprint": c.fingerprint().to_hex(), "email": email, "refreshed": false, "error": e.to_string()})
                        }
                    };
                    results.push(r);
                }
            }
            if env.json {
                return print_json(&results);
            }
            for r in &results {
                match r["refreshed"].as_bool() {
                    Some(true) => eprintln!(
                        "refreshed {} ({}){}",
                        r["email"].as_str().unwrap_or(""),
                        r["fingerprint"].as_str().unwrap_or(""),
                        if r["revoked"] == true {
                            ": REVOKED by its owner"
                        } else {
                            ""
                        }
                    ),
                    _ => eprintln!(
                        "not refreshed {}: {}",
                        r["email"].as_str().unwrap_or(""),
                        r["error"].as_str().unwrap_or("")
                    ),
                }
            }
            Ok(())
        }
        KeyCommand::Publish { wkd, domain } => {
            let own = ring.secret_certs()?;
            let cert = own.first().ok_or_else(|| {
                Failure::new("you have no own key to publish")
                    .hint("make one: sealmail key generate --email YOU")
            })?;
            let domain = match domain {
                Some(d) => d,
                None => sealmail::keys::cert_emails(cert)
                    .first()
                    .and_then(|e| e.rsplit('@').next().map(|d| d.to_string()))
                    .ok_or_else(|| Failure::new("your key has no address").hint("give --domain"))?,
            };
            let written =
                sealmail::keys::lookup::publish_wkd(&wkd, &domain, cert).map_err(|e| {
                    Failure::new(format!("cannot write the WKD tree: {e}"))
                        .hint("check --wkd DIR and --domain")
                })?;
            for p in &written {
                eprintln!("wrote {}", p.display());
            }
            eprintln!(
                "serve {} as https://openpgpkey.{domain}/ (advanced) or https://{domain}/ (direct)",
                wkd.display()
            );
            Ok(())
        }
        KeyCommand::Learn { file, maildir } => {
            let mut files = Vec::new();
            if let Some(f) = file {
                files.push(f);
            }
            if let Some(d) = maildir {
                for sub in ["cur", "new"] {
                    if let Ok(rd) = std::fs::read_dir(d.join(sub)) {
                        files.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
                    }
                }
            }
            let mut events = Vec::new();
            for f in files {
                let raw = std::fs::read(&f)
                    .map_err(|e| Failure::new(format!("cannot read {}: {e}", f.display())))?;
                let mut cb = env.password_cb();
                let report = sealmail::read::read_message(&raw, &ring, &env.ctx, &mut cb).ok();
                let seen = sealmail::read::autocrypt_seen(&raw, report.as_ref());
                events.extend(autocrypt::learn(&ring, &env.ctx, &seen)?);
            }
            report_learned(env, &events)
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
                out.push_str(&format!("acceptance:  {}\n", k.acceptance.as_str()));
                out.push_str(&format!("origin:      {}\n", k.origin));
                if let Some(v) = &k.verification {
                    out.push_str(&format!(
                        "verified:    by {} on {} ({})\n",
                        v.by, v.at, v.how
                    ));
                }
                for w in &k.warnings {
                    out.push_str(&format!("WARNING:     {w}\n"));
                }
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
        KeyCommand::Revoke {
            query,
            reason,
            message,
        } => super::key_lifecycle::revoke(env, &query, &reason, message.as_deref()),
        KeyCommand::Expire { query, when } => super::key_lifecycle::expire(env, &query, &when),
        KeyCommand::Passwd {
            query,
            no_passphrase,
        } => super::key_lifecycle::passwd(env, &query, no_passphrase),
        KeyCommand::Remove { fingerprint, yes } => {
            let hex: String = fingerprint.chars().filter(|c| !c.is_whitespace()).collect();
            if !(hex.len() == 40 || hex.len() == 64) || !hex.chars().all(|c| c.is_ascii_hexdigit())
            {
                return Err(
                    Failure::new(format!("{fingerprint:?} is not a fingerprint"))
                        .hint("see the fingerprints with: sealmail key list")
                        .usage(),
                );
            }
            super::key_lifecycle::confirm_remove(&ring, &hex, yes)?;
            let secret = ring.remove(&hex)?;
            eprintln!(
                "removed {hex}{}",
                if secret { " and its secret key" } else { "" }
            );
            Ok(())
        }
    }
}

fn set_level(
    env: &Env,
    ring: &sealmail::keys::Keyring,
    query: &str,
    level: Acceptance,
    v: Option<Verification>,
) -> Result<(), Failure> {
    let certs = ring.find(query)?;
    let mut infos = Vec::new();
    for c in &certs {
        ring.set_acceptance(&c.fingerprint(), level, v.clone())?;
        infos.push(ring.info(c, &env.ctx));
    }
    if env.json {
        return print_json(&infos);
    }
    for i in &infos {
        eprintln!(
            "{} {}: {}",
            i.fingerprint,
            i.emails.join(", "),
            i.acceptance.as_str()
        );
    }
    Ok(())
}
