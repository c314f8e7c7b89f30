//! Small MIME helpers: header encoding, address formatting, transfer encodings.
//!
//! sealmail writes every line it produces with CRLF endings, so that the bytes it signs are the
//! bytes that travel.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::SystemTime;

use base64::Engine;

/// An address with an optional display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name, if any.
    pub name: Option<String>,
    /// The address (`local@domain`).
    pub email: String,
}

/// A string that is not a usable e-mail address.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an e-mail address (want name@domain or \"Name <name@domain>\")")]
pub struct BadAddress(pub String);

impl std::str::FromStr for Mailbox {
    type Err = BadAddress;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (name, email) = match (s.rfind('<'), s.rfind('>')) {
            (Some(a), Some(b)) if a < b => {
                let n = s[..a].trim().trim_matches('"').trim();
                ((!n.is_empty()).then(|| n.to_string()), s[a + 1..b].trim())
            }
            _ => (None, s),
        };
        let ok = email.len() <= 254
            && email.split('@').count() == 2
            && !email.starts_with('@')
            && !email.ends_with('@')
            && email.contains('.')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c));
        if !ok {
            return Err(BadAddress(s.to_string()));
        }
        Ok(Mailbox {
            name,
            email: email.to_string(),
        })
    }
}

impl Mailbox {
    /// The mailbox as it goes into a header: an encoded display name, then `<address>`.
    pub fn to_header(&self) -> String {
        match &self.name {
            Some(n) => format!("{} <{}>", encode_phrase(n), self.email),
            None => self.email.clone(),
        }
    }

    /// The domain part of the address.
    pub fn domain(&self) -> &str {
        self.email.rsplit('@').next().unwrap_or("localhost")
    }
}

/// Encodes a display name: as is when it is plain ASCII words, quoted when it has specials,
/// RFC 2047 encoded when it is not ASCII.
pub fn encode_phrase(s: &str) -> String {
    if !s.is_ascii() {
        return encode_word(s);
    }
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " !#$%&'*+-/=?^_`{|}~".contains(c))
    {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Encodes an unstructured header value (e.g. Subject) as RFC 2047 words if it is not ASCII.
pub fn encode_text(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.is_ascii() {
        s
    } else {
        encode_word(&s)
    }
}

/// RFC 2047 base64 encoded words, split at character boundaries so each word stays short.
fn encode_word(s: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| {
            format!(
                "=?UTF-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w.as_bytes())
            )
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// An address list header value.
pub fn address_list(list: &[Mailbox]) -> String {
    list.iter()
        .map(Mailbox::to_header)
        .collect::<Vec<_>>()
        .join(",\r\n ")
}

/// An RFC 5322 date.
pub fn date(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    // The OS random source failing is not something a caller can act on; fall back to the
    // clock so that a boundary is still unique.
    if getrandom::fill(&mut b).is_err() {
        let t = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        b.iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = (t >> ((i % 16) * 8)) as u8);
    }
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// A fresh MIME boundary.
pub fn boundary() -> String {
    format!("=-sealmail-{}", random_hex(12))
}

/// A fresh Message-ID for a sender's domain.
pub fn message_id(domain: &str) -> String {
    format!("<{}@{}>", random_hex(16), domain)
}

/// Quoted-printable encoding of UTF-8 text, with CRLF line ends, lines of at most 76
/// characters, trailing white space and a leading "From " protected.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let normalized = text.replace("\r\n", "\n");
    for line in normalized.split('\n') {
        let bytes = line.as_bytes();
        let mut col = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let from_escape = i == 0 && line.starts_with("From ");
            let enc = from_escape
                || b == b'='
                || !(b == b' ' || b == b'\t' || (33..=126).contains(&b))
                || (last && (b == b' ' || b == b'\t'))
                || (i == 0 && b == b'.');
            let piece_len = if enc { 3 } else { 1 };
            if col + piece_len > 75 {
                out.push_str("=\r\n");
                col = 0;
            }
            if enc {
                let _ = write!(out, "={b:02X}");
            } else {
                out.push(b as char);
            }
            col += piece_len;
        }
        out.push_str("\r\n");
    }
    // `split` yields a last empty piece after a final newline; drop the extra CRLF.
    if normalized.ends_with('\n') {
        out.truncate(out.len() - 2);
    }
    out
}

/// Writes `data` base64-encoded in lines of 76 characters, each ended by CRLF.
pub fn write_base64_lines(out: &mut dyn Write, data: &[u8]) -> io::Result<()> {
    for chunk in data.chunks(57) {
        let line = base64::engine::general_purpose::STANDARD.encode(chunk);
        out.write_all(line.as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    Ok(())
}

/// Streams the file at `path` base64-encoded in lines of 76 characters, each ended by CRLF,
/// in constant memory.
pub fn write_base64_file(out: &mut dyn Write, path: &std::path::Path) -> io::Result<()> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    // A multiple of 57 bytes, so that every chunk but the last fills whole lines.
    let mut buf = vec![0u8; 57 * 1024];
    loop {
        let mut n = 0;
        while n < buf.len() {
            match f.read(&mut buf[n..])? {
                0 => break,
                k => n += k,
            }
        }
        if n == 0 {
            break;
        }
        write_base64_lines(out, &buf[..n])?;
        if n < buf.len() {
            break;
        }
    }
    Ok(())
}

/// Writes everything to two writers.
pub struct Tee<A: Write, B: Write> {
    a: A,
    b: B,
}

impl<A: Write, B: Write> Tee<A, B> {
    /// Both writers.
    pub fn new(a: A, b: B) -> Self {
        Tee { a, b }
    }
}

impl<A: Write, B: Write> Write for Tee<A, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.a.write_all(buf)?;
        self.b.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.a.flush()?;
        self.b.flush()
    }
}

