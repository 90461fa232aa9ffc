//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use kensa_trail::{load_rule_sources, Alert, Engine, InputError, RuleSource, Stats};

/// The shared corpus, or None (with a visible notice) when it is missing.
pub fn corpus() -> Option<PathBuf> {
    // Default: `shared/corpus` beside the workspace (found by walking up, so that git
    // worktrees nested one level deeper resolve it too).
    let dir = std::env::var_os("KENSA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
            manifest
                .ancestors()
                .map(|a| a.join("shared/corpus"))
                .find(|p| p.is_dir())
                .unwrap_or_else(|| manifest.join("../../../shared/corpus"))
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: corpus not found at {}: test skipped",
            dir.display()
        );
        None
    }
}

pub fn falco_rules_text() -> Option<String> {
    let path = corpus()?.join("rules/falco/aws_cloudtrail_rules.yaml");
    Some(std::fs::read_to_string(path).expect("read Falco rules"))
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub fn engine(sources: &[(&str, &str)]) -> Engine {
    let sources: Vec<RuleSource> = sources
        .iter()
        .map(|(n, t)| RuleSource {
            name: n.to_string(),
            text: t.to_string(),
        })
        .collect();
    let (rules, diags) = load_rule_sources(&sources);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.level == kensa_trail::Level::Error)
        .collect();
    assert!(errors.is_empty(), "rule errors: {errors:#?}");
    Engine::new(rules)
}

pub struct Outcome {
    pub alerts: Vec<Alert>,
    pub errors: Vec<InputError>,
    pub stats: Stats,
}

pub fn run(engine: &Engine, bytes: &[u8], origin: &str) -> Outcome {
    let mut alerts = Vec::new();
    let mut errors = Vec::new();
    let stats = engine.process(bytes, origin, &mut |a| alerts.push(a), &mut |e| {
        errors.push(e)
    });
    Outcome {
        alerts,
        errors,
        stats,
    }
}
