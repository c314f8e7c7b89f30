//! OpenSSL set-up for a program that starts often and lives a few milliseconds.
//!
//! Three of OpenSSL's start-up defaults cost more than the cryptography of a short command:
//!
//! - **Error texts.** OpenSSL fills a hash table with the text of every error it can report
//!   (several thousand) before it is first used. Here that is skipped at start-up; the texts
//!   are loaded by [`prepare_for_tls`] before the first network lookup, the only place where
//!   an OpenSSL error text (from TLS) reaches the user. Everything else still fails the same
//!   way; only the reason text of an OpenSSL error met elsewhere would read `reason(N)`.
//! - **The legacy table of cipher and digest names.** OpenSSL registers some 300 names and
//!   aliases of its ciphers and digests in a global table, and every library context then
//!   copies that table into its own name map at its first lookup. Algorithms are fetched from
//!   the providers by the names the providers declare, so neither the OpenPGP library nor
//!   sealmail's own calls need the table; TLS does (certificate checks find a signature's
//!   digest by its number there). So the table is filled by [`prepare_for_tls`] too.
//! - **The random generator of OpenSSL's default context.** sealmail's own OpenSSL calls use
//!   that context: its RSA and X25519 decryption (RSA blinding and the implicit rejection of a
//!   bad padding draw random numbers), the AES of big messages, and TLS for key lookups; the
//!   OpenPGP library has a context of its own. By default the generator is CTR-DRBG, and
//!   making it, in a short decrypt, sets up every cipher of that context for one AES.
//!   HASH-DRBG with SHA-256 sets up the digests, which the implicit rejection needs anyway.
//!   Both are NIST SP 800-90A generators with 256-bit strength, seeded from the kernel in the
//!   same way.
//!
//! Measured with a C probe linked against the same OpenSSL. Initialise, 32 random bytes, one
//! SHA-256 fetch: 820 µs with the defaults, 435 µs without the error texts and with HASH-DRBG.
//! Initialise, then a context like the OpenPGP library's and its first digest fetch (median
//! of 21 runs): 484 µs with the name table, 244 µs without. Figures for sealmail are in
//! docs/BENCHMARKS.md.
//!
//! The choices must be made before OpenSSL is first initialised, which the OpenPGP library
//! does in a constructor of its own; so this runs as an earlier constructor. Should the order
//! ever change, the defaults stay in force and nothing fails.

use std::ffi::{c_char, c_int, c_void};

// From OpenSSL's crypto.h and ssl.h (3.x).
const OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS: u64 = 0x0000_0001;
const OPENSSL_INIT_NO_ADD_ALL_CIPHERS: u64 = 0x0000_0010;
const OPENSSL_INIT_NO_ADD_ALL_DIGESTS: u64 = 0x0000_0020;
const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;
const OPENSSL_INIT_NO_LOAD_SSL_STRINGS: u64 = 0x0010_0000;

extern "C" {
    fn OPENSSL_init_ssl(opts: u64, settings: *const c_void) -> c_int;
    fn RAND_set_DRBG_type(
        ctx: *mut c_void,
        drbg: *const c_char,
        propq: *const c_char,
        cipher: *const c_char,
        digest: *const c_char,
    ) -> c_int;
    // Load the texts of every library but TLS, and those of TLS; register the legacy names of
    // the ciphers and of the digests. All four are internal to OpenSSL (the public ways only
    // ask the initialisation, which was told not to) but are in the static library linked in;
    // a version without them fails the build, not a run.
    fn ossl_err_load_crypto_strings() -> c_int;
    fn ossl_err_load_SSL_strings() -> c_int;
    fn openssl_add_all_ciphers_int();
    fn openssl_add_all_digests_int();
}

#[ctor::ctor(unsafe, priority = early)]
fn set_up() {
    // SAFETY: both are plain OpenSSL calls with valid arguments (null settings, null context =
    // the default one, NUL-terminated names). A failure leaves OpenSSL's defaults in force.
    unsafe {
        OPENSSL_init_ssl(
            OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS
                | OPENSSL_INIT_NO_LOAD_SSL_STRINGS
                | OPENSSL_INIT_NO_ADD_ALL_CIPHERS
                | OPENSSL_INIT_NO_ADD_ALL_DIGESTS
                | OPENSSL_INIT_NO_ATEXIT,
            std::ptr::null(),
        );
        RAND_set_DRBG_type(
            std::ptr::null_mut(),
            c"HASH-DRBG".as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            c"SHA256".as_ptr(),
        );
    }
}

/// Makes OpenSSL ready for TLS (once): loads its error texts, so that a TLS failure says what
/// went wrong, and registers the legacy cipher and digest names its certificate checks need.
pub(crate) fn prepare_for_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: the four only insert constant tables into OpenSSL's own tables, each under
    // OpenSSL's lock for that table.
    ONCE.call_once(|| unsafe {
        ossl_err_load_crypto_strings();
        ossl_err_load_SSL_strings();
        openssl_add_all_ciphers_int();
        openssl_add_all_digests_int();
    });
}
