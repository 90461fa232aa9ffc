//! Java archives: Maven coordinates from `META-INF/maven/**/pom.properties`.
//!
//! Reading them needs zip code, which the agent does not link: without the `jar`
//! feature a Java archive found is reported as not read, never silently skipped.
use std::path::Path;

use crate::error::{Location, Problem};
use crate::InstalledPackage;
#[cfg(feature = "jar")]
use crate::{
    lang::{lang_package, MAX_METADATA},
    PackageKind,
};
#[cfg(feature = "jar")]
use std::io::Read;

#[cfg(not(feature = "jar"))]
pub fn read(path: &Path, problems: &mut Vec<Problem>) -> Vec<InstalledPackage> {
    problems.push(Problem::new(
        Location::file(path.display().to_string()),
        "Java archive not read: this build has no zip support (feature `jar`)",
    ));
    Vec::new()
}

#[cfg(feature = "jar")]
/// Maven coordinates from every `pom.properties` in a Java archive.
pub fn read(path: &Path, problems: &mut Vec<Problem>) -> Vec<InstalledPackage> {
    let file = path.display().to_string();
    let report = |problems: &mut Vec<Problem>, msg: String| {
        problems.push(Problem::new(Location::file(file.clone()), msg));
    };
    let archive = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| format!("not a readable zip: {e}")));
    let mut archive = match archive {
        Ok(a) => a,
        Err(e) => {
            report(problems, format!("{e}; skipped"));
            return Vec::new();
        }
    };
    let names: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("META-INF/maven/") && n.ends_with("/pom.properties"))
        .map(str::to_string)
        .collect();
    let mut out = Vec::new();
    for entry_name in names {
        let mut text = String::new();
        // A pom.properties is a few lines; the archive's word for its size is not trusted.
        let read = archive
            .by_name(&entry_name)
            .map_err(|e| e.to_string())
            .and_then(|e| {
                e.take(MAX_METADATA + 1)
                    .read_to_string(&mut text)
                    .map_err(|e| e.to_string())
            })
            .and_then(|n| match n as u64 > MAX_METADATA {
                true => Err(format!("larger than {MAX_METADATA} bytes")),
                false => Ok(()),
            });
        if let Err(e) = read {
            report(problems, format!("{entry_name}: {e}; skipped"));
            continue;
        }
        let prop = |key: &str| {
            text.lines()
                .filter_map(|l| l.split_once('='))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_string())
        };
        match (prop("groupId"), prop("artifactId"), prop("version")) {
            (Some(g), Some(a), Some(v)) => out.push(lang_package(
                PackageKind::Jar,
                &format!("{g}:{a}"),
                &v,
                path,
            )),
            _ => report(
                problems,
                format!("{entry_name}: missing groupId, artifactId or version; skipped"),
            ),
        }
    }
    out
}
