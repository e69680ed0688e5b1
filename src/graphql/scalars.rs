//! The custom scalars of DESIGN §8, each saying its format (and, where a specification
//! exists, linking it with `@specifiedBy`), instead of async-graphql's generic descriptions.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, Utc};

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (RFC 3339 `full-date`), e.g. `"2027-03-01"`.
#[Scalar(
    name = "Date",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("expected a date as YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

/// An instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant as an RFC 3339 date-time with its offset, e.g. `"2027-03-01T09:30:00Z"` or
/// `"2027-03-01T10:30:00+01:00"`; answers are given in UTC.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            // chrono's own parser: RFC 3339, and years beyond four digits, which the services
            // then refuse naming the field (`inputs::instant`).
            Value::String(s) => s
                .parse::<chrono::DateTime<Utc>>()
                .map(DateTime)
                .map_err(|_| {
                    InputValueError::custom(
                        "expected an RFC 3339 date-time, e.g. 2027-03-01T09:30:00Z",
                    )
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        DateTime(t)
    }
}

/// An exact decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal(pub rust_decimal::Decimal);

/// An exact decimal number, written as a string so that no client rounds it, e.g. `"650.00"`
/// (amounts of money have at most two decimals). Inputs may also be JSON numbers.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .trim()
                .parse::<rust_decimal::Decimal>()
                .map(Decimal)
                .map_err(|_| InputValueError::custom("expected a decimal number, e.g. \"650.00\"")),
            Value::Number(n) => n
                .to_string()
                .parse::<rust_decimal::Decimal>()
                .map(Decimal)
                .map_err(|_| InputValueError::custom("expected a decimal number, e.g. \"650.00\"")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(d: rust_decimal::Decimal) -> Self {
        Decimal(d)
    }
}

/// The `ID` of a UUID, written without the formatting machinery (ids are the most frequent
/// value of a response).
pub fn id(uuid: uuid::Uuid) -> async_graphql::ID {
    async_graphql::ID(uuid_text(uuid))
}

/// A UUID as lower-case hyphenated text.
pub fn uuid_text(uuid: uuid::Uuid) -> String {
    let mut buf = uuid::Uuid::encode_buffer();
    uuid.hyphenated().encode_lower(&mut buf).to_owned()
}

/// A count as GraphQL's `Int` (32 bits), saturating.
pub fn count_int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
