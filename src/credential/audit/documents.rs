//! What an attachment is, and its text: office documents (DOCX, XLSX, PPTX; ODT, ODS, ODP:
//! zip archives of XML, read with `zip` and `quick-xml`), zip archives one level deep, CSV
//! files as tables, and the signs of a protected file (encrypted zip entries, an encrypted
//! OOXML package, an encrypted OpenDocument, a KeePass vault). PDFs and images are handed to
//! the programs in `tools`.

use std::io::{Cursor, Read};

use super::office::{docx, odf, shared_strings, xlsx_sheet};

/// The most one file inside an archive or document may unpack to.
const ENTRY_LIMIT: u64 = 64 << 20;
/// The most all files of one archive or document may unpack to.
const TOTAL_LIMIT: u64 = 256 << 20;

/// What an attachment is, by its first bytes (and its name where bytes cannot tell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Csv,
    Image,
    /// An image format Tesseract does not read (HEIC, SVG).
    OtherImage,
    Pdf,
    /// A zip file: an office document or an archive.
    Zip,
    /// An OLE compound file: old Office, or an encrypted new one.
    Compound,
    /// A Rich Text Format document (WordPad, Word's "Save as RTF", Outlook's rich mail).
    Rtf,
    /// Outlook's rich-text wrapper (`winmail.dat`), which holds a mail's attachments.
    Tnef,
    /// A KeePass vault.
    Vault,
    /// An archive format the audit does not open.
    OtherArchive,
    /// OpenPGP or S/MIME encrypted data: not plaintext.
    Encrypted,
    Other,
}

fn ext(name: &str) -> String {
    name.rsplit('.')
        .next()
        .filter(|e| e.len() < name.len())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Says what an attachment is.
pub(super) fn sniff(name: &str, content_type: &str, data: &[u8]) -> Kind {
    let starts = |m: &[u8]| data.starts_with(m);
    if starts(b"\x89PNG\r\n\x1a\n")
        || starts(b"\xff\xd8\xff")
        || starts(b"GIF87a")
        || starts(b"GIF89a")
        || starts(b"BM")
            && data.len() > 26
            && ["bmp", "dib"].contains(&ext(name).as_str()) | content_type.contains("bmp")
        || starts(b"II*\0")
        || starts(b"MM\0*")
        || (starts(b"RIFF") && data.get(8..12) == Some(b"WEBP"))
    {
        return Kind::Image;
    }
    if starts(b"%PDF-") {
        return Kind::Pdf;
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return Kind::Compound;
    }
    if starts(b"\x03\xd9\xa2\x9a") {
        return Kind::Vault;
    }
    if starts(b"{\\rtf") {
        return Kind::Rtf;
    }
    if starts(b"\x78\x9f\x3e\x22") {
        return Kind::Tnef;
    }
    if starts(b"7z\xbc\xaf\x27\x1c")
        || starts(b"Rar!\x1a\x07")
        || starts(b"\x1f\x8b")
        || starts(b"BZh")
        || starts(b"\xfd7zXZ\0")
    {
        return Kind::OtherArchive;
    }
    let e = ext(name);
    if content_type.starts_with("image/") || ["heic", "heif", "svg", "avif"].contains(&e.as_str()) {
        return if data.is_empty() {
            Kind::Other
        } else {
            Kind::OtherImage
        };
    }
    let head = &data[..data.len().min(4096)];
    if head
        .windows(27)
        .any(|w| w == b"-----BEGIN PGP MESSAGE-----")
        || content_type == "application/pgp-encrypted"
        || content_type.contains("pkcs7-mime")
        || (!head.is_empty() && head[0] & 0x80 != 0 && ["gpg", "pgp"].contains(&e.as_str()))
    {
        return Kind::Encrypted;
    }
    if ["csv", "tsv"].contains(&e.as_str()) || content_type == "text/csv" {
        return Kind::Csv;
    }
    let textual = content_type.starts_with("text/")
        || [
            "application/json",
            "application/x-sh",
            "application/xml",
            "application/x-yaml",
            "application/yaml",
            "application/toml",
            "application/x-pem-file",
        ]
        .contains(&content_type)
        || [
            "txt",
            "env",
            "conf",
            "cfg",
            "ini",
            "yml",
            "yaml",
            "json",
            "sh",
            "bash",
            "ps1",
            "bat",
            "cmd",
            "pem",
            "key",
            "toml",
            "properties",
            "md",
            "sql",
            "xml",
            "log",
            "config",
            "cnf",
            "tf",
            "tfvars",
            "py",
            "js",
            "ts",
            "php",
            "rb",
            "go",
            "java",
            "cs",
            "ppk",
            "rdp",
            "ovpn",
            "netrc",
            "pgpass",
            "htpasswd",
            "asc",
            "html",
            "htm",
            "eml",
        ]
        .contains(&e.as_str())
        || name.starts_with(".env")
        || [
            "id_rsa",
            "id_ecdsa",
            "id_ed25519",
            "id_dsa",
            "credentials",
            ".netrc",
            ".pgpass",
        ]
        .contains(&name.rsplit(['/', '\\']).next().unwrap_or(""));
    if textual
        || (!data.is_empty() && std::str::from_utf8(head).is_ok() && !head.contains(&0))
            && content_type != "application/octet-stream"
    {
        return Kind::Text;
    }
    if !data.is_empty() && std::str::from_utf8(head).is_ok() && !head.contains(&0) && head.len() > 8
    {
        return Kind::Text;
    }
    Kind::Other
}

/// Why a document gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DocError {
    /// Protected by a password.
    Protected,
    /// Could not be read, with the reason.
    Unreadable(String),
}

