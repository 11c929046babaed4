//! The research team's respondent-level file, written only by `run --internal`: one row per
//! respondent with a keyed pseudonym (no id at all without a key), the territory, the wave (in a
//! study with waves) and every scale
//! score, for those who go on in R or SPSS. Cells are neutralised against formula injection;
//! separator and decimal mark follow the report's language (`;` and `,` for Italian Excel).

use crate::analysis::scale_scores;
use crate::check::Dataset;

use super::cells::{csv_line, Field};
use super::pseudonym::Pseudonymiser;
use super::OutputFile;

pub fn scores_csv(datasets: &[Dataset], pseudo: Option<&Pseudonymiser>, lang: &str) -> OutputFile {
    let (sep, comma) = if lang == "it" {
        (';', true)
    } else {
        (',', false)
    };
    let mut scales: Vec<String> = Vec::new();
    for d in datasets {
        for s in &d.instrument.scales {
            if !scales.contains(&s.name) {
                scales.push(s.name.clone());
            }
        }
    }
    let mut header: Vec<&str> = vec!["source"];
    if pseudo.is_some() {
        header.push("pseudonym");
    }
    header.push("territory");
    // With waves, each row's wave: the same pseudonym in two waves is the same young person.
    let with_waves = datasets.iter().any(|d| d.wave_column.is_some());
    if with_waves {
        header.push("wave");
    }
    header.extend(scales.iter().map(String::as_str));
    let fields: Vec<Field> = header.iter().map(|h| Field::Text(h)).collect();
    let mut out = csv_line(&fields, sep, comma);
    for d in datasets {
        let columns: Vec<Option<Vec<Option<f64>>>> = scales
            .iter()
            .map(|name| d.instrument.scale(name).map(|s| scale_scores(d, s)))
            .collect();
        let ids = d.id_column.as_deref().and_then(|c| d.texts(c));
        let territories = d.territories();
        let waves = d.wave_column.as_deref().and_then(|c| d.texts(c));
        for i in 0..d.height() {
            let pseudonym = match (pseudo, &ids) {
                (Some(p), Some(ids)) => ids[i].map(|id| p.of(id)),
                _ => None,
            };
            let mut row: Vec<Field> = vec![Field::Text(&d.source)];
            if pseudo.is_some() {
                row.push(pseudonym.as_deref().map_or(Field::Empty, Field::Text));
            }
            row.push(territories[i].map_or(Field::Empty, Field::Text));
            if with_waves {
                let wave = waves.as_ref().and_then(|w| w[i]);
                row.push(wave.map_or(Field::Empty, Field::Text));
            }
            let numbers: Vec<Option<f64>> = columns
                .iter()
                .map(|c| c.as_ref().and_then(|v| v[i]))
                .collect();
            row.extend(
                numbers
                    .iter()
                    .map(|v| v.map_or(Field::Empty, |x| Field::Number((x * 1e6).round() / 1e6))),
            );
            out.push_str(&csv_line(&row, sep, comma));
        }
    }
    OutputFile {
        path: "scores.csv".into(),
        bytes: out.into_bytes(),
    }
}
