//! Charts as accessible SVG, drawn with plotters: diverging stacked bars of Likert answers, and
//! scale means with 95% intervals by group. Every chart has a title that states the finding, n per
//! group, a source line, and `<title>`/`<desc>` for screen readers. Colours: ColorBrewer RdBu for
//! Likert answers, Okabe–Ito per territory (with a distinct marker shape, for black-and-white print).
//! The geography charts are in [`tilemap`] (a tile-grid map of Italy's regions) and [`multiples`]
//! (one small trend panel per region); they are drawn at [`NARROW`] width so that, printed across
//! an A4 page (16 cm), no text is smaller than 8 pt.
//! The pictures of a network of services (a node-link diagram, the ordered adjacency matrix, the
//! type × type matrix of ties) are in [`network`].

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub mod histogram;
pub mod multiples;
pub mod network;
pub mod raster;
pub mod tilemap;

pub use multiples::{small_multiples, small_multiples_desc, Panel, TrendPoint};
pub use tilemap::{tile_map, tile_map_desc, Tile, TileState};

/// ColorBrewer RdBu, 5 classes: strongly disagree → strongly agree.
pub const RDBU5: [(u8, u8, u8); 5] = [
    (0xca, 0x00, 0x20),
    (0xf4, 0xa5, 0x82),
    (0xf7, 0xf7, 0xf7),
    (0x92, 0xc5, 0xde),
    (0x05, 0x71, 0xb0),
];

/// Okabe–Ito colours for groups, in the study's territory order.
pub const OKABE_ITO: [(u8, u8, u8); 7] = [
    (0xE6, 0x9F, 0x00),
    (0x00, 0x72, 0xB2),
    (0x00, 0x9E, 0x73),
    (0xCC, 0x79, 0xA7),
    (0xD5, 0x5E, 0x00),
    (0x56, 0xB4, 0xE9),
    (0x00, 0x00, 0x00),
];

const FONT: &str = "sans-serif";
pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const GREY: RGBColor = RGBColor(0x77, 0x77, 0x77);
pub(super) const RULE: RGBColor = RGBColor(0xcc, 0xcc, 0xcc);

pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
pub(super) type DrawResult = Result<(), String>;

pub(super) fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Text at pixel position; `px` is the rendered font size in CSS pixels.
pub(super) fn text(
    area: &Area,
    s: &str,
    (x, y): (i32, i32),
    px: f64,
    color: &RGBColor,
    h: HPos,
    bold: bool,
) -> DrawResult {
    let font = (FONT, px * 1.24).into_font();
    let font = if bold {
        font.style(FontStyle::Bold)
    } else {
        font
    };
    let style = TextStyle::from(font)
        .color(color)
        .pos(Pos::new(h, VPos::Center));
    area.draw(&Text::new(clean(s), (x, y), style))
        .map_err(|e| e.to_string())
}

pub(super) fn rect(
    area: &Area,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    color: &RGBColor,
    outline: bool,
) -> DrawResult {
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))
        .map_err(|e| e.to_string())?;
    if outline {
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], RULE.stroke_width(1)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub(super) fn line(
    area: &Area,
    from: (i32, i32),
    to: (i32, i32),
    color: &RGBColor,
    width: u32,
) -> DrawResult {
    area.draw(&PathElement::new(vec![from, to], color.stroke_width(width)))
        .map_err(|e| e.to_string())
}

/// Shortens `s` to at most `max` characters with an ellipsis, cut at a word boundary: never
/// inside a word («…nelle decisioni sul…», not «…sul mi…»), and without the punctuation the cut
/// leaves at its end. A first word longer than `max` is the only one cut inside.
pub fn truncate(s: &str, max: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    // Inside a word when both the last character kept and the first dropped are part of it.
    let word = |c: char| c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
    let mut end = keep;
    if end > 0 && word(chars[end - 1]) && word(chars[end]) {
        match chars[..end].iter().rposition(|c| c.is_whitespace()) {
            Some(space) if space > 0 => end = space,
            _ => {}
        }
    }
    let cut: String = chars[..end].iter().collect();
    let mut t = cut
        .trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-(«\"".contains(c))
        .to_string();
    t.push('…');
    t
}

