//! A top-to-bottom page flow on A4: wrapped paragraphs, tables whose rows never split
//! and whose header repeats, drawings kept whole, bookmarks. Coordinates are points from
//! the page's top-left corner; [`Page`] turns them into PDF operators.
use super::super::font::{self, Face};
use super::super::scene::{Rgb, Scene};
use super::page::Page;

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const LEFT: f32 = 50.0;
pub(crate) const TOP: f32 = 54.0;
pub(crate) const BOTTOM: f32 = PAGE_H - 56.0;
pub(crate) const WIDTH: f32 = PAGE_W - 2.0 * LEFT;

pub(crate) const INK: Rgb = Rgb(0x1f, 0x23, 0x28);
pub(crate) const MUTED: Rgb = Rgb(0x57, 0x60, 0x6a);
pub(crate) const LINE: Rgb = Rgb(0xd0, 0xd7, 0xde);
pub(crate) const SOFT: Rgb = Rgb(0xf6, 0xf8, 0xfa);

/// A style of running text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
}

impl Style {
    pub const fn new(face: Face, size: f32, color: Rgb) -> Self {
        Style { face, size, color }
    }
    pub fn leading(self) -> f32 {
        self.size * 1.32
    }
}

pub(crate) const BODY: Style = Style::new(Face::Regular, 9.5, INK);
pub(crate) const SMALL: Style = Style::new(Face::Regular, 8.0, MUTED);

/// A bookmark in the PDF outline.
pub(crate) struct Bookmark {
    pub title: String,
    pub level: u8,
    pub page: usize,
    pub y: f32,
}

/// One table cell: text, or a coloured badge.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub style: Style,
    pub badge: Option<Rgb>,
}

impl Cell {
    pub fn new(text: impl Into<String>, style: Style) -> Self {
        Cell {
            text: text.into(),
            style,
            badge: None,
        }
    }
    pub fn badge(text: &str, color: Rgb) -> Self {
        Cell {
            text: text.to_string(),
            style: Style::new(Face::Bold, 7.0, Rgb(255, 255, 255)),
            badge: Some(color),
        }
    }
}

pub(crate) struct Flow {
    pub pages: Vec<Page>,
    pub y: f32,
    pub bookmarks: Vec<Bookmark>,
}

const CELL_PAD: f32 = 4.0;
const DRAWING_INDENT: f32 = 12.0;
const DRAWING_PAD: f32 = 5.0;

/// The height a drawing takes below its row.
fn drawing_height(scene: &Scene) -> f32 {
    let scale = ((WIDTH - DRAWING_INDENT) / scene.width).min(1.0);
    scene.height * scale + 4.0 + 2.0 * DRAWING_PAD
}

impl Flow {
    pub fn new() -> Self {
        Flow {
            pages: vec![Page::default()],
            y: TOP,
            bookmarks: Vec::new(),
        }
    }

    pub fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    pub fn bookmark(&mut self, title: &str, level: u8) {
        let page = self.pages.len() - 1;
        self.bookmarks.push(Bookmark {
            title: title.to_string(),
            level,
            page,
            y: self.y,
        });
    }

