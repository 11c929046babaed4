//! The syntax inside XLSForm cells: label column headers and their languages, `type` values with
//! pyxform's aliases, `required` flags and simple `constraint` bounds. Used by [`super::xlsform`].

use super::Bound;

/// The language code of a `label` header: `label` → `""`, `label::English (en)` → `en`,
/// `label:Italiano` → `it`, `label::español` → `es`.
pub fn label_language(header: &str, prefix: &str) -> Option<String> {
    let h = header.trim().to_lowercase();
    let rest = h.strip_prefix(prefix)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    let lang = rest
        .strip_prefix("::")
        .or_else(|| rest.strip_prefix(':'))?
        .trim();
    if let (Some(open), Some(close)) = (lang.rfind('('), lang.rfind(')')) {
        if open < close {
            return Some(lang[open + 1..close].trim().to_string());
        }
    }
    let code = match lang {
        "english" | "inglese" => "en",
        "italiano" | "italian" => "it",
        "français" | "francais" | "french" => "fr",
        "español" | "espanol" | "spanish" => "es",
        "deutsch" | "german" => "de",
        "português" | "portugues" | "portuguese" => "pt",
        "arabic" | "العربية" => "ar",
        other => other,
    };
    Some(code.to_string())
}

pub(super) fn is_true(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "yes" | "true" | "true()" | "1" | "y" | "sì" | "si"
    )
}

/// Bounds from a constraint made only of comparisons of `.` joined by `and`; anything else gives none.
pub fn parse_bounds(constraint: &str) -> (Option<Bound>, Option<Bound>) {
    let (mut min, mut max) = (None, None);
    for part in constraint.split(" and ") {
        let p = part
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        let Some(rest) = p.strip_prefix('.') else {
            return (None, None);
        };
        let rest = rest.trim_start();
        let (op, num) = if let Some(n) = rest.strip_prefix(">=") {
            (">=", n)
        } else if let Some(n) = rest.strip_prefix("<=") {
            ("<=", n)
        } else if let Some(n) = rest.strip_prefix('>') {
            (">", n)
        } else if let Some(n) = rest.strip_prefix('<') {
            ("<", n)
        } else {
            return (None, None);
        };
        let Ok(value) = num.trim().parse::<f64>() else {
            return (None, None);
        };
        match op {
            ">=" => {
                min = Some(Bound {
                    value,
                    inclusive: true,
                })
            }
            ">" => {
                min = Some(Bound {
                    value,
                    inclusive: false,
                })
            }
            "<=" => {
                max = Some(Bound {
                    value,
                    inclusive: true,
                })
            }
            _ => {
                max = Some(Bound {
                    value,
                    inclusive: false,
                })
            }
        }
    }
    (min, max)
}

/// Types that carry no answer column of their own.
pub(super) const STRUCTURE: &[&str] = &[
    "note",
    "end group",
    "end_group",
    "end",
    "end repeat",
    "end_repeat",
];

/// The type of a survey row and its choice list, accepting pyxform's aliases
/// (`select one from x`, `select all that apply from x`, `… or specify other`, `… or_other`).
pub(super) fn parse_type(raw: &str) -> (String, Option<String>) {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = t.to_lowercase();
    const PREFIXES: &[(&str, &str)] = &[
        ("select_one ", "select_one"),
        ("select one from ", "select_one"),
        ("select one ", "select_one"),
        ("select_multiple ", "select_multiple"),
        ("select all that apply from ", "select_multiple"),
        ("select all that apply ", "select_multiple"),
        ("select multiple from ", "select_multiple"),
        ("select multiple ", "select_multiple"),
        ("rank ", "rank"),
    ];
    for (prefix, kind) in PREFIXES {
        if lower.starts_with(prefix) {
            let list = t[prefix.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            return (kind.to_string(), Some(list));
        }
    }
    (lower, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_languages() {
        assert_eq!(label_language("label", "label").as_deref(), Some(""));
        assert_eq!(
            label_language("label::English (en)", "label").as_deref(),
            Some("en")
        );
        assert_eq!(
            label_language("label:English", "label").as_deref(),
            Some("en")
        );
        assert_eq!(
            label_language("LABEL::Italiano (it)", "label").as_deref(),
            Some("it")
        );
        assert_eq!(
            label_language("label::chinese", "label").as_deref(),
            Some("chinese")
        );
        assert_eq!(label_language("labels", "label"), None);
    }

    #[test]
    fn bounds_from_simple_constraints() {
        let (lo, hi) = parse_bounds(". >= 16 and . <= 25");
        assert_eq!(
            lo,
            Some(Bound {
                value: 16.0,
                inclusive: true
            })
        );
        assert_eq!(
            hi,
            Some(Bound {
                value: 25.0,
                inclusive: true
            })
        );
        let (lo, hi) = parse_bounds(".>0");
        assert_eq!(
            lo,
            Some(Bound {
                value: 0.0,
                inclusive: false
            })
        );
        assert_eq!(hi, None);
        assert_eq!(parse_bounds(". > ${age}"), (None, None));
        assert_eq!(parse_bounds("regex(., '^[0-9]+$')"), (None, None));
    }

    #[test]
    fn types_with_lists() {
        assert_eq!(
            parse_type("select_one  agree5"),
            ("select_one".into(), Some("agree5".into()))
        );
        assert_eq!(
            parse_type("select_multiple colors or_other"),
            ("select_multiple".into(), Some("colors".into()))
        );
        assert_eq!(parse_type("begin group"), ("begin group".into(), None));
        assert_eq!(
            parse_type("select one from sexes or specify other"),
            ("select_one".into(), Some("sexes".into()))
        );
        assert_eq!(
            parse_type("select all that apply from toilet_type"),
            ("select_multiple".into(), Some("toilet_type".into()))
        );
    }
}
