//! A chart as a PNG picture, for report.docx: the SVG drawn by resvg with the fonts shipped in
//! `assets/fonts/` (Liberation Sans, SIL OFL), never the machine's own, so a chart's words look the
//! same, and the bytes are the same, on every machine.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        let family = "Liberation Sans";
        db.set_sans_serif_family(family);
        db.set_serif_family(family);
        db.set_monospace_family(family);
        db.set_cursive_family(family);
        db.set_fantasy_family(family);
        Arc::new(db)
    })
    .clone()
}

/// A PNG of `svg` at `scale` times its size, on white: its bytes, and its width and height in
/// pixels.
pub fn png(svg: &str, scale: f32) -> Result<(Vec<u8>, u32, u32), String> {
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "Liberation Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("the chart has no size")?;
    let (w, h) = (size.width(), size.height());
    if u64::from(w) * u64::from(h) > 40_000_000 {
        return Err(format!("the chart is too large to draw ({w} × {h} pixels)"));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or("the chart has no size")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // On its white background every pixel is opaque: RGB, quickly compressed (fdeflate; charts
    // are flat colours).
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    }
    Ok((bytes, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_text_with_the_shipped_font_the_same_every_time() {
        let svg = r##"<svg width="200" height="40" xmlns="http://www.w3.org/2000/svg"><text x="10" y="28" font-family="sans-serif" font-size="20" fill="#000">Prato 58 %</text></svg>"##;
        let (a, w, h) = png(svg, 2.0).unwrap();
        assert_eq!((w, h), (400, 80));
        assert_eq!(&a[1..4], b"PNG");
        assert_eq!(png(svg, 2.0).unwrap().0, a);
        // The words are drawn with the shipped font: dark pixels where the text is.
        let pixmap = tiny_skia::Pixmap::decode_png(&a).unwrap();
        let dark = pixmap.pixels().iter().filter(|p| p.red() < 100).count();
        assert!(dark > 300, "{dark} dark pixels");
    }

    #[test]
    fn refuses_what_is_not_a_chart() {
        assert!(png("<html>", 1.0).is_err());
        assert!(png(
            r#"<svg width="100000" height="100000" xmlns="http://www.w3.org/2000/svg"/>"#,
            2.0
        )
        .is_err());
    }
}
