//! Text as people write it and as capakit names things: names folded for matching (`" FIRENZE "`
//! → `"firenze"`), numbers as typed in Italian or English (`1.250,5`), and slugs safe as file
//! names and anchors; text made safe where it enters ([`clean`]: one Unicode form, no invisible
//! or control characters) and where it leaves ([`guard`]: nothing an XML, HTML or Markdown file
//! cannot hold, no hidden reversal of the text shown). Shared by every stage; depends on nothing
//! of capakit's but `unicode-normalization`.

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Characters that show nothing and may hide inside a word: the soft hyphen, zero-width space,
/// word joiner, byte order mark, combining grapheme joiner, Mongolian vowel separator and the
/// invisible mathematical operators. [`clean`] removes them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{34F}' | '\u{180E}' | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// The bidirectional formatting characters that change the order text is shown in: embeddings and
/// overrides (U+202A–U+202E) and isolates (U+2066–U+2069). [`guard`] shows them as `[U+202E]`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters ignored when matching names: the invisible ones, the zero-width (non-)joiners and
/// every bidirectional control, marks included (U+200E, U+200F, U+061C).
pub fn is_ignorable(c: char) -> bool {
    is_invisible(c)
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{61C}'
        )
}

/// Control characters no output keeps: C0 but tab, line feed and carriage return, DEL, C1, and
/// U+FFFE/U+FFFF (not characters in XML 1.0).
fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// True when every byte is printable ASCII, a tab or a line feed: nothing to clean or guard.
fn plain_ascii(s: &str) -> bool {
    s.bytes()
        .all(|b| (0x20..0x7F).contains(&b) || b == b'\t' || b == b'\n')
}

/// Text as it enters capakit (every cell of a CSV, spreadsheet or questionnaire, every coded
/// segment), in one form: line breaks as `\n` (CR LF, CR, vertical tab, form feed, U+0085,
/// U+2028 and U+2029, as Word and Excel write them), other control characters removed, invisible
/// characters ([`is_invisible`]) removed, composed (NFC: `e` + U+0301 → `é`). Bidirectional
/// controls stay, to be shown by [`guard`]. Borrowed when there is nothing to change.
pub fn clean(s: &str) -> Cow<'_, str> {
    if plain_ascii(s) {
        return Cow::Borrowed(s);
    }
    let needs = s.chars().any(|c| {
        c == '\r' || c == '\u{2028}' || c == '\u{2029}' || is_unsafe_control(c) || is_invisible(c)
    }) || unicode_normalization::is_nfc_quick(s.chars())
        != unicode_normalization::IsNormalized::Yes;
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{B}' | '\u{C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            c if is_unsafe_control(c) || is_invisible(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out.nfc().collect())
}

/// The last guard of every writer (HTML, Markdown, DOCX, XLSX, SVG, CSV, JSON), over text however
/// it came: control characters other than tab, line feed and carriage return removed (no XML 1.0
/// file can hold them, and a NUL ends a C string), and each bidirectional control shown as a
/// visible escape, `[U+202E]`, instead of silently reversing the words around it.
pub fn guard(s: &str) -> Cow<'_, str> {
    if plain_ascii(s)
        || !s
            .chars()
            .any(|c| is_unsafe_control(c) || is_bidi_control(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_bidi_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else if !is_unsafe_control(c) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One piece of text as names are matched: a character with the combining marks after it, its
/// byte range in the text, and its key (NFKC, lower case, white space as one space).
#[derive(Debug, Clone)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub key: Vec<char>,
}

/// The pieces of `s` for matching names ([`is_ignorable`] characters are in no piece, so a name
/// with a soft hyphen or a zero-width space inside still matches, and is replaced whole).
pub fn pieces(s: &str) -> Vec<Piece> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, c) in s.char_indices() {
        if is_ignorable(c) {
            continue;
        }
        let end = i + c.len_utf8();
        match out.last_mut() {
            Some(last) if canonical_combining_class(c) != 0 => last.1 = end,
            _ => out.push((i, end)),
        }
    }
    out.into_iter()
        .map(|(start, end)| {
            let key = s[start..end]
                .chars()
                .filter(|c| !is_ignorable(*c))
                .nfkc()
                .flat_map(char::to_lowercase)
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            Piece { start, end, key }
        })
        .collect()
}

