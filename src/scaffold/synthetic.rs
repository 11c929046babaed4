//! Synthetic answers to the shipped questionnaire, as a KoboToolbox CSV export would hold them
//! (`;`-separated, group prefixes, select_multiple both as one column and as 0/1 columns, meta
//! columns). Seeded, so every run writes the same file. No real person is behind any row.
//!
//! The design: about 90 care leavers in Prato and 110 in Firenze; Firenze higher on housing and
//! participation, Prato higher on relationships, no difference elsewhere; about 5% of Likert
//! answers missing; a few `Florence` / `FIRENZE ` spellings; one id submitted twice.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::instrument::{CHOICES, IMPORTANCE_ITEMS, SCALES};

/// The seed of the shipped example (18 July 2022, the Prato peer-to-peer session).
pub const SEED: u64 = 20220718;

/// Likert items per scale, in form order, and whether each is reverse-keyed.
pub(super) const ITEMS: &[(&str, &[(&str, bool)])] = &[
    (
        "istruzione",
        &[("edu_1", false), ("edu_2", false), ("edu_3", true)],
    ),
    (
        "lavoro",
        &[("work_1", false), ("work_2", false), ("work_3", false)],
    ),
    (
        "casa",
        &[("house_1", false), ("house_2", false), ("house_3", true)],
    ),
    (
        "salute",
        &[
            ("health_1", false),
            ("health_2", false),
            ("health_3", false),
        ],
    ),
    (
        "relazioni",
        &[("rel_1", false), ("rel_2", false), ("rel_3", true)],
    ),
    (
        "partecipazione",
        &[("part_1", false), ("part_2", false), ("part_3", false)],
    ),
    (
        "autonomia",
        &[("aut_1", false), ("aut_2", false), ("aut_3", false)],
    ),
    (
        "economia",
        &[("econ_1", false), ("econ_2", false), ("econ_3", true)],
    ),
    (
        "rispetto",
        &[("resp_1", false), ("resp_2", true), ("resp_3", false)],
    ),
];

/// Mean latent level of a scale: (baseline, shift for Prato, shift for Firenze).
fn level(scale: &str) -> (f64, f64, f64) {
    match scale {
        "casa" => (0.0, -0.4, 0.4),
        "partecipazione" => (-0.2, -0.35, 0.35),
        "relazioni" => (0.2, 0.35, -0.35),
        "economia" => (-0.5, 0.0, 0.0),
        "autonomia" => (0.3, 0.0, 0.0),
        _ => (0.0, 0.0, 0.0),
    }
}

/// Mean importance respondents give a dimension (1–5): housing, work and money first.
fn importance(scale: &str) -> f64 {
    match scale {
        "casa" => 4.5,
        "lavoro" => 4.4,
        "economia" => 4.3,
        "relazioni" => 4.2,
        "salute" => 4.0,
        "istruzione" => 3.9,
        "partecipazione" => 3.4,
        _ => 3.8,
    }
}

const SUGGESTIONS: &[&str] = &[
    "Più aiuto per trovare casa dopo i 18 anni.",
    "Vorrei essere ascoltato di più quando si decide del mio futuro.",
    "Servono più borse di studio e tirocini pagati.",
    "Un tutor che resti anche dopo l'uscita dalla comunità.",
    "Meno burocrazia per il permesso di soggiorno.",
    "Incontri con altri ragazzi che hanno vissuto la stessa esperienza.",
    "Più informazioni sui servizi, in una lingua che capisco.",
    "Un aiuto economico per i primi mesi da solo/a.",
];

pub(super) fn pick<'a, R: Rng>(rng: &mut R, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|w| w.1).sum();
    let mut x = rng.gen_range(0..total);
    for (v, w) in weighted {
        if x < *w {
            return v;
        }
        x -= w;
    }
    weighted[weighted.len() - 1].0
}

pub(super) fn uuid<R: Rng>(rng: &mut R) -> String {
    let h = format!("{:032x}", rng.gen::<u128>());
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Civil date `days` after 2022-05-02 (all within May–July 2022).
fn date(days: u32) -> String {
    let (mut m, mut d) = (5u32, 2 + days);
    for len in [31u32, 30, 31] {
        if d > len {
            d -= len;
            m += 1;
        }
    }
    format!("2022-{m:02}-{d:02}")
}

/// The answers of the support question (select_multiple), in the questionnaire's order.
pub(super) fn support() -> Vec<&'static str> {
    CHOICES
        .iter()
        .filter(|c| c.0 == "sostegno")
        .map(|c| c.1)
        .collect()
}

