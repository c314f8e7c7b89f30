//! One message, every carrier: the text and HTML parts (after their transfer encoding), the
//! subject, attached text files, office documents, PDFs, images (through Tesseract), zip
//! archives one level deep, and forwarded messages inside it. Each carrier becomes pieces of
//! text with a place (`body`, `attachment NAME`, `document NAME page N`, `image NAME (text
//! recognised)`) that the rules in `text` read.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use regex::Regex;

use super::documents::{self, DocError, Kind};
use super::outlook;
use super::text::{self, Hit};
use super::tools::{Ocr, ToolError};
use super::Options;

mod html;
mod programs;
mod wrappers;

use html::{html_text, same_lines, source_table};

/// A secret found, with where it sits and what identifies its copies elsewhere.
pub(super) struct Located {
    pub hit: Hit,
    pub part: String,
    /// Salted hashes: of the secret, and of the attachment it came from.
    pub keys: Vec<[u8; 32]>,
}

/// What one message holds.
#[derive(Default)]
pub(super) struct Scanned {
    pub found: Vec<Located>,
    /// Places that could not be read: (part, why).
    pub unread: Vec<(String, String)>,
    pub encrypted: bool,
    pub images_read: usize,
    pub documents_read: usize,
    pub message_id: Option<String>,
    pub date: Option<String>,
    pub from: String,
    pub to: String,
    pub forwarded: bool,
    pub in_thread: bool,
}

/// Reads messages; shared by the audit's workers.
pub(super) struct Scanner {
    opts: Options,
    salt: [u8; 16],
    ocr: OnceLock<Result<Ocr, String>>,
    pdftotext: OnceLock<Option<PathBuf>>,
    pdftoppm: OnceLock<Option<PathBuf>>,
    pdfimages: OnceLock<Option<PathBuf>>,
    catdoc: OnceLock<Option<PathBuf>>,
    xls2csv: OnceLock<Option<PathBuf>>,
    catppt: OnceLock<Option<PathBuf>>,
    /// Why images were not read, once it is known (for the summary).
    pub(super) ocr_missing: Mutex<Option<String>>,
}

fn digest(salt: &[u8], data: &[u8]) -> [u8; 32] {
    let mut h = openssl::sha::Sha256::new();
    h.update(salt);
    h.update(data);
    h.finish()
}

