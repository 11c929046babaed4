//! The peer-to-peer focus groups of the example study, kept as code: the codebook
//! (`instruments/peer-to-peer-codebook.xlsx`: the phases of the care workflow × the elements
//! discussed for each, in Italian and English, with the capability dimension a code speaks to),
//! and synthetic coded transcripts of two Prato and two Firenze groups coded by two coders, with
//! their document metadata. Invented sentences: no real person or meeting is behind them.
//!
//! Designed: Prato's groups dwell on the critical issues of leaving care, Firenze's on
//! participation in choosing the path; the second coder disagrees on about one unit in six.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{Format, XlsxError};

/// Phases of the care workflow: code, Italian, English.
pub const PHASES: &[(&str, &str, &str)] = &[
    ("segnalazione", "Segnalazione", "Reporting"),
    ("affidamento", "Affidamento", "Custody"),
    (
        "allontanamento",
        "Allontanamento dalla famiglia",
        "Estrangement from the family",
    ),
    ("percorso", "Scelta del percorso", "Choice of the path"),
    ("monitoraggio", "Monitoraggio", "Monitoring"),
    ("uscita", "Uscita dall'accoglienza", "Leaving care"),
];

/// Elements discussed in each phase: code, Italian, English.
pub const ELEMENTS: &[(&str, &str, &str)] = &[
    ("attori", "Attori coinvolti", "Actors involved"),
    ("criticita", "Criticità", "Critical issues"),
    ("risorse", "Risorse", "Resources"),
    (
        "partecipazione",
        "Spazi di partecipazione",
        "Spaces for participation",
    ),
];

/// The capability dimension (of analyses/care-leavers-capabilities.toml) a code speaks to.
fn dimension(phase: &str, element: &str) -> &'static str {
    match (phase, element) {
        ("uscita", "criticita") => "casa",
        ("uscita", "risorse") => "autonomia",
        ("uscita", "partecipazione") | ("percorso", "partecipazione") => "partecipazione",
        ("percorso", "risorse") => "istruzione",
        ("monitoraggio", "attori") | ("affidamento", "attori") => "relazioni",
        ("monitoraggio", "criticita") => "economia",
        _ => "",
    }
}

/// Invented statements per code (phase, element).
const SAYINGS: &[(&str, &str, &str)] = &[
    (
        "segnalazione",
        "attori",
        "La segnalazione arriva quasi sempre dalla scuola o dal pediatra.",
    ),
    (
        "segnalazione",
        "criticita",
        "Tra la segnalazione e la prima visita passano troppi mesi.",
    ),
    (
        "affidamento",
        "attori",
        "Il tribunale, i servizi e la famiglia affidataria devono parlarsi di più.",
    ),
    (
        "affidamento",
        "risorse",
        "Le famiglie affidatarie formate sono una risorsa preziosa ma poche.",
    ),
    (
        "allontanamento",
        "criticita",
        "L'allontanamento viene vissuto come una punizione dal ragazzo.",
    ),
    (
        "allontanamento",
        "partecipazione",
        "Spiegare al ragazzo perché viene allontanato cambia tutto.",
    ),
    (
        "percorso",
        "partecipazione",
        "Nel progetto individualizzato la voce del ragazzo conta ancora poco.",
    ),
    (
        "percorso",
        "partecipazione",
        "Quando Marta ha scelto la scuola da sola, è rinata.",
    ),
    (
        "percorso",
        "risorse",
        "Le borse di studio permettono di continuare dopo i diciotto anni.",
    ),
    (
        "percorso",
        "criticita",
        "Il percorso scolastico viene deciso in fretta, senza orientamento.",
    ),
    (
        "monitoraggio",
        "attori",
        "Il tutor per l'autonomia tiene insieme scuola, servizi e comunità.",
    ),
    (
        "monitoraggio",
        "criticita",
        "Manca un fondo per le spese impreviste durante il percorso.",
    ),
    (
        "monitoraggio",
        "partecipazione",
        "Le verifiche del progetto si fanno senza il ragazzo presente.",
    ),
    (
        "uscita",
        "criticita",
        "A diciotto anni il ragazzo esce dalla comunità e spesso non ha una casa.",
    ),
    (
        "uscita",
        "criticita",
        "Luca ci ha chiamato dalla stazione: non sapeva dove dormire.",
    ),
    (
        "uscita",
        "criticita",
        "I contratti d'affitto chiedono garanzie che un neomaggiorenne non ha.",
    ),
    (
        "uscita",
        "risorse",
        "Gli appartamenti di semi-autonomia sono il ponte che funziona.",
    ),
    (
        "uscita",
        "risorse",
        "Il tutor resta un punto di riferimento anche dopo l'uscita.",
    ),
    (
        "uscita",
        "partecipazione",
        "Alla conferenza dei ragazzi hanno chiesto di decidere i tempi dell'uscita.",
    ),
    (
        "uscita",
        "attori",
        "All'uscita i servizi per adulti non conoscono la storia del ragazzo.",
    ),
];

