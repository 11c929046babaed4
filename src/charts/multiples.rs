//! Small multiples: one small panel per region, each a line over the waves with its 95 % interval
//! as a band (error bars where a point has no neighbour with an interval), a faint dashed national
//! line in every panel when there is one, and one y range shared by every panel so that panels
//! compare. A hidden value (disclosure control) is a gap in the line with a small hollow marker on
//! the panel's floor; a value not collected is a gap. Four panels a row (five past sixteen), at
//! [`NARROW`] width. [`small_multiples_desc`] names the largest rise and fall in words.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{
    accessible, narrow_footer, narrow_footer_height, narrow_heading, narrow_heading_height, text,
    wrap_name, Area, DrawResult, Scale, Texts, INK, MUTED, NARROW, SMALL,
};
use crate::words::Strings;

/// One wave of a region.
#[derive(Debug, Clone, PartialEq)]
pub enum TrendPoint {
    /// A published value with its 95 % interval when there is one.
    Shown { value: f64, ci: Option<[f64; 2]> },
    /// Not published to protect respondents.
    Hidden,
    /// Not collected in that wave.
    Missing,
}

/// One region's panel: its name (the panel's title) and one point per wave.
#[derive(Debug, Clone)]
pub struct Panel {
    pub label: String,
    pub points: Vec<TrendPoint>,
}

const LINE: RGBColor = RGBColor(0x21, 0x71, 0xb5);
const BAND: RGBColor = RGBColor(0xc6, 0xdb, 0xef);
const NATIONAL: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);
const PLOT_BG: RGBColor = RGBColor(0xf4, 0xf4, 0xf4);

const AXIS_W: i32 = 44;
const GAP: i32 = 12;
const TITLE_H: i32 = 34;
const PLOT_H: i32 = 84;
const PANEL_H: i32 = TITLE_H + PLOT_H + 20 + 14;

/// The shared y range, widened to round ticks (4 to 6 of them), within 0–100 for percentages.
fn y_axis(values: &[f64], percent: bool) -> (f64, f64, Vec<f64>, usize) {
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, if percent { 100.0 } else { 1.0 });
    }
    if hi - lo < 1e-9 {
        let d = if lo.abs() > 1e-9 { lo.abs() * 0.1 } else { 1.0 };
        (lo, hi) = (lo - d, hi + d);
    }
    let raw = (hi - lo) / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let mut lo = (lo / step).floor() * step;
    let mut hi = (hi / step).ceil() * step;
    if percent {
        lo = lo.max(0.0);
        hi = hi.min(100.0).max(lo + step);
    }
    let ticks: Vec<f64> = (0..)
        .map(|k| lo + k as f64 * step)
        .take_while(|t| *t <= hi + step * 1e-6)
        .collect();
    // The fewest decimals that write the step exactly (2.5 → 1).
    let decimals = (0..6)
        .find(|d| {
            let x = step * 10f64.powi(*d as i32);
            (x - x.round()).abs() < 1e-6
        })
        .unwrap_or(6);
    (lo, hi, ticks, decimals)
}

fn check(
    waves: &[String],
    panels: &[Panel],
    national: Option<&[Option<f64>]>,
) -> Result<(), String> {
    if waves.is_empty() {
        return Err("small multiples: no wave to draw".into());
    }
    if panels.is_empty() {
        return Err("small multiples: no region to draw".into());
    }
    for p in panels {
        if p.points.len() != waves.len() {
            return Err(format!(
                "small multiples: {:?} has {} points for {} waves",
                p.label,
                p.points.len(),
                waves.len()
            ));
        }
        for (w, point) in waves.iter().zip(&p.points) {
            if let TrendPoint::Shown { value, ci } = point {
                if !value.is_finite() {
                    return Err(format!("small multiples: {:?}, {w}: no value", p.label));
                }
                if let Some([a, b]) = ci {
                    if !(a.is_finite() && b.is_finite() && a <= b) {
                        return Err(format!(
                            "small multiples: {:?}, {w}: the interval {a}–{b} is not a range",
                            p.label
                        ));
                    }
                }
            }
        }
    }
    if let Some(n) = national {
        if n.len() != waves.len() {
            return Err(format!(
                "small multiples: the national line has {} points for {} waves",
                n.len(),
                waves.len()
            ));
        }
    }
    Ok(())
}