/// A calendar invitation or a contact card as text for the rules (RFC 5545, 6350): folded lines
/// joined again (a line break and a space continue the line before), escaped line breaks,
/// commas and semicolons in values turned back into themselves.
fn calendar_text(ics: &str) -> String {
    let unfolded = ics
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
        .replace("\n\t", "");
    let mut out = String::with_capacity(unfolded.len());
    let mut chars = unfolded.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn calendar(ct: &str, name: &str) -> bool {
    let lower = name.to_lowercase();
    [
        "text/calendar",
        "text/vcard",
        "text/x-vcard",
        "application/ics",
    ]
    .contains(&ct)
        || [".ics", ".vcs", ".vcf"].iter().any(|e| lower.ends_with(e))
}

fn is_screenshot_name(name: &str) -> bool {
    let n = name.to_lowercase();
    [
        "screenshot",
        "screen shot",
        "bildschirmfoto",
        "capture",
        "snip",
        "screen_shot",
        "scrn",
        "schermata",
        "captura",
        "bildschirmaufnahme",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Names of files that are secrets whatever their content says.
fn secret_file_name(name: &str) -> bool {
    let n = name.to_lowercase();
    let base = n.rsplit(['/', '\\']).next().unwrap_or(&n);
    [
        ".pgpass",
        ".netrc",
        ".htpasswd",
        "credentials",
        "credentials.csv",
        "credentials.json",
        ".git-credentials",
        "wp-config.php",
    ]
    .contains(&base)
        || [".p12", ".pfx", ".jks", ".keystore", ".ppk"]
            .iter()
            .any(|e| base.ends_with(e))
}

impl Scanner {
    pub(super) fn new(opts: Options) -> Scanner {
        let mut salt = [0u8; 16];
        // A salt per run: hashes of secrets mean nothing outside it.
        let _ = getrandom::fill(&mut salt);
        Scanner {
            opts,
            salt,
            ocr: OnceLock::new(),
            pdftotext: OnceLock::new(),
            pdftoppm: OnceLock::new(),
            pdfimages: OnceLock::new(),
            catdoc: OnceLock::new(),
            xls2csv: OnceLock::new(),
            catppt: OnceLock::new(),
            ocr_missing: Mutex::new(None),
        }
    }

    fn ocr(&self) -> Result<&Ocr, String> {
        let r = self.ocr.get_or_init(|| {
            if !self.opts.ocr {
                return Err("text recognition was turned off (--no-ocr)".into());
            }
            Ocr::detect(&self.opts.ocr_languages)
        });
        r.as_ref().map_err(|e| {
            let mut m = self.ocr_missing.lock().unwrap_or_else(|p| p.into_inner());
            m.get_or_insert_with(|| e.clone());
            e.clone()
        })
    }

    /// Scans one message.
    pub(super) fn message(&self, raw: &[u8]) -> Scanned {
        let mut out = Scanned::default();
        let Some(msg) = MessageParser::default().parse(raw) else {
            return out;
        };
        let ct = msg
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
            .unwrap_or_default();
        if ct == "multipart/encrypted"
            || ct == "application/pkcs7-mime"
            || ct == "application/x-pkcs7-mime"
        {
            out.encrypted = true;
            return out;
        }
        let addr = |a: Option<&mail_parser::Address<'_>>| {
            a.map(|a| {
                a.iter()
                    .filter_map(|m| m.address())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
        };
        let subject = msg.subject().unwrap_or("").to_string();
        let sl = subject.to_lowercase();
        out.forwarded = ["fwd:", "fw:", "wg:", "tr:", "rv:", "i:", "doorst:", "vs:"]
            .iter()
            .any(|p| sl.starts_with(p) || sl.contains(&format!(" {p}")))
            || msg
                .parts
                .iter()
                .any(|p| matches!(p.body, PartType::Message(_)));
        out.in_thread =
            msg.header_raw("References").is_some() || msg.header_raw("In-Reply-To").is_some();
        out.message_id = msg.message_id().map(|m| format!("<{m}>"));
        out.date = msg.date().map(|d| d.to_rfc3339());
        out.from = addr(msg.from());
        out.to = [addr(msg.to()), addr(msg.cc())]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        self.text(&subject, "subject", None, &mut out);
        self.parts(&msg, "", 0, &mut out);
        out
    }

    fn parts(&self, msg: &Message<'_>, prefix: &str, depth: usize, out: &mut Scanned) {
        let mut inline_images = 0;
        // The plain bodies read, for an HTML alternative that repeats one.
        let mut plain: Vec<&str> = Vec::new();
        for part in &msg.parts {
            let name = part.attachment_name().map(str::to_string);
            let ct = part
                .content_type()
                .map(|c| {
                    format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase()
                })
                .unwrap_or_default();
            let attached = part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
            match &part.body {
                PartType::Multipart(_) => {}
                PartType::Message(inner) => {
                    if depth < 3 {
                        let p = format!(
                            "{prefix}forwarded message {}: ",
                            inner.subject().unwrap_or("")
                        );
                        self.text(
                            inner.subject().unwrap_or(""),
                            &format!("{p}subject"),
                            None,
                            out,
                        );
                        self.parts(inner, &p, depth + 1, out);
                    }
                }
                PartType::Text(t) if name.is_none() && !attached => {
                    if calendar(&ct, "") {
                        self.text(&calendar_text(t), &format!("{prefix}invitation"), None, out);
                    } else {
                        self.text(t, &format!("{prefix}body"), None, out);
                        plain.push(t);
                    }
                }
                PartType::Html(h) if name.is_none() && !attached => {
                    let text = html_text(h);
                    if !plain.iter().any(|p| same_lines(p, &text)) {
                        self.text(&text, &format!("{prefix}body"), None, out);
                    }
                }
                _ => {
                    let data = part.contents();
                    let label = name
                        .clone()
                        .or_else(|| {
                            part.content_id()
                                .map(|c| c.trim_matches(['<', '>']).to_string())
                        })
                        .unwrap_or_else(|| {
                            inline_images += 1;
                            format!("part {inline_images}")
                        });
                    self.attachment(&label, &ct, data, prefix, depth, out);
                }
            }
        }
    }

    fn text(&self, text: &str, part: &str, file_key: Option<[u8; 32]>, out: &mut Scanned) {
        if binary(text) {
            return;
        }
        // A table's HTML shown as text (a README's source pasted into a mail): its cells are
        // read as the table they make too.
        if let Some(table) = source_table(text) {
            self.scan_text(&table, part, file_key, out);
        }
        self.scan_text(text, part, file_key, out);
    }

    fn scan_text(&self, text: &str, part: &str, file_key: Option<[u8; 32]>, out: &mut Scanned) {
        for hit in text::scan(text) {
            let mut keys = vec![digest(&self.salt, hit.value.as_bytes())];
            // Text recognition confuses O and 0, l and 1, S and 5: a typed copy and a
            // screenshot of one secret are one leak.
            let folded = zeroize::Zeroizing::new(ocr_fold(&hit.value));
            keys.push(digest(&self.salt, folded.as_bytes()));
            keys.extend(file_key);
            if !out.found.iter().any(|l| l.keys[0] == keys[0]) {
                out.found.push(Located {
                    hit,
                    part: part.to_string(),
                    keys,
                });
            }
        }
    }

    fn flag(
        &self,
        kind: &'static str,
        detail: &str,
        excerpt: String,
        part: &str,
        key: [u8; 32],
        out: &mut Scanned,
    ) {
        if !out.found.iter().any(|l| l.keys[0] == key) {
            out.found.push(Located {
                hit: Hit {
                    kind,
                    detail: detail.into(),
                    excerpt,
                    value: Default::default(),
                },
                part: part.to_string(),
                keys: vec![key],
            });
        }
    }

    /// One attached file (or a file inside an archive when `depth` says so).
    fn attachment(
        &self,
        name: &str,
        ct: &str,
        data: &[u8],
        prefix: &str,
        depth: usize,
        out: &mut Scanned,
    ) {
        let key = digest(&self.salt, data);
        let before = out.found.len();
        let kind = documents::sniff(name, ct, data);
        let place = |what: &str| format!("{prefix}{what}");
        match kind {
            Kind::Text | Kind::Csv => {
                let t = String::from_utf8_lossy(data);
                let lower = name.to_lowercase();
                let t = if kind == Kind::Csv {
                    documents::csv_rows(&t)
                } else if calendar(ct, name) {
                    calendar_text(&t)
                } else if lower.ends_with(".html") || lower.ends_with(".htm") || ct == "text/html" {
                    html_text(&t)
                } else {
                    t.into_owned()
                };
                self.text(&t, &place(&format!("attachment {name}")), Some(key), out);
            }
            // Tesseract may still read what is not decoded here (or says why not).
            Kind::Image | Kind::OtherImage => self.image(name, data, prefix, Some(key), out),
            Kind::Pdf => self.pdf(name, data, prefix, key, out),
            Kind::Zip => match documents::unzip(data) {
                Ok(u) if u.document => {
                    out.documents_read += 1;
                    for s in &u.sections {
                        let p = if s.place.is_empty() {
                            format!("document {name}")
                        } else {
                            format!("document {name} {}", s.place)
                        };
                        self.text(&s.text, &place(&p), Some(key), out);
                    }
                    for (n, b) in &u.files {
                        if documents::sniff(n, "", b) == Kind::Image {
                            self.image(&format!("{name}/{n}"), b, prefix, Some(key), out);
                        }
                    }
                }
                Ok(u) => {
                    for (n, why) in &u.unread {
                        out.unread
                            .push((place(&format!("attachment {name}/{n}")), why_text(why)));
                    }
                    for (n, b) in &u.files {
                        if depth > 0 || documents::sniff(n, "", b) == Kind::Zip && !is_office(n) {
                            out.unread.push((
                                place(&format!("attachment {name}/{n}")),
                                "archive inside an archive not opened".into(),
                            ));
                            continue;
                        }
                        self.attachment(&format!("{name}/{n}"), "", b, prefix, depth + 1, out);
                    }
                }
                Err(e) => out
                    .unread
                    .push((place(&format!("attachment {name}")), why_text(&e))),
            },
            Kind::Compound if outlook::is_item(data) => {
                self.outlook(name, data, prefix, depth, out)
            }
            Kind::Compound => self.old_office(name, data, prefix, key, out),
            Kind::Rtf => self.rtf(name, data, prefix, key, out),
            Kind::Tnef => self.tnef(name, data, prefix, depth, out),
            Kind::Vault => out.unread.push((
                place(&format!("attachment {name}")),
                "could not be read (protected): a KeePass vault".into(),
            )),
            Kind::OtherArchive => out.unread.push((
                place(&format!("attachment {name}")),
                "could not be read (archive format not opened; zip is)".into(),
            )),
            Kind::Encrypted | Kind::Other => {}
        }
        if out.found.len() == before && secret_file_name(name) && !matches!(kind, Kind::Encrypted) {
            self.flag(
                "secret-file",
                "file name",
                format!("attachment {name}"),
                &place(&format!("attachment {name}")),
                key,
                out,
            );
        }
    }

    fn image(
        &self,
        name: &str,
        data: &[u8],
        prefix: &str,
        file_key: Option<[u8; 32]>,
        out: &mut Scanned,
    ) {
        let part = format!("{prefix}image {name} (text recognised)");
        let key = file_key.unwrap_or_else(|| digest(&self.salt, data));
        let why = match self.ocr().map(|ocr| ocr.read(data)) {
            Ok(Ok(t)) => {
                out.images_read += 1;
                self.text(&t, &part, Some(key), out);
                return;
            }
            Ok(Err(ToolError::Failed(m))) => format!("image could not be read ({m})"),
            Ok(Err(ToolError::Protected)) => "image could not be read (protected)".into(),
            Err(_) => "image not read (no text recognition)".into(),
        };
        out.unread.push((format!("{prefix}image {name}"), why));
        // Unread, but named like a screenshot: someone should look at it.
        if is_screenshot_name(name) {
            self.flag(
                "screenshot-review",
                "file name",
                format!("image {name} (review by eye)"),
                &format!("{prefix}image {name}"),
                key,
                out,
            );
        }
    }
}

fn is_office(name: &str) -> bool {
    let n = name.to_lowercase();
    ["docx", "xlsx", "pptx", "odt", "ods", "odp", "docm", "xlsm"]
        .iter()
        .any(|e| n.ends_with(&format!(".{e}")))
}

fn why_text(e: &DocError) -> String {
    match e {
        DocError::Protected => "could not be read (protected)".into(),
        DocError::Unreadable(m) => format!("could not be read ({m})"),
    }
}

/// pdftotext's layout mode lines columns up with runs of spaces: make them cells.
fn columns(page: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| super::pattern::regex(r"[ ]{3,}").expect("built-in pattern"))
        .replace_all(page, "\t")
        .into_owned()
}

/// Whether "text" is binary data read as text (a mislabelled part, a file that is no message).
fn binary(text: &str) -> bool {
    let mut odd = 0usize;
    let mut all = 0usize;
    for c in text.chars().take(64 * 1024) {
        all += 1;
        if c == '\u{fffd}' || (c.is_control() && !"\t\n\r\u{c}".contains(c)) {
            odd += 1;
        }
    }
    all > 0 && odd * 50 > all
}

/// A secret with the characters text recognition confuses made one.
fn ocr_fold(v: &str) -> String {
    v.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'O' | 'o' | 'D' => '0',
            'I' | 'l' | '|' | '!' | 'i' => '1',
            'S' | 's' | '$' => '5',
            'B' => '8',
            'Z' | 'z' => '2',
            'G' => '6',
            c => c,
        })
        .collect()
}
