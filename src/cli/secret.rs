//! `sealmail secret set smtp|imap|key`: store a password in the OS keyring.

use std::io::{BufRead, IsTerminal};

use clap::{Subcommand, ValueEnum};
use zeroize::Zeroizing;

use super::{Env, Failure};

#[derive(Clone, Debug, ValueEnum)]
pub enum SecretName {
    /// The password of the [smtp] account in config.toml.
    Smtp,
    /// The password of the [imap] account in config.toml (or --account's).
    Imap,
    /// The passphrase of one of your secret keys (give its fingerprint).
    Key,
}

#[derive(Subcommand, Debug)]
pub enum SecretCommand {
    /// Store a secret in the OS keyring, read from a prompt (or the first line of stdin).
    Set {
        /// Which secret.
        name: SecretName,
        /// With `key`: the key's fingerprint.
        fingerprint: Option<String>,
    },
}

pub fn run(cmd: SecretCommand, env: &Env) -> Result<(), Failure> {
    let SecretCommand::Set { name, fingerprint } = cmd;
    let account = match name {
        SecretName::Smtp => {
            let cfg = env.config()?;
            sealmail::secrets::smtp_account(cfg.smtp()?)
        }
        SecretName::Imap => {
            let cfg = env.config()?;
            sealmail::secrets::imap_account(cfg.imap()?)
        }
        SecretName::Key => {
            let fpr = fingerprint.ok_or_else(|| {
                Failure::new("which key? give its fingerprint")
                    .hint("sealmail secret set key FINGERPRINT   (see: sealmail key list)")
                    .usage()
            })?;
            let certs = env.keyring()?.find(&fpr)?;
            sealmail::secrets::key_account(&certs[0].fingerprint())
        }
    };
    let value = if std::io::stdin().is_terminal() {
        let a = super::pass::Passphrases::prompt_line("Secret: ")
            .ok_or_else(|| Failure::new("cannot read the password"))?;
        let b = super::pass::Passphrases::prompt_line("Repeat it: ")
            .ok_or_else(|| Failure::new("cannot read the password"))?;
        if *a != *b {
            return Err(Failure::new("the two passwords differ").hint("run the command again"));
        }
        a
    } else {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::new(format!("cannot read stdin: {e}")))?;
        Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string())
    };
    if value.is_empty() {
        return Err(Failure::new("the secret is empty").hint("give it at the prompt or on stdin"));
    }
    sealmail::secrets::keyring_set(&account, &value)?;
    eprintln!(
        "stored the secret in the OS keyring (service \"{}\", account \"{account}\")",
        sealmail::secrets::SERVICE
    );
    Ok(())
}