/// The panels as an accessible SVG. Waves are the x axis (labels such as 2022, 2023, 2024);
/// `national` the reference line drawn in every panel. The `<desc>` is `texts.desc`, or
/// [`small_multiples_desc`] when that is empty. Errs on no wave, no panel, a panel whose points
/// are not one per wave, a shown point without a finite value or with an interval that is not a
/// range.
pub fn small_multiples(
    id: &str,
    texts: &Texts,
    s: &Strings,
    scale: &Scale,
    waves: &[String],
    panels: &[Panel],
    national: Option<&[Option<f64>]>,
) -> Result<String, String> {
    check(waves, panels, national)?;
    let lang = texts.lang.as_str();
    let mut values: Vec<f64> = national.unwrap_or(&[]).iter().flatten().copied().collect();
    for p in panels {
        for point in &p.points {
            if let TrendPoint::Shown { value, ci } = point {
                values.push(*value);
                values.extend(ci.iter().flatten());
            }
        }
    }
    if scale.percent {
        // An interval past 0 or 100 is cut at the axis, not stretched to.
        values.iter_mut().for_each(|v| *v = v.clamp(0.0, 100.0));
    }
    let (y_lo, y_hi, ticks, tick_decimals) = y_axis(&values, scale.percent);
    let cols = match panels.len() {
        n @ 1..=4 => n,
        5..=16 => 4,
        _ => 5,
    } as i32;
    let rows = (panels.len() as i32 + cols - 1) / cols;
    let lx = 16;
    let x_first = lx + AXIS_W;
    let pw = (NARROW as i32 - 16 - x_first - (cols - 1) * GAP) / cols;
    let legend_y = narrow_heading_height(texts) + 14;
    let top = legend_y + 30;
    let height = (top + rows * PANEL_H + narrow_footer_height(texts)) as u32;
    let any_hidden = panels
        .iter()
        .any(|p| p.points.contains(&TrendPoint::Hidden));

    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (NARROW, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        narrow_heading(&area, texts, lx)?;
        legend(&area, s, (lx, legend_y), national.is_some(), any_hidden)?;
        for (k, panel) in panels.iter().enumerate() {
            let (col, row) = (k as i32 % cols, k as i32 / cols);
            let x0 = x_first + col * (pw + GAP);
            let y0 = top + row * PANEL_H;
            let frame = Frame {
                x0,
                x1: x0 + pw,
                y0: y0 + TITLE_H,
                y1: y0 + TITLE_H + PLOT_H,
                lo: y_lo,
                hi: y_hi,
                n: waves.len(),
            };
            let chars = ((pw - 4) / 7).max(4) as usize;
            for (i, l) in wrap_name(&panel.label, chars, 2).iter().enumerate() {
                let y = y0 + 8 + 15 * i as i32;
                text(&area, l, (x0, y), SMALL, &INK, HPos::Left, true)?;
            }
            draw_panel(&area, &frame, &ticks, panel, national)?;
            // The shared axis: its numbers on the left of each row, grid lines in every panel.
            if col == 0 {
                for t in &ticks {
                    let label = if scale.percent {
                        crate::format::percent(*t, tick_decimals, lang)
                    } else {
                        crate::format::number(*t, tick_decimals, lang)
                    };
                    let at = (x0 - 6, frame.y(*t));
                    text(&area, &label, at, SMALL, &MUTED, HPos::Right, false)?;
                }
            }
            x_labels(&area, &frame, waves)?;
        }
        narrow_footer(&area, texts, lx, height)?;
    }
    let desc = if texts.desc.is_empty() {
        small_multiples_desc(s, lang, scale, waves, panels)
    } else {
        texts.desc.clone()
    };
    Ok(accessible(svg, id, &texts.title, &desc))
}

/// A panel's plot area and its scales.
struct Frame {
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
    lo: f64,
    hi: f64,
    n: usize,
}

impl Frame {
    fn x(&self, i: usize) -> i32 {
        if self.n <= 1 {
            (self.x0 + self.x1) / 2
        } else {
            let inner = (self.x1 - self.x0 - 32) as f64;
            self.x0 + 16 + (inner * i as f64 / (self.n - 1) as f64).round() as i32
        }
    }

