//! A tile-grid map of Italy: one square per region at a fixed place on a grid (Valle d'Aosta and
//! Piemonte top left, Friuli-Venezia Giulia top right, Puglia on the right, Calabria at the bottom,
//! Sicilia and Sardegna apart as islands), no shapes. Trentino-Alto Adige is one tile (04), or two
//! (Bolzano 21 above Trento 22) when the data is by autonomous province. Values are coloured in
//! five classes of ColorBrewer Blues, the worse end darker whichever way the measure runs; hidden
//! values (disclosure control) are hatched and never written; regions with no data are white,
//! regions not taking part light grey with a dashed outline. Every tile is a group with
//! `data-code` and `data-state`, for tests and style sheets. [`tile_map_desc`] says in words what
//! the map shows, for readers who cannot see it.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{
    accessible, hex, ink_on, narrow_footer, narrow_footer_height, narrow_heading,
    narrow_heading_height, text, text_element, wrap, wrap_name, xml_escape, Scale, Texts, INK,
    MUTED, NARROW, SMALL,
};
use crate::words::Strings;

/// What a tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileState {
    /// The value, coloured by its class.
    Shown,
    /// Not published to protect respondents: hatched, labelled "hidden", never the value.
    Hidden,
    /// Taking part, but no value to show.
    NoData,
    /// Not taking part in the study.
    Absent,
}

impl TileState {
    /// The tile's `data-state`.
    pub fn attr(self) -> &'static str {
        match self {
            TileState::Shown => "shown",
            TileState::Hidden => "hidden",
            TileState::NoData => "nodata",
            TileState::Absent => "absent",
        }
    }
}

/// One region (or autonomous province) of the map.
#[derive(Debug, Clone)]
pub struct Tile {
    /// ISTAT code, `01`–`22` (`04` Trentino-Alto Adige, or `21` Bolzano and `22` Trento).
    pub code: String,
    /// Short name or abbreviation in the reader's language (wrapped on two lines of 10 characters).
    pub label: String,
    /// The value; needed when shown, never read otherwise.
    pub value: Option<f64>,
    /// The value as the report writes it ("23 %").
    pub text: String,
    pub state: TileState,
}

/// Each ISTAT code's place (column, row) on a grid of 6 × 9, and the abbreviation a region not
/// given to [`tile_map`] is drawn with (as not taking part).
pub const GRID: [(&str, i32, i32, &str); 22] = [
    ("01", 0, 1, "PIE"),
    ("02", 0, 0, "VDA"),
    ("03", 1, 1, "LOM"),
    ("04", 2, 1, "TAA"),
    ("05", 3, 1, "VEN"),
    ("06", 4, 1, "FVG"),
    ("07", 1, 2, "LIG"),
    ("08", 2, 2, "EMR"),
    ("09", 2, 3, "TOS"),
    ("10", 3, 4, "UMB"),
    ("11", 3, 3, "MAR"),
    ("12", 2, 4, "LAZ"),
    ("13", 4, 4, "ABR"),
    ("14", 4, 5, "MOL"),
    ("15", 3, 5, "CAM"),
    ("16", 5, 5, "PUG"),
    ("17", 4, 6, "BAS"),
    ("18", 4, 7, "CAL"),
    ("19", 3, 8, "SIC"),
    ("20", 0, 5, "SAR"),
    ("21", 2, 0, "BZ"),
    ("22", 2, 1, "TN"),
];

/// ColorBrewer Blues, light to dark: classes 2, 4, 5, 7 and 9 of Blues-9, so that the lightest
/// is told from a white tile (no data) and every class has a text colour passing WCAG AA (4.5:1).
pub const BLUES: [(u8, u8, u8); 5] = [
    (0xde, 0xeb, 0xf7),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x30, 0x6b),
];
const ABSENT_FILL: (u8, u8, u8) = (0xe4, 0xe4, 0xe4);
const WHITE_RGB: (u8, u8, u8) = (0xff, 0xff, 0xff);
const HATCH: &str = "#9A9A9A";
const OUTLINE: &str = "#8A8A8A";

const TILE: i32 = 66;
const PITCH: i32 = 70;

