//! Forgiving where it is safe (issue 19, item 7): numbers and words users would otherwise retype.
//! TRUE/FALSE, yes/no and sì/no read as 0/1; numeric group labels in numeric order; a negative
//! alpha that names the items going against the rest; Fleiss' kappa on the units every coder
//! coded. (Rounded capability weights are in capability.rs.)

use serde_json::Value;

use crate::common::{
    self, analysis_of_kind, check, csv_study, replace_in_study, run_in, run_study, stats_fails,
    stats_json, HEADER,
};

fn close(v: &Value, want: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!(
        (x - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{x} vs {want}"
    );
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The deprivations of Alkire & Foster (2011, §3) written as words, in every form people type
/// or Excel exports: the published H = 1/2, A = 3/4, M0 = 3/8 at k = 1/2.
#[test]
fn true_false_yes_no_columns_are_read_as_deprivations() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "words.csv",
        "person,d_income,d_schooling,d_malnourished,d_water\n\
         a,FALSE,False,0,no\n\
         b,no,TRUE,NO,True\n\
         c,Sì,yes,si,1\n\
         d,falso,vero,No,false\n",
    );
    let r = stats_json(&[
        "capability",
        &csv,
        "--indicators",
        "d_income,d_schooling,d_malnourished,d_water",
        "--k",
        "1/2",
    ]);
    close(&r["H"], 0.5);
    close(&r["A"], 0.75);
    close(&r["M0"], 0.375);
    close(&r["indicators"][1]["uncensored_headcount"], 0.75);
    // Anything else stays an error, with its place.
    let bad = write(dir.path(), "bad.csv", "person,d_income\na,forse\nb,1\n");
    let e = stats_fails(&["capability", &bad, "--indicators", "d_income", "--k", "1"]);
    assert!(
        e.contains("row 2") && e.contains("\"forse\" is not 0 or 1"),
        "{e}"
    );
}

/// The 0/1 columns of a select_multiple question accept the same words; others stay an error.
#[test]
fn select_multiple_option_columns_read_true_false_and_si_no() {
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(
        dir.path(),
        &format!(
            "{HEADER};support/amici;support/tutor\n\
             CL-1;Prato;18;affido;1;2;3;Si;FALSE\n\
             CL-2;Prato;18;affido;1;2;3;vero;No\n\
             CL-3;Prato;18;affido;1;2;3;forse;0\n"
        ),
    );
    let (_, out, err) = check(&study);
    assert!(!err.contains("panicked"), "{err}");
    let not_0_1: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("value-not-0-1"))
        .collect();
    assert_eq!(not_0_1.len(), 1, "{out}");
    assert!(
        not_0_1[0].contains("row 4, column H (support/amici): \"forse\""),
        "{out}"
    );
}

/// Groups named by numbers come in numeric order (1, 2, 10, 11), not as text (1, 10, 11, 2),
/// in `stats` and in a study's analyses; mixed names keep the text order.
#[test]
fn numeric_group_labels_sort_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("g,x,d\n");
    for (i, g) in ["10", "2", "11", "1"].iter().cycle().take(16).enumerate() {
        csv.push_str(&format!("{g},{},{}\n", i % 5, i % 2));
    }
    let path = write(dir.path(), "groups.csv", &csv);
    let k = stats_json(&["kruskal", &path, "--var", "x", "--by", "g"]);
    let names: Vec<&str> = k["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1", "2", "10", "11"]);
    let c = stats_json(&[
        "capability",
        &path,
        "--indicators",
        "d",
        "--k",
        "1",
        "--by",
        "g",
    ]);
    let names: Vec<&str> = c["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1", "2", "10", "11"]);
    // Mixed names: as text, as before.
    let mixed = write(dir.path(), "mixed.csv", &csv.replace("\n2,", "\nB,"));
    let k = stats_json(&["kruskal", &mixed, "--var", "x", "--by", "g"]);
    let names: Vec<&str> = k["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1", "10", "11", "B"]);

    // A study grouped by years in care (an integer question, no choice list): 2, 9, 10, 11.
    let mut rows = String::new();
    for (i, y) in ["10", "2", "11", "9"].iter().cycle().take(24).enumerate() {
        let t = if i % 2 == 0 { "Prato" } else { "Firenze" };
        let setting = if i % 3 == 0 { "comunita" } else { "affido" };
        rows.push_str(&format!("CL-{i};{t};18;{setting};1;2;3;{y}\n"));
    }
    let study_dir = dir.path().join("study");
    std::fs::create_dir_all(&study_dir).unwrap();
    let study = csv_study(&study_dir, &format!("{HEADER};years_in_care\n{rows}"));
    let analyses = write(
        &study_dir,
        "by-years.toml",
        "[[analysis]]\nid = \"years\"\nkind = \"crosstab\"\nvariables = [\"care_setting\"]\nby = \"years_in_care\"\n",
    );
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let shared = toml
        .lines()
        .find(|l| l.starts_with("analyses = "))
        .unwrap()
        .to_string();
    replace_in_study(&study, &shared, &format!("analyses = [\"{analyses}\"]"));
    let r = run_study(&study, &dir.path().join("out"), false);
    let groups = &analysis_of_kind(&r, "crosstab")["groups"];
    assert_eq!(
        groups,
        &serde_json::json!(["2", "9", "10", "11"]),
        "{groups}"
    );
}

