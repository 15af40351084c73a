//! Charts as SVG drawn on the server, so a dashboard reads without script:
//! bars (a histogram, a ranking) and lines (scores over time). Text in a
//! chart is escaped here; the SVG goes into the page as it is.

use std::fmt::Write;

const W: f64 = 560.0;
const H: f64 = 180.0;
const PAD: f64 = 28.0;

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn open(title: &str, width: f64, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    )
}

/// Vertical bars, one per (label, value), scaled to the largest value (or to
/// `max` when given); each bar says its value on hover.
pub fn bars(title: &str, data: &[(String, f64)], max: Option<f64>) -> String {
    let mut svg = open(title, W, H);
    let top = max
        .unwrap_or_else(|| data.iter().map(|d| d.1).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    let slot = (W - 2.0 * PAD) / data.len().max(1) as f64;
    let base = H - PAD;
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" class=\"axis\"/>",
        W - PAD
    );
    for (i, (label, value)) in data.iter().enumerate() {
        let h = (value / top).clamp(0.0, 1.0) * (H - 2.0 * PAD);
        let x = PAD + i as f64 * slot;
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"bar\"><title>{}: {}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{}</text>",
            x + slot * 0.1,
            base - h,
            slot * 0.8,
            escape(label),
            trim(*value),
            x + slot / 2.0,
            H - PAD / 3.0,
            escape(label),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A line through values 0–100 in order, with a dashed line at `mark` (a pass
/// mark); small enough to sit in a table row.
pub fn sparkline(title: &str, values: &[f64], mark: Option<f64>) -> String {
    let (w, h) = (120.0, 28.0);
    let mut svg = open(title, w, h);
    let y = |v: f64| h - 2.0 - v.clamp(0.0, 100.0) / 100.0 * (h - 4.0);
    if let Some(m) = mark {
        let _ = write!(
            svg,
            "<line x1=\"0\" y1=\"{:.1}\" x2=\"{w}\" y2=\"{:.1}\" class=\"mark\"/>",
            y(m),
            y(m)
        );
    }
    let step = w / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, y(*v)))
        .collect();
    if points.len() == 1 {
        let _ = write!(
            svg,
            "<circle cx=\"{}\" cy=\"{:.1}\" r=\"2\" class=\"dot\"/>",
            w / 2.0,
            y(values[0])
        );
    } else if !points.is_empty() {
        let _ = write!(
            svg,
            "<polyline points=\"{}\" class=\"line\"/>",
            points.join(" ")
        );
    }
    svg.push_str("</svg>");
    svg
}

fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_so_a_name_cannot_break_the_page() {
        let svg = bars(
            "分布 <b>",
            &[("<script>".into(), 3.0), ("a&b".into(), 1.0)],
            None,
        );
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;") && svg.contains("a&amp;b"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn the_tallest_bar_fills_the_height_and_others_scale() {
        let svg = bars("t", &[("a".into(), 4.0), ("b".into(), 2.0)], None);
        let full = H - 2.0 * PAD;
        assert!(svg.contains(&format!("height=\"{full:.1}\"")), "{svg}");
        assert!(
            svg.contains(&format!("height=\"{:.1}\"", full / 2.0)),
            "{svg}"
        );
        let empty = bars("t", &[], None);
        assert!(empty.ends_with("</svg>") && !empty.contains("<rect"));
    }

    #[test]
    fn a_sparkline_has_one_point_per_value() {
        let svg = sparkline("t", &[10.0, 50.0, 90.0], Some(60.0));
        let points = svg
            .split("points=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        assert_eq!(points.split(' ').count(), 3);
        assert!(svg.contains("class=\"mark\""));
        assert!(sparkline("t", &[70.0], None).contains("<circle"));
    }
}
