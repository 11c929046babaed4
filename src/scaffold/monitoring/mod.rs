//! The national monitoring template (`capakit init DIR --synthetic --template monitoring`): the
//! Care Leavers experimentation followed over three yearly waves in 17 regions and 60 ambiti, with
//! a panel of young people who stay, leave and join, design weights (strata: regions; primary
//! sampling units: ambiti) and the programme's records per ambito and year. Every number is
//! synthetic, drawn from a fixed seed with designed differences between regions and waves, so
//! the report has something true to say:
//!
//! - autonomy rises every wave everywhere (autonomy tutors), housing rises in the Centre-North;
//! - economic security falls in 2023 (the cost of living) and partly recovers;
//! - work prospects and economic security are lower in the South;
//! - participation rises in 2024 (the Youth Conferences), most in Toscana and Emilia-Romagna;
//! - more young people have a tutor and an individualised project each wave;
//! - attrition is higher in the South;
//! - Rieti and Matera have a handful of respondents: their numbers are hidden.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::instrument::IMPORTANCE_ITEMS;
use super::synthetic::{header, pick, support, uuid, ITEMS};

/// The seed of the shipped monitoring example (1 December 2022: the first Youth Conference
/// of the synthetic programme).
pub const SEED: u64 = 20221201;

/// The waves: id, Italian and English label.
pub const WAVES: [(&str, &str, &str); 3] = [
    ("2022", "Prima annualità (2022)", "First year (2022)"),
    ("2023", "Seconda annualità (2023)", "Second year (2023)"),
    ("2024", "Terza annualità (2024)", "Third year (2024)"),
];

/// The participating regions (names as in instruments/italy-regions.csv) and their ambiti:
/// name and respondents in the first wave.
pub const REGIONS: &[(&str, &[(&str, u32)])] = &[
    (
        "Piemonte",
        &[
            ("Torino", 80),
            ("Cuneo", 45),
            ("Novara", 40),
            ("Alessandria", 40),
            ("Asti", 30),
        ],
    ),
    (
        "Lombardia",
        &[
            ("Milano", 110),
            ("Brescia", 60),
            ("Bergamo", 55),
            ("Monza", 45),
            ("Varese", 40),
            ("Pavia", 35),
            ("Como", 35),
        ],
    ),
    (
        "Veneto",
        &[
            ("Venezia", 55),
            ("Padova", 55),
            ("Verona", 55),
            ("Vicenza", 45),
        ],
    ),
    ("Friuli-Venezia Giulia", &[("Trieste", 40), ("Udine", 45)]),
    ("Liguria", &[("Genova", 65), ("La Spezia", 30)]),
    (
        "Emilia-Romagna",
        &[
            ("Bologna", 70),
            ("Modena", 50),
            ("Parma", 45),
            ("Reggio Emilia", 45),
        ],
    ),
    (
        "Toscana",
        &[
            ("Firenze", 70),
            ("Prato", 40),
            ("Pisa", 40),
            ("Livorno", 40),
        ],
    ),
    ("Umbria", &[("Perugia", 45), ("Terni", 30)]),
    ("Marche", &[("Ancona", 45), ("Pesaro", 35)]),
    (
        "Lazio",
        &[
            ("Roma", 120),
            ("Latina", 45),
            ("Frosinone", 40),
            ("Viterbo", 30),
            ("Rieti", 6),
        ],
    ),
    ("Abruzzo", &[("Pescara", 40), ("L'Aquila", 35)]),
    (
        "Campania",
        &[
            ("Napoli", 100),
            ("Salerno", 55),
            ("Caserta", 50),
            ("Avellino", 30),
            ("Benevento", 30),
        ],
    ),
    (
        "Puglia",
        &[("Bari", 75), ("Lecce", 50), ("Foggia", 45), ("Taranto", 45)],
    ),
    ("Basilicata", &[("Potenza", 35), ("Matera", 8)]),
    (
        "Calabria",
        &[("Reggio Calabria", 50), ("Cosenza", 45), ("Catanzaro", 40)],
    ),
    (
        "Sicilia",
        &[
            ("Palermo", 80),
            ("Catania", 65),
            ("Messina", 45),
            ("Siracusa", 35),
            ("Agrigento", 35),
        ],
    ),
    ("Sardegna", &[("Cagliari", 50), ("Sassari", 40)]),
];

