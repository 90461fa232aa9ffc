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