/// The classes of the shown values: equal intervals from the lowest to the highest value, their
/// breaks rounded to the values' decimals; one class when every value is the same.
fn classes(values: &[f64], decimals: usize) -> Vec<f64> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return Vec::new();
    }
    let scale = 10f64.powi(decimals.min(6) as i32);
    let round = |x: f64| (x * scale).round() / scale;
    let mut breaks = vec![lo];
    for k in 1..5 {
        let b = round(lo + (hi - lo) * k as f64 / 5.0);
        if b > *breaks.last().unwrap_or(&lo) && b < hi {
            breaks.push(b);
        }
    }
    breaks.push(hi);
    if hi <= lo {
        breaks.truncate(1);
        breaks.push(hi);
    }
    breaks
}

/// The class of `v` among `breaks` (n + 1 bounds of n classes; the last class closed).
fn class_of(v: f64, breaks: &[f64]) -> usize {
    let n = breaks.len().saturating_sub(1).max(1);
    (1..n).filter(|&k| v >= breaks[k]).count()
}

/// The colour of class `k` of `n`, darker for worse.
fn class_colour(k: usize, n: usize, higher_is_better: bool) -> (u8, u8, u8) {
    let index = if n <= 1 { 2 } else { k * 4 / (n - 1) };
    let index = if higher_is_better { 4 - index } else { index };
    BLUES[index]
}

/// The tiles to draw, each at its place: the regions, with 04 split into 21 and 22 when the data
/// is by autonomous province; a region not given is not taking part.
fn layout(tiles: &[Tile]) -> Result<Vec<(Tile, i32, i32)>, String> {
    if tiles.is_empty() {
        return Err("tile map: no region to draw (give one tile per region)".into());
    }
    for (k, t) in tiles.iter().enumerate() {
        if !GRID.iter().any(|g| g.0 == t.code) {
            return Err(format!(
                "tile map: unknown region code {:?} (ISTAT codes 01–22)",
                t.code
            ));
        }
        if tiles[..k].iter().any(|u| u.code == t.code) {
            return Err(format!("tile map: region {} given twice", t.code));
        }
        if t.state == TileState::Shown && !t.value.is_some_and(f64::is_finite) {
            return Err(format!(
                "tile map: region {} ({}) is shown without a value",
                t.code, t.label
            ));
        }
    }
    let has = |c: &str| tiles.iter().any(|t| t.code == c);
    let provinces = has("21") || has("22");
    if provinces && has("04") {
        return Err(
            "tile map: Trentino-Alto Adige (04) given with its autonomous provinces (21, 22): give one or the other"
                .into(),
        );
    }
    let mut out = Vec::new();
    for (code, col, row, abbr) in GRID {
        let skip = if provinces {
            code == "04"
        } else {
            code == "21" || code == "22"
        };
        if skip {
            continue;
        }
        let tile = tiles
            .iter()
            .find(|t| t.code == code)
            .cloned()
            .unwrap_or_else(|| Tile {
                code: code.to_string(),
                label: abbr.to_string(),
                value: None,
                text: String::new(),
                state: TileState::Absent,
            });
        out.push((tile, col, row));
    }
    Ok(out)
}

