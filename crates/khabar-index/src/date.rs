//! Dates as news feeds write them: `2015-08-01`, `2015-08-01 12:34:00`
//! (SaudiNewsNet), RFC 3339 / ISO 8601 (`2015-08-01T12:34:00Z`,
//! `…+03:00`, fractional seconds). No time zone means UTC.

/// The first second a `published` date may be in the index (1677-09-21T00:12:44Z): tantivy keeps
/// dates as 64-bit nanoseconds since the epoch. [`crate::check_document`] refuses a date before it.
pub const FIRST_INDEXED_SECOND: i64 = i64::MIN / 1_000_000_000;

/// The last second a `published` date may be in the index (2262-04-11T23:47:16Z); a later date is
/// refused by [`crate::check_document`]. Until session 21 such dates wrapped around in the
/// nanosecond count: `2300-01-01` was stored as 1715, `1500-01-01` as 2084, and a `--to
/// 9999-12-31` filter found nothing (in a debug build, the Python wheel of CI, they panicked).
pub const LAST_INDEXED_SECOND: i64 = i64::MAX / 1_000_000_000;

/// Whether a date (seconds since the epoch) is one the index stores
/// ([`FIRST_INDEXED_SECOND`] to [`LAST_INDEXED_SECOND`]).
pub(crate) fn indexable(secs: i64) -> bool {
    (FIRST_INDEXED_SECOND..=LAST_INDEXED_SECOND).contains(&secs)
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

/// (year, month, day) of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days in month `m` (1–12) of year `y` (proleptic Gregorian).
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

fn digits(s: &[u8], n: usize) -> Option<(i64, &[u8])> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = s[..n].iter().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    Some((v, &s[n..]))
}

fn sep(s: &[u8], c: u8) -> Option<&[u8]> {
    s.strip_prefix(&[c])
}

/// A bound of a date filter in seconds since the Unix epoch: the instant
/// itself for a start (`end == false`); for an inclusive end, one second after
/// a given time, or the end of the whole day when only a date is given.
/// `None` when `text` is not a date.
pub fn date_bound(text: &str, end: bool) -> Option<i64> {
    let (secs, has_time) = parse_date(text)?;
    Some(if end { secs + if has_time { 1 } else { 86_400 } } else { secs })
}

/// Parse a date or date-time; returns seconds since the Unix epoch (UTC) and
/// whether a time of day was given. `None` when it is not a date.
pub fn parse_date(text: &str) -> Option<(i64, bool)> {
    let s = text.trim().as_bytes();
    let (y, s) = digits(s, 4)?;
    let s = sep(s, b'-').or_else(|| sep(s, b'/'))?;
    let (m, s) = digits(s, 2).or_else(|| digits(s, 1))?;
    let s = sep(s, b'-').or_else(|| sep(s, b'/'))?;
    let (d, mut s) = digits(s, 2).or_else(|| digits(s, 1))?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if s.is_empty() {
        return Some((secs, false));
    }
    s = sep(s, b'T').or_else(|| sep(s, b't')).or_else(|| sep(s, b' '))?;
    let (hh, r) = digits(s, 2)?;
    let r = sep(r, b':')?;
    let (mm, mut r) = digits(r, 2)?;
    let mut ss = 0;
    if let Some(rest) = sep(r, b':') {
        let (v, rest) = digits(rest, 2)?;
        ss = v;
        r = rest;
        if let Some(mut frac) = sep(r, b'.').or_else(|| sep(r, b',')) {
            while let Some((&c, rest)) = frac.split_first() {
                if !c.is_ascii_digit() {
                    break;
                }
                frac = rest;
            }
            r = frac;
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    secs += hh * 3600 + mm * 60 + ss;
    let r = r.strip_prefix(b" ").unwrap_or(r);
    match r {
        [] | [b'Z' | b'z'] => {}
        _ if r == b"UTC" || r == b"GMT" => {}
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (oh, rest) = digits(rest, 2)?;
            let rest = sep(rest, b':').unwrap_or(rest);
            let (om, rest) = if rest.is_empty() { (0, rest) } else { digits(rest, 2)? };
            if !rest.is_empty() || oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            secs -= if *sign == b'+' { off } else { -off };
        }
        _ => return None,
    }
    Some((secs, true))
}

/// Why a `from`/`to` pair is not a date range. Its message is the one the CLI (`--from`/`--to`),
/// the HTTP API (`from=`/`to=`) and Python (`from_=`/`to=`) all show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateRangeError {
    /// The text given for one end is not a date (`end` is `"from"` or `"to"`).
    NotADate {
        /// `"from"` or `"to"`.
        end: &'static str,
        /// The text given, trimmed.
        text: String,
    },
    /// `from` is after `to` (or at the same instant): no date is in that range. Swapped dates are
    /// a mistake to report, not a question to answer with nothing.
    Reversed {
        /// The `from` text given, trimmed.
        from: String,
        /// The `to` text given, trimmed.
        to: String,
    },
}

