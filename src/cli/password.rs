//! `sealmail password`: strong passwords and passphrases from the OS random source.

use clap::Args;
use sealmail::credential::password;

use super::output::{print_json, write_stdout};
use super::{Env, Failure};

/// Make passwords (20 characters from four classes by default) or, with --words, diceware
/// passphrases from the EFF long word list. Prints one per line; the entropy goes to stderr.
#[derive(Args, Debug)]
pub struct PasswordArgs {
    /// Characters per password (at least 16).
    #[arg(long, default_value_t = 20)]
    length: usize,
    /// Make a passphrase of this many words instead (at least 5).
    #[arg(long)]
    words: Option<usize>,
    /// Leave out symbols (letters and digits only).
    #[arg(long)]
    no_symbols: bool,
    /// How many.
    #[arg(long, default_value_t = 1)]
    count: usize,
}

pub fn run(a: PasswordArgs, env: &Env) -> Result<(), Failure> {
    let (bits, what) = match a.words {
        Some(w) => (
            password::word_entropy(w),
            format!("{w} words of the EFF long list"),
        ),
        None => (
            password::char_entropy(a.length, !a.no_symbols),
            format!("{} characters", a.length),
        ),
    };
    let mut out = Vec::new();
    for _ in 0..a.count {
        let p = match a.words {
            Some(w) => password::passphrase(w),
            None => password::generate(a.length, !a.no_symbols),
        }
        .map_err(|e| {
            Failure::new(e.to_string())
                .hint("use --length 16 or more, or --words 5 or more")
                .usage()
        })?;
        out.push(p);
    }
    if env.json {
        let v: Vec<_> = out.iter().map(|p| serde_json::json!({"password": p.as_str(), "bits": (bits * 10.0).round() / 10.0})).collect();
        return print_json(&v);
    }
    eprintln!("entropy: about {bits:.0} bits each ({what})");
    let mut text = zeroize::Zeroizing::new(String::new());
    for p in &out {
        text.push_str(p);
        text.push('\n');
    }
    write_stdout(text.as_bytes())
}
