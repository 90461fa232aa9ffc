//! A small vector scene (boxes, lines, arrowheads, text) that drawings are laid out in
//! once and then written twice: as inline SVG for HTML and as PDF path operators.
//! Coordinates are in points, y downwards (as in SVG); the PDF writer flips them.
use std::fmt::Write as _;

use super::font::{self, Face};
use crate::html::esc;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
    pub fn unit(self) -> (f32, f32, f32) {
        let f = |v: u8| f32::from(v) / 255.0;
        (f(self.0), f(self.1), f(self.2))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    /// A polyline; `arrow` puts an arrowhead on its last point.
    Line {
        points: Vec<(f32, f32)>,
        color: Rgb,
        width: f32,
        arrow: bool,
    },
    /// One line of text; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        face: Face,
        color: Rgb,
        anchor: Anchor,
    },
}

/// A drawing with its size.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Scene {
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<Shape>,
    /// Read by screen readers and shown when the SVG is not.
    pub title: String,
}

pub(crate) const ARROW_LEN: f32 = 6.0;

impl Scene {
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Rgb>, stroke: Option<Rgb>) {
        self.shapes.push(Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        });
    }

    pub fn line(&mut self, points: Vec<(f32, f32)>, color: Rgb, width: f32, arrow: bool) {
        self.shapes.push(Shape::Line {
            points,
            color,
            width,
            arrow,
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        face: Face,
        color: Rgb,
        anchor: Anchor,
    ) {
        self.shapes.push(Shape::Text {
            x,
            y,
            text: text.to_string(),
            size,
            face,
            color,
            anchor,
        });
    }

    /// Inline SVG, `scale` CSS pixels to the point, scalable with its view box.
    pub fn svg(&self, scale: f32) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{sw}\" height=\"{sh}\" role=\"img\" aria-label=\"{t}\" class=\"drawing\"><title>{t}</title>",
            w = num(self.width),
            h = num(self.height),
            sw = num(self.width * scale),
            sh = num(self.height * scale),
            t = esc(&self.title)
        );
        for shape in &self.shapes {
            svg_shape(&mut s, shape);
        }
        s.push_str("</svg>");
        s
    }
}

fn svg_shape(s: &mut String, shape: &Shape) {
    match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{}\" stroke=\"{}\"/>",
                num(*x),
                num(*y),
                num(*w),
                num(*h),
                fill.map_or("none".into(), Rgb::hex),
                stroke.map_or("none".into(), Rgb::hex)
            );
        }
        Shape::Line {
            points,
            color,
            width,
            arrow,
        } => {
            let mut pts = points.clone();
            let head = if *arrow { arrowhead(&mut pts) } else { None };
            let list: Vec<String> = pts
                .iter()
                .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
                .collect();
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                list.join(" "),
                color.hex(),
                num(*width)
            );
            if let Some(tri) = head {
                let list: Vec<String> = tri
                    .iter()
                    .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
                    .collect();
                let _ = write!(
                    s,
                    "<polygon points=\"{}\" fill=\"{}\"/>",
                    list.join(" "),
                    color.hex()
                );
            }
        }
        Shape::Text {
            x,
            y,
            text,
            size,
            face,
            color,
            anchor,
        } => {
            let family = match face {
                Face::Mono => "ui-monospace,Menlo,Consolas,'Courier New',monospace",
                _ => "Helvetica,Arial,sans-serif",
            };
            let weight = if *face == Face::Bold {
                " font-weight=\"bold\""
            } else {
                ""
            };
            let anchor = match anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            };
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" font-family=\"{family}\" font-size=\"{}\"{weight} fill=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                num(*x),
                num(*y),
                num(*size),
                color.hex(),
                esc(text)
            );
        }
    }
}

/// Shortens the polyline's last segment by the arrowhead and returns the head triangle.
pub(crate) fn arrowhead(points: &mut [(f32, f32)]) -> Option<[(f32, f32); 3]> {
    let n = points.len();
    if n < 2 {
        return None;
    }
    let (x0, y0) = points[n - 2];
    let (x1, y1) = points[n - 1];
    let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    if len < f32::EPSILON {
        return None;
    }
    let (ux, uy) = ((x1 - x0) / len, (y1 - y0) / len);
    let (bx, by) = (x1 - ux * ARROW_LEN, y1 - uy * ARROW_LEN);
    points[n - 1] = (bx, by);
    let half = ARROW_LEN * 0.5;
    Some([
        (x1, y1),
        (bx - uy * half, by + ux * half),
        (bx + uy * half, by - ux * half),
    ])
}

/// A number for SVG: at most two decimals, no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Width of a text shape, for layout.
pub(crate) fn text_width(face: Face, size: f32, text: &str) -> f32 {
    font::width(face, size, text)
}
