//! Notification outcomes recorded on a run, new findings by severity, and the old
//! template rows (without `min_severity`) still readable.
use kensa_model::{Package, Severity};
use kensa_store::{Delivery, DeliveryStatus, Event, RunState};

use crate::backends::stores;
use crate::finding;
use crate::model::{target, template};
use crate::runs::run_with;

#[tokio::test]
async fn deliveries_are_recorded_in_order_and_new_findings_are_by_severity() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("prod", &[])).await.unwrap();
        let mut new = template("tpl", "prod", &["config"]);
        new.subscriptions = vec![
            "FINDING_REPORTED:high=https://hooks.example/a"
                .parse()
                .unwrap(),
            "ASSESSMENT_RUN_COMPLETED=arn:aws:sns:us-east-1:111122223333:t"
                .parse()
                .unwrap(),
        ];
        let tpl = s.create_template(&new).await.unwrap();
        assert_eq!(
            s.template("tpl").await.unwrap().subscriptions,
            tpl.subscriptions
        );
        assert_eq!(
            tpl.subscriptions[1].min_severity,
            Some(Severity::High),
            "{}",
            t.name
        );

        let found = vec![
            finding(Package::Config, "r1", "i-web", Severity::Critical),
            finding(Package::Config, "r2", "i-web", Severity::High),
            finding(Package::Config, "r3", "i-web", Severity::Low),
        ];
        let first = run_with(s, &tpl, found.clone(), RunState::Completed).await;
        let high = s
            .new_findings_of_run(first, Severity::High, 10)
            .await
            .unwrap();
        let sevs: Vec<Severity> = high.iter().map(|f| f.finding.severity).collect();
        assert_eq!(sevs, [Severity::Critical, Severity::High], "{}", t.name);
        assert_eq!(
            s.count_new_findings_of_run(first, Severity::Low)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            s.new_findings_of_run(first, Severity::Low, 1)
                .await
                .unwrap()
                .len(),
            1
        );
        let second = run_with(s, &tpl, found[..1].to_vec(), RunState::Completed).await;
        assert_eq!(
            s.count_new_findings_of_run(second, Severity::Low)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            s.findings_resolved_by_run(second, 10).await.unwrap().len(),
            2
        );
        // What the second run exports: r1 seen again, r2 and r3 resolved; a page at a
        // time in id order, the threshold applied to both.
        let mut paged = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = s
                .run_export_page(second, Severity::Low, after.as_deref(), 1)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.finding.id.clone());
            paged.extend(page);
        }
        let mut ids: Vec<String> = found.iter().map(|f| f.id.clone()).collect();
        ids.sort();
        let paged_ids: Vec<String> = paged.iter().map(|f| f.finding.id.clone()).collect();
        assert_eq!(paged_ids, ids, "{}", t.name);
        let resolved = paged.iter().filter(|f| f.resolved_by_run == Some(second));
        assert_eq!(resolved.count(), 2, "{}", t.name);
        let high = s
            .run_export_page(second, Severity::High, None, 100)
            .await
            .unwrap();
        let sevs: std::collections::BTreeSet<Severity> =
            high.iter().map(|f| f.finding.severity).collect();
        assert_eq!(
            sevs,
            [Severity::Critical, Severity::High].into(),
            "{}",
            t.name
        );

        let deliveries = vec![
            Delivery {
                event: Event::AssessmentRunCompleted,
                destination: tpl.subscriptions[0].endpoint.clone(),
                finding_id: None,
                status: DeliveryStatus::Failed,
                attempts: 4,
                message: Some("NotFound: topic does not exist".into()),
                at: "2026-12-07T10:00:00Z".into(),
            },
            Delivery {
                event: Event::FindingReported,
                destination: tpl.subscriptions[1].endpoint.clone(),
                finding_id: Some(high[0].finding.id.clone()),
                status: DeliveryStatus::Success,
                attempts: 1,
                message: None,
                at: "2026-12-07T10:00:01Z".into(),
            },
        ];
        s.record_deliveries(first, &deliveries).await.unwrap();
        assert_eq!(
            s.run_deliveries(first).await.unwrap(),
            deliveries,
            "{}",
            t.name
        );
        assert!(s.run_deliveries(second).await.unwrap().is_empty());
        // Deleting the template with its runs takes their notifications along.
        s.delete_template("tpl", true).await.unwrap();
        assert!(s.run_deliveries(first).await.unwrap().is_empty());
    }
}

#[test]
fn a_security_hub_endpoint_takes_finding_reported_only() {
    let hub = "arn:aws:securityhub:eu-west-1:111122223333:hub/default";
    let sub: kensa_store::Subscription = format!("FINDING_REPORTED:high={hub}").parse().unwrap();
    assert_eq!(sub.min_severity, Some(Severity::High));
    assert_eq!(
        kensa_store::Destination::parse(hub).unwrap(),
        kensa_store::Destination::SecurityHub {
            hub_arn: hub.into(),
            region: "eu-west-1".into(),
            account: "111122223333".into(),
        }
    );
    let err = format!("ASSESSMENT_RUN_COMPLETED={hub}")
        .parse::<kensa_store::Subscription>()
        .unwrap_err()
        .to_string();
    assert!(err.contains("FINDING_REPORTED"), "{err}");
    for bad in [
        "arn:aws:securityhub:eu-west-1:1111:hub/default",
        "arn:aws:securityhub:eu-west-1:111122223333:product/x",
        "arn:aws:securityhub::111122223333:hub/default",
    ] {
        let err = kensa_store::Destination::parse(bad).unwrap_err();
        assert!(err.contains("hub/default"), "{bad}: {err}");
    }
}
