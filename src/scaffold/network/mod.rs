//! The CO.RE. template (`capakit init DIR --synthetic --template network`): the network of the
//! services that take charge of abused and maltreated minors and of foreign minors with complex
//! needs, in two areas of a metropolitan city, as CO.RE. studied it — the professionals of the
//! services say which services they work with and how often, before the network activities and
//! after the joint training, and fill a short questionnaire on the needs of the foreign minors
//! they follow. Every number is synthetic, drawn from a fixed seed with designed effects, so the
//! report has something true to find:
//!
//! - in Municipio V no health service works with a reception community (either way) before the
//!   activities; after the joint training they do;
//! - the third sector and the justice system never work together, in either wave (a gap that the
//!   activities did not close);
//! - the network is denser after the training, most of all between the public services and the
//!   third sector;
//! - a few small services are named by fewer than five professionals (shown only within their
//!   type);
//! - four names are written by hand: one exactly as the registry writes it, one with a spelling
//!   slip, one by a name the registry lists as an alias, one that is no service of the registry;
//! - the minors' health needs are met less often in Municipio V (where health and reception did
//!   not work together), their documents less often in Municipio VI.

pub mod form;

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::mentoring::{kobo_csv, meta};
use super::synthetic::pick;
use crate::check::network::SERVICE_TYPES;
use form::{services, Service, AREAS, ROLES};

/// The seed of the shipped CO.RE. example (1 March 2024: the first survey round opens).
pub const SEED: u64 = 20240301;

/// The professionals asked (each answers in one or both waves).
pub const PROFESSIONALS: usize = 120;

/// The professionals asked, by area (an index into [`AREAS`], none for the city's services) and
/// type of service.
const PER_TYPE: [(Option<usize>, &str, usize); 18] = [
    (Some(0), "social_services", 11),
    (Some(0), "health", 8),
    (Some(0), "school", 7),
    (Some(0), "justice", 3),
    (Some(0), "reception", 12),
    (Some(0), "day_service", 6),
    (Some(0), "third_sector", 7),
    (Some(0), "police", 2),
    (Some(1), "social_services", 11),
    (Some(1), "health", 8),
    (Some(1), "school", 7),
    (Some(1), "justice", 3),
    (Some(1), "reception", 12),
    (Some(1), "day_service", 6),
    (Some(1), "third_sector", 7),
    (Some(1), "police", 2),
    (None, "justice", 5),
    (None, "police", 3),
];

/// The minors' cases, by area.
pub const CASES: [usize; 2] = [110, 90];

/// Small services that nobody of the survey works in and few name: shown only within their type.
pub const RARE: &[&str] = &[
    "ts_v_emporio",
    "ts_vi_banco",
    "pol_vi_commissariato",
    "giu_procura",
];

/// The names written by hand in the second wave, in place of a choice from the list: (the
/// service meant, what is written). The last is no service of the registry (its text is never
/// published).
pub const WRITTEN: [(&str, &str); 4] = [
    ("san_v_consultorio2", "Consultorio familiare Centocelle"),
    ("com_v_gabbiano", "Comunita Il Gabiano"),
    ("cd_v_arcobaleno", "CD Arcobaleno"),
    ("", "Parrocchia San Felice, doposcuola del giovedì"),
];

/// The probability that a professional of a service of the first type names a service of the
/// second (same area, average service, first wave). Types in [`SERVICE_TYPES`]' order: social
/// services, health, school, justice, reception, day service, third sector, police.
const BASE: [[f64; 8]; 8] = [
    [0.35, 0.30, 0.25, 0.35, 0.40, 0.30, 0.20, 0.20],
    [0.35, 0.25, 0.18, 0.18, 0.18, 0.18, 0.18, 0.18],
    [0.30, 0.18, 0.18, 0.18, 0.25, 0.18, 0.18, 0.18],
    [0.50, 0.20, 0.18, 0.30, 0.35, 0.18, 0.00, 0.30],
    [0.45, 0.25, 0.35, 0.35, 0.18, 0.18, 0.18, 0.18],
    [0.30, 0.18, 0.25, 0.18, 0.20, 0.18, 0.25, 0.18],
    [0.20, 0.18, 0.20, 0.00, 0.20, 0.25, 0.20, 0.18],
    [0.30, 0.18, 0.18, 0.45, 0.20, 0.18, 0.18, 0.20],
];