/// `s` without the characters XML 1.0 forbids (control characters other than tab, line feed and
/// carriage return; U+FFFE and U+FFFF), which no escape can carry and which would make the SVG
/// unreadable.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
        })
        .collect()
}

pub(super) fn xml_escape(s: &str) -> String {
    clean(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Adds `role="img"`, `<title>` and `<desc>` to plotters' SVG.
pub(super) fn accessible(svg: String, id: &str, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else { return svg };
    let (head, rest) = svg.split_at(end);
    let id = xml_escape(id);
    format!(
        "{head} role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        xml_escape(title),
        xml_escape(desc),
        &rest[1..]
    )
}

/// One bar of a Likert chart: an item (label shown on its first group) for one group.
pub struct LikertBar {
    pub item_label: String,
    pub group: String,
    pub group_index: usize,
    /// The group's size as shown ("90", or the mark of a hidden value).
    pub n: String,
    /// Percent per category, lowest category first; hidden ones are not drawn.
    pub percent: Vec<Option<f64>>,
    /// A reverse-keyed statement (agreeing is unfavourable): its answers are drawn in reverse
    /// order, so the favourable answers are on the right in blue as for every other statement
    /// (strongly agree on the left, in red).
    pub reverse: bool,
}

/// Texts of a chart.
pub struct Texts {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub desc: String,
    /// The report's language, for axis numbers.
    pub lang: String,
}

/// Splits `s` into lines of at most `width` characters at spaces; at most `max_lines` lines, the
/// last one shortened with an ellipsis when the text does not fit.
pub fn wrap(s: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(truncate(&rest, width));
    }
    lines.iter_mut().for_each(|l| *l = truncate(l, width));
    lines
}

/// [`wrap`] that may also break a word after a hyphen ("Trentino-" / "Alto Adige"), for names in
/// narrow places.
pub fn wrap_name(s: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        for (k, part) in word.split_inclusive('-').enumerate() {
            let sep = if current.is_empty() || k > 0 { "" } else { " " };
            if !current.is_empty()
                && current.chars().count() + sep.len() + part.chars().count() > width
            {
                lines.push(std::mem::take(&mut current));
            } else {
                current.push_str(sep);
            }
            current.push_str(part);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines.max(1) {
        let rest = lines[max_lines.max(1) - 1..].join(" ");
        lines.truncate(max_lines.max(1) - 1);
        lines.push(rest);
    }
    lines.iter_mut().for_each(|l| *l = truncate(l, width));
    lines
}

/// Draws the source line at the bottom and finishes the drawing.
pub(super) fn footer(area: &Area, texts: &Texts, lx: i32, height: u32) -> DrawResult {
    let y = height as i32 - 14;
    text(area, &texts.source, (lx, y), 11.0, &GREY, HPos::Left, false)?;
    area.present().map_err(|e| e.to_string())
}

/// Draws the title (up to two lines), the subtitle; returns the y below them.
pub(super) fn heading(area: &Area, texts: &Texts, lx: i32) -> Result<i32, String> {
    let mut y = 20;
    for l in wrap(&texts.title, 95, 2) {
        text(area, &l, (lx, y), 17.0, &INK, HPos::Left, true)?;
        y += 22;
    }
    text(
        area,
        &texts.subtitle,
        (lx, y + 2),
        13.0,
        &GREY,
        HPos::Left,
        false,
    )?;
    Ok(y + 22)
}

pub(super) const WIDTH: u32 = 960;

/// Diverging stacked bars: disagreement to the left of zero, agreement to the right, the middle
/// category split across zero. Expects five categories (other counts are drawn from the left).
pub fn likert_chart(
    id: &str,
    texts: &Texts,
    categories: &[String],
    bars: &[LikertBar],
) -> Result<String, String> {
    let row_h = 22;
    let gap = 10;
    let items = bars.iter().filter(|b| !b.item_label.is_empty()).count() as i32;
    let title_lines = wrap(&texts.title, 95, 2).len() as i32;
    let top = 74 + 22 * title_lines;
    let body = bars.len() as i32 * row_h + items * gap;
    let height = (top + body + 70) as u32;
    let (lx, x0, x1) = (16, 430, WIDTH as i32 - 30);
    let mid = (x0 + x1) / 2;
    let scale = |p: f64| ((x1 - x0) as f64 / 200.0 * p).round() as i32;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        let ly = heading(&area, texts, lx)? + 6;
        // Legend.
        let mut x = lx;
        for (k, c) in categories.iter().enumerate() {
            let color = rgb(RDBU5[k.min(4)]);
            rect(&area, (x, ly - 7), (x + 14, ly + 7), &color, k == 2)?;
            let label = truncate(c, 32);
            text(&area, &label, (x + 19, ly), 11.5, &INK, HPos::Left, false)?;
            x += 30 + (label.chars().count() as i32 * 6).max(40);
        }
        let mut y = top;
        for bar in bars {
            if !bar.item_label.is_empty() {
                y += gap;
                for (k, l) in wrap(&bar.item_label, 50, 2).iter().enumerate() {
                    text(
                        &area,
                        l,
                        (lx, y + row_h / 2 + k as i32 * 16),
                        12.0,
                        &INK,
                        HPos::Left,
                        false,
                    )?;
                }
            }
            let group = format!("{} (n={})", bar.group, bar.n);
            let color = rgb(OKABE_ITO[bar.group_index % OKABE_ITO.len()]);
            text(
                &area,
                &group,
                (x0 - 8, y + row_h / 2),
                11.5,
                &color_dark(color),
                HPos::Right,
                false,
            )?;
            let mut p: Vec<f64> = bar.percent.iter().map(|v| v.unwrap_or(0.0)).collect();
            // Colour and side mean the same for every statement: favourable on the right, blue.
            if bar.reverse {
                p.reverse();
            }
            let left = if p.len() == 5 {
                p[0] + p[1] + p[2] / 2.0
            } else {
                0.0
            };
            let mut start = if p.len() == 5 { -left } else { -100.0 };
            for (k, v) in p.iter().enumerate() {
                let a = mid + scale(start);
                let b = mid + scale(start + v);
                if b > a {
                    rect(
                        &area,
                        (a, y + 3),
                        (b, y + row_h - 3),
                        &rgb(RDBU5[k.min(4)]),
                        k == 2,
                    )?;
                }
                if *v >= 9.0 {
                    let ink = if k == 0 || k == 4 { WHITE } else { INK };
                    text(
                        &area,
                        &format!("{:.0}", v),
                        ((a + b) / 2, y + row_h / 2),
                        10.5,
                        &ink,
                        HPos::Center,
                        false,
                    )?;
                }
                start += v;
            }
            y += row_h;
        }
        // Axis.
        line(&area, (mid, top), (mid, y + 4), &GREY, 1)?;
        line(&area, (x0, y + 6), (x1, y + 6), &RULE, 1)?;
        for t in [-100i32, -50, 0, 50, 100] {
            let x = mid + scale(t as f64);
            line(&area, (x, y + 6), (x, y + 10), &GREY, 1)?;
            let label = crate::format::percent(t.abs() as f64, 0, &texts.lang);
            text(&area, &label, (x, y + 20), 11.0, &GREY, HPos::Center, false)?;
        }
        footer(&area, texts, lx, height)?;
    }
    Ok(accessible(svg, id, &texts.title, &texts.desc))
}

pub(super) fn color_dark(c: RGBColor) -> RGBColor {
    // Group names are written in their colour, darkened enough to read on white.
    RGBColor(c.0 / 3 * 2, c.1 / 3 * 2, c.2 / 3 * 2)
}

/// One scale's mean for one group.
pub struct MeanPoint {
    pub group_index: usize,
    pub mean: f64,
    pub ci: Option<[f64; 2]>,
}

/// One row of a means chart.
pub struct MeanRow {
    pub label: String,
    pub points: Vec<MeanPoint>,
}

/// Means with 95% intervals, one row per scale, one marker per group.
pub fn means_chart(
    id: &str,
    texts: &Texts,
    groups: &[(String, String)],
    range: [f64; 2],
    rows: &[MeanRow],
) -> Result<String, String> {
    let row_h = 18 * groups.len().max(1) as i32 + 14;
    let title_lines = wrap(&texts.title, 95, 2).len() as i32;
    let top = 74 + 22 * title_lines;
    let height = (top + rows.len() as i32 * row_h + 64) as u32;
    let (lx, x0, x1) = (16, 330, WIDTH as i32 - 40);
    let span = (range[1] - range[0]).max(1e-9);
    let px = |v: f64| x0 + ((v - range[0]) / span * (x1 - x0) as f64).round() as i32;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        let ly = heading(&area, texts, lx)? + 6;
        let mut x = lx;
        for (k, (name, n)) in groups.iter().enumerate() {
            let color = rgb(OKABE_ITO[k % OKABE_ITO.len()]);
            marker(&area, k, (x + 6, ly), &color)?;
            let label = format!("{name} (n={n})");
            text(&area, &label, (x + 16, ly), 12.0, &INK, HPos::Left, false)?;
            x += 40 + label.chars().count() as i32 * 7;
        }
        let bottom = top + rows.len() as i32 * row_h;
        let mut tick = range[0].ceil();
        while tick <= range[1] + 1e-9 {
            let x = px(tick);
            line(&area, (x, top), (x, bottom), &RULE, 1)?;
            text(
                &area,
                &format!("{tick}"),
                (x, bottom + 14),
                11.0,
                &GREY,
                HPos::Center,
                false,
            )?;
            tick += 1.0;
        }
        for (r, row) in rows.iter().enumerate() {
            let y0 = top + r as i32 * row_h;
            text(
                &area,
                &truncate(&row.label, 40),
                (lx, y0 + row_h / 2),
                12.5,
                &INK,
                HPos::Left,
                false,
            )?;
            for (k, p) in row.points.iter().enumerate() {
                let y = y0 + 7 + k as i32 * 18 + 9;
                let color = rgb(OKABE_ITO[p.group_index % OKABE_ITO.len()]);
                if let Some([lo, hi]) = p.ci {
                    line(&area, (px(lo), y), (px(hi), y), &color, 2)?;
                    line(&area, (px(lo), y - 4), (px(lo), y + 4), &color, 2)?;
                    line(&area, (px(hi), y - 4), (px(hi), y + 4), &color, 2)?;
                }
                marker(&area, p.group_index, (px(p.mean), y), &color)?;
            }
        }
        footer(&area, texts, lx, height)?;
    }
    Ok(accessible(svg, id, &texts.title, &texts.desc))
}

