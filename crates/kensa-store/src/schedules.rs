//! Schedules: a cron expression (UTC) on a template, kept beside it (templates are
//! immutable). The server fires due schedules; a schedule fires for the LATEST cron
//! time that passed since its last fire, so after downtime a missed run runs once.
use std::str::FromStr;

use chrono::{DateTime, Utc};
use croner::Cron;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};

/// A template's schedule, with when it fires next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// Name of the template the scheduled runs use.
    pub template: String,
    /// The cron expression (five fields, UTC, or a nickname such as `@daily`), as set.
    pub cron: String,
    /// What the scheduled runs read: `demo` or a snapshot directory.
    pub input: String,
    /// The cron time of the last fire (None: never fired).
    pub last_fire_at: Option<String>,
    /// The run the last fire created; None before the first fire.
    pub last_run_id: Option<i64>,
    /// When the schedule was set (setting it again resets it), RFC 3339 UTC; the first fire
    /// is the first cron time after it.
    pub created_at: String,
    /// Who last set the schedule; None when no user was recorded.
    pub updated_by: Option<String>,
    /// The next cron time after the last fire (or after creation).
    pub next_due_at: Option<String>,
}

/// A schedule that fired: the run it created (queued) and the cron time it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// Name of the schedule's template.
    pub template: String,
    /// The queued run this fire created.
    pub run_id: i64,
    /// What the run reads: `demo` or a snapshot directory.
    pub input: String,
    /// The cron time this fire stands for (RFC 3339 UTC), which becomes the schedule's last
    /// fire.
    pub fire_at: String,
}

/// Parses a five-field cron expression (minute hour day-of-month month day-of-week, in
/// UTC) or a nickname such as `@daily`, with an error that says what is wrong.
pub fn parse_cron(expr: &str) -> Result<Cron> {
    let expr = expr.trim();
    let fields = expr.split_whitespace().count();
    let invalid = |why: String| {
        StoreError::invalid(
            "schedule",
            format!("cron expression `{expr}`: {why} (expected five fields, minute hour day-of-month month day-of-week, in UTC, e.g. `0 3 * * *`)"),
        )
    };
    if !expr.is_ascii() || expr.len() > 200 {
        return Err(invalid("not a short ASCII expression".into()));
    }
    if !expr.starts_with('@') && fields != 5 {
        return Err(invalid(format!("{fields} fields")));
    }
    Cron::from_str(expr).map_err(|e| invalid(e.to_string()))
}

/// The cron time a schedule must fire for at `now`: None when the first occurrence after
/// `anchor` (its last fire, or its creation) is still ahead; else the latest occurrence
/// at or before `now` — one fire however many occurrences were missed.
pub fn due_fire(
    cron: &Cron,
    anchor: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let (anchor, now) = (whole_seconds(anchor), whole_seconds(now));
    let next = cron
        .find_next_occurrence(&anchor, false)
        .map_err(|e| StoreError::invalid("schedule", e.to_string()))?;
    if next > now {
        return Ok(None);
    }
    let latest = cron
        .find_previous_occurrence(&now, true)
        .map_err(|e| StoreError::invalid("schedule", e.to_string()))?;
    Ok(Some(latest.max(next)))
}

/// `t` without its fraction of a second (cron times are whole seconds; the search
/// keeps the fraction of its starting time).
fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Decode {
            what: "timestamp",
            message: format!("`{text}`: {e}"),
        })
}

pub(crate) fn time_of_millis(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::invalid("time", ms.to_string()))
}

fn format_time(t: DateTime<Utc>) -> String {
    clock::format_millis(t.timestamp_millis())
}

const SCHEDULE_SELECT: &str = "SELECT t.name AS template, s.template_id, s.cron, s.input, s.last_fire_at, s.last_run_id, s.created_at, s.updated_by FROM schedules s JOIN templates t ON t.id = s.template_id";

fn schedule_of_row(row: &AnyRow) -> Result<(i64, Schedule)> {
    let get = |c: &str| row.try_get::<String, _>(c).ctx("reading a schedule");
    let opt = |c: &str| {
        row.try_get::<Option<String>, _>(c)
            .ctx("reading a schedule")
    };
    let mut s = Schedule {
        template: get("template")?,
        cron: get("cron")?,
        input: get("input")?,
        last_fire_at: opt("last_fire_at")?,
        last_run_id: row.try_get("last_run_id").ctx("reading a schedule")?,
        created_at: get("created_at")?,
        updated_by: opt("updated_by")?,
        next_due_at: None,
    };
    // Shown, not relied on: an unreadable schedule lists with no next time (firing
    // reports it).
    s.next_due_at = parse_time(s.last_fire_at.as_deref().unwrap_or(&s.created_at))
        .ok()
        .and_then(|anchor| {
            parse_cron(&s.cron)
                .ok()?
                .find_next_occurrence(&whole_seconds(anchor), false)
                .ok()
        })
        .map(format_time);
    let id = row.try_get("template_id").ctx("reading a schedule")?;
    Ok((id, s))
}

