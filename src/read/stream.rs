//! Reading large messages as a stream, in bounded memory.
//!
//! A big PGP/MIME message is read from its file line by line: the outer header section, then
//! the armored second part of `multipart/encrypted` goes straight into the OpenPGP decryptor,
//! and the plaintext goes through `Splitter`, which walks the inner MIME structure as it
//! arrives. Small parts stay in memory (the "skeleton" of the inner entity, which the verdict
//! code reads like any other message); a large part is decoded into a hidden temporary file
//! in the attachments folder (or only counted when there is none) and its body in the skeleton
//! is replaced by an unguessable token. The temporary files are removed unless the whole
//! message, integrity check included, was read: see [`super::save_attachments`].
//!
//! The same `Splitter`, keeping nothing, counts the MIME nesting depth and the parts of any
//! message for [`super::limits`].

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use mail_parser::{MessageParser, MimeHeaders};

use super::limits::Limits;
use super::ReadError;

/// Message files larger than this are read as a stream (unless the caller needs the whole
/// decrypted entity, as `--raw` does).
pub const STREAM_ABOVE: u64 = 16 << 20;

/// Longest line handled as one; longer ones are passed on in pieces.
const MAX_LINE: usize = 64 << 10;
/// Largest header section (and largest stretch skipped before the encrypted part).
const MAX_HEAD: usize = 1 << 20;
/// A part whose encoded body grows beyond this goes to a file.
const KEEP_PART: usize = 1 << 20;
/// Everything kept in memory together stays below this.
const KEEP_TOTAL: usize = 16 << 20;

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

fn is_blank_line(l: &[u8]) -> bool {
    l == b"\n" || l == b"\r\n"
}

