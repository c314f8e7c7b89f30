//! The leak audit's message scanner.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sealmail::credential::audit::scan_message(data, "fuzz");
});
