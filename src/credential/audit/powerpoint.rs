//! The text of a PowerPoint 97-2003 deck where `catppt` finds none: LibreOffice (and other
//! writers) keep a slide's text in the drawing's text boxes rather than in the slide list
//! `catppt` reads. Every text atom of the `PowerPoint Document` stream is taken, wherever it
//! sits (a record header is 8 bytes: version and instance, type, length; version 0xF marks a
//! container, whose body holds more records).

use std::io::Cursor;

use super::documents::{read_entry, DocError};

/// `TextCharsAtom`: UTF-16 text.
const TEXT_CHARS: u16 = 0x0FA0;
/// `TextBytesAtom`: 8-bit text (the low byte of each UTF-16 unit).
const TEXT_BYTES: u16 = 0x0FA8;
/// Containers nest a few levels deep; a damaged file cannot send the reader further.
const DEPTH: usize = 16;

/// The deck's text atoms, one per line.
pub(super) fn text(data: &[u8]) -> Result<String, DocError> {
    let damaged = |e: std::io::Error| DocError::Unreadable(format!("damaged PowerPoint file: {e}"));
    let mut cf = cfb::CompoundFile::open(Cursor::new(data)).map_err(damaged)?;
    let stream = cf.open_stream("/PowerPoint Document").map_err(damaged)?;
    let len = stream.len();
    let doc = read_entry(stream, len, &mut 0)?;
    let mut out = String::new();
    records(&doc, 0, &mut out);
    Ok(out)
}

fn records(mut b: &[u8], depth: usize, out: &mut String) {
    while b.len() >= 8 {
        let ver = b[0] & 0x0F;
        let kind = u16::from_le_bytes([b[2], b[3]]);
        let len = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
        let Some(body) = b.get(8..8 + len) else {
            return;
        };
        if ver == 0x0F && depth < DEPTH {
            records(body, depth + 1, out);
        } else if kind == TEXT_CHARS {
            let units: Vec<u16> = body
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            out.push_str(&String::from_utf16_lossy(&units).replace('\r', "\n"));
            out.push('\n');
        } else if kind == TEXT_BYTES {
            out.extend(
                body.iter()
                    .map(|&c| if c == b'\r' { '\n' } else { char::from(c) }),
            );
            out.push('\n');
        }
        b = &b[8 + len..];
    }
}