fn eol_len(l: &[u8]) -> usize {
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
        let n = read_line_limited(r, &mut line, l.max_header_line + 2).map_err(read_err)?;
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

fn read_err(e: io::Error) -> ReadError {
    ReadError::Malformed(format!("cannot read the message: {e}"))
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

/// ASCII armor decoding for the streamed encrypted part (RFC 9580 §6.2): the data lines are
/// decoded with the `base64` crate in large batches, several times faster than the general
/// armor reader of the OpenPGP library; the decryptor then reads binary packets. The
/// checksum line is skipped (the MDC/AEAD check is what protects the data).
pub(crate) struct Dearmor<R> {
    inner: io::BufReader<R>,
    state: ArmorState,
    line: Vec<u8>,
    carry: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    engine: GeneralPurpose,
    /// Why the armor was found damaged, for the caller: the decryptor may swallow the error.
    damage: Arc<std::sync::Mutex<Option<String>>>,
}

#[derive(PartialEq)]
enum ArmorState {
    Begin,
    Headers,
    Data,
    Done,
}

impl<R: io::Read> Dearmor<R> {
    pub(crate) fn new(inner: R, damage: Arc<std::sync::Mutex<Option<String>>>) -> Self {
        Dearmor {
            damage,
            inner: io::BufReader::with_capacity(1 << 16, inner),
            state: ArmorState::Begin,
            line: Vec::new(),
            carry: Vec::new(),
            out: Vec::new(),
            pos: 0,
            engine: lenient_base64(),
        }
    }

    fn damaged(why: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the ASCII armor is broken: {why}"),
        )
    }

    fn note(&self, e: io::Error) -> io::Error {
        if let Ok(mut d) = self.damage.lock() {
            d.get_or_insert_with(|| e.to_string());
        }
        e
    }

    /// Reads lines until some output is ready or the armor ends.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && self.state != ArmorState::Done {
            if self.state == ArmorState::Data && self.data_lines()? {
                if self.carry.len() >= 1 << 16 {
                    self.flush(false)?;
                }
                continue;
            }
            let n = read_line_limited(&mut self.inner, &mut self.line, MAX_LINE)?;
            if n == 0 {
                // Cut short: what was decoded goes on, and the decryptor finds the rest missing.
                self.flush(true)?;
                self.state = ArmorState::Done;
                break;
            }
            let l = self.line.trim_ascii();
            match self.state {
                ArmorState::Begin => {
                    if l.is_empty() {
                        continue;
                    }
                    if l != b"-----BEGIN PGP MESSAGE-----" {
                        return Err(Self::damaged("no BEGIN PGP MESSAGE line"));
                    }
                    self.state = ArmorState::Headers;
                }
                ArmorState::Headers => {
                    if l.is_empty() {
                        self.state = ArmorState::Data;
                    } else if !l.contains(&b':') {
                        // No blank line after the headers: this is data already.
                        self.state = ArmorState::Data;
                        self.data_line()?;
                    }
                }
                ArmorState::Data => {
                    if l.starts_with(b"-----") || (l.starts_with(b"=") && l.len() == 5) {
                        self.flush(true)?;
                        self.state = ArmorState::Done;
                    } else {
                        self.data_line()?;
                        if self.carry.len() >= 1 << 16 {
                            self.flush(false)?;
                        }
                    }
                }
                ArmorState::Done => {}
            }
        }
        Ok(())
    }

    /// Takes the plain data lines waiting in the input buffer, up to the first that needs the
    /// closer look of [`Self::refill`] (an end or checksum line, padding, leading blanks, a line
    /// not yet whole). The characters are checked when they are decoded ([`Self::flush`]).
    /// False when it took nothing.
    fn data_lines(&mut self) -> io::Result<bool> {
        let avail = self.inner.fill_buf()?;
        let mut used = 0;
        while let Some(i) = memchr::memchr(b'\n', &avail[used..]) {
            let l = avail[used..used + i].trim_ascii_end();
            match l.first() {
                None => {}
                Some(&b) if b == b'-' || b == b'=' || b.is_ascii_whitespace() => break,
                Some(_) if memchr::memchr(b'=', l).is_some() => break,
                Some(_) => self.carry.extend_from_slice(l),
            }
            used += i + 1;
        }
        self.inner.consume(used);
        Ok(used > 0)
    }

    /// Takes one data line. Padding and blanks are dropped; any other character outside the
    /// base64 alphabet makes the armor damaged (as for messages read in memory: a mail must
    /// get the same verdict whatever its size).
    fn data_line(&mut self) -> io::Result<()> {
        let l = self.line.trim_ascii();
        if l.iter().all(|&b| B64[b as usize]) {
            self.carry.extend_from_slice(l);
            return Ok(());
        }
        if let Some(&bad) = l
            .iter()
            .find(|&&b| !(B64[b as usize] || b == b'=' || b == b' ' || b == b'\t'))
        {
            return Err(Self::damaged(&format!(
                "character 0x{bad:02x} in the base64 data"
            )));
        }
        self.carry
            .extend(l.iter().copied().filter(|&b| B64[b as usize]));
        Ok(())
    }

    /// Decodes what has gathered (all of it at the end, else whole quanta). Lines taken in
    /// bulk were not checked one by one: when the decoder refuses them (or at the end, where a
    /// stray last character could go unnoticed), each character is checked as
    /// [`Self::data_line`] checks it, blanks are dropped, and the decoding is tried again.
    fn flush(&mut self, end: bool) -> io::Result<()> {
        let clean = |c: &[u8]| c.iter().all(|&b| B64[b as usize]);
        if (end && !clean(&self.carry)) || self.decode(end).is_err() {
            if let Some(&bad) = self
                .carry
                .iter()
                .find(|&&b| !(B64[b as usize] || b == b'=' || b == b' ' || b == b'\t'))
            {
                return Err(Self::damaged(&format!(
                    "character 0x{bad:02x} in the base64 data"
                )));
            }
            self.carry.retain(|&b| B64[b as usize]);
            self.decode(end)
                .map_err(|e| Self::damaged(&e.to_string()))?;
        }
        Ok(())
    }

    fn decode(&mut self, end: bool) -> Result<(), base64::DecodeError> {
        let mut n = if end {
            self.carry.len()
        } else {
            self.carry.len() / 4 * 4
        };
        if end && n % 4 == 1 {
            n -= 1;
        }
        if n == 0 {
            self.carry.clear();
            return Ok(());
        }
        self.out = self.engine.decode(&self.carry[..n])?;
        self.carry.drain(..n);
        Ok(())
    }
}

