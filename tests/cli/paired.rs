//! Before and after on the same people (`kind = "paired"`): a stacked two-wave export with an id
//! column, one file per wave, `where` subsets below k, independent-group tests refused on paired
//! waves, the session log's findings, and an attacker on the counts that went up and down.

use std::path::{Path, PathBuf};

use crate::common::{capakit, repo, run_study};

/// The example's answers (its deliberate duplicate id left out), as rows of fields, header first.
fn example_rows() -> Vec<Vec<String>> {
    let csv = std::fs::read_to_string(
        repo().join("examples/caring-prato-firenze/data/risposte-care-leavers.csv"),
    )
    .unwrap();
    let mut rows: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect();
    let id = rows[0]
        .iter()
        .position(|h| h.ends_with("respondent_id"))
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    let header = rows.remove(0);
    rows.retain(|r| seen.insert(r[id].clone()));
    rows.insert(0, header);
    rows
}

/// The follow-up of the example's people: those `stays` keeps, each education answer one point
/// higher (at most 5) for every other person.
fn follow_up(rows: &[Vec<String>], stays: impl Fn(usize, &[String]) -> bool) -> Vec<Vec<String>> {
    let edu: Vec<usize> = (0..rows[0].len())
        .filter(|&j| rows[0][j].contains("/edu_"))
        .collect();
    rows[1..]
        .iter()
        .enumerate()
        .filter(|(i, r)| stays(*i, r))
        .map(|(i, r)| {
            let mut r = r.clone();
            if i % 2 == 0 {
                for &j in &edu {
                    if let Ok(x) = r[j].parse::<u32>() {
                        r[j] = (x + 1).min(5).to_string();
                    }
                }
            }
            r
        })
        .collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let text: Vec<String> = rows.iter().map(|r| r.join(";")).collect();
    std::fs::write(path, text.join("\n") + "\n").unwrap();
}

const WAVES: &str = r#"
[[waves]]
id = "baseline"
label = { it = "Ingresso", en = "Baseline" }
date = "2023-01"

[[waves]]
id = "follow_up"
label = { it = "Fine programma", en = "Follow-up" }
date = "2024-01"
"#;

/// A study in `dir` with one stacked export of both waves (a `wave` column); `stays` picks who
/// answers the follow-up. `analyses` is its analyses file.
fn stacked(dir: &Path, stays: impl Fn(usize, &[String]) -> bool, analyses: &str) -> PathBuf {
    let rows = example_rows();
    let mut out = vec![[rows[0].clone(), vec!["wave".to_string()]].concat()];
    for r in &rows[1..] {
        out.push([r.clone(), vec!["baseline".into()]].concat());
    }
    for r in follow_up(&rows, stays) {
        out.push([r, vec!["follow_up".into()]].concat());
    }
    std::fs::create_dir_all(dir.join("data")).unwrap();
    write_csv(&dir.join("data/answers.csv"), &out);
    std::fs::write(dir.join("analyses.toml"), analyses).unwrap();
    std::fs::write(
        dir.join("study.toml"),
        format!(
            r#"title = {{ it = "Valutazione del mentoring", en = "Mentoring evaluation" }}
languages = ["it", "en"]
analyses = ["analyses.toml"]

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"
aliases = ["Florence", "FI"]
{WAVES}
[[sources]]
name = "valutazione"
path = "data/answers.csv"
instrument = "{}"
id_column = "respondent_id"
territory_column = "territory"
wave_column = "wave"
"#,
            repo()
                .join("instruments/care-leavers-capabilities.xlsx")
                .display()
        ),
    )
    .unwrap();
    dir.to_path_buf()
}

const PAIRED: &str = r#"
[[analysis]]
id = "prima-dopo"
kind = "paired"
title = { it = "Prima e dopo", en = "Before and after" }
variables = ["istruzione", "edu_1", "autonomy_tutor", "housing"]
by = "territory"
"#;

