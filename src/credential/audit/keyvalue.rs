//! Whether a bare "key" is given a value: "the key for the share is X" is one; a key's kind
//! ("host key algorithms: rsa-sha2-256"), a list, a name from code (`<key>gain_dB_ch0</key>`),
//! a lookup's key in a log ("found for key x3xx_pwr+rx"), an audit rule's filter key, a
//! licence's name, a debugger's address and a cipher's name are not. A "key" is the weakest
//! password word, so its value must be strong and close to it.

use super::code::snake_name;
use super::values::strong;
use super::words::KEY_KINDS;

/// Whether `v`, at `at` in `line`, is the value given to the "key" at `word` (its start and
/// end); `prev` is the line before (a wrapped log line's start), `after_tag` when the word is an
/// element's name (`<key>`).
pub(super) fn given(
    line: &str,
    prev: &str,
    word: (usize, usize),
    at: usize,
    v: &str,
    after_tag: bool,
) -> bool {
    let between = &line[word.1..at];
    let set = between.contains([':', '=']) || between.contains(" is ");
    // ("host key algorithms: rsa-sha2-256", "private key (a.priv,RSA-1024)": what kind of key,
    // or a list.)
    let kind = between
        .split_whitespace()
        .next()
        .is_some_and(|w| KEY_KINDS.contains(&w.trim_end_matches(':').to_lowercase().as_str()));
    // ("M.2 key E modules this is the W_DISABLE2#": the sentence's own subject is what "is"
    // gives.)
    let subject = between
        .split_whitespace()
        .any(|w| ["this", "it", "that", "which", "there"].contains(&w.to_lowercase().as_str()));
    // (gdb's `key=key@entry=0x...`, `key=@0x7ffd...`; `/*key=*/0x2000ul`; a macro's
    // `(KEY)->payload`; the Bluetooth base UUID; "hit a key 3-pointer": a count and a word.)
    let code = v.contains(char::is_whitespace)
        || v.contains([':', ',', '[', '('])
        || v.starts_with(['.', '@', '*', '-', ')', '%'])
        || v.contains("+0x")
        || super::values::openpgp_key_id(v)
        || v.trim_end_matches('=').contains('=')
        || v.to_lowercase().ends_with("-0000-1000-8000-00805f9b34fb")
        || v.split_once('-').is_some_and(|(a, b)| {
            a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_lowercase())
        });
    // Code's names: `<key>lo_offset</key>`, `<key>gain_dB_ch0</key>`, "key x3xx_pwr_rx1".
    let name = snake_name(v)
        || after_tag && v.contains('_') && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    // (A log line wrapped after "for key" goes on listing: "found for key" / "x3xx_rx, key
    // x3xx_rx, serial 30ED045#0".)
    let before = line[..word.0].trim_start_matches(['>', '|', ' ', '\t']);
    let wrapped = before.is_empty() || prev.trim_end().to_lowercase().ends_with("for key");
    let before = if wrapped {
        format!("{prev} {before}")
    } else {
        before.to_string()
    };
    let lookup = lookup_key(&before, line.get(at + v.len()..).unwrap_or(""));
    // (A public key's field: `"pubkey": "untrusted comment: build key\nRWT..."`.)
    let public = {
        let b = before.to_lowercase();
        ["pubkey", "public key", "public_key", "publickey"]
            .iter()
            .any(|w| b.contains(w))
    };
    // ("Using controller key 'E31XRadio'": a name; a key given without a separator has a sign
    // in it.)
    let signed = set
        || v.trim_matches(['\'', '"', '`'])
            .chars()
            .any(|c| !c.is_alphanumeric());
    strong(v)
        && !kind
        && !subject
        && !code
        && !name
        && !lookup
        && !public
        && (!v.starts_with('(') || set)
        && between.split_whitespace().count() <= 5
        && signed
}

/// Whether the key is a lookup's, an audit rule's or a licence's name, from the text `before`
/// it (on its line, or the line before when it starts one) and the text `after` its value:
/// "found for key x3xx_pwr+rx", "not found for: key=31F94F0#0", `-F key=test-1628`, an audit
/// record's `op=add_rule key=test-1628` or `msg=audit(...) ... key="test-1628"`, "license key 'ip_x@2015.04' is enabled".
pub(super) fn lookup_key(before: &str, after: &str) -> bool {
    let last = before.split_whitespace().next_back().unwrap_or("");
    last == "-F"
        || ["for", "for:"].contains(&last.to_lowercase().as_str())
        || before.to_lowercase().contains("for key ")
        || before.contains("op=") && before.contains("_rule")
        || before.contains("msg=audit(")
        // (A daemon's log line: `named[718]: ... key=3538531543.sig-addc1.fedora.loc`.)
        || before.split_whitespace().any(|w| {
            w.strip_suffix("]:")
                .and_then(|t| t.split_once('['))
                .is_some_and(|(name, pid)| {
                    !name.is_empty() && !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit())
                })
        })
        || [
            "is enabled",
            "is disabled",
            "is not ",
            "not found",
            "is missing",
        ]
        .iter()
        .any(|w| after.trim_start_matches(['\'', '"', ' ']).starts_with(w))
}
