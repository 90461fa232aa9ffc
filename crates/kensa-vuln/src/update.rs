//! `kensa db update`: download the official feeds from configurable base URLs.
//!
//! * Amazon Linux: a repository URL (or its `mirror.list`); `repodata/repomd.xml` names
//!   the `updateinfo` file, which is fetched and imported.
//! * Debian: the security tracker's JSON export (or a `data/CVE/list` text).
//! * Alpine: the secdb index page; every `<release>/` directory and its `*.json` files.
//! * OSV: `<base>/<ecosystem>/all.zip` for the chosen ecosystems.
//!
//! A feed that fails to download is reported as a problem; the others still import.
use std::time::Duration;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::error::{Error, Location, Problem, Result};
use crate::feeds::{gunzip_if_needed, Import};
use crate::import::{import_bytes, FeedKind};

/// The mirror lists of Amazon Linux 1, 2 and 2023, from which the repository holding
/// `repodata/repomd.xml` (and so `updateinfo.xml`) is found.
pub const AMAZON_LINUX_FEEDS: [(&str, &str); 3] = [
    (
        "1",
        "http://repo.us-east-1.amazonaws.com/latest/updates/mirror.list",
    ),
    (
        "2",
        "https://cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list",
    ),
    (
        "2023",
        "https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list",
    ),
];
/// The Debian security tracker's JSON export: every source package, CVE and release.
pub const DEBIAN_TRACKER_JSON: &str = "https://security-tracker.debian.org/tracker/data/json";
/// Alpine's secdb: one JSON document per release and repository.
pub const ALPINE_SECDB: &str = "https://secdb.alpinelinux.org/";
/// OSV's bucket of per-ecosystem zip archives (language packages).
pub const OSV_BASE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Which feeds to fetch, from where.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// (Amazon Linux release, repository or mirror.list URL)
    pub amazon: Vec<(String, String)>,
    /// The Debian tracker JSON URL; `None` skips Debian and Ubuntu.
    pub debian: Option<String>,
    /// The Alpine secdb base URL; `None` skips Alpine.
    pub alpine: Option<String>,
    /// (OSV base URL, ecosystems)
    pub osv: Option<(String, Vec<String>)>,
}

impl Sources {
    /// The official feeds (OSV is opt-in: its archives are large).
    pub fn official() -> Sources {
        Sources {
            amazon: AMAZON_LINUX_FEEDS
                .iter()
                .map(|(r, u)| (r.to_string(), u.to_string()))
                .collect(),
            debian: Some(DEBIAN_TRACKER_JSON.into()),
            alpine: Some(ALPINE_SECDB.into()),
            osv: None,
        }
    }
}

/// Downloads with timeouts and a size limit.
pub struct Fetcher {
    agent: ureq::Agent,
}

const MAX_BYTES: u64 = 1 << 30;

impl Default for Fetcher {
    fn default() -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(300)))
            .http_status_as_error(true)
            .build();
        Fetcher {
            agent: config.into(),
        }
    }
}

impl Fetcher {
    /// The body of `url`, at most 1 GiB; an HTTP error status is an error.
    pub fn get(&self, url: &str) -> Result<Vec<u8>> {
        let err = |message: String| Error::Download {
            url: url.to_string(),
            message,
        };
        let mut resp = self.agent.get(url).call().map_err(|e| err(e.to_string()))?;
        resp.body_mut()
            .with_config()
            .limit(MAX_BYTES)
            .read_to_vec()
            .map_err(|e| err(e.to_string()))
    }
}

/// Fetches and imports every configured feed.
pub fn update(sources: &Sources, fetcher: &Fetcher) -> Import {
    let mut out = Import::default();
    let mut attempt = |what: &str, r: Result<Import>| match r {
        Ok(i) => out.extend(i),
        Err(e) => out
            .problems
            .push(Problem::new(Location::file(what), e.to_string())),
    };
    for (release, url) in &sources.amazon {
        attempt(url, amazon(fetcher, release, url));
    }
    if let Some(url) = &sources.debian {
        attempt(
            url,
            fetcher
                .get(url)
                .map(|b| import_bytes(FeedKind::Debian, &b, url, None)),
        );
    }
    if let Some(url) = &sources.alpine {
        attempt(url, alpine(fetcher, url));
    }
    if let Some((base, ecosystems)) = &sources.osv {
        for eco in ecosystems {
            let url = format!("{}/{eco}/all.zip", base.trim_end_matches('/'));
            attempt(&url, osv(fetcher, &url));
        }
    }
    out
}

