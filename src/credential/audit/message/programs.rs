//! The carriers read by other programs: PDFs (poppler's `pdftotext`; a page with no text of
//! its own or with a picture on it, as `pdfimages` lists them, is rendered by `pdftoppm` and
//! read by Tesseract), Office 97-2003 files and RTF documents (catdoc's `catdoc`, `xls2csv`,
//! `catppt`; a deck `catppt` finds no text in by its text atoms). Every program reads the bytes
//! on standard input (docs/SECURITY.md); a missing program or an unreadable file is listed,
//! never skipped in silence.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::super::documents;
use super::super::powerpoint;
use super::super::tools::{self, ToolError};
use super::{columns, why_text, Scanned, Scanner};

impl Scanner {
    /// A PDF attachment: its pages' text, then its scanned pages.
    pub(super) fn pdf(
        &self,
        name: &str,
        data: &[u8],
        prefix: &str,
        key: [u8; 32],
        out: &mut Scanned,
    ) {
        let place = |what: &str| format!("{prefix}{what}");
        let program = self
            .pdftotext
            .get_or_init(|| tools::find_program("pdftotext"));
        if !self.opts.pdf {
            out.unread.push((
                place(&format!("document {name}")),
                "not read: PDFs were turned off".into(),
            ));
            return;
        }
        let Some(program) = program else {
            out.unread.push((
                place(&format!("document {name}")),
                "not read: pdftotext is not installed (Debian: apt install poppler-utils)".into(),
            ));
            return;
        };
        match tools::pdf_pages(program, data) {
            Ok(pages) => {
                out.documents_read += 1;
                for (i, p) in pages.iter().enumerate() {
                    self.text(
                        &columns(p),
                        &place(&format!("document {name} page {}", i + 1)),
                        Some(key),
                        out,
                    );
                }
                // A scan has no text, or only a scanning app's stamp or a page number
                // ("Scanned with CamScanner", "Page 1 of 3"); a page of text may hold a
                // screenshot (pdfimages lists the pictures on each page).
                let mut scanned: Vec<usize> = (1..=pages.len())
                    .filter(|&n| pages[n - 1].chars().filter(|c| !c.is_whitespace()).count() < 40)
                    .collect();
                if let Some(program) = self
                    .pdfimages
                    .get_or_init(|| tools::find_program("pdfimages"))
                {
                    if let Ok(with_pictures) = tools::pdf_picture_pages(program, data) {
                        scanned.extend(with_pictures.into_iter().filter(|&n| n <= pages.len()));
                        scanned.sort_unstable();
                        scanned.dedup();
                    }
                }
                self.scanned_pages(name, data, &scanned, prefix, key, out);
            }
            Err(ToolError::Protected) => out.unread.push((
                place(&format!("document {name}")),
                "could not be read (protected)".into(),
            )),
            Err(ToolError::Failed(e)) => out.unread.push((
                place(&format!("document {name}")),
                format!("could not be read ({e})"),
            )),
        }
    }

    /// Pages of a PDF without text of their own (scans, printed screenshots) or with a picture
    /// on them: rendered by `pdftoppm` and read by Tesseract, the first `SCANNED_PAGES` of them.
    fn scanned_pages(
        &self,
        name: &str,
        pdf: &[u8],
        pages: &[usize],
        prefix: &str,
        key: [u8; 32],
        out: &mut Scanned,
    ) {
        const SCANNED_PAGES: usize = 20;
        if pages.is_empty() {
            return;
        }
        let place = |n: usize| format!("{prefix}document {name} page {n}");
        let ocr = match self.ocr() {
            Ok(o) => o,
            Err(e) => {
                out.unread
                    .push((place(pages[0]), format!("scanned pages not read: {e}")));
                return;
            }
        };
        let Some(program) = self
            .pdftoppm
            .get_or_init(|| tools::find_program("pdftoppm"))
        else {
            out.unread.push((
                place(pages[0]),
                "scanned pages not read: pdftoppm is not installed (Debian: apt install poppler-utils)"
                    .into(),
            ));
            return;
        };
        for &n in pages.iter().take(SCANNED_PAGES) {
            match tools::pdf_page_png(program, pdf, n).and_then(|png| ocr.read(&png)) {
                Ok(t) => {
                    out.images_read += 1;
                    self.text(
                        &t,
                        &format!("{} (text recognised)", place(n)),
                        Some(key),
                        out,
                    );
                }
                Err(ToolError::Failed(m)) => out
                    .unread
                    .push((place(n), format!("scanned page could not be read ({m})"))),
                Err(ToolError::Protected) => out.unread.push((
                    place(n),
                    "scanned page could not be read (protected)".into(),
                )),
            }
        }
        if pages.len() > SCANNED_PAGES {
            out.unread.push((
                place(pages[SCANNED_PAGES]),
                format!(
                    "{} more scanned pages not read (the first {SCANNED_PAGES} were)",
                    pages.len() - SCANNED_PAGES
                ),
            ));
        }
    }

