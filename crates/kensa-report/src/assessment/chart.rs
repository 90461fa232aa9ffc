//! The summary chart: one horizontal bar per severity, split by package, with a legend.
use kensa_model::{Package, Severity};

use super::digest::Digest;
use super::font::Face;
use super::scene::{text_width, Anchor, Rgb, Scene};

const BAR_H: f32 = 16.0;
const BAR_GAP: f32 = 8.0;
const LABEL_W: f32 = 84.0;
const SIZE: f32 = 9.0;
const INK: Rgb = Rgb(0x1f, 0x23, 0x28);
const MUTED: Rgb = Rgb(0x57, 0x60, 0x6a);

/// The colour of a severity (badges, cards).
pub(crate) fn severity_color(s: Severity) -> Rgb {
    match s {
        Severity::Critical => Rgb(0x6e, 0x2b, 0x8f),
        Severity::High => Rgb(0xcf, 0x22, 0x2e),
        Severity::Medium => Rgb(0xd4, 0x7d, 0x0b),
        Severity::Low => Rgb(0x1f, 0x6f, 0xeb),
        Severity::Informational => Rgb(0x8c, 0x95, 0x9f),
    }
}

/// The colour of a package's segment in the chart.
pub(crate) fn package_color(p: Package) -> Rgb {
    match p {
        Package::NetworkReachability => Rgb(0x09, 0x69, 0xda),
        Package::Config => Rgb(0xbf, 0x39, 0x89),
        Package::Cve => Rgb(0xcf, 0x22, 0x2e),
        Package::SecurityBestPractices => Rgb(0x1a, 0x7f, 0x37),
        Package::RuntimeBehavior => Rgb(0x82, 0x50, 0xdf),
        Package::CisOs => Rgb(0x9a, 0x67, 0x00),
        Package::Cloudtrail => Rgb(0x57, 0x60, 0x6a),
    }
}

/// Active findings by severity, each bar split by package.
pub(crate) fn chart(digest: &Digest<'_>, width: f32) -> Scene {
    let max = Severity::ALL
        .iter()
        .map(|s| digest.severity_total(*s))
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let bar_room = width - LABEL_W - 40.0;
    let rows = Severity::ALL.len() as f32;
    let legend_y = rows * (BAR_H + BAR_GAP) + 8.0;
    let mut scene = Scene {
        width,
        height: legend_y + 14.0,
        shapes: Vec::new(),
        title: "Active findings by severity and package".into(),
    };
    for (i, sev) in Severity::ALL.iter().enumerate() {
        let y = i as f32 * (BAR_H + BAR_GAP);
        let baseline = y + BAR_H / 2.0 + SIZE * 0.35;
        scene.text(
            LABEL_W - 6.0,
            baseline,
            sev.as_str(),
            SIZE,
            Face::Bold,
            severity_color(*sev),
            Anchor::End,
        );
        scene.rect(
            LABEL_W,
            y,
            bar_room,
            BAR_H,
            Some(Rgb(0xf6, 0xf8, 0xfa)),
            None,
        );
        let mut x = LABEL_W;
        for p in &digest.packages {
            let n = digest.count(*p, *sev);
            if n == 0 {
                continue;
            }
            let w = bar_room * n as f32 / max;
            scene.rect(x, y, w, BAR_H, Some(package_color(*p)), None);
            x += w;
        }
        let total = digest.severity_total(*sev);
        scene.text(
            x + 5.0,
            baseline,
            &total.to_string(),
            SIZE,
            Face::Bold,
            INK,
            Anchor::Start,
        );
    }
    legend(&mut scene, digest, legend_y);
    scene
}

fn legend(scene: &mut Scene, digest: &Digest<'_>, y: f32) {
    let mut x = LABEL_W;
    for p in &digest.packages {
        scene.rect(x, y, 9.0, 9.0, Some(package_color(*p)), None);
        let label = format!("{} ({})", p.as_str(), digest.package_total(*p));
        scene.text(
            x + 13.0,
            y + 8.0,
            &label,
            8.0,
            Face::Regular,
            MUTED,
            Anchor::Start,
        );
        x += 13.0 + text_width(Face::Regular, 8.0, &label) + 14.0;
    }
}
