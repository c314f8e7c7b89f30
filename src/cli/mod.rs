//! Argument parsing and dispatch. One file per command; `output.rs` renders data and errors.

mod audit;
mod compose;
mod config;
mod contractor;
mod credential;
mod decrypt;
mod decrypt_batch;
mod demo;
mod imap;
mod inbox;
mod key;
mod key_lifecycle;
mod key_report;
mod man;
mod outbox;
mod output;
mod pass;
mod password;
mod secret;
mod send;
mod sendmail;
mod tty;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use sealmail::keys::Keyring;
use sealmail::{Context, Home};

pub use output::Failure;

/// sealmail: encrypted mail from the terminal, the easy way to hand a secret to someone
/// outside your company.
#[derive(Parser, Debug)]
#[command(name = "sealmail", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    globals: Globals,

    #[command(subcommand)]
    command: Command,
}

/// The options every command takes.
#[derive(Args, Debug)]
struct Globals {
    /// The sealmail home folder (keys, outbox, config).
    #[arg(long, global = true, env = "SEALMAIL_HOME", value_name = "DIR")]
    home: Option<PathBuf>,

    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,

    /// Read passphrases from this file descriptor (one per line) instead of prompting.
    #[arg(long, global = true, value_name = "N")]
    passphrase_fd: Option<u32>,

    /// Use the servers of this account (`[accounts.NAME]` in config.toml).
    #[arg(long, global = true, env = "SEALMAIL_ACCOUNT", value_name = "NAME")]
    account: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Manage keys: your own and your correspondents'.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Write an encrypted and signed (or signed-only) PGP/MIME message.
    Compose(compose::ComposeArgs),
    /// Decrypt and verify a received message and say what was protected.
    Decrypt(decrypt::DecryptArgs),
    /// Show sealmail at work in a throwaway home: two keys, an encrypted credential mail,
    /// its decryption and verdict.
    Demo(demo::DemoArgs),
    /// Compose like `compose`, queue in the outbox, and deliver over SMTP.
    Send(send::SendArgs),
    /// Look at and retry the outbox.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// A drop-in for `sendmail`: read a message on stdin, encrypt and sign it, send it.
    Sendmail(sendmail::SendmailArgs),
    /// Write config.toml.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Store secrets (the SMTP password) in the OS keyring.
    #[command(subcommand)]
    Secret(secret::SecretCommand),
    /// Keep track of contractors and their contracts.
    #[command(subcommand)]
    Contractor(contractor::ContractorCommand),
    /// Send access details encrypted (the credential mail).
    #[command(subcommand)]
    Credential(credential::CredentialCommand),
    /// Make strong passwords or passphrases.
    Password(password::PasswordArgs),
    /// Find credentials already sent in plaintext mail.
    Audit(audit::AuditArgs),
    /// List the messages of an IMAP folder with what protected them (read-only).
    Inbox(inbox::InboxArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): sealmail man > sealmail.1
    Man,
}

/// What every command gets: the home, the key store, the clock, output and passphrase options.
pub struct Env {
    pub home: Home,
    pub ctx: Context,
    pub json: bool,
    pub pass: std::cell::RefCell<pass::Passphrases>,
    /// config.toml as first read in this run (a compose asked for it four times).
    config: std::cell::OnceCell<sealmail::config::Config>,
    /// `--account`.
    account: Option<String>,
}

impl Env {
    fn new(cli: &Cli) -> Result<Self, Failure> {
        let root = match &cli.globals.home {
            Some(h) => h.clone(),
            None => Home::default_path()?,
        };
        let home = Home::open(root)?;
        Ok(Env {
            home,
            ctx: clock()?,
            json: cli.globals.json,
            pass: std::cell::RefCell::new(pass::Passphrases::new(cli.globals.passphrase_fd)),
            config: std::cell::OnceCell::new(),
            account: cli.globals.account.clone(),
        })
    }

    pub fn keyring(&self) -> Result<Keyring, Failure> {
        let mut k = Keyring::open(&self.home)?;
        k.set_accepted_levels(self.config()?.accepted_levels()?);
        Ok(k)
    }

    /// Network lookups: `[network]` of config.toml; `SEALMAIL_OFFLINE=1` turns them off too.
    pub fn net(&self) -> Result<sealmail::keys::lookup::NetConfig, Failure> {
        let mut n = self.config()?.network.lookup_config();
        if std::env::var_os("SEALMAIL_OFFLINE").is_some_and(|v| !v.is_empty() && v != "0") {
            n.offline = true;
        }
        Ok(n)
    }

    /// Looks a key up on the network ([`sealmail::keys::lookup::fetch`]).
    pub fn fetch_key(
        &self,
        email: &str,
        net: &sealmail::keys::lookup::NetConfig,
        for_refresh: bool,
    ) -> Result<sealmail::keys::lookup::Found, sealmail::keys::lookup::LookupError> {
        sealmail::keys::lookup::fetch(email, net, &self.ctx, for_refresh)
    }

    /// config.toml, read once per run (a file that does not parse is an error each time).
    pub fn config(&self) -> Result<sealmail::config::Config, Failure> {
        if let Some(c) = self.config.get() {
            return Ok(c.clone());
        }
        let mut c = sealmail::config::Config::load(&self.home)?;
        if let Some(a) = &self.account {
            c.select_account(a)?;
        }
        Ok(self.config.get_or_init(|| c).clone())
    }

