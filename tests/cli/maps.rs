//! The geography charts in a real browser: the tile map of Italy and the small multiples embedded
//! in an HTML page, opened in headless Chromium, which measures every tile (a region whose tile
//! has no size was not drawn) and reads the fill the browser resolved for every hidden tile (the
//! hatch pattern, never a colour). Skipped where Chromium is not installed, unless
//! CAPAKIT_REQUIRE_CHROMIUM is set (CI). CAPAKIT_KEEP_CHARTS=<folder> keeps the page and a
//! screenshot of each chart there, to look at.

use std::collections::BTreeMap;
use std::path::PathBuf;

use capakit::charts::{
    small_multiples, tile_map, Panel, Scale, Texts, Tile, TileState, TrendPoint,
};
use capakit::words::Strings;

use crate::common::{chromium, headless, repo};

/// The shipped words in `lang`, as a run reads them (English where a key is missing).
fn strings(lang: &str) -> Strings {
    let text = std::fs::read_to_string(repo().join("reports/strings.toml")).unwrap();
    let all: BTreeMap<String, BTreeMap<String, String>> = toml::from_str(&text).unwrap();
    let mut map = all["en"].clone();
    map.extend(all[lang].clone());
    Strings::new(map)
}

/// Italian short names by ISTAT code, from the shipped regions file.
fn short_names() -> BTreeMap<String, String> {
    let short = [
        ("02", "Valle d'Aosta"),
        ("06", "Friuli-V. G."),
        ("08", "Emilia-R."),
        ("21", "Bolzano"),
        ("22", "Trento"),
    ];
    let mut names = BTreeMap::new();
    let mut reader = csv::Reader::from_path(repo().join("instruments/italy-regions.csv")).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let (code, name) = (row[0].to_string(), row[2].to_string());
        let name = short
            .iter()
            .find(|s| s.0 == code)
            .map_or(name, |s| s.1.to_string());
        names.insert(code, name);
    }
    names
}

/// English names by ISTAT code, from the shipped regions file, shortened where long.
fn english_names() -> BTreeMap<String, String> {
    let short = [
        ("06", "Friuli-V. G."),
        ("04", "Trentino-S. T."),
        ("08", "Emilia-R."),
    ];
    let mut names = BTreeMap::new();
    let mut reader = csv::Reader::from_path(repo().join("instruments/italy-regions.csv")).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let code = row[0].to_string();
        let name = short
            .iter()
            .find(|s| s.0 == code)
            .map_or_else(|| row[3].to_string(), |s| s.1.to_string());
        names.insert(code, name);
    }
    names
}

/// Data by autonomous province: 21 tiles, four hidden, one with no data, two not taking part.
fn tiles() -> Vec<Tile> {
    let names = short_names();
    names
        .iter()
        .filter(|(code, _)| code.as_str() != "04")
        .enumerate()
        .map(|(k, (code, name))| {
            let value = 12.0 + ((k * 37) % 50) as f64;
            let state = match code.as_str() {
                "05" | "13" | "17" | "21" => TileState::Hidden,
                "20" => TileState::NoData,
                "14" | "10" => TileState::Absent,
                _ => TileState::Shown,
            };
            Tile {
                code: code.clone(),
                label: name.clone(),
                value: Some(value),
                text: capakit::format::percent(value, 0, "it"),
                state,
            }
        })
        .collect()
}

fn texts(title: &str, subtitle: &str) -> Texts {
    Texts {
        title: title.into(),
        subtitle: subtitle.into(),
        source: "Fonte: dati sintetici per il test; capakit".into(),
        desc: String::new(),
        lang: "it".into(),
    }
}

/// 17 regions over three waves, each with its interval; some values hidden, one not collected.
fn panels() -> Vec<Panel> {
    let names = short_names();
    names
        .iter()
        .filter(|(code, _)| !["04", "21", "22", "19", "20"].contains(&code.as_str()))
        .take(17)
        .enumerate()
        .map(|(k, (_, name))| {
            let base = 20.0 + ((k * 13) % 30) as f64;
            let points = (0..3)
                .map(|w| {
                    if (k + w) % 7 == 3 {
                        TrendPoint::Hidden
                    } else if k == 5 && w == 0 {
                        TrendPoint::Missing
                    } else {
                        let v = base + (w as f64) * (((k % 5) as f64) - 2.0) * 3.0;
                        TrendPoint::Shown {
                            value: v,
                            ci: Some([v - 6.0, v + 6.0]),
                        }
                    }
                })
                .collect();
            Panel {
                label: name.clone(),
                points,
            }
        })
        .collect()
}

