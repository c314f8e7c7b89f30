//! The codes that open a place: an alarm's, a door's, a gate's, a lockbox's or a key safe's
//! ("Alarm code: 2580", "the code for the lockbox at the site entrance is 7-3-9-1", "Türcode
//! 4711"). People mail them to a contractor or a house guest as they mail a password, and they
//! are rotated the same way. Only digits count (a keypad's `#` and `*` too); a code of
//! anything else ("error code", "promo code", "zip code", a dial-in's "access code") names no
//! lock and is left alone.

use std::sync::OnceLock;

use regex::Regex;

use super::phrasing::Found;

/// What a code opens, in the languages the audit reads.
const LOCKS: &str = r"alarm|burglar alarm|door|front door|back door|gate|garage|lock ?box|key ?safe|key ?box|safe|padlock|keypad|entry|disarm|t[üu]r|haust[üu]r|tor|alarmanlage|schl[üu]sseltresor|schl[üu]sselbox|tresor|porte|portail|alarme|bo[iî]te [àa] cl[ée]s|puerta|alarma|portone|cancello|allarme|deur|poort|sleutelkluis";

/// The lock named first, then its code: "Alarm code: 2580", "Türcode 4711".
fn label_first_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(
            r"(?i)(?:^|[^\p{{L}}])(?:(?:{LOCKS})[ -]?(?:code|pin|combination|combo|kombination|zahlenkombination)|t[üu]rcode|torcode|alarmcode|digicode|code (?:de la |du |de l'|d')(?:porte|portail|alarme|bo[iî]te)|c[óo]digo de (?:la )?(?:puerta|alarma)|codice (?:del |dell')?(?:portone|cancello|allarme)|deurcode)(?:\s+(?:for|to|of|für|zum|zur|pour|para|per|van|voor)\s+[^:=\d]{{0,40}}?)?\s*(?:is|are|:|=|-|–|lautet|ist|est|es|è|is:|\s)\s*:?\s*(\d(?:[ -]?[\d#*]){{2,9}})(?:[^\d]|$)"
        ))
        .expect("built-in pattern")
    })
}

/// The code named first, then what it opens: "the code for the lockbox ... is 7-3-9-1".
fn lock_after_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(&format!(
            r"(?i)(?:^|[^\p{{L}}])(?:code|combination|pin)\s+(?:for|to|of|on)\s+(?:the\s+|our\s+|my\s+)?(?:[\p{{L}}-]+\s+){{0,3}}?(?:{LOCKS})(?:[^\p{{L}}][^:=\d]{{0,48}}?)?\s(?:is|will be|:)\s*:?\s*(\d(?:[ -]?[\d#*]){{2,9}})(?:[^\d]|$)"
        ))
        .expect("built-in pattern")
    })
}

/// The codes for locks in `text`.
pub(super) fn find(text: &str) -> Vec<Found> {
    // (Most mail names no code: the lines that do are looked at.)
    let sign = |l: &str| {
        ["ode", "ODE", "ombin", "OMBIN", "odice", "ódigo"]
            .iter()
            .any(|w| l.contains(w))
    };
    if !sign(text) {
        return Vec::new();
    }
    text.lines()
        .filter(|l| sign(l))
        .filter_map(|l| lock_code(l, &l.to_lowercase()))
        .map(|(label, value)| Found {
            label,
            value,
            how: "phrase",
            user: false,
            host: false,
        })
        .collect()
}

/// The code a line gives for a lock, with the words before it: (label, code).
fn lock_code(line: &str, lc: &str) -> Option<(String, String)> {
    if !(lc.contains("code")
        || lc.contains("combin")
        || lc.contains("kombination")
        || lc.contains("codice")
        || lc.contains("código")
        || lc.contains("pin"))
    {
        return None;
    }
    let c = label_first_re()
        .captures(line)
        .or_else(|| lock_after_re().captures(line))?;
    let m = c.get(1)?;
    let code = m.as_str().trim_end_matches([' ', '-']);
    let digits = code.chars().filter(char::is_ascii_digit).count();
    // (A time or a year after the word is none: "door code changes at 18:00", "since 2019".)
    let year = code.len() == 4 && (code.starts_with("19") || code.starts_with("20"));
    // (Nor a time, a decimal or a date: "18:00", "1.5", "12/05".)
    let mut after = line[m.end()..].chars();
    let more = after.next().is_some_and(|c| ":./,".contains(c))
        && after.next().is_some_and(|c| c.is_ascii_digit());
    if !(3..=10).contains(&digits) || year || more {
        return None;
    }
    Some((line[..m.start()].trim_end().to_string(), code.to_string()))
}

#[cfg(test)]
mod tests {
    use super::lock_code;

    fn code(line: &str) -> Option<String> {
        lock_code(line, &line.to_ascii_lowercase()).map(|(_, c)| c)
    }

    #[test]
    fn codes_that_open_a_place() {
        assert_eq!(
            code("Alarm code: 2580 (disarm within 30 s)").as_deref(),
            Some("2580")
        );
        assert_eq!(
            code("the code for the lockbox at the site entrance is 7-3-9-1.").as_deref(),
            Some("7-3-9-1")
        );
        assert_eq!(code("Türcode 4711, Klingel oben").as_deref(), Some("4711"));
        assert_eq!(code("gate code is 1357#").as_deref(), Some("1357#"));
        assert_eq!(code("Key safe combination - 0815").as_deref(), Some("0815"));
        assert_eq!(code("le digicode est 45B12").as_deref(), None);
        assert_eq!(code("le code de la porte : 2468").as_deref(), Some("2468"));
    }

    #[test]
    fn other_codes_open_nothing() {
        for line in [
            "Error code: 0x80070005",
            "Promo code 2026 gives 10 % off",
            "zip code 10115",
            "Dial-in access code: 123 456 789",
            "The door code changes at 18:00 every Friday",
            "door code since 2019",
            "Please ask me for the alarm code by phone.",
            "HTTP status code 401 on the gate API",
        ] {
            assert_eq!(code(line), None, "{line}");
        }
    }
}
