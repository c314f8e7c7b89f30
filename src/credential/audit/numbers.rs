//! The numbers people should never mail: payment card numbers (Luhn-valid, of a known issuer,
//! grouped as printed on the card or named as a card), US social security numbers named as
//! such, and IBANs whose check digits are right. Each is masked to its last digits.

use std::sync::OnceLock;

use regex::Regex;

/// A number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Number {
    /// `card-number`, `ssn` or `iban`.
    pub kind: &'static str,
    /// The issuer (cards) or country (IBANs).
    pub detail: String,
    /// The normalised value (digits, or the IBAN without spaces), for the trail.
    pub value: String,
    /// A masked form to show.
    pub masked: String,
}

fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut d = u32::from(*d);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// The issuer of a card number by its prefix and length (ISO/IEC 7812 ranges as the networks
/// publish them).
fn issuer(d: &str) -> Option<&'static str> {
    let n = d.len();
    let p = |k: usize| d[..k].parse::<u32>().unwrap_or(0);
    match () {
        _ if d.starts_with('4') && [13, 16, 19].contains(&n) => Some("Visa"),
        _ if (51..=55).contains(&p(2)) && n == 16 => Some("Mastercard"),
        _ if (2221..=2720).contains(&p(4)) && n == 16 => Some("Mastercard"),
        _ if (p(2) == 34 || p(2) == 37) && n == 15 => Some("American Express"),
        _ if (p(4) == 6011 || (644..=649).contains(&p(3)) || p(2) == 65)
            && (16..=19).contains(&n) =>
        {
            Some("Discover")
        }
        _ if (3528..=3589).contains(&p(4)) && (16..=19).contains(&n) => Some("JCB"),
        _ if ((300..=305).contains(&p(3)) || p(2) == 36 || p(2) == 38 || p(2) == 39)
            && (14..=19).contains(&n) =>
        {
            Some("Diners Club")
        }
        _ if p(2) == 62 && (16..=19).contains(&n) => Some("UnionPay"),
        _ if (p(2) == 50 || (56..=69).contains(&p(2))) && (12..=19).contains(&n) => Some("Maestro"),
        _ => None,
    }
}

fn card_context() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:card|cards|kreditkarte\w*|karte\w*|kartennummer|carte|tarjeta|carta|kaart\w*|cc|ccn|credit|debit|visa|master\s?card|mastercard|amex|american\s+express|discover|jcb|diners|unionpay|maestro|pan|cvv|cvc|cvv2|csc|exp|expiry|expires|expiration|ablauf\w*|gültig\w*|valid|numéro|número|numero|payment|zahlung\w*|paiement|pago|pagamento|betaling)(?-u:\b)")
            .expect("built-in pattern")
    })
}

/// The numbers payment providers publish for testing: a digit repeated six times or more in a
/// row, or a short pattern over and over (`4242 4242 4242 4242`, `4000 0000 0000 0002`,
/// `5555 5555 5555 4444`, `5105 1051 0510 5100`) — a real card number is random — and the
/// few documented ones without such a pattern.
fn test_card(digits: &str, bytes: &[u8]) -> bool {
    const DOCUMENTED: &[&str] = &[
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "30569309025904",
        "38520000023237",
        "6011000990139424",
        "3566002020360505",
        "4000056655665556",
        "2223003122003222",
        "4543474002249996",
    ];
    let run = bytes
        .chunk_by(|a, b| a == b)
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0);
    let body = &bytes[..bytes.len() - 1];
    let repeats = (1..=4)
        .any(|p| body.len() >= 3 * p && body.iter().enumerate().all(|(i, b)| *b == body[i % p]));
    run >= 6 || repeats || DOCUMENTED.contains(&digits)
}

fn test_context() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:test\w*|sandbox|dummy|fake|for\s+example|for\s+instance|zum\s+beispiel|par\s+exemple|por\s+ejemplo|ad\s+esempio|bijvoorbeeld|tarjeta\s+de\s+prueba|carta\s+di\s+prova)(?-u:\b)")
            .expect("built-in pattern")
    })
}

