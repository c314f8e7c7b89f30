//! The MIME splitter: walks a decrypted entity line by line as it streams in, enforcing the
//! nesting and part limits, and keeps a small "skeleton" of it in which each large part is
//! replaced by a token that names its temporary file (see [`super::spill`]).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use mail_parser::{MessageParser, MimeHeaders};

use super::lines::{delimiter, eol_len, is_blank_line};
use super::spill::{Cte, Spill, SpillWriter};
use super::{MAX_HEAD, MAX_LINE};
use crate::read::limits::Limits;
use crate::read::ReadError;

/// A part whose encoded body grows beyond this goes to a file.
const KEEP_PART: usize = 1 << 20;
/// Everything kept in memory together stays below this.
const KEEP_TOTAL: usize = 16 << 20;

enum State {
    /// Reading a header section.
    Headers(Vec<u8>),
    /// Inside a multipart, outside its children (preamble, epilogue).
    Between,
    /// In a leaf's body.
    Leaf {
        cte: Cte,
        kept: Vec<u8>,
        spill: Option<Box<SpillWriter>>,
    },
}

/// Walks a MIME entity as it streams in, enforcing the nesting and part limits; keeps a
/// skeleton of it with large parts replaced by tokens (see the module documentation).
pub(crate) struct Splitter {
    skeleton: Vec<u8>,
    partial: Vec<u8>,
    at_line_start: bool,
    /// `--boundary` of every open multipart, outermost first.
    stack: Vec<Vec<u8>>,
    state: State,
    parts: usize,
    depth: usize,
    limits: Limits,
    /// Keep nothing: only check the limits.
    count_only: bool,
    spill_dir: Option<PathBuf>,
    nonce: String,
    spills: Vec<Spill>,
    /// A leaf's last line end, which belongs to the delimiter after it.
    pending_eol: Vec<u8>,
}

impl Splitter {
    /// A splitter that keeps a skeleton and puts large parts into `spill_dir` (or counts
    /// them only).
    pub(crate) fn new(limits: Limits, spill_dir: Option<&Path>) -> Self {
        Splitter {
            skeleton: Vec::new(),
            partial: Vec::new(),
            at_line_start: true,
            stack: Vec::new(),
            state: State::Headers(Vec::new()),
            parts: 0,
            depth: 0,
            limits,
            count_only: false,
            spill_dir: spill_dir.map(Path::to_path_buf),
            nonce: crate::mime::random_hex(16),
            spills: Vec::new(),
            pending_eol: Vec::new(),
        }
    }

    /// A splitter that only checks the limits.
    pub(crate) fn counter(limits: Limits) -> Self {
        let mut s = Splitter::new(limits, None);
        s.count_only = true;
        s
    }

