//! Filters, paging and mute rules over stored findings.
use kensa_model::{FindingStatus, Package, Severity};
use kensa_rules::MuteList;
use kensa_store::{FindingCursor, FindingFilter, RunState, TagPair};

use crate::backends::stores;
use crate::finding;
use crate::model::{target, template};
use crate::runs::run_with;

fn tagged(rule: &str, resource: &str, severity: Severity, env: &str) -> kensa_model::Finding {
    let mut f = finding(Package::Config, rule, resource, severity);
    f.resource.tags.insert("env".into(), env.into());
    f.attributes.insert("PORT".into(), "22".into());
    f
}

#[tokio::test]
async fn filters_combine_and_pages_do_not_overlap() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config", "network-reachability"]))
            .await
            .unwrap();
        let mut all = Vec::new();
        for i in 0..30 {
            let sev = if i % 3 == 0 {
                Severity::High
            } else {
                Severity::Low
            };
            let env = if i % 2 == 0 { "prod" } else { "dev" };
            all.push(tagged(&format!("EC2.{i}"), &format!("sg-{i:03}"), sev, env));
        }
        all.push(finding(
            Package::NetworkReachability,
            "NetworkExposure",
            "i-web",
            Severity::High,
        ));
        let run = run_with(s, &tpl, all, RunState::Completed).await;

        let f = FindingFilter {
            severities: vec![Severity::High],
            packages: vec!["config".into()],
            tags: vec![TagPair {
                key: "env".into(),
                value: "prod".into(),
            }],
            ..Default::default()
        };
        let got = s.findings(&f).await.unwrap();
        let rules: Vec<&str> = got.iter().map(|f| f.finding.rule_id.as_str()).collect();
        // i % 6 == 0: high and prod.
        assert_eq!(got.len(), 5, "{}: {rules:?}", t.name);
        assert!(got
            .iter()
            .all(|f| f.finding.severity == Severity::High
                && f.finding.resource.tags["env"] == "prod"));
        assert_eq!(s.count_findings(&f).await.unwrap(), 5);

        let glob = FindingFilter {
            resource: Some("sg-00?".into()),
            ..Default::default()
        };
        assert_eq!(s.count_findings(&glob).await.unwrap(), 10, "{}", t.name);
        let rule = FindingFilter {
            rules: vec!["EC2.2*".into()],
            ..Default::default()
        };
        assert_eq!(s.count_findings(&rule).await.unwrap(), 11, "{}", t.name);
        let attr = FindingFilter {
            attributes: vec![("PORT".into(), "22".into())],
            ..Default::default()
        };
        assert_eq!(s.count_findings(&attr).await.unwrap(), 30, "{}", t.name);
        let user = FindingFilter {
            attributes: vec![("owner".into(), "team-a".into())],
            ..Default::default()
        };
        assert_eq!(s.count_findings(&user).await.unwrap(), 31, "{}", t.name);
        let by_run = FindingFilter {
            run: Some(run),
            min_severity: Some(Severity::High),
            ..Default::default()
        };
        assert_eq!(s.count_findings(&by_run).await.unwrap(), 11);

        let mut seen = std::collections::BTreeSet::new();
        for page in 0..4 {
            let p = FindingFilter {
                limit: 10,
                offset: page * 10,
                ..Default::default()
            };
            for f in s.findings(&p).await.unwrap() {
                assert!(
                    seen.insert(f.finding.id.clone()),
                    "{}: page overlap",
                    t.name
                );
            }
        }
        assert_eq!(seen.len(), 31);
        let first = s
            .findings(&FindingFilter {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(first[0].finding.severity, Severity::High, "worst first");
        let bad = FindingFilter {
            packages: vec!["kernel".into()],
            ..Default::default()
        };
        assert!(s
            .findings(&bad)
            .await
            .unwrap_err()
            .to_string()
            .contains("unknown package"));
    }
}