    pub fn outbox(&self) -> Result<sealmail::transport::Outbox, Failure> {
        Ok(sealmail::transport::Outbox::open(&self.home)?)
    }

    /// The passphrase callback the library calls for a locked key.
    pub fn password_cb(
        &self,
    ) -> impl FnMut(&sealmail::keys::PasswordRequest) -> Option<sealmail::openpgp::crypto::Password> + '_
    {
        move |req| self.pass.borrow_mut().for_key(req)
    }
}

/// The clock: `SEALMAIL_NOW` (RFC 3339) fixes it, for tests and reproducible output.
fn clock() -> Result<Context, Failure> {
    match std::env::var("SEALMAIL_NOW") {
        Ok(s) if !s.is_empty() => {
            let t = chrono::DateTime::parse_from_rfc3339(&s).map_err(|e| {
                Failure::new(format!("SEALMAIL_NOW={s:?} is not an RFC 3339 time: {e}"))
                    .hint("unset SEALMAIL_NOW, or set it like 2026-11-24T12:00:00Z")
            })?;
            Ok(Context::at(t.into()))
        }
        _ => Ok(Context::now()),
    }
}

/// Runs the command line `args` (the program's name first) in this process; the exit code.
pub fn main(args: Vec<std::ffi::OsString>) -> u8 {
    on_interrupt_remove_partial_files();
    // A bug must still end in a clear message, not a backtrace: the hook only records what
    // happened; a panic the library catches (see read::decrypt) prints nothing, one that reaches
    // here becomes an error line and exit 1.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(what);
        }
    }));
    match std::panic::catch_unwind(move || run_cli(args)) {
        Ok(code) => code,
        Err(_) => {
            let what = LAST_PANIC
                .lock()
                .ok()
                .and_then(|l| l.clone())
                .unwrap_or_default();
            Failure::new(format!("internal error in sealmail: {what}"))
                .hint("nothing was sent or written past this point; please report this with the command you ran")
                .report()
        }
    }
}

static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Ctrl-C, SIGTERM and SIGHUP: the files being written (`sealmail::partial`) are removed,
/// then the program ends as the signal would have ended it (exit status 128 + N to a shell).
fn on_interrupt_remove_partial_files() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            sealmail::partial::remove_all();
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            std::process::exit(128 + sig);
        }
    });
}

fn run_cli(args: Vec<std::ffi::OsString>) -> u8 {
    // Before the parse, so that a usage error is a JSON object too.
    output::set_json_errors(
        args.iter()
            .skip(1)
            .take_while(|a| *a != "--")
            .any(|a| a == "--json"),
    );
    let cli = match parse(&args) {
        Ok(cli) => cli,
        // Help and version: clap prints them, exit 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return e.exit_code() as u8;
        }
        // A mistake: clap's own words on stderr, and with --json the JSON object too.
        Err(e) => {
            let _ = e.print();
            if output::json_errors() {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or("");
                let f = Failure::new(first.trim_start_matches("error: "))
                    .hint("see: sealmail --help, or sealmail COMMAND --help")
                    .exit(e.exit_code() as u8);
                let _ = output::write_stdout(format!("{}\n", f.to_json()).as_bytes());
            }
            return e.exit_code() as u8;
        }
    };
    output::set_json_errors(cli.globals.json);
    // These two need no home.
    match &cli.command {
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "sealmail", &mut out);
            return match output::write_stdout(&out) {
                Ok(()) => 0,
                Err(f) => f.report(),
            };
        }
        Command::Man => {
            use clap::CommandFactory;
            let Ok(out) = man::page(Cli::command()) else {
                return Failure::new("cannot render the man page").report();
            };
            return match output::write_stdout(&out) {
                Ok(()) => 0,
                Err(f) => f.report(),
            };
        }
        _ => {}
    }
    let result = Env::new(&cli).and_then(|env| run_command(cli.command, &env));
    match result {
        Ok(()) => 0,
        Err(f) => f.report(),
    }
}

/// Parses the command line.
fn parse(args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    // `--version` also names the OpenSSL in use, and whether it is the system's (updated by
    // the distribution) or built in (updated only with a new sealmail build); `-V` stays one
    // line.
    let long = format!(
        "{}\n{} ({})",
        env!("CARGO_PKG_VERSION"),
        sealmail::crypto_library(),
        if sealmail::CRYPTO_LIBRARY_BUILT_IN {
            "built in"
        } else {
            "system library"
        }
    );
    let matches = Cli::command()
        .long_version(Box::leak(long.into_boxed_str()) as &str)
        .try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

fn run_command(command: Command, env: &Env) -> Result<(), Failure> {
    match command {
        Command::Key(c) => key::run(c, env),
        Command::Compose(a) => compose::run(a, env),
        Command::Decrypt(a) => decrypt::run(a, env),
        Command::Demo(a) => demo::run(a, env),
        Command::Send(a) => send::run(a, env),
        Command::Outbox(c) => outbox::run(c, env),
        Command::Sendmail(a) => sendmail::run(a, env),
        Command::Config(c) => config::run(c, env),
        Command::Secret(c) => secret::run(c, env),
        Command::Contractor(c) => contractor::run(c, env),
        Command::Credential(c) => credential::run(c, env),
        Command::Password(a) => password::run(a, env),
        Command::Audit(a) => audit::run(a, env),
        Command::Inbox(a) => inbox::run(a, env),
        Command::Completions { .. } | Command::Man => Ok(()),
    }
}