fn ssn_context() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:ssn|ss#|ss\s#|ssn#|social\s+security|soc\.?\s*sec\.?|social\s+sec\.?|tax\s*payer|tin|sozialversicherungs\w*|w-?2|w-?4|i-?9)(?-u:\b)")
            .expect("built-in pattern")
    })
}

/// The text around `[start, end)`: the line it is on and the line before.
fn around(text: &str, start: usize, end: usize) -> &str {
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let prev_start = if line_start > 0 {
        text[..line_start - 1]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0)
    } else {
        0
    };
    let line_end = text[end..]
        .find('\n')
        .map(|i| end + i)
        .unwrap_or(text.len());
    &text[prev_start..line_end]
}

fn cards(text: &str, out: &mut Vec<Number>) {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R
        .get_or_init(|| super::pattern::regex(r"\d(?:[ \-]?\d){11,18}").expect("built-in pattern"));
    for m in re.find_iter(text) {
        // Alone, not part of a longer number, a word, a path or a decimal.
        let before = text[..m.start()].chars().next_back();
        let after: Vec<char> = text[m.end()..].chars().take(2).collect();
        if before.is_some_and(|c| c.is_alphanumeric() || "_.,/+-".contains(c))
            || after
                .first()
                .is_some_and(|c| c.is_alphanumeric() || "_/+-".contains(*c))
            || (after.first().is_some_and(|c| ".,".contains(*c))
                && after.get(1).is_some_and(|c| !c.is_whitespace()))
        {
            continue;
        }
        let raw = m.as_str();
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        if !(12..=19).contains(&digits.len()) {
            continue;
        }
        let seps: Vec<char> = raw.chars().filter(|c| !c.is_ascii_digit()).collect();
        if seps.iter().any(|&s| s != seps[0]) {
            continue;
        }
        let groups: Vec<usize> = raw.split([' ', '-']).map(str::len).collect();
        let printed = matches!(
            groups.as_slice(),
            [4, 4, 4, 4]
                | [4, 4, 4, 4, 3]
                | [4, 6, 5]
                | [4, 6, 4]
                | [4, 4, 4, 3]
                | [4, 4, 4, 1]
                | [4, 4, 4, 4, 2]
                | [4, 4, 4, 2]
        );
        if !seps.is_empty() && !printed {
            continue;
        }
        let bytes: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        let Some(who) = issuer(&digits) else { continue };
        if !luhn(&bytes) || test_card(&digits, &bytes) {
            continue;
        }
        // A card the text calls a test card ("use the test visa card 4543 ...", "for testing
        // purposes use the card ..."): a payment provider's sandbox number.
        if test_context().is_match(paragraph(text, m.start(), m.end())) {
            continue;
        }
        // (An unbroken run beside hexadecimal addresses is a counter in a trace: a timer's
        // "expires: 376111885722141" after its "function: 0xffffffff89da5be0".)
        let near = around(text, m.start(), m.end());
        if !printed && (!card_context().is_match(near) || near.contains("0x")) {
            continue;
        }
        let last4 = &digits[digits.len() - 4..];
        out.push(Number {
            kind: "card-number",
            detail: who.to_string(),
            masked: format!("{who} card ending {last4} ({} digits)", digits.len()),
            value: digits,
        });
    }
}

