//! One page's content stream: text, rectangles, lines and scenes, in top-down points.
use pdf_writer::{Content, Name, Str};

use super::super::font::{self, Face};
use super::super::scene::{arrowhead, Anchor, Rgb, Scene, Shape};
use super::flow::{Style, PAGE_H};

pub(crate) struct Page {
    pub content: Content,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            content: Content::new(),
        }
    }
}

pub(crate) fn font_name(face: Face) -> Name<'static> {
    match face {
        Face::Regular => Name(b"F1"),
        Face::Bold => Name(b"F2"),
        Face::Mono => Name(b"F3"),
    }
}

impl Page {
    /// One line of text; `baseline` from the top of the page.
    pub fn text(&mut self, x: f32, baseline: f32, text: &str, style: Style) {
        let (r, g, b) = style.color.unit();
        let bytes = font::encode(text);
        self.content
            .begin_text()
            .set_font(font_name(style.face), style.size)
            .set_fill_rgb(r, g, b)
            .next_line(x, PAGE_H - baseline)
            .show(Str(&bytes))
            .end_text();
    }

    pub fn rect(
        &mut self,
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    ) {
        let c = &mut self.content;
        c.rect(x, PAGE_H - top - h, w, h);
        match (fill, stroke) {
            (Some(f), Some(s)) => {
                let (r, g, b) = f.unit();
                c.set_fill_rgb(r, g, b);
                let (r, g, b) = s.unit();
                c.set_stroke_rgb(r, g, b)
                    .set_line_width(0.8)
                    .fill_nonzero_and_stroke();
            }
            (Some(f), None) => {
                let (r, g, b) = f.unit();
                c.set_fill_rgb(r, g, b).fill_nonzero();
            }
            (None, Some(s)) => {
                let (r, g, b) = s.unit();
                c.set_stroke_rgb(r, g, b).set_line_width(0.8).stroke();
            }
            (None, None) => {
                c.end_path();
            }
        }
    }

    pub fn hline(&mut self, x0: f32, x1: f32, y: f32, color: Rgb, width: f32) {
        let (r, g, b) = color.unit();
        self.content
            .set_stroke_rgb(r, g, b)
            .set_line_width(width)
            .move_to(x0, PAGE_H - y)
            .line_to(x1, PAGE_H - y)
            .stroke();
    }

    /// Draws `scene` with its top-left corner at (`x`, `top`), scaled by `scale`.
    pub fn scene(&mut self, scene: &Scene, x: f32, top: f32, scale: f32) {
        let at = |px: f32, py: f32| (x + px * scale, top + py * scale);
        for shape in &scene.shapes {
            match shape {
                Shape::Rect {
                    x: rx,
                    y: ry,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let (px, py) = at(*rx, *ry);
                    self.rect(px, py, w * scale, h * scale, *fill, *stroke);
                }
                Shape::Line {
                    points,
                    color,
                    width,
                    arrow,
                } => {
                    let mut pts = points.clone();
                    let head = if *arrow { arrowhead(&mut pts) } else { None };
                    self.polyline(
                        &pts.iter().map(|(a, b)| at(*a, *b)).collect::<Vec<_>>(),
                        *color,
                        width * scale,
                    );
                    if let Some(tri) = head {
                        self.triangle(tri.map(|(a, b)| at(a, b)), *color);
                    }
                }
                Shape::Text {
                    x: tx,
                    y: ty,
                    text,
                    size,
                    face,
                    color,
                    anchor,
                } => {
                    let size = size * scale;
                    let w = font::width(*face, size, text);
                    let (px, py) = at(*tx, *ty);
                    let left = match anchor {
                        Anchor::Start => px,
                        Anchor::Middle => px - w / 2.0,
                        Anchor::End => px - w,
                    };
                    self.text(left, py, text, Style::new(*face, size, *color));
                }
            }
        }
    }

    fn polyline(&mut self, points: &[(f32, f32)], color: Rgb, width: f32) {
        let Some((first, rest)) = points.split_first() else {
            return;
        };
        let (r, g, b) = color.unit();
        let c = &mut self.content;
        c.set_stroke_rgb(r, g, b)
            .set_line_width(width)
            .move_to(first.0, PAGE_H - first.1);
        for p in rest {
            c.line_to(p.0, PAGE_H - p.1);
        }
        c.stroke();
    }

    fn triangle(&mut self, tri: [(f32, f32); 3], color: Rgb) {
        let (r, g, b) = color.unit();
        let c = &mut self.content;
        c.set_fill_rgb(r, g, b).move_to(tri[0].0, PAGE_H - tri[0].1);
        c.line_to(tri[1].0, PAGE_H - tri[1].1)
            .line_to(tri[2].0, PAGE_H - tri[2].1)
            .close_path()
            .fill_nonzero();
    }
}
