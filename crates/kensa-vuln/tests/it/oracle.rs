//! The real package-manager comparisons, each run as ONE long-lived process that reads
//! `A B` lines on stdin and answers `<`, `=`, `>` (or `E` when it rejects a version).
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::{Command, Stdio};

/// rpm's own comparison through Debian's python3-rpm: `rpm.labelCompare` on the two
/// EVR strings, checked against the `rpm.ver` objects' order (both are rpm's parser and
/// `rpmverCmp`); `X` when the two disagree.
const RPM_SCRIPT: &str = r#"
import sys, rpm
out = sys.stdout
for line in sys.stdin:
    a, b = line.rstrip("\n").split(" ")
    try:
        r = rpm.labelCompare(a, b)
        va, vb = rpm.ver(a), rpm.ver(b)
        v = (va > vb) - (va < vb)
        out.write(("<=>"[r + 1] if r == v else "X") + "\n")
    except Exception:
        out.write("E\n")
out.flush()
"#;

/// dpkg's own comparison through Debian's libdpkg-perl (`Dpkg::Version`).
const DPKG_SCRIPT: &str = r#"
my ($a, $b) = split / /;
my $r = eval { version_compare($a, $b) };
print defined $r ? (qw(= > <))[$r] : "E";
"#;

/// One real implementation: how to start it and how to tell it is installed.
pub struct Oracle {
    pub name: &'static str,
    program: &'static str,
    args: Vec<&'static str>,
    probe: Vec<&'static str>,
}

impl Oracle {
    pub fn rpm() -> Oracle {
        Oracle {
            name: "rpm (python3-rpm rpm.labelCompare)",
            program: python3(),
            args: vec!["-c", RPM_SCRIPT],
            probe: vec!["-c", "import rpm"],
        }
    }

    pub fn dpkg() -> Oracle {
        Oracle {
            name: "dpkg (libdpkg-perl Dpkg::Version)",
            program: "perl",
            args: vec!["-MDpkg::Version", "-lne", DPKG_SCRIPT],
            probe: vec!["-MDpkg::Version", "-e", "1"],
        }
    }

    /// Whether the tool is installed (scripts/test installs it).
    pub fn available(&self) -> bool {
        Command::new(self.program)
            .args(&self.probe)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Compares every pair in one process; one answer per pair, in order.
    pub fn compare_all(&self, pairs: &[(String, String)]) -> Vec<char> {
        let mut child = Command::new(self.program)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", self.name));
        let stdin = child.stdin.take().expect("piped stdin");
        let input: Vec<String> = pairs.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
        // Written from another thread so that neither side's pipe buffer can fill up
        // while the other waits.
        let writer = std::thread::spawn(move || {
            let mut w = BufWriter::new(stdin);
            for line in &input {
                w.write_all(line.as_bytes()).expect("write to oracle");
            }
            w.flush().expect("flush oracle input");
        });
        let stdout = child.stdout.take().expect("piped stdout");
        let answers: Vec<char> = BufReader::new(stdout)
            .lines()
            .map(|l| {
                let l = l.expect("read oracle output");
                l.chars().next().unwrap_or('?')
            })
            .collect();
        writer.join().expect("writer thread");
        let status = child.wait().expect("wait for oracle");
        assert!(status.success(), "{} exited with {status}", self.name);
        assert_eq!(
            answers.len(),
            pairs.len(),
            "{} answered {} of {} pairs",
            self.name,
            answers.len(),
            pairs.len()
        );
        answers
    }
}

/// Debian's python3 (where python3-rpm lives), not a virtualenv's or pyenv's.
fn python3() -> &'static str {
    if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}
