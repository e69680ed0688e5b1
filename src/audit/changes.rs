//! Change sets for audit events: `{"field": {"from": …, "to": …}}` for the fields a mutation
//! really changed, with sensitive values replaced by `[REDACTED]`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::REDACTED;

#[derive(Debug, Default, Clone)]
pub struct Changes(Map<String, Value>);

impl Changes {
    pub fn new() -> Self {
        Changes::default()
    }

    /// Records `field` when `from` and `to` differ.
    pub fn diff<T: Serialize + PartialEq>(&mut self, field: &str, from: &T, to: &T) -> &mut Self {
        if from != to {
            self.0
                .insert(field.to_owned(), json!({ "from": from, "to": to }));
        }
        self
    }

    /// Records that a sensitive `field` changed, without its values.
    pub fn diff_redacted<T: PartialEq>(&mut self, field: &str, from: &T, to: &T) -> &mut Self {
        if from != to {
            self.0.insert(
                field.to_owned(),
                json!({ "from": REDACTED, "to": REDACTED }),
            );
        }
        self
    }

    /// Records the value of a new row's field.
    pub fn set<T: Serialize>(&mut self, field: &str, value: &T) -> &mut Self {
        self.0.insert(field.to_owned(), json!(value));
        self
    }

    /// Records that a new row has a sensitive field, without its value.
    pub fn set_redacted(&mut self, field: &str, present: bool) -> &mut Self {
        if present {
            self.0.insert(field.to_owned(), json!(REDACTED));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_changes_are_kept_and_secrets_redacted() {
        let mut c = Changes::new();
        c.diff("name", &"a", &"b")
            .diff("same", &1, &1)
            .diff_redacted("email", &Some("x@y.z"), &None::<&str>);
        assert_eq!(
            c.into_value(),
            json!({ "name": { "from": "a", "to": "b" }, "email": { "from": "[REDACTED]", "to": "[REDACTED]" } })
        );
    }
}
