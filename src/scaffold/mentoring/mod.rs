//! The INTEGRA mentoring template (`capakit init DIR --synthetic --template mentoring`): a
//! multidisciplinary mentoring programme for unaccompanied minors and young people of migrant
//! background leaving care, in three partner countries, evaluated as INTEGRA did: the young people
//! are assessed when they join and at the end of the programme, every mentoring session is
//! logged, and everyone involved rates the programme's instruments. Every number is synthetic,
//! drawn from a fixed seed with designed effects, so the report has something true to find:
//!
//! - autonomy and the social network improve, wellbeing a little; work and education plans improve
//!   in Spagna only;
//! - more mentoring sessions, more change in autonomy (the dose);
//! - more young people have a job or a training place, and fewer live in a community, at the end;
//! - those with low autonomy and a weak network at entry leave the programme more often (attrition
//!   that is not random: the change among those who stayed overstates everyone's);
//! - in the feedback, everyone rates the Mentoring Integration Program well; the young people rate
//!   the Platform for Cooperation lowest, the social workers and educators highest.

pub mod form;

use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::synthetic::{pick, uuid};
use form::{ASSESSMENT_SCALES, COUNTRIES, FEEDBACK_SCALES, ROLES};

/// The seed of the shipped INTEGRA example (8 January 2024: the first young people join).
pub const SEED: u64 = 20240108;

/// Young people joining in each country (in the order of [`COUNTRIES`]).
pub const JOINED: [usize; 3] = [60, 45, 45];

/// The mentors of each country: M01–M08 in Italia, M09–M14 in Grecia, M15–M20 in Spagna.
pub const MENTORS: [std::ops::Range<usize>; 3] = [1..9, 9..15, 15..21];

/// Respondents of the feedback form by role (in the order of [`form::ROLES`]).
pub const FEEDBACK_ROLES: [usize; 5] = [28, 20, 12, 10, 10];

/// Days from the entry to the end-of-programme assessment (about nine months).
const PROGRAMME_DAYS: u32 = 270;

/// The change in the latent level of each scale from entry to the end, without the dose: autonomy
/// gains [`DOSE`] per session on top of this.
fn designed_change(scale: &str, country: usize) -> f64 {
    match scale {
        "autonomia" => 0.0,
        "rete" => 0.5,
        // Work and education plans change only in Spagna (the programme there ran job labs).
        "progetti" if country == 2 => 0.7,
        "progetti" => 0.0,
        "benessere" => 0.2,
        _ => 0.0,
    }
}

/// The change in autonomy per mentoring session (latent units; items are 1–5).
pub const DOSE: f64 = 0.05;

/// The latent level of a scale at entry, by country (0 is the middle of the 1–5 items).
fn entry_level(scale: &str, country: usize) -> f64 {
    match scale {
        "autonomia" => -0.5,
        "rete" if country == 1 => -0.6,
        "rete" => -0.3,
        "progetti" => -0.2,
        _ => 0.0,
    }
}

/// The log-odds of leaving the programme before its end: lower autonomy and a weaker network at
/// entry (each person's own level, in latent units) make it likelier.
fn leaving_logit(own_autonomy: f64, own_network: f64) -> f64 {
    -1.9 - 1.8 * (own_autonomy + own_network)
}

/// The free-text comments of the assessment (never published: a test looks for them in every
/// output).
pub const COMMENTS: &[&str] = &[
    "Il mio mentor mi ha accompagnato in questura per il permesso, da solo non ci sarei riuscito.",
    "Vorrei più ore di italiano e un corso per la patente.",
    "Mi piacerebbe restare in contatto con il mio mentor anche dopo la fine.",
    "All'inizio non capivo a cosa servisse, poi è diventato importante.",
    "Cerco casa da mesi ma nessuno affitta a un ragazzo straniero.",
    "Grazie per avermi ascoltato quando stavo male.",
];

/// The free-text comments of the feedback form (never published either).
pub const FEEDBACK_COMMENTS: &[&str] = &[
    "La piattaforma è utile ma serve una formazione per usarla bene.",
    "Gli incontri tra mentor e educatori dovrebbero essere mensili.",
    "Più tempo per la formazione iniziale dei mentor.",
    "Il programma dovrebbe continuare dopo i 21 anni.",
    "Non ho mai usato la piattaforma, non sapevo che esistesse.",
    "Servono mediatori culturali negli incontri con i servizi.",
];

