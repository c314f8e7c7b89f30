//! Autocrypt header values and the header collection of a raw message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = sealmail::read::autocrypt::parse_header(s);
    }
    let _ = sealmail::read::autocrypt::header_values(data, "Autocrypt");
});