/// `stats alpha` on a scale with one item written against the others names it and says how to
/// score it. Reference: R 4.2.2, psych 2.2.9, `alpha(d, check.keys=FALSE)` on these columns:
/// raw_alpha -0.1829457364341085, r.drop of c -0.89824070473140083 (the only negative one).
#[test]
fn a_negative_alpha_names_the_items_against_the_rest_in_stats() {
    let dir = tempfile::tempdir().unwrap();
    let a = [1, 2, 3, 4, 5, 2, 3, 4, 5, 1, 4, 3];
    let b = [2, 2, 3, 5, 4, 1, 3, 5, 4, 2, 4, 3];
    let c = [5, 4, 3, 2, 1, 4, 2, 2, 1, 5, 2, 4];
    let d = [1, 3, 3, 4, 4, 2, 2, 5, 5, 1, 3, 3];
    let mut csv = String::from("a,b,c,d\n");
    for i in 0..12 {
        csv.push_str(&format!("{},{},{},{}\n", a[i], b[i], c[i], d[i]));
    }
    let path = write(dir.path(), "alpha.csv", &csv);
    let r = stats_json(&["alpha", &path, "--items", "a,b,c,d"]);
    close(&r["raw_alpha"], -0.1829457364341085);
    close(&r["items"][2]["r_drop"], -0.8982407047314008);
    assert_eq!(r["against_the_rest"], serde_json::json!(["c"]));
    let warnings = r["warnings"].to_string();
    assert!(
        warnings.contains("c go against the other items")
            && warnings.contains("probably reverse-keyed: score them reversed with --reverse c"),
        "{warnings}"
    );
    // Scored reversed, the scale holds together: nothing to say.
    let r = stats_json(&[
        "alpha",
        &path,
        "--items",
        "a,b,c,d",
        "--reverse",
        "c",
        "--min",
        "1",
        "--max",
        "5",
    ]);
    assert!(r["raw_alpha"].as_f64().unwrap() > 0.0);
    assert_eq!(r["against_the_rest"], serde_json::json!([]));
}

