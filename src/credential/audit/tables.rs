//! Password columns of tables as mail carries them: a header cell names the column and the
//! rows below hold the values. Cells are split by `|` or tabs (HTML and document tables, CSV
//! files and spreadsheets arrive in that form), or by spaces when an HTML body collapsed the
//! tabs of a pasted table and the header is field names only. pppd's secrets files
//! (`chap-secrets`, `pap-secrets`) are such a table too: their comment header names the columns.

use std::sync::OnceLock;

use regex::Regex;

use super::words::{LABELS, PREFIXES};
use super::{phrasing, values};

/// Password columns of tables: a header cell names the column, the rows below hold the values.
/// Rows are lines whose cells are separated by `|` or tabs (HTML and document tables, CSV files
/// and spreadsheets arrive here in that form).
pub(super) fn tables(text: &str) -> Vec<phrasing::Found> {
    let mut out = Vec::new();
    // A table whose tabs an HTML body made spaces: a header of field names only ("Account
    // Username Password"), then rows of as many words.
    let mut spaced = 0;
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| {
            if l.contains('|') || l.contains('\t') {
                spaced = 0;
                let cells: Vec<&str> = l.split(['|', '\t']).map(str::trim).collect();
                let a = usize::from(cells.first().is_some_and(|c| c.is_empty()));
                let b = cells.len()
                    - usize::from(cells.len() > a && cells.last().is_some_and(|c| c.is_empty()));
                cells[a..b.max(a)].to_vec()
            } else {
                if spaced > 0 {
                    let words: Vec<&str> = l.split_whitespace().collect();
                    if words.len() == spaced {
                        return words;
                    }
                }
                spaced = 0;
                // (Most lines start with no column's name: one look at the first word.)
                let first = l.split_whitespace().next().unwrap_or("");
                if l.len() > 100 || !first_field(first) {
                    return Vec::new();
                }
                let words: Vec<&str> = l.split_whitespace().collect();
                if (2..=6).contains(&words.len())
                    && words.iter().all(|w| field_name(w))
                    && words.iter().any(|w| is_password_header(w))
                {
                    spaced = words.len();
                    words
                } else {
                    Vec::new()
                }
            }
        })
        .collect();
    // (An HTML table's source, laid out one element per line, leaves blank lines between its
    // rows: they do not end the table. Read only once a header is found: most texts have none.)
    let mut blank: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let header = &rows[i];
        // (A row of data is no header: "| L2CAP/COS/CED/BI-05-C | PASS | 6.1 |" is a test's
        // result.)
        let data = header
            .iter()
            .any(|c| c.contains('/') || c.chars().any(|ch| ch.is_ascii_digit()));
        let col = (header.len() >= 2 && !data)
            .then(|| header.iter().position(|c| is_password_header(c)))
            .flatten();
        let Some(col) = col else {
            i += 1;
            continue;
        };
        if blank.is_empty() {
            blank = text.lines().map(|l| l.trim().is_empty()).collect();
        }
        let lower: Vec<String> = header.iter().map(|c| c.to_lowercase()).collect();
        let user = lower.iter().any(|c| USER_COLUMNS.contains(&c.as_str()));
        let host = lower.iter().any(|c| HOST_COLUMNS.contains(&c.as_str()));
        let mut j = i + 1;
        while blank.get(j) == Some(&true) {
            j += 1;
        }
        // Markdown's separator row.
        if rows
            .get(j)
            .is_some_and(|r| r.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))))
        {
            j += 1;
        }
        let mut cells: Vec<&str> = Vec::new();
        while let Some(row) = rows.get(j) {
            if blank[j] {
                j += 1;
                continue;
            }
            if row.len() < 2 {
                break;
            }
            if let Some(v) = row.get(col) {
                cells.push(v.trim_matches(['`', '"', '\'']));
            }
            j += 1;
        }
        // One plain word in every row is the column's status, not passwords: a breach
        // report's "Password: Affected" for each leaked service.
        let status = cells.len() >= 2
            && cells
                .iter()
                .all(|v| *v == cells[0] && v.chars().all(char::is_alphabetic));
        for v in cells.into_iter().filter(|_| !status) {
            if values::plausible(v, false, false) && !is_password_header(v) && !v.contains(' ') {
                out.push(phrasing::Found {
                    label: format!("{} column", header[col]),
                    value: v.to_string(),
                    how: "table",
                    user,
                    host,
                });
            }
        }
        i = j;
    }
    out.extend(ppp_secrets(text));
    out
}