fn type_index(kind: &str) -> usize {
    SERVICE_TYPES
        .iter()
        .position(|(id, _)| *id == kind)
        .unwrap_or(0)
}

/// The probability that a professional of `from` names `to` in `wave` (0 before the activities,
/// 1 after), for a service of popularity `popularity`.
fn naming(from: &Service, to: &Service, wave: usize, popularity: f64) -> f64 {
    let pair = [from.kind, to.kind];
    // The third sector and the justice system never work together.
    if pair.contains(&"third_sector") && pair.contains(&"justice") {
        return 0.0;
    }
    let health_reception = pair.contains(&"health") && pair.contains(&"reception");
    let in_v = from.area == Some(0) || to.area == Some(0);
    if health_reception && in_v && wave == 0 {
        // Municipio V before the activities: health and reception do not work together.
        return 0.0;
    }
    let mut p = BASE[type_index(from.kind)][type_index(to.kind)] * popularity;
    p *= match (from.area, to.area) {
        (Some(a), Some(b)) if a == b => 1.0,
        (Some(_), Some(_)) => 0.03,
        _ => 0.5,
    };
    if wave == 1 {
        // After the network activities and the joint training: more ties, most of all across the
        // public services and the third sector.
        p *= if from.public == to.public { 1.15 } else { 1.6 };
        if health_reception && in_v {
            p = p.max(0.12);
        }
    }
    p.min(0.9)
}

/// One submission of the professionals' survey.
struct Answer {
    day: u32,
    wave: usize,
    service: &'static str,
    role: &'static str,
    years: u32,
    /// (partner id or "altro", the name written by hand, frequency).
    partners: Vec<(&'static str, &'static str, &'static str)>,
}

/// The example's data files.
pub struct Network {
    /// data/servizi.csv: the registry.
    pub registry: String,
    /// data/professionisti.xlsx: the survey (respondents' sheet and repeat's sheet).
    pub survey: Vec<u8>,
    /// data/bisogni-minori.csv: the minors' needs, one row per case.
    pub needs: String,
}

/// The role a professional of a service type most likely has.
fn role_of<R: Rng>(rng: &mut R, kind: &str) -> &'static str {
    let r = |i: usize| ROLES[i].1;
    match kind {
        "social_services" => {
            if rng.gen_bool(0.8) {
                r(0)
            } else {
                r(6)
            }
        }
        "health" => {
            if rng.gen_bool(0.5) {
                r(2)
            } else {
                r(3)
            }
        }
        "school" => r(4),
        "justice" | "police" => r(5),
        _ => {
            if rng.gen_bool(0.75) {
                r(1)
            } else {
                r(6)
            }
        }
    }
}

