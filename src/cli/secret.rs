//! `sealmail secret set smtp`: store the SMTP password in the OS keyring.

use std::io::{BufRead, IsTerminal};

use clap::{Subcommand, ValueEnum};
use zeroize::Zeroizing;

use super::{Env, Failure};

#[derive(Clone, Debug, ValueEnum)]
pub enum SecretName {
    /// The password of the [smtp] account in config.toml.
    Smtp,
}

#[derive(Subcommand, Debug)]
pub enum SecretCommand {
    /// Store a secret in the OS keyring, read from a prompt (or the first line of stdin).
    Set {
        /// Which secret.
        name: SecretName,
    },
}

pub fn run(cmd: SecretCommand, env: &Env) -> Result<(), Failure> {
    let SecretCommand::Set {
        name: SecretName::Smtp,
    } = cmd;
    let cfg = env.config()?;
    let smtp = cfg.smtp()?;
    let account = sealmail::secrets::smtp_account(smtp);
    let value = if std::io::stdin().is_terminal() {
        let a = super::pass::Passphrases::prompt_line("SMTP password: ")
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
        return Err(Failure::new("the password is empty").hint("give it at the prompt or on stdin"));
    }
    sealmail::secrets::keyring_set(&account, &value)?;
    eprintln!(
        "stored the SMTP password in the OS keyring (service \"{}\", account \"{account}\")",
        sealmail::secrets::SERVICE
    );
    Ok(())
}
