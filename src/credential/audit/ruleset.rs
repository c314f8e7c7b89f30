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
            .get_or_init(|| super::pattern::set(&self.patterns).expect("built-in patterns"));
        // Most texts match no rule: a search that may stop at the first match costs far less
        // than the pass that collects every rule's (which must read the whole text).
        if !set.is_match(text) {
            return Vec::new();
        }
        set.matches(text)
            .into_iter()
            .map(|i| (i, self.get(i)))
            .collect()
    }

    fn get(&self, i: usize) -> &Regex {
        self.each[i]
            .get_or_init(|| super::pattern::regex(self.patterns[i]).expect("built-in pattern"))
    }
}

/// The words a group of rules needs: most texts hold none of them and skip the group. One
/// pass looks for all of them at once (the regex crate searches a list of literals with one
/// SIMD pass), not one pass per word.
pub(super) struct Signs {
    words: &'static [&'static str],
    re: OnceLock<Regex>,
}

impl Signs {
    pub(super) const fn new(words: &'static [&'static str]) -> Self {
        Signs {
            words,
            re: OnceLock::new(),
        }
    }

    /// Whether `text` holds any of the words.
    pub(super) fn any(&self, text: &str) -> bool {
        self.re
            .get_or_init(|| {
                let alternatives: Vec<String> =
                    self.words.iter().map(|w| regex::escape(w)).collect();
                super::pattern::regex(&alternatives.join("|")).expect("built-in pattern")
            })
            .is_match(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_are_found_in_one_look() {
        static S: Signs = Signs::new(&["login(", "a.b", "x|y"]);
        assert!(S.any("server.login(u, p)"));
        assert!(S.any("it is x|y"));
        assert!(!S.any("login is a.c or xy"));
    }

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
