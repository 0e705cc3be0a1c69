//! How dates are written: for people, in the site's time zone with its abbreviation ("5 March
//! 2026, 10:07 CET"); for machines, ISO 8601 in UTC. Everything is stored in UTC; the zone is
//! applied only when a time is shown or read from a form.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// The site's time zone (the `--time-zone` setting, e.g. `Europe/Brussels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteZone(Tz);

/// Why a time typed into a form could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalTimeError {
    /// Not a date and time at all.
    Unreadable,
    /// A time the clocks skip (the hour lost when summer time begins).
    Skipped,
}

impl Default for SiteZone {
    fn default() -> SiteZone {
        SiteZone(Tz::UTC)
    }
}

impl SiteZone {
    /// From an IANA name (`Europe/Brussels`, `America/New_York`, `UTC`).
    pub fn parse(name: &str) -> Result<SiteZone, String> {
        name.trim().parse::<Tz>().map(SiteZone).map_err(|_| {
            format!(
                "\"{name}\" is not a time zone. Use a name from the IANA time zone database, \
                 such as Europe/Brussels, America/New_York or UTC."
            )
        })
    }

    /// The zone's IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// A stored (UTC) time in this zone.
    pub fn local(&self, at: &NaiveDateTime) -> DateTime<Tz> {
        self.0.from_utc_datetime(at)
    }

    /// Day, month and year, as a byline shows them.
    pub fn long_date(&self, at: &NaiveDateTime) -> String {
        self.local(at).format("%-d %B %Y").to_string()
    }

    /// Date and time with the zone's abbreviation, as the article header shows them.
    pub fn long_date_time(&self, at: &NaiveDateTime) -> String {
        self.local(at).format("%-d %B %Y, %H:%M %Z").to_string()
    }

    /// The value of a `datetime-local` field showing this time.
    pub fn input_value(&self, at: &NaiveDateTime) -> String {
        self.local(at).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// A time typed in this zone (`YYYY-MM-DDTHH:MM`, as a `datetime-local` field sends it), in
    /// UTC. Of a time the clocks pass twice (when summer time ends), the first.
    pub fn from_input(&self, raw: &str) -> Result<NaiveDateTime, LocalTimeError> {
        let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(raw.trim(), format).ok())
            .ok_or(LocalTimeError::Unreadable)?;
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.naive_utc()),
            LocalResult::None => Err(LocalTimeError::Skipped),
        }
    }

    /// RFC 2822 with this zone's offset, for feeds' `pubDate`.
    pub fn rfc2822(&self, at: &NaiveDateTime) -> String {
        self.local(at).to_rfc2822()
    }
}

/// ISO 8601 with the UTC zone, for `<time datetime>` and structured data.
pub fn iso(at: &NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn formats() {
        let at = utc(2026, 3, 5, 9, 7);
        let zone = SiteZone::default();
        assert_eq!(zone.long_date(&at), "5 March 2026");
        assert_eq!(zone.long_date_time(&at), "5 March 2026, 09:07 UTC");
        assert_eq!(iso(&at), "2026-03-05T09:07:00Z");
    }

    #[test]
    fn times_are_shown_and_read_in_the_sites_zone_across_summer_time() {
        let brussels = SiteZone::parse("Europe/Brussels").unwrap();
        // Summer time began at 01:00 UTC on 29 March 2026.
        assert_eq!(
            brussels.long_date_time(&utc(2026, 3, 29, 0, 30)),
            "29 March 2026, 01:30 CET"
        );
        assert_eq!(
            brussels.long_date_time(&utc(2026, 3, 29, 1, 30)),
            "29 March 2026, 03:30 CEST"
        );
        assert_eq!(
            brussels.from_input("2026-03-29T01:30"),
            Ok(utc(2026, 3, 29, 0, 30))
        );
        assert_eq!(
            brussels.from_input("2026-03-29T02:30"),
            Err(LocalTimeError::Skipped),
            "the hour that does not exist"
        );
        assert_eq!(
            brussels.from_input("2026-03-29T03:30"),
            Ok(utc(2026, 3, 29, 1, 30))
        );
        // Summer time ended at 01:00 UTC on 25 October 2026: 02:30 happened twice.
        assert_eq!(
            brussels.from_input("2026-10-25T02:30"),
            Ok(utc(2026, 10, 25, 0, 30)),
            "the first of the two"
        );
        assert_eq!(
            brussels.input_value(&utc(2026, 7, 1, 8, 0)),
            "2026-07-01T10:00"
        );
        assert_eq!(
            brussels.rfc2822(&utc(2026, 7, 1, 8, 0)),
            "Wed, 1 Jul 2026 10:00:00 +0200"
        );
        // Near midnight the local date is not the UTC one.
        assert_eq!(
            brussels.long_date(&utc(2026, 12, 31, 23, 30)),
            "1 January 2027"
        );
        assert_eq!(
            brussels.from_input("tomorrow"),
            Err(LocalTimeError::Unreadable)
        );
        assert!(SiteZone::parse("Mars/Olympus").is_err());
    }
}
