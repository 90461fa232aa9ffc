//! Property tests: arbitrary input never panics, and splitting a stream into chunks does
//! not change what is found.

use proptest::prelude::*;

use crate::common::{engine, run};

const RULE: &str = "- rule: A\n  desc: d\n  condition: ct.id exists or ct.name startswith R\n  output: \"%ct.name %ct.user %json.value[/a/0]\"\n  priority: INFO\n  source: aws_cloudtrail\n";

fn record() -> impl Strategy<Value = String> {
    ("[A-Z][a-z]{0,8}", "[a-z0-9 \\\\\"{}\\[\\],:]{0,12}", any::<bool>()).prop_map(|(name, junk, id)| {
        let junk = serde_json::to_string(&junk).unwrap();
        if id {
            format!(r#"{{"eventName":"{name}","eventID":{junk},"a":[{junk}],"n":{{"x":[1,{{"y":null}}]}}}}"#)
        } else {
            format!(r#"{{"eventName":"{name}","x":{junk}}}"#)
        }
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let e = engine(&[("r.yaml", RULE)]);
        let _ = run(&e, &bytes, "p");
    }

    #[test]
    fn mangled_records_never_panic(recs in proptest::collection::vec(record(), 1..8), cut in 0usize..400, byte in any::<u8>()) {
        let e = engine(&[("r.yaml", RULE)]);
        let mut text = format!("{{\"Records\":[{}]}}", recs.join(",")).into_bytes();
        if cut < text.len() {
            text[cut] = byte;
        }
        let _ = run(&e, &text, "p");
        text.truncate(cut.min(text.len()));
        let _ = run(&e, &text, "p");
    }

    #[test]
    fn stream_and_slice_agree(recs in proptest::collection::vec(record(), 1..20)) {
        let e = engine(&[("r.yaml", RULE)]);
        let text = format!("{{\"Records\":[{}]}}", recs.join(","));
        let whole = run(&e, text.as_bytes(), "p");
        // A reader that returns a few bytes at a time exercises the NeedMore path.
        struct Trickle<'a>(&'a [u8]);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(7);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut alerts = Vec::new();
        let stats = e.process_reader(Trickle(text.as_bytes()), "p", &mut |a| alerts.push(a.output), &mut |_| {});
        prop_assert_eq!(stats.events, recs.len() as u64);
        prop_assert_eq!(whole.stats.events, stats.events);
        prop_assert_eq!(whole.alerts.into_iter().map(|a| a.output).collect::<Vec<_>>(), alerts);
    }

    #[test]
    fn arbitrary_conditions_never_panic(cond in "[a-z. ()=!<>\"',\\[\\]/0-9]{0,40}") {
        let text = format!("- rule: X\n  desc: d\n  condition: {}\n  output: o\n  priority: INFO\n  source: aws_cloudtrail\n", serde_json::to_string(&cond).unwrap());
        let _ = kensa_trail::load_rule_sources(&[kensa_trail::RuleSource { name: "p".into(), text }]);
    }
}
