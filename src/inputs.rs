//! The parsing every text and date input goes through, whatever its domain: bounded length, no
//! control characters (a NUL byte would otherwise reach PostgreSQL as an error), dates and
//! instants in a sane range. Each failure is `BAD_USER_INPUT` naming the field, so a hostile
//! value never reaches the database. Domain types (`Email`, `Slug`, `Money`) build on these.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};

use crate::error::{AppError, Result};

/// Longest free text (descriptions, bios, notes).
pub const MAX_LONG_TEXT: usize = 10_000;
/// The years a date or instant may fall in.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn check_chars(field: &str, value: &str, multiline: bool) -> Result<()> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

fn check_len(field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// A required, trimmed, single-line text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    check_len(field, value, max)?;
    check_chars(field, value, false)?;
    Ok(value.to_owned())
}

/// A trimmed optional text of at most `max` characters (line breaks and tabs allowed); empty
/// becomes `None`.
pub fn optional_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    check_len(field, value, max)?;
    check_chars(field, value, true)?;
    Ok(Some(value.to_owned()))
}

/// A single-line filter value (a name, an action, an id as text): trimmed, at most `max`
/// characters; empty means no filter.
pub fn filter_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    check_len(field, value, max)?;
    check_chars(field, value, false)?;
    Ok(Some(value.to_owned()))
}

/// A calendar date between 1900-01-01 and 2200-12-31.
pub fn date(field: &str, value: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
    match value {
        Some(d) if !YEARS.contains(&d.year()) => Err(AppError::invalid(
            field,
            "must be between 1900-01-01 and 2200-12-31",
        )),
        other => Ok(other),
    }
}

/// An instant between 1900-01-01 and 2200-12-31 (UTC).
pub fn instant(field: &str, value: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>> {
    match value {
        Some(t) if !YEARS.contains(&t.year()) => Err(AppError::invalid(
            field,
            "must be between 1900-01-01T00:00:00Z and 2200-12-31T23:59:59Z",
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            required_text("name", "  Ada ", 10).ok(),
            Some("Ada".to_owned())
        );
        assert!(required_text("name", "   ", 10).is_err());
        assert!(required_text("name", "abcdefghijk", 10).is_err());
        assert!(required_text("name", "a\u{0}b", 10).is_err());
        assert_eq!(optional_text("d", Some("  ".into()), 5).ok(), Some(None));
        assert!(optional_text("d", Some("abcdef".into()), 5).is_err());
        assert!(optional_text("d", Some("a\nb".into()), 5).is_ok());
        assert!(optional_text("d", Some("a\u{0}b".into()), 5).is_err());
        assert!(filter_text("f", Some("a\nb".into()), 5).is_err());
        assert!(filter_text("f", Some("\u{0}".into()), 5).is_err());
        assert_eq!(filter_text("f", Some(" ".into()), 5).ok(), Some(None));
    }

    #[test]
    fn dates_and_instants_stay_in_range() {
        assert!(date("d", NaiveDate::from_ymd_opt(1800, 1, 1)).is_err());
        assert!(date("d", NaiveDate::from_ymd_opt(2027, 1, 1)).is_ok());
        let err = instant("since", Some(DateTime::<Utc>::MIN_UTC)).expect_err("far");
        assert!(err.to_string().contains("since"), "{err}");
        assert!(instant("since", Some(Utc::now())).is_ok());
    }
}
