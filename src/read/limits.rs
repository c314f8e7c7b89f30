//! Limits on what a message may be, each refused with a clear error: size, MIME nesting
//! depth, number of parts, header line length; and, while decrypting, the decompression ratio
//! and the number of recipients tried.

use super::ReadError;

/// Plaintext may be at most this many times the ciphertext.
pub const MAX_INFLATION: u64 = 1000;
/// ... but small messages may always inflate to this many bytes.
pub const MIN_INFLATION_ALLOWANCE: u64 = 16 << 20;
/// At most this many recipients (PKESK packets) are tried.
pub const MAX_RECIPIENTS: usize = 100;

/// The limits of one read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest message in bytes (default 2 GiB; `[limits] max_message_mb`).
    pub max_message_bytes: u64,
    /// Deepest MIME nesting (default 32).
    pub max_depth: usize,
    /// Most MIME parts (default 1000).
    pub max_parts: usize,
    /// Longest header line in bytes (default 64 KiB; RFC 5322 says 998).
    pub max_header_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 2 << 30,
            max_depth: 32,
            max_parts: 1000,
            max_header_line: 64 << 10,
        }
    }
}

/// Checks the raw message against the limits, before any parsing.
pub fn check(raw: &[u8], l: &Limits) -> Result<(), ReadError> {
    if raw.len() as u64 > l.max_message_bytes {
        return Err(ReadError::Limit(format!(
            "the message is {} bytes, more than the limit of {} (max_message_mb)",
            raw.len(),
            l.max_message_bytes
        )));
    }
    // Header lines: the header section ends at the first empty line.
    let head_end = crate::mime::find_header_end(raw);
    if let Some(long) = raw[..head_end]
        .split(|&b| b == b'\n')
        .map(|x| x.len())
        .max()
    {
        if long > l.max_header_line {
            return Err(ReadError::Limit(format!(
                "a header line is {long} bytes long (the limit is {})",
                l.max_header_line
            )));
        }
    }
    check_structure(raw, l)
}

/// Checks the MIME nesting and the number of parts of an entity (a message, or what was
/// decrypted from one). The structure is walked, keeping nothing, before any parser builds a
/// tree of it.
pub fn check_structure(raw: &[u8], l: &Limits) -> Result<(), ReadError> {
    let mut counter = super::stream::Splitter::counter(*l);
    counter.feed(raw)?;
    counter.finish()?;
    Ok(())
}