/// One young person in the programme.
struct Person {
    id: String,
    country: usize,
    age: u32,
    gender: &'static str,
    /// Programme entry, in days since 2024-01-01.
    entry: u32,
    /// Each scale's own level (in the order of [`ASSESSMENT_SCALES`]).
    own: [f64; 4],
    /// The day they left, if they left before the end.
    left: Option<u32>,
    sessions: Vec<(u32, usize, u32)>,
}

/// The civil date of `days` after 2024-01-01 (proleptic Gregorian).
pub fn date(days: u32) -> String {
    // Howard Hinnant's civil_from_days, from the days since 1970-01-01 (2024-01-01 is day 19723).
    let z = i64::from(days) + 19723 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The example's data files.
pub struct Mentoring {
    /// data/assessment.csv: both waves stacked, as KoboToolbox exports them.
    pub assessment: String,
    /// data/sessions.csv: one row per mentoring session.
    pub sessions: String,
    /// data/feedback.csv: the participants' feedback.
    pub feedback: String,
}

/// A Likert answer from a latent level: 1–5, reverse-keyed items turned, a few left blank.
fn answer<R: Rng>(rng: &mut R, theta: f64, reverse: bool, noise: &Normal<f64>) -> String {
    if rng.gen_bool(0.02) {
        return String::new();
    }
    let x = (3.0 + theta + noise.sample(rng)).round().clamp(1.0, 5.0);
    let x = if reverse { 6.0 - x } else { x };
    format!("{x}")
}

/// Writes `rows` (sorted by their first cell, the start time) under `header` as a `;`-separated
/// KoboToolbox export, numbering `_id` from `first_id` and `_index` from 1.
pub fn kobo_csv(header: &[String], mut rows: Vec<Vec<String>>, first_id: u64) -> String {
    rows.sort();
    let id_at = header.iter().position(|h| h == "_id").unwrap_or(0);
    let index_at = header.iter().position(|h| h == "_index").unwrap_or(0);
    let mut out = Vec::new();
    {
        let mut csv = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let _ = csv.write_record(header);
        for (k, mut row) in rows.into_iter().enumerate() {
            row[id_at] = (first_id + k as u64).to_string();
            row[index_at] = (k + 1).to_string();
            let _ = csv.write_record(&row);
        }
        let _ = csv.flush();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The meta cells of a submission made on `day` (in office hours): start, end, and the trailing
/// `_id`, `_uuid`, `_submission_time`, `_validation_status`, `_index` (ids filled by
/// [`kobo_csv`]).
pub fn meta<R: Rng>(rng: &mut R, day: u32) -> ([String; 2], [String; 5]) {
    let d = date(day);
    let hour = rng.gen_range(9..18u32);
    let minutes = rng.gen_range(12..30u32);
    (
        [
            format!("{d}T{hour:02}:00:00.000+01:00"),
            format!("{d}T{hour:02}:{minutes:02}:00.000+01:00"),
        ],
        [
            String::new(),
            uuid(rng),
            format!("{d}T{hour:02}:{:02}:00", minutes + 1),
            String::new(),
            String::new(),
        ],
    )
}

/// Draws the young people, their sessions, their two assessments and the feedback.
pub fn generate(seed: u64) -> Mentoring {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let own = Normal::new(0.0, 0.7).expect("valid normal");
    let change_noise = Normal::new(0.0, 0.25).expect("valid normal");
    let item_noise = Normal::new(0.0, 0.6).expect("valid normal");

    // The young people, their mentors and their sessions.
    let mut people: Vec<Person> = Vec::new();
    for (c, (code, _, _, _)) in COUNTRIES.iter().enumerate() {
        let mut mentors: Vec<usize> = MENTORS[c].clone().cycle().take(JOINED[c]).collect();
        mentors.shuffle(&mut rng);
        for (i, mentor) in mentors.into_iter().enumerate() {
            let own_levels = [0; 4].map(|_| own.sample(&mut rng));
            let leaves =
                rng.gen_bool(1.0 / (1.0 + (-leaving_logit(own_levels[0], own_levels[1])).exp()));
            let entry = rng.gen_range(7..88u32);
            let left = leaves.then(|| entry + rng.gen_range(40..220u32));
            let end = left.unwrap_or(entry + PROGRAMME_DAYS);
            // Sessions: the first after a wait (longest in Grecia), then at the young person's
            // own pace, from under one to three a month.
            let wait = match c {
                1 => rng.gen_range(10..40u32),
                _ => rng.gen_range(3..20u32),
            };
            let pace = rng.gen_range(0.7..3.0f64);
            let mut sessions = Vec::new();
            let mut day = entry + wait;
            while day < end {
                let with = if rng.gen_bool(0.02) {
                    MENTORS[c].start + rng.gen_range(0..MENTORS[c].len())
                } else {
                    mentor
                };
                let minutes: u32 = pick(
                    &mut rng,
                    &[("30", 15), ("45", 25), ("60", 35), ("90", 20), ("120", 5)],
                )
                .parse()
                .unwrap_or(60);
                sessions.push((day, with, minutes));
                day += ((30.0 / pace) * rng.gen_range(0.5..1.5)).round().max(2.0) as u32;
            }
            people.push(Person {
                id: format!("INT-{code}-{:03}", i + 1),
                country: c,
                age: pick(
                    &mut rng,
                    &[
                        ("16", 10),
                        ("17", 25),
                        ("18", 30),
                        ("19", 20),
                        ("20", 10),
                        ("21", 5),
                    ],
                )
                .parse()
                .unwrap_or(18),
                gender: pick(&mut rng, &[("maschio", 78), ("femmina", 20), ("altro", 2)]),
                entry,
                own: own_levels,
                left,
                sessions,
            });
        }
    }

    // The assessment: everyone at entry, those who stayed at the end.
    let assessment_form = form::assessment();
    let header = form::export_header(&assessment_form);
    let supports: Vec<&str> = form::ASSESSMENT_CHOICES
        .iter()
        .filter(|c| c.0 == "sostegno")
        .map(|c| c.1)
        .collect();
    let mut rows = Vec::new();
    for p in &people {
        let at_entry = [0; 4].map(|_| change_noise.sample(&mut rng));
        let change: Vec<f64> = ASSESSMENT_SCALES
            .iter()
            .map(|(scale, _)| {
                designed_change(scale, p.country)
                    + if *scale == "autonomia" {
                        DOSE * p.sessions.len() as f64
                    } else {
                        0.0
                    }
                    + change_noise.sample(&mut rng)
            })
            .collect();
        // Status at entry and its transition to the end.
        let job0 = rng.gen_bool(if p.country == 2 { 0.35 } else { 0.28 });
        let job1 = if job0 {
            rng.gen_bool(0.85)
        } else {
            rng.gen_bool(0.35)
        };
        let home0 = pick(
            &mut rng,
            &[("comunita", 60), ("appartamento", 28), ("casa_propria", 12)],
        );
        let home1 = match home0 {
            "comunita" => pick(
                &mut rng,
                &[("comunita", 55), ("appartamento", 35), ("casa_propria", 10)],
            ),
            "appartamento" => pick(
                &mut rng,
                &[("comunita", 5), ("appartamento", 70), ("casa_propria", 25)],
            ),
            _ => pick(&mut rng, &[("appartamento", 10), ("casa_propria", 90)]),
        };
        let school0 = rng.gen_bool(0.55);
        let school1 = if school0 {
            rng.gen_bool(0.8)
        } else {
            rng.gen_bool(0.25)
        };
        let mut course = pick(
            &mut rng,
            &[
                ("lingua", 35),
                ("scuola", 30),
                ("formazione", 30),
                ("universita", 5),
            ],
        );
        let older = rng.gen_bool(0.75);
        for wave in ["baseline", "follow_up"] {
            let end = wave == "follow_up";
            if end && p.left.is_some() {
                continue;
            }
            let day = if end {
                p.entry + PROGRAMME_DAYS + rng.gen_range(0..14u32)
            } else {
                p.entry + rng.gen_range(0..7u32)
            };
            let (start_end, trailer) = meta(&mut rng, day);
            let in_school = if end { school1 } else { school0 };
            if end && in_school && !school0 {
                course = pick(
                    &mut rng,
                    &[("lingua", 20), ("scuola", 30), ("formazione", 50)],
                );
            }
            let job = if end { job1 } else { job0 };
            let home = if end { home1 } else { home0 };
            let theta: Vec<f64> = ASSESSMENT_SCALES
                .iter()
                .enumerate()
                .map(|(j, (scale, _))| {
                    entry_level(scale, p.country)
                        + p.own[j]
                        + at_entry[j]
                        + if end { change[j] } else { 0.0 }
                })
                .collect();
            let network = theta[1];
            let chosen: Vec<&str> = supports
                .iter()
                .copied()
                .filter(|s| match *s {
                    "mentor" => rng.gen_bool(if end { 0.85 } else { 0.3 }),
                    "educatore" => rng.gen_bool(if end { 0.5 } else { 0.6 }),
                    "amici" => rng.gen_bool((0.4 + 0.25 * network).clamp(0.05, 0.95)),
                    "famiglia" => rng.gen_bool(0.15),
                    "assistente_sociale" => rng.gen_bool(0.5),
                    _ => false,
                })
                .collect();
            let chosen = if chosen.is_empty() {
                vec!["nessuno"]
            } else {
                chosen
            };
            let mut row: Vec<String> = start_end.to_vec();
            row.extend([
                p.id.clone(),
                wave.to_string(),
                COUNTRIES[p.country].0.to_string(),
                (p.age + u32::from(end && older)).to_string(),
                p.gender.to_string(),
                if in_school { "si" } else { "no" }.to_string(),
                if in_school { course } else { "" }.to_string(),
                if job { "si" } else { "no" }.to_string(),
                home.to_string(),
                chosen.join(" "),
            ]);
            for s in &supports {
                row.push(if chosen.contains(s) { "1" } else { "0" }.to_string());
            }
            for (j, (_, items)) in ASSESSMENT_SCALES.iter().enumerate() {
                for (_, reverse) in *items {
                    row.push(answer(&mut rng, theta[j], *reverse, &item_noise));
                }
            }
            row.push(if rng.gen_bool(0.2) {
                COMMENTS[rng.gen_range(0..COMMENTS.len())].to_string()
            } else {
                String::new()
            });
            row.extend(trailer);
            assert_eq!(row.len(), header.len());
            rows.push(row);
        }
    }
    let assessment = kobo_csv(&header, rows, 71_000_000);

    // The session log, by date.
    let mut log: Vec<(u32, &str, usize, u32, u32)> = people
        .iter()
        .flat_map(|p| {
            p.sessions
                .iter()
                .map(move |&(day, mentor, minutes)| (day, p.id.as_str(), mentor, minutes, p.entry))
        })
        .collect();
    log.sort();
    let mut sessions = String::from("person_id,date,mentor,minutes,entry_date\n");
    for (day, id, mentor, minutes, entry) in log {
        sessions.push_str(&format!(
            "{id},{},M{mentor:02},{minutes},{}\n",
            date(day),
            date(entry)
        ));
    }

    // The feedback, at the end of the programme.
    let feedback_form = form::feedback();
    let header = form::export_header(&feedback_form);
    let person = Normal::new(0.0, 0.3).expect("valid normal");
    let per_instrument = Normal::new(0.0, 0.45).expect("valid normal");
    let feedback_noise = Normal::new(0.0, 0.35).expect("valid normal");
    let mut rows = Vec::new();
    for (r, n) in FEEDBACK_ROLES.iter().enumerate() {
        let role = ROLES[r].1;
        for k in 0..*n {
            let country = match role {
                // Each mentor answers once, in their own country.
                "mentor" => MENTORS
                    .iter()
                    .position(|m| m.contains(&(k + 1)))
                    .unwrap_or(0),
                _ => match pick(&mut rng, &[("0", 40), ("1", 30), ("2", 30)]) {
                    "1" => 1,
                    "2" => 2,
                    _ => 0,
                },
            };
            let day = 280 + rng.gen_range(0..40u32);
            let (start_end, trailer) = meta(&mut rng, day);
            let mut row: Vec<String> = start_end.to_vec();
            row.push(role.to_string());
            row.push(COUNTRIES[country].0.to_string());
            // Each respondent's own leniency, their view of each instrument, and each statement's
            // noise.
            let own = person.sample(&mut rng);
            for (_, items) in FEEDBACK_SCALES {
                let view = own + per_instrument.sample(&mut rng);
                for item in items {
                    row.push(answer(
                        &mut rng,
                        view + opinion(role, item),
                        false,
                        &feedback_noise,
                    ));
                }
            }
            row.push(if rng.gen_bool(0.45) {
                FEEDBACK_COMMENTS[rng.gen_range(0..FEEDBACK_COMMENTS.len())].to_string()
            } else {
                String::new()
            });
            row.extend(trailer);
            assert_eq!(row.len(), header.len());
            rows.push(row);
        }
    }
    let feedback = kobo_csv(&header, rows, 72_000_000);
    Mentoring {
        assessment,
        sessions,
        feedback,
    }
}

/// What a role thinks of an instrument (latent, 0 is the middle of the 1–5 items).
fn opinion(role: &str, item: &str) -> f64 {
    let instrument = item.split('_').next().unwrap_or("");
    let usefulness = item.ends_with("utilita");
    let base = match (instrument, role) {
        ("mip", "giovane") => 1.2,
        ("mip", "mentor") => 1.1,
        ("mip", "tutore") => 0.9,
        ("mip", _) => 0.8,
        ("piattaforma", "giovane") => -0.3,
        ("piattaforma", "mentor") => 0.4,
        ("piattaforma", "tutore") => 0.2,
        ("piattaforma", _) => 0.9,
        ("formazione", "mentor") => 1.0,
        ("formazione", "giovane") => 0.3,
        ("formazione", _) => 0.6,
        _ => 0.0,
    };
    // Young people find the platform even less useful than effective (few of them used it).
    base - if usefulness && instrument == "piattaforma" && role == "giovane" {
        0.3
    } else {
        0.0
    }
}

/// instruments/countries.csv: the partner countries as a territory level.
pub fn countries_csv() -> String {
    let mut out = String::from("code,name,name_en,aliases\n");
    for (code, it, en, aliases) in COUNTRIES {
        out.push_str(&format!("{code},{it},{en},{aliases}\n"));
    }
    out
}

/// The example's pseudonym key (synthetic data only: a real study keeps its key apart).
const EXAMPLE_KEY: &str = "capakit-synthetic-integra-example-key-not-for-real-data\n";

/// Writes the mentoring template into `dir`, with its synthetic data.
pub fn write(dir: &Path) -> crate::error::Result<()> {
    use crate::error::Error;
    use crate::report::write_atomic;
    for (path, form) in [
        ("instruments/integra-assessment.xlsx", form::assessment()),
        ("instruments/integra-feedback.xlsx", form::feedback()),
    ] {
        let bytes = form::xlsx(&form)
            .map_err(|e| Error::Usage(format!("could not build the questionnaire: {e}")))?;
        write_atomic(&dir.join(path), &bytes)?;
    }
    write_atomic(
        &dir.join("instruments/countries.csv"),
        countries_csv().as_bytes(),
    )?;
    let m = generate(SEED);
    write_atomic(&dir.join("data/assessment.csv"), m.assessment.as_bytes())?;
    write_atomic(&dir.join("data/sessions.csv"), m.sessions.as_bytes())?;
    write_atomic(&dir.join("data/feedback.csv"), m.feedback.as_bytes())?;
    write_atomic(&dir.join("secrets/pseudonym.key"), EXAMPLE_KEY.as_bytes())?;
    write_atomic(
        &dir.join("analyses/integra.toml"),
        include_bytes!("analyses.toml"),
    )?;
    write_atomic(&dir.join("README.md"), include_bytes!("README.md"))?;
    write_atomic(&dir.join("study.toml"), include_bytes!("study.toml"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_dates() {
        // 2024 is a leap year.
        assert_eq!(date(0), "2024-01-01");
        assert_eq!(date(59), "2024-02-29");
        assert_eq!(date(60), "2024-03-01");
        assert_eq!(date(365), "2024-12-31");
        assert_eq!(date(366), "2025-01-01");
    }

    #[test]
    fn mentoring_data_shaped_as_designed_and_deterministic() {
        let m = generate(SEED);
        let again = generate(SEED);
        assert_eq!(m.assessment, again.assessment);
        assert_eq!(m.sessions, again.sessions);
        assert_eq!(m.feedback, again.feedback);
        let header = form::export_header(&form::assessment());
        let lines: Vec<&str> = m.assessment.lines().collect();
        assert_eq!(lines[0], header.join(";"));
        let wave_at = header.iter().position(|h| h == "profilo/wave").unwrap();
        let waves: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split(';').nth(wave_at).unwrap())
            .collect();
        let baseline = waves.iter().filter(|w| **w == "baseline").count();
        let follow_up = waves.iter().filter(|w| **w == "follow_up").count();
        assert_eq!(baseline, JOINED.iter().sum::<usize>());
        assert!((105..=135).contains(&follow_up), "{follow_up}");
        assert_eq!(
            m.feedback.lines().count() - 1,
            FEEDBACK_ROLES.iter().sum::<usize>()
        );
        // Another seed, other data of the same shape.
        let other = generate(SEED + 1);
        assert_ne!(other.assessment, m.assessment);
        assert_eq!(other.assessment.lines().next(), m.assessment.lines().next());
    }

    #[test]
    fn countries_resolve_from_the_questionnaires_codes() {
        let csv = countries_csv();
        for c in form::ASSESSMENT_CHOICES.iter().filter(|c| c.0 == "paese") {
            assert!(csv.contains(&format!("\n{},{},", c.1, c.2)), "{c:?}");
        }
    }
}
