//! kensa's version ordering against the real implementations: generated pairs compared
//! by python3-rpm and libdpkg-perl (when installed; scripts/test installs them), and
//! the frozen vectors in tests/vectors/ always. A disagreement the generator finds is
//! printed as a vector line (`A OP B`, OP from the real tool) to add to those files.
use std::cmp::Ordering;
use std::io::Write;
use std::path::PathBuf;

use kensa_vuln::ordering_symbol;
use kensa_vuln::version::{apk, deb, rpm};
use proptest::strategy::Strategy;

use crate::oracle::Oracle;
use crate::version_gen::{self as gen, sample};

const DEFAULT_SEED: u64 = 20_261_207;
const DEFAULT_PAIRS: usize = 100_000;

/// Printed past the test harness's output capture, so a CI log always shows it.
fn notice(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// `A OP B` lines of a file in tests/vectors/ (comments start with `#`).
fn frozen(name: &str) -> Vec<(String, String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(n, l)| {
            let p: Vec<&str> = l.split(' ').collect();
            assert!(
                p.len() == 3 && ["<", "=", ">"].contains(&p[1]),
                "{name}:{}: not `A OP B`: {l:?}",
                n + 1
            );
            (p[0].to_string(), p[1].to_string(), p[2].to_string())
        })
        .collect()
}

fn check_frozen(name: &str, cmp: fn(&str, &str) -> Ordering) -> Vec<(String, String)> {
    let vectors = frozen(name);
    let wrong: Vec<String> = vectors
        .iter()
        .filter(|(a, op, b)| ordering_symbol(cmp(a, b)) != op)
        .map(|(a, op, b)| format!("{a} {op} {b} (kensa: {})", ordering_symbol(cmp(a, b))))
        .collect();
    assert!(
        wrong.is_empty(),
        "{name}: kensa disagrees with frozen vectors:\n{}",
        wrong.join("\n")
    );
    assert!(
        vectors.len() >= 20,
        "{name}: only {} vectors",
        vectors.len()
    );
    vectors.into_iter().map(|(a, _, b)| (a, b)).collect()
}

/// Compares every pair with kensa and the oracle; panics listing the disagreements as
/// vector lines with the oracle's answer.
fn agree(oracle: &Oracle, what: &str, pairs: &[(String, String)], cmp: fn(&str, &str) -> Ordering) {
    let answers = oracle.compare_all(pairs);
    let mut out = Vec::new();
    for ((a, b), real) in pairs.iter().zip(&answers) {
        assert!(
            matches!(real, '<' | '=' | '>'),
            "{}: answered {real:?} for `{a} {b}` (a version the generator should not make)",
            oracle.name
        );
        let ours = ordering_symbol(cmp(a, b));
        if !ours.starts_with(*real) {
            out.push(format!("{a} {real} {b}    # kensa said {ours}"));
        }
    }
    notice(&format!(
        "differential {what}: {} pairs vs {}: {} disagreements",
        pairs.len(),
        oracle.name,
        out.len()
    ));
    assert!(
        out.is_empty(),
        "{what}: {} disagreements with {} (add these lines to tests/vectors/ once fixed):\n{}",
        out.len(),
        oracle.name,
        out.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
}

fn differential<S>(oracle: Oracle, vectors: &str, cmp: fn(&str, &str) -> Ordering, pairs: S)
where
    S: Strategy<Value = (String, String)>,
{
    let frozen_pairs = check_frozen(vectors, cmp);
    if !oracle.available() {
        notice(&format!(
            "notice: {} is not installed: differential test skipped, {} frozen vectors in {vectors} checked (scripts/test installs it)",
            oracle.name,
            frozen_pairs.len()
        ));
        return;
    }
    // The frozen vectors' expected answers must be the real tool's.
    agree(&oracle, &format!("{vectors} (frozen)"), &frozen_pairs, cmp);
    let seed = env_number("KENSA_VERCMP_SEED", DEFAULT_SEED);
    let count = env_number("KENSA_VERCMP_PAIRS", DEFAULT_PAIRS);
    notice(&format!(
        "differential {vectors}: seed {seed} (KENSA_VERCMP_SEED), {count} pairs (KENSA_VERCMP_PAIRS)"
    ));
    let generated = sample(&pairs, seed, count);
    agree(
        &oracle,
        &format!("{vectors} (seed {seed})"),
        &generated,
        cmp,
    );
}

#[test]
fn rpm_order_agrees_with_python3_rpm() {
    let pairs = gen::pairs(gen::rpm_version(), gen::RPM_ALPHABET, gen::rpm_valid);
    differential(Oracle::rpm(), "rpm.txt", rpm::compare_evr, pairs);
}

#[test]
fn dpkg_order_agrees_with_libdpkg_perl() {
    let pairs = gen::pairs(gen::deb_version(), gen::DEB_ALPHABET, gen::deb_valid);
    differential(Oracle::dpkg(), "dpkg.txt", deb::compare, pairs);
}

#[test]
fn dpkg_generator_makes_valid_versions() {
    for (a, b) in sample(
        &gen::pairs(gen::deb_version(), gen::DEB_ALPHABET, gen::deb_valid),
        1,
        2000,
    ) {
        assert!(gen::deb_valid(&a) && gen::deb_valid(&b), "{a} {b}");
    }
}

/// No apk can be installed here: these vectors are derived by hand from apk-tools'
/// version.c (each block cites the rule), on top of the corpus' apk-tools test data.
#[test]
fn apk_order_follows_apk_tools_rules() {
    check_frozen("apk.txt", apk::compare);
}