/// The istruzione scale (edu_1, edu_2, edu_3 reverse-keyed) with edu_1 written against the
/// others: the scales chapter names it and tells how to declare it, in both languages; hidden
/// when the scale's complete answers are fewer than twice the minimum cell size. Reference: R
/// 4.2.2, psych 2.2.9, `alpha(data.frame(edu_1=e1, edu_2=e2, edu_3=6-e3), check.keys=FALSE)` →
/// raw_alpha -0.23895094706168041, r.drop -0.50487909238482120 0.22307290249879724
/// 0.38472149074207712.
#[test]
fn a_negative_alpha_gets_a_hint_in_the_report() {
    let e1 = [4, 4, 2, 1, 3, 2, 1, 1, 3, 5, 4, 2, 5, 1, 5, 1, 3, 5, 2, 1];
    let e2 = [1, 2, 3, 4, 5, 2, 3, 4, 5, 1, 4, 3, 2, 5, 1, 3, 4, 2, 5, 3];
    let e3 = [5, 5, 2, 3, 1, 4, 4, 3, 1, 5, 3, 3, 3, 1, 4, 2, 1, 4, 1, 3];
    let mut rows = String::new();
    for i in 0..20 {
        let t = if i % 2 == 0 { "Prato" } else { "Firenze" };
        rows.push_str(&format!(
            "CL-{i};{t};18;affido;{};{};{}\n",
            e1[i], e2[i], e3[i]
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(dir.path(), &format!("{HEADER}\n{rows}"));
    let r = run_study(&study, &dir.path().join("out"), false);
    let scales = analysis_of_kind(&r, "scales");
    let istruzione = scales["scales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scale"] == "istruzione")
        .unwrap();
    close(&istruzione["alpha"]["raw_alpha"], -0.2389509470616804);
    close(
        &istruzione["alpha"]["items"][0]["r_drop"],
        -0.5048790923848212,
    );
    close(
        &istruzione["alpha"]["items"][1]["r_drop"],
        0.22307290249879724,
    );
    close(
        &istruzione["alpha"]["items"][2]["r_drop"],
        0.3847214907420771,
    );
    assert_eq!(istruzione["against_the_rest"], serde_json::json!(["edu_1"]));
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("alfa è negativo (−0,24): edu_1 vanno contro le altre frasi")
            && html.contains("scrivi yes nella colonna reverse per edu_1"),
        "no Italian hint"
    );
    run_in(&study, &dir.path().join("en"), "en");
    let html = std::fs::read_to_string(dir.path().join("en/report.html")).unwrap();
    assert!(
        html.contains("alpha is negative (−0.24): edu_1 go against the other statements")
            && html.contains("write yes in the reverse column for edu_1"),
        "no English hint"
    );
    // With a minimum cell size of 11, 20 complete answers are fewer than 2 × 11: alpha is still
    // shown (20 ≥ 11), the item–rest correlations are not named.
    common::append_to_study(&study, "[disclosure]\nmin_cell = 11\n");
    let r = run_study(&study, &dir.path().join("k11"), false);
    let scales = analysis_of_kind(&r, "scales");
    let istruzione = scales["scales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scale"] == "istruzione")
        .unwrap();
    assert!(istruzione["alpha"]["raw_alpha"].is_number());
    assert!(istruzione.get("against_the_rest").is_none(), "{istruzione}");
    let html = std::fs::read_to_string(dir.path().join("k11/report.html")).unwrap();
    assert!(!html.contains("alpha-negative"));
}

/// CarINg's focus groups with a third coder on two of the four transcripts: Fleiss' kappa on the
/// units all three coded, the others counted as left out, in results.json and in the report's
/// agreement section in both languages. (The coefficient itself is tested against statsmodels
/// in src/stats/agreement.rs and in stats.rs.)
#[test]
fn fleiss_kappa_on_the_units_every_coder_coded() {
    let dir = tempfile::tempdir().unwrap();
    common::example_copy(dir.path());
    let coding = std::fs::read_to_string(
        common::repo().join("examples/caring-prato-firenze/data/focus-groups-coding.csv"),
    )
    .unwrap();
    let mut out = coding.clone();
    for line in coding.lines() {
        if (line.starts_with("PO-P2P-1;") || line.starts_with("FI-P2P-1;"))
            && line.contains(";coder_a;")
        {
            out.push_str(&line.replace(";coder_a;", ";coder_c;"));
            out.push('\n');
        }
    }
    std::fs::write(dir.path().join("data/coding.csv"), out).unwrap();
    let shipped = format!(
        "{}/examples/caring-prato-firenze/data/focus-groups-coding.csv",
        common::repo().display()
    );
    replace_in_study(dir.path(), &shipped, "data/coding.csv");
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let codes = analysis_of_kind(&r, "codes");
    let overall = &codes["agreement"]["overall"];
    assert_eq!(codes["agreement"]["coders"].as_array().unwrap().len(), 3);
    // The units of the two transcripts coder_c did not code, of all those coded by two or more;
    // `overall` stacks every code's units, so it counts each of them once per code.
    let left_out = codes["agreement"]["fleiss_units_left_out"]
        .as_u64()
        .unwrap();
    let units = codes["agreement"]["units"].as_u64().unwrap();
    assert!(left_out > 0 && left_out < units, "{left_out} of {units}");
    let per_code = codes["agreement"]["codes"].as_array().unwrap().len() as u64;
    assert_eq!(
        overall["fleiss_units_left_out"].as_u64().unwrap(),
        left_out * per_code,
        "{overall}"
    );
    assert!(overall["fleiss_kappa"].is_number(), "{overall}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains(&format!(
            "{left_out} unità codificate solo da alcuni sono escluse"
        )) && html.contains("Fleiss κ"),
        "no Italian note"
    );
    run_in(dir.path(), &dir.path().join("en"), "en");
    let html = std::fs::read_to_string(dir.path().join("en/report.html")).unwrap();
    assert!(
        html.contains(&format!(
            "{left_out} units coded by only some of them are left out"
        )),
        "no English note"
    );
}
