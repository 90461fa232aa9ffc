//! Wall-clock timestamps as RFC 3339 UTC text with milliseconds: they sort as text in
//! both backends and read the same in JSON output.
use std::time::{SystemTime, UNIX_EPOCH};

/// Now, e.g. `2026-12-07T11:30:46.123Z`.
pub fn now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_millis(d.as_millis() as i64)
}

/// Today's date, `YYYY-MM-DD` (mute expiries compare with it).
pub fn today() -> String {
    now()[..10].to_string()
}

/// A Unix time in milliseconds as RFC 3339 UTC text (`2026-12-07T11:30:46.123Z`).
pub fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_with_millis() {
        assert_eq!(super::format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            super::format_millis(1_795_446_000_123),
            "2026-11-23T15:00:00.123Z"
        );
        assert_eq!(&super::format_millis(951_782_400_000)[..10], "2000-02-29");
    }
}
