//! Fingerprints for reading aloud: hex in groups of four, the PGP word list (two lists, one
//! for bytes at even positions and one for odd, so a swapped, dropped or repeated word is
//! heard), and numbers.

const EVEN: &str = include_str!("pgpwords_even.txt");
const ODD: &str = include_str!("pgpwords_odd.txt");

/// The PGP word list words of `bytes`: the even list for bytes at even positions, the odd list
/// for odd positions.
pub fn pgp_words(bytes: &[u8]) -> Vec<&'static str> {
    let even: Vec<&str> = EVEN.split_whitespace().collect();
    let odd: Vec<&str> = ODD.split_whitespace().collect();
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if i % 2 == 0 {
                even[b as usize]
            } else {
                odd[b as usize]
            }
        })
        .collect()
}

/// Hex in groups of four: `EB85 BB5F A33A ...`.
pub fn hex_groups(bytes: &[u8]) -> String {
    bytes
        .chunks(2)
        .map(|c| c.iter().map(|b| format!("{b:02X}")).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fingerprint as five-digit numbers, one per two bytes (00000 to 65535), for people who
/// would rather read digits.
pub fn number_groups(bytes: &[u8]) -> String {
    bytes
        .chunks(2)
        .map(|c| {
            let n = c.iter().fold(0u32, |acc, &b| acc * 256 + b as u32);
            format!("{n:05}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_complete() {
        assert_eq!(EVEN.split_whitespace().count(), 256);
        assert_eq!(ODD.split_whitespace().count(), 256);
        assert_eq!(
            pgp_words(&[0, 0, 255, 255]),
            ["aardvark", "adroitness", "Zulu", "Yucatan"]
        );
    }
}