/// A filled marker whose shape also tells the group: circle, square, triangle, diamond…
pub(super) fn marker(area: &Area, k: usize, (x, y): (i32, i32), color: &RGBColor) -> DrawResult {
    let r = 6;
    let style = ShapeStyle::from(color).filled();
    let result = match k % 4 {
        0 => area.draw(&Circle::new((x, y), r, style)),
        1 => area.draw(&Rectangle::new(
            [(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)],
            style,
        )),
        2 => area.draw(&Polygon::new(
            vec![(x, y - r), (x + r, y + r - 1), (x - r, y + r - 1)],
            style,
        )),
        _ => area.draw(&Polygon::new(
            vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
            style,
        )),
    };
    result.map_err(|e| e.to_string())
}

/// Width of the geography charts, in CSS pixels: printed 16 cm wide, 12 px is 8.5 pt.
pub const NARROW: u32 = 640;
/// The smallest text of the geography charts, in CSS pixels (8 pt or more at 16 cm wide).
pub(super) const SMALL: f64 = 12.0;
/// Grey for the geography charts' secondary text: 6.4:1 on white (WCAG AA).
pub(super) const MUTED: RGBColor = RGBColor(0x5f, 0x5f, 0x5f);

/// How a chart's numbers read: percent (0–100) or plain numbers, their decimals, and whether a
/// higher value is the better one (the tile map draws the worse end darker either way).
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub percent: bool,
    pub decimals: usize,
    pub higher_is_better: bool,
}