/// Holds the last two bytes back; [`HoldBackCrlf::finish`] drops them if they are a CRLF (the
/// line break that belongs to the next MIME boundary), else writes them.
pub struct HoldBackCrlf<W: Write> {
    inner: W,
    held: Vec<u8>,
}

impl<W: Write> HoldBackCrlf<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HoldBackCrlf {
            inner,
            held: Vec::with_capacity(2),
        }
    }

    /// Ends the stream. You MUST call it, or the last two bytes are lost.
    pub fn finish(mut self) -> io::Result<()> {
        if self.held != b"\r\n" {
            self.inner.write_all(&self.held)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Write for HoldBackCrlf<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() >= 2 {
            self.inner.write_all(&self.held)?;
            self.inner.write_all(&buf[..buf.len() - 2])?;
            self.held.clear();
            self.held.extend_from_slice(&buf[buf.len() - 2..]);
        } else {
            self.held.extend_from_slice(buf);
            if self.held.len() > 2 {
                let extra = self.held.len() - 2;
                self.inner.write_all(&self.held[..extra])?;
                self.held.drain(..extra);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A filename fit for a `filename=` parameter: no path, no quotes, no control characters.
pub fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "attachment.bin".into()
    } else {
        cleaned
    }
}

/// A writer that turns lone LF into CRLF (for ASCII armor that goes into a mail).
pub struct CrlfWriter<W: Write> {
    inner: W,
    last_cr: bool,
}

impl<W: Write> CrlfWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        CrlfWriter {
            inner,
            last_cr: false,
        }
    }
    /// Returns the inner writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CrlfWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if b == b'\n' && !(i == 0 && self.last_cr) && !(i > 0 && buf[i - 1] == b'\r') {
                self.inner.write_all(&buf[start..i])?;
                self.inner.write_all(b"\r\n")?;
                start = i + 1;
            }
        }
        self.inner.write_all(&buf[start..])?;
        if let Some(&l) = buf.last() {
            self.last_cr = l == b'\r';
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The offset just past the blank line that ends the header section (or the end).
pub(crate) fn find_header_end(raw: &[u8]) -> usize {
    let mut i = 0;
    while i < raw.len() {
        let end = raw[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| i + p + 1)
            .unwrap_or(raw.len());
        let line = &raw[i..end];
        if line == b"\n" || line == b"\r\n" {
            return i;
        }
        i = end;
    }
    raw.len()
}

/// The header fields of a header section, each with its folded continuation lines.
pub(crate) fn header_fields(head: &[u8]) -> Vec<&[u8]> {
    let mut fields: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < head.len() {
        let end = head[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| i + p + 1)
            .unwrap_or(head.len());
        if (head[i] == b' ' || head[i] == b'\t') && !fields.is_empty() {
            fields.last_mut().unwrap().1 = end;
        } else {
            fields.push((i, end));
        }
        i = end;
    }
    fields.into_iter().map(|(a, b)| &head[a..b]).collect()
}

/// Normalizes line ends to CRLF (lone LF and lone CR become CRLF).
pub fn to_crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32);
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\r' if data.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qp_round_trip_shapes() {
        assert_eq!(
            quoted_printable("a=b\nFrom me \n"),
            "a=3Db\r\n=46rom me=20\r\n"
        );
        assert_eq!(quoted_printable("blå"), "bl=C3=A5\r\n");
        let long = "x".repeat(200);
        assert!(quoted_printable(&long).lines().all(|l| l.len() <= 76));
    }

    #[test]
    fn mailbox_parse() {
        let m: Mailbox = "Bob B <bob@example.org>".parse().unwrap();
        assert_eq!(m.name.as_deref(), Some("Bob B"));
        assert_eq!(m.email, "bob@example.org");
        assert!("not an address".parse::<Mailbox>().is_err());
        assert!("a@b".parse::<Mailbox>().is_err());
    }

    #[test]
    fn crlf_writer() {
        let mut w = CrlfWriter::new(Vec::new());
        w.write_all(b"a\nb\r\nc\r").unwrap();
        w.write_all(b"\nd\n").unwrap();
        assert_eq!(w.into_inner(), b"a\r\nb\r\nc\r\nd\r\n");
    }
}