/// The South and the islands: lower work prospects and economic security, more attrition.
fn south(region: &str) -> bool {
    matches!(
        region,
        "Campania" | "Puglia" | "Basilicata" | "Calabria" | "Sicilia" | "Sardegna"
    )
}

/// The North: better work prospects.
fn north(region: &str) -> bool {
    matches!(
        region,
        "Piemonte"
            | "Lombardia"
            | "Veneto"
            | "Friuli-Venezia Giulia"
            | "Liguria"
            | "Emilia-Romagna"
    )
}

/// The latent level of a scale in a region and wave (0, 1, 2).
fn level(scale: &str, region: &str, wave: usize) -> f64 {
    let w = wave as f64;
    let base = match scale {
        "economia" => -0.4,
        "autonomia" => -0.2,
        "casa" => -0.2,
        "partecipazione" => -0.3,
        "relazioni" => 0.2,
        _ => 0.0,
    };
    let place = match scale {
        "lavoro" if south(region) => -0.5,
        "lavoro" if north(region) => 0.2,
        "economia" if south(region) => -0.4,
        "casa" if south(region) => -0.2,
        "partecipazione" if matches!(region, "Toscana" | "Emilia-Romagna") => 0.3,
        "relazioni" if region == "Calabria" => -0.3,
        _ => 0.0,
    };
    let time = match scale {
        "autonomia" => 0.3 * w,
        "casa" if south(region) => 0.05 * w,
        "casa" => 0.25 * w,
        "economia" => [0.0, -0.3, -0.15][wave],
        "partecipazione" if wave == 2 && matches!(region, "Toscana" | "Emilia-Romagna") => 0.6,
        "partecipazione" if wave == 2 => 0.35,
        _ => 0.0,
    };
    base + place + time
}

/// An ambito's code: its region's ISTAT code and its place in the region.
fn ambito_code(region_index: usize, k: usize) -> String {
    let codes = [
        "01", "03", "05", "06", "07", "08", "09", "10", "11", "12", "13", "15", "16", "17", "18",
        "19", "20",
    ];
    format!("A{}{:02}", codes[region_index], k + 1)
}

/// data/ambiti.csv: code, name, region.
pub fn ambiti_csv() -> String {
    let mut out = String::from("code,name,region\n");
    for (i, (region, ambiti)) in REGIONS.iter().enumerate() {
        for (k, (name, _)) in ambiti.iter().enumerate() {
            out.push_str(&format!("{},{},{}\n", ambito_code(i, k), name, region));
        }
    }
    out
}

/// The ambiti as the questionnaire's territory list: code, name (Italian and English).
pub fn ambiti_choices() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (i, (_, ambiti)) in REGIONS.iter().enumerate() {
        for (k, (name, _)) in ambiti.iter().enumerate() {
            out.push((ambito_code(i, k), name.to_string(), name.to_string()));
        }
    }
    out
}

/// One young person followed over the waves.
struct Person {
    id: String,
    region: usize,
    ambito: usize,
    age: u32,
    gender: &'static str,
    setting: &'static str,
    migrant: bool,
    msna: bool,
    /// Their own level on each scale.
    effect: Vec<f64>,
}

/// The monitoring data: one CSV per wave (as KoboToolbox exports it, plus the design columns),
/// and the programme records.
pub struct Monitoring {
    pub waves: Vec<String>,
    pub records: String,
}

