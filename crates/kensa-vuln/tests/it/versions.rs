//! Every line of the corpus version vectors, and order properties on generated versions.
use std::cmp::Ordering;

use kensa_vuln::version::{apk, deb, rpm};
use kensa_vuln::{ordering_symbol, Scheme};
use proptest::prelude::*;

fn check_file(name: &str, cmp: fn(&str, &str) -> Ordering) {
    let Some(corpus) = crate::common::corpus(name) else {
        return;
    };
    let path = corpus.join("versions").join(name);
    let text = std::fs::read_to_string(&path).expect("read version vectors");
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{name}:{}: malformed line {line:?}", n + 1);
        let got = ordering_symbol(cmp(parts[0], parts[2]));
        cases += 1;
        if got != parts[1] {
            failures.push(format!("{name}:{}: {line}  (got {got})", n + 1));
        }
    }
    assert!(cases > 40, "{name}: only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rpm_corpus_raw_rpmvercmp() {
    check_file("rpm.txt", rpm::rpmvercmp);
}

#[test]
fn dpkg_corpus() {
    check_file("dpkg.txt", deb::compare);
}

#[test]
fn apk_corpus() {
    check_file("apk.txt", apk::compare);
}

fn version_strategy() -> impl Strategy<Value = String> {
    // Digits, letters, separators and the special characters of all three schemes.
    proptest::string::string_regex("([0-9]{1,3}:)?[0-9][0-9a-z.~^+_-]{0,10}(-r?[0-9]{1,2})?")
        .expect("regex")
}

fn apk_strategy() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}[a-z]?(_(alpha|beta|pre|rc|p|git)[0-9]{0,2}){0,2}(~[0-9a-f]{1,4})?(-r[0-9]{1,2})?",
    )
    .expect("regex")
}

fn check_order(scheme: Scheme, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let ab = scheme.compare(a, b);
    prop_assert_eq!(
        ab,
        scheme.compare(b, a).reverse(),
        "antisymmetry {} {}",
        a,
        b
    );
    prop_assert_eq!(scheme.compare(a, a), Ordering::Equal);
    let bc = scheme.compare(b, c);
    if ab != Ordering::Greater && bc != Ordering::Greater {
        prop_assert_ne!(
            scheme.compare(a, c),
            Ordering::Greater,
            "transitivity {} <= {} <= {}",
            a,
            b,
            c
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn rpm_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
        check_order(Scheme::Rpm, &a, &b, &c)?;
    }

    #[test]
    fn deb_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
        check_order(Scheme::Deb, &a, &b, &c)?;
    }

    #[test]
    fn apk_is_a_total_order(a in apk_strategy(), b in apk_strategy(), c in apk_strategy()) {
        check_order(Scheme::Apk, &a, &b, &c)?;
    }

    #[test]
    fn never_panics_on_arbitrary_input(a in ".{0,12}", b in ".{0,12}") {
        for s in [Scheme::Rpm, Scheme::Deb, Scheme::Apk, Scheme::Semver, Scheme::Pep440] {
            let _ = s.compare(&a, &b);
            let _ = s.validate(&a);
        }
    }
}
