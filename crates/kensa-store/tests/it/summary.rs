//! The overview's grouped counts agree with counting each filter on its own.
use kensa_model::{FindingStatus, Package, Severity};
use kensa_store::{ActiveCount, FindingFilter, RunState};

use crate::backends::stores;
use crate::finding;
use crate::model::{target, template};
use crate::runs::run_with;

#[tokio::test]
async fn active_counts_group_by_package_and_severity() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config", "network-reachability"]))
            .await
            .unwrap();
        let mut all = Vec::new();
        for i in 0..12 {
            let sev = [Severity::Critical, Severity::High, Severity::Low][i % 3];
            all.push(finding(
                Package::Config,
                &format!("EC2.{i}"),
                &format!("sg-{i:03}"),
                sev,
            ));
        }
        all.push(finding(
            Package::NetworkReachability,
            "NetworkExposure",
            "i-web",
            Severity::High,
        ));
        run_with(s, &tpl, all, RunState::Completed).await;
        let got = s.active_counts().await.unwrap();
        let want = |package: &str, severity, count| ActiveCount {
            package: package.into(),
            severity,
            count,
        };
        assert_eq!(
            got,
            vec![
                want("config", Severity::Critical, 4),
                want("config", Severity::High, 4),
                want("config", Severity::Low, 4),
                want("network-reachability", Severity::High, 1),
            ],
            "{}",
            t.name
        );
        let counted = s
            .count_findings(&FindingFilter {
                statuses: vec![FindingStatus::Active],
                severities: vec![Severity::High],
                ..Default::default()
            })
            .await
            .unwrap();
        let grouped: i64 = got
            .iter()
            .filter(|c| c.severity == Severity::High)
            .map(|c| c.count)
            .sum();
        assert_eq!(counted, grouped, "{}", t.name);
    }
}