/// The secrets of pppd's `chap-secrets` and `pap-secrets` files as people paste them: under the
/// files' own comment header (`# client  server  secret  IP addresses`), each row's third word.
fn ppp_secrets(text: &str) -> Vec<phrasing::Found> {
    let mut out = Vec::new();
    // (The header names a secret column: most texts name none.)
    if !text.contains("secret") && !text.contains("SECRET") && !text.contains("Secret") {
        return out;
    }
    let mut rows = false;
    for line in text.lines() {
        let l = line.trim_start_matches(['>', ' ']).trim();
        if let Some(comment) = l.strip_prefix('#') {
            let words: Vec<String> = comment
                .split_whitespace()
                .take(3)
                .map(str::to_lowercase)
                .collect();
            rows = rows || words == ["client", "server", "secret"];
            continue;
        }
        if !rows || l.is_empty() {
            continue;
        }
        let words: Vec<&str> = l.split_whitespace().collect();
        if !(3..=8).contains(&words.len()) {
            rows = false;
            continue;
        }
        let v = words[2].trim_matches(['"', '\'']);
        if values::plausible(v, false, false) {
            out.push(phrasing::Found {
                label: "secret column".to_string(),
                value: v.to_string(),
                how: "table",
                user: true,
                host: false,
            });
        }
    }
    out
}

/// The names of a column that holds accounts.
const USER_COLUMNS: &[&str] = &[
    "user",
    "username",
    "user name",
    "login",
    "benutzer",
    "benutzername",
    "utilisateur",
    "identifiant",
    "usuario",
    "utente",
    "gebruiker",
    "gebruikersnaam",
    "account",
    "e-mail",
    "email",
];

/// The names of a column that holds hosts.
const HOST_COLUMNS: &[&str] = &[
    "host", "hostname", "server", "ip", "address", "url", "adresse", "serveur", "servidor",
    "system", "site", "website",
];

/// The other names a table of accounts gives its columns (a password column may come first).
const OTHER_COLUMNS: &[&str] = &[
    "accounts",
    "service",
    "name",
    "role",
    "app",
    "application",
    "konto",
    "dienst",
    "compte",
    "cuenta",
    "password",
    "passwort",
    "kennwort",
    "pw",
    "pwd",
    "pass",
    "passcode",
    "pin",
    "contraseña",
    "wachtwoord",
    "senha",
    "passphrase",
];

/// Whether `low`, in lower case, names a column of a table of accounts.
fn known_column(low: &[u8]) -> bool {
    [USER_COLUMNS, HOST_COLUMNS, OTHER_COLUMNS]
        .iter()
        .any(|list| list.iter().any(|f| f.as_bytes() == low))
}

/// Whether `w` names a known column, asked of every line's first word: lower-cased into a
/// small buffer (most words are too long or too short to be asked at all).
fn first_field(w: &str) -> bool {
    if !(2..=12).contains(&w.len()) {
        return false;
    }
    let mut buf = [0u8; 12];
    for (b, c) in buf.iter_mut().zip(w.bytes()) {
        *b = c.to_ascii_lowercase();
    }
    known_column(&buf[..w.len()])
}

/// A column's name in a table of accounts.
fn field_name(w: &str) -> bool {
    let w = w.trim_end_matches(':');
    known_column(w.to_lowercase().as_bytes()) || is_password_header(w)
}

/// Whether a table's header cell names a password column.
pub(super) fn is_password_header(cell: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(r"(?i)^\s*{PREFIXES}(?:{LABELS})\s*[:]?\s*$"))
            .expect("built-in pattern")
    })
    .is_match(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        tables(t).into_iter().map(|f| f.value).collect()
    }

    #[test]
    fn an_html_tables_rows_with_blank_lines_between() {
        let t = "Service | Username | Password |\n\n\nVesta | admin | vQ7Fp1IYDi |\n\nDatabase | acen | DLq8k5edSF |\n";
        assert_eq!(values(t), vec!["vQ7Fp1IYDi", "DLq8k5edSF"]);
    }

    #[test]
    fn pppd_secrets_under_their_header() {
        let file = "# Secrets for authentication using CHAP\n\
                    # client\tserver\tsecret\t\t\tIP addresses\n\
                    anna    pptpd   anna7741    *\n\
                    \"tom\"   *   \"Tq8!wmz2\"   10.0.0.0/24\n";
        assert_eq!(values(file), vec!["anna7741", "Tq8!wmz2"]);
        // Without the header, or with the files' placeholders, nothing.
        assert!(values("anna    pptpd   anna7741    *").is_empty());
        assert!(values("# client server secret IP\n<username> SSTP <password> *").is_empty());
    }
}
