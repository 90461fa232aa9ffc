//! The live watcher's journal: what is appended comes back in order after a restart,
//! and the model rebuilt from it is the one the alerts were computed on.
use kensa_watch::journal::Journal;

use crate::events::*;
use crate::watcher;

#[test]
fn restart_rebuilds_the_same_model_and_knows_the_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let events = [
        authorize("sg-web", "sgr-j1", "tcp", 22, "0.0.0.0/0"),
        associate_route_table("rtb-pub", "subnet-priv", "rtbassoc-j"),
    ];
    let mut live = watcher();
    {
        let (mut journal, replayed) = Journal::open(&path).unwrap();
        assert!(replayed.is_empty());
        for (i, ev) in events.iter().enumerate() {
            let mut ev = ev.clone();
            ev.event_id = format!("id-{i}");
            live.process(&ev);
            journal.append(&ev).unwrap();
        }
    }
    let (journal, replayed) = Journal::open(&path).unwrap();
    assert_eq!(replayed.len(), 2);
    assert!(journal.contains("id-0") && journal.contains("id-1"));
    assert!(!journal.contains("id-2") && !journal.contains(""));
    assert_eq!(replayed[0].request, events[0].request);
    assert_eq!(replayed[0].actor, ACTOR);
    let mut restarted = watcher();
    for ev in &replayed {
        restarted.process(ev);
    }
    assert_eq!(restarted.exposures(), live.exposures());
}

#[test]
fn a_corrupt_line_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    std::fs::write(
        &path,
        "{\"eventName\": \"X\", \"eventTime\": \"t\"}\n{broken\n",
    )
    .unwrap();
    let err = Journal::open(&path).err().expect("corrupt journal");
    assert!(err.to_string().contains("line 2"), "{err}");
}