impl Scale {
    /// `x` in the reader's language: `12,5 %` / `12.5%`, or `0,31` / `0.31`.
    pub fn format(&self, x: f64, lang: &str) -> String {
        if self.percent {
            crate::format::percent(x, self.decimals, lang)
        } else {
            crate::format::number(x, self.decimals, lang)
        }
    }

    /// A range `10–20 %` / `10–20%` (the unit once, after the upper end).
    pub fn range(&self, lo: f64, hi: f64, lang: &str) -> String {
        let a = crate::format::number(lo, self.decimals, lang);
        let b = self.format(hi, lang);
        format!("{a}–{b}")
    }
}

/// Lines of the title and of the subtitle of a chart `NARROW` wide.
pub(super) fn narrow_heading_lines(texts: &Texts) -> (Vec<String>, Vec<String>) {
    (wrap(&texts.title, 60, 2), wrap(&texts.subtitle, 84, 2))
}

/// Height of [`narrow_heading`]'s block.
pub(super) fn narrow_heading_height(texts: &Texts) -> i32 {
    let (t, s) = narrow_heading_lines(texts);
    14 + 24 * t.len() as i32 + 18 * s.len() as i32
}

/// Title (18 px, up to two lines) and subtitle (13 px, up to two lines) of a chart `NARROW` wide;
/// returns the y below them.
pub(super) fn narrow_heading(area: &Area, texts: &Texts, lx: i32) -> Result<i32, String> {
    let (title, subtitle) = narrow_heading_lines(texts);
    let mut y = 22;
    for l in &title {
        text(area, l, (lx, y), 18.0, &INK, HPos::Left, true)?;
        y += 24;
    }
    y -= 4;
    for l in &subtitle {
        text(area, l, (lx, y), 13.0, &MUTED, HPos::Left, false)?;
        y += 18;
    }
    Ok(y)
}