fn analysis<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no analysis {id}"))
}

/// Every fifth person leaves.
fn most_stay(i: usize, _: &[String]) -> bool {
    i % 5 != 4
}

#[test]
fn a_stacked_two_wave_export_with_an_id_column_gives_pairs_and_no_duplicate_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let study = stacked(tmp.path(), most_stay, PAIRED);
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!said.contains("duplicate-id"), "{said}");
    let r = run_study(&study, &tmp.path().join("out"), false);
    let a = analysis(&r, "prima-dopo");
    let n = example_rows().len() - 1;
    let stay = (0..n).filter(|i| i % 5 != 4).count() as u64;
    let total = &a["seen"][0];
    assert_eq!(total["both"], stay);
    assert_eq!(total["before_only"], n as u64 - stay);
    assert_eq!(total["after_only"], 0);
    // Every other person who stayed answers the education items one point higher: the scale's
    // change holds (a reverse-keyed item brings a few scores down).
    let row = a["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject"] == "istruzione" && x["group"].is_null())
        .unwrap();
    assert!(row["diff"].as_f64().unwrap() > 0.0, "{row}");
    assert_eq!(row["holds"], true);
    // A few went down (a reverse-keyed item): fewer than k, so neither share is shown, nor the
    // signed-rank test (its W and r would give back how many changed); the paired t-test is.
    // (tests/cli/mentoring.rs finds the signed-rank test where every count is at least k.)
    assert!(row["down"].is_null() && row["up"].is_null(), "{row}");
    assert!(row["wilcoxon"].is_null(), "{row}");
    assert_eq!(row["withheld"], "ranks");
    assert_eq!(row["test"], "t");
    assert_eq!(row["p"], row["t"]["p"]);
    // A yes/no that did not change has no test, and says nothing is withheld.
    let tutor = a["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject"] == "autonomy_tutor" && x["group"].is_null())
        .unwrap();
    assert_eq!(tutor["diff"], 0.0);
    assert!(tutor["mcnemar"].is_null() && tutor["withheld"].is_null());
    // The report counts people and answers as the command line does.
    let html = std::fs::read_to_string(tmp.path().join("out/report.html")).unwrap();
    assert!(html.contains("Prima e dopo"));
    assert!(!html.contains("{before}") && !html.contains("{n}"));
    let md = std::fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert!(!md.contains("\\{"), "a placeholder left in report.md");
}

#[test]
fn two_sources_one_per_wave_are_both_analysed_and_counted_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let study = stacked(tmp.path(), most_stay, PAIRED);
    // The same answers as two files of one source, each naming its wave.
    let rows = example_rows();
    std::fs::create_dir_all(study.join("data")).unwrap();
    write_csv(&study.join("data/baseline.csv"), &rows);
    let mut later = vec![rows[0].clone()];
    later.extend(follow_up(&rows, most_stay));
    write_csv(&study.join("data/follow-up.csv"), &later);
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let source = &toml[toml.find("[[sources]]").unwrap()..];
    let per_wave = source
        .replace("data/answers.csv", "data/baseline.csv")
        .replace("wave_column = \"wave\"", "wave = \"baseline\"")
        + &source
            .replace("data/answers.csv", "data/follow-up.csv")
            .replace("wave_column = \"wave\"", "wave = \"follow_up\"");
    std::fs::write(study.join("study.toml"), toml.replace(source, &per_wave)).unwrap();
    let out = capakit()
        .arg("run")
        .arg(&study)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    let n = rows.len() - 1;
    let stay = (0..n).filter(|i| i % 5 != 4).count();
    assert!(
        said.contains(&format!("{} answers from {n} people in 2 waves", n + stay)),
        "{said}"
    );
    let r: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("out/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(r["sources"][0]["n"], n + stay);
    assert_eq!(r["sources"][0]["people"], n);
    assert_eq!(analysis(&r, "prima-dopo")["seen"][0]["both"], stay);
}

