//! Timestamps for formats that require one. Renderers never read the clock: a finding's
//! own `last_seen`/`first_seen` (RFC 3339, set by whoever produced or stored it) is used,
//! else the Unix epoch, which marks "time unknown" unmistakably.
use kensa_model::Finding;

pub(crate) const UNKNOWN: &str = "1970-01-01T00:00:00Z";

/// The finding's creation time (first seen) and update time (last seen).
pub(crate) fn created_updated(f: &Finding) -> (&str, &str) {
    let created = f
        .first_seen
        .as_deref()
        .or(f.last_seen.as_deref())
        .unwrap_or(UNKNOWN);
    let updated = f.last_seen.as_deref().unwrap_or(created);
    (created, updated)
}

/// Milliseconds since the epoch of an RFC 3339 timestamp (`2026-11-23T15:04:05Z`,
/// fractional seconds and `+hh:mm` offsets accepted); 0 when it cannot be read.
pub(crate) fn epoch_millis(ts: &str) -> i64 {
    parse(ts).unwrap_or(0)
}

fn parse(ts: &str) -> Option<i64> {
    let (date, rest) = ts.split_once(['T', 't', ' '])?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (clock, offset_secs) = split_offset(rest)?;
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (t.next()??, t.next()??, t.next()??);
    let millis: i64 = format!("{frac:0<3}")[..3].parse().ok()?;
    let days = days_from_civil(y, m, day);
    Some(((days * 86_400 + h * 3_600 + min * 60 + s - offset_secs) * 1_000) + millis)
}

fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        return Some((c, 0));
    }
    let i = rest.rfind(['+', '-'])?;
    let (c, off) = rest.split_at(i);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let (oh, om) = off[1..].split_once(':')?;
    Some((
        c,
        sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60),
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339() {
        assert_eq!(epoch_millis("1970-01-01T00:00:00Z"), 0);
        assert_eq!(epoch_millis("2000-03-01T00:00:00.5Z"), 951_868_800_500);
        assert_eq!(
            epoch_millis("2026-11-23T16:00:00+01:00"),
            epoch_millis("2026-11-23T15:00:00Z")
        );
        assert_eq!(epoch_millis("yesterday"), 0);
    }
}