/// Draws the professionals, their answers in both waves and the minors' cases.
pub fn generate(seed: u64) -> Result<Network, XlsxError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let all = services();
    let popularity: Vec<f64> = all
        .iter()
        .map(|s| {
            let x = rng.gen_range(0.6..1.4);
            if RARE.contains(&s.id) {
                0.12
            } else {
                x
            }
        })
        .collect();

    // The professionals and their services: so many of each type in each area (and of the
    // city's services), each in a service of that type drawn at random.
    let mut professionals: Vec<(usize, &'static str, u32)> = Vec::new();
    for (area, kind, n) in PER_TYPE {
        let candidates: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].kind == kind && all[i].area == area && !RARE.contains(&all[i].id))
            .collect();
        for _ in 0..n {
            let s = candidates[rng.gen_range(0..candidates.len())];
            let role = role_of(&mut rng, all[s].kind);
            professionals.push((s, role, rng.gen_range(1..25u32)));
        }
    }
    assert_eq!(professionals.len(), PROFESSIONALS);

    let mut answers: Vec<Answer> = Vec::new();
    for (k, &(s, role, years)) in professionals.iter().enumerate() {
        for wave in 0..2 {
            if !rng.gen_bool(if wave == 0 { 0.93 } else { 0.88 }) {
                continue;
            }
            let mut partners = Vec::new();
            for (t, to) in all.iter().enumerate() {
                if t == s {
                    continue;
                }
                if rng.gen_bool(naming(&all[s], to, wave, popularity[t])) {
                    let frequency = pick(
                        &mut rng,
                        if wave == 0 {
                            &[("anno", 35), ("mese", 40), ("settimana", 25)]
                        } else {
                            &[("anno", 25), ("mese", 42), ("settimana", 33)]
                        },
                    );
                    partners.push((to.id, "", frequency));
                }
            }
            // One professional names their own service (another office of it): left out.
            if k == 3 && wave == 0 {
                partners.push((all[s].id, "", "mese"));
            }
            // The survey runs in March of each year (2024, then 2025 after the activities).
            let day = if wave == 0 { 60 } else { 425 } + rng.gen_range(0..28u32);
            answers.push(Answer {
                day,
                wave,
                service: all[s].id,
                role,
                years: years + wave as u32,
                partners,
            });
        }
    }
    answers.sort_by_key(|a| (a.day, a.wave, a.service));
    // The names written by hand, in the second wave: the first naming of each service meant is
    // written out instead of chosen; the unknown one is added to a late answer.
    for (meant, written) in WRITTEN {
        if meant.is_empty() {
            if let Some(a) = answers.iter_mut().rev().find(|a| a.wave == 1) {
                a.partners.push(("altro", written, "mese"));
            }
            continue;
        }
        let found = answers
            .iter_mut()
            .filter(|a| a.wave == 1)
            .flat_map(|a| a.partners.iter_mut())
            .find(|p| p.0 == meant);
        if let Some(p) = found {
            *p = ("altro", written, p.2);
        }
    }
    let survey = survey_xlsx(&mut rng, &answers)?;

    Ok(Network {
        registry: form::registry_csv(),
        survey,
        needs: needs_csv(&mut rng),
    })
}

/// Writes a header row in bold.
fn header_row(sheet: &mut Worksheet, header: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (j, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *h, bold)?;
    }
    Ok(())
}

