//! Reading large messages as a stream, in bounded memory.
//!
//! A big PGP/MIME message is read from its file line by line ([`lines`]): the outer header
//! section, then the armored second part of `multipart/encrypted` goes straight into the
//! OpenPGP library's decryptor, and the plaintext goes through [`Splitter`], which walks the
//! inner MIME structure as it arrives. Small parts stay in memory (the "skeleton" of the inner
//! entity, which the verdict code reads like any other message); a large part is decoded into
//! a hidden temporary file in the attachments folder ([`spill`]; or only counted when there is
//! none) and its body in the skeleton is replaced by an unguessable token. The temporary files
//! are removed unless the whole message, integrity check included, was read: see
//! [`super::save_attachments`].
//!
//! The same `Splitter`, keeping nothing, counts the MIME nesting depth and the parts of any
//! message for [`super::limits`].

mod lines;
mod spill;
mod splitter;

pub(crate) use lines::{at_armored_message, read_head, seek_encrypted_part, PartReader};
pub(crate) use spill::Spill;
pub(crate) use splitter::Splitter;

/// Message files larger than this are read as a stream (unless the caller needs the whole
/// decrypted entity, as `--raw` does).
pub const STREAM_ABOVE: u64 = 16 << 20;

/// Longest line handled as one; longer ones are passed on in pieces.
const MAX_LINE: usize = 64 << 10;
/// Largest header section (and largest stretch skipped before the encrypted part).
const MAX_HEAD: usize = 1 << 20;
