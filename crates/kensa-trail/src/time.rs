//! CloudTrail timestamps (`2023-07-10T11:42:36Z`) without a date library or wall clock.

/// Nanoseconds since the Unix epoch for an RFC 3339 UTC timestamp
/// (`YYYY-MM-DDTHH:MM:SS[.fff]Z`); None if it is not of that form.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut nanos = 0i64;
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let mut scale = 100_000_000i64;
        for c in frac[..digits].bytes().take(9) {
            nanos += i64::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &frac[digits..];
    }
    if rest != "Z" && rest != "+00:00" {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(((days * 86_400 + h * 3_600 + mi * 60 + sec) * 1_000_000_000) + nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Falco's `evt.time.iso8601` form: `2023-07-10T11:42:36.000000000Z`.
pub fn iso8601(ns: i64) -> String {
    let (days, rem) = (
        ns.div_euclid(86_400_000_000_000),
        ns.rem_euclid(86_400_000_000_000),
    );
    let (y, m, d) = civil_from_days(days);
    let secs = rem / 1_000_000_000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        rem % 1_000_000_000
    )
}

/// Falco's `evt.time` form: `11:42:36.000000000`.
pub fn clock(ns: i64) -> String {
    let rem = ns.rem_euclid(86_400_000_000_000);
    let secs = rem / 1_000_000_000;
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        rem % 1_000_000_000
    )
}

/// Falco's `evt.datetime` form: `2023-07-10 11:42:36`.
pub fn datetime(ns: i64) -> String {
    let iso = iso8601(ns);
    format!("{} {}", &iso[..10], &iso[11..19])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let ns = parse_rfc3339("2023-07-10T11:42:36Z").unwrap();
        assert_eq!(ns, 1_688_989_356_000_000_000);
        assert_eq!(iso8601(ns), "2023-07-10T11:42:36.000000000Z");
        assert_eq!(clock(ns), "11:42:36.000000000");
        assert_eq!(datetime(ns), "2023-07-10 11:42:36");
        let ns = parse_rfc3339("2000-02-29T00:00:00.5Z").unwrap();
        assert_eq!(iso8601(ns), "2000-02-29T00:00:00.500000000Z");
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_rfc3339("yesterday").is_none());
        assert!(parse_rfc3339("2023-13-10T11:42:36Z").is_none());
        assert!(parse_rfc3339("2023-07-10T11:42:36+02:00").is_none());
    }
}
