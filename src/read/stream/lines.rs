//! Line-level reading of a message file: one line at a time within a limit, MIME delimiter
//! lines, the outer header section, and the body of the encrypted part as a reader that ends
//! at its delimiter. Separate from the splitter because the file side and the plaintext side
//! of a streamed message meet only in the decryptor.

use std::io::{self, BufRead};
use std::sync::Arc;

use mail_parser::{MessageParser, MimeHeaders};

use super::{MAX_HEAD, MAX_LINE};
use crate::read::limits::Limits;
use crate::read::ReadError;

/// Reads one line, with its line end, of at most `max` bytes into `buf`; returns its length
/// (0 at the end of the input).
pub(crate) fn read_line_limited<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<usize> {
    buf.clear();
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok(buf.len());
        }
        let room = max - buf.len();
        let take = &avail[..avail.len().min(room)];
        if let Some(i) = memchr::memchr(b'\n', take) {
            buf.extend_from_slice(&take[..=i]);
            r.consume(i + 1);
            return Ok(buf.len());
        }
        let n = take.len();
        buf.extend_from_slice(take);
        r.consume(n);
        if buf.len() >= max {
            return Ok(buf.len());
        }
    }
}

/// Whether `line` is a delimiter line of the boundary `dash_boundary` (`--` and the
/// boundary): `Some(true)` for the close delimiter, `Some(false)` for another one
/// (RFC 2046 §5.1.1: trailing white space allowed).
pub(crate) fn delimiter(line: &[u8], dash_boundary: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(dash_boundary)?;
    let (close, tail) = match rest.strip_prefix(b"--") {
        Some(t) => (true, t),
        None => (false, rest),
    };
    tail.iter()
        .all(|b| b.is_ascii_whitespace())
        .then_some(close)
}

pub(super) fn is_blank_line(l: &[u8]) -> bool {
    l == b"\n" || l == b"\r\n"
}

pub(super) fn eol_len(l: &[u8]) -> usize {
    if l.ends_with(b"\r\n") {
        2
    } else if l.ends_with(b"\n") {
        1
    } else {
        0
    }
}

/// The outer header section of a message file, read line by line. `Ok(None)` when it is too
/// large to be a header section.
pub(crate) fn read_head<R: BufRead>(r: &mut R, l: &Limits) -> Result<Option<Vec<u8>>, ReadError> {
    let mut head = Vec::new();
    let mut line = Vec::new();
    let mut first = true;
    loop {
        let n = read_line_limited(r, &mut line, l.max_header_line + 2).map_err(ReadError::Read)?;
        if n == 0 {
            return Ok(Some(head));
        }
        if first && line.starts_with(b"From ") {
            // An mbox separator line before the message.
            first = false;
            continue;
        }
        first = false;
        if is_blank_line(&line) {
            return Ok(Some(head));
        }
        if n > l.max_header_line && eol_len(&line) == 0 {
            return Err(ReadError::Limit(format!(
                "a header line is more than {} bytes long (the limit)",
                l.max_header_line
            )));
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

/// Moves `r` (just after the outer header section of a `multipart/encrypted` message with
/// boundary `dash_boundary`) to the start of the body of its second part, the encrypted data.
/// `false` when the message does not have that shape within the first MiB, or when the
/// encrypted part has a transfer encoding other than 7bit/8bit/binary (such mail is read
/// in memory).
pub(crate) fn seek_encrypted_part<R: BufRead>(r: &mut R, dash_boundary: &[u8]) -> io::Result<bool> {
    let mut line = Vec::new();
    let mut seen = 0;
    let mut skipped = 0;
    let mut at_start = true;
    while seen < 2 {
        let n = read_line_limited(r, &mut line, MAX_LINE)?;
        skipped += n;
        if n == 0 || skipped > MAX_HEAD {
            return Ok(false);
        }
        if at_start {
            match delimiter(&line, dash_boundary) {
                Some(false) => seen += 1,
                Some(true) => return Ok(false),
                None => {}
            }
        }
        at_start = eol_len(&line) > 0;
    }
    let mut head = Vec::new();
    loop {
        let n = read_line_limited(r, &mut line, MAX_LINE)?;
        if n == 0 || head.len() > MAX_HEAD {
            return Ok(false);
        }
        if is_blank_line(&line) {
            break;
        }
        head.extend_from_slice(&line);
    }
    head.extend_from_slice(b"\r\n");
    let cte = MessageParser::default()
        .parse_headers(&head[..])
        .and_then(|m| {
            m.content_transfer_encoding()
                .map(|s| s.to_ascii_lowercase())
        });
    Ok(matches!(
        cte.as_deref(),
        None | Some("7bit") | Some("8bit") | Some("binary")
    ))
}

/// Whether the part body at `r` starts (after blank lines) with an armored OpenPGP message.
pub(crate) fn at_armored_message<R: BufRead>(r: &mut R) -> io::Result<bool> {
    let buf = r.fill_buf()?;
    let start = buf
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(buf.len());
    Ok(buf[start..].starts_with(b"-----BEGIN PGP MESSAGE-----"))
}

/// The body of one MIME part as a reader: it ends at the next delimiter line of the boundary.
/// It counts what it read into `count` (for progress).
pub(crate) struct PartReader<R> {
    inner: R,
    dash_boundary: Vec<u8>,
    line: Vec<u8>,
    pos: usize,
    at_start: bool,
    done: bool,
    count: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: BufRead> PartReader<R> {
    pub(crate) fn new(
        inner: R,
        dash_boundary: Vec<u8>,
        count: Arc<std::sync::atomic::AtomicU64>,
    ) -> Self {
        PartReader {
            inner,
            dash_boundary,
            line: Vec::new(),
            pos: 0,
            at_start: true,
            done: false,
            count,
        }
    }
}

impl<R: BufRead> io::Read for PartReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // Many lines per call: the armor decoder above works per call, not per byte.
        let mut n = 0;
        while n < out.len() {
            let k = self.read_some(&mut out[n..])?;
            if k == 0 {
                break;
            }
            n += k;
        }
        Ok(n)
    }
}

impl<R: BufRead> PartReader<R> {
    fn read_some(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.line.len() {
                let n = out.len().min(self.line.len() - self.pos);
                out[..n].copy_from_slice(&self.line[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done || out.is_empty() {
                return Ok(0);
            }
            // Whole runs of lines at once, up to the next line that starts with `-` (only such
            // a line can be a delimiter); that line is read and checked on its own below.
            let avail = self.inner.fill_buf()?;
            if !(avail.is_empty() || self.at_start && avail[0] == b'-') {
                let take = &avail[..avail.len().min(out.len())];
                let n = memchr::memmem::find(take, b"\n-").map_or(take.len(), |i| i + 1);
                out[..n].copy_from_slice(&take[..n]);
                self.at_start = take[n - 1] == b'\n';
                self.inner.consume(n);
                self.count
                    .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                return Ok(n);
            }
            let n = read_line_limited(&mut self.inner, &mut self.line, MAX_LINE)?;
            self.count
                .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            self.pos = 0;
            if n == 0 {
                self.done = true;
                return Ok(0);
            }
            let start = self.at_start;
            self.at_start = eol_len(&self.line) > 0;
            if start && delimiter(&self.line, &self.dash_boundary).is_some() {
                self.done = true;
                self.line.clear();
                return Ok(0);
            }
        }
    }
}