/// Draws the three waves and the records.
pub fn generate(seed: u64) -> Monitoring {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let person_effect = Normal::new(0.0, 0.7).expect("valid normal");
    let noise = Normal::new(0.0, 0.55).expect("valid normal");
    let item_noise = Normal::new(0.0, 0.6).expect("valid normal");
    let mut serial = 0u32;
    let mut new_person = |rng: &mut ChaCha8Rng, region: usize, ambito: usize| -> Person {
        serial += 1;
        let migrant = rng.gen_bool(0.35);
        Person {
            id: format!("CL-{}-{serial:05}", ambito_code(region, ambito)),
            region,
            ambito,
            age: rng.gen_range(18..=20),
            gender: pick(
                rng,
                &[("femmina", 44), ("maschio", 52), ("altro", 2), ("nr", 2)],
            ),
            setting: if rng.gen_bool(0.4) {
                "affido"
            } else {
                "comunita"
            },
            migrant,
            msna: migrant && rng.gen_bool(0.55),
            effect: (0..ITEMS.len())
                .map(|_| person_effect.sample(rng))
                .collect(),
        }
    };
    // Everyone in the first wave.
    let mut current: Vec<Person> = Vec::new();
    for (r, (_, ambiti)) in REGIONS.iter().enumerate() {
        for (a, (_, n)) in ambiti.iter().enumerate() {
            for _ in 0..*n {
                current.push(new_person(&mut rng, r, a));
            }
        }
    }
    let mut header_row = header();
    header_row.extend(["peso", "strato", "psu"].map(String::from));
    let mut files = Vec::new();
    let mut records = String::from(
        "ambito,anno,presi_in_carico,con_progetto,con_tutor,tutor,conferenze_locali,conferenze_regionali,fondi_assegnati,fondi_spesi\n",
    );
    for (w, (wave, _, _)) in WAVES.iter().enumerate() {
        if w > 0 {
            // Some leave (more in the South), the others are a year older; new young people join.
            let mut next = Vec::new();
            for mut p in std::mem::take(&mut current) {
                let stay = if south(REGIONS[p.region].0) {
                    0.72
                } else {
                    0.82
                };
                if rng.gen_bool(stay) && p.age < 21 {
                    p.age += 1;
                    next.push(p);
                }
            }
            for (r, (_, ambiti)) in REGIONS.iter().enumerate() {
                for (a, (_, n)) in ambiti.iter().enumerate() {
                    let here = next
                        .iter()
                        .filter(|p| p.region == r && p.ambito == a)
                        .count() as u32;
                    let target = n + n * w as u32 / 20;
                    for _ in here..target {
                        next.push(new_person(&mut rng, r, a));
                    }
                }
            }
            current = next;
        }
        let mut rows: Vec<Vec<String>> = Vec::new();
        for p in &current {
            let region = REGIONS[p.region].0;
            let (ambito_name, n_first) = REGIONS[p.region].1[p.ambito];
            let _ = ambito_name;
            let tutor_p = [0.5, 0.65, 0.78][w] - if south(region) { 0.1 } else { 0.0 };
            let project_p = [0.6, 0.74, 0.85][w] - if south(region) { 0.08 } else { 0.0 };
            let none_p = if south(region) { 0.28 } else { 0.14 } - 0.03 * w as f64;
            let activity = if rng.gen_bool(none_p) {
                "nessuna"
            } else {
                pick(
                    &mut rng,
                    &[
                        ("studio", 30),
                        ("formazione", 18),
                        ("lavoro", 32),
                        ("studio_lavoro", 14),
                    ],
                )
            };
            let housing = pick(
                &mut rng,
                &[
                    ("comunita", 12),
                    ("semiautonomia", 28),
                    ("casa_propria", 35),
                    ("famiglia_origine", 18),
                    ("altro", 7),
                ],
            );
            let tutor = rng.gen_bool(tutor_p);
            let answers = support();
            let mut chosen: Vec<&str> = answers
                .iter()
                .copied()
                .filter(|s| !matches!(*s, "tutor" | "nessuno") && rng.gen_bool(0.3))
                .collect();
            if tutor {
                chosen.push("tutor");
            }
            chosen.sort_by_key(|c| answers.iter().position(|x| x == c));
            if chosen.is_empty() {
                chosen.push("nessuno");
            }
            let day = rng.gen_range(0..60u32);
            let date = format!("{wave}-{:02}-{:02}", 10 + day / 30, 1 + day % 30);
            let mut row = vec![
                format!("{date}T10:00:00.000+01:00"),
                format!("{date}T10:25:00.000+01:00"),
                p.id.clone(),
                ambito_code(p.region, p.ambito),
                p.age.to_string(),
                p.gender.to_string(),
                p.setting.to_string(),
                rng.gen_range(2..=12u32).to_string(),
                if p.migrant { "si" } else { "no" }.to_string(),
                if p.migrant {
                    if p.msna { "si" } else { "no" }.to_string()
                } else {
                    String::new()
                },
                activity.to_string(),
                housing.to_string(),
                if tutor { "si" } else { "no" }.to_string(),
                if rng.gen_bool(project_p) { "si" } else { "no" }.to_string(),
                chosen.join(" "),
            ];
            for s in &answers {
                row.push(if chosen.contains(s) { "1" } else { "0" }.to_string());
            }
            row.push(date.clone());
            for (j, (scale, items)) in ITEMS.iter().enumerate() {
                let theta = level(scale, region, w) + p.effect[j] + noise.sample(&mut rng);
                for (_, reverse) in *items {
                    let x = (3.0 + theta + item_noise.sample(&mut rng))
                        .round()
                        .clamp(1.0, 5.0);
                    let x = if *reverse { 6.0 - x } else { x };
                    row.push(if rng.gen_bool(0.03) {
                        String::new()
                    } else {
                        format!("{x}")
                    });
                }
            }
            for _ in IMPORTANCE_ITEMS {
                row.push(rng.gen_range(3..=5u32).to_string());
            }
            row.push(String::new());
            row.push(String::new()); // _id, filled below
            row.push(uuid(&mut rng));
            row.push(format!("{date}T10:26:00"));
            row.push(String::new());
            row.push(String::new()); // _index
                                     // Design weight: the ambito's care leavers (about three times its first-wave sample,
                                     // more in the large cities) over its respondents this wave.
            let population = f64::from(n_first) * if n_first >= 70 { 4.0 } else { 2.5 };
            let sampled = current
                .iter()
                .filter(|q| q.region == p.region && q.ambito == p.ambito)
                .count() as f64;
            row.push(format!("{:.3}", population / sampled));
            row.push(region.to_string());
            row.push(ambito_code(p.region, p.ambito));
            rows.push(row);
        }
        rows.sort_by(|a, b| a[0].cmp(&b[0]).then_with(|| a[2].cmp(&b[2])));
        let mut out = Vec::new();
        {
            let mut csv = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(&mut out);
            let _ = csv.write_record(&header_row);
            let id_at = header_row.iter().position(|h| h == "_id").unwrap_or(0);
            let index_at = header_row.iter().position(|h| h == "_index").unwrap_or(0);
            for (k, mut row) in rows.into_iter().enumerate() {
                row[id_at] = (50_000_000 + w as u64 * 1_000_000 + k as u64).to_string();
                row[index_at] = (k + 1).to_string();
                let _ = csv.write_record(&row);
            }
            let _ = csv.flush();
        }
        files.push(String::from_utf8(out).unwrap_or_default());
        // The programme's records of the ambiti this year.
        for (r, (region, ambiti)) in REGIONS.iter().enumerate() {
            for (a, (_, n)) in ambiti.iter().enumerate() {
                let taken =
                    (f64::from(*n) * rng.gen_range(1.3..1.7) * (1.0 + 0.08 * w as f64)).round();
                let share = |p: f64, rng: &mut ChaCha8Rng| {
                    (taken * (p + rng.gen_range(-0.06..0.06)).clamp(0.0, 1.0)).round()
                };
                let project = share(
                    [0.62, 0.76, 0.88][w] - if south(region) { 0.1 } else { 0.0 },
                    &mut rng,
                );
                let tutored = share(
                    [0.5, 0.66, 0.8][w] - if south(region) { 0.12 } else { 0.0 },
                    &mut rng,
                );
                let caseload = if south(region) {
                    [22.0, 19.0, 17.0][w]
                } else {
                    [16.0, 14.0, 12.0][w]
                };
                let tutors = (tutored / caseload).ceil().max(1.0);
                let local = rng.gen_range(0..=2u32) + u32::from(w > 0);
                let regional = u32::from(a == 0 && (w > 0 || !south(region)));
                let allocated = (taken * 4.0).round() * 1000.0;
                let spent_share = rng.gen_range(0.55..0.75) + 0.08 * w as f64
                    - if south(region) { 0.1 } else { 0.0 };
                let spent = (allocated * spent_share.min(0.99) / 100.0).round() * 100.0;
                records.push_str(&format!(
                    "{},{wave},{taken},{project},{tutored},{tutors},{local},{regional},{allocated},{spent}\n",
                    ambito_code(r, a)
                ));
            }
        }
    }
    Monitoring {
        waves: files,
        records,
    }
}