fn join(base: &str, rel: &str) -> String {
    if rel.starts_with("http://") || rel.starts_with("https://") {
        rel.to_string()
    } else {
        format!(
            "{}/{}",
            base.trim_end_matches('/'),
            rel.trim_start_matches('/')
        )
    }
}

fn amazon(fetcher: &Fetcher, release: &str, url: &str) -> Result<Import> {
    let repo = if url.ends_with("mirror.list") {
        let list = fetcher.get(url)?;
        let text = String::from_utf8_lossy(&list);
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .ok_or_else(|| Error::parse(Location::file(url), "mirror.list names no mirror"))?
    } else {
        url.to_string()
    };
    let repomd_url = join(&repo, "repodata/repomd.xml");
    let repomd = fetcher.get(&repomd_url)?;
    let location = updateinfo_location(&repomd).ok_or_else(|| {
        Error::parse(
            Location::file(&repomd_url),
            "repomd.xml has no <data type=\"updateinfo\"> location",
        )
    })?;
    let ui_url = join(&repo, &location);
    let raw = fetcher.get(&ui_url)?;
    let xml = gunzip_if_needed(&raw).map_err(|e| Error::parse(Location::file(&ui_url), e))?;
    Ok(import_bytes(FeedKind::Alas, &xml, &ui_url, Some(release)))
}

/// The `location href` of the `updateinfo` data in a repomd.xml.
pub fn updateinfo_location(repomd: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(repomd);
    let mut buf = Vec::new();
    let mut in_updateinfo = false;
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Eof => return None,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"data" => {
                    in_updateinfo = e.attributes().flatten().any(|a| {
                        a.key.local_name().as_ref() == b"type" && a.value.as_ref() == b"updateinfo"
                    });
                }
                b"location" if in_updateinfo => {
                    return e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"href")
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
}

/// `href="..."` targets of an HTML directory index.
fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

fn alpine(fetcher: &Fetcher, base: &str) -> Result<Import> {
    let index = fetcher.get(base)?;
    let index = String::from_utf8_lossy(&index).into_owned();
    let releases: Vec<&str> = hrefs(&index)
        .into_iter()
        .filter(|h| h.ends_with('/') && !h.starts_with('.') && !h.starts_with('/'))
        .collect();
    if releases.is_empty() {
        return Err(Error::parse(
            Location::file(base),
            "secdb index lists no release directories",
        ));
    }
    let mut out = Import::default();
    for rel in releases {
        let dir_url = join(base, rel);
        let page = match fetcher.get(&dir_url) {
            Ok(p) => String::from_utf8_lossy(&p).into_owned(),
            Err(e) => {
                out.problems
                    .push(Problem::new(Location::file(&dir_url), e.to_string()));
                continue;
            }
        };
        for file in hrefs(&page).into_iter().filter(|h| h.ends_with(".json")) {
            let url = join(&dir_url, file);
            match fetcher.get(&url) {
                Ok(b) => out.extend(import_bytes(FeedKind::Alpine, &b, &url, None)),
                Err(e) => out
                    .problems
                    .push(Problem::new(Location::file(&url), e.to_string())),
            }
        }
    }
    Ok(out)
}

fn osv(fetcher: &Fetcher, url: &str) -> Result<Import> {
    let bytes = fetcher.get(url)?;
    let tmp = std::env::temp_dir().join(format!("kensa-osv-{}.zip", std::process::id()));
    std::fs::write(&tmp, &bytes).map_err(|e| Error::io(&tmp, e))?;
    let result = crate::import::import_path(FeedKind::Osv, &tmp, None);
    let _ = std::fs::remove_file(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repomd_and_index_parsing() {
        let repomd = br#"<repomd><data type="primary"><location href="p.xml"/></data>
            <data type="updateinfo"><location href="repodata/abc-updateinfo.xml.gz"/></data></repomd>"#;
        assert_eq!(
            updateinfo_location(repomd).as_deref(),
            Some("repodata/abc-updateinfo.xml.gz")
        );
        assert_eq!(updateinfo_location(b"<repomd></repomd>"), None);
        assert_eq!(
            hrefs(r#"<a href="../">..</a><a href="v3.11/">v</a>"#),
            ["../", "v3.11/"]
        );
        assert_eq!(join("http://h/a/", "/b"), "http://h/a/b");
    }
}