impl Store {
    /// Sets (or replaces) the schedule of template `template`. A new or changed schedule
    /// counts from now: it does not fire for times before it was set.
    pub async fn set_schedule(
        &self,
        template: &str,
        cron: &str,
        input: &str,
        by: Option<&str>,
    ) -> Result<Schedule> {
        parse_cron(cron)?;
        if input.trim().is_empty() {
            return Err(StoreError::invalid(
                "schedule input",
                "empty; give `demo` or a snapshot directory",
            ));
        }
        let t = self.template(template).await?;
        sqlx::query("INSERT INTO schedules (template_id, cron, input, last_fire_at, last_run_id, created_at, updated_by) VALUES ($1, $2, $3, NULL, NULL, $4, $5) \
             ON CONFLICT (template_id) DO UPDATE SET cron = excluded.cron, input = excluded.input, last_fire_at = NULL, created_at = excluded.created_at, updated_by = excluded.updated_by")
            .bind(t.id)
            .bind(cron.trim())
            .bind(input.trim())
            .bind(clock::now())
            .bind(by)
            .execute(&self.pool)
            .await
            .ctx("setting a schedule")?;
        self.schedule(template).await
    }

    /// The schedule of template `template`.
    pub async fn schedule(&self, template: &str) -> Result<Schedule> {
        let row = sqlx::query(&format!("{SCHEDULE_SELECT} WHERE t.name = $1"))
            .bind(template)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a schedule")?
            .ok_or_else(|| StoreError::NotFound {
                what: "schedule of template",
                name: template.to_string(),
            })?;
        Ok(schedule_of_row(&row)?.1)
    }

    /// Every schedule, by template name.
    pub async fn schedules(&self) -> Result<Vec<Schedule>> {
        let rows = sqlx::query(&format!("{SCHEDULE_SELECT} ORDER BY t.name"))
            .fetch_all(&self.pool)
            .await
            .ctx("listing schedules")?;
        rows.iter().map(|r| Ok(schedule_of_row(r)?.1)).collect()
    }

    /// Removes the schedule of template `template`.
    pub async fn delete_schedule(&self, template: &str) -> Result<()> {
        let t = self.template(template).await?;
        let n = sqlx::query("DELETE FROM schedules WHERE template_id = $1")
            .bind(t.id)
            .execute(&self.pool)
            .await
            .ctx("deleting a schedule")?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "schedule of template",
                name: template.to_string(),
            });
        }
        Ok(())
    }

    /// Fires every schedule due at `now_ms` (milliseconds since the epoch; the caller's
    /// clock, so tests can move time): each creates ONE queued run, whatever the number
    /// of cron times missed. Safe with several servers on one store: the fire is a
    /// conditional update, so only one of them wins it.
    pub async fn fire_due_schedules(&self, now_ms: i64) -> Result<Vec<Fired>> {
        let now = time_of_millis(now_ms)?;
        let rows = sqlx::query(&format!("{SCHEDULE_SELECT} ORDER BY t.name"))
            .fetch_all(&self.pool)
            .await
            .ctx("reading schedules")?;
        let mut fired = Vec::new();
        for row in &rows {
            // One unreadable schedule is reported and skipped; the others still fire.
            let due = schedule_of_row(row).and_then(|(id, s)| {
                let anchor = parse_time(s.last_fire_at.as_deref().unwrap_or(&s.created_at))?;
                Ok((id, due_fire(&parse_cron(&s.cron)?, anchor, now)?, s))
            });
            let (template_id, fire_at, s) = match due {
                Ok((id, Some(fire_at), s)) => (id, fire_at, s),
                Ok((_, None, _)) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "schedule skipped");
                    continue;
                }
            };
            let fire_at = format_time(fire_at);
            if let Some(run_id) = self.fire_one(template_id, &s, &fire_at).await? {
                fired.push(Fired {
                    template: s.template,
                    run_id,
                    input: s.input,
                    fire_at,
                });
            }
        }
        Ok(fired)
    }

    /// Records the fire and queues its run in one transaction; None when another
    /// process fired this schedule first.
    async fn fire_one(&self, template_id: i64, s: &Schedule, fire_at: &str) -> Result<Option<i64>> {
        let mut tx = self.pool.begin().await.ctx("firing a schedule")?;
        let won = sqlx::query("UPDATE schedules SET last_fire_at = $1 WHERE template_id = $2 AND COALESCE(last_fire_at, '') = $3 AND created_at = $4")
            .bind(fire_at)
            .bind(template_id)
            .bind(s.last_fire_at.as_deref().unwrap_or(""))
            .bind(&s.created_at)
            .execute(&mut *tx)
            .await
            .ctx("firing a schedule")?
            .rows_affected();
        if won == 0 {
            return Ok(None);
        }
        let run = crate::runs::insert_run(&mut tx, template_id).await?;
        crate::queue::insert_queued(&mut tx, run, &s.input).await?;
        sqlx::query("UPDATE schedules SET last_run_id = $1 WHERE template_id = $2")
            .bind(run)
            .bind(template_id)
            .execute(&mut *tx)
            .await
            .ctx("firing a schedule")?;
        tx.commit().await.ctx("firing a schedule")?;
        Ok(Some(run))
    }
}

/// Milliseconds since the epoch of a stored timestamp (`2026-12-07T11:30:46.123Z`).
pub fn millis_of(text: &str) -> Result<i64> {
    Ok(parse_time(text)?.timestamp_millis())
}
