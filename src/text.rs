//! Text as people write it and as capakit names things: names folded for matching (`" FIRENZE "`
//! → `"firenze"`), numbers as typed in Italian or English (`1.250,5`), and slugs safe as file
//! names and anchors. Shared by every stage; depends on nothing of capakit's.

/// Lower-cases, trims and collapses inner white space: `" FIRENZE "` → `"firenze"`.
pub fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A number as people type it: `3`, `3.5`, `3,5` (decimal comma), `1.250,5`, `1,250.5`.
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\''))
        .collect();
    if t.is_empty() {
        return None;
    }
    let normal = match (t.rfind(','), t.rfind('.')) {
        (Some(c), Some(d)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (Some(_), None) if t.matches(',').count() == 1 => t.replace(',', "."),
        _ => t,
    };
    normal.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A number as a spreadsheet shows it: `3` not `3.0`, `2.5` as is.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A file-name-safe slug: lower-case ASCII letters, digits and dashes only.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    // Names Windows reserves for devices, with any extension, are never a file name.
    const DEVICES: [&str; 4] = ["con", "prn", "aux", "nul"];
    let device = DEVICES.contains(&out.as_str())
        || (out.len() == 4
            && (out.starts_with("com") || out.starts_with("lpt"))
            && out.as_bytes()[3].is_ascii_digit());
    if out.is_empty() {
        "x".into()
    } else if device {
        format!("{out}-x")
    } else {
        out
    }
}

/// Names as people spell them, case and spaces ignored ([`fold`]), each meaning one thing (an
/// index: a territory, a wave).
#[derive(Debug, Clone, Default)]
pub struct Spellings(std::collections::HashMap<String, usize>);

impl Spellings {
    /// Adds `spelling` for `index`; `Err` with the other thing it already means, if any.
    pub fn add(&mut self, spelling: &str, index: usize) -> Result<(), usize> {
        match self.0.entry(fold(spelling)) {
            std::collections::hash_map::Entry::Occupied(e) if *e.get() != index => Err(*e.get()),
            std::collections::hash_map::Entry::Occupied(_) => Ok(()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
                Ok(())
            }
        }
    }

    /// What a spelling found in the data means.
    pub fn get(&self, raw: &str) -> Option<usize> {
        self.0.get(&fold(raw)).copied()
    }
}

/// Labels keyed by language code (`""` for a plain `label` column).
pub type Labels = std::collections::BTreeMap<String, String>;

/// The text of `labels` in `lang`, else the form's default, else a plain label, else any, else `fallback`.
pub fn label_in<'a>(labels: &'a Labels, lang: &str, default: &str, fallback: &'a str) -> &'a str {
    labels
        .get(lang)
        .or_else(|| labels.get(default))
        .or_else(|| labels.get(""))
        .or_else(|| labels.values().next())
        .map_or(fallback, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_stay_inside_the_output_folder() {
        assert_eq!(slug("../../x"), "x");
        assert_eq!(slug("CON"), "con-x");
        assert_eq!(slug("com1"), "com1-x");
        assert_eq!(slug("Lpt9"), "lpt9-x");
        assert_eq!(slug("console"), "console");
        assert_eq!(slug("..."), "x");
        assert_eq!(slug("Prato e Firenze"), "prato-e-firenze");
        assert_eq!(slug("città"), "citt");
        assert_eq!(slug("///"), "x");
    }
}
