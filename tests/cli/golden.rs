//! Golden files: each report of the example study — the research report, the policy brief and
//! the easy-read summary — compared word for word with the reviewed copy in tests/golden/<lang>/.
//! A change to a template, a word or a number shows here as a diff to review. After reviewing,
//! `CAPAKIT_UPDATE_GOLDEN=1 cargo test --test cli golden` rewrites the copies.

use crate::common::{capakit, repo};

const FILES: [&str; 5] = [
    "report.md",
    "brief.md",
    "brief.html",
    "easy-read.md",
    "easy-read.html",
];

#[test]
fn the_example_reports_match_their_golden_copies() {
    let update = std::env::var_os("CAPAKIT_UPDATE_GOLDEN").is_some();
    let mut differences = Vec::new();
    for lang in ["it", "en"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let run = capakit()
            .arg("run")
            .arg(repo().join("examples/caring-prato-firenze"))
            .arg("--out")
            .arg(&out)
            .args(["--lang", lang])
            .output()
            .unwrap();
        assert!(run.status.success());
        let golden = repo().join("tests/golden").join(lang);
        for file in FILES {
            let got = std::fs::read_to_string(out.join(file)).unwrap();
            let path = golden.join(file);
            if update {
                std::fs::create_dir_all(&golden).unwrap();
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("no golden copy {}", path.display()));
            if got != want {
                let (n, (g, w)) = got
                    .lines()
                    .zip(want.lines())
                    .enumerate()
                    .find(|(_, (g, w))| g != w)
                    .unwrap_or((
                        got.lines().count().min(want.lines().count()),
                        ("(end)", "(end)"),
                    ));
                differences.push(format!(
                    "{lang}/{file}, line {}:\n  now:    {g}\n  golden: {w}",
                    n + 1
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{}\n(review, then CAPAKIT_UPDATE_GOLDEN=1 cargo test --test cli golden)",
        differences.join("\n")
    );
}
