//! A list of patterns searched in one pass: a `RegexSet` says which of them match a text, and
//! only those are compiled on their own (for their captures) the first time they are needed.
//!
//! Compiling every rule twice (once in the set, once alone) cost about a fifth of the start-up
//! of an audit, and most rules never match in a whole mailbox.

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

pub(super) struct RuleSet {
    patterns: Vec<&'static str>,
    set: OnceLock<RegexSet>,
    each: Vec<OnceLock<Regex>>,
}

impl RuleSet {
    pub(super) fn new(patterns: Vec<&'static str>) -> Self {
        let each = patterns.iter().map(|_| OnceLock::new()).collect();
        RuleSet {
            patterns,
            set: OnceLock::new(),
            each,
        }
    }

    /// The rules that match somewhere in `text`, in their order, with their own regex.
    pub(super) fn matching(&self, text: &str) -> Vec<(usize, &Regex)> {
        let set = self
            .set
            .get_or_init(|| RegexSet::new(&self.patterns).expect("built-in patterns"));
        set.matches(text)
            .into_iter()
            .map(|i| (i, self.get(i)))
            .collect()
    }

    fn get(&self, i: usize) -> &Regex {
        self.each[i].get_or_init(|| Regex::new(self.patterns[i]).expect("built-in pattern"))
    }
}

/// Whether `text` holds any of `signs`: a few substring looks before a rule set's pass, which
/// most texts, holding none of the words its rules need, can skip.
pub(super) fn any_sign(text: &str, signs: &[&str]) -> bool {
    let bytes = text.as_bytes();
    signs
        .iter()
        .any(|s| memchr::memmem::find(bytes, s.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_only_matching_rules_come_back() {
        let r = RuleSet::new(vec![r"a(\d)", r"b(\d)", r"c"]);
        let got: Vec<usize> = r.matching("xa1 b2").into_iter().map(|(i, _)| i).collect();
        assert_eq!(got, [0, 1]);
        assert!(r.each[2].get().is_none());
        for i in 0..3 {
            r.get(i);
        }
    }
}
