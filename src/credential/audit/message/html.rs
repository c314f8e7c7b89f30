//! An HTML body as the text rules read it: block elements and `<br>` end lines, table cells
//! are separated by `|`, `<pre>` keeps its lines; mail-parser then drops the tags and decodes
//! the entities. The line breaks and cell marks go in with one walk over the tags (half of
//! all mail is HTML, and three regex passes over it cost a tenth of an audit), the rare
//! `<pre>` block with its regex.

use std::sync::OnceLock;

use regex::Regex;

/// The elements that start a line of their own (`<div>`, `</p>`, `<tr>`, `<h2>`, ...).
const BLOCKS: &[&str] = &[
    "div",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tbody",
    "thead",
    "ul",
    "ol",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "dt",
    "dd",
    "p",
    "center",
    "hr",
];

/// `html` as text for the rules.
pub(super) fn html_text(html: &str) -> String {
    let html = with_pre_lines(html);
    let text = mail_parser::decoders::html::html_to_text(&marked(&html));
    // (Both spaces start with a byte plain text rarely has: one quick look first.)
    if text.bytes().any(|b| b == 0xC2 || b == 0xE2) {
        text.replace(['\u{a0}', '\u{200b}'], " ")
    } else {
        text
    }
}

/// Whether two texts hold the same lines, blank lines and the spaces around lines aside: an
/// HTML alternative whose text is the plain one's (the blank lines its blocks leave) says
/// nothing the plain one did not, and is not read twice.
pub(super) fn same_lines(a: &str, b: &str) -> bool {
    let lines = |t| {
        str::lines(t)
            .map(str::trim)
            .filter(|l: &&str| !l.is_empty())
    };
    lines(a).eq(lines(b))
}

/// The table an HTML source shown as text makes, when the text holds one's cells.
pub(super) fn source_table(text: &str) -> Option<String> {
    let has = |lower: &str, upper: &str| text.contains(lower) || text.contains(upper);
    (has("</td>", "</TD>") && has("<tr", "<TR")).then(|| html_text(text))
}

/// `html` with the line breaks inside `<pre>`, `<code>` and `<textarea>` as `<br>`, which the
/// conversion to text keeps (it folds plain line breaks into spaces).
fn with_pre_lines(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let opens = memchr::memchr_iter(b'<', b).any(|i| {
        ["pre", "code", "textarea"].iter().any(|t| {
            b.get(i + 1..i + 1 + t.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(t.as_bytes()))
        })
    });
    if !opens {
        return html.into();
    }
    static PRE: OnceLock<Regex> = OnceLock::new();
    let pre = PRE.get_or_init(|| {
        super::super::pattern::regex(
            r"(?is)<(pre|code|textarea)(?-u:\b)[^>]*>.*?</(?:pre|code|textarea)\s*>",
        )
        .expect("built-in pattern")
    });
    pre.replace_all(html, |c: &regex::Captures<'_>| {
        c[0].replace("\r\n", "<br>").replace('\n', "<br>")
    })
}

/// `html` with `<br>` before each block element's tag and `</td> | ` for each cell's end
/// tag (`</td>`, `</th >`).
fn marked(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut copied = 0;
    // A block tag runs to the first `>` after its name; a block tag inside it is no tag
    // (`<div title="<p>">`), a cell's end tag is.
    let mut inside_until = 0;
    for i in memchr::memchr_iter(b'<', b) {
        let closing = b.get(i + 1) == Some(&b'/');
        let from = i + 1 + usize::from(closing);
        let len = b[from..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let name = &b[from..from + len];
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if closing && (is("td") || is("th")) {
            let rest = &html[from + len..];
            let spaces = rest.len() - rest.trim_start().len();
            if rest[spaces..].starts_with('>') {
                out.push_str(&html[copied..i]);
                out.push_str("</td> | ");
                copied = from + len + spaces + 1;
            }
            continue;
        }
        if i < inside_until || len == 0 || !BLOCKS.iter().any(|n| is(n)) {
            continue;
        }
        let Some(end) = memchr::memchr(b'>', &b[from + len..]) else {
            continue;
        };
        out.push_str(&html[copied..i]);
        out.push_str("<br>");
        copied = i;
        inside_until = from + len + end + 1;
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tables_html_source_shown_as_text_is_read_as_its_table() {
        let source = "<table>\n<tr>\n<th>Service</th>\n<th>Password</th>\n</tr>\n<tr>\n<td>Vesta</td>\n<td>vQ7Fp1IYDi</td>\n</tr>\n</table>";
        let table = source_table(source).expect("a table");
        assert!(table.contains("Vesta| vQ7Fp1IYDi |"), "{table}");
        assert!(source_table("Use <td> cells for data.").is_none());
    }

    #[test]
    fn blocks_and_cells_are_marked_as_the_patterns_did() {
        assert_eq!(
            marked("<div dir=\"ltr\"><DIV>a</DIV><p>b</p></div>"),
            "<br><div dir=\"ltr\"><br><DIV>a<br></DIV><br><p>b<br></p><br></div>"
        );
        // Not a longer name, nor a block tag inside another's attributes; a cell's end tag
        // anywhere.
        assert_eq!(
            marked("<pre>x</pre><param><div title=\"<p>\">y</td >z</TH>"),
            "<pre>x</pre><param><br><div title=\"<p>\">y</td> | z</td> | "
        );
        assert_eq!(
            marked("<h2>t</h2><hr/><header>"),
            "<br><h2>t<br></h2><br><hr/><br><header>"
        );
        // A tag left open at the end, a cell's end tag without its `>`.
        assert_eq!(marked("a <div class=x"), "a <div class=x");
        assert_eq!(marked("a </td b"), "a </td b");
        assert_eq!(
            with_pre_lines("<PRE class=x>a\nb</pre>\nc"),
            "<PRE class=x>a<br>b</pre>\nc"
        );
        assert_eq!(with_pre_lines("<p>a\nb</p>"), "<p>a\nb</p>");
    }

    #[test]
    fn an_html_alternative_with_the_plain_lines_is_the_same_text() {
        let plain = "Hi,\n\nThe report is attached.\nThanks\n";
        assert!(same_lines(
            plain,
            &html_text(
                "<div>Hi,</div><div><br></div><div>The report is attached.</div><div>Thanks</div>"
            )
        ));
        assert!(!same_lines(
            plain,
            &html_text("<div>Hi,</div><div>The report is attached. Thanks</div>")
        ));
        assert!(!same_lines(
            plain,
            "Hi,\nThe report is attached.\nThanks\nPassword: Kq7!mZ2x"
        ));
    }
}