#[test]
fn in_a_real_browser_every_region_is_drawn_and_every_hidden_value_hatched() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("CAPAKIT_KEEP_CHARTS").map(PathBuf::from);
    let out = keep.clone().unwrap_or_else(|| dir.path().to_path_buf());
    std::fs::create_dir_all(&out).unwrap();
    let s = strings("it");
    let scale = Scale {
        percent: true,
        decimals: 0,
        higher_is_better: true,
    };
    let tiles = tiles();
    let map = tile_map(
        "occupati",
        &texts(
            "Care leaver occupati a 12 mesi dall'uscita, per regione",
            "% dei rispondenti; Trentino-Alto Adige per provincia autonoma",
        ),
        &s,
        &scale,
        &tiles,
    )
    .unwrap();
    let waves: Vec<String> = ["2022", "2023", "2024"].map(String::from).to_vec();
    let multiples = small_multiples(
        "andamento",
        &texts(
            "Care leaver occupati a 12 mesi dall'uscita, 2022–2024, per regione",
            "% dei rispondenti, con intervallo di confidenza al 95%",
        ),
        &s,
        &scale,
        &waves,
        &panels(),
        Some(&[Some(31.0), Some(33.0), Some(36.0)]),
    )
    .unwrap();
    // The English map is by region (Trentino-Alto Adige one tile), higher values worse.
    let en_tiles: Vec<Tile> = english_names()
        .into_iter()
        .filter(|(code, _)| code.as_str() <= "20")
        .enumerate()
        .map(|(k, (code, name))| {
            let value = 5.0 + ((k * 11) % 40) as f64;
            let state = if k % 6 == 1 {
                TileState::Hidden
            } else {
                TileState::Shown
            };
            Tile {
                code,
                label: name,
                value: Some(value),
                text: capakit::format::percent(value, 0, "en"),
                state,
            }
        })
        .collect();
    let mut en_texts = texts("Care leavers out of work, by region", "% of respondents");
    en_texts.lang = "en".into();
    en_texts.source = "Source: synthetic data for the test".into();
    let worse = Scale {
        higher_is_better: false,
        ..scale
    };
    let map_en = tile_map("out-of-work", &en_texts, &strings("en"), &worse, &en_tiles).unwrap();

    // The page measures each map's tiles once loaded and writes what it found into the DOM.
    let script = r#"<script>
window.addEventListener('load', () => {
  const lines = [...document.querySelectorAll('figure[data-map]')].map(f => {
    const tiles = [...f.querySelectorAll('[data-code]')];
    const drawn = tiles.filter(t => { const b = t.getBBox(); return b.width > 0 && b.height > 0; });
    const hidden = tiles.filter(t => t.dataset.state === 'hidden');
    const hatched = hidden.filter(t => {
      const fill = getComputedStyle(t.querySelector('rect')).fill;
      const id = fill.replace(/^url\("?#?|"?\)$/g, '');
      const p = f.querySelector('pattern');
      return p !== null && p.id === id && t.querySelectorAll('text').length > 0
        && !t.textContent.includes('%');
    });
    return `${f.id}: tiles=${tiles.length} drawn=${drawn.length} hidden=${hidden.length} hatched=${hatched.length}`;
  });
  const out = document.createElement('pre');
  out.id = 'result';
  out.textContent = lines.join('\n');
  document.body.appendChild(out);
});
</script>"#;
    let page = |body: &str, script: &str| {
        format!(
            "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><style>body{{margin:0;width:640px}} figure{{margin:0}} svg{{width:100%;height:auto;display:block}}</style></head><body>{body}{script}</body></html>"
        )
    };
    let html = out.join("maps.html");
    let body = format!(
        "<figure id=\"map\" data-map>{map}</figure><figure id=\"map-en\" data-map>{map_en}</figure><figure id=\"multiples\">{multiples}</figure>"
    );
    std::fs::write(&html, page(&body, script)).unwrap();
    let profile = dir.path().join("profile");
    let url = format!("file://{}", html.display());
    let (dom, _) = headless(&chrome, &profile, &["--dump-dom", &url]);
    let result = dom
        .split("<pre id=\"result\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| panic!("the page's script wrote no result:\n{dom}"));
    assert_eq!(dom.matches("<svg").count(), 3, "every chart is in the page");
    let count = |figure: &str, key: &str| -> usize {
        result
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{figure}: ")))
            .and_then(|l| {
                l.split_whitespace()
                    .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            })
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{figure} {key} in {result}"))
    };
    for (figure, tiles, expected) in [("map", &tiles, 21), ("map-en", &en_tiles, 20)] {
        let hidden = tiles
            .iter()
            .filter(|t| t.state == TileState::Hidden)
            .count();
        assert!(hidden > 0);
        assert_eq!(count(figure, "tiles"), expected, "{result}");
        assert_eq!(
            count(figure, "drawn"),
            expected,
            "every region drawn: {result}"
        );
        assert_eq!(count(figure, "hidden"), hidden, "{result}");
        assert_eq!(
            count(figure, "hatched"),
            hidden,
            "every hidden value hatched: {result}"
        );
    }

    // Screenshots of each chart alone, at the width of the page (kept with CAPAKIT_KEEP_CHARTS).
    for (name, svg, height) in [
        ("map", &map, 900),
        ("map-en", &map_en, 900),
        ("multiples", &multiples, 1000),
    ] {
        let file = out.join(format!("{name}.html"));
        std::fs::write(&file, page(svg, "")).unwrap();
        let png = out.join(format!("{name}.png"));
        headless(
            &chrome,
            &profile,
            &[
                &format!("--screenshot={}", png.display()),
                &format!("--window-size=640,{height}"),
                &format!("file://{}", file.display()),
            ],
        );
        let bytes = std::fs::read(&png).expect("Chromium wrote the screenshot");
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(bytes.len() > 20_000, "{name}: a chart, not a blank page");
    }
}
