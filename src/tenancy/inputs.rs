//! Parsed input values: a service never sees an unchecked e-mail or slug (texts and dates go
//! through `crate::inputs`).

use crate::error::{AppError, Result};

/// A syntactically valid e-mail address, normalised (trimmed, lower-cased) for look-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> Result<Self> {
        let value = value.trim();
        let bad = || AppError::invalid(field, "is not a valid e-mail address");
        if value.is_empty() || value.len() > 254 {
            return Err(bad());
        }
        let (local, domain) = value.rsplit_once('@').ok_or_else(bad)?;
        let valid_chars = |s: &str| {
            s.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '@' && c != '<' && c != '>')
        };
        if local.is_empty()
            || local.len() > 64
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || !valid_chars(local)
            || !valid_chars(domain)
        {
            return Err(bad());
        }
        Ok(Email(value.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tenant slug: 3–48 characters of `a-z`, `0-9` and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, value: &str) -> Result<Self> {
        let value = value.trim().to_ascii_lowercase();
        let ok = (3..=48).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if ok {
            Ok(Slug(value))
        } else {
            Err(AppError::invalid(
                field,
                "must be 3-48 characters of a-z, 0-9 and inner hyphens",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", " Ada@Example.COM ")
                .expect("valid")
                .as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.io",
            "a b@x.io",
            "ada@localhost",
            "ada@.io",
            "ada@x.io.",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_checked() {
        assert_eq!(
            Slug::parse("slug", "Acme-42").expect("valid").as_str(),
            "acme-42"
        );
        for bad in ["ab", "-acme", "acme-", "ac me", "acmé", &"a".repeat(49)] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad}");
        }
    }
}
