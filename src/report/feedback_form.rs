//! The feedback form that closes the participatory loop: an XLSForm (deployable on KoboToolbox or
//! ODK) with one block per recommendation of a run — the recommendation in plain words, then
//! "how much do you agree?" and "how important is this for you?" on five-point lists — in every
//! language of the study, so the young people can rate the recommendations that concern them.
//! When the answers come back as a source of the study, the report shows their ratings beside
//! each recommendation (see [`crate::analysis::recommendations`]).

use crate::text::guard;
use rust_xlsxwriter::{Format, XlsxError};
use sha2::{Digest, Sha256};

use crate::analysis::recommendations::{agree_item, importance_item, Recommendation};
use crate::instrument::label_in;
use crate::study::Study;

/// The document title of every feedback form capakit writes (with author "capakit"): how
/// `capakit feedback-form` recognises a file it may overwrite.
const TITLE: &str = "capakit feedback form";

/// Whether `path` is a feedback form capakit wrote: an .xlsx archive whose document properties
/// name capakit as author and the feedback form as title. Anything else (another workbook, a
/// questionnaire, a file that is no archive) is not.
pub fn is_feedback_form(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return false;
    };
    let Ok(core) = zip.by_name("docProps/core.xml") else {
        return false;
    };
    let mut xml = String::new();
    if core.take(64 * 1024).read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.contains(&format!("<dc:title>{TITLE}</dc:title>"))
        && xml.contains("<dc:creator>capakit</dc:creator>")
}

/// Language column names as KoboToolbox writes them.
fn language_name(code: &str) -> String {
    let name = match code {
        "it" => "Italiano",
        "en" => "English",
        "fr" => "Français",
        "es" => "Español",
        "de" => "Deutsch",
        "ar" => "العربية",
        other => other,
    };
    format!("{name} ({code})")
}

/// Words of the form in each language (it and en; other languages get the English ones).
fn words(lang: &str) -> [&'static str; 14] {
    if lang == "it" {
        [
            "Le nostre raccomandazioni: cosa ne pensi?",
            "Dalla ricerca a cui hai partecipato sono nate queste raccomandazioni. Per ognuna dicci quanto sei d'accordo e quanto è importante per te. Le risposte sono anonime.",
            "Dove vivi?",
            "Quanto sei d'accordo?",
            "Quanto è importante per te?",
            "Per niente d'accordo",
            "Poco d'accordo",
            "Né d'accordo né in disaccordo",
            "Abbastanza d'accordo",
            "Molto d'accordo",
            "Per niente importante",
            "Poco importante",
            "Abbastanza importante",
            "Molto importante",
        ]
    } else {
        [
            "Our recommendations: what do you think?",
            "These recommendations come from the research you took part in. For each one, tell us how much you agree and how important it is for you. Your answers are anonymous.",
            "Where do you live?",
            "How much do you agree?",
            "How important is this for you?",
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
            "Not important at all",
            "Slightly important",
            "Quite important",
            "Very important",
        ]
    }
}

/// One survey row: type, name, a label per language (`None`: no label), required.
struct Row {
    kind: String,
    name: String,
    labels: Vec<Option<String>>,
    required: bool,
}