fn ssns(text: &str, out: &mut Vec<Number>) {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"\d{3}[- ]?\d{2}[- ]?\d{4}").expect("built-in pattern")
    });
    for whole in re.find_iter(text) {
        let before = text[..whole.start()].chars().next_back();
        let after = text[whole.end()..].chars().next();
        let joined = |c: char| c.is_alphanumeric() || "_-".contains(c);
        if before.is_some_and(joined) || after.is_some_and(joined) {
            continue;
        }
        let t = whole.as_str();
        let seps: Vec<char> = t.chars().filter(|c| !c.is_ascii_digit()).collect();
        if seps.len() == 1 || seps.first() != seps.last() {
            continue;
        }
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
        let a: u32 = area.parse().unwrap_or(0);
        if a == 0 || a == 666 || a >= 900 || group == "00" || serial == "0000" {
            continue;
        }
        // The numbers everyone prints as examples: the SSA's own "123-45-6789", the
        // Woolworth wallet card's, the SSA advertisement's, LifeLock's advertised one.
        if ["123456789", "078051120", "219099999", "457555462"].contains(&digits.as_str())
            || test_context().is_match(paragraph(text, whole.start(), whole.end()))
        {
            continue;
        }
        if !ssn_context().is_match(around(text, whole.start(), whole.end())) {
            continue;
        }
        out.push(Number {
            kind: "ssn",
            detail: "US".into(),
            masked: format!("SSN ***-**-{serial}"),
            value: format!("{area}{group}{serial}"),
        });
    }
}

/// IBAN lengths per country (the SWIFT registry).
fn iban_length(cc: &str) -> Option<usize> {
    const L: &[(&str, usize)] = &[
        ("AD", 24),
        ("AE", 23),
        ("AL", 28),
        ("AT", 20),
        ("AZ", 28),
        ("BA", 20),
        ("BE", 16),
        ("BG", 22),
        ("BH", 22),
        ("BR", 29),
        ("BY", 28),
        ("CH", 21),
        ("CR", 22),
        ("CY", 28),
        ("CZ", 24),
        ("DE", 22),
        ("DK", 18),
        ("DO", 28),
        ("EE", 20),
        ("EG", 29),
        ("ES", 24),
        ("FI", 18),
        ("FO", 18),
        ("FR", 27),
        ("GB", 22),
        ("GE", 22),
        ("GI", 23),
        ("GL", 18),
        ("GR", 27),
        ("GT", 28),
        ("HR", 21),
        ("HU", 28),
        ("IE", 22),
        ("IL", 23),
        ("IQ", 23),
        ("IS", 26),
        ("IT", 27),
        ("JO", 30),
        ("KW", 30),
        ("KZ", 20),
        ("LB", 28),
        ("LC", 32),
        ("LI", 21),
        ("LT", 20),
        ("LU", 20),
        ("LV", 21),
        ("MC", 27),
        ("MD", 24),
        ("ME", 22),
        ("MK", 19),
        ("MR", 27),
        ("MT", 31),
        ("MU", 30),
        ("NL", 18),
        ("NO", 15),
        ("PK", 24),
        ("PL", 28),
        ("PS", 29),
        ("PT", 25),
        ("QA", 29),
        ("RO", 24),
        ("RS", 22),
        ("SA", 24),
        ("SC", 31),
        ("SE", 24),
        ("SI", 19),
        ("SK", 24),
        ("SM", 27),
        ("TL", 23),
        ("TN", 24),
        ("TR", 26),
        ("UA", 29),
        ("VA", 22),
        ("VG", 24),
        ("XK", 20),
    ];
    L.iter().find(|(c, _)| *c == cc).map(|(_, n)| *n)
}

/// An IBAN from documentation: check digits no bank issues (00, 01, 99), an account of
/// counted digits ("0123456789", "12345678") or one digit other than zero repeated, and the
/// examples every standard and library prints.
fn sample_iban(iban: &str) -> bool {
    const DOCUMENTED: &[&str] = &[
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "GB29NWBK60161331926819",
        "GB94BARC10201530093459",
        "GB94BARC20201530093459",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "CH9300762011623852957",
        "AT611904300234573201",
        "ES9121000418450200051332",
        "IE29AIBK93115212345678",
    ];
    let account = &iban[4..];
    // (Zeros pad accounts in many countries' IBANs: "SE41 5000 0000 0500 ...".)
    let run = account
        .as_bytes()
        .chunk_by(|a, b| a == b)
        .filter(|r| r[0] != b'0')
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0);
    ["00", "01", "99"].contains(&&iban[2..4])
        || account.contains("12345678")
        || run >= 7
        || DOCUMENTED.contains(&iban)
}

