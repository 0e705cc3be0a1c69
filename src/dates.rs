//! How dates are written: for readers ("27 November 2026") and for machines (ISO 8601, UTC).

use chrono::NaiveDateTime;

/// Day, month and year, as a byline shows them.
pub fn long_date(at: &NaiveDateTime) -> String {
    at.format("%-d %B %Y").to_string()
}

/// Date and time for the article header.
pub fn long_date_time(at: &NaiveDateTime) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// ISO 8601 with the UTC zone, for `<time datetime>` and structured data.
pub fn iso(at: &NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 5)
            .unwrap()
            .and_hms_opt(9, 7, 0)
            .unwrap();
        assert_eq!(long_date(&at), "5 March 2026");
        assert_eq!(long_date_time(&at), "5 March 2026, 09:07 UTC");
        assert_eq!(iso(&at), "2026-03-05T09:07:00Z");
    }
}
