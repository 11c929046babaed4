//! The charts of the capability chapter, from a capability result's published numbers: stacked
//! bars of each dimension's contribution to M0 per group, and M0 across the range of k per group
//! (the robustness of the ranking at a glance). Hidden values are not drawn, and the chart says so.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use crate::analysis::CapabilityResult;
use crate::instrument::label_in;

use crate::charts::{
    accessible, footer, heading, line, marker, rect, rgb, text, truncate, Texts, GREY, INK,
    OKABE_ITO, RULE, WIDTH,
};
use crate::format::{number, percent};
use crate::publication::Figure;
use crate::text::slug;
use crate::words::Strings;

/// Nine colours that survive colour blindness: Okabe–Ito's eight and a grey.
const DIMENSION_COLOURS: [(u8, u8, u8); 9] = [
    (0xE6, 0x9F, 0x00),
    (0x56, 0xB4, 0xE9),
    (0x00, 0x9E, 0x73),
    (0xF0, 0xE4, 0x42),
    (0x00, 0x72, 0xB2),
    (0xD5, 0x5E, 0x00),
    (0xCC, 0x79, 0xA7),
    (0x00, 0x00, 0x00),
    (0x99, 0x99, 0x99),
];

/// One bar: a group (or the whole sample), its n as shown, and each dimension's share of M0
/// (null where hidden: the bar is then not drawn).
struct Bar {
    label: String,
    n: String,
    shares: Vec<Option<f64>>,
}

fn contributions_chart(
    id: &str,
    texts: &Texts,
    dimensions: &[String],
    bars: &[Bar],
    hidden_note: &str,
) -> Result<String, String> {
    let (lx, x0, x1) = (16, 230, WIDTH as i32 - 30);
    let legend_rows = dimensions.len().div_ceil(3) as i32;
    let title_lines = crate::charts::wrap(&texts.title, 95, 2).len() as i32;
    let top = 60 + 22 * title_lines + 20 * legend_rows;
    let row_h = 34;
    let height = (top + bars.len() as i32 * row_h + 56) as u32;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        let ly = heading(&area, texts, lx)? + 4;
        for (d, name) in dimensions.iter().enumerate() {
            let (col, row) = ((d % 3) as i32, (d / 3) as i32);
            let (x, y) = (lx + col * 300, ly + row * 20);
            let c = rgb(DIMENSION_COLOURS[d % DIMENSION_COLOURS.len()]);
            rect(&area, (x, y - 6), (x + 14, y + 6), &c, true)?;
            text(
                &area,
                &truncate(name, 38),
                (x + 20, y),
                12.0,
                &INK,
                HPos::Left,
                false,
            )?;
        }
        let px = |v: f64| x0 + (v.clamp(0.0, 1.0) * (x1 - x0) as f64).round() as i32;
        for (b, bar) in bars.iter().enumerate() {
            let y = top + b as i32 * row_h;
            text(
                &area,
                &format!("{} (n={})", truncate(&bar.label, 24), bar.n),
                (lx, y + 12),
                12.5,
                &INK,
                HPos::Left,
                false,
            )?;
            if bar.shares.iter().any(Option::is_none) {
                text(
                    &area,
                    hidden_note,
                    (x0, y + 12),
                    11.5,
                    &GREY,
                    HPos::Left,
                    false,
                )?;
                continue;
            }
            let mut at = 0.0;
            for (d, s) in bar.shares.iter().enumerate() {
                let s = s.unwrap_or(0.0).max(0.0);
                let c = rgb(DIMENSION_COLOURS[d % DIMENSION_COLOURS.len()]);
                let (a, z) = (px(at), px(at + s));
                if z > a {
                    rect(&area, (a, y), (z, y + 24), &c, false)?;
                    if s >= 0.07 {
                        let ink = if matches!(d % 9, 4 | 7) { WHITE } else { INK };
                        let label = format!("{}", (s * 100.0).round());
                        text(
                            &area,
                            &label,
                            ((a + z) / 2, y + 12),
                            11.0,
                            &ink,
                            HPos::Center,
                            false,
                        )?;
                    }
                }
                at += s;
            }
        }
        let bottom = top + bars.len() as i32 * row_h;
        for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let x = px(t);
            line(&area, (x, bottom - 6), (x, bottom), &RULE, 1)?;
            let label = percent(100.0 * t, 0, &texts.lang);
            text(
                &area,
                &label,
                (x, bottom + 10),
                11.0,
                &GREY,
                HPos::Center,
                false,
            )?;
        }
        footer(&area, texts, lx, height)?;
    }
    Ok(accessible(svg, id, &texts.title, &texts.desc))
}

