//! Parsed inputs of the talent domain: money, dates, URLs and bounded texts.

use rust_decimal::Decimal;

use crate::error::{AppError, Result};
use crate::inputs::optional_text;

/// Largest daily amount accepted (rates and budgets).
pub const MAX_DAILY_AMOUNT_CENTS: i64 = 10_000_000;

/// A non-negative daily amount with at most two decimals, stored as integer cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(i64);

impl Money {
    pub fn parse(field: &str, value: Decimal) -> Result<Self> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(AppError::invalid(field, "must not be negative"));
        }
        if value.normalize().scale() > 2 {
            return Err(AppError::invalid(field, "must have at most two decimals"));
        }
        let cents = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|c| i64::try_from(c.trunc()).ok())
            .unwrap_or(i64::MAX);
        if cents > MAX_DAILY_AMOUNT_CENTS {
            return Err(AppError::invalid(
                field,
                format!("must be at most {}", to_decimal(MAX_DAILY_AMOUNT_CENTS)),
            ));
        }
        Ok(Money(cents))
    }

    pub fn cents(self) -> i64 {
        self.0
    }
}

/// Cents as a two-decimal amount ("650.00").
pub fn to_decimal(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// An optional amount.
pub fn money(field: &str, value: Option<Decimal>) -> Result<Option<i64>> {
    value
        .map(|v| Money::parse(field, v).map(Money::cents))
        .transpose()
}

/// An optional `http(s)://` URL.
pub fn website(field: &str, value: Option<String>) -> Result<Option<String>> {
    let Some(url) = optional_text(field, value, 500)? else {
        return Ok(None);
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(Some(url)),
        _ => Err(AppError::invalid(
            field,
            "must be an http:// or https:// URL",
        )),
    }
}

/// An optional phone number: 5–30 characters of digits, spaces and `+-().`.
pub fn phone(field: &str, value: Option<String>) -> Result<Option<String>> {
    let Some(phone) = optional_text(field, value, 30)? else {
        return Ok(None);
    };
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (5..=20).contains(&digits) {
        Ok(Some(phone))
    } else {
        Err(AppError::invalid(
            field,
            "must be a phone number (digits, spaces and + - ( ) .)",
        ))
    }
}

/// Years of experience: 0 to 70.
pub fn years(field: &str, value: i32) -> Result<i32> {
    if (0..=70).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::invalid(field, "must be between 0 and 70"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr as _;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn money_is_exact_bounded_and_non_negative() {
        assert_eq!(
            Money::parse("r", dec("650")).map(Money::cents).ok(),
            Some(65_000)
        );
        assert_eq!(
            Money::parse("r", dec("650.5")).map(Money::cents).ok(),
            Some(65_050)
        );
        assert_eq!(
            Money::parse("r", dec("650.500")).map(Money::cents).ok(),
            Some(65_050)
        );
        assert_eq!(Money::parse("r", dec("0")).map(Money::cents).ok(), Some(0));
        assert!(Money::parse("r", dec("-1")).is_err());
        assert!(Money::parse("r", dec("1.005")).is_err());
        assert!(Money::parse("r", dec("100000.01")).is_err());
        assert!(Money::parse("r", dec("79228162514264337593543950335")).is_err());
        assert_eq!(to_decimal(65_000).to_string(), "650.00");
    }

    #[test]
    fn texts_dates_and_urls_are_checked() {
        assert!(website("w", Some("ftp://x".into())).is_err());
        assert!(website("w", Some("https://acme.test".into())).is_ok());
        assert!(years("y", 71).is_err());
    }
}
