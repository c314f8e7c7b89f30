//! A password said to be its account's name, with the accounts listed beside the sentence:
//! "In each case, the password is the same as the username." under "access to all:
//! simtrader2", or "(password is same as user id)" over a table of users and their IDs. Each
//! account named there is its own password, as offices hand out test and read-only logins.
//! Only a text with that sentence is read.

use std::sync::OnceLock;

use regex::Regex;

/// "the password is the same as the username", "passwords are same as user IDs".
fn same_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:password|passwd|pw|pwd|passwort)s?\s+(?:is|are|=)\s+(?:the\s+)?same\s+as\s+(?:the\s+|your\s+|their\s+)?(?:user\s?-?(?:name|id)|login(?:\s+(?:name|id))?|logon\s+id|id|account(?:\s+name)?)s?(?-u:\b)")
            .expect("built-in pattern")
    })
}

/// "Username: jdoe", "User ID = jdoe", "Your new ID is jdoe": an account given after its label.
fn labelled_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:user\s?-?(?:name|id)|login(?:\s+(?:name|id))?|logon\s+id|id)(?:\s*[:=]|\s+is)\s*([A-Za-z][A-Za-z0-9._-]{2,31})(?-u:\b)")
            .expect("built-in pattern")
    })
}

/// Whether `w` is shaped like an office's account name: letters, then digits at the end
/// ("simtrader2", "rwillia8"), no address or dotted name.
fn account_like(w: &str) -> bool {
    let n = w.chars().count();
    let digits = w.trim_start_matches(|c: char| !c.is_ascii_digit());
    (4..=32).contains(&n)
        && w.starts_with(|c: char| c.is_ascii_alphabetic())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2
        && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The accounts whose password the text says is their name: (label, value), the first one
/// within eight lines of the sentence.
pub(super) fn logins(text: &str) -> Vec<(String, String)> {
    // (One look for "same as" or "Same as" first: most texts have neither.)
    if !text.contains("ame as") {
        return Vec::new();
    }
    let Some(m) = same_re().find(text) else {
        return Vec::new();
    };
    let lines: Vec<&str> = text.lines().collect();
    let offset = |l: &str| l.as_ptr() as usize - text.as_ptr() as usize;
    let Some(i) = lines.iter().rposition(|l| offset(l) <= m.start()) else {
        return Vec::new();
    };
    let near = &lines[i.saturating_sub(8)..(i + 9).min(lines.len())];
    let labelled = near
        .iter()
        .find_map(|l| labelled_re().captures(l).map(|c| c[1].to_string()));
    let listed = || {
        near.iter().find_map(|l| {
            l.split(|c: char| c.is_whitespace() || ",;:()".contains(c))
                .find(|w| account_like(w))
                .map(str::to_string)
        })
    };
    labelled
        .or_else(listed)
        .map(|v| (m.as_str().to_string(), v))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_named_as_their_passwords() {
        // Our own names, as an office's notes write them.
        for (t, v) in [
            ("Dana's accounts are:\n\taccess to all:\t\tsimdesk4\n\taccess to gas only:\tsimdesk7, simdesk8\n\nIn each case, the password is the same as the username.", "simdesk4"),
            ("The following are the user ids (password is same as user id) for the portal.\n\n  User\t\t\tUser id\nRae Whitman \t\trwhitm3\nLee Okafor \t \tlokaf2", "rwhitm3"),
            ("Username: fieldops\nThe password is the same as the username.", "fieldops"),
            ("Your new Reports ID is dwhitfield.  Your password is the same as your ID.", "dwhitfield"),
        ] {
            let found = logins(t);
            assert_eq!(found.len(), 1, "{t}: {found:?}");
            assert_eq!(found[0].1, v, "{t}");
        }
        // The sentence alone, or about a policy, gives none.
        for t in [
            "Your password is the same as your username until you change it.",
            "Please make sure the password is not the same as the username (see policy v2).",
            "Call me at ext. 5341; the password is the same as last quarter's.",
        ] {
            assert!(logins(t).is_empty(), "{t}: {:?}", logins(t));
        }
    }
}
