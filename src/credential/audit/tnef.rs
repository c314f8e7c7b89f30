//! Outlook's rich-text wrapper (TNEF, `winmail.dat`, `application/ms-tnef`): Exchange sends a
//! mail's attachments inside it to clients that are not Outlook, so a screenshot or document
//! arrives as one opaque file. Its attributes are read in memory: a signature and a key, then
//! records of a level (1 message, 2 attachment), an attribute (its kind in the low 16 bits), a
//! length, the data and a checksum. The plain body (`attBody`) and each attachment's title and
//! data are taken; the rest (dates, MAPI properties, compressed RTF) is left.

use super::documents::DocError;

const SIGNATURE: [u8; 4] = [0x78, 0x9f, 0x3e, 0x22];
/// The message's plain-text body.
const BODY: u16 = 0x800C;
/// An attachment's data.
const ATTACH_DATA: u16 = 0x800F;
/// An attachment's file name (8-bit, NUL-terminated).
const ATTACH_TITLE: u16 = 0x8010;
/// Starts an attachment.
const ATTACH_RENDERING: u16 = 0x9002;

/// What a TNEF stream carries that the rules read.
pub(super) struct Wrapped {
    pub body: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Whether `data` is a TNEF stream.
pub(super) fn is_tnef(data: &[u8]) -> bool {
    data.starts_with(&SIGNATURE)
}

/// Reads a TNEF stream's body and attached files. Checksums are not checked: Outlook's own
/// reader does not refuse a file for them either, and the audit reads what is there.
pub(super) fn read(data: &[u8]) -> Result<Wrapped, DocError> {
    if !is_tnef(data) || data.len() < 6 {
        return Err(DocError::Unreadable("not a TNEF stream".into()));
    }
    let mut out = Wrapped {
        body: String::new(),
        files: Vec::new(),
    };
    let mut at = 6;
    let (mut name, mut file): (Option<String>, Option<Vec<u8>>) = (None, None);
    let flush = |name: &mut Option<String>, file: &mut Option<Vec<u8>>, out: &mut Wrapped| {
        if let Some(b) = file.take() {
            let n = name
                .take()
                .unwrap_or_else(|| format!("attachment {}", out.files.len() + 1));
            out.files.push((n, b));
        }
        *name = None;
    };
    while at + 9 <= data.len() {
        let attr = u32::from_le_bytes([data[at + 1], data[at + 2], data[at + 3], data[at + 4]]);
        let len = u32::from_le_bytes([data[at + 5], data[at + 6], data[at + 7], data[at + 8]]);
        let start = at + 9;
        let Some(value) = start
            .checked_add(len as usize)
            .and_then(|end| data.get(start..end))
        else {
            return Err(DocError::Unreadable("damaged TNEF stream".into()));
        };
        match (attr & 0xFFFF) as u16 {
            ATTACH_RENDERING => flush(&mut name, &mut file, &mut out),
            ATTACH_TITLE => name = Some(ansi(value)),
            ATTACH_DATA => file = Some(value.to_vec()),
            BODY => out.body = ansi(value),
            _ => {}
        }
        at = start + value.len() + 2;
    }
    flush(&mut name, &mut file, &mut out);
    Ok(out)
}

/// An 8-bit string as Western Outlook writes it (Windows-1252), without its closing NUL.
fn ansi(b: &[u8]) -> String {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(b)
        .0
        .trim_end_matches('\0')
        .to_string()
}