/// A name as matched: the keys of its pieces, white space collapsed to one space, trimmed.
pub fn name_key(s: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for p in pieces(s) {
        for c in p.key {
            if c == ' ' && (out.is_empty() || out.last() == Some(&' ')) {
                continue;
            }
            out.push(c);
        }
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    out
}

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

/// A cell of a 0/1 column (a deprivation, an option chosen or not) as yes or no: 0 and 1 as
/// numbers, and the words people type or Excel writes — TRUE/FALSE, yes/no, sì/si/no,
/// vero/falso — in any case, trimmed. Anything else is `None` (and stays an error where it is
/// read).
pub fn zero_one(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "sì" | "si" | "vero" => Some(true),
        "false" | "no" | "falso" => Some(false),
        t => match parse_number(t) {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
    }
}

/// Sorts group labels: as numbers when every one is a number (1, 2, 10, 11 — not 1, 10, 11, 2),
/// else as text (mixed labels keep the text order). Labels equal as numbers ("1", "01") are
/// ordered by their text, so the order never depends on the input's.
pub fn sort_labels<S: AsRef<str>>(labels: &mut [S]) {
    let numbers: Option<Vec<f64>> = labels.iter().map(|s| parse_number(s.as_ref())).collect();
    if numbers.is_some() {
        labels.sort_by(|a, b| {
            let (x, y) = (parse_number(a.as_ref()), parse_number(b.as_ref()));
            x.zip(y)
                .map_or(std::cmp::Ordering::Equal, |(x, y)| x.total_cmp(&y))
                .then_with(|| a.as_ref().cmp(b.as_ref()))
        });
    } else {
        labels.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
    }
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
    use super::{clean, guard, name_key, slug, sort_labels, zero_one};

    #[test]
    fn numeric_labels_sort_as_numbers_and_mixed_ones_as_text() {
        let mut v = vec!["10", "2", "11", "1"];
        sort_labels(&mut v);
        assert_eq!(v, ["1", "2", "10", "11"]);
        let mut v = vec!["2.5", "10", "-1", "02", "2"];
        sort_labels(&mut v);
        assert_eq!(v, ["-1", "02", "2", "2.5", "10"]);
        let mut v = vec!["10", "2", "Prato", "1"];
        sort_labels(&mut v);
        assert_eq!(v, ["1", "10", "2", "Prato"]);
    }

    #[test]
    fn zero_one_reads_booleans_in_both_languages_and_nothing_else() {
        for yes in [
            "1", "TRUE", "True", " true ", "yes", "YES", "sì", "Sì", "si", "SI", "vero", "Vero",
            "1,0",
        ] {
            assert_eq!(zero_one(yes), Some(true), "{yes}");
        }
        for no in ["0", "FALSE", "False", "no", "No", "NO", "falso", " 0 "] {
            assert_eq!(zero_one(no), Some(false), "{no}");
        }
        for other in ["2", "0.5", "maybe", "forse", "y", "n", "x", "", "-1", "t"] {
            assert_eq!(zero_one(other), None, "{other}");
        }
    }

    #[test]
    fn clean_gives_one_form_without_controls_or_invisible_characters() {
        assert!(matches!(
            clean("Prato, 3.5\tok\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(clean("città"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(clean("Nicole\u{300}"), "Nicolè");
        assert_eq!(clean("An\u{AD}na e An\u{200B}na"), "Anna e Anna");
        assert_eq!(
            clean("uno\u{B}due\r\ntre\rquattro\u{2028}"),
            "uno\ndue\ntre\nquattro\n"
        );
        assert_eq!(clean("a\u{0}b\u{1B}[31mc\u{7F}\u{9B}"), "ab[31mc");
        // Bidirectional controls stay for the writers to show.
        assert_eq!(clean("a\u{202E}b"), "a\u{202E}b");
    }

    #[test]
    fn guard_leaves_nothing_an_xml_file_cannot_hold_and_shows_bidi_controls() {
        assert!(matches!(
            guard("<p>ok</p>\r\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(guard("a\u{0}b\u{B}c\u{1B}d\u{FFFF}"), "abcd");
        assert_eq!(guard("abc\u{202E}fed\u{2066}"), "abc[U+202E]fed[U+2066]");
        assert_eq!(
            guard("\u{200F}ok"),
            "\u{200F}ok",
            "a right-to-left mark reverses nothing"
        );
    }

    proptest::proptest! {
        /// Any text: what clean gives is composed, without controls but tab and line feed,
        /// without invisible characters, and cleaning it again changes nothing; what guard gives
        /// holds no character XML 1.0 refuses and no bidirectional control.
        #[test]
        fn clean_and_guard_hold_for_any_text(s in "\\PC{0,40}|[\\x00-\\x20\\u{AD}\\u{200B}\\u{202E}\\u{2066}a\\u{301}]{0,20}") {
            let c = clean(&s);
            proptest::prop_assert!(c.chars().all(|x| !x.is_control() || x == '\t' || x == '\n'));
            proptest::prop_assert!(!c.chars().any(super::is_invisible));
            proptest::prop_assert!(unicode_normalization::is_nfc(&c));
            let again = clean(&c).into_owned();
            proptest::prop_assert_eq!(again.as_str(), c.as_ref());
            let g = guard(&s);
            proptest::prop_assert!(g.chars().all(|x| !x.is_control() || matches!(x, '\t' | '\n' | '\r')));
            proptest::prop_assert!(!g.chars().any(super::is_bidi_control));
        }
    }

    #[test]
    fn names_are_keyed_in_one_form() {
        let k = |s: &str| name_key(s).into_iter().collect::<String>();
        assert_eq!(k("  Nicolò   Rossi "), "nicolò rossi");
        assert_eq!(k("Nicolo\u{300}\u{AD} ROSSI"), "nicolò rossi");
        assert_eq!(k("Ａｎｎａ"), "anna", "full-width letters (NFKC)");
        assert_eq!(k("An\u{200B}na\u{202E}"), "anna");
    }

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
