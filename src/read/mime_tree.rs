//! A MIME entity with its exact raw bytes, on top of mail-parser.
//!
//! mail-parser decodes headers and bodies; the exact bytes of a `multipart/signed` part (what
//! the signature covers) are cut out here by the boundary rules of RFC 2046 §5.1.1.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// One MIME entity: its raw bytes and the parsed message over them.
pub struct Entity<'a> {
    /// The raw bytes (header section and body).
    pub raw: &'a [u8],
    /// The parsed form.
    pub msg: mail_parser::Message<'a>,
}

impl<'a> Entity<'a> {
    /// Parses `raw` as an entity.
    pub fn parse(raw: &'a [u8]) -> Option<Self> {
        let msg = MessageParser::default().parse(raw)?;
        Some(Entity { raw, msg })
    }

    /// Whether the entity has any header at all.
    pub fn has_headers(&self) -> bool {
        !self.msg.headers().is_empty()
    }

    /// The lower-case `type/subtype` of the root, `text/plain` by default.
    pub fn content_type(&self) -> String {
        match self.msg.content_type() {
            Some(ct) => format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"))
                .to_ascii_lowercase(),
            None => "text/plain".into(),
        }
    }

    /// A parameter of the root's Content-Type.
    pub fn ct_param(&self, name: &str) -> Option<String> {
        self.msg
            .content_type()
            .and_then(|ct| ct.attribute(name))
            .map(|s| s.to_string())
    }

    /// The raw bytes of the direct children of a multipart root, split at the boundary.
    pub fn children_raw(&self) -> Vec<&'a [u8]> {
        match self.ct_param("boundary") {
            Some(b) => split_multipart(self.raw, b.as_bytes()),
            None => Vec::new(),
        }
    }

    /// The decoded body of a single-part root.
    pub fn body_bytes(&self) -> Vec<u8> {
        match self.msg.parts.first().map(|p| &p.body) {
            Some(PartType::Text(t)) | Some(PartType::Html(t)) => t.as_bytes().to_vec(),
            Some(PartType::Binary(b)) | Some(PartType::InlineBinary(b)) => b.to_vec(),
            _ => Vec::new(),
        }
    }

    /// The text to show: every inline text body in order (HTML turned into text where there
    /// is no plain alternative), separated by blank lines.
    pub fn body_text(&self) -> String {
        let mut parts = Vec::new();
        let mut i = 0;
        while let Some(t) = self.msg.body_text(i) {
            parts.push(t.into_owned());
            i += 1;
        }
        parts.join("\n")
    }

    /// The leaf parts: content type, file name, whether it is an attachment, and its bytes.
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut v = Vec::new();
        for (i, p) in self.msg.parts.iter().enumerate() {
            let ct = p
                .content_type()
                .map(|ct| {
                    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"))
                        .to_ascii_lowercase()
                })
                .unwrap_or_else(|| "text/plain".into());
            let (data, nested) = match &p.body {
                PartType::Multipart(_) => continue,
                PartType::Text(t) | PartType::Html(t) => (t.as_bytes().to_vec(), false),
                PartType::Binary(b) | PartType::InlineBinary(b) => (b.to_vec(), false),
                PartType::Message(m) => (m.raw_message().to_vec(), true),
            };
            let filename = p.attachment_name().map(|s| s.to_string());
            let is_body = self.msg.text_body.contains(&(i as u32))
                || self.msg.html_body.contains(&(i as u32));
            v.push(Leaf {
                content_type: if nested { "message/rfc822".into() } else { ct },
                filename,
                attachment: !is_body || p.is_content_type("message", "rfc822"),
                data,
            });
        }
        v
    }
}

/// A leaf part.
pub struct Leaf {
    /// Lower-case content type.
    pub content_type: String,
    /// The file name, if any.
    pub filename: Option<String>,
    /// Whether it is an attachment rather than the body.
    pub attachment: bool,
    /// The decoded content.
    pub data: Vec<u8>,
}

/// Splits a multipart entity's raw bytes into the raw bytes of its children. A child ends
/// before the line break that precedes the next delimiter line (RFC 2046 §5.1.1).
pub fn split_multipart<'a>(raw: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(boundary);
    let mut starts = Vec::new(); // (line start, line end incl. newline, is_close)
    let mut pos = 0;
    while pos < raw.len() {
        let end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| pos + i + 1)
            .unwrap_or(raw.len());
        let line = &raw[pos..end];
        if line.starts_with(&delim) {
            let rest = &line[delim.len()..];
            let close = rest.starts_with(b"--");
            let tail = if close { &rest[2..] } else { rest };
            if tail.iter().all(|b| b.is_ascii_whitespace()) {
                starts.push((pos, end, close));
                if close {
                    break;
                }
            }
        }
        pos = end;
    }
    let mut parts = Vec::new();
    for w in starts.windows(2) {
        let (_, body_start, close) = w[0];
        if close {
            break;
        }
        let mut body_end = w[1].0;
        if body_end > body_start && raw[body_end - 1] == b'\n' {
            body_end -= 1;
            if body_end > body_start && raw[body_end - 1] == b'\r' {
                body_end -= 1;
            }
        }
        parts.push(&raw[body_start..body_end.max(body_start)]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_exact() {
        let raw = b"Content-Type: multipart/signed; boundary=\"b\"\r\n\r\npre\r\n--b\r\nA: 1\r\n\r\nx\r\n--b\r\nsig\r\n--b--\r\n";
        let parts = split_multipart(raw, b"b");
        assert_eq!(parts, vec![&b"A: 1\r\n\r\nx"[..], &b"sig"[..]]);
    }
}
