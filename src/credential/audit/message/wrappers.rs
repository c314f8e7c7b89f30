//! The wrappers Outlook and Exchange put mail in: an Outlook item attached to a mail (`.msg`,
//! read like a forwarded message) and `winmail.dat` (TNEF); their files are read as
//! attachments one level down.

use super::super::outlook;
use super::super::tnef;
use super::{html_text, why_text, Scanned, Scanner};

impl Scanner {
    /// An Outlook item attached to the mail (`.msg`): read like a forwarded message, its
    /// files like attachments one level down.
    pub(super) fn outlook(
        &self,
        name: &str,
        data: &[u8],
        prefix: &str,
        depth: usize,
        out: &mut Scanned,
    ) {
        let item = match outlook::read(data) {
            Ok(i) => i,
            Err(e) => {
                out.unread
                    .push((format!("{prefix}attachment {name}"), why_text(&e)));
                return;
            }
        };
        out.forwarded = true;
        out.documents_read += 1;
        let p = format!("{prefix}Outlook item {name}: ");
        self.text(&item.subject, &format!("{p}subject"), None, out);
        let body = if item.html {
            html_text(&item.body)
        } else {
            item.body
        };
        self.text(&body, &format!("{p}body"), None, out);
        for (n, why) in item.unread {
            out.unread.push((format!("{p}attachment {n}"), why));
        }
        self.wrapped_files(&item.files, &p, depth, out);
    }

    /// The files an Outlook item or a `winmail.dat` holds, read as attachments one level down
    /// (inside an archive or another attachment they are listed as not opened).
    fn wrapped_files(&self, files: &[(String, Vec<u8>)], p: &str, depth: usize, out: &mut Scanned) {
        for (n, b) in files {
            if depth > 0 {
                out.unread.push((
                    format!("{p}attachment {n}"),
                    "attachment of an attachment not opened".into(),
                ));
                continue;
            }
            self.attachment(n, "", b, p, depth + 1, out);
        }
    }

    /// Outlook's rich-text wrapper (`winmail.dat`): its body, and its files as attachments.
    pub(super) fn tnef(
        &self,
        name: &str,
        data: &[u8],
        prefix: &str,
        depth: usize,
        out: &mut Scanned,
    ) {
        let wrapped = match tnef::read(data) {
            Ok(w) => w,
            Err(e) => {
                out.unread
                    .push((format!("{prefix}attachment {name}"), why_text(&e)));
                return;
            }
        };
        let p = format!("{prefix}{name}: ");
        self.text(&wrapped.body, &format!("{p}body"), None, out);
        self.wrapped_files(&wrapped.files, &p, depth, out);
    }
}