/// The survey as KoboToolbox exports a form with a repeat group to .xlsx: the respondents' sheet
/// (one row per submission, `_index` from 1) and the repeat's sheet (one row per partner named,
/// `_parent_index` pointing to the submission's `_index`).
fn survey_xlsx<R: Rng>(rng: &mut R, answers: &[Answer]) -> Result<Vec<u8>, XlsxError> {
    let mut book: Workbook = crate::report::workbook::new_book("CO.RE. professionisti (capakit)")?;
    let bold = Format::new().set_bold();
    let main = [
        "start",
        "end",
        "ondata",
        "servizio",
        "ruolo",
        "anni",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_index",
    ];
    let repeat = [
        "servizio_partner",
        "servizio_altro",
        "frequenza",
        "_index",
        "_parent_table_name",
        "_parent_index",
        "_submission__id",
        "_submission__uuid",
        "_submission__submission_time",
    ];
    let mut repeat_rows: Vec<(u32, String, String, u64)> = Vec::new();
    let sheet = book.add_worksheet().set_name("professionisti")?;
    header_row(sheet, &main, &bold)?;
    for (i, a) in answers.iter().enumerate() {
        let r = i as u32 + 1;
        let (start_end, trailer) = meta(rng, a.day);
        let id = 81_000_000 + i as u64;
        let cells = [
            start_end[0].as_str(),
            start_end[1].as_str(),
            form::WAVES[a.wave].1,
            a.service,
        ];
        for (j, c) in cells.iter().enumerate() {
            sheet.write_string(r, j as u16, *c)?;
        }
        sheet.write_string(r, 4, a.role)?;
        sheet.write_number(r, 5, f64::from(a.years))?;
        sheet.write_number(r, 6, id as f64)?;
        sheet.write_string(r, 7, &trailer[1])?;
        sheet.write_string(r, 8, &trailer[2])?;
        sheet.write_number(r, 10, f64::from(r))?;
        repeat_rows.push((r, trailer[1].clone(), trailer[2].clone(), id));
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(3, 22)?;
    sheet.set_freeze_panes(1, 0)?;
    let sheet = book.add_worksheet().set_name("collaborazioni")?;
    header_row(sheet, &repeat, &bold)?;
    let mut r = 0u32;
    for (a, (parent, uuid, time, id)) in answers.iter().zip(&repeat_rows) {
        for (partner, written, frequency) in &a.partners {
            r += 1;
            sheet.write_string(r, 0, *partner)?;
            if !written.is_empty() {
                sheet.write_string(r, 1, *written)?;
            }
            sheet.write_string(r, 2, *frequency)?;
            sheet.write_number(r, 3, f64::from(r))?;
            sheet.write_string(r, 4, "professionisti")?;
            sheet.write_number(r, 5, f64::from(*parent))?;
            sheet.write_number(r, 6, *id as f64)?;
            sheet.write_string(r, 7, uuid)?;
            sheet.write_string(r, 8, time)?;
        }
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// The free-text notes of the needs questionnaire (never published: a test looks for them in
/// every output).
pub const NOTES: &[&str] = &[
    "Arrivato da poco, non parla ancora italiano, in attesa della nomina del tutore.",
    "Segnalato dalla scuola per assenze ripetute.",
    "Seguito dal consultorio, serve una mediatrice culturale agli incontri.",
    "Ha chiesto di poter restare nella stessa comunità del fratello.",
];

/// The minors' cases: a 1–4 answer from a latent level (0 the middle), clamped.
fn level<R: Rng>(rng: &mut R, theta: f64, noise: &Normal<f64>) -> String {
    let x = (2.9 + theta + noise.sample(rng)).round().clamp(1.0, 4.0);
    format!("{x}")
}

/// data/bisogni-minori.csv: one row per minor, as KoboToolbox exports the needs questionnaire.
fn needs_csv<R: Rng>(rng: &mut R) -> String {
    let header = super::mentoring::form::export_header(&form::needs());
    let vulnerability = Normal::new(0.0, 0.8).expect("valid normal");
    let noise = Normal::new(0.0, 0.6).expect("valid normal");
    let mut rows = Vec::new();
    for (area, n) in CASES.iter().enumerate() {
        for k in 0..*n {
            let v = vulnerability.sample(rng);
            let alone = rng.gen_bool(0.7);
            let service = pick(
                rng,
                &[
                    ("servizi_sociali", 35),
                    ("comunita", 35),
                    ("centro_diurno", 15),
                    ("terzo_settore", 15),
                ],
            );
            let place = if alone {
                pick(
                    rng,
                    &[
                        ("comunita", 60),
                        ("affido", 8),
                        ("prima_accoglienza", 24),
                        ("nessuna", 8),
                    ],
                )
            } else {
                pick(rng, &[("famiglia", 75), ("comunita", 15), ("affido", 10)])
            };
            // Documents: worse for the unaccompanied, and in Municipio VI.
            let documents_risk =
                -0.9 + 0.8 * v + if alone { 0.6 } else { -0.6 } + 0.7 * area as f64;
            let documents = if rng.gen_bool(1.0 / (1.0 + (-documents_risk).exp())) {
                if rng.gen_bool(0.5) {
                    "nessuno"
                } else {
                    "in_corso"
                }
            } else {
                "permesso"
            };
            let guardian = !alone || rng.gen_bool(0.7);
            let school = rng.gen_bool((0.8 - 0.15 * v).clamp(0.05, 0.95));
            // Health: met less often in Municipio V, most of all in the reception communities.
            let health_gap = if area == 0 {
                if place == "comunita" {
                    0.8
                } else {
                    0.3
                }
            } else {
                0.0
            };
            let day = 440 + rng.gen_range(0..40u32);
            let (start_end, trailer) = meta(rng, day);
            let mut row: Vec<String> = Vec::new();
            row.push(format!("CR-{}-{:03}", AREAS[area].1, k + 1));
            row.push(AREAS[area].1.to_string());
            row.push(service.to_string());
            row.push(
                pick(
                    rng,
                    &[("13", 6), ("14", 12), ("15", 22), ("16", 30), ("17", 30)],
                )
                .to_string(),
            );
            row.push(pick(rng, &[("maschio", 82), ("femmina", 18)]).to_string());
            row.push(
                pick(
                    rng,
                    &[
                        ("nord_africa", 30),
                        ("africa_subsahariana", 30),
                        ("asia", 20),
                        ("europa_est", 12),
                        ("america_latina", 8),
                    ],
                )
                .to_string(),
            );
            row.push(if alone { "si" } else { "no" }.to_string());
            row.push(documents.to_string());
            row.push(if guardian { "si" } else { "no" }.to_string());
            row.push(if school { "si" } else { "no" }.to_string());
            row.push(place.to_string());
            row.push(level(rng, -0.5 * v - health_gap, &noise));
            row.push(level(rng, -0.6 * v - if alone { 0.5 } else { 0.0 }, &noise));
            row.push(level(rng, -0.5 * v - if alone { 0.6 } else { 0.0 }, &noise));
            row.push(level(rng, 0.3 - 0.7 * v, &noise));
            row.push(if rng.gen_bool(0.15) {
                NOTES[rng.gen_range(0..NOTES.len())].to_string()
            } else {
                String::new()
            });
            let mut full: Vec<String> = start_end.to_vec();
            full.extend(row);
            full.extend(trailer);
            assert_eq!(full.len(), header.len());
            rows.push(full);
        }
    }
    kobo_csv(&header, rows, 82_000_000)
}

/// Writes the network template into `dir`, with its synthetic data.
pub fn write(dir: &Path) -> crate::error::Result<()> {
    use crate::error::Error;
    use crate::report::write_atomic;
    let built = |e: XlsxError| Error::Usage(format!("could not build the example: {e}"));
    for (path, form) in [
        (
            "instruments/core-rete-professionisti.xlsx",
            form::professionals(),
        ),
        ("instruments/core-bisogni-minori.xlsx", form::needs()),
    ] {
        let bytes = super::mentoring::form::xlsx(&form).map_err(built)?;
        write_atomic(&dir.join(path), &bytes)?;
    }
    let n = generate(SEED).map_err(built)?;
    write_atomic(&dir.join("data/servizi.csv"), n.registry.as_bytes())?;
    write_atomic(&dir.join("data/professionisti.xlsx"), &n.survey)?;
    write_atomic(&dir.join("data/bisogni-minori.csv"), n.needs.as_bytes())?;
    write_atomic(
        &dir.join("analyses/core.toml"),
        include_bytes!("analyses.toml"),
    )?;
    write_atomic(
        &dir.join("analyses/core-recommendations.toml"),
        include_bytes!("recommendations.toml"),
    )?;
    // The study's own words: forms filled in about the minors, not by them.
    write_atomic(
        &dir.join("reports/strings-it.toml"),
        include_bytes!("strings-it.toml"),
    )?;
    write_atomic(
        &dir.join("reports/strings-en.toml"),
        include_bytes!("strings-en.toml"),
    )?;
    write_atomic(&dir.join("README.md"), include_bytes!("README.md"))?;
    write_atomic(&dir.join("study.toml"), include_bytes!("study.toml"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_data_are_deterministic_and_shaped_as_designed() {
        let a = generate(SEED).unwrap();
        let b = generate(SEED).unwrap();
        assert_eq!(a.survey, b.survey);
        assert_eq!(a.needs, b.needs);
        assert_eq!(
            a.needs.lines().count() - 1,
            CASES.iter().sum::<usize>(),
            "one row per case"
        );
        let other = generate(SEED + 1).unwrap();
        assert_ne!(other.needs, a.needs);
    }

    #[test]
    fn the_designed_zeros_hold_whatever_the_draw() {
        let all = services();
        let find = |id: &str| *all.iter().find(|s| s.id == id).unwrap();
        let (health_v, reception_v) = (find("san_v_tsmree"), find("com_v_gabbiano"));
        assert_eq!(naming(&health_v, &reception_v, 0, 1.0), 0.0);
        assert_eq!(naming(&reception_v, &health_v, 0, 1.0), 0.0);
        assert!(naming(&reception_v, &health_v, 1, 1.0) > 0.1);
        let (health_vi, reception_vi) = (find("san_vi_tsmree"), find("com_vi_quercia"));
        assert!(naming(&reception_vi, &health_vi, 0, 1.0) > 0.1);
        for justice in ["giu_v_ussm", "giu_tm"] {
            for third in ["ts_v_legale", "ts_vi_legale"] {
                for wave in 0..2 {
                    assert_eq!(naming(&find(justice), &find(third), wave, 1.0), 0.0);
                    assert_eq!(naming(&find(third), &find(justice), wave, 1.0), 0.0);
                }
            }
        }
        for meant in WRITTEN.iter().map(|w| w.0).filter(|m| !m.is_empty()) {
            assert!(all.iter().any(|s| s.id == meant), "{meant}");
        }
    }
}
