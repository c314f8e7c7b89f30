//! ASCII armor decoding, as decrypt meets it inside mails.
#![no_main]
use std::io::Read;

use libfuzzer_sys::fuzz_target;
use sealmail::openpgp::armor::{Kind, Reader, ReaderMode};

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    let _ = Reader::from_bytes(data, ReaderMode::Tolerant(Some(Kind::Message))).read_to_end(&mut out);
    let _ = sealmail::keys::parse_certs(data, "fuzz");
});
