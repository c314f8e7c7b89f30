//! A large part's body decoded from its transfer encoding (base64, quoted-printable, none)
//! into a hidden temporary file as it streams, or only counted when there is no folder. The
//! file is removed when the last handle to it is dropped, unless the message passed its
//! integrity check and the part was saved (renamed) first.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// A part that went to a file (or, without a folder, was only counted).
#[derive(Debug, Clone)]
pub(crate) struct Spill {
    /// What stands in its place in the skeleton.
    pub token: String,
    /// The hidden temporary file with the decoded content; removed when the last clone is
    /// dropped unless it was renamed first.
    pub path: Option<Arc<crate::partial::PartialPath>>,
    /// Decoded size in bytes.
    pub size: u64,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Cte {
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
pub(super) struct SpillWriter {
    cte: Cte,
    carry: Vec<u8>,
    out: Option<BufWriter<std::fs::File>>,
    path: Option<crate::partial::PartialPath>,
    size: u64,
    engine: GeneralPurpose,
}

impl SpillWriter {
    pub(super) fn new(dir: Option<&Path>, cte: Cte) -> io::Result<Self> {
        let (out, path) = match dir {
            Some(d) => {
                let (f, p) = crate::partial::Partial::new_in(d)?.into_parts();
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

    pub(super) fn feed(&mut self, data: &[u8]) -> io::Result<()> {
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

    pub(super) fn finish(mut self) -> io::Result<(Option<crate::partial::PartialPath>, u64)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qp_soft_breaks_across_chunks() {
        let (out, used) = qp_decode(b"a=3Db=\r\nc=");
        assert_eq!(out, b"a=bc");
        assert_eq!(used, 9);
    }
}