#[test]
fn a_subset_below_k_is_not_run_and_the_report_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let analyses = format!(
        "{PAIRED}\n[[analysis]]\nid = \"pochi\"\nkind = \"scales\"\ntitle = {{ it = \"Pochi\", en = \"Few\" }}\nwhere = {{ gender = \"altro\", territory = \"Prato\", wave = \"follow_up\" }}\n"
    );
    let study = stacked(tmp.path(), most_stay, &analyses);
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("analysis 'pochi' is not run: its subset (gender = altro; territory = Prato; wave = follow_up) has fewer than 5 respondents"),
        "{said}"
    );
    let r = run_study(&study, &tmp.path().join("out"), false);
    assert!(r["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["id"] != "pochi"));
    assert_eq!(r["not_run"][0]["id"], "pochi");
    let md = std::fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert!(md.contains("## Pochi"), "{md}");
    assert!(md.contains("ha meno di 5 rispondenti"), "{md}");
}

#[test]
fn independent_group_tests_on_waves_of_the_same_people_are_refused_at_the_by() {
    let tmp = tempfile::tempdir().unwrap();
    let study = stacked(
        tmp.path(),
        most_stay,
        "[[analysis]]\nid = \"cmp\"\nkind = \"compare\"\nby = \"wave\"\n",
    );
    let out = capakit()
        .arg("run")
        .arg(&study)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("analyses.toml, line 4, column 6"), "{err}");
    assert!(err.contains("hold the same people"), "{err}");
    assert!(err.contains("kind = \"paired\""), "{err}");
}

#[test]
fn the_session_log_is_checked_at_file_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let study = stacked(
        tmp.path(),
        most_stay,
        &format!("{PAIRED}sessions = \"sessioni\"\n"),
    );
    std::fs::write(
        study.join("data/sessions.csv"),
        "person_id,date,mentor,minutes,entry_date\nCL-FI-038,2023-02-01,M1,60,2023-01-10\nCL-FI-038,31/02/2023,M1,60,2023-01-10\nCL-FI-038,2023-03-01,M1,-5,2023-01-10\n,2023-03-01,M1,30,\nCL-FI-038,2023-01-02,M1,30,2023-01-10\n",
    )
    .unwrap();
    crate::common::append_to_study(
        &study,
        "[[sources]]\nname = \"sessioni\"\nkind = \"sessions\"\npath = \"data/sessions.csv\"\nperson_column = \"person_id\"\ndate_column = \"date\"\nmentor_column = \"mentor\"\nminutes_column = \"minutes\"\nentry_column = \"entry_date\"\n",
    );
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "error[sessions-date]: data/sessions.csv, row 3, column B (date): \"31/02/2023\" is not a date",
        "error[sessions-minutes]: data/sessions.csv, row 4, column D (minutes): \"-5\" is not a number of minutes above zero",
        "error[sessions-person]: data/sessions.csv, row 5, column A (person_id): a session without a person",
        "warning[sessions-before-entry]: data/sessions.csv, row 6, column B (date)",
    ] {
        assert!(said.contains(expected), "{expected}\n{said}");
    }
    assert_eq!(out.status.code(), Some(1));
    // A sessions-only key on a survey source is refused at its line.
    crate::common::replace_in_study(
        &study,
        "wave_column = \"wave\"",
        "wave_column = \"wave\"\nperson_column = \"x\"",
    );
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("study.toml, line 29, column 17: `person_column` belongs to a source of kind \"sessions\""), "{err}");
}