/// The source line (wrapped to two lines at most) at the bottom of a chart `NARROW` wide, and the
/// end of the drawing.
pub(super) fn narrow_footer(area: &Area, texts: &Texts, lx: i32, height: u32) -> DrawResult {
    let lines = wrap(&texts.source, 90, 2);
    let mut y = height as i32 - 14 - 16 * (lines.len() as i32 - 1);
    for l in &lines {
        text(area, l, (lx, y), SMALL, &MUTED, HPos::Left, false)?;
        y += 16;
    }
    area.present().map_err(|e| e.to_string())
}

/// Height the source line needs at the bottom.
pub(super) fn narrow_footer_height(texts: &Texts) -> i32 {
    16 + 16 * wrap(&texts.source, 90, 2).len() as i32
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance(c: (u8, u8, u8)) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The text colour for a fill: the ink or white, whichever contrasts more.
pub(super) fn ink_on(fill: (u8, u8, u8)) -> (u8, u8, u8) {
    let ink = (INK.0, INK.1, INK.2);
    let white = (0xff, 0xff, 0xff);
    if contrast(fill, ink) >= contrast(fill, white) {
        ink
    } else {
        white
    }
}

pub(super) fn hex(c: (u8, u8, u8)) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A `<text>` element written by hand (for the parts plotters cannot draw: tiles in a group with
/// attributes), set like plotters' own: centred vertically on `y`.
pub(super) fn text_element(
    s: &str,
    (x, y): (i32, i32),
    px: f64,
    fill: (u8, u8, u8),
    anchor: &str,
    bold: bool,
    halo: bool,
) -> String {
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    let halo = if halo {
        " stroke=\"#FFFFFF\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\""
    } else {
        ""
    };
    format!(
        "<text x=\"{x}\" y=\"{y}\" dy=\"0.5ex\" text-anchor=\"{anchor}\" font-family=\"{FONT}\" font-size=\"{px}\" fill=\"{}\"{weight}{halo}>{}</text>\n",
        hex(fill),
        xml_escape(s)
    )
}

/// What the chart tests share: the shipped words, and an SVG read back as an XML tree.
#[cfg(test)]
pub(crate) mod testing {
    use std::collections::BTreeMap;

    use quick_xml::events::Event;

    use crate::words::Strings;

    /// The words of reports/strings.toml in `lang` (English where a key is missing), as a run
    /// reads them.
    pub fn strings(lang: &str) -> Strings {
        let all: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(include_str!("../../reports/strings.toml")).unwrap();
        let mut map = all["en"].clone();
        map.extend(all[lang].clone());
        Strings::new(map)
    }

    /// An element: its name, attributes (unescaped), children and text (unescaped, its own).
    #[derive(Debug, Default)]
    pub struct Node {
        pub name: String,
        pub attrs: BTreeMap<String, String>,
        pub children: Vec<Node>,
        pub text: String,
    }

    impl Node {
        /// Every element under this one (itself included), depth first.
        pub fn all(&self) -> Vec<&Node> {
            let mut out = vec![self];
            for c in &self.children {
                out.extend(c.all());
            }
            out
        }

        /// The text of this element and of every element under it.
        pub fn all_text(&self) -> String {
            self.all()
                .iter()
                .map(|n| n.text.as_str())
                .collect::<Vec<_>>()
                .join("|")
        }
    }

    fn xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{d7ff}').contains(&c)
            || ('\u{e000}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}'
    }

    /// Reads `svg` with quick-xml: one root element, every end tag matching its start, attributes
    /// well formed and unique, only the five predefined entities and character references, only
    /// characters XML 1.0 allows. Errs on the first fault.
    pub fn parse(svg: &str) -> Result<Node, String> {
        if let Some(c) = svg.chars().find(|c| !xml_char(*c)) {
            return Err(format!("character {c:?} is not allowed in XML"));
        }
        let mut reader = quick_xml::Reader::from_str(svg);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Node> = vec![Node::default()];
        let open = |e: &quick_xml::events::BytesStart| -> Result<Node, String> {
            let mut node = Node {
                name: e.name().as_ref().to_string(),
                ..Node::default()
            };
            for a in e.attributes() {
                let a = a.map_err(|e| e.to_string())?;
                let key = a.key.as_ref().to_string();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| e.to_string())?
                    .into_owned();
                if node.attrs.insert(key.clone(), value).is_some() {
                    return Err(format!("attribute {key} twice"));
                }
            }
            Ok(node)
        };
        loop {
            let event = reader
                .read_event()
                .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
            match event {
                Event::Start(e) => stack.push(open(&e)?),
                Event::Empty(e) => {
                    let node = open(&e)?;
                    stack.last_mut().ok_or("no parent")?.children.push(node);
                }
                Event::End(_) => {
                    let node = stack.pop().ok_or("end without start")?;
                    stack
                        .last_mut()
                        .ok_or("end without start")?
                        .children
                        .push(node);
                }
                Event::Text(t) => {
                    let text = t.xml10_content();
                    let top = stack.last_mut().ok_or("text outside")?;
                    top.text.push_str(&text);
                }
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&r)
                            .ok_or_else(|| format!("unknown entity &{};", &*r))?
                            .to_string(),
                    };
                    stack.last_mut().ok_or("text outside")?.text.push_str(&c);
                }
                Event::CData(_) | Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::DocType(_) => return Err("a DOCTYPE".into()),
                Event::Eof => break,
            }
        }
        let mut doc = stack.pop().ok_or("no document")?;
        if !stack.is_empty() {
            return Err(format!("{} elements not closed", stack.len()));
        }
        if doc.children.len() != 1 {
            return Err(format!("{} root elements", doc.children.len()));
        }
        if !doc.text.trim().is_empty() {
            return Err("text outside the root element".into());
        }
        Ok(doc.children.remove(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        Texts {
            title: "A <b>title</b> & more".into(),
            subtitle: "sub".into(),
            source: "Source: synthetic".into(),
            desc: "desc".into(),
            lang: "en".into(),
        }
    }

    #[test]
    fn truncation_cuts_at_a_word_boundary() {
        let s = "Le mie opinioni sono state ascoltate nelle decisioni sul mio futuro.";
        // Cut inside «mio», the word is dropped whole (it was «…sul mi…»).
        assert_eq!(
            truncate(s, 60),
            "Le mie opinioni sono state ascoltate nelle decisioni sul…"
        );
        // A cut on a space or after punctuation keeps the whole words before it.
        assert_eq!(truncate("uno, due tre", 6), "uno…");
        assert_eq!(truncate(s, 200), s);
        // One word longer than the room: cut inside, the only way.
        assert_eq!(truncate("Precipitevolissimevolmente", 8), "Precipi…");
        for max in 2..s.chars().count() {
            let t = truncate(s, max);
            assert!(t.chars().count() <= max, "{t}");
            let kept = t.trim_end_matches('…');
            assert!(s.starts_with(kept));
            let next = s[kept.len()..].chars().next();
            assert!(
                kept.chars().count() <= 1 || !next.is_some_and(char::is_alphanumeric),
                "cut inside a word at {max}: {t}"
            );
        }
    }

    #[test]
    fn likert_svg_is_accessible_and_escaped() {
        let bars = vec![LikertBar {
            item_label: "<script>alert(1)</script>".into(),
            group: "Prato".into(),
            group_index: 0,
            n: "40".into(),
            percent: vec![Some(10.0), Some(20.0), Some(30.0), Some(25.0), Some(15.0)],
            reverse: false,
        }];
        let cats: Vec<String> = (1..=5).map(|k| k.to_string()).collect();
        let svg = likert_chart("c1", &texts(), &cats, &bars).unwrap();
        // A reverse-keyed statement is drawn as the same answers in reverse order: strongly
        // agree (unfavourable) on the left in red, strongly disagree on the right in blue.
        let mut flipped = vec![LikertBar {
            percent: bars[0].percent.iter().rev().copied().collect(),
            item_label: bars[0].item_label.clone(),
            group: bars[0].group.clone(),
            group_index: 0,
            n: bars[0].n.clone(),
            reverse: false,
        }];
        let drawn_reversed = likert_chart("c1", &texts(), &cats, &flipped).unwrap();
        flipped[0].percent = bars[0].percent.clone();
        flipped[0].reverse = true;
        assert_eq!(
            likert_chart("c1", &texts(), &cats, &flipped).unwrap(),
            drawn_reversed
        );
        assert_ne!(drawn_reversed, svg);
        assert!(svg.contains("role=\"img\""));
        assert!(
            svg.contains("<title id=\"c1-title\">A &lt;b&gt;title&lt;/b&gt; &amp; more</title>")
        );
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            wrap("one two three four", 9, 3),
            vec!["one two", "three", "four"]
        );
        assert_eq!(
            wrap("one two three four", 9, 2),
            vec!["one two", "three…"],
            "cut at a word, never inside one"
        );
    }

    #[test]
    fn names_break_after_hyphens_too() {
        assert_eq!(
            wrap_name("Trentino-Alto Adige", 10, 2),
            vec!["Trentino-", "Alto Adige"]
        );
        assert_eq!(wrap_name("Emilia-Romagna", 16, 2), vec!["Emilia-Romagna"]);
        assert_eq!(
            wrap_name("Friuli-Venezia Giulia", 10, 2),
            vec!["Friuli-", "Venezia…"]
        );
    }

    #[test]
    fn truncates_long_labels() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
