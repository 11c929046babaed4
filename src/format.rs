//! Numbers in the reader's language: Italian `12,5 %`, `0,031`, `1.250`; English `12.5%`,
//! `0.031`, `1,250`; p-values below 0.001 as `< 0,001` / `< 0.001`. Used as template filters.

/// Formats `x` with `decimals` decimals and the separators of `lang` (`it` or anything else = en).
pub fn number(x: f64, decimals: usize, lang: &str) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let (thousands, decimal) = if lang == "it" { ('.', ',') } else { (',', '.') };
    let grouped = group_digits(&int, thousands);
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(decimal);
        out.push_str(&f);
    }
    out
}

/// A percentage (given as 0–100): `12,5 %` in Italian, `12.5%` in English.
pub fn percent(x: f64, decimals: usize, lang: &str) -> String {
    let n = number(x, decimals, lang);
    if lang == "it" {
        format!("{n}\u{a0}%")
    } else {
        format!("{n}%")
    }
}

/// A p-value with three decimals, or `< 0.001`.
pub fn p_value(p: f64, lang: &str) -> String {
    if !p.is_finite() {
        "–".to_string()
    } else if p < 0.001 {
        format!("<\u{a0}{}", number(0.001, 3, lang))
    } else {
        number(p, 3, lang)
    }
}

/// A count with thousands separators (`1.250` / `1,250`), no decimals.
pub fn integer(x: f64, lang: &str) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let sep = if lang == "it" { '.' } else { ',' };
    let sign = if x < -0.5 { "−" } else { "" };
    format!(
        "{sign}{}",
        group_digits(&(x.round().abs() as u64).to_string(), sep)
    )
}

/// `1234567` → `1.234.567` with `sep` between groups of three digits.
fn group_digits(digits: &str, sep: char) -> String {
    let n = digits.chars().count();
    let mut out = String::with_capacity(n + n / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (n - k).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A list as words: `Prato e Firenze`, `a, b and c`.
pub fn join_words(items: &[String], lang: &str) -> String {
    let and = if lang == "it" { " e " } else { " and " };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_and_english() {
        assert_eq!(number(0.031, 3, "it"), "0,031");
        assert_eq!(number(0.031, 3, "en"), "0.031");
        assert_eq!(number(12345.678, 1, "it"), "12.345,7");
        assert_eq!(number(12345.678, 1, "en"), "12,345.7");
        assert_eq!(number(1250.0, 0, "it"), "1.250");
        assert_eq!(integer(1250.0, "it"), "1.250");
        assert_eq!(integer(1250.0, "en"), "1,250");
        assert_eq!(percent(12.5, 1, "it"), "12,5\u{a0}%");
        assert_eq!(percent(12.5, 1, "en"), "12.5%");
        assert_eq!(p_value(0.0004, "it"), "<\u{a0}0,001");
        assert_eq!(p_value(0.0312, "en"), "0.031");
        assert_eq!(number(-0.25, 2, "en"), "−0.25");
        assert_eq!(number(-0.0001, 2, "en"), "0.00");
        assert_eq!(number(f64::NAN, 2, "en"), "–");
    }
}