/// The paragraph a number stands in, up to its line's end: a list's heading ("the following
/// test IBANs:") says what its items are.
fn paragraph(text: &str, start: usize, end: usize) -> &str {
    let from = text[..start]
        .rfind("\n\n")
        .map_or(0, |i| i + 2)
        .max(start.saturating_sub(600));
    let from = (from..=start)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(start);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    &text[from..to]
}

fn mod97(iban: &str) -> bool {
    let moved = format!("{}{}", &iban[4..], &iban[..4]);
    let mut r: u64 = 0;
    for c in moved.chars() {
        let v = match c {
            '0'..='9' => u64::from(c as u8 - b'0'),
            'A'..='Z' => u64::from(c as u8 - b'A' + 10),
            _ => return false,
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r == 1
}

fn ibans(text: &str, out: &mut Vec<Number>) {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)([A-Z]{2})(\d{2})[ ]?[A-Z0-9]")
            .expect("built-in pattern")
    });
    let mut at = 0;
    while let Some(c) = re.captures_at(text, at) {
        let start = c.get(0).expect("match").start();
        at = c.get(2).expect("check digits").end();
        let Some(len) = iban_length(&c[1].to_ascii_uppercase()) else {
            continue;
        };
        // Collect the characters, allowing single spaces between groups.
        let mut value = String::new();
        let mut end = start;
        let bytes = text.as_bytes();
        let mut i = start;
        while i < bytes.len() && value.len() < len {
            let b = bytes[i];
            if b.is_ascii_digit() || b.is_ascii_alphabetic() {
                value.push(b.to_ascii_uppercase() as char);
                i += 1;
                end = i;
            } else if b == b' '
                && i + 1 < bytes.len()
                && bytes[i + 1].is_ascii_alphanumeric()
                && !value.is_empty()
            {
                i += 1;
            } else {
                break;
            }
        }
        // (Written with spaces, an IBAN comes in groups of four: "MT7927 WFSYS reset" is words.)
        let groups: Vec<&str> = text[start..end].split(' ').collect();
        let grouped = groups.len() == 1 || groups[..groups.len() - 1].iter().all(|g| g.len() == 4);
        if value.len() != len
            || !grouped
            || bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric())
        {
            continue;
        }
        if !mod97(&value) || sample_iban(&value) {
            continue;
        }
        at = end;
        if test_context().is_match(paragraph(text, start, end)) {
            continue;
        }
        out.push(Number {
            kind: "iban",
            masked: format!(
                "IBAN {}** … {} ({len} chars)",
                &value[..2],
                &value[len - 4..]
            ),
            detail: value[..2].to_string(),
            value,
        });
    }
}

/// The longest run of digits in `text` (counted up to 12), spaces, dashes and dots between
/// them allowed: every SSN and IBAN has nine, every card number twelve; most mail has neither
/// (dates, times, phone numbers).
fn long_digit_run(text: &str) -> usize {
    let (mut digits, mut gap, mut longest) = (0, 0, 0);
    // (Most of a text has no digit: 32 bytes without one end any run, looked at together.)
    for chunk in text.as_bytes().chunks(32) {
        if !chunk.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            (digits, gap) = (0, 0);
            continue;
        }
        for &b in chunk {
            if b.is_ascii_digit() {
                digits += 1;
                gap = 0;
                longest = longest.max(digits);
                if longest >= 12 {
                    return longest;
                }
            } else if matches!(b, b' ' | b'-' | b'.') && digits > 0 && gap < 2 {
                gap += 1;
            } else {
                digits = 0;
                gap = 0;
            }
        }
    }
    longest
}