    /// The deepest nesting of multiparts seen.
    #[cfg(test)]
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// Takes the next bytes of the entity.
    pub(crate) fn feed(&mut self, data: &[u8]) -> Result<(), ReadError> {
        let mut rest = data;
        while !rest.is_empty() {
            if self.partial.is_empty() && matches!(self.state, State::Leaf { .. }) {
                // Inside a part's body only a line starting with `-` can end it: the lines
                // before the next such line go in one piece.
                let run = if self.at_line_start && rest[0] == b'-' {
                    0
                } else {
                    let stop = memchr::memmem::find(rest, b"\n-").map_or(rest.len(), |i| i + 1);
                    memchr::memrchr(b'\n', &rest[..stop]).map_or(0, |i| i + 1)
                };
                if run > 0 {
                    self.leaf_lines(&rest[..run])?;
                    rest = &rest[run..];
                    continue;
                }
            }
            match memchr::memchr(b'\n', rest) {
                Some(i) => {
                    if self.partial.is_empty() {
                        self.line(&rest[..=i])?;
                    } else {
                        self.partial.extend_from_slice(&rest[..=i]);
                        let l = std::mem::take(&mut self.partial);
                        self.line(&l)?;
                    }
                    rest = &rest[i + 1..];
                }
                None => {
                    self.partial.extend_from_slice(rest);
                    rest = &[];
                    if self.partial.len() >= MAX_LINE {
                        let l = std::mem::take(&mut self.partial);
                        self.line(&l)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn keep(&mut self, data: &[u8]) {
        if !self.count_only {
            self.skeleton.extend_from_slice(data);
        }
    }

    fn line(&mut self, l: &[u8]) -> Result<(), ReadError> {
        let start = self.at_line_start;
        self.at_line_start = eol_len(l) > 0;
        if start && l.starts_with(b"--") {
            let hit = self
                .stack
                .iter()
                .enumerate()
                .rev()
                .find_map(|(i, b)| delimiter(l, b).map(|c| (i, c)));
            if let Some((idx, close)) = hit {
                self.end_entity()?;
                self.stack.truncate(idx + 1);
                let eol = std::mem::take(&mut self.pending_eol);
                self.keep(&eol);
                self.keep(l);
                if close {
                    self.stack.pop();
                    self.state = State::Between;
                } else {
                    self.state = State::Headers(Vec::new());
                }
                return Ok(());
            }
        }
        match &mut self.state {
            State::Headers(buf) => {
                if is_blank_line(l) {
                    let head = std::mem::take(buf);
                    self.begin_body(head, l)?;
                } else {
                    buf.extend_from_slice(l);
                    if buf.len() > MAX_HEAD {
                        // No header section is this large: it is content without headers.
                        let data = std::mem::take(buf);
                        self.count_part()?;
                        self.state = State::Leaf {
                            cte: Cte::Plain,
                            kept: Vec::new(),
                            spill: None,
                        };
                        self.leaf_data(&data)?;
                    }
                }
            }
            State::Between => {
                // Preamble and epilogue are never shown; keep a bounded amount.
                if self.skeleton.len() < KEEP_TOTAL {
                    self.keep(l);
                }
            }
            State::Leaf { .. } => self.leaf_lines(l)?,
        }
        Ok(())
    }

    /// Takes whole lines of a leaf's body (none of them a delimiter; the last one may lack its
    /// line end). The last line end is held back: it belongs to a delimiter that may follow.
    fn leaf_lines(&mut self, lines: &[u8]) -> Result<(), ReadError> {
        self.at_line_start = eol_len(lines) > 0;
        let e = eol_len(lines);
        let mut eol = std::mem::take(&mut self.pending_eol);
        self.leaf_data(&eol)?;
        self.leaf_data(&lines[..lines.len() - e])?;
        eol.clear();
        eol.extend_from_slice(&lines[lines.len() - e..]);
        self.pending_eol = eol;
        Ok(())
    }

    fn count_part(&mut self) -> Result<(), ReadError> {
        self.parts += 1;
        if self.parts > self.limits.max_parts {
            return Err(ReadError::Limit(format!(
                "the message has more than {} MIME parts (the limit)",
                self.limits.max_parts
            )));
        }
        Ok(())
    }

    fn begin_body(&mut self, head: Vec<u8>, blank: &[u8]) -> Result<(), ReadError> {
        self.count_part()?;
        let mut h = head;
        h.extend_from_slice(blank);
        let parsed = MessageParser::default().parse_headers(&h[..]);
        let ct = parsed.as_ref().and_then(|m| m.content_type());
        let multipart = ct.is_some_and(|c| c.ctype().eq_ignore_ascii_case("multipart"));
        let boundary = ct.and_then(|c| c.attribute("boundary")).map(str::to_owned);
        let cte = match parsed
            .as_ref()
            .and_then(|m| m.content_transfer_encoding())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("base64") => Cte::Base64,
            Some("quoted-printable") => Cte::QuotedPrintable,
            _ => Cte::Plain,
        };
        drop(parsed);
        self.keep(&h);
        match (multipart, boundary) {
            (true, Some(b)) => {
                let mut d = b"--".to_vec();
                d.extend_from_slice(b.as_bytes());
                self.stack.push(d);
                self.depth = self.depth.max(self.stack.len());
                if self.stack.len() > self.limits.max_depth {
                    return Err(ReadError::Limit(format!(
                        "the message nests MIME parts more than {} deep (the limit)",
                        self.limits.max_depth
                    )));
                }
                self.state = State::Between;
            }
            _ => {
                self.state = State::Leaf {
                    cte,
                    kept: Vec::new(),
                    spill: None,
                }
            }
        }
        Ok(())
    }

    fn leaf_data(&mut self, data: &[u8]) -> Result<(), ReadError> {
        if data.is_empty() || self.count_only {
            return Ok(());
        }
        let budget_left = KEEP_TOTAL.saturating_sub(self.skeleton.len());
        let State::Leaf { cte, kept, spill } = &mut self.state else {
            return Ok(());
        };
        if let Some(s) = spill {
            return s.feed(data).map_err(spill_err(&self.spill_dir));
        }
        kept.extend_from_slice(data);
        if kept.len() > KEEP_PART || kept.len() > budget_left {
            let mut s = SpillWriter::new(self.spill_dir.as_deref(), *cte)
                .map_err(spill_err(&self.spill_dir))?;
            s.feed(kept).map_err(spill_err(&self.spill_dir))?;
            *kept = Vec::new();
            *spill = Some(Box::new(s));
        }
        Ok(())
    }

    fn end_entity(&mut self) -> Result<(), ReadError> {
        match std::mem::replace(&mut self.state, State::Between) {
            State::Leaf { cte, kept, spill } => match spill {
                None => self.keep(&kept),
                Some(s) => {
                    let (path, size) = (*s).finish().map_err(spill_err(&self.spill_dir))?;
                    let token = format!("sealmail-part-{}-{}", self.nonce, self.spills.len());
                    let body = match cte {
                        Cte::Base64 => base64::engine::general_purpose::STANDARD.encode(&token),
                        _ => token.clone(),
                    };
                    self.keep(body.as_bytes());
                    self.spills.push(Spill {
                        token,
                        path: path.map(Arc::new),
                        size,
                    });
                }
            },
            State::Headers(buf) => {
                if !buf.is_empty() {
                    self.count_part()?;
                }
                self.keep(&buf);
            }
            State::Between => {}
        }
        Ok(())
    }

    /// Ends the input: returns the skeleton and the parts that went to files.
    pub(crate) fn finish(mut self) -> Result<(Vec<u8>, Vec<Spill>), ReadError> {
        if !self.partial.is_empty() {
            let l = std::mem::take(&mut self.partial);
            self.line(&l)?;
        }
        let eol = std::mem::take(&mut self.pending_eol);
        self.leaf_data(&eol)?;
        if matches!(self.state, State::Between) {
            self.keep(&eol);
        }
        self.end_entity()?;
        Ok((self.skeleton, self.spills))
    }
}

fn spill_err(dir: &Option<PathBuf>) -> impl Fn(io::Error) -> ReadError + '_ {
    move |source| ReadError::Write {
        path: dir.clone().unwrap_or_default(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `data` as base64 lines of 76 characters, each ending in CRLF.
    fn base64_lines(data: &[u8]) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(data);
        let mut out = Vec::new();
        for l in b64.as_bytes().chunks(76) {
            out.extend_from_slice(l);
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    /// Splits `raw`, fed in `chunk`-sized pieces, with large parts going to `dir`.
    fn split_into(raw: &[u8], dir: &Path, chunk: usize) -> (Vec<u8>, Vec<Spill>) {
        let mut s = Splitter::new(Limits::default(), Some(dir));
        for c in raw.chunks(chunk) {
            s.feed(c).unwrap();
        }
        s.finish().unwrap()
    }

    fn skeleton(raw: &[u8], chunk: usize) -> (Vec<u8>, Vec<Spill>) {
        let mut s = Splitter::new(Limits::default(), None);
        for c in raw.chunks(chunk) {
            s.feed(c).unwrap();
        }
        s.finish().unwrap()
    }

    #[test]
    fn small_entities_pass_unchanged() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\nepilogue\r\n";
        for chunk in [1, 3, 7, 1000] {
            let (sk, spills) = skeleton(raw, chunk);
            assert_eq!(sk, raw.to_vec(), "chunk {chunk}");
            assert!(spills.is_empty());
        }
    }

    #[test]
    fn runs_of_lines_end_only_at_real_delimiters() {
        // A large text part with lines that start with "-" and "--" but are not delimiters,
        // and a large base64 part with a stray character and padding in its last line: the
        // same content and skeleton whatever the size of the pieces fed.
        let mut text = Vec::new();
        for i in 0..100_000 {
            text.extend_from_slice(match i % 4 {
                0 => b"- a list item\r\n".as_slice(),
                1 => b"--b-not-the-boundary\r\n",
                2 => b"-- \r\n",
                _ => b"plain line\r\n",
            });
        }
        let data: Vec<u8> = (0..1_500_001u32).map(|i| (i % 253) as u8).collect();
        let mut b64 = base64_lines(&data);
        b64.splice(10..10, b"*".iter().copied());
        let mut raw = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n".to_vec();
        raw.extend_from_slice(&text);
        raw.extend_from_slice(b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        raw.extend_from_slice(&b64);
        raw.extend_from_slice(b"--b--\r\n");
        let mut first = None;
        for chunk in [1 << 20, 65536, 4093, 77] {
            let dir = tempfile::tempdir().unwrap();
            let (sk, spills) = split_into(&raw, dir.path(), chunk);
            assert_eq!(spills.len(), 2, "chunk {chunk}");
            let read = |i: usize| {
                let p = spills[i].path.as_ref().unwrap();
                std::fs::read(p.path()).unwrap()
            };
            // The text part keeps its bytes, less the line end that belongs to the delimiter.
            assert_eq!(read(0), text[..text.len() - 2].to_vec(), "chunk {chunk}");
            assert_eq!(read(1), data, "chunk {chunk}");
            let tokens: Vec<_> = spills.iter().map(|s| s.token.clone()).collect();
            let mut sk = String::from_utf8(sk).unwrap();
            for (i, t) in tokens.iter().enumerate() {
                sk = sk.replace(t, &format!("part{i}"));
            }
            let b64_token = base64::engine::general_purpose::STANDARD.encode(&tokens[1]);
            sk = sk.replace(&b64_token, "part1");
            match &first {
                None => first = Some(sk),
                Some(f) => assert_eq!(&sk, f, "chunk {chunk}"),
            }
        }
    }

    #[test]
    fn large_part_is_replaced_by_a_token() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut raw = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
        raw.extend_from_slice(&base64_lines(&data));
        raw.extend_from_slice(b"--b--\r\n");
        let dir = tempfile::tempdir().unwrap();
        let (sk, spills) = split_into(&raw, dir.path(), 65536);
        assert_eq!(spills.len(), 1);
        assert_eq!(spills[0].size, data.len() as u64);
        let path = spills[0].path.as_ref().unwrap();
        assert_eq!(std::fs::read(path.path()).unwrap(), data);
        assert!(sk.len() < 1000);
        let token_b64 = base64::engine::general_purpose::STANDARD.encode(&spills[0].token);
        assert!(String::from_utf8_lossy(&sk).contains(&token_b64));
        let p = path.path().to_path_buf();
        drop(spills);
        assert!(!p.exists(), "the temporary file goes when nothing keeps it");
    }

    #[test]
    fn quoted_printable_and_several_large_parts() {
        let long =
            "=3D line with an equals sign and a soft break =\r\ncontinued\r\n".repeat(40_000);
        let data: Vec<u8> = (0..1_500_000u32).map(|i| (i % 7) as u8).collect();
        let mut raw = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".to_vec();
        raw.extend_from_slice(long.as_bytes());
        raw.extend_from_slice(b"\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        raw.extend_from_slice(&base64_lines(&data));
        raw.extend_from_slice(b"--b--\r\n");
        let dir = tempfile::tempdir().unwrap();
        let (_, spills) = split_into(&raw, dir.path(), 4096);
        assert_eq!(spills.len(), 2);
        let text = std::fs::read(spills[0].path.as_ref().unwrap().path()).unwrap();
        let want = "= line with an equals sign and a soft break continued\r\n".repeat(40_000);
        assert_eq!(String::from_utf8(text).unwrap(), want);
        let bin = std::fs::read(spills[1].path.as_ref().unwrap().path()).unwrap();
        assert_eq!(bin, data);
    }

    #[test]
    fn depth_is_counted_not_containers() {
        let mut raw = Vec::new();
        for i in 0..40 {
            raw.extend_from_slice(
                format!("--o\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\nContent-Type: text/plain\r\n\r\nx\r\n--b{i}--\r\n").as_bytes(),
            );
        }
        let mut msg = b"Content-Type: multipart/mixed; boundary=\"o\"\r\n\r\n".to_vec();
        msg.extend_from_slice(&raw);
        msg.extend_from_slice(b"--o--\r\n");
        let mut s = Splitter::counter(Limits::default());
        s.feed(&msg).unwrap();
        assert_eq!(s.depth(), 2);
        s.finish().unwrap();
    }
}