/// A reader fed by another thread: the armored part is read from its file and decoded there
/// while the decryptor works on what came before (a big message keeps both cores busy).
/// What the other thread read arrives in order; its error, if any, comes last.
pub(crate) struct Prefetched {
    rx: std::sync::Mutex<std::sync::mpsc::Receiver<io::Result<Vec<u8>>>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
}

/// How much the reading thread hands over at a time, and how many such pieces may wait.
const PREFETCH_CHUNK: usize = 256 << 10;
const PREFETCH_DEPTH: usize = 4;

impl Prefetched {
    /// Starts reading `inner` on a thread of `scope`. The thread ends at the end of `inner`,
    /// at its first error, or as soon as this reader is dropped.
    pub(crate) fn spawn<'scope, 'env, R: io::Read + Send + 'scope>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        mut inner: R,
    ) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(PREFETCH_DEPTH);
        scope.spawn(move || loop {
            let mut buf = vec![0u8; PREFETCH_CHUNK];
            let mut n = 0;
            let mut error = None;
            while n < buf.len() {
                // A panic in the decoder ends in an error here, as it would under the
                // decryptor's guard on the calling thread (nothing read after it is used).
                let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    inner.read(&mut buf[n..])
                }))
                .unwrap_or_else(|_| Err(io::Error::other("the armor decoder failed")));
                match read {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            buf.truncate(n);
            let end = n < PREFETCH_CHUNK;
            if n > 0 && tx.send(Ok(buf)).is_err() {
                return;
            }
            if let Some(e) = error {
                let _ = tx.send(Err(e));
                return;
            }
            if end {
                return;
            }
        });
        Prefetched {
            rx: std::sync::Mutex::new(rx),
            chunk: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl io::Read for Prefetched {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            let next = self
                .rx
                .lock()
                .map_err(|_| io::Error::other("the reading thread failed"))?
                .recv();
            match next {
                Ok(Ok(c)) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The thread ended: everything was handed over.
                Err(_) => self.done = true,
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Decodes an armored message held in memory with [`Dearmor`]: `Some(binary)` only for one
/// whole, undamaged `PGP MESSAGE` block (nothing but blanks around it). Anything else is
/// `None`, and the caller hands the bytes to the OpenPGP library's own armor reader as they
/// are, so that odd, truncated or damaged armor gets exactly the verdict it always got.
pub(crate) fn dearmor_whole(data: &[u8]) -> Option<Vec<u8>> {
    let t = data.trim_ascii();
    if !t.starts_with(b"-----BEGIN PGP MESSAGE-----")
        || !t.ends_with(b"-----END PGP MESSAGE-----")
        || t.windows(10).filter(|w| w == b"-----BEGIN").count() != 1
    {
        return None;
    }
    let damage = Arc::new(std::sync::Mutex::new(None));
    let mut out = Vec::with_capacity(t.len() / 4 * 3);
    io::Read::read_to_end(&mut Dearmor::new(t, damage.clone()), &mut out).ok()?;
    let clean = damage.lock().map(|d| d.is_none()).unwrap_or(false);
    (clean && !out.is_empty()).then_some(out)
}

impl<R: io::Read> io::Read for Dearmor<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() {
            self.refill().map_err(|e| self.note(e))?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A part that went to a file (or, without a folder, was only counted).
#[derive(Debug, Clone)]
pub(crate) struct Spill {
    /// What stands in its place in the skeleton.
    pub token: String,
    /// The hidden temporary file with the decoded content; removed when the last clone is
    /// dropped unless it was renamed first.
    pub path: Option<Arc<tempfile::TempPath>>,
    /// Decoded size in bytes.
    pub size: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Cte {
    Base64,
    QuotedPrintable,
    Plain,
}

fn lenient_base64() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// The base64 alphabet (without the padding `=`), as a lookup table.
const B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        i += 1;
    }
    t
};

/// Decodes a part's transfer encoding as it streams into a file (or into nothing).
struct SpillWriter {
    cte: Cte,
    carry: Vec<u8>,
    out: Option<BufWriter<std::fs::File>>,
    path: Option<tempfile::TempPath>,
    size: u64,
    engine: GeneralPurpose,
}

impl SpillWriter {
    fn new(dir: Option<&Path>, cte: Cte) -> io::Result<Self> {
        let (out, path) = match dir {
            Some(d) => {
                let (f, p) = tempfile::Builder::new()
                    .prefix(".sealmail-partial-")
                    .tempfile_in(d)?
                    .into_parts();
                (Some(BufWriter::with_capacity(1 << 16, f)), Some(p))
            }
            None => (None, None),
        };
        Ok(SpillWriter {
            cte,
            carry: Vec::new(),
            out,
            path,
            size: 0,
            engine: lenient_base64(),
        })
    }

    fn emit(&mut self, data: &[u8]) -> io::Result<()> {
        self.size += data.len() as u64;
        match &mut self.out {
            Some(w) => w.write_all(data),
            None => Ok(()),
        }
    }

    fn feed(&mut self, data: &[u8]) -> io::Result<()> {
        match self.cte {
            Cte::Plain => self.emit(data),
            Cte::Base64 => {
                // Characters outside the alphabet are dropped. Line ends are cut out here;
                // anything else (rare) when the decoder refuses the lot, below.
                if memchr::memchr(b'=', data).is_some() {
                    self.carry
                        .extend(data.iter().copied().filter(|&b| B64[b as usize]));
                } else {
                    let mut start = 0;
                    for end in memchr::memchr_iter(b'\n', data).chain([data.len()]) {
                        let piece = &data[start..end];
                        self.carry
                            .extend_from_slice(piece.strip_suffix(b"\r").unwrap_or(piece));
                        start = (end + 1).min(data.len());
                    }
                }
                if self.carry.len() >= 1 << 16 {
                    let n = self.carry.len() / 4 * 4;
                    let bytes = match self.engine.decode(&self.carry[..n]) {
                        Ok(b) => {
                            self.carry.drain(..n);
                            b
                        }
                        Err(_) => {
                            self.carry.retain(|&b| B64[b as usize]);
                            let n = self.carry.len() / 4 * 4;
                            let b = self.engine.decode(&self.carry[..n]).unwrap_or_default();
                            self.carry.drain(..n);
                            b
                        }
                    };
                    self.emit(&bytes)?;
                }
                Ok(())
            }
            Cte::QuotedPrintable => {
                self.carry.extend_from_slice(data);
                let (out, used) = qp_decode(&self.carry);
                self.carry.drain(..used);
                self.emit(&out)
            }
        }
    }

    fn finish(mut self) -> io::Result<(Option<tempfile::TempPath>, u64)> {
        let rest = std::mem::take(&mut self.carry);
        match self.cte {
            Cte::Base64 => {
                let mut rest = rest;
                rest.retain(|&b| B64[b as usize]);
                let n = if rest.len() % 4 == 1 {
                    rest.len() - 1
                } else {
                    rest.len()
                };
                let bytes = self.engine.decode(&rest[..n]).unwrap_or_default();
                self.emit(&bytes)?;
            }
            Cte::QuotedPrintable | Cte::Plain => self.emit(&rest)?,
        }
        if let Some(w) = self.out.take() {
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
        }
        Ok((self.path.take(), self.size))
    }
}

/// Decodes quoted-printable from `data`; returns the bytes and how much of `data` was used
/// (an `=` sequence cut at the end waits for more).
fn qp_decode(data: &[u8]) -> (Vec<u8>, usize) {
    let hex = |b: u8| (b as char).to_digit(16).map(|v| v as u8);
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'=' {
            out.push(data[i]);
            i += 1;
            continue;
        }
        match (data.get(i + 1), data.get(i + 2)) {
            (None, _) => break,
            (Some(b'\n'), _) => i += 2,
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\r'), None) => break,
            (Some(_), None) => break,
            (Some(&a), Some(&b)) => match (hex(a), hex(b)) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'=');
                    i += 1;
                }
            },
        }
    }
    (out, i)
}

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
                std::fs::read(p.as_ref() as &Path).unwrap()
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
        assert_eq!(std::fs::read(path.as_ref() as &Path).unwrap(), data);
        assert!(sk.len() < 1000);
        let token_b64 = base64::engine::general_purpose::STANDARD.encode(&spills[0].token);
        assert!(String::from_utf8_lossy(&sk).contains(&token_b64));
        let p = path.to_path_buf();
        drop(spills);
        assert!(!p.exists(), "the temporary file goes when nothing keeps it");
    }

    fn dearmor(text: &str) -> io::Result<Vec<u8>> {
        use io::Read;
        let damage = Arc::new(std::sync::Mutex::new(None));
        let mut out = Vec::new();
        Dearmor::new(text.as_bytes(), damage).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn armor_variants_decode_alike() {
        let want = b"hello armor".to_vec();
        for text in [
            "-----BEGIN PGP MESSAGE-----\r\n\r\naGVsbG8g\r\nYXJtb3I=\r\n=abcd\r\n-----END PGP MESSAGE-----\r\n",
            "\n\n-----BEGIN PGP MESSAGE-----\nVersion: x\nComment: a: b\n\naGVsbG8gYXJtb3I=\n-----END PGP MESSAGE-----\n",
            // No blank line after the (absent) headers, trailing blanks, no checksum.
            "-----BEGIN PGP MESSAGE-----\naGVsbG8g  \nYXJtb3I\n-----END PGP MESSAGE-----\n",
        ] {
            assert_eq!(dearmor(text).unwrap(), want, "{text:?}");
        }
        // Cut short: what was there comes out; the decryptor finds the rest missing.
        assert_eq!(
            dearmor("-----BEGIN PGP MESSAGE-----\n\naGVsbG8g\n").unwrap(),
            b"hello ".to_vec()
        );
        assert!(dearmor("-----BEGIN PGP MESSAGE-----\n\naGVs\x01bG8g\n").is_err());
        assert!(dearmor("not armor\n").is_err());
    }

    #[test]
    fn lines_taken_in_bulk_are_checked_as_single_lines_are() {
        // Blanks inside a line are dropped; a stray character is an error wherever it is: in
        // the last line (where it would be the odd character out of a quantum) or deep in a
        // long message (decoded in batches).
        let spaced =
            "-----BEGIN PGP MESSAGE-----\n\naGVs bG8g\nYXJtb3I=\n-----END PGP MESSAGE-----\n";
        assert_eq!(dearmor(spaced).unwrap(), b"hello armor".to_vec());
        let stray = "-----BEGIN PGP MESSAGE-----\n\naGVsbG8gYXJtb3I*\n-----END PGP MESSAGE-----\n";
        assert!(dearmor(stray).unwrap_err().to_string().contains("0x2a"));
        let mut long = "-----BEGIN PGP MESSAGE-----\n\n".to_string();
        for i in 0..50_000 {
            long.push_str(if i == 30_000 { "QU*B\n" } else { "QUFB\n" });
        }
        long.push_str("-----END PGP MESSAGE-----\n");
        assert!(dearmor(&long).unwrap_err().to_string().contains("0x2a"));
        assert_eq!(dearmor(&long.replace('*', "F")).unwrap().len(), 150_000);
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
        let text = std::fs::read(spills[0].path.as_ref().unwrap().as_ref() as &Path).unwrap();
        let want = "= line with an equals sign and a soft break continued\r\n".repeat(40_000);
        assert_eq!(String::from_utf8(text).unwrap(), want);
        let bin = std::fs::read(spills[1].path.as_ref().unwrap().as_ref() as &Path).unwrap();
        assert_eq!(bin, data);
    }

    #[test]
    fn qp_soft_breaks_across_chunks() {
        let (out, used) = qp_decode(b"a=3Db=\r\nc=");
        assert_eq!(out, b"a=bc");
        assert_eq!(used, 9);
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