/// The header of the export, in KoboToolbox order.
pub(super) fn header() -> Vec<String> {
    let mut h: Vec<String> = vec!["start".into(), "end".into()];
    for name in [
        "respondent_id",
        "territory",
        "age",
        "gender",
        "care_setting",
        "years_in_care",
        "migrant_background",
        "msna",
        "activity",
        "housing",
        "autonomy_tutor",
        "individual_project",
        "support",
    ] {
        h.push(format!("anagrafica/{name}"));
    }
    for (list, name, _, _) in CHOICES {
        if *list == "sostegno" {
            h.push(format!("anagrafica/support/{name}"));
        }
    }
    h.push("anagrafica/interview_date".into());
    for (_, items) in ITEMS {
        for (name, _) in *items {
            h.push(format!("capacita/{name}"));
        }
    }
    for (_, name) in IMPORTANCE_ITEMS {
        h.push(format!("priorita/{name}"));
    }
    for m in [
        "suggestions",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_index",
    ] {
        h.push(m.into());
    }
    h
}

/// The synthetic export as CSV text (`;`-separated, as KoboToolbox writes it).
pub fn care_leavers_responses(seed: u64) -> String {
    assert_eq!(ITEMS.len(), SCALES.len());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // The importance ratings draw from their own generator, so the other answers stay as they
    // were before the ratings were added to the questionnaire.
    let mut rng_importance = ChaCha8Rng::seed_from_u64(seed ^ 0x1A7E_0000);
    let noise = Normal::new(0.0, 0.75).expect("valid normal");
    let person = Normal::new(0.0, 0.9).expect("valid normal");
    let support: Vec<&str> = CHOICES
        .iter()
        .filter(|c| c.0 == "sostegno" && c.1 != "nessuno")
        .map(|c| c.1)
        .collect();

    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    let plan: Vec<(&str, &str, u32)> = (1..=90)
        .map(|i| ("Prato", "PO", i))
        .chain((1..=110).map(|i| ("Firenze", "FI", i)))
        .collect();
    let mut firenze_spellings = vec!["Florence", "Florence", "FIRENZE ", "FIRENZE ", "firenze"];
    for (territory, code, i) in plan {
        let prato = territory == "Prato";
        let age: u32 = pick(
            &mut rng,
            &[
                ("16", 6),
                ("17", 10),
                ("18", 18),
                ("19", 18),
                ("20", 14),
                ("21", 12),
                ("22", 8),
                ("23", 6),
                ("24", 4),
                ("25", 4),
            ],
        )
        .parse()
        .unwrap_or(18);
        let setting = if rng.gen_bool(if prato { 0.45 } else { 0.35 }) {
            "affido"
        } else {
            "comunita"
        };
        let migrant = rng.gen_bool(if prato { 0.4 } else { 0.5 });
        let msna = if migrant {
            if rng.gen_bool(0.6) {
                "si"
            } else {
                "no"
            }
        } else {
            ""
        };
        let years = rng.gen_range(1..=(age - 1).min(18));
        let activity = pick(
            &mut rng,
            &[
                ("studio", 30),
                ("formazione", 15),
                ("lavoro", 25),
                ("studio_lavoro", 12),
                ("nessuna", 18),
            ],
        );
        let housing = if age < 18 {
            if setting == "affido" {
                "famiglia_affidataria"
            } else {
                "comunita"
            }
        } else {
            pick(
                &mut rng,
                &[
                    ("famiglia_affidataria", 10),
                    ("comunita", 15),
                    ("semiautonomia", 25),
                    ("casa_propria", 30),
                    ("famiglia_origine", 15),
                    ("altro", 5),
                ],
            )
        };
        let chosen: Vec<&str> = if rng.gen_bool(0.05) {
            vec!["nessuno"]
        } else {
            let k = rng.gen_range(1..=3);
            let mut s: Vec<&str> = support.choose_multiple(&mut rng, k).copied().collect();
            s.sort_by_key(|c| support.iter().position(|x| x == c));
            s
        };
        let day = rng.gen_range(0..75);
        let (hh, mm) = (rng.gen_range(9..18), rng.gen_range(0..60));
        let spelled = if !prato && i % 22 == 5 {
            firenze_spellings.pop().unwrap_or(territory)
        } else {
            territory
        };

        let mut row: Vec<String> = vec![
            format!("{}T{hh:02}:{mm:02}:00.000+02:00", date(day)),
            format!(
                "{}T{hh:02}:{:02}:00.000+02:00",
                date(day),
                (mm + 20).min(59)
            ),
            format!("CL-{code}-{i:03}"),
            spelled.to_string(),
            age.to_string(),
            pick(
                &mut rng,
                &[("femmina", 44), ("maschio", 50), ("altro", 3), ("nr", 3)],
            )
            .to_string(),
            setting.to_string(),
            years.to_string(),
            if migrant { "si" } else { "no" }.to_string(),
            msna.to_string(),
            activity.to_string(),
            housing.to_string(),
            if rng.gen_bool(0.6) { "si" } else { "no" }.to_string(),
            if rng.gen_bool(0.7) { "si" } else { "no" }.to_string(),
            chosen.join(" "),
        ];
        for (list, name, _, _) in CHOICES {
            if *list == "sostegno" {
                row.push(if chosen.contains(name) { "1" } else { "0" }.to_string());
            }
        }
        row.push(date(day));
        for (scale, items) in ITEMS {
            let (base, po, fi) = level(scale);
            let foster = if setting == "affido" && *scale == "relazioni" {
                0.25
            } else {
                0.0
            };
            let theta = base + if prato { po } else { fi } + foster + person.sample(&mut rng);
            for (_, reverse) in *items {
                let x = (3.0 + theta + noise.sample(&mut rng))
                    .round()
                    .clamp(1.0, 5.0);
                let x = if *reverse { 6.0 - x } else { x };
                row.push(if rng.gen_bool(0.05) {
                    String::new()
                } else {
                    format!("{x}")
                });
            }
        }
        for (scale, _) in IMPORTANCE_ITEMS {
            let x = (importance(scale) + noise.sample(&mut rng_importance))
                .round()
                .clamp(1.0, 5.0);
            row.push(if rng_importance.gen_bool(0.04) {
                String::new()
            } else {
                format!("{x}")
            });
        }
        row.push(if rng.gen_bool(0.3) {
            SUGGESTIONS[rng.gen_range(0..SUGGESTIONS.len())].to_string()
        } else {
            String::new()
        });
        let submitted = format!("{}T{hh:02}:{:02}:30", date(day), (mm + 21).min(59));
        row.push(String::new()); // _id, filled after sorting
        row.push(uuid(&mut rng));
        row.push(submitted);
        row.push(String::new());
        row.push(String::new()); // _index
        rows.push((day * 10_000 + hh * 100 + mm, row));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1[2].cmp(&b.1[2])));
    // One questionnaire submitted twice: the same id, a new uuid, two answers changed.
    let mut again = rows[41].1.clone();
    let n = again.len();
    again[n - 4] = uuid(&mut rng);
    let likert_start = header()
        .iter()
        .position(|h| h == "capacita/edu_1")
        .unwrap_or(0);
    again[likert_start] = "2".into();
    again[likert_start + 4] = "4".into();
    rows.push((u32::MAX, again));

    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let _ = w.write_record(header());
        for (k, (_, mut row)) in rows.into_iter().enumerate() {
            let n = row.len();
            row[n - 5] = (41_000_000 + k as u64 * 7).to_string();
            row[n - 1] = (k + 1).to_string();
            let _ = w.write_record(&row);
        }
        let _ = w.flush();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped_as_designed() {
        let a = care_leavers_responses(SEED);
        assert_eq!(a, care_leavers_responses(SEED));
        let lines: Vec<&str> = a.lines().collect();
        assert_eq!(lines.len(), 1 + 200 + 1);
        let width = lines[0].split(';').count();
        assert!(lines.iter().all(|l| l.split(';').count() >= width));
        assert!(a.contains(";Florence;") && a.contains(";FIRENZE ;"));
    }
}