/// The tile map as an accessible SVG. `id` names the chart in the page (and its hatch pattern);
/// `texts.subtitle` should say the unit; the `<desc>` is `texts.desc`, or [`tile_map_desc`] when
/// that is empty. Errs on no tile, an unknown or repeated code, a shown tile without a value.
pub fn tile_map(
    id: &str,
    texts: &Texts,
    s: &Strings,
    scale: &Scale,
    tiles: &[Tile],
) -> Result<String, String> {
    let placed = layout(tiles)?;
    let lang = texts.lang.as_str();
    let values: Vec<f64> = placed
        .iter()
        .filter(|(t, ..)| t.state == TileState::Shown)
        .filter_map(|(t, ..)| t.value)
        .collect();
    let breaks = classes(&values, scale.decimals);
    let n_classes = breaks.len().saturating_sub(1);
    let lx = 16;
    let top = narrow_heading_height(texts) + 12;
    let height = (top + 9 * PITCH + narrow_footer_height(texts)) as u32;
    let legend_x = lx + 6 * PITCH + 24;
    let pattern = format!("{}-hatch", xml_escape(id));

    let mut svg = String::new();
    // Drawn by plotters: the frame, the heading, the legend's words, the source line.
    {
        let area = SVGBackend::with_string(&mut svg, (NARROW, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        narrow_heading(&area, texts, lx)?;
        let mut y = top + 8;
        for k in 0..n_classes {
            let label = scale.range(breaks[k], breaks[k + 1], lang);
            text(
                &area,
                &label,
                (legend_x + 30, y),
                SMALL,
                &INK,
                HPos::Left,
                false,
            )?;
            y += 22;
        }
        if n_classes > 0 {
            for l in wrap(&s.get("chart_darker_worse"), 24, 2) {
                text(&area, &l, (legend_x, y), SMALL, &MUTED, HPos::Left, false)?;
                y += 16;
            }
            y += 12;
        }
        for (state, key) in [
            (TileState::Hidden, "chart_hidden"),
            (TileState::NoData, "chart_no_data"),
            (TileState::Absent, "chart_absent"),
        ] {
            if placed.iter().any(|(t, ..)| t.state == state) {
                let label = super::truncate(&s.get(key), 20);
                text(
                    &area,
                    &label,
                    (legend_x + 30, y),
                    SMALL,
                    &INK,
                    HPos::Left,
                    false,
                )?;
                y += 22;
            }
        }
        narrow_footer(&area, texts, lx, height)?;
    }

    // Written by hand (plotters has no patterns nor attributes): the hatch, the legend's swatches,
    // the tiles.
    let mut own = format!(
        "<defs><pattern id=\"{pattern}\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#FFFFFF\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"{HATCH}\" stroke-width=\"1.5\"/></pattern></defs>\n"
    );
    let swatch = |y: i32, fill: &str, extra: &str| {
        format!(
            "<rect x=\"{legend_x}\" y=\"{}\" width=\"22\" height=\"16\" fill=\"{fill}\"{extra}/>\n",
            y - 8
        )
    };
    let mut y = top + 8;
    for k in 0..n_classes {
        let fill = hex(class_colour(k, n_classes, scale.higher_is_better));
        own.push_str(&swatch(
            y,
            &fill,
            &format!(" stroke=\"{OUTLINE}\" stroke-width=\"0.5\""),
        ));
        y += 22;
    }
    if n_classes > 0 {
        y += 16 * wrap(&s.get("chart_darker_worse"), 24, 2).len() as i32 + 12;
    }
    let styles = [
        (
            TileState::Hidden,
            format!("url(#{pattern})"),
            format!(" stroke=\"{OUTLINE}\" stroke-width=\"1\""),
        ),
        (
            TileState::NoData,
            hex(WHITE_RGB),
            format!(" stroke=\"{OUTLINE}\" stroke-width=\"1\""),
        ),
        (
            TileState::Absent,
            hex(ABSENT_FILL),
            format!(" stroke=\"{OUTLINE}\" stroke-width=\"1\" stroke-dasharray=\"4 3\""),
        ),
    ];
    for (state, fill, extra) in &styles {
        if placed.iter().any(|(t, ..)| t.state == *state) {
            own.push_str(&swatch(y, fill, extra));
            y += 22;
        }
    }

    for (t, col, row) in &placed {
        let (x, y) = (lx + col * PITCH, top + row * PITCH);
        let (fill, extra, ink) = match t.state {
            TileState::Shown => {
                let c = class_colour(
                    class_of(t.value.unwrap_or(0.0), &breaks),
                    n_classes,
                    scale.higher_is_better,
                );
                (hex(c), String::new(), ink_on(c))
            }
            TileState::Hidden => (styles[0].1.clone(), styles[0].2.clone(), ink_on(WHITE_RGB)),
            TileState::NoData => (styles[1].1.clone(), styles[1].2.clone(), ink_on(WHITE_RGB)),
            TileState::Absent => (
                styles[2].1.clone(),
                styles[2].2.clone(),
                ink_on(ABSENT_FILL),
            ),
        };
        let (said, value_line) = match t.state {
            TileState::Shown => (t.text.clone(), Some(t.text.clone())),
            TileState::Hidden => (s.get("chart_hidden"), Some(s.get("chart_hidden"))),
            TileState::NoData => (s.get("chart_no_data"), None),
            TileState::Absent => (s.get("chart_absent"), None),
        };
        own.push_str(&format!(
            "<g data-code=\"{}\" data-state=\"{}\"><title>{}: {}</title>\n<rect x=\"{x}\" y=\"{y}\" width=\"{TILE}\" height=\"{TILE}\" fill=\"{fill}\"{extra}/>\n",
            xml_escape(&t.code),
            t.state.attr(),
            xml_escape(&t.label),
            xml_escape(&said),
        ));
        let halo = t.state == TileState::Hidden;
        let label = wrap_name(&t.label, 10, 2);
        let cx = x + TILE / 2;
        let mut ly = y + if label.len() > 1 { 13 } else { 18 };
        for l in &label {
            own.push_str(&text_element(
                l,
                (cx, ly),
                SMALL,
                ink,
                "middle",
                false,
                halo,
            ));
            ly += 14;
        }
        if let Some(v) = value_line {
            let (px, bold) = if t.state == TileState::Shown {
                (14.0, true)
            } else {
                (SMALL, false)
            };
            let v = super::truncate(&v, 10);
            own.push_str(&text_element(
                &v,
                (cx, y + TILE - 14),
                px,
                ink,
                "middle",
                bold,
                halo,
            ));
        }
        own.push_str("</g>\n");
    }
    let at = svg
        .rfind("</svg>")
        .ok_or("tile map: plotters wrote no SVG")?;
    svg.insert_str(at, &own);
    let desc = if texts.desc.is_empty() {
        tile_map_desc(s, lang, tiles)
    } else {
        texts.desc.clone()
    };
    Ok(accessible(svg, id, &texts.title, &desc))
}

/// The map in words: the highest and the lowest regions shown (all of them on a tie), how many
/// are hidden, have no data, do not take part.
pub fn tile_map_desc(s: &Strings, lang: &str, tiles: &[Tile]) -> String {
    // What is drawn: regions not given count as not taking part.
    let drawn: Vec<Tile> = layout(tiles)
        .map(|p| p.into_iter().map(|x| x.0).collect())
        .unwrap_or_else(|_| tiles.to_vec());
    let tiles = drawn.as_slice();
    let shown: Vec<(&Tile, f64)> = tiles
        .iter()
        .filter(|t| t.state == TileState::Shown)
        .filter_map(|t| Some((t, t.value.filter(|v| v.is_finite())?)))
        .collect();
    let names = |v: f64| {
        let names: Vec<String> = shown
            .iter()
            .filter(|(_, x)| *x == v)
            .map(|(t, _)| t.label.clone())
            .collect();
        let text = shown
            .iter()
            .find(|(_, x)| *x == v)
            .map_or(String::new(), |(t, _)| t.text.clone());
        (crate::format::join_words(&names, lang), text)
    };
    let mut parts = Vec::new();
    let hi = shown.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
    let lo = shown.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
    if shown.is_empty() {
        parts.push(s.get("chart_desc_none"));
    } else if hi == lo {
        let (regions, value) = names(hi);
        parts.push(s.fill(
            "chart_desc_only",
            &[("regions", &regions), ("value", &value)],
        ));
    } else {
        for (key, v) in [("chart_desc_highest", hi), ("chart_desc_lowest", lo)] {
            let (regions, value) = names(v);
            parts.push(s.fill(key, &[("regions", &regions), ("value", &value)]));
        }
    }
    for (state, key) in [
        (TileState::Hidden, "chart_desc_hidden"),
        (TileState::NoData, "chart_desc_nodata"),
        (TileState::Absent, "chart_desc_absent"),
    ] {
        let n = tiles.iter().filter(|t| t.state == state).count();
        if n > 0 {
            parts.push(s.fill(key, &[("n", &n.to_string())]));
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{parse, strings, Node};
    use super::super::{contrast, luminance};
    use super::*;
    use proptest::prelude::*;

    fn texts(lang: &str) -> Texts {
        Texts {
            title: "Care leavers in work, by region".into(),
            subtitle: "% of respondents".into(),
            source: "Source: synthetic".into(),
            desc: String::new(),
            lang: lang.into(),
        }
    }

    const SCALE: Scale = Scale {
        percent: true,
        decimals: 0,
        higher_is_better: true,
    };

    fn tile(code: &str, value: f64, state: TileState) -> Tile {
        Tile {
            code: code.into(),
            label: format!("R{code}"),
            value: Some(value),
            text: format!("{value} %"),
            state,
        }
    }

    /// The 21 tiles of data by autonomous province: values 10, 13, … by code; 05 and 16 hidden,
    /// 20 with no data, 19 not taking part.
    fn by_province() -> Vec<Tile> {
        GRID.iter()
            .filter(|g| g.0 != "04")
            .enumerate()
            .map(|(k, g)| {
                let state = match g.0 {
                    "05" | "16" => TileState::Hidden,
                    "20" => TileState::NoData,
                    "19" => TileState::Absent,
                    _ => TileState::Shown,
                };
                tile(g.0, 10.0 + 3.0 * k as f64, state)
            })
            .collect()
    }

    fn tiles_of(root: &Node) -> Vec<&Node> {
        root.all()
            .into_iter()
            .filter(|n| n.attrs.contains_key("data-code"))
            .collect()
    }

    fn rect_of(tile: &Node) -> &Node {
        tile.children.iter().find(|c| c.name == "rect").unwrap()
    }

    #[test]
    fn every_region_has_one_tile_with_its_code_and_none_overlap() {
        let s = strings("it");
        // By autonomous province: 19 regions, Bolzano and Trento (no 04).
        let svg = tile_map("m", &texts("it"), &s, &SCALE, &by_province()).unwrap();
        let root = parse(&svg).unwrap();
        let tiles = tiles_of(&root);
        let codes: Vec<&str> = tiles
            .iter()
            .map(|t| t.attrs["data-code"].as_str())
            .collect();
        let expected: Vec<String> = (1..=22)
            .filter(|c| *c != 4)
            .map(|c| format!("{c:02}"))
            .collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(sorted, expected);
        let mut places: Vec<(String, String)> = tiles
            .iter()
            .map(|t| (rect_of(t).attrs["x"].clone(), rect_of(t).attrs["y"].clone()))
            .collect();
        places.sort();
        places.dedup();
        assert_eq!(places.len(), 21, "two tiles in one place");
        // By region: 20 tiles, Trentino-Alto Adige as one (04), where Trento is otherwise.
        let regions: Vec<Tile> = (1..=20)
            .map(|c| tile(&format!("{c:02}"), c as f64, TileState::Shown))
            .collect();
        let svg = tile_map("m", &texts("it"), &s, &SCALE, &regions).unwrap();
        let root = parse(&svg).unwrap();
        let tiles = tiles_of(&root);
        let mut codes: Vec<&str> = tiles
            .iter()
            .map(|t| t.attrs["data-code"].as_str())
            .collect();
        codes.sort();
        let expected: Vec<String> = (1..=20).map(|c| format!("{c:02}")).collect();
        assert_eq!(codes, expected);
        assert!(tiles.iter().all(|t| t.attrs["data-state"] == "shown"));
    }

    #[test]
    fn the_grid_puts_italy_in_its_shape() {
        let at = |code: &str| {
            GRID.iter()
                .find(|g| g.0 == code)
                .map(|g| (g.1, g.2))
                .unwrap()
        };
        // Valle d'Aosta above Piemonte, top left; Friuli-Venezia Giulia the easternmost of the
        // north; Bolzano above Trento; Puglia the easternmost tile; Calabria the lowest of the
        // mainland; Sicilia below it; Sardegna west of everything south of Liguria.
        assert_eq!(at("02"), (0, 0));
        assert_eq!(at("01"), (0, 1));
        assert!(GRID.iter().filter(|g| g.2 <= 1).all(|g| g.1 <= at("06").0));
        assert_eq!(at("21").0, at("22").0);
        assert_eq!(at("21").1 + 1, at("22").1);
        assert_eq!(at("04"), at("22"));
        assert!(GRID.iter().all(|g| g.1 <= at("16").0));
        let mainland_bottom = GRID
            .iter()
            .filter(|g| !["19", "20"].contains(&g.0))
            .map(|g| g.2)
            .max();
        assert_eq!(mainland_bottom, Some(at("18").1));
        assert!(at("19").1 > at("18").1);
        assert!(at("20").0 < at("07").0 && at("20").1 > at("07").1);
    }

    #[test]
    fn hidden_tiles_are_hatched_and_never_carry_their_value() {
        let mut tiles = by_province();
        tiles[0] = Tile {
            code: "01".into(),
            label: "Piemonte".into(),
            value: Some(61.4),
            text: "61,4 %".into(),
            state: TileState::Hidden,
        };
        let svg = tile_map("map-1", &texts("it"), &strings("it"), &SCALE, &tiles).unwrap();
        let root = parse(&svg).unwrap();
        let pattern = root
            .all()
            .into_iter()
            .find(|n| n.name == "pattern")
            .expect("a hatch pattern");
        assert_eq!(pattern.attrs["id"], "map-1-hatch");
        let hidden: Vec<&Node> = tiles_of(&root)
            .into_iter()
            .filter(|t| t.attrs["data-state"] == "hidden")
            .collect();
        assert_eq!(hidden.len(), 3);
        for t in hidden {
            assert_eq!(rect_of(t).attrs["fill"], "url(#map-1-hatch)");
            let words = t.all_text();
            assert!(words.contains("nascosto"), "{words}");
            assert!(!words.contains('%'), "{words}");
        }
        assert!(!svg.contains("61,4") && !svg.contains("61.4"));
        // The legend has the hatched swatch too.
        let hatched = root
            .all()
            .into_iter()
            .filter(|n| {
                n.attrs
                    .get("fill")
                    .is_some_and(|f| f == "url(#map-1-hatch)")
            })
            .count();
        assert_eq!(hatched, 4);
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let s = strings("en");
        let a = tile_map("m", &texts("en"), &s, &SCALE, &by_province()).unwrap();
        let b = tile_map("m", &texts("en"), &s, &SCALE, &by_province()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn labels_are_escaped() {
        let mut tiles = by_province();
        tiles[2].label = "<script>alert(\"x\")</script> & 'co' 🙂".into();
        tiles[3].text = "<b>9</b>".into();
        let mut t = texts("en");
        t.title = "Title <i>with</i> & \u{1} control".into();
        t.source = "</svg><svg>".into();
        let svg = tile_map("m\"x", &t, &strings("en"), &SCALE, &tiles).unwrap();
        assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("<i>"));
        let root = parse(&svg).unwrap();
        let third = tiles_of(&root)
            .into_iter()
            .find(|n| n.attrs["data-code"] == tiles[2].code)
            .unwrap();
        let title = third.children.iter().find(|c| c.name == "title").unwrap();
        assert!(title
            .text
            .starts_with("<script>alert(\"x\")</script> & 'co' 🙂: "));
        assert!(root.all_text().contains("</svg><svg>"));
    }

    #[test]
    fn the_worse_end_is_darker_whichever_way_the_measure_runs() {
        let tiles: Vec<Tile> = (1..=20)
            .map(|c| tile(&format!("{c:02}"), c as f64 * 5.0, TileState::Shown))
            .collect();
        for higher_is_better in [true, false] {
            let scale = Scale {
                higher_is_better,
                ..SCALE
            };
            let svg = tile_map("m", &texts("en"), &strings("en"), &scale, &tiles).unwrap();
            let root = parse(&svg).unwrap();
            let fill = |code: &str| {
                let t = tiles_of(&root)
                    .into_iter()
                    .find(|t| t.attrs["data-code"] == code)
                    .unwrap();
                rect_of(t).attrs["fill"].clone()
            };
            let (lowest, highest) = (fill("01"), fill("20"));
            let (worst, best) = if higher_is_better {
                (lowest, highest)
            } else {
                (highest, lowest)
            };
            assert_eq!(worst, hex(BLUES[4]));
            assert_eq!(best, hex(BLUES[0]));
            // Equal intervals of 19: 5–23, 24–42, … ; 25 is in the second class.
            let second = if higher_is_better { BLUES[3] } else { BLUES[1] };
            assert_eq!(fill("05"), hex(second));
            assert!(root.all_text().contains("5–24%"), "{}", root.all_text());
        }
    }

    #[test]
    fn classes_are_equal_intervals_rounded_to_the_values_decimals() {
        assert_eq!(
            classes(&[5.0, 100.0], 0),
            vec![5.0, 24.0, 43.0, 62.0, 81.0, 100.0]
        );
        assert_eq!(
            classes(&[0.12, 0.5], 2),
            vec![0.12, 0.2, 0.27, 0.35, 0.42, 0.5]
        );
        // One value: one class, drawn in the middle colour.
        assert_eq!(classes(&[7.0, 7.0], 0), vec![7.0, 7.0]);
        assert_eq!(class_colour(0, 1, true), BLUES[2]);
        // Breaks that round together collapse: two classes between 1 and 2 with no decimals.
        assert_eq!(classes(&[1.0, 2.0], 0), vec![1.0, 2.0]);
        assert_eq!(class_of(24.0, &[5.0, 24.0, 43.0, 62.0, 81.0, 100.0]), 1);
        assert_eq!(class_of(100.0, &[5.0, 24.0, 43.0, 62.0, 81.0, 100.0]), 4);
    }

    #[test]
    fn every_value_reads_against_its_tile() {
        // WCAG 2.x contrast ratio: (L1 + 0.05) / (L2 + 0.05). Reference values from WebAIM's
        // contrast checker (webaim.org/resources/contrastchecker): #767676 on #FFFFFF 4.54:1,
        // #777777 on #FFFFFF 4.48:1, black on white 21:1.
        let white = (0xff, 0xff, 0xff);
        assert!((contrast((0x76, 0x76, 0x76), white) - 4.54).abs() < 0.005);
        assert!((contrast((0x77, 0x77, 0x77), white) - 4.48).abs() < 0.005);
        assert!((contrast((0, 0, 0), white) - 21.0).abs() < 1e-9);
        assert!((luminance(white) - 1.0).abs() < 1e-12);
        for fill in BLUES.iter().chain([&ABSENT_FILL, &WHITE_RGB]) {
            let ratio = contrast(*fill, ink_on(*fill));
            assert!(ratio >= 4.5, "{fill:?}: {ratio}");
        }
        // And the text drawn on each tile is in that colour.
        let svg = tile_map("m", &texts("en"), &strings("en"), &SCALE, &by_province()).unwrap();
        let root = parse(&svg).unwrap();
        for t in tiles_of(&root) {
            let fill = &rect_of(t).attrs["fill"];
            for txt in t.children.iter().filter(|c| c.name == "text") {
                if let Some(c) = BLUES.iter().find(|c| hex(**c) == *fill) {
                    assert_eq!(txt.attrs["fill"], hex(ink_on(*c)));
                }
            }
        }
    }

    #[test]
    fn no_text_is_smaller_than_8_points_on_an_a4_page() {
        let svg = tile_map("m", &texts("en"), &strings("en"), &SCALE, &by_province()).unwrap();
        let root = parse(&svg).unwrap();
        let width: f64 = root.attrs["width"].parse().unwrap();
        let smallest = root
            .all()
            .into_iter()
            .filter_map(|n| n.attrs.get("font-size"))
            .map(|s| s.parse::<f64>().unwrap())
            .fold(f64::INFINITY, f64::min);
        // 16 cm across the page: 8 pt = 8/72 in = 2.822 mm.
        let mm = smallest * 160.0 / width;
        assert!(
            mm >= 8.0 / 72.0 * 25.4,
            "{smallest}px at {width}px wide = {mm} mm"
        );
    }

    #[test]
    fn the_legend_names_only_what_the_map_shows() {
        let s = strings("en");
        let all = tile_map("m", &texts("en"), &s, &SCALE, &by_province()).unwrap();
        let text = parse(&all).unwrap().all_text();
        for w in ["hidden", "no data", "not taking part", "darker = worse"] {
            assert!(text.contains(w), "{w}");
        }
        let plain: Vec<Tile> = (1..=20)
            .map(|c| tile(&format!("{c:02}"), c as f64, TileState::Shown))
            .collect();
        let text = parse(&tile_map("m", &texts("en"), &s, &SCALE, &plain).unwrap())
            .unwrap()
            .all_text();
        for w in ["hidden", "no data", "not taking part"] {
            assert!(!text.contains(w), "{w}");
        }
    }

    #[test]
    fn regions_not_given_are_drawn_as_not_taking_part() {
        let tiles = vec![
            tile("09", 20.0, TileState::Shown),
            tile("12", 30.0, TileState::Shown),
        ];
        let svg = tile_map("m", &texts("en"), &strings("en"), &SCALE, &tiles).unwrap();
        let root = parse(&svg).unwrap();
        let tiles = tiles_of(&root);
        assert_eq!(tiles.len(), 20);
        assert_eq!(
            tiles
                .iter()
                .filter(|t| t.attrs["data-state"] == "absent")
                .count(),
            18
        );
        let sicily = tiles.iter().find(|t| t.attrs["data-code"] == "19").unwrap();
        assert!(sicily.all_text().contains("SIC"));
        assert_eq!(rect_of(sicily).attrs["stroke-dasharray"], "4 3");
    }

    #[test]
    fn what_cannot_be_drawn_is_refused_in_words() {
        let s = strings("en");
        let t = texts("en");
        let err = |tiles: &[Tile]| tile_map("m", &t, &s, &SCALE, tiles).unwrap_err();
        assert!(err(&[]).contains("no region"));
        assert!(err(&[tile("23", 1.0, TileState::Shown)]).contains("unknown region code \"23\""));
        assert!(err(&[
            tile("09", 1.0, TileState::Shown),
            tile("09", 2.0, TileState::Shown)
        ])
        .contains("09 given twice"));
        assert!(err(&[
            tile("04", 1.0, TileState::Shown),
            tile("21", 2.0, TileState::Shown)
        ])
        .contains("one or the other"));
        let mut nan = tile("09", f64::NAN, TileState::Shown);
        assert!(err(&[nan.clone()]).contains("09 (R09) is shown without a value"));
        nan.value = None;
        assert!(err(&[nan]).contains("without a value"));
        // Hidden, no data and absent tiles need no value.
        let mut quiet = tile("09", 0.0, TileState::Hidden);
        quiet.value = None;
        assert!(tile_map("m", &t, &s, &SCALE, &[quiet]).is_ok());
    }

    #[test]
    fn the_description_names_the_highest_and_lowest_and_counts_the_rest() {
        let mut tiles = by_province();
        tiles[1].label = "Valle d'Aosta".into();
        tiles[1].value = Some(99.0);
        tiles[1].text = "99 %".into();
        let it = tile_map_desc(&strings("it"), "it", &tiles);
        assert!(
            it.starts_with("Valore più alto: Valle d'Aosta (99 %). Valore più basso: R01 (10 %)."),
            "{it}"
        );
        assert!(
            it.contains("nascosto per tutelare la riservatezza: 2."),
            "{it}"
        );
        assert!(
            it.contains("senza dati: 1.") && it.contains("non partecipano: 1."),
            "{it}"
        );
        let en = tile_map_desc(&strings("en"), "en", &tiles);
        assert!(
            en.starts_with("Highest value: Valle d'Aosta (99 %). Lowest value: R01 (10 %)."),
            "{en}"
        );
        assert!(
            en.contains("hidden to protect confidentiality: 2.")
                && en.contains("not taking part: 1.")
        );
        // A tie names every region; one value is said once; none is said.
        tiles[2].value = Some(99.0);
        let en = tile_map_desc(&strings("en"), "en", &tiles);
        assert!(
            en.starts_with("Highest value: Valle d'Aosta and R03 (99 %)."),
            "{en}"
        );
        let one = [tile("09", 5.0, TileState::Shown)];
        assert!(tile_map_desc(&strings("en"), "en", &one).starts_with("Value shown: R09 (5 %)."));
        let none = [tile("09", 5.0, TileState::Hidden)];
        assert!(tile_map_desc(&strings("en"), "en", &none).starts_with("No value shown."));
        // The map's <desc> says it when the caller gave none.
        let svg = tile_map("m", &texts("en"), &strings("en"), &SCALE, &one).unwrap();
        assert!(svg.contains("<desc id=\"m-desc\">Value shown: R09 (5 %). Territories not taking part: 19.</desc>"), "{svg}");
    }

    fn any_state() -> impl Strategy<Value = TileState> {
        prop_oneof![
            Just(TileState::Shown),
            Just(TileState::Hidden),
            Just(TileState::NoData),
            Just(TileState::Absent)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_labels_and_values_give_well_formed_svg_or_a_refusal(
            cells in proptest::collection::vec(
                (any::<String>(), any::<String>(), any::<f64>(), any_state()), 0..22),
            title in any::<String>(),
            split in any::<bool>(),
            higher_is_better in any::<bool>(),
        ) {
            let codes: Vec<&str> = GRID
                .iter()
                .map(|g| g.0)
                .filter(|c| if split { *c != "04" } else { *c != "21" && *c != "22" })
                .collect();
            let tiles: Vec<Tile> = cells
                .iter()
                .zip(&codes)
                .map(|((label, text, value, state), code)| Tile {
                    code: code.to_string(),
                    label: label.clone(),
                    value: Some(*value),
                    text: text.clone(),
                    state: *state,
                })
                .collect();
            let mut t = texts("it");
            t.title = title;
            let scale = Scale { higher_is_better, ..SCALE };
            match tile_map("p", &t, &strings("it"), &scale, &tiles) {
                Ok(svg) => {
                    let root = parse(&svg).map_err(|e| TestCaseError::fail(format!("{e}\n{svg}")))?;
                    let by_province = tiles.iter().any(|t| t.code == "21" || t.code == "22");
                    prop_assert_eq!(tiles_of(&root).len(), if by_province { 21 } else { 20 });
                    for (tile, node) in tiles.iter().filter_map(|t| {
                        tiles_of(&root).into_iter().find(|n| n.attrs["data-code"] == t.code).map(|n| (t, n))
                    }) {
                        prop_assert_eq!(&node.attrs["data-state"], tile.state.attr());
                    }
                }
                Err(e) => {
                    // Refused only for no tile or a shown tile with no finite value.
                    let bad = tiles.is_empty()
                        || tiles.iter().any(|t| t.state == TileState::Shown && !t.value.unwrap().is_finite());
                    prop_assert!(bad, "{}", e);
                }
            }
        }
    }
}
