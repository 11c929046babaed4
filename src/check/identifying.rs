//! Columns that look directly identifying — names, e-mail addresses, phone numbers, Italian codici
//! fiscali, birth dates, addresses — found by their header or by what most of their cells hold.
//! `check` warns about each: such columns should not travel with research data at all, and
//! capakit never shows them in a report.

use crate::diagnostics::Diagnostics;
use crate::diagnostics::Message;
use crate::ingest::RawTable;
use crate::msg;

/// Header words that name identifying data, after lower-casing and splitting on anything that is
/// not a letter or a digit (`Data di nascita` → data, di, nascita).
const HEADER_WORDS: &[(&[&str], &str)] = &[
    (&["nome"], "names"),
    (&["cognome"], "names"),
    (&["name"], "names"),
    (&["surname"], "names"),
    (&["firstname"], "names"),
    (&["lastname"], "names"),
    (&["first", "name"], "names"),
    (&["last", "name"], "names"),
    (&["full", "name"], "names"),
    (&["email"], "e-mail addresses"),
    (&["e", "mail"], "e-mail addresses"),
    (&["mail"], "e-mail addresses"),
    (&["telefono"], "phone numbers"),
    (&["cellulare"], "phone numbers"),
    (&["tel"], "phone numbers"),
    (&["phone"], "phone numbers"),
    (&["mobile"], "phone numbers"),
    (&["phonenumber"], "phone numbers"),
    (&["username"], "names"),
    (&["cognome", "nome"], "names"),
    (&["codice", "fiscale"], "codici fiscali"),
    (&["codicefiscale"], "codici fiscali"),
    (&["cf"], "codici fiscali"),
    (&["fiscal", "code"], "codici fiscali"),
    (&["tax", "code"], "codici fiscali"),
    (&["data", "di", "nascita"], "birth dates"),
    (&["data", "nascita"], "birth dates"),
    (&["nascita"], "birth dates"),
    (&["birth"], "birth dates"),
    (&["birthdate"], "birth dates"),
    (&["birthday"], "birth dates"),
    (&["dob"], "birth dates"),
    (&["indirizzo"], "addresses"),
    (&["address"], "addresses"),
    (&["residenza"], "addresses"),
];

/// What a header says its column holds, if it names identifying data. Only the last segment of a
/// KoboToolbox path counts (`anagrafica/nome`).
fn by_header(header: &str) -> Option<&'static str> {
    let last = header.rsplit('/').next().unwrap_or(header).to_lowercase();
    let words: Vec<&str> = last
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    HEADER_WORDS.iter().find_map(|(pattern, what)| {
        words
            .windows(pattern.len())
            .any(|w| w == *pattern)
            .then_some(*what)
    })
}

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(user), Some(domain), None) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        _ => false,
    }
}

/// Italian or international phone numbers: +39 …, 00 …, mobiles 3xx xxxxxxx, landlines 0x….
fn is_phone(s: &str) -> bool {
    let t = s.trim();
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')' | '+'))
    {
        return false;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len();
    (t.starts_with('+') && (8..=15).contains(&n))
        || (digits.starts_with("00") && (10..=15).contains(&n))
        || (digits.starts_with('3') && n == 10)
        || (digits.starts_with('0') && (9..=11).contains(&n))
}

/// An Italian codice fiscale: 16 characters, letters where letters must be (digits may be
/// replaced by letters for homonyms).
fn is_codice_fiscale(s: &str) -> bool {
    let b: Vec<char> = s.trim().to_uppercase().chars().collect();
    b.len() == 16
        && b.iter().all(char::is_ascii_alphanumeric)
        && [0, 1, 2, 3, 4, 5, 8, 11, 15]
            .iter()
            .all(|&i| b[i].is_ascii_alphabetic())
}

/// What most of a column's cells hold, if it is identifying (looks at up to 200 filled cells).
fn by_values(table: &RawTable, j: usize) -> Option<(&'static str, usize, usize)> {
    let values: Vec<String> = table.columns[j]
        .iter()
        .filter(|c| !c.is_empty())
        .take(200)
        .map(|c| c.as_text())
        .collect();
    if values.is_empty() {
        return None;
    }
    type Check = (fn(&str) -> bool, &'static str);
    let checks: [Check; 3] = [
        (is_email, "e-mail addresses"),
        (is_phone, "phone numbers"),
        (is_codice_fiscale, "codici fiscali"),
    ];
    checks.iter().find_map(|(check, what)| {
        let hits = values.iter().filter(|v| check(v)).count();
        (hits * 2 > values.len()).then_some((*what, hits, values.len()))
    })
}

/// What a column holds, in the finding's language.
fn what_of(what: &str) -> Message {
    match what {
        "names" => msg!("identifying-names"),
        "e-mail addresses" => msg!("identifying-emails"),
        "phone numbers" => msg!("identifying-phones"),
        "codici fiscali" => msg!("identifying-codici-fiscali"),
        "birth dates" => msg!("identifying-birth-dates"),
        _ => msg!("identifying-addresses"),
    }
}

/// Warns about every column of `table` that looks directly identifying.
pub fn warn_identifying(table: &RawTable, diags: &mut Diagnostics) {
    for (j, header) in table.headers.iter().enumerate() {
        if header.trim().is_empty() || header.starts_with('_') {
            continue;
        }
        let why = match (by_values(table, j), by_header(header)) {
            (Some((what, hits, of)), _) => {
                msg!(
                    "identifying-by-values",
                    hits = hits,
                    of = of,
                    what = what_of(what)
                )
            }
            (None, Some(what)) => msg!("identifying-by-header", what = what_of(what)),
            (None, None) => continue,
        };
        diags.warning(
            "identifying-column",
            table.header_location(j),
            msg!("identifying-column", why = why),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(by_header("anagrafica/nome"), Some("names"));
        assert_eq!(by_header("Data di nascita"), Some("birth dates"));
        assert_eq!(by_header("E-mail"), Some("e-mail addresses"));
        assert_eq!(by_header("codice_fiscale"), Some("codici fiscali"));
        assert_eq!(
            by_header("phonenumber"),
            Some("phone numbers"),
            "KoboToolbox metadata"
        );
        assert_eq!(by_header("respondent_id"), None);
        assert_eq!(by_header("territory"), None);
        assert_eq!(by_header("interview_date"), None);
        assert_eq!(by_header("care_setting"), None);
        assert_eq!(by_header("years_in_care"), None);
    }

    #[test]
    fn values() {
        assert!(is_email("giulia.bianchi@example.org"));
        assert!(!is_email("not an@email.org") && !is_email("a@b") && !is_email("@x.it"));
        assert!(is_phone("+39 333 1234567") && is_phone("3331234567") && is_phone("055 123456"));
        assert!(!is_phone("41000000") && !is_phone("18") && !is_phone("2022-05-02"));
        // The codice fiscale of the Ministry of Economy's published example, and an omocodia.
        assert!(is_codice_fiscale("RSSMRA85T10A562S") && is_codice_fiscale("RSSMRA85T10A56NH"));
        assert!(!is_codice_fiscale("CL-PO-001") && !is_codice_fiscale("1234567890123456"));
    }
}
