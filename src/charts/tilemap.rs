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
    narrow_heading_height, text, text_element, wrap, xml_escape, Scale, Texts, INK, MUTED, NARROW,
    SMALL,
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
    /// Short name or abbreviation in the reader's language (wrapped on two lines of 9 characters).
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

/// ColorBrewer Blues, light to dark (classes 1, 2, 3 of Blues-5; 6 and 7 of Blues-7, darker than
/// Blues-5's own so that white text on them passes WCAG AA's 4.5:1).
pub const BLUES: [(u8, u8, u8); 5] = [
    (0xef, 0xf3, 0xff),
    (0xbd, 0xd7, 0xe7),
    (0x6b, 0xae, 0xd6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x45, 0x94),
];
const ABSENT_FILL: (u8, u8, u8) = (0xe4, 0xe4, 0xe4);
const WHITE_RGB: (u8, u8, u8) = (0xff, 0xff, 0xff);
const HATCH: &str = "#6F6F6F";
const OUTLINE: &str = "#8A8A8A";

const TILE: i32 = 64;
const PITCH: i32 = 68;

/// The classes of the shown values: equal intervals from the lowest to the highest value, their
/// breaks rounded to the values' decimals; one class when every value is the same.
fn classes(values: &[f64], decimals: usize) -> Vec<f64> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return Vec::new();
    }
    let unit = 10f64.powi(-(decimals.min(6) as i32));
    let round = |x: f64| (x / unit).round() * unit;
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
            text(&area, &label, (legend_x + 30, y), SMALL, &INK, HPos::Left, false)?;
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
                let label = super::truncate(&s.get(key), 22);
                text(&area, &label, (legend_x + 30, y), SMALL, &INK, HPos::Left, false)?;
                y += 22;
            }
        }
        narrow_footer(&area, texts, lx, height)?;
    }

    // Written by hand (plotters has no patterns nor attributes): the hatch, the legend's swatches,
    // the tiles.
    let mut own = format!(
        "<defs><pattern id=\"{pattern}\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#FFFFFF\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"{HATCH}\" stroke-width=\"2.5\"/></pattern></defs>\n"
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
        own.push_str(&swatch(y, &fill, &format!(" stroke=\"{OUTLINE}\" stroke-width=\"0.5\"")));
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
            TileState::Absent => (styles[2].1.clone(), styles[2].2.clone(), ink_on(ABSENT_FILL)),
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
        let label = wrap(&t.label, 9, 2);
        let cx = x + TILE / 2;
        let mut ly = y + if label.len() > 1 { 13 } else { 18 };
        for l in &label {
            own.push_str(&text_element(l, (cx, ly), SMALL, ink, "middle", false, halo));
            ly += 14;
        }
        if let Some(v) = value_line {
            let (px, bold) = if t.state == TileState::Shown {
                (14.0, true)
            } else {
                (SMALL, false)
            };
            let v = super::truncate(&v, 9);
            own.push_str(&text_element(&v, (cx, y + TILE - 14), px, ink, "middle", bold, halo));
        }
        own.push_str("</g>\n");
    }
    let at = svg.rfind("</svg>").ok_or("tile map: plotters wrote no SVG")?;
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