/// The XLSForm as .xlsx bytes: one block per recommendation, in the order of the report.
/// Deterministic: the version is a digest of the form's content, the dates are fixed.
pub fn feedback_form(study: &Study, recs: &[Recommendation]) -> Result<Vec<u8>, XlsxError> {
    let langs = &study.languages;
    let w: Vec<[&str; 14]> = langs.iter().map(|l| words(l)).collect();
    let per_lang =
        |k: usize| -> Vec<Option<String>> { w.iter().map(|x| Some(x[k].to_string())).collect() };
    let mut rows = vec![
        Row {
            kind: "note".into(),
            name: "intro".into(),
            labels: per_lang(1),
            required: false,
        },
        Row {
            kind: "select_one territorio".into(),
            name: "territory".into(),
            labels: per_lang(2),
            required: true,
        },
    ];
    for r in recs {
        let text = |lang: &str| -> Option<String> {
            let easy = label_in(&r.easy, lang, "", "");
            let t = if easy.is_empty() {
                label_in(&r.text, lang, "en", &r.id)
            } else {
                easy
            };
            Some(t.to_string())
        };
        let group = format!("rec_{}", crate::text::slug(&r.id).replace('-', "_"));
        rows.push(Row {
            kind: "begin_group".into(),
            name: group.clone(),
            labels: langs.iter().map(|_| None).collect(),
            required: false,
        });
        rows.push(Row {
            kind: "note".into(),
            name: format!("{group}_text"),
            labels: langs.iter().map(|l| text(l)).collect(),
            required: false,
        });
        rows.push(Row {
            kind: "select_one accordo5".into(),
            name: agree_item(&r.id),
            labels: per_lang(3),
            required: false,
        });
        rows.push(Row {
            kind: "select_one importanza4".into(),
            name: importance_item(&r.id),
            labels: per_lang(4),
            required: false,
        });
        rows.push(Row {
            kind: "end_group".into(),
            name: String::new(),
            labels: langs.iter().map(|_| None).collect(),
            required: false,
        });
    }
    let mut choices: Vec<(String, String, Vec<String>)> = Vec::new();
    for t in study.territories() {
        choices.push((
            "territorio".into(),
            t.name.clone(),
            langs.iter().map(|_| t.name.clone()).collect(),
        ));
    }
    for k in 0..5 {
        choices.push((
            "accordo5".into(),
            (k + 1).to_string(),
            w.iter().map(|x| x[5 + k].to_string()).collect(),
        ));
    }
    for k in 0..4 {
        choices.push((
            "importanza4".into(),
            (k + 1).to_string(),
            w.iter().map(|x| x[10 + k].to_string()).collect(),
        ));
    }
    // The version changes whenever the recommendations or their words do.
    let mut digest = Sha256::new();
    for r in &rows {
        digest.update(r.name.as_bytes());
        for l in r.labels.iter().flatten() {
            digest.update(l.as_bytes());
        }
    }
    let version = format!("{:x}", digest.finalize())[..10].to_string();

    let mut book = super::workbook::new_book(TITLE)?;
    let bold = Format::new().set_bold();
    let label_headers: Vec<String> = langs
        .iter()
        .map(|l| format!("label::{}", language_name(l)))
        .collect();

    let sheet = book.add_worksheet().set_name("survey")?;
    let mut header = vec!["type".to_string(), "name".into()];
    header.extend(label_headers.iter().cloned());
    header.push("required".into());
    for (j, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, guard(&r.kind).as_ref())?;
        if !r.name.is_empty() {
            sheet.write_string(row, 1, guard(&r.name).as_ref())?;
        }
        for (j, l) in r.labels.iter().enumerate() {
            if let Some(l) = l {
                sheet.write_string(row, 2 + j as u16, guard(l).as_ref())?;
            }
        }
        if r.required {
            sheet.write_string(row, 2 + langs.len() as u16, "yes")?;
        }
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 34)?;
    for j in 0..langs.len() {
        sheet.set_column_width(2 + j as u16, 60)?;
    }

    let sheet = book.add_worksheet().set_name("choices")?;
    let mut header = vec!["list_name".to_string(), "name".into()];
    header.extend(label_headers.iter().cloned());
    for (j, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, h, &bold)?;
    }
    for (i, (list, name, labels)) in choices.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, guard(list).as_ref())?;
        sheet.write_string(row, 1, guard(name).as_ref())?;
        for (j, l) in labels.iter().enumerate() {
            sheet.write_string(row, 2 + j as u16, guard(l).as_ref())?;
        }
    }

    let sheet = book.add_worksheet().set_name("settings")?;
    let title = w[0][0];
    let form_id = format!(
        "capakit_feedback_{}",
        crate::text::slug(study.title.get(&study.default_language)).replace('-', "_")
    );
    let form_id: String = form_id.chars().take(60).collect();
    for (j, (h, v)) in [
        ("form_title", title.to_string()),
        ("form_id", form_id),
        ("version", version),
        ("default_language", language_name(&study.default_language)),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
        sheet.write_string(1, j as u16, guard(v).as_ref())?;
    }
    book.save_to_buffer()
}