    /// A Rich Text Format document, read by `catdoc` like a Word 97-2003 one: its control
    /// words ("\\par") are no part of the text, and a password read with them would not match
    /// its copies elsewhere.
    pub(super) fn rtf(
        &self,
        name: &str,
        data: &[u8],
        prefix: &str,
        key: [u8; 32],
        out: &mut Scanned,
    ) {
        let place = format!("{prefix}document {name}");
        let Some(path) = catdoc_program(&self.catdoc, "catdoc", "RTF", &place, out) else {
            return;
        };
        self.document_text(tools::word97_text(path, data), place, "RTF", key, out);
    }

    /// A program's text of a document, scanned; or why the document was not read (no text at
    /// all is listed too, never passed as clean).
    fn document_text(
        &self,
        text: Result<String, ToolError>,
        place: String,
        what: &str,
        key: [u8; 32],
        out: &mut Scanned,
    ) {
        match text {
            Ok(t) if t.trim().is_empty() => out
                .unread
                .push((place, format!("could not be read ({what}: no text found)"))),
            Ok(t) => {
                out.documents_read += 1;
                self.text(&t, &place, Some(key), out);
            }
            Err(ToolError::Protected) => out
                .unread
                .push((place, "could not be read (protected)".into())),
            Err(ToolError::Failed(e)) => {
                out.unread.push((place, format!("could not be read ({e})")))
            }
        }
    }

    /// An OLE compound file: Word 97-2003 documents are read by `catdoc`, Excel 97-2003
    /// workbooks by `xls2csv` (cells separated by tabs, so that the table rule reads password
    /// columns), PowerPoint 97-2003 by `catppt` (all three from Debian's catdoc); protected
    /// files and other compound files are listed as not read.
    pub(super) fn old_office(
        &self,
        name: &str,
        data: &[u8],
        prefix: &str,
        key: [u8; 32],
        out: &mut Scanned,
    ) {
        use documents::OldOffice;
        let place = format!("{prefix}document {name}");
        if documents::compound_is_encrypted(data) {
            out.unread
                .push((place, "could not be read (protected)".into()));
            return;
        }
        let kind = documents::old_office_kind(data);
        let (cell, program, what) = match kind {
            OldOffice::Word => (&self.catdoc, "catdoc", "Word 97-2003"),
            OldOffice::Excel => (&self.xls2csv, "xls2csv", "Excel 97-2003"),
            OldOffice::PowerPoint => (&self.catppt, "catppt", "PowerPoint 97-2003"),
            OldOffice::Other => {
                out.unread
                    .push((place, "could not be read (old Office format)".into()));
                return;
            }
        };
        let Some(path) = catdoc_program(cell, program, what, &place, out) else {
            return;
        };
        let text = match kind {
            OldOffice::Word => tools::word97_text(path, data),
            OldOffice::Excel => tools::excel97_text(path, data),
            _ => tools::powerpoint97_text(path, data),
        };
        // A deck whose text catppt does not find (LibreOffice's): its text atoms.
        let text = match text {
            Ok(t) if t.trim().is_empty() && kind == OldOffice::PowerPoint => {
                match powerpoint::text(data) {
                    Ok(t) => Ok(t),
                    Err(e) => {
                        out.unread.push((place, why_text(&e)));
                        return;
                    }
                }
            }
            other => other,
        };
        self.document_text(text, place, what, key, out);
    }
}

/// One of Debian's catdoc programs, looked for once; when it is missing, the document is listed
/// as not read with the package to install.
fn catdoc_program<'a>(
    cell: &'a OnceLock<Option<PathBuf>>,
    program: &str,
    what: &str,
    place: &str,
    out: &mut Scanned,
) -> Option<&'a Path> {
    let path = cell.get_or_init(|| tools::find_program(program)).as_deref();
    if path.is_none() {
        out.unread.push((
            place.to_string(),
            format!("could not be read ({what}; Debian: apt install catdoc)"),
        ));
    }
    path
}
