//! Message bodies shaped like Amazon Inspector Classic's SNS notifications (`template`,
//! `run`, `time`, `event`, `target`, plus `finding` for FINDING_REPORTED, `newstate` for
//! ASSESSMENT_RUN_STATE_CHANGED and `findingsCount` for ASSESSMENT_RUN_COMPLETED), so
//! existing subscribers keep working. Identifiers follow Inspector's ARN paths with a
//! `kensa:` prefix; kensa's own details are under `kensa`.
use kensa_store::{Event, Run, RunState, StoredFinding, Template};
use serde_json::{json, Value};

/// What every message of one run names.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The run's id.
    pub run: i64,
    /// The template the run applies.
    pub template: Template,
}

impl RunContext {
    fn target_id(&self) -> String {
        format!("kensa:target/{}", self.template.target_id)
    }
    fn template_id(&self) -> String {
        format!("{}/template/{}", self.target_id(), self.template.id)
    }
    fn run_id(&self) -> String {
        format!("{}/run/{}", self.template_id(), self.run)
    }
}

/// One notification: the JSON body, an SNS subject and a line for chat.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The event it reports.
    pub event: Event,
    /// The finding it reports (FINDING_REPORTED).
    pub finding_id: Option<String>,
    /// A short subject (SNS; at most 100 characters).
    pub subject: String,
    /// The Inspector-shaped JSON body.
    pub body: Value,
    /// One human-readable line (the Slack-compatible body's `text`).
    pub text: String,
}

impl Message {
    fn base(ctx: &RunContext, event: Event, time: &str) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("template".into(), json!(ctx.template_id()));
        m.insert("run".into(), json!(ctx.run_id()));
        m.insert("time".into(), json!(time));
        m.insert("event".into(), json!(event.as_str()));
        m.insert("target".into(), json!(ctx.target_id()));
        m
    }

    fn finish(
        ctx: &RunContext,
        event: Event,
        mut body: serde_json::Map<String, Value>,
        kensa: Value,
        text: String,
    ) -> Message {
        let mut details = json!({
            "template_name": ctx.template.name,
            "target_name": ctx.template.target,
            "run_id": ctx.run,
        });
        if let (Some(d), Value::Object(extra)) = (details.as_object_mut(), kensa) {
            d.extend(extra);
        }
        body.insert("kensa".into(), details);
        let finding_id = body
            .get("kensa")
            .and_then(|k| k.get("finding_id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Message {
            event,
            finding_id,
            subject: subject(&text),
            body: Value::Object(body),
            text,
        }
    }

    /// ASSESSMENT_RUN_STARTED.
    pub fn started(ctx: &RunContext, time: &str) -> Message {
        let event = Event::AssessmentRunStarted;
        let body = Self::base(ctx, event, time);
        let text = format!(
            "kensa: run {} of template {} started",
            ctx.run, ctx.template.name
        );
        Self::finish(ctx, event, body, json!({}), text)
    }

    /// ASSESSMENT_RUN_STATE_CHANGED to `state`.
    pub fn state_changed(ctx: &RunContext, state: RunState, time: &str) -> Message {
        let event = Event::AssessmentRunStateChanged;
        let mut body = Self::base(ctx, event, time);
        body.insert("newstate".into(), json!(state.as_str()));
        let text = format!(
            "kensa: run {} of template {} is {state}",
            ctx.run, ctx.template.name
        );
        Self::finish(ctx, event, body, json!({}), text)
    }

    /// ASSESSMENT_RUN_COMPLETED (sent for every final state; `kensa.state` says which).
    pub fn completed(ctx: &RunContext, run: &Run, time: &str) -> Message {
        let event = Event::AssessmentRunCompleted;
        let mut body = Self::base(ctx, event, time);
        let c = &run.counts;
        // Inspector sent the counts as one string; kensa counts by severity.
        body.insert(
            "findingsCount".into(),
            json!(format!(
                "{{critical={}, high={}, medium={}, low={}, informational={}}}",
                c.critical, c.high, c.medium, c.low, c.informational
            )),
        );
        let kensa = json!({
            "state": run.state.as_str(),
            "state_reason": run.state_reason,
            "counts": c,
            "resolved": run.resolved,
        });
        let text = format!(
            "kensa: run {} of template {} ended {}: {} critical, {} high, {} medium, {} low, {} informational; {} resolved",
            ctx.run, ctx.template.name, run.state, c.critical, c.high, c.medium, c.low, c.informational, run.resolved
        );
        Self::finish(ctx, event, body, kensa, text)
    }

    /// FINDING_REPORTED for one new finding.
    pub fn finding_reported(ctx: &RunContext, found: &StoredFinding, time: &str) -> Message {
        let event = Event::FindingReported;
        let f = &found.finding;
        let mut body = Self::base(ctx, event, time);
        body.insert(
            "finding".into(),
            json!(format!("{}/finding/{}", ctx.run_id(), f.id)),
        );
        let kensa = json!({
            "finding_id": f.id,
            "title": f.title,
            "severity": f.severity.as_str(),
            "package": f.package.as_str(),
            "rule_id": f.rule_id,
            "resource_type": f.resource.resource_type,
            "resource_id": f.resource.id,
            "account": f.resource.account,
            "region": f.resource.region,
        });
        let text = format!(
            "kensa: new {} finding on {}: {} ({})",
            f.severity, f.resource.id, f.title, f.rule_id
        );
        Self::finish(ctx, event, body, kensa, text)
    }
}

/// SNS subjects: at most 100 printable ASCII characters, no line breaks.
fn subject(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { ' ' })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    clean.chars().take(100).collect()
}