    /// Wrapped text at `x` (from the left margin) in `width`.
    pub fn paragraph_at(&mut self, text: &str, style: Style, x: f32, width: f32) {
        for line in font::wrap(style.face, style.size, text, width) {
            self.ensure(style.leading());
            let baseline = self.y + style.size;
            self.page().text(LEFT + x, baseline, &line, style);
            self.y += style.leading();
        }
    }

    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.paragraph_at(text, style, 0.0, WIDTH);
    }

    /// A section heading with a rule under it, kept with what follows.
    pub fn heading(&mut self, text: &str, level: u8) {
        let (size, keep) = if level == 0 {
            (15.0, 90.0)
        } else {
            (11.5, 70.0)
        };
        self.ensure(size * 1.6 + keep);
        self.space(if level == 0 { 10.0 } else { 6.0 });
        self.bookmark(text, level);
        let style = Style::new(Face::Bold, size, INK);
        self.paragraph(text, style);
        if level == 0 {
            let y = self.y + 1.0;
            self.page().hline(LEFT, LEFT + WIDTH, y, INK, 1.2);
            self.space(8.0);
        }
    }

    /// A bold title led by a coloured badge (a finding's severity), with a tinted band.
    pub fn badged_title(&mut self, badge: &str, color: Rgb, title: &str) {
        let badge_style = Style::new(Face::Bold, 7.5, Rgb(255, 255, 255));
        let style = Style::new(Face::Bold, 10.5, INK);
        let badge_w = font::width(Face::Bold, 7.5, badge) + 10.0;
        let lines = font::wrap(style.face, style.size, title, WIDTH - badge_w - 14.0);
        let h = lines.len() as f32 * style.leading() + 8.0;
        self.ensure(h);
        let top = self.y;
        self.page().rect(LEFT, top, WIDTH, h, Some(SOFT), None);
        self.page().rect(LEFT, top, 3.0, h, Some(color), None);
        self.page()
            .rect(LEFT + 8.0, top + 5.0, badge_w, 11.0, Some(color), None);
        self.page()
            .text(LEFT + 13.0, top + 13.2, badge, badge_style);
        let mut baseline = top + 4.0 + style.size;
        for line in lines {
            self.page()
                .text(LEFT + badge_w + 14.0, baseline, &line, style);
            baseline += style.leading();
        }
        self.y = top + h + 3.0;
    }

    /// A drawing, scaled down when wider than the text column, never split.
    pub fn scene(&mut self, scene: &Scene, x: f32) {
        let scale = ((WIDTH - x) / scene.width).min(1.0);
        self.ensure(scene.height * scale + 4.0);
        let y = self.y;
        self.page().scene(scene, LEFT + x, y, scale);
        self.y += scene.height * scale + 4.0;
    }

    /// The height of a table's header and first row (with its drawing): what a heading
    /// placed before the table must be kept with.
    pub fn table_start_height(&self, widths: &[f32], first: &(Vec<Cell>, Option<Scene>)) -> f32 {
        let cols: Vec<f32> = widths.iter().map(|w| w * WIDTH).collect();
        let header = Style::new(Face::Bold, 8.0, INK).leading() + 2.0 * CELL_PAD;
        header + row_height(&first.0, &cols) + first.1.as_ref().map_or(0.0, drawing_height)
    }

    /// The height `text` takes as a paragraph.
    pub fn paragraph_height(&self, text: &str, style: Style) -> f32 {
        font::wrap(style.face, style.size, text, WIDTH).len() as f32 * style.leading()
    }

    /// A table with a shaded header row; `widths` are fractions of the column width.
    pub fn table(&mut self, header: &[&str], widths: &[f32], rows: &[Vec<Cell>]) {
        let rows: Vec<(Vec<Cell>, Option<Scene>)> =
            rows.iter().map(|r| (r.clone(), None)).collect();
        self.table_with_drawings(header, widths, &rows);
    }

    /// A table whose rows may each be followed by a drawing (indented, kept with its
    /// row); the header repeats on every page the table continues on.
    pub fn table_with_drawings(
        &mut self,
        header: &[&str],
        widths: &[f32],
        rows: &[(Vec<Cell>, Option<Scene>)],
    ) {
        let cols: Vec<f32> = widths.iter().map(|w| w * WIDTH).collect();
        let head: Vec<Cell> = header
            .iter()
            .map(|h| Cell::new(*h, Style::new(Face::Bold, 8.0, INK)))
            .collect();
        let block = |(cells, drawing): &(Vec<Cell>, Option<Scene>)| {
            row_height(cells, &cols) + drawing.as_ref().map_or(0.0, drawing_height)
        };
        self.ensure(row_height(&head, &cols) + rows.first().map_or(0.0, block));
        self.row(&head, &cols, Some(SOFT));
        for r in rows {
            if self.y + block(r) > BOTTOM {
                self.new_page();
                self.row(&head, &cols, Some(SOFT));
            }
            self.split_row(&r.0, &cols, &head);
            if let Some(scene) = &r.1 {
                self.space(DRAWING_PAD);
                self.scene(scene, DRAWING_INDENT);
                let y = self.y + 2.0;
                self.page().hline(LEFT, LEFT + WIDTH, y, LINE, 0.5);
                self.space(DRAWING_PAD);
            }
        }
        self.space(6.0);
    }

    /// Draws a row, continuing it on the next page (under a repeated header) when it is
    /// taller than what is left of this one: long details are never cut off.
    fn split_row(&mut self, cells: &[Cell], cols: &[f32], head: &[Cell]) {
        let mut rest: Vec<Vec<String>> = cells
            .iter()
            .zip(cols)
            .map(|(c, w)| match c.badge {
                Some(_) => vec![c.text.clone()],
                None => font::wrap(c.style.face, c.style.size, &c.text, w - 2.0 * CELL_PAD),
            })
            .collect();
        loop {
            let room = BOTTOM - self.y - 2.0 * CELL_PAD - 6.0;
            let piece: Vec<Cell> = cells
                .iter()
                .zip(rest.iter_mut())
                .map(|(c, lines)| {
                    let fit = ((room / c.style.leading()).floor() as usize).max(1);
                    let taken: Vec<String> = lines.drain(..fit.min(lines.len())).collect();
                    let badge = c.badge.filter(|_| !taken.is_empty());
                    Cell {
                        text: taken.join("\n"),
                        badge,
                        ..c.clone()
                    }
                })
                .collect();
            self.row(&piece, cols, None);
            if rest.iter().all(Vec::is_empty) {
                return;
            }
            self.new_page();
            self.row(head, cols, Some(SOFT));
        }
    }

    fn row(&mut self, cells: &[Cell], cols: &[f32], fill: Option<Rgb>) {
        let h = row_height(cells, cols);
        let top = self.y;
        if let Some(fill) = fill {
            self.page().rect(LEFT, top, WIDTH, h, Some(fill), None);
        }
        let mut x = LEFT;
        for (cell, w) in cells.iter().zip(cols) {
            self.cell(cell, x, top, *w);
            x += w;
        }
        self.page().hline(LEFT, LEFT + WIDTH, top + h, LINE, 0.5);
        self.y = top + h;
    }

    fn cell(&mut self, cell: &Cell, x: f32, top: f32, w: f32) {
        let s = cell.style;
        if let Some(color) = cell.badge {
            let tw = font::width(s.face, s.size, &cell.text);
            self.page().rect(
                x + CELL_PAD,
                top + CELL_PAD - 1.0,
                tw + 8.0,
                s.size + 4.0,
                Some(color),
                None,
            );
            self.page().text(
                x + CELL_PAD + 4.0,
                top + CELL_PAD + s.size - 0.5,
                &cell.text,
                s,
            );
            return;
        }
        let mut baseline = top + CELL_PAD + s.size;
        for line in font::wrap(s.face, s.size, &cell.text, w - 2.0 * CELL_PAD) {
            self.page().text(x + CELL_PAD, baseline, &line, s);
            baseline += s.leading();
        }
    }
}

fn row_height(cells: &[Cell], cols: &[f32]) -> f32 {
    cells
        .iter()
        .zip(cols)
        .map(|(c, w)| {
            let s = c.style;
            if c.badge.is_some() {
                return s.size + 2.0 * CELL_PAD + 4.0;
            }
            let lines = font::wrap(s.face, s.size, &c.text, w - 2.0 * CELL_PAD).len() as f32;
            lines * s.leading() + 2.0 * CELL_PAD
        })
        .fold(0.0, f32::max)
}
