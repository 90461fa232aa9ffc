//! The trend chart of the overview: findings each run saw, stacked by severity, oldest
//! run on the left. Plain SVG with classes (colours come from the stylesheet, so the
//! strict CSP needs no inline style).
use std::fmt::Write;

use kensa_model::Severity;
use kensa_store::Run;
use maud::{html, Markup, PreEscaped};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;

/// Stacked bars for `runs` (given newest first, drawn oldest first).
pub fn trend(runs: &[Run]) -> Markup {
    if runs.is_empty() {
        return html! { p.muted { "No finished run yet." } };
    }
    let max = runs
        .iter()
        .map(|r| r.counts.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = nice_ceiling(max);
    let plot_h = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT) / runs.len() as f64;
    let bar = (slot * 0.7).min(48.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"Findings per run, by severity\">"
    );
    for step in 0..=4 {
        let value = scale * step / 4;
        let y = TOP + plot_h - plot_h * value as f64 / scale as f64;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{value}</text>",
            LEFT - 6.0,
            y + 4.0
        );
    }
    for (i, run) in runs.iter().rev().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = TOP + plot_h;
        let _ = write!(svg, "<a href=\"/runs/{}\"><g>", run.id);
        let _ = write!(
            svg,
            "<title>run {}: {} findings</title>",
            run.id,
            run.counts.total()
        );
        for s in [
            Severity::Informational,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            let n = run.counts.get(s);
            if n == 0 {
                continue;
            }
            let h = plot_h * n as f64 / scale as f64;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"bar-{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"/>",
                s.as_str().to_ascii_lowercase()
            );
        }
        let _ = write!(
            svg,
            "</g><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">#{}</text></a>",
            x + bar / 2.0,
            HEIGHT - 8.0,
            run.id
        );
    }
    svg.push_str("</svg>");
    html! {
        figure.trend {
            (PreEscaped(svg))
            figcaption {
                @for s in Severity::ALL {
                    span.key { span class={ "swatch bar-" (s.as_str().to_ascii_lowercase()) } {} (s.as_str()) }
                }
            }
        }
    }
}

/// The smallest of 1, 2, 3, 4, 5, 6, 8 × 10ⁿ at or above `n`, so the axis reads in round numbers.
fn nice_ceiling(n: i64) -> i64 {
    let mut base = 1;
    loop {
        for m in [1, 2, 3, 4, 5, 6, 8] {
            if m * base >= n {
                return (m * base).max(4);
            }
        }
        base *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ceilings_are_round() {
        assert_eq!(nice_ceiling(1), 4);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(215), 300);
        assert_eq!(nice_ceiling(801), 1000);
    }
}