/// One line of the k chart: a group's M0 at each k (null where hidden).
struct Series {
    label: String,
    n: String,
    m0: Vec<Option<f64>>,
}

fn k_chart(
    id: &str,
    texts: &Texts,
    ks: &[f64],
    headline_k: f64,
    series: &[Series],
) -> Result<String, String> {
    let height = 420u32;
    let (lx, x0, x1) = (16, 80, WIDTH as i32 - 40);
    let title_lines = crate::charts::wrap(&texts.title, 95, 2).len() as i32;
    let (y0, y1) = (84 + 22 * title_lines, height as i32 - 70);
    let top = series
        .iter()
        .flat_map(|s| s.m0.iter().flatten())
        .fold(0.0f64, |a, b| a.max(*b));
    let top = ((top * 10.0).ceil() / 10.0).max(0.1);
    let (kmin, kmax) = (
        ks.first().copied().unwrap_or(0.0),
        ks.last().copied().unwrap_or(1.0),
    );
    let span = (kmax - kmin).max(1e-9);
    let px = |k: f64| x0 + ((k - kmin) / span * (x1 - x0) as f64).round() as i32;
    let py = |m: f64| y1 - (m / top * (y1 - y0) as f64).round() as i32;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        let ly = heading(&area, texts, lx)? + 4;
        let mut x = lx;
        for (g, s) in series.iter().enumerate() {
            let c = rgb(OKABE_ITO[g % OKABE_ITO.len()]);
            marker(&area, g, (x + 6, ly), &c)?;
            let label = format!("{} (n={})", s.label, s.n);
            text(&area, &label, (x + 16, ly), 12.0, &INK, HPos::Left, false)?;
            x += 40 + label.chars().count() as i32 * 7;
        }
        for step in 0..=4 {
            let m = top * step as f64 / 4.0;
            let y = py(m);
            line(&area, (x0, y), (x1, y), &RULE, 1)?;
            text(
                &area,
                &number(m, 2, &texts.lang),
                (x0 - 8, y),
                11.0,
                &GREY,
                HPos::Right,
                false,
            )?;
        }
        for &k in ks {
            let label = percent(100.0 * k, 0, &texts.lang);
            text(
                &area,
                &label,
                (px(k), y1 + 14),
                11.0,
                &GREY,
                HPos::Center,
                false,
            )?;
        }
        let hx = px(headline_k);
        line(&area, (hx, y0), (hx, y1), &GREY, 1)?;
        text(&area, "k", (hx + 6, y0 + 6), 12.0, &GREY, HPos::Left, true)?;
        for (g, s) in series.iter().enumerate() {
            let c = rgb(OKABE_ITO[g % OKABE_ITO.len()]);
            let points: Vec<Option<(i32, i32)>> =
                s.m0.iter()
                    .zip(ks)
                    .map(|(m, k)| m.map(|m| (px(*k), py(m))))
                    .collect();
            for w in points.windows(2) {
                if let [Some(a), Some(b)] = w {
                    line(&area, *a, *b, &c, 2)?;
                }
            }
            for p in points.iter().flatten() {
                marker(&area, g, *p, &c)?;
            }
        }
        footer(&area, texts, lx, height)?;
    }
    Ok(accessible(svg, id, &texts.title, &texts.desc))
}

/// The id of a capability analysis's chart of contributions by dimension (the brief shows it).
pub fn contributions_figure(id: &str) -> String {
    format!("{}-contributions", slug(id))
}