/// Finds card numbers, SSNs and IBANs in `text`.
pub(super) fn find(text: &str) -> Vec<Number> {
    let mut out = Vec::new();
    let run = long_digit_run(text);
    if run < 9 {
        return out;
    }
    // (A card has 12 digits or more: a signature's phone number has fewer.)
    if run >= 12 {
        cards(text, &mut out);
    }
    ssns(text, &mut out);
    ibans(text, &mut out);
    out.dedup_by(|a, b| a.value == b.value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<&'static str> {
        find(t).into_iter().map(|n| n.kind).collect()
    }

    #[test]
    fn cards_ssns_and_ibans() {
        assert_eq!(
            kinds("card: 4938 3470 1746 8145 exp 12/27"),
            ["card-number"]
        );
        assert_eq!(kinds("Amex 3721 742180 96793"), ["card-number"]);
        assert_eq!(
            kinds("my visa is 4661318609139090, cvv 123"),
            ["card-number"]
        );
        assert_eq!(kinds("SSN: 431-27-5819"), ["ssn"]);
        assert_eq!(kinds("IBAN: DE57 5001 0517 9458 0730 21"), ["iban"]);
        assert_eq!(kinds("GB49NWBK57368193036426"), ["iban"]);
        // Near misses.
        assert!(kinds("order 4938 3470 1746 8146").is_empty(), "Luhn");
        assert!(
            kinds("tracking 1Z999AA10123456784 ref 4661318609139090").is_empty(),
            "no context"
        );
        assert!(
            kinds("call 555-12-3456 tomorrow").is_empty(),
            "no SSN context"
        );
        // A test suite's "TINFO" is no taxpayer number's "TIN".
        assert!(kinds("rpc_test 1 TINFO: rmtcall 10.0.0.2 536875000 failed").is_empty());
        assert_eq!(kinds("TIN 431-27-5819"), ["ssn"]);
        assert!(kinds("SSN: 000-12-3456").is_empty());
        assert!(
            kinds("IBAN: DE57 5001 0517 9458 0730 22").is_empty(),
            "check digits"
        );
        assert!(find("card 4938 3470 1746 8145")[0]
            .masked
            .ends_with("ending 8145 (16 digits)"));
    }

    #[test]
    fn documentation_ibans_and_ssns_are_no_leak() {
        for t in [
            "IBAN: DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432",
            "This IBAN DE41500105170123456789 passes the validation",
            "checksum values '00', '01' and '99' never occur: 'EE012200221111099080' was accepted",
            "the following test IBANs are invalid:\n- GB24BARC20201630093459\n- GB68CITI18500483515538",
            "SSN: 123-45-6789",
            "cannot be '078-05-1120' (the Woolworth wallet), SSN",
            "SSN for the test user: 431-27-5819",
        ] {
            assert!(kinds(t).is_empty(), "{t}: {:?}", find(t));
        }
        // A Swedish account padded with zeros is a real one.
        assert_eq!(kinds("IBAN-nr: SE47 5000 0000 0539 8259 7919"), ["iban"]);
        assert!(
            kinds("GB33BUKB20201555555555").is_empty(),
            "one digit repeated"
        );
    }

    #[test]
    fn payment_providers_test_cards_are_no_leak() {
        for t in [
            "card: 4111 1111 1111 1111 exp 12/27",
            "cc: 4242 4242 4242 4242 exp 04/28 cvc 314",
            "card 4000 0000 0000 0341 declines later",
            "my card: 5555 5555 5555 4444",
            "Numéro de carte : 5105 1051 0510 5100",
            "AMEX 3782 822463 10005",
            "For testing purposes use the card 4938 3470 1746 8145, any future date.",
            "with the test visa card `4661 3186 0913 9090` it works",
        ] {
            assert!(kinds(t).is_empty(), "{t}: {:?}", find(t));
        }
    }
}
