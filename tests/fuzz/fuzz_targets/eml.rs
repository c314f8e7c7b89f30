//! A whole message through read_message, with Bob's secret key (keys-test/) in a fixed home.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sealmail::keys::Keyring;
use sealmail::Context;

struct Fixture {
    _dir: tempfile::TempDir,
    ring: Keyring,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        // sealmail catches panics inside the OpenPGP library (read::decrypt::guarded) and refuses
        // the mail; libFuzzer's hook would abort on those caught ones too. A panic that escapes
        // sealmail still aborts (libfuzzer-sys aborts on any unwinding out of the target).
        std::panic::set_hook(Box::new(|_| {}));
        let dir = tempfile::tempdir().unwrap();
        let ring = Keyring::open(&sealmail::Home::open(dir.path()).unwrap()).unwrap();
        let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../../keys-test/");
        for k in ["bob@openpgp.example-0xfbfcc82a015e7330-secret.asc", "alice@openpgp.example-0xf231550c4f47e38e-pub.asc"] {
            ring.import(&std::fs::read(format!("{keys}{k}")).unwrap(), k).unwrap();
        }
        Fixture { _dir: dir, ring }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let ctx = Context::now();
    let _ = sealmail::read::read_message(data, &f.ring, &ctx, &mut |_| None);
});