/// The capability chapter's figures for the analysis `id`.
pub fn figures(
    id: &str,
    c: &CapabilityResult,
    lang: &str,
    s: &Strings,
    source: &str,
) -> Result<Vec<Figure>, String> {
    let Some(at) = c.results.first() else {
        return Ok(Vec::new());
    };
    let n_of = |n: Option<u64>| n.map_or_else(|| s.get("suppressed_mark"), |n| n.to_string());
    let group_label = |g: usize| {
        c.group_labels.get(g).filter(|l| !l.is_empty()).map_or_else(
            || c.groups[g].clone(),
            |l| label_in(l, lang, "en", &c.groups[g]).to_string(),
        )
    };
    let dims: Vec<String> = c
        .dimensions
        .iter()
        .map(|d| label_in(&d.labels, lang, "en", &d.id).to_string())
        .collect();
    let mut bars = vec![Bar {
        label: s.get("everyone"),
        n: n_of(at.measures.overall.n),
        shares: at.measures.dimensions.iter().map(|d| d.overall).collect(),
    }];
    for (g, m) in at.measures.groups.iter().enumerate() {
        bars.push(Bar {
            label: group_label(g),
            n: n_of(m.n),
            shares: at.measures.dimensions.iter().map(|d| d.groups[g]).collect(),
        });
    }
    // The dimension contributing most in the whole sample names the chart.
    let top = at
        .measures
        .dimensions
        .iter()
        .zip(&dims)
        .filter_map(|(d, name)| Some((d.overall?, name)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let k_text = percent(100.0 * at.k, 0, lang);
    let title = match top {
        Some((share, name)) => s.fill(
            "capability_contrib_title",
            &[
                ("dimension", name),
                ("share", &percent(100.0 * share, 0, lang)),
            ],
        ),
        None => s.get("capability_contrib_title_plain"),
    };
    let texts = Texts {
        title,
        subtitle: s.fill("capability_contrib_subtitle", &[("k", &k_text)]),
        source: source.to_string(),
        desc: bars
            .iter()
            .map(|b| {
                let parts: Vec<String> = b
                    .shares
                    .iter()
                    .zip(&dims)
                    .filter_map(|(x, d)| Some(format!("{d} {}", percent(100.0 * (*x)?, 0, lang))))
                    .collect();
                format!("{}: {}", b.label, parts.join(", "))
            })
            .collect::<Vec<_>>()
            .join(". "),
        lang: lang.to_string(),
    };
    let contrib_id = contributions_figure(id);
    let svg = contributions_chart(
        &contrib_id,
        &texts,
        &dims,
        &bars,
        &s.get("capability_hidden_bar"),
    )?;
    let mut out = vec![Figure {
        file: format!("charts/{contrib_id}.svg"),
        label: s.get("capability_contributions"),
        id: contrib_id,
        title: texts.title,
        subtitle: texts.subtitle,
        desc: texts.desc,
        headline: true,
        svg,
    }];

    let sens = &c.sensitivity;
    let mut series: Vec<Series> = sens
        .groups
        .iter()
        .enumerate()
        .map(|(g, list)| Series {
            label: group_label(g),
            n: n_of(at.measures.groups[g].n),
            m0: list.iter().map(|m| m.m0).collect(),
        })
        .collect();
    if series.is_empty() {
        series.push(Series {
            label: s.get("everyone"),
            n: n_of(at.measures.overall.n),
            m0: sens.overall.iter().map(|m| m.m0).collect(),
        });
    }
    let holds = sens.rankings.iter().all(|r| r.holds == Some(true));
    // A claim that the order holds names the cutoffs where every pair was compared, no more.
    let assessed: Vec<usize> = (0..sens.ks.len())
        .filter(|&i| {
            sens.rankings
                .iter()
                .all(|r| r.assessed_at.iter().any(|k| (k - sens.ks[i]).abs() < 1e-12))
        })
        .collect();
    let k_pct = |i: usize| percent(100.0 * sens.ks[i], 0, lang);
    let title = if sens.rankings.is_empty() || (holds && assessed.len() < 2) {
        s.get("capability_k_title_plain")
    } else if holds {
        let (first, last) = (assessed[0], assessed[assessed.len() - 1]);
        if last - first + 1 == assessed.len() {
            s.fill(
                "capability_k_title_holds",
                &[("from", &k_pct(first)), ("to", &k_pct(last))],
            )
        } else {
            let list: Vec<String> = assessed.iter().map(|&i| k_pct(i)).collect();
            s.fill(
                "capability_k_title_holds_at",
                &[("list", &crate::format::join_words(&list, lang))],
            )
        }
    } else {
        s.get("capability_k_title_changes")
    };
    let texts = Texts {
        title,
        subtitle: s.fill("capability_k_subtitle", &[("k", &k_text)]),
        source: source.to_string(),
        desc: series
            .iter()
            .map(|x| {
                let parts: Vec<String> =
                    x.m0.iter()
                        .zip(&sens.ks)
                        .filter_map(|(m, k)| {
                            Some(format!(
                                "k {}: {}",
                                percent(100.0 * k, 0, lang),
                                number((*m)?, 3, lang)
                            ))
                        })
                        .collect();
                format!("{}: {}", x.label, parts.join(", "))
            })
            .collect::<Vec<_>>()
            .join(". "),
        lang: lang.to_string(),
    };
    let k_id = format!("{}-k", slug(id));
    let svg = k_chart(&k_id, &texts, &sens.ks, at.k, &series)?;
    out.push(Figure {
        file: format!("charts/{k_id}.svg"),
        label: s.get("capability_k"),
        id: k_id,
        title: texts.title,
        subtitle: texts.subtitle,
        desc: texts.desc,
        headline: false,
        svg,
    });
    out.extend(map_figure(id, c, lang, s, source)?);
    Ok(out)
}

/// The headcount H of every region on the tile map of Italy, when the groups are Italian
/// regions (or autonomous provinces): hidden values hatched, regions not taking part grey.
fn map_figure(
    id: &str,
    c: &CapabilityResult,
    lang: &str,
    s: &Strings,
    source: &str,
) -> Result<Option<Figure>, String> {
    use crate::charts::tilemap::{tile_map, tile_map_desc, Tile, TileState};
    let Some(at) = c.results.first() else {
        return Ok(None);
    };
    let codes: Option<Vec<&str>> = c
        .groups
        .iter()
        .map(|g| crate::geography::istat_code(g))
        .collect();
    let Some(codes) = codes.filter(|c| c.len() >= 3) else {
        return Ok(None);
    };
    let scale = crate::charts::Scale {
        percent: true,
        decimals: 0,
        higher_is_better: false,
    };
    let tiles: Vec<Tile> = at
        .measures
        .groups
        .iter()
        .zip(&codes)
        .zip(&c.groups)
        .map(|((m, code), name)| {
            let value = m.h.map(|h| 100.0 * h);
            Tile {
                code: code.to_string(),
                label: name.clone(),
                value,
                text: value.map(|v| scale.format(v, lang)).unwrap_or_default(),
                state: if value.is_some() {
                    TileState::Shown
                } else {
                    TileState::Hidden
                },
            }
        })
        .collect();
    let map_id = format!("{}-map", slug(id));
    let title = s.fill("chart_map_title", &[("measure", &s.get("capability_h"))]);
    let desc = tile_map_desc(s, lang, &tiles);
    let texts = Texts {
        title: title.clone(),
        subtitle: s.fill("capability_map_subtitle", &[("k", &percent(100.0 * at.k, 0, lang))]),
        source: source.to_string(),
        desc: desc.clone(),
        lang: lang.to_string(),
    };
    let svg = tile_map(&map_id, &texts, s, &scale, &tiles)?;
    Ok(Some(Figure {
        file: format!("charts/{map_id}.svg"),
        label: title.clone(),
        id: map_id,
        title,
        subtitle: texts.subtitle,
        desc,
        headline: false,
        svg,
    }))
}
