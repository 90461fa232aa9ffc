//! Serialises a laid-out [`Flow`] as a PDF: standard fonts (nothing embedded, text
//! extractable), compressed content streams, page footers, an outline of the sections.
use std::io::Write as _;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

use super::super::font::{self, Face};
use super::flow::{Flow, Style, LEFT, MUTED, PAGE_H, PAGE_W, WIDTH};

struct Ids {
    next: i32,
}

impl Ids {
    fn next(&mut self) -> Ref {
        self.next += 1;
        Ref::new(self.next)
    }
}

/// The finished PDF bytes of `flow`, with `title` in the document info and every footer.
pub(crate) fn finish(mut flow: Flow, title: &str) -> Vec<u8> {
    footers(&mut flow, title);
    let mut ids = Ids { next: 0 };
    let catalog = ids.next();
    let tree = ids.next();
    let info = ids.next();
    let fonts = [ids.next(), ids.next(), ids.next()];
    let page_ids: Vec<(Ref, Ref)> = flow
        .pages
        .iter()
        .map(|_| (ids.next(), ids.next()))
        .collect();
    let mut pdf = Pdf::new();
    let outline = outline(&mut pdf, &mut ids, &flow, &page_ids);
    let mut cat = pdf.catalog(catalog);
    cat.pages(tree);
    if let Some(o) = outline {
        cat.outlines(o);
        cat.pair(Name(b"PageMode"), Name(b"UseOutlines"));
    }
    cat.finish();
    pdf.pages(tree)
        .kids(page_ids.iter().map(|p| p.0))
        .count(page_ids.len() as i32);
    for (font_ref, base) in fonts
        .iter()
        .zip([&b"Helvetica"[..], b"Helvetica-Bold", b"Courier"])
    {
        pdf.type1_font(*font_ref)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (page, (page_ref, content_ref)) in flow.pages.into_iter().zip(&page_ids) {
        let mut p = pdf.page(*page_ref);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(*content_ref);
        let mut res = p.resources();
        let mut f = res.fonts();
        for (face, font_ref) in [Face::Regular, Face::Bold, Face::Mono]
            .into_iter()
            .zip(fonts)
        {
            f.pair(super::page::font_name(face), font_ref);
        }
        f.finish();
        res.finish();
        p.finish();
        let raw = page.content.finish();
        pdf.stream(*content_ref, &deflate(&raw))
            .filter(Filter::FlateDecode);
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .creator(TextStr("kensa"))
        .producer(TextStr("kensa-report"));
    pdf.finish()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn footers(flow: &mut Flow, title: &str) {
    let n = flow.pages.len();
    let style = Style::new(Face::Regular, 7.5, MUTED);
    for (i, page) in flow.pages.iter_mut().enumerate() {
        let y = PAGE_H - 30.0;
        page.hline(LEFT, LEFT + WIDTH, y - 10.0, super::flow::LINE, 0.5);
        page.text(
            LEFT,
            y,
            &font::fit(Face::Regular, 7.5, title, WIDTH - 80.0),
            style,
        );
        let label = format!("page {} of {n}", i + 1);
        let w = font::width(Face::Regular, 7.5, &label);
        page.text(LEFT + WIDTH - w, y, &label, style);
    }
}

/// A two-level outline (sections, then the items under each); `None` without bookmarks.
fn outline(pdf: &mut Pdf, ids: &mut Ids, flow: &Flow, pages: &[(Ref, Ref)]) -> Option<Ref> {
    if flow.bookmarks.is_empty() {
        return None;
    }
    let root = ids.next();
    let item_ids: Vec<Ref> = flow.bookmarks.iter().map(|_| ids.next()).collect();
    // For each bookmark: its parent and siblings. Level 0 hangs off the root; level 1
    // off the closest level 0 before it (or the root when there is none).
    let parent_of: Vec<Option<usize>> = flow
        .bookmarks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (b.level > 0)
                .then(|| flow.bookmarks[..i].iter().rposition(|p| p.level == 0))
                .flatten()
        })
        .collect();
    let children = |parent: Option<usize>| -> Vec<usize> {
        (0..flow.bookmarks.len())
            .filter(|i| parent_of[*i] == parent)
            .collect()
    };
    let top = children(None);
    for (i, b) in flow.bookmarks.iter().enumerate() {
        let siblings = children(parent_of[i]);
        let pos = siblings.iter().position(|s| *s == i).unwrap_or(0);
        let mut item = pdf.outline_item(item_ids[i]);
        item.title(TextStr(&b.title));
        item.parent(parent_of[i].map_or(root, |p| item_ids[p]));
        if pos > 0 {
            item.prev(item_ids[siblings[pos - 1]]);
        }
        if let Some(next) = siblings.get(pos + 1) {
            item.next(item_ids[*next]);
        }
        let kids = children(Some(i));
        if let (Some(first), Some(last)) = (kids.first(), kids.last()) {
            item.first(item_ids[*first]).last(item_ids[*last]);
            // Negative: the sections open collapsed, so the outline stays short.
            item.count(-(kids.len() as i32));
        }
        item.dest()
            .page(pages[b.page].0)
            .xyz(LEFT, PAGE_H - b.y + 4.0, None);
    }
    let mut o = pdf.outline(root);
    if let (Some(first), Some(last)) = (top.first(), top.last()) {
        o.first(item_ids[*first]).last(item_ids[*last]);
    }
    o.count(top.len() as i32);
    Some(root)
}