/// Text of one section of a document: a page, a sheet, a slide.
#[derive(Debug, Clone)]
pub(super) struct Section {
    /// "page 2", "sheet Accounts", "slide 3"; empty for a document without such divisions.
    pub place: String,
    pub text: String,
}

/// What a zip file held.
#[derive(Debug, Default)]
pub(super) struct Unpacked {
    /// Office document text.
    pub sections: Vec<Section>,
    /// Pictures inside an office document, or files of an archive: (name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Files of an archive that could not be read: (name, why).
    pub unread: Vec<(String, DocError)>,
    /// Whether it was an office document (rather than an archive).
    pub document: bool,
}

/// Converts CSV (comma, semicolon or tab separated) to the tab-separated rows the table rule
/// reads.
pub(super) fn csv_rows(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let delim = [';', '\t', ',']
        .into_iter()
        .max_by_key(|d| first.matches(*d).count())
        .unwrap_or(',');
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                c if c == delim && !quoted => out.push('\t'),
                c => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

/// Whether an OLE compound file is an encrypted OOXML document (the container Office uses for
/// a password-protected DOCX/XLSX/PPTX): it holds an `EncryptedPackage` stream.
pub(super) fn compound_is_encrypted(data: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    data.windows(name.len()).any(|w| w == name.as_slice())
}

/// What an OLE compound file holds, by the name of its main stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OldOffice {
    /// Word 97-2003 (`WordDocument`).
    Word,
    /// Excel 97-2003 (`Workbook`, or Excel 5's `Book`).
    Excel,
    /// PowerPoint 97-2003 (`PowerPoint Document`).
    PowerPoint,
    /// Something else (an MSI, an Outlook item, ...).
    Other,
}

/// Which Office program wrote an OLE compound file, by its directory's stream names.
pub(super) fn old_office_kind(data: &[u8]) -> OldOffice {
    let has = |stream: &str| {
        let name: Vec<u8> = stream.encode_utf16().flat_map(u16::to_le_bytes).collect();
        data.windows(name.len()).any(|w| w == name.as_slice())
    };
    if has("WordDocument") {
        OldOffice::Word
    } else if has("Workbook") || has("Book\0") {
        OldOffice::Excel
    } else if has("PowerPoint Document") {
        OldOffice::PowerPoint
    } else {
        OldOffice::Other
    }
}

pub(super) fn read_entry<R: Read>(
    mut r: R,
    size: u64,
    total: &mut u64,
) -> Result<Vec<u8>, DocError> {
    if size > ENTRY_LIMIT || *total + size > TOTAL_LIMIT {
        return Err(DocError::Unreadable("too large to unpack".into()));
    }
    let mut v = Vec::with_capacity(size.min(ENTRY_LIMIT) as usize);
    (&mut r)
        .take(ENTRY_LIMIT + 1)
        .read_to_end(&mut v)
        .map_err(|e| DocError::Unreadable(format!("damaged: {e}")))?;
    if v.len() as u64 > ENTRY_LIMIT {
        return Err(DocError::Unreadable("too large to unpack".into()));
    }
    *total += v.len() as u64;
    Ok(v)
}

