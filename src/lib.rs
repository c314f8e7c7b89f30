//! sealmail: encrypted email from the terminal, the easy way to hand a secret to someone
//! outside your company.
//!
//! This crate is the whole engine; the `sealmail` binary only parses arguments, asks for
//! passphrases and prints what the library returns. The library never prints, prompts or
//! exits.
//!
//! The flow of an outgoing mail reads straight down the modules:
//! [`compose::Draft`] (what the user asked for) → [`keys::Keyring`] (who can receive it,
//! checked under one [`Context`]) → [`compose::compose`] (RFC 3156 PGP/MIME with
//! RFC 9788 protected headers) → the bytes of a finished RFC 5322 message.
//! An incoming mail goes [`read::read_message`] → [`read::Report`] (what was encrypted,
//! what was signed and by whom, which parts were protected).
//!
//! ```
//! use sealmail::{Context, Home, keys::Keyring};
//! let dir = tempfile::tempdir().unwrap();
//! let ctx = Context::now();
//! let ring = Keyring::open(&Home::open(dir.path()).unwrap()).unwrap();
//! let cert = ring.generate("alice@example.org", Some("Alice"), None, &ctx).unwrap();
//! assert_eq!(ring.list(&ctx).unwrap().len(), 1);
//! assert!(ring.list(&ctx).unwrap()[0].secret);
//! # let _ = cert;
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod compose;
pub mod config;
pub mod context;
pub mod contractors;
pub mod credential;
mod fsutil;
pub mod home;
pub mod imap;
pub mod keys;
pub mod mime;
pub mod partial;
pub mod read;
pub mod secrets;
pub mod send;
pub mod source;
pub mod transport;

pub use context::Context;
pub use home::Home;

/// The cryptographic library this build of sealmail runs on, as it names itself ("OpenSSL
/// 3.0.19" and its release date): how a user or a packager sees which one they have.
pub fn crypto_library() -> &'static str {
    openssl::version::version()
}

/// Whether OpenSSL is compiled into this build (the `vendored-openssl` feature) rather than
/// the system's shared library: its fixes then arrive only with a new sealmail build.
pub const CRYPTO_LIBRARY_BUILT_IN: bool = cfg!(feature = "vendored-openssl");

/// The OpenPGP implementation sealmail is built on, re-exported so that callers name the
/// same types (fingerprints, passwords) without a second dependency.
pub use sequoia_openpgp as openpgp;
