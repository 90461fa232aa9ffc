//! proptest strategies for version strings in the rpm and dpkg grammars, and for pairs
//! of them. Half of the pairs are a version and a small edit of it, so that the pair
//! shares a prefix and the comparison reaches the interesting part (a `~`, a missing
//! release, a letter against a number) instead of deciding on the first digit.
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A run of digits (leading zeros included) or of letters. Built from plain
/// combinators, not regexes: a million of these are drawn per test run.
fn atom(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    const LETTERS: &[char] = &['a', 'b', 'c', 'z', 'A', 'B', 'Z'];
    prop_oneof![
        5 => (prop_oneof![4 => Just(0usize), 1 => 1usize..3], 0u32..100).prop_map(|(zeros, n)| format!("{}{n}", "0".repeat(zeros))),
        2 => prop::collection::vec(select(LETTERS), 1..3).prop_map(String::from_iter),
        1 => select(words).prop_map(String::from),
    ]
}

/// atom (separator atom)* with an optional trailing separator.
fn segments(
    seps: &'static [&'static str],
    letters: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    (
        atom(letters),
        prop::collection::vec((select(seps), atom(letters)), 0..max),
        prop_oneof![4 => Just(""), 1 => select(seps)],
    )
        .prop_map(|(first, rest, tail)| {
            let mut s = first;
            for (sep, a) in rest {
                s.push_str(sep);
                s.push_str(&a);
            }
            s.push_str(tail);
            s
        })
}

const RPM_SEPS: &[&str] = &["", ".", ".", ".", "~", "^", "_", "+", "~~", "^~", "-"];
const RPM_WORDS: &[&str] = &["rc", "beta", "el", "fc", "git", "amzn", "a", "Z"];
const DEB_SEPS: &[&str] = &["", ".", ".", ".", "~", "+", "~~", "+~"];
const DEB_WORDS: &[&str] = &["rc", "beta", "dfsg", "deb", "ubuntu", "bpo", "a", "Z"];

/// rpm `[epoch:]version[-release]`: epochs (also `0:` and an empty one), releases missing,
/// empty or present, `~`, `^`, letters, dots and extra dashes.
pub fn rpm_version() -> BoxedStrategy<String> {
    let epoch = prop_oneof![
        6 => Just(String::new()),
        2 => (0u32..20).prop_map(|e| format!("{e}:")),
        1 => Just("0:".to_string()),
        1 => Just(":".to_string()),
    ];
    let release = prop_oneof![
        3 => Just(None),
        1 => Just(Some(String::new())),
        5 => segments(RPM_SEPS, RPM_WORDS, 3).prop_map(Some),
    ];
    (epoch, segments(RPM_SEPS, RPM_WORDS, 5), release)
        .prop_map(|(e, v, r)| match r {
            Some(r) => format!("{e}{v}-{r}"),
            None => format!("{e}{v}"),
        })
        .boxed()
}

/// dpkg `[epoch:]upstream[-revision]`: epochs, revisions (with extra dashes in the
/// upstream part then), `~` and `+`. Always valid for dpkg.
pub fn deb_version() -> BoxedStrategy<String> {
    let epoch = prop_oneof![
        6 => Just(String::new()),
        2 => (0u32..20).prop_map(|e| format!("{e}:")),
        1 => Just("00:".to_string()),
    ];
    let revision = prop_oneof![
        3 => Just(None),
        5 => segments(DEB_SEPS, DEB_WORDS, 3).prop_map(Some),
    ];
    let upstream = (0u32..200, segments(DEB_SEPS, DEB_WORDS, 4))
        .prop_map(|(d, rest)| format!("{d}{}", rest.trim_start_matches(char::is_numeric)));
    (epoch, upstream, revision, any::<bool>())
        .prop_map(|(e, u, r, dash)| match r {
            Some(r) if dash => format!("{e}{u}-1a-{r}"),
            Some(r) => format!("{e}{u}-{r}"),
            None => format!("{e}{u}"),
        })
        .boxed()
}

/// Pairs: independent versions, or a version and an edit of it. `valid` rejects edits
/// the grammar does not allow (the pair then repeats the version with a suffix).
pub fn pairs<S>(
    version: S,
    alphabet: &'static [char],
    valid: fn(&str) -> bool,
) -> impl Strategy<Value = (String, String)>
where
    S: Strategy<Value = String> + Clone,
{
    let edited = (version.clone(), 0u8..6, any::<Index>(), select(alphabet)).prop_map(
        move |(a, kind, at, c)| {
            let b = edit(&a, kind, at, c);
            let b = if valid(&b) { b } else { format!("{a}{c}1") };
            let b = if valid(&b) { b } else { a.clone() };
            (a, b)
        },
    );
    prop_oneof![1 => (version.clone(), version), 2 => edited]
}

/// One small edit of `a`: replace, insert or delete a character, append a segment, or
/// cut at the last dash (dropping the release/revision).
fn edit(a: &str, kind: u8, at: Index, c: char) -> String {
    let chars: Vec<char> = a.chars().collect();
    let i = at.index(chars.len());
    let mut out = chars.clone();
    match kind {
        0 => out[i] = c,
        1 => out.insert(i, c),
        2 => {
            out.remove(i);
        }
        3 => out.extend(['.', c]),
        4 => out.extend([c, '1']),
        _ => {
            if let Some(d) = a.rfind('-') {
                return a[..d].to_string();
            }
            out.push('-');
            out.push(c);
        }
    }
    out.into_iter().collect()
}

pub const RPM_ALPHABET: &[char] = &['0', '1', '9', 'a', 'z', 'A', '.', '~', '^', '-', '_', '+'];
pub const DEB_ALPHABET: &[char] = &['0', '1', '9', 'a', 'z', 'A', '.', '~', '+', '-'];

/// Whether rpm's parser takes the string (it only refuses an empty one; whitespace is
/// the line format's separator).
pub fn rpm_valid(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace)
}

/// `Dpkg::Version::version_check`: epoch before the first colon, all digits and not
/// empty; revision after the last dash, not empty; upstream not empty and starting with
/// a digit; only `[A-Za-z0-9.+~:-]`.
pub fn deb_valid(s: &str) -> bool {
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+~:-".contains(c))
    {
        return false;
    }
    let (epoch, rest) = match s.split_once(':') {
        Some((e, r)) => (e, r),
        None => ("0", s),
    };
    if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
        return false;
    }
    let upstream = match rest.rfind('-') {
        Some(d) if d + 1 == rest.len() => return false,
        Some(d) => &rest[..d],
        None => rest,
    };
    upstream.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// `count` values of `strategy`, drawn deterministically from `seed`.
pub fn sample<S: Strategy>(strategy: &S, seed: u64, count: usize) -> Vec<S::Value> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("generate a value")
                .current()
        })
        .collect()
}
