//! sealmail's integration tests: one test binary that runs the real `sealmail` program in a
//! temporary `SEALMAIL_HOME`, next to the real peers (gpg, rnp, sq, neomutt).
//!
//! - `cli`: the command-line contract (keys, compose, decrypt, JSON, exit codes, bad input);
//! - `contracts`: a queued message checked again at delivery, `outbox cancel`, `contractor
//!   extend|edit|remove`, and what the terminal shows while a credential is typed in;
//! - `corpora`: the research corpora in ../shared (attack mails; skipped with a notice when
//!   ../shared is absent);
//! - `credential`: credential mails end to end, the vault in keepassxc-cli, the pre-send report,
//!   the password generator, and the leak audit measured on a labelled mailbox;
//! - `gpg_agent`: your GnuPG keys through a real gpg-agent and a logging pinentry (its cache,
//!   no secret in the home, gpg/rnp/sq interop, neomutt sending through sealmail sendmail);
//! - `hardening`: the bad-input table of docs/SECURITY.md, one row each;
//! - `interrupt`: Ctrl-C, SIGTERM and SIGHUP during a 200 MB compose or decrypt leave no file;
//! - `interop`: what sealmail writes, gpg/rnp/sq read, and the other way round;
//! - `keys`: WKD and VKS lookups against a real HTTPS server on a free loopback port (the test
//!   names reach it through `[network] resolve`), acceptance and verification, refresh,
//!   Autocrypt, --from-gpg, contractors;
//! - `trust`: verdicts bound to key acceptance (planted second keys read as UNCERTAIN), BAD
//!   signatures exit 1, JSON errors, one signature shape;
//! - `lifecycle`: your own key's expiry, revocation certificate, revocation, passphrase and
//!   removal, read back by gpg;
//! - `thunderbird`: Thunderbird's own OpenPGP test mails and the verdicts its tests assert;
//! - `neomutt`: a real mail client shows sealmail's mail as good, under tmux;
//! - `scale`: a 256 MB attachment composed in bounded memory; batch decryption of Maildir and
//!   mbox;
//! - `send`: SMTP delivery to a real server (aiosmtpd, STARTTLS and AUTH), the outbox under
//!   injected faults, sendmail mode (also under git send-email), the OS keyring.

mod common;

mod audit;
mod cli;
mod contracts;
mod corpora;
mod credential;
mod dovecot;
mod gpg_agent;
mod hardening;
mod imap;
mod interop;
mod interrupt;
mod keys;
mod lifecycle;
mod neomutt;
mod scale;
mod send;
mod thunderbird;
mod trust;
mod vault_phone;