/// The study.toml of the template, with the participating regions.
fn study_toml() -> String {
    let regions: Vec<String> = region_names().iter().map(|r| format!("\"{r}\"")).collect();
    include_str!("study.toml").replace("[REGIONS]", &format!("[{}]", regions.join(", ")))
}

/// The example's pseudonym key (synthetic data only: a real study keeps its key apart).
const EXAMPLE_KEY: &str = "capakit-synthetic-monitoring-example-key-not-for-real-data\n";

/// Writes the monitoring template into `dir`, with its synthetic data.
pub fn write(dir: &Path) -> crate::error::Result<()> {
    use crate::error::Error;
    use crate::report::write_atomic;
    let xlsform = super::instrument::xlsform(&super::instrument::Form {
        territories: ambiti_choices(),
        territory_label: ("Ambito territoriale", "Territorial area (ambito)"),
        title: "Care leavers: national monitoring questionnaire",
        form_id: "care_leavers_monitoring",
    })
    .map_err(|e| Error::Usage(format!("could not build the questionnaire: {e}")))?;
    write_atomic(
        &dir.join("instruments/care-leavers-monitoring.xlsx"),
        &xlsform,
    )?;
    write_atomic(
        &dir.join("instruments/italy-regions.csv"),
        include_bytes!("../../../instruments/italy-regions.csv"),
    )?;
    write_atomic(&dir.join("data/ambiti.csv"), ambiti_csv().as_bytes())?;
    let m = generate(SEED);
    for ((wave, _, _), csv) in WAVES.iter().zip(&m.waves) {
        write_atomic(
            &dir.join(format!("data/giovani-{wave}.csv")),
            csv.as_bytes(),
        )?;
    }
    write_atomic(
        &dir.join("data/registri-programma.csv"),
        m.records.as_bytes(),
    )?;
    write_atomic(&dir.join("secrets/pseudonym.key"), EXAMPLE_KEY.as_bytes())?;
    write_atomic(
        &dir.join("analyses/monitoring.toml"),
        include_bytes!("analyses.toml"),
    )?;
    write_atomic(&dir.join("README.md"), include_bytes!("README.md"))?;
    write_atomic(&dir.join("study.toml"), study_toml().as_bytes())?;
    Ok(())
}

/// The names of the participating regions, for `only = […]`.
pub fn region_names() -> Vec<&'static str> {
    REGIONS.iter().map(|r| r.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaped_as_designed_and_deterministic() {
        let m = generate(SEED);
        assert_eq!(m.waves, generate(SEED).waves);
        assert_eq!(REGIONS.len(), 17);
        let ambiti: usize = REGIONS.iter().map(|r| r.1.len()).sum();
        assert_eq!(ambiti, 60);
        let sizes: Vec<usize> = m.waves.iter().map(|w| w.lines().count() - 1).collect();
        for n in &sizes {
            assert!((2700..3600).contains(n), "{sizes:?}");
        }
        let ids = |w: &str| -> std::collections::BTreeSet<String> {
            w.lines()
                .skip(1)
                .map(|l| l.split(';').nth(2).unwrap_or_default().to_string())
                .collect()
        };
        let (a, b) = (ids(&m.waves[0]), ids(&m.waves[1]));
        let stayed = a.intersection(&b).count() as f64 / a.len() as f64;
        assert!((0.6..0.85).contains(&stayed), "{stayed}");
        assert_eq!(m.records.lines().count(), 1 + 3 * 60);
    }
}