#[tokio::test]
async fn mute_rules_suppress_stored_and_new_findings() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config"]))
            .await
            .unwrap();
        run_with(
            s,
            &tpl,
            vec![
                tagged("EC2.19", "sg-1", Severity::High, "dev"),
                tagged("EC2.19", "sg-2", Severity::High, "prod"),
            ],
            RunState::Completed,
        )
        .await;
        let list = MuteList::parse(
            "mutes.yaml",
            "mutes:\n  - rule: \"EC2.*\"\n    tags: {env: dev}\n    reason: sandbox\n    expires: 2099-01-01\n  - rule: EC2.99\n    reason: old\n    expires: 2020-01-01\n",
        )
        .unwrap();
        assert_eq!(s.import_mutes(&list, "mutes.yaml", true).await.unwrap(), 2);
        let outcome = s.apply_mutes("2026-12-07").await.unwrap();
        assert_eq!(
            (outcome.suppressed, outcome.unchanged),
            (1, 1),
            "{}",
            t.name
        );
        let suppressed = FindingFilter {
            statuses: vec![FindingStatus::Suppressed],
            ..Default::default()
        };
        let got = s.findings(&suppressed).await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].finding.resource.id, "sg-1");
        let reason = got[0].status_reason.clone().unwrap();
        assert!(
            reason.contains("sandbox") && reason.contains("expires 2099-01-01"),
            "{reason}"
        );
        // A new run's findings are muted as they are stored.
        run_with(
            s,
            &tpl,
            vec![tagged("EC2.2", "sg-3", Severity::Low, "dev")],
            RunState::Completed,
        )
        .await;
        assert_eq!(
            s.count_findings(&suppressed).await.unwrap(),
            1,
            "sg-1 resolved, sg-3 muted"
        );
        assert_eq!(
            s.finding(&tagged("EC2.2", "sg-3", Severity::Low, "dev").id)
                .await
                .unwrap()
                .finding
                .status,
            FindingStatus::Suppressed
        );
        // Deleting the rule makes them active again.
        let id = s.mutes().await.unwrap()[0].id;
        s.delete_mute(id).await.unwrap();
        let outcome = s.apply_mutes("2026-12-07").await.unwrap();
        assert_eq!(outcome.unsuppressed, 1, "{}", t.name);
    }
}

#[tokio::test]
async fn cursor_pages_walk_the_same_order_as_offset_pages() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config"]))
            .await
            .unwrap();
        let all: Vec<_> = (0..23)
            .map(|i| {
                let sev = Severity::ALL[i % 5];
                tagged(&format!("EC2.{i}"), &format!("sg-{i:03}"), sev, "prod")
            })
            .collect();
        run_with(s, &tpl, all, RunState::Completed).await;
        for filter in [
            FindingFilter::default(),
            FindingFilter {
                severities: vec![Severity::High, Severity::Informational],
                ..Default::default()
            },
        ] {
            let whole = s
                .findings(&FindingFilter {
                    limit: 1000,
                    ..filter.clone()
                })
                .await
                .unwrap();
            let mut walked = Vec::new();
            let mut cursor = None;
            loop {
                let page = s
                    .findings_after(
                        &FindingFilter {
                            limit: 4,
                            ..filter.clone()
                        },
                        cursor.as_ref(),
                    )
                    .await
                    .unwrap();
                let Some(last) = page.last() else { break };
                cursor = Some(FindingCursor::after(last));
                walked.extend(page);
            }
            let ids = |v: &[kensa_store::StoredFinding]| {
                v.iter().map(|f| f.finding.id.clone()).collect::<Vec<_>>()
            };
            assert_eq!(ids(&walked), ids(&whole), "{}: {filter:?}", t.name);
            // Backwards from the end: pages of 4 before each page's first finding give
            // the same order, reversed page by page.
            let mut back: Vec<kensa_store::StoredFinding> = Vec::new();
            let mut first = whole.last().map(FindingCursor::after);
            back.extend(whole.last().cloned());
            while let Some(c) = first {
                let page = s
                    .findings_before(
                        &FindingFilter {
                            limit: 4,
                            ..filter.clone()
                        },
                        &c,
                    )
                    .await
                    .unwrap();
                assert!(page.len() <= 4);
                first = page.first().map(FindingCursor::after);
                back.splice(0..0, page);
            }
            assert_eq!(ids(&back), ids(&whole), "{}: backwards {filter:?}", t.name);
            let n = whole.len() as i64;
            assert_eq!(s.count_findings_capped(&filter, 1000).await.unwrap(), n);
            assert_eq!(s.count_findings_capped(&filter, 3).await.unwrap(), 3.min(n));
        }
        let both = FindingFilter {
            offset: 3,
            ..Default::default()
        };
        assert!(s.findings_after(&both, None).await.is_err(), "{}", t.name);
    }
}
