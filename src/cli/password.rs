//! `sealmail password`: strong passwords and passphrases from the OS random source.

use clap::Args;
use sealmail::credential::{password, speak};

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
    /// The symbols to use instead of sealmail's `!#%+-.:=?@_~` (for systems that take only
    /// some).
    #[arg(long, value_name = "SET", conflicts_with = "no_symbols")]
    symbols: Option<String>,
    /// Characters never to use, from any class (e.g. --exclude '#"\'' for a shell or a
    /// config file that would choke on them).
    #[arg(long, value_name = "CHARS", default_value = "")]
    exclude: String,
    /// Also print how to read each password aloud: NATO spelling, digits as words, symbols by
    /// name, in groups of four.
    #[arg(long)]
    say: bool,
}

pub fn run(a: PasswordArgs, env: &Env) -> Result<(), Failure> {
    let policy = password::Policy {
        symbols: match (&a.symbols, a.no_symbols) {
            (Some(set), _) => set.clone(),
            (None, true) => String::new(),
            (None, false) => password::Policy::default().symbols,
        },
        exclude: a.exclude.clone(),
    };
    let (bits, what) = match a.words {
        Some(w) => (
            password::word_entropy(w),
            format!("{w} words of the EFF long list"),
        ),
        None => (
            password::entropy_with(a.length, &policy),
            format!(
                "{} characters from {} allowed",
                a.length,
                policy.alphabet().len()
            ),
        ),
    };
    let mut out = Vec::new();
    for _ in 0..a.count {
        let p = match a.words {
            Some(w) => password::passphrase(w),
            None => password::generate_with(a.length, &policy),
        }
        .map_err(|e| {
            Failure::new(e.to_string())
                .hint("use --length 16 or more, --words 5 or more, and leave at least 20 characters of two classes")
                .usage()
        })?;
        out.push(p);
    }
    if env.json {
        let v: Vec<_> = out
            .iter()
            .map(|p| {
                let mut j = serde_json::json!({"password": p.as_str(), "bits": (bits * 10.0).round() / 10.0});
                if a.say {
                    j["say"] = serde_json::json!(speak::groups(p));
                }
                j
            })
            .collect();
        return print_json(&v);
    }
    eprintln!("entropy: about {bits:.0} bits each ({what})");
    let mut text = zeroize::Zeroizing::new(String::new());
    for p in &out {
        text.push_str(p);
        text.push('\n');
        if a.say {
            for l in speak::lines(p) {
                text.push_str(&l);
                text.push('\n');
            }
        }
    }
    write_stdout(text.as_bytes())
}
