//! Passwords given apart from the line a password word opens: a default within three lines of
//! a password question ("What is the login password?" ... "the default is X", "默认是X"), and
//! what a password was set, changed or reset to, after the account's name in English ("The
//! password for your account:P0050 has been reset to:12271196", as SAP's notices write it) or
//! in Chinese ("把密码修改为 X"). They read the whole text, not one line, so they run once per
//! text after phrasing's per-line rules.

use std::sync::OnceLock;

use regex::Regex;

use super::labels::label_re;
use super::values::{plausible, read_value, strong};

/// "The default is", "defaults to", "默认是": a default's value follows.
fn default_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:默认|默認|缺省)(?:是|为|為)[:：]?\s*|(?-u:\b)(?:the\s+)?default\s+(?:is|was)\s*:?\s+|(?-u:\b)defaults\s+to\s+|(?-u:\b)standardmäßig\s+ist\s+")
            .expect("built-in pattern")
    })
}

/// "设置成", "改为", "重置为": set, changed or reset to; the value follows at once.
fn set_to_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?:设置|設置|修改|重置|改|设|設)(?:成|为|為)\s*[:：]?\s*")
            .expect("built-in pattern")
    })
}

/// "has been reset to:", "was changed to": the value follows.
fn reset_to_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(
            r"(?i)(?-u:\b)(?:has\s+been|was|is\s+now)\s+(?:reset|changed|set)\s+to\s*:\s*",
        )
        .expect("built-in pattern")
    })
}

/// A line whose password word is a link's, a form's or a policy's, not a password's.
fn excluded_line(l: &str) -> bool {
    l.to_lowercase().contains("reset")
}

/// The labels and values given in `text`, whose `lines` are its lines.
pub(super) fn given_values(text: &str, lines: &[&str]) -> Vec<(String, String)> {
    let offset = |l: &str| l.as_ptr() as usize - text.as_ptr() as usize;
    // The line holding byte `at`: its index and where it starts.
    let line_at = |at: usize| {
        let i = lines.iter().rposition(|l| offset(l) <= at)?;
        Some((i, offset(lines[i])))
    };
    // A finding's label: the last 40 characters before the value.
    let label = |from: usize, end: usize| {
        let l = &text[from..end];
        l.char_indices()
            .rev()
            .nth(39)
            .map_or(l, |(j, _)| &l[j..])
            .to_string()
    };
    let mut out = Vec::new();
    // A default given within three lines of a password word (letters with digits, or strong).
    // (A look for the words first: most texts name no default.)
    let defaults = ["efault", "EFAULT", "默认", "默認", "缺省", "tandardmäßig"]
        .iter()
        .any(|w| text.contains(w));
    for m in defaults
        .then(|| default_re().find_iter(text))
        .into_iter()
        .flatten()
    {
        let Some((i, from)) = line_at(m.start()) else {
            continue;
        };
        let asked = lines[i.saturating_sub(3)..=i]
            .iter()
            .any(|l| label_re().is_match(l) && !excluded_line(l));
        let Some((v, quoted, continues)) = asked.then(|| read_value(&text[m.end()..])).flatten()
        else {
            continue;
        };
        let mixed = v.chars().count() >= 6
            && v.chars().any(|c| c.is_ascii_digit())
            && v.chars().any(char::is_alphabetic);
        if (mixed || strong(&v)) && plausible(&v, quoted, continues) {
            out.push((label(from, m.end()), v));
        }
    }
    // "The password for your account:P00500661 has been reset to:12271196": the password word
    // earlier in the sentence, the value after the colon (letters with digits, or strong).
    if text.contains(" to:") {
        for m in reset_to_re().find_iter(text) {
            let Some((_, from)) = line_at(m.start()) else {
                continue;
            };
            let sentence = text[from..m.start()]
                .rsplit(['.', '!', '?'])
                .next()
                .unwrap_or("");
            if !label_re().is_match(sentence) {
                continue;
            }
            if let Some((v, quoted, continues)) = read_value(&text[m.end()..]) {
                let digits = v.chars().any(|c| c.is_ascii_digit());
                if (digits || strong(&v)) && plausible(&v, quoted, continues) {
                    out.push((label(from, m.end()), v));
                }
            }
        }
    }
    // The password word in the same clause before the verb: "把密码修改为 X", "管理员密码已重置为
    // X"; not "端口设置成8080，密码不变".
    if text.contains('密') {
        for m in set_to_re().find_iter(text) {
            let Some((_, from)) = line_at(m.start()) else {
                continue;
            };
            let clause = text[from..m.start()]
                .rsplit(['，', '。', ',', '；', ';', '！', '？'])
                .next()
                .unwrap_or("");
            // Or an account set to a value, with the password named later in the sentence:
            // "admin我已经设置成123456了，怎么还是报用户名或密码错误呢".
            let sentence = text[m.end()..]
                .split(['。', '\n', '？', '！'])
                .next()
                .unwrap_or("");
            let account = ["admin", "root", "管理员", "账号", "帐号", "用户"]
                .iter()
                .any(|w| clause.contains(w))
                && (sentence.contains("密码") || sentence.contains("密碼"));
            if !(clause.contains("密码") || clause.contains("密碼") || account) {
                continue;
            }
            if let Some((v, _, _)) = read_value(&text[m.end()..]) {
                if v.is_ascii() && plausible(&v, true, false) {
                    out.push((label(from, m.end()), v));
                }
            }
        }
    }
    out
}
