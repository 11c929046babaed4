//! The report's words in the reader's language (`reports/strings.toml`, which a study may
//! override): what every part of a run that writes text for a reader phrases its sentences with.

use std::collections::BTreeMap;

/// UI strings of one language, with `{placeholder}` filling.
pub struct Strings {
    map: BTreeMap<String, String>,
}

impl Strings {
    pub fn new(map: BTreeMap<String, String>) -> Strings {
        Strings { map }
    }

    /// Every string, by key.
    pub fn map(&self) -> &BTreeMap<String, String> {
        &self.map
    }

    /// The string for `key` (the key itself when missing, so a gap is visible, not fatal).
    pub fn get(&self, key: &str) -> String {
        self.map
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.get(key);
        for (k, v) in values {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// Fills `{name}` with its value in every string: the study's own words (its population),
    /// the same in every sentence that names them.
    pub fn fill_all(&mut self, values: &[(&str, &str)]) {
        for s in self.map.values_mut() {
            for (k, v) in values {
                let key = format!("{{{k}}}");
                if s.contains(&key) {
                    *s = s.replace(&key, v);
                }
            }
        }
    }
}
