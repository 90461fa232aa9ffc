//! `kensa watch --policies FILE`: automatic remediation of the exposures the watcher
//! alerts. A policy decides ([`kensa_watch::policy`]); kensa-aws's planner plans the
//! policy's controls for the exposed interface's groups; its driver applies the plan
//! (journaled before each change, verified by describing again, undone by
//! `kensa remediate rollback`). The groups are then described again and the result
//! applied to the model as an event, so the closure is alerted and journaled like any
//! change. Every state of a remediation goes to the state file before the next step:
//! a restart never starts one twice.
use std::collections::BTreeMap;
use std::path::PathBuf;

use kensa_aws::collect::Extras;
use kensa_aws::remediate::{build_plan, Change, Mode, Plan, PlanRequest};
use kensa_aws::session::Target;
use kensa_report::stream::{Sink, WebhookOptions, WebhookSink};
use kensa_watch::alert::ExposureAlert;
use kensa_watch::apply::described::described_group_event;
use kensa_watch::policy::{Decision, Policy, PolicyMode};
use kensa_watch::remediation::{now_secs, remediation_id, Remediation, RemediationState};
use kensa_watch::{ChangeEvent, WatchRecord, Watcher};

pub use super::watch_book::Book;
pub use super::watch_support::{
    apply_journaled, blocking, describe_groups, find, kensa_trail_time, state_file,
};

/// The automatic remediation side of a live watcher.
pub struct Remediator {
    policies: Vec<Policy>,
    log: Book,
    journal_dir: PathBuf,
    target: Target,
    webhooks: BTreeMap<String, WebhookSink>,
}

/// The records a step produced and the described events to journal after them.
#[derive(Default)]
pub struct Step {
    pub records: Vec<WatchRecord>,
    pub events: Vec<ChangeEvent>,
}

impl Remediator {
    pub fn new(
        policies: Vec<Policy>,
        log: Book,
        journal_dir: PathBuf,
        target: Target,
    ) -> anyhow::Result<Self> {
        let webhooks = (policies.iter())
            .filter_map(|p| {
                let url = p.approval.as_ref()?.webhook.clone()?;
                Some((
                    p.name.clone(),
                    WebhookSink::new(url, WebhookOptions::default()),
                ))
            })
            .collect();
        Ok(Remediator {
            policies,
            log,
            journal_dir,
            target,
            webhooks,
        })
    }

    /// Acts on the opened exposures among `records`.
    pub fn consider(
        &mut self,
        watcher: &mut Watcher,
        records: &[WatchRecord],
    ) -> anyhow::Result<Step> {
        let mut step = Step::default();
        for r in records {
            if let WatchRecord::Exposure(a) = r {
                if a.change == "opened" {
                    self.on_opened(watcher, a, &mut step)?;
                }
            }
        }
        Ok(step)
    }

    fn on_opened(
        &mut self,
        watcher: &mut Watcher,
        alert: &ExposureAlert,
        step: &mut Step,
    ) -> anyhow::Result<()> {
        let groups = (watcher.exposures().get(&alert.network_interface))
            .map(|e| e.groups.clone())
            .unwrap_or_default();
        let decided =
            self.policies
                .iter()
                .find_map(|p| match p.decide(alert, &groups, watcher.snapshot()) {
                    Decision::OutOfScope => None,
                    d => Some((p.clone(), d)),
                });
        let Some((policy, decision)) = decided else {
            return Ok(());
        };
        let id = remediation_id(
            &alert.event.event_id,
            &policy.name,
            &alert.network_interface,
        );
        if let Some(done) = self.log.get(&id)? {
            // The same trigger again (a redelivery after a crash): never a second
            // remediation; the groups are described again so the model follows.
            if matches!(
                done.state,
                RemediationState::Applying | RemediationState::Applied | RemediationState::Failed
            ) {
                self.redescribe(watcher, &done, step);
            }
            return Ok(());
        }
        let mut rem = Remediation {
            id,
            policy: policy.name.clone(),
            state: RemediationState::Exempt,
            event: alert.event.clone(),
            resource: alert.resource.clone(),
            network_interface: alert.network_interface.clone(),
            ports: alert.ports.clone(),
            groups: groups.clone(),
            mode: policy.mode,
            plan: None,
            journal_id: None,
            report: None,
            verified: None,
            message: String::new(),
            at: now_secs(),
            by: format!("policy {}", policy.name),
            alerted: true,
        };
        if let Decision::Exempt { resource, tag } = decision {
            rem.message = format!("{resource} carries the allow-list tag {tag}: not changed");
            return self.record(rem, step);
        }
        let plan = self.plan(&policy, watcher, alert, &groups)?;
        rem.plan = Some(serde_json::to_value(&plan)?);
        if plan.actions.is_empty() {
            rem.state = RemediationState::NothingToDo;
            rem.message = format!(
                "the groups fail none of {}: nothing to change",
                policy.controls.join(",")
            );
            return self.record(rem, step);
        }
        let summary: Vec<String> = plan.actions.iter().map(|a| a.summary.clone()).collect();
        if policy.dry_run {
            rem.state = RemediationState::DryRun;
            rem.message = format!("dry run, would: {}", summary.join("; "));
            return self.record(rem, step);
        }
        if policy.approval.is_some() {
            rem.state = RemediationState::Pending;
            rem.message = format!("awaiting approval to: {}", summary.join("; "));
            if let Some(hook) = self.webhooks.get_mut(&policy.name) {
                let rec = WatchRecord::Remediation(rem.clone());
                if let Err(e) = Sink::<WatchRecord>::emit(hook, &rec)
                    .and_then(|_| Sink::<WatchRecord>::flush(hook))
                {
                    rem.message
                        .push_str(&format!(" (approval webhook failed: {e})"));
                }
            }
            return self.record(rem, step);
        }
        let started = self.log.started_in_last_hour(&policy.name, rem.at)?;
        if started >= policy.rate_limit_per_hour as usize {
            rem.state = RemediationState::RateLimited;
            rem.message = format!(
                "rate limit reached ({started} remediation(s) in the last hour, limit {}): not changed",
                policy.rate_limit_per_hour
            );
            return self.record(rem, step);
        }
        rem.state = RemediationState::Applying;
        self.log.put(&rem)?;
        self.apply(watcher, rem, &plan, step)
    }

