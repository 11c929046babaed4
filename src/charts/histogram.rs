//! A histogram of a number question (age, years in care) as small multiples: one panel for
//! everyone, then one per territory, on the same bins, each bar labelled with its count. Bins
//! may differ in width (small ones are merged): each is drawn as wide as its range of values and
//! as high as its count per unit of that range, so that areas, not heights, compare. A bin
//! whose count is hidden (disclosure control) is drawn as a light band with the hidden mark, never
//! as a bar. Drawn [`NARROW`] wide, so that printed across an A4 page no text is below 8 pt.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{
    accessible, narrow_footer, narrow_footer_height, narrow_heading, narrow_heading_height, rect,
    rgb, text, truncate, Texts, INK, MUTED, NARROW, RULE, SMALL,
};

/// One panel: a group's counts per bin (none: hidden).
pub struct HistogramPanel {
    /// The group's name with its n, as shown above the panel.
    pub label: String,
    pub color: (u8, u8, u8),
    pub counts: Vec<Option<u64>>,
}

/// Light band behind a hidden bin.
const HIDDEN_BAND: RGBColor = RGBColor(0xee, 0xee, 0xee);

/// The histogram; `bins`: each bin's label (shown under every panel) and the width of its range
/// of values, `hidden_mark`: the mark of a hidden count.
pub fn histogram(
    id: &str,
    texts: &Texts,
    bins: &[(String, f64)],
    panels: &[HistogramPanel],
    hidden_mark: &str,
) -> Result<String, String> {
    const PANEL: i32 = 130;
    const BARS: i32 = 80;
    let top = narrow_heading_height(texts) + 8;
    let height = (top + PANEL * panels.len() as i32 + narrow_footer_height(texts)) as u32;
    let (x0, x1) = (16, NARROW as i32 - 16);
    // Each bin's left edge in pixels, by its share of the whole range.
    let span: f64 = bins.iter().map(|b| b.1.max(0.0)).sum::<f64>().max(1e-9);
    let mut edges = vec![x0];
    let mut acc = 0.0;
    for b in bins {
        acc += b.1.max(0.0);
        edges.push(x0 + (acc / span * (x1 - x0) as f64).round() as i32);
    }
    let narrowest = edges
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(1)
        .max(1);
    // Bin labels: every bin when they fit, else every k-th.
    let widest = bins.iter().map(|b| b.0.chars().count()).max().unwrap_or(1) as i32;
    let every = ((widest * 7 + 6) / narrowest + 1).max(1) as usize;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (NARROW, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        narrow_heading(&area, texts, x0)?;
        for (p, panel) in panels.iter().enumerate() {
            let y0 = top + p as i32 * PANEL;
            text(
                &area,
                &truncate(&panel.label, 70),
                (x0, y0 + 10),
                13.0,
                &INK,
                HPos::Left,
                true,
            )?;
            let base = y0 + 24 + BARS;
            let density = |b: usize, c: u64| c as f64 / bins[b].1.max(1e-9);
            let max = panel
                .counts
                .iter()
                .enumerate()
                .filter_map(|(b, c)| c.map(|c| density(b, c)))
                .fold(0.0, f64::max)
                .max(1e-9);
            for (b, count) in panel.counts.iter().enumerate() {
                let left = edges[b] + 2;
                let right = edges[b + 1] - 2;
                let centre = (left + right) / 2;
                match count {
                    Some(c) => {
                        let h = (density(b, *c) / max * (BARS - 16) as f64).round() as i32;
                        if h > 0 {
                            rect(
                                &area,
                                (left, base - h),
                                (right, base),
                                &rgb(panel.color),
                                false,
                            )?;
                        }
                        text(
                            &area,
                            &c.to_string(),
                            (centre, base - h - 8),
                            SMALL,
                            &INK,
                            HPos::Center,
                            false,
                        )?;
                    }
                    None => {
                        rect(
                            &area,
                            (left, base - BARS + 16),
                            (right, base),
                            &HIDDEN_BAND,
                            false,
                        )?;
                        text(
                            &area,
                            hidden_mark,
                            (centre, base - BARS / 2 + 8),
                            SMALL,
                            &MUTED,
                            HPos::Center,
                            false,
                        )?;
                    }
                }
            }
            area.draw(&PathElement::new(
                vec![(x0, base), (x1, base)],
                RULE.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
            for (b, (label, _)) in bins.iter().enumerate() {
                if b % every == 0 {
                    let centre = (edges[b] + edges[b + 1]) / 2;
                    text(
                        &area,
                        label,
                        (centre, base + 12),
                        SMALL,
                        &MUTED,
                        HPos::Center,
                        false,
                    )?;
                }
            }
        }
        narrow_footer(&area, texts, x0, height)?;
    }
    Ok(accessible(svg, id, &texts.title, &texts.desc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        Texts {
            title: "Età".into(),
            subtitle: "Rispondenti per classe".into(),
            source: "Fonte: dati sintetici".into(),
            desc: "Tutti (n=90): 16–17: 20".into(),
            lang: "it".into(),
        }
    }

    #[test]
    fn bars_labels_and_hidden_bins() {
        let panels = [
            HistogramPanel {
                label: "Tutti (n=30)".into(),
                color: (0x55, 0x55, 0x55),
                counts: vec![Some(12), Some(18)],
            },
            HistogramPanel {
                label: "Prato (n=15)".into(),
                color: super::super::OKABE_ITO[0],
                counts: vec![None, None],
            },
        ];
        let bins = [("16–20".to_string(), 5.0), ("21–25".to_string(), 5.0)];
        let svg = histogram("h", &texts(), &bins, &panels, "x").unwrap();
        assert_eq!(svg, histogram("h", &texts(), &bins, &panels, "x").unwrap());
        let root = crate::charts::testing::parse(&svg).unwrap();
        let all = root.all_text();
        for word in [
            "Età",
            "Tutti (n=30)",
            "Prato (n=15)",
            "12",
            "18",
            "16–20",
            "21–25",
        ] {
            assert!(all.contains(word), "{word} in {all}");
        }
        // The hidden bins show the mark, twice, and no count.
        assert_eq!(all.matches('x').count(), 2, "{all}");
        assert!(svg.contains("<desc id=\"h-desc\">Tutti (n=90): 16–17: 20</desc>"));
    }
}
