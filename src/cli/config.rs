//! `sealmail config init`: write a commented config.toml.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::Subcommand;
use sealmail::config::Config;

use super::{Env, Failure};

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Write config.toml: from the flags, asking on a terminal for what is missing.
    Init {
        /// Your address.
        #[arg(long)]
        email: Option<String>,
        /// Your name.
        #[arg(long)]
        name: Option<String>,
        /// The SMTP server.
        #[arg(long)]
        smtp_host: Option<String>,
        /// Its port (default 587).
        #[arg(long)]
        smtp_port: Option<u16>,
        /// starttls (default), tls, or none (loopback only).
        #[arg(long, default_value = "starttls")]
        security: String,
        /// The SMTP login name.
        #[arg(long)]
        smtp_user: Option<String>,
        /// A command that prints the SMTP password (e.g. "pass show mail/smtp").
        #[arg(long)]
        password_command: Option<String>,
        /// An extra trusted root certificate (PEM).
        #[arg(long)]
        ca_file: Option<PathBuf>,
        /// Replace an existing config.toml.
        #[arg(long)]
        force: bool,
    },
}

fn ask(label: &str, have: Option<String>) -> Option<String> {
    if have.is_some() || !std::io::stdin().is_terminal() {
        return have;
    }
    eprint!("{label}: ");
    let _ = std::io::stderr().flush();
    let mut s = String::new();
    std::io::stdin().lock().read_line(&mut s).ok()?;
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn run(cmd: ConfigCommand, env: &Env) -> Result<(), Failure> {
    let ConfigCommand::Init {
        email,
        name,
        smtp_host,
        smtp_port,
        security,
        smtp_user,
        password_command,
        ca_file,
        force,
    } = cmd;
    let path = Config::path(&env.home);
    if path.exists() && !force {
        return Err(Failure::new(format!("{} exists already", path.display()))
            .hint("edit it, or replace it with: sealmail config init --force ..."));
    }
    let email = ask("Your e-mail address", email);
    let name = ask("Your name", name);
    let host = ask(
        "SMTP server (empty: none, mail waits in the outbox)",
        smtp_host,
    );
    let mut t = String::from("# sealmail configuration (docs/CONFIG.md). No secrets here: the SMTP password\n# lives in the OS keyring (`sealmail secret set smtp`) or comes from password_command.\n\n[identity]\n");
    if let Some(e) = &email {
        t.push_str(&format!("email = {}\n", q(e)));
    }
    if let Some(n) = &name {
        t.push_str(&format!("name = {}\n", q(n)));
    }
    if let Some(h) = host {
        let user = ask("SMTP login name", smtp_user);
        t.push_str(&format!("\n[smtp]\nhost = {}\n", q(&h)));
        if let Some(p) = smtp_port {
            t.push_str(&format!("port = {p}\n"));
        }
        t.push_str(&format!("# starttls (required STARTTLS, port 587), tls (port 465), none (127.0.0.1 only)\nsecurity = {}\n", q(&security)));
        if let Some(u) = user {
            t.push_str(&format!("username = {}\n", q(&u)));
        }
        match password_command {
            Some(c) => t.push_str(&format!("password_command = {}\n", q(&c))),
            None => t.push_str("# password_command = \"pass show mail/smtp\"\n"),
        }
        if let Some(c) = ca_file {
            t.push_str(&format!("ca_file = {}\n", q(&c.display().to_string())));
        }
    }
    let written = Config::write(&env.home, &t)?;
    eprintln!("wrote {}", written.display());
    Ok(())
}