    /// Applies a remediation already recorded as applying, records and alerts the
    /// outcome, and describes its groups again into the model.
    fn apply(
        &mut self,
        watcher: &mut Watcher,
        mut rem: Remediation,
        plan: &Plan,
        step: &mut Step,
    ) -> anyhow::Result<()> {
        let applied = blocking(apply_journaled(&self.target, plan, &self.journal_dir));
        rem.state = if applied.verified {
            RemediationState::Applied
        } else {
            RemediationState::Failed
        };
        rem.journal_id = applied.journal_id;
        rem.report = Some(applied.report);
        rem.verified = Some(applied.verified);
        rem.message = applied.message;
        rem.at = now_secs();
        rem.alerted = true;
        self.record(rem.clone(), step)?;
        self.redescribe(watcher, &rem, step);
        Ok(())
    }

    /// The policy's plan, limited to the exposed interface's groups in its region.
    fn plan(
        &self,
        policy: &Policy,
        watcher: &Watcher,
        alert: &ExposureAlert,
        groups: &[String],
    ) -> anyhow::Result<Plan> {
        let mut plan = build_plan(&PlanRequest {
            snapshot: watcher.snapshot(),
            extras: &Extras::default(),
            controls: &policy.controls,
            mode: match policy.mode {
                PolicyMode::Revoke => Mode::Revoke,
                PolicyMode::Narrow => Mode::Narrow,
            },
            source: format!("kensa watch, policy {}", policy.name),
        })?;
        plan.actions.retain(|a| {
            let region_ok = alert.event.region.as_ref().is_none_or(|r| *r == a.region);
            matches!(&a.change, Change::SecurityGroupRules { group_id, .. } if groups.contains(group_id))
                && region_ok
        });
        Ok(plan)
    }

    /// Appends the state and alerts it.
    fn record(&mut self, rem: Remediation, step: &mut Step) -> anyhow::Result<()> {
        self.log.put(&rem)?;
        step.records.push(WatchRecord::Remediation(rem));
        Ok(())
    }

    /// Approvals given in the server since the last call, applied; and outcomes
    /// `kensa remediate approve` wrote, alerted. Either way the groups are described
    /// again into the model. Also those approved while no watcher ran.
    pub fn approvals(&mut self, watcher: &mut Watcher) -> anyhow::Result<Step> {
        let mut step = Step::default();
        for mut rem in self.log.due()? {
            if rem.state == RemediationState::Approved {
                self.apply_approved(watcher, rem, &mut step)?;
                continue;
            }
            rem.alerted = true;
            self.record(rem.clone(), &mut step)?;
            self.redescribe(watcher, &rem, &mut step);
        }
        Ok(step)
    }

    /// Applies an approved remediation's plan, unless another watcher took it first.
    fn apply_approved(
        &mut self,
        watcher: &mut Watcher,
        mut rem: Remediation,
        step: &mut Step,
    ) -> anyhow::Result<()> {
        let plan = rem.plan.clone().map(serde_json::from_value::<Plan>);
        rem.state = RemediationState::Applying;
        rem.at = now_secs();
        if !self.log.transition(RemediationState::Approved, &rem)? {
            return Ok(());
        }
        match plan {
            Some(Ok(plan)) => self.apply(watcher, rem, &plan, step),
            _ => {
                rem.state = RemediationState::Failed;
                rem.message = "approved, but its plan cannot be read: not applied".into();
                rem.alerted = true;
                self.record(rem, step)
            }
        }
    }

    /// Describes the remediation's groups again and applies them to the model.
    fn redescribe(&self, watcher: &mut Watcher, rem: &Remediation, step: &mut Step) {
        let region = rem
            .event
            .region
            .clone()
            .or_else(|| self.target.regions.first().cloned());
        let described = blocking(describe_groups(&self.target, region, &rem.groups));
        let time = kensa_trail_time();
        for (gid, state) in described {
            let ev = match state {
                Ok(s) => described_group_event(
                    &format!("{}-{gid}-{time}", rem.id),
                    &gid,
                    s.security_groups.first(),
                    &s.security_group_rules,
                    &time,
                    &format!("kensa watch remediation {}", rem.id),
                ),
                Err(e) => {
                    eprintln!("warning: cannot describe {gid} again after {}: {e}", rem.id);
                    continue;
                }
            };
            step.records.extend(watcher.process(&ev));
            step.events.push(ev);
        }
    }
}
