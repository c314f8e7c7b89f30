//! The text of office documents: WordprocessingML (DOCX) and slides (PPTX), SpreadsheetML
//! (XLSX) with its shared strings, and OpenDocument (ODT, ODS, ODP) content, read with
//! quick-xml. Paragraphs become lines, table cells are separated by `|` or tabs (so the table
//! rule can read password columns), and page breaks, sheets and slides become sections.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::documents::Section;

/// Predefined XML entities and character references.
fn entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let v = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v)
        }
    }
}

/// The text events of an XML document, with the element structure around them, as a small
/// state machine's input.
enum Piece<'a> {
    Open(&'a [u8], quick_xml::events::BytesStart<'a>),
    Close(&'a [u8]),
    Empty(quick_xml::events::BytesStart<'a>),
    Text(String),
}

fn walk(xml: &str, mut each: impl FnMut(Piece<'_>)) {
    let mut r = Reader::from_str(xml);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_vec();
                each(Piece::Open(&name, e));
            }
            Ok(Event::End(e)) => each(Piece::Close(e.local_name().as_ref())),
            Ok(Event::Empty(e)) => each(Piece::Empty(e)),
            Ok(Event::Text(t)) => each(Piece::Text(
                t.decode().map(|c| c.into_owned()).unwrap_or_default(),
            )),
            Ok(Event::CData(t)) => each(Piece::Text(String::from_utf8_lossy(&t).into_owned())),
            Ok(Event::GeneralRef(g)) => {
                let n = g.decode().map(|c| c.into_owned()).unwrap_or_default();
                if let Some(c) = entity(&n) {
                    each(Piece::Text(c.to_string()));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// WordprocessingML (and DrawingML of slides): paragraphs as lines, table cells separated by
/// `|`, page breaks (explicit or as Word last laid them out) as new sections.
pub(super) fn docx(xml: &str) -> Vec<Section> {
    let mut pages = vec![String::new()];
    let mut in_t = false;
    let mut in_cell = 0usize;
    walk(xml, |p| {
        let cur = pages.last_mut().expect("one page");
        match p {
            Piece::Open(n, _) if n == b"t" => in_t = true,
            Piece::Close(n) if n == b"t" => in_t = false,
            Piece::Text(t) if in_t => cur.push_str(&t),
            Piece::Open(n, _) if n == b"tc" => in_cell += 1,
            Piece::Close(n) if n == b"tc" => {
                in_cell = in_cell.saturating_sub(1);
                cur.push_str(" | ");
            }
            Piece::Close(n) if n == b"tr" => cur.push('\n'),
            Piece::Close(n) if n == b"p" => cur.push(if in_cell > 0 { ' ' } else { '\n' }),
            Piece::Empty(e) => match e.local_name().as_ref() {
                b"tab" => cur.push('\t'),
                b"br" | b"cr" => {
                    if attr(&e, "w:type").as_deref() == Some("page") {
                        pages.push(String::new());
                    } else {
                        cur.push('\n');
                    }
                }
                b"lastRenderedPageBreak" if !cur.trim().is_empty() => pages.push(String::new()),
                _ => {}
            },
            _ => {}
        }
    });
    pages
        .into_iter()
        .enumerate()
        .map(|(i, text)| Section {
            place: format!("page {}", i + 1),
            text,
        })
        .collect()
}

pub(super) fn shared_strings(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_t = false;
    walk(xml, |p| match p {
        Piece::Open(n, _) if n == b"si" => out.push(String::new()),
        Piece::Open(n, _) if n == b"t" => in_t = true,
        Piece::Close(n) if n == b"t" => in_t = false,
        Piece::Text(t) if in_t => {
            if let Some(s) = out.last_mut() {
                s.push_str(&t);
            }
        }
        _ => {}
    });
    out
}

/// Column index of a cell reference such as "C5".
fn column(r: &str) -> usize {
    r.chars()
        .take_while(char::is_ascii_alphabetic)
        .fold(0, |acc, c| {
            acc * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1)
        })
        .saturating_sub(1)
}

/// One worksheet: rows as lines, cells separated by tabs in their columns.
pub(super) fn xlsx_sheet(xml: &str, shared: &[String]) -> String {
    let mut out = String::new();
    let mut row: Vec<String> = Vec::new();
    let (mut col, mut kind) = (0usize, String::new());
    let mut in_v = false;
    let mut in_t = false;
    walk(xml, |p| match p {
        Piece::Open(n, _) if n == b"row" => row.clear(),
        Piece::Close(n) if n == b"row" => {
            out.push_str(&row.join("\t"));
            out.push('\n');
        }
        Piece::Open(n, e) if n == b"c" => {
            col = attr(&e, "r")
                .map(|r| column(&r))
                .unwrap_or(row.len())
                .min(200);
            kind = attr(&e, "t").unwrap_or_default();
            while row.len() <= col {
                row.push(String::new());
            }
        }
        Piece::Open(n, _) if n == b"v" => in_v = true,
        Piece::Close(n) if n == b"v" => in_v = false,
        Piece::Open(n, _) if n == b"t" => in_t = true,
        Piece::Close(n) if n == b"t" => in_t = false,
        Piece::Text(t) if in_v || in_t => {
            let v = if kind == "s" && in_v {
                t.trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| shared.get(i))
                    .cloned()
                    .unwrap_or_default()
            } else {
                t
            };
            if let Some(c) = row.get_mut(col) {
                c.push_str(&v);
            }
        }
        _ => {}
    });
    out
}

/// OpenDocument content: paragraphs as lines, table cells separated by tabs, each table of a
/// spreadsheet a section, soft page breaks of a text document new pages.
pub(super) fn odf(xml: &str) -> Vec<Section> {
    let mut sections = vec![Section {
        place: "page 1".into(),
        text: String::new(),
    }];
    let mut spreadsheet = false;
    let mut in_cell = 0usize;
    let mut in_body = false;
    let mut pages = 1;
    let mut sheets = 0;
    walk(xml, |p| match p {
        Piece::Open(n, _) if n == b"spreadsheet" => spreadsheet = true,
        Piece::Open(n, _) if n == b"body" => in_body = true,
        Piece::Open(n, e) if n == b"table" && spreadsheet => {
            sheets += 1;
            let name = attr(&e, "table:name").unwrap_or_else(|| sheets.to_string());
            if sheets == 1 {
                sections[0].place = format!("sheet {name}");
            } else {
                sections.push(Section {
                    place: format!("sheet {name}"),
                    text: String::new(),
                });
            }
        }
        Piece::Open(n, _) if n == b"table-cell" => in_cell += 1,
        Piece::Close(n) if n == b"table-cell" => {
            in_cell = in_cell.saturating_sub(1);
            sections.last_mut().expect("one").text.push('\t');
        }
        Piece::Empty(e) if e.local_name().as_ref() == b"table-cell" => {
            let n: usize = attr(&e, "table:number-columns-repeated")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            for _ in 0..n.min(20) {
                sections.last_mut().expect("one").text.push('\t');
            }
        }
        Piece::Close(n) if n == b"table-row" => sections.last_mut().expect("one").text.push('\n'),
        Piece::Close(n) if n == b"p" || n == b"h" => sections
            .last_mut()
            .expect("one")
            .text
            .push(if in_cell > 0 { ' ' } else { '\n' }),
        Piece::Empty(e) => match e.local_name().as_ref() {
            b"s" => {
                let n: usize = attr(&e, "text:c").and_then(|v| v.parse().ok()).unwrap_or(1);
                sections
                    .last_mut()
                    .expect("one")
                    .text
                    .push_str(&" ".repeat(n.min(40)));
            }
            b"tab" => sections.last_mut().expect("one").text.push('\t'),
            b"line-break" => sections.last_mut().expect("one").text.push('\n'),
            b"soft-page-break" if !spreadsheet => {
                pages += 1;
                sections.push(Section {
                    place: format!("page {pages}"),
                    text: String::new(),
                });
            }
            _ => {}
        },
        Piece::Text(t) if in_body => sections.last_mut().expect("one").text.push_str(&t),
        _ => {}
    });
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_and_spreadsheet_xml() {
        let d = docx(
            r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Password: A&amp;b9!xyz</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/><w:t>two</w:t></w:r></w:p></w:body></w:document>"#,
        );
        assert_eq!(d[0].text, "Password: A&b9!xyz\n");
        assert_eq!(d[1].place, "page 2");
        let s = xlsx_sheet(
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#,
            &["Password".into()],
        );
        assert_eq!(s, "Password\t\tx\n");
    }
}