    fn y(&self, v: f64) -> i32 {
        let t = ((v - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0);
        self.y1 - (t * (self.y1 - self.y0) as f64).round() as i32
    }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn legend(
    area: &Area,
    s: &Strings,
    (x, y): (i32, i32),
    national: bool,
    hidden: bool,
) -> DrawResult {
    let mut x = x;
    let width = |t: &str| (t.chars().count() as f64 * 6.4) as i32 + 24;
    area.draw(&Rectangle::new(
        [(x, y - 6), (x + 22, y + 6)],
        BAND.filled(),
    ))
    .map_err(err)?;
    area.draw(&PathElement::new(
        vec![(x, y), (x + 22, y)],
        LINE.stroke_width(2),
    ))
    .map_err(err)?;
    let interval = s.get("chart_interval");
    text(area, &interval, (x + 28, y), SMALL, &INK, HPos::Left, false)?;
    x += 28 + width(&interval);
    if national {
        area.draw(&DashedPathElement::new(
            vec![(x, y), (x + 22, y)],
            5.0,
            3.0,
            NATIONAL.stroke_width(2),
        ))
        .map_err(err)?;
        let label = s.get("chart_national");
        text(area, &label, (x + 28, y), SMALL, &INK, HPos::Left, false)?;
        x += 28 + width(&label);
    }
    if hidden {
        area.draw(&Circle::new((x + 8, y), 4, MUTED.stroke_width(2)))
            .map_err(err)?;
        text(
            area,
            &s.get("chart_hidden"),
            (x + 20, y),
            SMALL,
            &INK,
            HPos::Left,
            false,
        )?;
    }
    Ok(())
}

fn draw_panel(
    area: &Area,
    f: &Frame,
    ticks: &[f64],
    panel: &Panel,
    national: Option<&[Option<f64>]>,
) -> DrawResult {
    area.draw(&Rectangle::new(
        [(f.x0, f.y0), (f.x1, f.y1)],
        PLOT_BG.filled(),
    ))
    .map_err(err)?;
    for t in ticks {
        let y = f.y(*t);
        area.draw(&PathElement::new(
            vec![(f.x0, y), (f.x1, y)],
            WHITE.stroke_width(1),
        ))
        .map_err(err)?;
    }
    let shown: Vec<Option<(f64, Option<[f64; 2]>)>> = panel
        .points
        .iter()
        .map(|p| match p {
            TrendPoint::Shown { value, ci } => Some((*value, *ci)),
            _ => None,
        })
        .collect();
    // The interval: a band between neighbours that both have one, else an error bar.
    let ci = |i: usize| shown.get(i).copied().flatten().and_then(|p| p.1);
    for i in 0..shown.len() {
        if let (Some([a0, b0]), Some([a1, b1])) = (ci(i), ci(i + 1)) {
            let band = vec![
                (f.x(i), f.y(b0)),
                (f.x(i + 1), f.y(b1)),
                (f.x(i + 1), f.y(a1)),
                (f.x(i), f.y(a0)),
            ];
            area.draw(&Polygon::new(band, BAND.filled())).map_err(err)?;
        }
    }
    for i in 0..shown.len() {
        let alone = i.checked_sub(1).and_then(ci).is_none() && ci(i + 1).is_none();
        if let (Some([a, b]), true) = (ci(i), alone) {
            let x = f.x(i);
            for seg in [
                vec![(x, f.y(a)), (x, f.y(b))],
                vec![(x - 4, f.y(a)), (x + 4, f.y(a))],
                vec![(x - 4, f.y(b)), (x + 4, f.y(b))],
            ] {
                area.draw(&PathElement::new(seg, LINE.stroke_width(1)))
                    .map_err(err)?;
            }
        }
    }
    if let Some(national) = national {
        for i in 1..national.len() {
            if let (Some(a), Some(b)) = (national[i - 1], national[i]) {
                area.draw(&DashedPathElement::new(
                    vec![(f.x(i - 1), f.y(a)), (f.x(i), f.y(b))],
                    5.0,
                    3.0,
                    NATIONAL.stroke_width(2),
                ))
                .map_err(err)?;
            }
        }
    }
    for i in 1..shown.len() {
        if let (Some((a, _)), Some((b, _))) = (shown[i - 1], shown[i]) {
            area.draw(&PathElement::new(
                vec![(f.x(i - 1), f.y(a)), (f.x(i), f.y(b))],
                LINE.stroke_width(2),
            ))
            .map_err(err)?;
        }
    }
    for (i, p) in panel.points.iter().enumerate() {
        match p {
            TrendPoint::Shown { value, .. } => area
                .draw(&Circle::new((f.x(i), f.y(*value)), 3, LINE.filled()))
                .map_err(err)?,
            TrendPoint::Hidden => area
                .draw(&Circle::new((f.x(i), f.y1 - 6), 4, MUTED.stroke_width(2)))
                .map_err(err)?,
            TrendPoint::Missing => {}
        }
    }
    Ok(())
}

/// The waves under a panel: each of them when they fit, else the first and the last.
fn x_labels(area: &Area, f: &Frame, waves: &[String]) -> DrawResult {
    let widest = waves.iter().map(|w| w.chars().count()).max().unwrap_or(0) as i32 * 7;
    let room = if f.n <= 1 {
        f.x1 - f.x0
    } else {
        f.x(1) - f.x(0)
    };
    let all = widest + 4 <= room;
    for (i, w) in waves.iter().enumerate() {
        if all || i == 0 || i + 1 == waves.len() {
            let chars = ((f.x1 - f.x0) / 14).max(3) as usize;
            let label = super::truncate(w, chars);
            text(
                area,
                &label,
                (f.x(i), f.y1 + 12),
                SMALL,
                &MUTED,
                HPos::Center,
                false,
            )?;
        }
    }
    Ok(())
}

/// The panels in words: the largest rise and the largest fall from the first wave to the last
/// among the regions shown at both (every region on a tie), and how many values are hidden.
pub fn small_multiples_desc(
    s: &Strings,
    lang: &str,
    scale: &Scale,
    waves: &[String],
    panels: &[Panel],
) -> String {
    let mut parts = Vec::new();
    if let (Some(from), Some(to), true) = (waves.first(), waves.last(), waves.len() > 1) {
        let ends: Vec<(&Panel, f64, f64)> = panels
            .iter()
            .filter_map(|p| match (p.points.first(), p.points.last()) {
                (
                    Some(TrendPoint::Shown { value: a, .. }),
                    Some(TrendPoint::Shown { value: b, .. }),
                ) if p.points.len() == waves.len() => Some((p, *a, *b)),
                _ => None,
            })
            .collect();
        let change = |x: &(&Panel, f64, f64)| x.2 - x.1;
        let most = ends.iter().map(change).fold(f64::NEG_INFINITY, f64::max);
        let least = ends.iter().map(change).fold(f64::INFINITY, f64::min);
        let say = |key: &str, d: f64| {
            let tied: Vec<String> = ends
                .iter()
                .filter(|x| change(x) == d)
                .map(|(p, a, b)| {
                    s.fill(
                        "chart_desc_change",
                        &[
                            ("region", &p.label),
                            ("a", &scale.format(*a, lang)),
                            ("b", &scale.format(*b, lang)),
                        ],
                    )
                })
                .collect();
            s.fill(
                key,
                &[
                    ("from", from),
                    ("to", to),
                    ("regions", &crate::format::join_words(&tied, lang)),
                ],
            )
        };
        if ends.is_empty() {
            parts.push(s.fill("chart_desc_no_ends", &[("from", from), ("to", to)]));
        } else {
            if most > 0.0 {
                parts.push(say("chart_desc_rise", most));
            }
            if least < 0.0 {
                parts.push(say("chart_desc_fall", least));
            }
            if most <= 0.0 && least >= 0.0 {
                parts.push(s.fill("chart_desc_steady", &[("from", from), ("to", to)]));
            }
        }
    }
    let hidden = panels
        .iter()
        .flat_map(|p| &p.points)
        .filter(|p| **p == TrendPoint::Hidden)
        .count();
    if hidden > 0 {
        parts.push(s.fill("chart_desc_hidden_points", &[("n", &hidden.to_string())]));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{parse, strings, Node};
    use super::*;
    use proptest::prelude::*;

    fn texts(lang: &str) -> Texts {
        Texts {
            title: "In work at 12 months, by region".into(),
            subtitle: "% of respondents, with 95% interval".into(),
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

    fn waves() -> Vec<String> {
        ["2022", "2023", "2024"].map(String::from).to_vec()
    }

    fn shown(v: f64) -> TrendPoint {
        TrendPoint::Shown {
            value: v,
            ci: Some([v - 5.0, v + 5.0]),
        }
    }

    fn panel(label: &str, points: Vec<TrendPoint>) -> Panel {
        Panel {
            label: label.into(),
            points,
        }
    }

    fn circles(root: &Node) -> (Vec<&Node>, Vec<&Node>) {
        root.all()
            .into_iter()
            .filter(|n| n.name == "circle")
            .partition(|n| n.attrs["fill"] == "none")
    }

    /// Lines in the region's colour (the legend's sample is one of them).
    fn region_lines(root: &Node) -> Vec<&Node> {
        root.all()
            .into_iter()
            .filter(|n| n.name == "polyline" && n.attrs["stroke"] == "#2171B5")
            .filter(|n| n.attrs["stroke-width"] == "2")
            .collect()
    }

    #[test]
    fn hidden_points_are_gaps_with_a_hollow_marker() {
        let panels = vec![
            panel(
                "Toscana",
                vec![shown(20.0), TrendPoint::Hidden, shown(30.0)],
            ),
            panel("Lazio", vec![shown(40.0), shown(45.0), TrendPoint::Hidden]),
            panel(
                "Umbria",
                vec![TrendPoint::Missing, shown(25.0), shown(35.0)],
            ),
        ];
        let svg = small_multiples(
            "sm",
            &texts("en"),
            &strings("en"),
            &SCALE,
            &waves(),
            &panels,
            None,
        )
        .unwrap();
        let root = parse(&svg).unwrap();
        let (hollow, filled) = circles(&root);
        // Two hidden points and the legend's sample; six shown points.
        assert_eq!(hollow.len(), 3);
        assert_eq!(filled.len(), 6);
        // One segment for Lazio (2022–2023), one for Umbria (2023–2024), none across a gap; plus
        // the legend's sample.
        assert_eq!(region_lines(&root).len(), 3);
        // The hidden markers sit on the floor of their panel, not at a value.
        let floors: Vec<&String> = hollow.iter().skip(1).map(|c| &c.attrs["cy"]).collect();
        assert_eq!(floors[0], floors[1]);
        assert!(root.all_text().contains("hidden"));
        // Toscana's two shown points have no neighbour with an interval: error bars, no band.
        let bars = root
            .all()
            .into_iter()
            .filter(|n| n.name == "polyline" && n.attrs["stroke-width"] == "1")
            .filter(|n| n.attrs["stroke"] == "#2171B5")
            .count();
        assert_eq!(bars, 6);
        let bands = root
            .all()
            .into_iter()
            .filter(|n| n.name == "polygon")
            .count();
        assert_eq!(bands, 2);
    }

    #[test]
    fn every_panel_shares_one_y_range() {
        let panels = vec![
            panel("A", vec![shown(10.0), shown(10.0), shown(10.0)]),
            panel("B", vec![shown(10.0), shown(60.0), shown(90.0)]),
        ];
        let svg = small_multiples(
            "sm",
            &texts("en"),
            &strings("en"),
            &SCALE,
            &waves(),
            &panels,
            None,
        )
        .unwrap();
        let root = parse(&svg).unwrap();
        let (_, filled) = circles(&root);
        let ys: Vec<&String> = filled.iter().map(|c| &c.attrs["cy"]).collect();
        // The same value at the same height in both panels (first wave), and 90 higher than 10.
        assert_eq!(ys[0], ys[3]);
        assert!(ys[5].parse::<i32>().unwrap() < ys[3].parse::<i32>().unwrap());
    }

    #[test]
    fn the_y_axis_is_round_and_within_percentages() {
        let (lo, hi, ticks, d) = y_axis(&[12.0, 47.0], true);
        assert_eq!((lo, hi, d), (10.0, 50.0, 0));
        assert_eq!(ticks, vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        let (lo, hi, ticks, _) = y_axis(&[0.0, 98.0, 100.0], true);
        assert_eq!((lo, hi), (0.0, 100.0));
        assert_eq!(ticks, vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        let (lo, hi, _, _) = y_axis(&[-3.0, 104.0], true);
        assert_eq!((lo, hi), (0.0, 100.0));
        let (lo, hi, ticks, d) = y_axis(&[0.31, 0.42], false);
        assert_eq!(d, 2);
        // A quarter of the span is 0.0275: the step is 0.05, the next round one up.
        assert!(
            (lo - 0.3).abs() < 1e-12 && (hi - 0.45).abs() < 1e-12,
            "{lo} {hi}"
        );
        assert_eq!(ticks.len(), 4);
        let (lo, hi, _, _) = y_axis(&[5.0], true);
        assert!(lo <= 4.5 && hi >= 5.5);
        assert_eq!(y_axis(&[], true).1, 100.0);
    }

    #[test]
    fn seventeen_panels_in_rows_of_five_the_same_bytes_every_time() {
        let panels: Vec<Panel> = (0..17)
            .map(|k| {
                panel(
                    &format!("Regione numero {k} con un nome molto molto lungo"),
                    vec![
                        shown(10.0 + k as f64),
                        TrendPoint::Hidden,
                        shown(30.0 - k as f64),
                    ],
                )
            })
            .collect();
        let national = [Some(20.0), Some(22.0), None];
        let s = strings("it");
        let a = small_multiples(
            "sm",
            &texts("it"),
            &s,
            &SCALE,
            &waves(),
            &panels,
            Some(&national),
        )
        .unwrap();
        let b = small_multiples(
            "sm",
            &texts("it"),
            &s,
            &SCALE,
            &waves(),
            &panels,
            Some(&national),
        )
        .unwrap();
        assert_eq!(a, b);
        let root = parse(&a).unwrap();
        let text = root.all_text();
        assert!(text.contains("Tutti i territori") && text.contains("nascosto"));
        // Titles wrapped on two lines and shortened: every panel named, no line too wide.
        let titles: Vec<&Node> = root
            .all()
            .into_iter()
            .filter(|n| n.name == "text" && n.attrs.get("font-weight").is_some_and(|w| w == "bold"))
            .filter(|n| n.text.trim().starts_with("Regione"))
            .collect();
        assert_eq!(titles.len(), 17);
        // Five columns: the first row's panels start at five different x.
        let mut xs: Vec<&String> = titles.iter().map(|t| &t.attrs["x"]).collect();
        xs.sort();
        xs.dedup();
        assert_eq!(xs.len(), 5);
        let smallest = root
            .all()
            .into_iter()
            .filter_map(|n| n.attrs.get("font-size"))
            .map(|s| s.parse::<f64>().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!(smallest * 160.0 / NARROW as f64 >= 8.0 / 72.0 * 25.4);
    }

    #[test]
    fn labels_are_escaped() {
        let panels = vec![panel(
            "<script>x</script> & \"q\" 🙂\u{7}",
            vec![shown(1.0); 3],
        )];
        let waves = ["<2022>".to_string(), "&".to_string(), "'".to_string()];
        let svg = small_multiples(
            "sm",
            &texts("en"),
            &strings("en"),
            &SCALE,
            &waves,
            &panels,
            None,
        )
        .unwrap();
        assert!(!svg.contains("<script>") && !svg.contains("<2022>"));
        let text = parse(&svg).unwrap().all_text();
        assert!(text.contains("<script>x</script> & \"q\" 🙂"), "{text}");
    }

    #[test]
    fn what_cannot_be_drawn_is_refused_in_words() {
        let s = strings("en");
        let t = texts("en");
        let run = |waves: &[String], panels: &[Panel], national: Option<&[Option<f64>]>| {
            small_multiples("sm", &t, &s, &SCALE, waves, panels, national).unwrap_err()
        };
        let one = vec![panel("A", vec![shown(1.0); 3])];
        assert!(run(&[], &one, None).contains("no wave"));
        assert!(run(&waves(), &[], None).contains("no region"));
        let short = vec![panel("A", vec![shown(1.0); 2])];
        assert!(run(&waves(), &short, None).contains("\"A\" has 2 points for 3 waves"));
        let nan = vec![panel("A", vec![shown(1.0), shown(f64::NAN), shown(1.0)])];
        assert!(run(&waves(), &nan, None).contains("\"A\", 2023: no value"));
        let upside = vec![panel(
            "A",
            vec![
                shown(1.0),
                TrendPoint::Shown {
                    value: 1.0,
                    ci: Some([3.0, 2.0]),
                },
                shown(1.0),
            ],
        )];
        assert!(run(&waves(), &upside, None).contains("not a range"));
        assert!(run(&waves(), &one, Some(&[Some(1.0)])).contains("national line has 1 points"));
    }

    #[test]
    fn the_description_names_the_largest_rise_and_fall() {
        let panels = vec![
            panel(
                "Toscana",
                vec![shown(20.0), TrendPoint::Hidden, shown(30.0)],
            ),
            panel("Lazio", vec![shown(40.0), shown(45.0), shown(50.0)]),
            panel("Umbria", vec![shown(35.0), shown(25.0), shown(28.0)]),
            panel("Marche", vec![TrendPoint::Hidden, shown(5.0), shown(90.0)]),
        ];
        let en = small_multiples_desc(&strings("en"), "en", &SCALE, &waves(), &panels);
        assert_eq!(
            en,
            "Largest rise from 2022 to 2024: Toscana (from 20% to 30%) and Lazio (from 40% to 50%). \
             Largest fall from 2022 to 2024: Umbria (from 35% to 28%). \
             Values hidden to protect confidentiality: 2."
        );
        let it = small_multiples_desc(&strings("it"), "it", &SCALE, &waves(), &panels);
        assert!(
            it.starts_with(
                "Aumento maggiore tra 2022 e 2024: Toscana (da 20\u{a0}% a 30\u{a0}%) e Lazio"
            ),
            "{it}"
        );
        assert!(
            it.contains("Calo maggiore tra 2022 e 2024: Umbria (da 35\u{a0}% a 28\u{a0}%)."),
            "{it}"
        );
        let flat = vec![panel("A", vec![shown(3.0); 3])];
        assert_eq!(
            small_multiples_desc(&strings("en"), "en", &SCALE, &waves(), &flat),
            "No territory changes from 2022 to 2024."
        );
        let ends = vec![panel("A", vec![TrendPoint::Hidden, shown(3.0), shown(4.0)])];
        assert!(
            small_multiples_desc(&strings("en"), "en", &SCALE, &waves(), &ends)
                .starts_with("No territory has a value shown in both 2022 and 2024.")
        );
    }

    fn any_point() -> impl Strategy<Value = TrendPoint> {
        prop_oneof![
            (
                any::<f64>(),
                proptest::option::of((any::<f64>(), any::<f64>()))
            )
                .prop_map(|(v, ci)| TrendPoint::Shown {
                    value: v,
                    ci: ci.map(|(a, b)| [a, b])
                }),
            (-1e6f64..1e6, 0f64..100.0).prop_map(|(v, w)| TrendPoint::Shown {
                value: v,
                ci: Some([v - w, v + w])
            }),
            Just(TrendPoint::Hidden),
            Just(TrendPoint::Missing),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn any_labels_and_values_give_well_formed_svg_or_a_refusal(
            labels in proptest::collection::vec(any::<String>(), 0..8),
            points in proptest::collection::vec(any_point(), 24),
            waves in proptest::collection::vec(any::<String>(), 1..4),
            percent in any::<bool>(),
        ) {
            let n = waves.len();
            let panels: Vec<Panel> = labels
                .iter()
                .enumerate()
                .map(|(k, l)| panel(l, points[k * 3..k * 3 + n].to_vec()))
                .collect();
            let scale = Scale { percent, ..SCALE };
            match small_multiples("p", &texts("it"), &strings("it"), &scale, &waves, &panels, None) {
                Ok(svg) => {
                    parse(&svg).map_err(|e| TestCaseError::fail(format!("{e}\n{svg}")))?;
                }
                Err(e) => {
                    let bad = panels.is_empty() || panels.iter().flat_map(|p| &p.points).any(|p| match p {
                        TrendPoint::Shown { value, ci } => !value.is_finite()
                            || ci.is_some_and(|[a, b]| !(a.is_finite() && b.is_finite() && a <= b)),
                        _ => false,
                    });
                    prop_assert!(bad, "{}", e);
                }
            }
        }
    }
}
