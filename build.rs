//! Writes the EFF long word list (from the `diceware_wordlists` crate) as one text, a word per
//! line, which `src/credential/password.rs` includes. As an array of 7,776 string slices in the
//! binary, the list cost every run of sealmail 7,776 relocations and 30 copied pages at start-up
//! (15 % of all its relocations), for a list only `password --words` and the vault read.

fn main() {
    let words = diceware_wordlists::Wordlist::EffLong.get_list();
    let out = std::path::Path::new(&std::env::var_os("OUT_DIR").expect("set by cargo"))
        .join("eff_long.txt");
    std::fs::write(out, words.join("\n")).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=build.rs");
}
