//! The shell-history watcher on a temporary home directory: truncation, deletion and
//! replacement by a symbolic link are alerts, and the acting process (this test) is
//! named when fanotify works here; otherwise each alert says "who unknown".
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use kensa_agent::watch::{Home, Watcher};
use kensa_telemetry::{HistoryChange, HostAlert, WhoSource};

/// Starts a watcher on `dir` in its own thread; alerts arrive on the channel.
pub fn watch(dir: &Path, fanotify: bool) -> (mpsc::Receiver<HostAlert>, bool) {
    let home = Home {
        dir: dir.to_path_buf(),
        user: "tester".into(),
    };
    let mut watcher = Watcher::new(vec![home], Path::new("/nonexistent/passwd"), fanotify).unwrap();
    let identifies = watcher.identifies_processes();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || loop {
        let Ok(alerts) = watcher.next_alerts() else {
            return;
        };
        for a in alerts {
            if tx.send(a).is_err() {
                return;
            }
        }
    });
    (rx, identifies)
}

pub fn next(rx: &mpsc::Receiver<HostAlert>) -> HostAlert {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("an alert within 30 s")
}

#[test]
fn truncation_deletion_and_replacement_are_alerts_naming_the_process() {
    let home = tempfile::tempdir().unwrap();
    let bash = home.path().join(".bash_history");
    let zsh = home.path().join(".zsh_history");
    std::fs::write(&bash, "ls\ncat /etc/shadow\n").unwrap();
    std::fs::write(&zsh, ": 1700000000:0;ls\n").unwrap();
    let (rx, identifies) = watch(home.path(), true);

    // Appending is what a shell does: no alert. Truncating is one.
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&bash)
        .unwrap();
    f.write_all(b"id\n").unwrap();
    drop(f);
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&bash)
        .unwrap();
    let truncated = next(&rx);
    assert_eq!(truncated.change, HistoryChange::Truncated, "{truncated:?}");
    assert_eq!(truncated.path, bash.display().to_string());
    // The last size the watcher saw: after the append, or before it when both
    // events were read at once (inotify reports that a file changed, not its size).
    assert!(
        matches!(truncated.size_before, Some(19 | 22)),
        "{truncated:?}"
    );
    assert_eq!(truncated.detail.as_deref(), Some("now 0 bytes"));
    assert_eq!(truncated.owner.as_deref(), Some("tester"));

    std::fs::remove_file(&zsh).unwrap();
    let deleted = next(&rx);
    assert_eq!(deleted.change, HistoryChange::Deleted, "{deleted:?}");
    assert_eq!(deleted.path, zsh.display().to_string());

    std::os::unix::fs::symlink("/dev/null", home.path().join(".zhistory")).unwrap();
    let replaced = next(&rx);
    assert_eq!(replaced.change, HistoryChange::Replaced, "{replaced:?}");
    assert_eq!(
        replaced.detail.as_deref(),
        Some("now a symbolic link to /dev/null")
    );

    for alert in [&truncated, &deleted, &replaced] {
        let who = &alert.who;
        if identifies {
            assert_eq!(who.source, WhoSource::Fanotify, "{alert:?}");
            assert_eq!(who.pid, Some(std::process::id()), "{alert:?}");
            let exe = std::env::current_exe().unwrap();
            assert_eq!(who.exe.as_deref(), Some(exe.to_str().unwrap()));
            assert!(who.process.is_some(), "{alert:?}");
        } else {
            eprintln!("notice: fanotify unavailable here; checking that alerts say so");
            assert_eq!(who.source, WhoSource::Unknown);
            assert!(who.note.as_deref().unwrap().starts_with("who unknown"));
        }
    }
}

#[test]
fn without_fanotify_alerts_say_who_is_unknown() {
    let home = tempfile::tempdir().unwrap();
    let bash = home.path().join(".bash_history");
    std::fs::write(&bash, "ls\n").unwrap();
    let (rx, identifies) = watch(home.path(), false);
    assert!(!identifies);
    std::fs::remove_file(&bash).unwrap();
    let alert = next(&rx);
    assert_eq!(alert.change, HistoryChange::Deleted);
    assert_eq!(alert.who.source, WhoSource::Unknown);
    assert_eq!(alert.who.pid, None);
    assert_eq!(
        alert.who.note.as_deref(),
        Some("who unknown: fanotify not requested")
    );
}
