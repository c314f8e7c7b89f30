//! Outlook's saved messages (`.msg`): an OLE compound file of MAPI properties, read with the
//! `cfb` crate in memory. Outlook forwards a mail "as attachment" this way and people drag
//! one into another: the audit reads its subject, its body (plain text, else HTML) and its
//! attached files like a mail forwarded as `message/rfc822`.

use std::io::{Cursor, Read};

use super::documents::{read_entry, DocError};

/// What an Outlook item holds that the rules read.
pub(super) struct Item {
    pub subject: String,
    /// The plain-text body, or the HTML one when there is no plain text (`html` says which).
    pub body: String,
    pub html: bool,
    /// Attached files: their names and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Attachments not opened, with the reason (an Outlook item inside this one).
    pub unread: Vec<(String, String)>,
}

/// Whether an OLE compound file is an Outlook item: its directory names MAPI property streams
/// (`__substg1.0_...`) and the property stream of a message.
pub(super) fn is_item(data: &[u8]) -> bool {
    let has = |stream: &str| {
        let name: Vec<u8> = stream.encode_utf16().flat_map(u16::to_le_bytes).collect();
        data.windows(name.len()).any(|w| w == name.as_slice())
    };
    has("__substg1.0_") && has("__properties_version1.0")
}

/// Reads an Outlook item's subject, body and attached files.
pub(super) fn read(data: &[u8]) -> Result<Item, DocError> {
    let damaged = |e: std::io::Error| DocError::Unreadable(format!("damaged Outlook item: {e}"));
    let mut cf = cfb::CompoundFile::open(Cursor::new(data)).map_err(damaged)?;
    let mut total = 0;
    let subject = string(&mut cf, "", "0037", &mut total)?.unwrap_or_default();
    let (body, html) = match string(&mut cf, "", "1000", &mut total)? {
        Some(b) if !b.trim().is_empty() => (b, false),
        _ => match bytes(&mut cf, "/__substg1.0_10130102", &mut total)? {
            Some(h) => (String::from_utf8_lossy(&h).into_owned(), true),
            None => (String::new(), false),
        },
    };
    let storages: Vec<String> = cf
        .read_root_storage()
        .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_#"))
        .map(|e| e.name().to_string())
        .collect();
    let (mut files, mut unread) = (Vec::new(), Vec::new());
    for (n, storage) in storages.iter().enumerate() {
        let dir = format!("/{storage}");
        let name = match string(&mut cf, &dir, "3707", &mut total)? {
            Some(n) if !n.is_empty() => n,
            _ => string(&mut cf, &dir, "3704", &mut total)?
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("attachment {}", n + 1)),
        };
        match bytes(&mut cf, &format!("{dir}/__substg1.0_37010102"), &mut total)? {
            Some(b) => files.push((name, b)),
            None if cf.is_storage(format!("{dir}/__substg1.0_3701000D")) => unread.push((
                name,
                "Outlook item inside an Outlook item not opened".to_string(),
            )),
            None => {}
        }
    }
    Ok(Item {
        subject,
        body,
        html,
        files,
        unread,
    })
}

/// A stream's bytes, within the audit's unpacking limits; None when there is no such stream.
fn bytes<F: Read + std::io::Seek>(
    cf: &mut cfb::CompoundFile<F>,
    path: &str,
    total: &mut u64,
) -> Result<Option<Vec<u8>>, DocError> {
    if !cf.is_stream(path) {
        return Ok(None);
    }
    let s = cf
        .open_stream(path)
        .map_err(|e| DocError::Unreadable(format!("damaged Outlook item: {e}")))?;
    let len = s.len();
    read_entry(s, len, total).map(Some)
}

/// A string property: Unicode (`001F`, UTF-16) or the older 8-bit form (`001E`, read as
/// Windows-1252, the code page Western Outlook writes).
fn string<F: Read + std::io::Seek>(
    cf: &mut cfb::CompoundFile<F>,
    dir: &str,
    tag: &str,
    total: &mut u64,
) -> Result<Option<String>, DocError> {
    if let Some(b) = bytes(cf, &format!("{dir}/__substg1.0_{tag}001F"), total)? {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return Ok(Some(
            String::from_utf16_lossy(&units)
                .trim_end_matches('\0')
                .to_string(),
        ));
    }
    Ok(
        bytes(cf, &format!("{dir}/__substg1.0_{tag}001E"), total)?.map(|b| {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&b)
                .0
                .trim_end_matches('\0')
                .to_string()
        }),
    )
}