/// The transcripts: document, territory, date, participants' role, care setting.
const GROUPS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "PO-P2P-1",
        "Prato",
        "2022-07-18",
        "assistenti sociali ed educatori",
        "comunità",
    ),
    (
        "PO-P2P-2",
        "Prato",
        "2022-09-26",
        "tutor per l'autonomia e famiglie affidatarie",
        "affido",
    ),
    (
        "FI-P2P-1",
        "Firenze",
        "2022-07-20",
        "assistenti sociali ed educatori",
        "comunità",
    ),
    (
        "FI-P2P-2",
        "Firenze",
        "2022-09-28",
        "tutor per l'autonomia e famiglie affidatarie",
        "affido",
    ),
];

/// The seed of the example's focus groups.
pub const SEED: u64 = 20_220_718;

/// The codebook as an .xlsx: `code` (phase/element, or a phase alone), `label::Italiano (it)`,
/// `label::English (en)`, `description`, `dimension`.
pub fn codebook_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut book =
        crate::report::workbook::new_book("Peer-to-peer focus groups: codebook (capakit)")?;
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("codebook")?;
    let headers = [
        "code",
        "label::Italiano (it)",
        "label::English (en)",
        "description",
        "dimension",
    ];
    for (j, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    let mut row = 1u32;
    for (p, p_it, p_en) in PHASES {
        sheet.write_string(row, 0, *p)?;
        sheet.write_string(row, 1, *p_it)?;
        sheet.write_string(row, 2, *p_en)?;
        sheet.write_string(
            row,
            3,
            "Fase del percorso di accoglienza / Phase of the care workflow",
        )?;
        row += 1;
        for (e, e_it, e_en) in ELEMENTS {
            sheet.write_string(row, 0, format!("{p}/{e}"))?;
            sheet.write_string(row, 1, format!("{p_it}: {}", e_it.to_lowercase()))?;
            sheet.write_string(row, 2, format!("{p_en}: {}", e_en.to_lowercase()))?;
            let d = dimension(p, e);
            if !d.is_empty() {
                sheet.write_string(row, 4, d)?;
            }
            row += 1;
        }
    }
    book.save_to_buffer()
}

/// The document metadata as CSV.
pub fn metadata_csv() -> String {
    let mut out = String::from("document;territory;session;date;role;care_setting\n");
    for (k, (doc, territory, date, role, setting)) in GROUPS.iter().enumerate() {
        out.push_str(&format!(
            "{doc};{territory};{};{date};{role};{setting}\n",
            k % 2 + 1
        ));
    }
    out
}

/// The coded segments as a long CSV (document, segment, text, code, coder, start, end).
pub fn segments_csv(seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let _ = w.write_record([
        "document", "segment", "text", "code", "coder", "start", "end",
    ]);
    for (doc, territory, ..) in GROUPS {
        // Prato's groups dwell on leaving care, Firenze's on participation in the path.
        let weight = |p: &str, e: &str| -> u32 {
            match (*territory, p, e) {
                ("Prato", "uscita", "criticita") => 6,
                ("Prato", "uscita", _) => 3,
                ("Firenze", "percorso", "partecipazione") => 6,
                ("Firenze", _, "partecipazione") => 3,
                _ => 1,
            }
        };
        let total: u32 = SAYINGS.iter().map(|(p, e, _)| weight(p, e)).sum();
        let mut offset = 0u64;
        for k in 0..16 {
            let mut x = rng.gen_range(0..total);
            let (p, e, text) = SAYINGS
                .iter()
                .find(|(p, e, _)| {
                    let w = weight(p, e);
                    if x < w {
                        true
                    } else {
                        x -= w;
                        false
                    }
                })
                .copied()
                .unwrap_or(SAYINGS[0]);
            let (start, end) = (offset, offset + text.chars().count() as u64);
            offset = end + 40;
            let id = format!("s{:02}", k + 1);
            let code = format!("{p}/{e}");
            let record = |coder: &str, code: &str| {
                [
                    doc.to_string(),
                    id.clone(),
                    text.to_string(),
                    code.to_string(),
                    coder.to_string(),
                    start.to_string(),
                    end.to_string(),
                ]
            };
            let _ = w.write_record(record("coder_a", &code));
            // The second coder: the same code mostly; sometimes another element of the phase,
            // sometimes nothing, sometimes a second code as well.
            let roll = rng.gen_range(0..12);
            let other = ELEMENTS[rng.gen_range(0..ELEMENTS.len())].0;
            match roll {
                0 => {}
                1 => {
                    let _ = w.write_record(record("coder_b", &format!("{p}/{other}")));
                }
                2 => {
                    let _ = w.write_record(record("coder_b", &code));
                    if other != e {
                        let _ = w.write_record(record("coder_b", &format!("{p}/{other}")));
                    }
                }
                _ => {
                    let _ = w.write_record(record("coder_b", &code));
                }
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped_as_designed() {
        let a = segments_csv(SEED);
        assert_eq!(a, segments_csv(SEED));
        assert!(a.contains("coder_b") && a.contains("PO-P2P-2"));
        assert!(codebook_xlsx().is_ok());
        assert_eq!(metadata_csv().lines().count(), 5);
        // Every code used is in the codebook.
        for (p, e, _) in SAYINGS {
            assert!(PHASES.iter().any(|x| x.0 == *p) && ELEMENTS.iter().any(|x| x.0 == *e));
        }
    }
}