impl std::fmt::Display for DateRangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateRangeError::NotADate { end, text } => write!(f, "{end} {text:?}: not a date (expected YYYY-MM-DD or RFC 3339)"),
            DateRangeError::Reversed { from, to } => write!(f, "from {from} is after to {to}: no date is in that range"),
        }
    }
}

impl std::error::Error for DateRangeError {}

/// A date filter as seconds: `from` from its instant (the start of its day when no time is
/// given), `to` inclusive (its whole day when no time is given), as [`date_bound`] reads them.
/// An error when either is not a date or when `from` is after `to`. The one range check of the
/// CLI, the HTTP API and the Python bindings.
pub fn date_range(from: Option<&str>, to: Option<&str>) -> Result<(Option<i64>, Option<i64>), DateRangeError> {
    let bound = |end: &'static str, text: Option<&str>| match text.map(str::trim) {
        None => Ok(None),
        Some(t) => date_bound(t, end == "to").map(Some).ok_or_else(|| DateRangeError::NotADate { end, text: t.to_owned() }),
    };
    let (lo, hi) = (bound("from", from)?, bound("to", to)?);
    if let (Some(l), Some(h), Some(f), Some(t)) = (lo, hi, from, to) {
        if l >= h {
            return Err(DateRangeError::Reversed { from: f.trim().to_owned(), to: t.trim().to_owned() });
        }
    }
    Ok((lo, hi))
}

/// RFC 3339 in UTC: `2015-08-01T07:51:13Z`.
pub fn format_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_news_dates() {
        assert_eq!(parse_date("1970-01-01"), Some((0, false)));
        assert_eq!(parse_date("2015-08-01 07:51:13"), Some((1_438_415_473, true)));
        assert_eq!(parse_date("2015-08-01T07:51:13Z"), Some((1_438_415_473, true)));
        assert_eq!(parse_date("2015-08-01T10:51:13+03:00"), Some((1_438_415_473, true)));
        assert_eq!(parse_date("2015-08-01T10:51:13.250+0300"), Some((1_438_415_473, true)));
        assert_eq!(parse_date(" 2015-08-01T07:51 "), Some((1_438_415_460, true)));
        assert_eq!(format_date(1_438_415_473), "2015-08-01T07:51:13Z");
        for bad in ["", "2015", "2015-13-01", "yesterday", "2015-08-01T25:00", "2015-08-01 07:51:13 junk"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        for days in [-800_000i64, -1, 0, 59, 16_648, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn days_past_the_end_of_their_month_are_not_dates() {
        // 2015-02-30 used to read as 2015-03-02: a filter `--to 2015-02-30` ran to March 2nd.
        for bad in ["2015-02-29", "2015-02-30", "2015-02-31", "2015-04-31", "2015-06-31", "2015-09-31", "2015-11-31", "1900-02-29"] {
            assert_eq!(parse_date(bad), None, "{bad}");
            assert_eq!(parse_date(&format!("{bad}T12:00:00Z")), None, "{bad}");
        }
        for good in ["2016-02-29", "2000-02-29", "2015-01-31", "2015-12-31", "2015-04-30"] {
            let (secs, _) = parse_date(good).unwrap();
            assert_eq!(&format_date(secs)[..10], good);
        }
    }

    #[test]
    fn a_date_range_is_checked_once_for_every_surface() {
        assert_eq!(date_range(None, None), Ok((None, None)));
        assert_eq!(date_range(Some("2015-08-01"), None), Ok((Some(1_438_387_200), None)));
        // `to` covers its whole day; one day given as both ends is that day.
        assert_eq!(date_range(Some(" 2015-08-01"), Some("2015-08-01 ")), Ok((Some(1_438_387_200), Some(1_438_473_600))));
        let swapped = date_range(Some("2015-08-03"), Some("2015-08-01")).unwrap_err();
        assert_eq!(swapped, DateRangeError::Reversed { from: "2015-08-03".into(), to: "2015-08-01".into() });
        assert_eq!(swapped.to_string(), "from 2015-08-03 is after to 2015-08-01: no date is in that range");
        // The same instant at both ends holds no second.
        assert!(date_range(Some("2015-08-01T07:00:00Z"), Some("2015-08-01T06:59:59Z")).is_err());
        assert!(date_range(Some("2015-08-01T07:00:00Z"), Some("2015-08-01T07:00:00Z")).is_ok());
        let bad = date_range(Some("2015-08-01"), Some(" yesterday")).unwrap_err();
        assert_eq!(bad.to_string(), "to \"yesterday\": not a date (expected YYYY-MM-DD or RFC 3339)");
        assert_eq!(date_range(Some("x"), Some("y")).unwrap_err(), DateRangeError::NotADate { end: "from", text: "x".into() });
    }
}