#[test]
fn attacker_the_total_minus_the_groups_shown_gives_back_no_small_count() {
    // Prato's few who went down on an item are hidden; the whole sample's count is published, so
    // a second group (Firenze) is hidden with it, and no published W or r gives the counts back.
    let tmp = tempfile::tempdir().unwrap();
    let study = stacked(tmp.path(), most_stay, PAIRED);
    let r = run_study(&study, &tmp.path().join("out"), false);
    let truth = run_study(&study, &tmp.path().join("internal"), true);
    let a = analysis(&r, "prima-dopo");
    let t = analysis(&truth, "prima-dopo");
    let rows = a["rows"].as_array().unwrap();
    let k = 5.0;
    let mut attacked = 0;
    for v in ["istruzione", "edu_1", "autonomy_tutor"] {
        let of = |rows: &[serde_json::Value], g: Option<&str>| {
            rows.iter()
                .find(|x| x["subject"] == v && x["group"].as_str() == g)
                .cloned()
                .unwrap()
        };
        let truth_rows = t["rows"].as_array().unwrap();
        for key in ["up", "down"] {
            // Each count as published: share × n / 100 (None when hidden).
            let count = |x: &serde_json::Value| -> Option<f64> {
                Some((x[key].as_f64()? * x["n"].as_f64()? / 100.0).round())
            };
            let total = count(&of(rows, None));
            let groups: Vec<Option<f64>> = ["Prato", "Firenze"]
                .iter()
                .map(|g| count(&of(rows, Some(g))))
                .collect();
            let hidden: Vec<usize> = (0..2).filter(|&i| groups[i].is_none()).collect();
            // One hidden group beside a published total would be the total minus the other.
            if let (Some(total), [i]) = (total, hidden.as_slice()) {
                let other: f64 = groups.iter().flatten().sum();
                let got = total - other;
                let real = count(&of(truth_rows, Some(["Prato", "Firenze"][*i]))).unwrap();
                assert!(
                    got == real && (got == 0.0 || got >= k),
                    "{v} {key}: {got} recovered"
                );
            }
            attacked += 1;
        }
        // No row hides its moves yet publishes the signed-rank test.
        for x in rows.iter().filter(|x| x["subject"] == v) {
            if x["up"].is_null() && x["n"].as_u64().is_some_and(|n| n >= 10) {
                assert!(x["wilcoxon"].is_null(), "{x}");
            }
        }
    }
    assert_eq!(attacked, 6);
    // Something was hidden, in both groups together: else this attacks nothing.
    let hidden_groups = rows
        .iter()
        .filter(|x| x["group"].is_string() && x["measure"] != "categories" && x["up"].is_null())
        .count();
    assert!(hidden_groups >= 2, "{rows:?}");
}

#[test]
fn rules_test_a_change_and_skip_an_analysis_that_was_not_run() {
    let tmp = tempfile::tempdir().unwrap();
    let analyses = format!(
        r#"{PAIRED}
[[analysis]]
id = "pochi"
kind = "scales"
where = {{ gender = "altro", territory = "Prato", wave = "follow_up" }}

[[analysis]]
id = "raccomandazioni"
kind = "recommendations"

[[analysis.rules]]
id = "keep-education"
actor = "social_services"
priority = "medium"
when = {{ analysis = "prima-dopo", variable = "istruzione", change_above = 0.05 }}
text.it = "Continuare: {{value}}."
text.en = "Keep going: {{value}}."

[[analysis.rules]]
id = "few"
actor = "region"
priority = "low"
when = {{ analysis = "pochi", scale = "istruzione", mean_below = 5 }}
text.it = "Mai."
text.en = "Never."
"#
    );
    let study = stacked(tmp.path(), most_stay, &analyses);
    let r = run_study(&study, &tmp.path().join("out"), false);
    let rec = analysis(&r, "raccomandazioni");
    let fired: Vec<&str> = rec["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(fired, ["keep-education"], "{rec}");
    let skipped = &rec["not_triggered"][0];
    assert_eq!(skipped["id"], "few");
    assert!(skipped["evidence"].as_array().unwrap().is_empty());
    assert_eq!(r["not_run"][0]["id"], "pochi");
}