/// Opens a zip file: an office document's text and pictures, or an archive's files.
pub(super) fn unzip(data: &[u8]) -> Result<Unpacked, DocError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data))
        .map_err(|e| DocError::Unreadable(format!("damaged zip: {e}")))?;
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let mut total = 0u64;
    let get = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
               name: &str,
               total: &mut u64|
     -> Result<Vec<u8>, DocError> {
        let f = zip.by_name(name).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m)
                if m.to_lowercase().contains("password") =>
            {
                DocError::Protected
            }
            e => DocError::Unreadable(format!("damaged: {e}")),
        })?;
        let size = f.size();
        read_entry(f, size, total)
    };
    let has = |n: &str| names.iter().any(|x| x == n);
    let mut out = Unpacked::default();
    if has("word/document.xml") || has("xl/workbook.xml") || has("ppt/presentation.xml") {
        out.document = true;
        if has("word/document.xml") {
            let xml = get(&mut zip, "word/document.xml", &mut total)?;
            out.sections = docx(&String::from_utf8_lossy(&xml));
        } else if has("xl/workbook.xml") {
            let shared = if has("xl/sharedStrings.xml") {
                shared_strings(&String::from_utf8_lossy(&get(
                    &mut zip,
                    "xl/sharedStrings.xml",
                    &mut total,
                )?))
            } else {
                Vec::new()
            };
            let mut sheets: Vec<&String> = names
                .iter()
                .filter(|n| n.starts_with("xl/worksheets/sheet") && n.ends_with(".xml"))
                .collect();
            sheets.sort_by_key(|n| number_in(n));
            for s in sheets {
                let xml = get(&mut zip, s, &mut total)?;
                out.sections.push(Section {
                    place: format!("sheet {}", number_in(s)),
                    text: xlsx_sheet(&String::from_utf8_lossy(&xml), &shared),
                });
            }
        } else {
            let mut slides: Vec<&String> = names
                .iter()
                .filter(|n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
                .collect();
            slides.sort_by_key(|n| number_in(n));
            for s in slides {
                let xml = get(&mut zip, s, &mut total)?;
                let text = docx(&String::from_utf8_lossy(&xml))
                    .into_iter()
                    .map(|s| s.text)
                    .collect::<Vec<_>>()
                    .join("\n");
                out.sections.push(Section {
                    place: format!("slide {}", number_in(s)),
                    text,
                });
            }
        }
        for n in names.iter().filter(|n| {
            n.starts_with("word/media/")
                || n.starts_with("xl/media/")
                || n.starts_with("ppt/media/")
        }) {
            if let Ok(b) = get(&mut zip, n, &mut total) {
                out.files.push((n.clone(), b));
            }
        }
        return Ok(out);
    }
    if has("mimetype") && has("content.xml") {
        out.document = true;
        let manifest = if has("META-INF/manifest.xml") {
            get(&mut zip, "META-INF/manifest.xml", &mut total)?
        } else {
            Vec::new()
        };
        if String::from_utf8_lossy(&manifest).contains("encryption-data") {
            return Err(DocError::Protected);
        }
        let xml = get(&mut zip, "content.xml", &mut total)?;
        out.sections = odf(&String::from_utf8_lossy(&xml));
        for n in names.iter().filter(|n| n.starts_with("Pictures/")) {
            if let Ok(b) = get(&mut zip, n, &mut total) {
                out.files.push((n.clone(), b));
            }
        }
        return Ok(out);
    }
    // An archive: its files, one level deep.
    for i in 0..zip.len() {
        let (name, encrypted, dir, size) = match zip.by_index_raw(i) {
            Ok(f) => (f.name().to_string(), f.encrypted(), f.is_dir(), f.size()),
            Err(e) => return Err(DocError::Unreadable(format!("damaged zip: {e}"))),
        };
        if dir {
            continue;
        }
        if encrypted {
            out.unread.push((name, DocError::Protected));
            continue;
        }
        let r = match zip.by_index(i) {
            Ok(f) => read_entry(f, size, &mut total),
            Err(e) => Err(DocError::Unreadable(format!("damaged: {e}"))),
        };
        match r {
            Ok(b) => out.files.push((name, b)),
            Err(e) => out.unread.push((name, e)),
        }
    }
    Ok(out)
}

fn number_in(name: &str) -> usize {
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_becomes_tab_separated_rows() {
        assert_eq!(
            csv_rows("host;user;password\ndb1;\"a;b\";Xy7!\n"),
            "host\tuser\tpassword\ndb1\ta;b\tXy7!\n"
        );
    }
}
