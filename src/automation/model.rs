//! A workflow's parts as domain types, parsed once from input (CONVENTIONS, "Parse, don't
//! validate"): the trigger (an event type, a cron schedule in a time zone, manual, webhook),
//! the condition, and each step's typed configuration and retry policy. Each refusal is
//! `BAD_USER_INPUT` naming the field (`steps[1].config.to`).

use std::str::FromStr as _;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{TenderStatus, TriggerKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::templates;
use crate::error::{AppError, Result, Validation};

/// The domain events a workflow may start on, by their stored names.
pub const EVENT_TYPES: &[(&str, &str)] = &[
    ("TENDER_CREATED", "tender.created"),
    ("TENDER_UPDATED", "tender.updated"),
    ("TENDER_PUBLISHED", "tender.published"),
    ("TENDER_STATUS_CHANGED", "tender.status_changed"),
    ("TENDER_DELETED", "tender.deleted"),
    ("CONSULTANT_CREATED", "consultant.created"),
    ("CONSULTANT_UPDATED", "consultant.updated"),
    ("CONSULTANT_DELETED", "consultant.deleted"),
    ("MATCH_CREATED", "match.created"),
    ("MATCH_SCORE_CHANGED", "match.score_changed"),
    ("MATCH_STATUS_CHANGED", "match.status_changed"),
    ("MATCH_DELETED", "match.deleted"),
    ("COLLABORATION_CREATED", "collaboration.created"),
    ("RESUME_UPLOADED", "resume.uploaded"),
    ("RESUME_PROCESSED", "resume.processed"),
    ("RESUME_FAILED", "resume.failed"),
];

/// A cron expression (5 fields, or 6 with seconds) in an IANA time zone.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub expression: String,
    pub timezone: chrono_tz::Tz,
    cron: croner::Cron,
}

impl Schedule {
    pub fn parse(expression: &str, timezone: &str) -> Result<Schedule> {
        let mut v = Validation::new();
        let cron = croner::Cron::from_str(expression.trim());
        let tz = chrono_tz::Tz::from_str(timezone.trim());
        if let Err(err) = &cron {
            v.fail("trigger.cron", format!("is not a cron expression: {err}"));
        }
        if tz.is_err() {
            v.fail(
                "trigger.timezone",
                "is not an IANA time zone (e.g. Europe/Paris)",
            );
        }
        v.finish()?;
        match (cron, tz) {
            (Ok(cron), Ok(timezone)) => Ok(Schedule {
                expression: expression.trim().to_owned(),
                timezone,
                cron,
            }),
            _ => Err(AppError::invalid("trigger", "is invalid")),
        }
    }

    /// The first tick strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&self.timezone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// What starts a workflow.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// A domain event, by stored name (`tender.published`).
    Event(&'static str),
    Schedule(Box<Schedule>),
    Manual,
    /// `POST /hooks/<workflow id>`, signed with the workflow's secret.
    Webhook,
}

impl Trigger {
    pub fn kind(&self) -> TriggerKind {
        match self {
            Trigger::Event(_) => TriggerKind::Event,
            Trigger::Schedule(_) => TriggerKind::Schedule,
            Trigger::Manual => TriggerKind::Manual,
            Trigger::Webhook => TriggerKind::Webhook,
        }
    }

    /// The wire name of an event type from its stored name.
    pub fn event_type_of(stored: &str) -> Option<&'static str> {
        EVENT_TYPES
            .iter()
            .find(|(_, s)| *s == stored)
            .map(|(wire, _)| *wire)
    }

    /// The stored name of an event type from its wire name.
    pub fn stored_event(wire: &str) -> Option<&'static str> {
        EVENT_TYPES
            .iter()
            .find(|(w, _)| *w == wire)
            .map(|(_, stored)| *stored)
    }
}

/// How often and how soon a failing step is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 to 10).
    pub attempts: u32,
    /// The wait before the first retry; each further one doubles it (with jitter).
    pub initial_delay_seconds: f64,
}

impl RetryPolicy {
    pub fn initial_delay(&self) -> Duration {
        Duration::from_secs_f64(self.initial_delay_seconds.max(0.0))
    }

    /// The default of a step kind: calls to other systems are retried more, and later.
    fn default_for(kind: StepKind) -> RetryPolicy {
        match kind {
            StepKind::CallWebhook => RetryPolicy {
                attempts: 5,
                initial_delay_seconds: 10.0,
            },
            StepKind::SendEmail => RetryPolicy {
                attempts: 3,
                initial_delay_seconds: 30.0,
            },
            _ => RetryPolicy {
                attempts: 3,
                initial_delay_seconds: 5.0,
            },
        }
    }
}

/// The kinds of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepKind {
    /// Scores the tender's candidates and saves the best as PENDING matches. Config:
    /// `{"minScore": 0.5, "limit": 20}` (both optional).
    GenerateMatches,
    /// Proposes the tender's best PENDING matches. Config: `{"count": 3}`.
    ProposeTopMatches,
    /// Moves the tender along its life cycle. Config: `{"status": "IN_PROGRESS"}`.
    SetTenderStatus,
    /// Sends an e-mail whose fields are templates over the run's data. Config:
    /// `{"to": "…", "subject": "…", "body": "…"}`.
    SendEmail,
    /// POSTs the run's data as JSON, signed per Standard Webhooks. Config:
    /// `{"url": "https://…", "timeoutSeconds": 10}`.
    CallWebhook,
}

/// A step's configuration, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepConfig {
    #[serde(rename_all = "camelCase")]
    GenerateMatches {
        min_score: Option<f64>,
        limit: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    ProposeTopMatches { count: u32 },
    #[serde(rename_all = "camelCase")]
    SetTenderStatus { status: TenderStatus },
    #[serde(rename_all = "camelCase")]
    SendEmail {
        to: String,
        subject: String,
        body: String,
    },
    #[serde(rename_all = "camelCase")]
    CallWebhook { url: String, timeout_seconds: u64 },
}

impl StepConfig {
    pub fn kind(&self) -> StepKind {
        match self {
            StepConfig::GenerateMatches { .. } => StepKind::GenerateMatches,
            StepConfig::ProposeTopMatches { .. } => StepKind::ProposeTopMatches,
            StepConfig::SetTenderStatus { .. } => StepKind::SetTenderStatus,
            StepConfig::SendEmail { .. } => StepKind::SendEmail,
            StepConfig::CallWebhook { .. } => StepKind::CallWebhook,
        }
    }

    /// The configuration as the API shows it (without the kind).
    pub fn to_json(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.remove("kind");
        }
        value
    }
}

/// One step of a workflow, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub config: StepConfig,
    pub retry: RetryPolicy,
}

/// Steps per workflow.
pub const MAX_STEPS: usize = 20;
/// Longest e-mail body template.
const MAX_TEMPLATE: usize = 20_000;
/// The longest a webhook may take to answer.
pub const MAX_WEBHOOK_TIMEOUT: u64 = 30;

/// Parses `steps` (kind, JSON config, optional retry policy each), recording every refusal in
/// `v` under `steps[i]…`.
pub fn parse_steps(
    v: &mut Validation,
    steps: Vec<(StepKind, Option<Value>, Option<RetryPolicy>)>,
) -> Vec<Step> {
    if steps.is_empty() {
        v.fail("steps", "must hold at least one step");
    }
    if steps.len() > MAX_STEPS {
        v.fail("steps", format!("must hold at most {MAX_STEPS} steps"));
    }
    let mut parsed = Vec::with_capacity(steps.len());
    for (i, (kind, config, retry)) in steps.into_iter().enumerate() {
        let at = format!("steps[{i}]");
        let config = config.unwrap_or(Value::Object(Default::default()));
        let Some(object) = config.as_object() else {
            v.fail(format!("{at}.config"), "must be a JSON object");
            continue;
        };
        let step = parse_config(v, &at, kind, object);
        let retry = retry.unwrap_or_else(|| RetryPolicy::default_for(kind));
        if !(1..=10).contains(&retry.attempts) {
            v.fail(format!("{at}.retry.attempts"), "must be between 1 and 10");
        }
        if !(0.0..=3600.0).contains(&retry.initial_delay_seconds) {
            v.fail(
                format!("{at}.retry.initialDelaySeconds"),
                "must be between 0 and 3600",
            );
        }
        if let Some(config) = step {
            parsed.push(Step { config, retry });
        }
    }
    parsed
}

fn parse_config(
    v: &mut Validation,
    at: &str,
    kind: StepKind,
    config: &serde_json::Map<String, Value>,
) -> Option<StepConfig> {
    let field = |name: &str| format!("{at}.config.{name}");
    let text = |v: &mut Validation, name: &str, max: usize| -> Option<String> {
        match config.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max => {
                Some(s.clone())
            }
            Some(Value::String(s)) if !s.trim().is_empty() => {
                v.fail(field(name), format!("must be at most {max} characters"));
                None
            }
            _ => {
                v.fail(field(name), "is required (a text)");
                None
            }
        }
    };
    match kind {
        StepKind::GenerateMatches => {
            let min_score = config.get("minScore").and_then(Value::as_f64);
            if min_score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
                v.fail(field("minScore"), "must be between 0 and 1");
            }
            let limit = config.get("limit").and_then(Value::as_u64);
            if limit.is_some_and(|l| !(1..=500).contains(&l)) {
                v.fail(field("limit"), "must be between 1 and 500");
            }
            Some(StepConfig::GenerateMatches { min_score, limit })
        }
        StepKind::ProposeTopMatches => {
            let count = config.get("count").map_or(Some(3), Value::as_u64);
            match count {
                Some(n @ 1..=50) => Some(StepConfig::ProposeTopMatches {
                    count: u32::try_from(n).unwrap_or(3),
                }),
                _ => {
                    v.fail(field("count"), "must be a whole number between 1 and 50");
                    None
                }
            }
        }
        StepKind::SetTenderStatus => {
            let status = config
                .get("status")
                .cloned()
                .and_then(|s| serde_json::from_value::<TenderStatus>(s).ok());
            match status {
                Some(status) => Some(StepConfig::SetTenderStatus { status }),
                None => {
                    v.fail(
                        field("status"),
                        "must be one of DRAFT, OPEN, IN_PROGRESS, CLOSED, CANCELLED",
                    );
                    None
                }
            }
        }
        StepKind::SendEmail => {
            let to = text(v, "to", 500);
            let subject = text(v, "subject", 500);
            let body = text(v, "body", MAX_TEMPLATE);
            for (name, value) in [("to", &to), ("subject", &subject), ("body", &body)] {
                if let Some(template) = value
                    && let Err(err) = templates::check(template)
                {
                    v.fail(field(name), format!("is not a valid template: {err}"));
                }
            }
            Some(StepConfig::SendEmail {
                to: to?,
                subject: subject?,
                body: body?,
            })
        }
        StepKind::CallWebhook => {
            let url = text(v, "url", 2_000)?;
            match reqwest::Url::parse(&url) {
                Ok(parsed)
                    if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {}
                _ => v.fail(field("url"), "must be an http:// or https:// URL"),
            }
            let timeout = config.get("timeoutSeconds").map_or(Some(10), Value::as_u64);
            let timeout = match timeout {
                Some(t @ 1..=MAX_WEBHOOK_TIMEOUT) => t,
                _ => {
                    v.fail(
                        field("timeoutSeconds"),
                        format!("must be between 1 and {MAX_WEBHOOK_TIMEOUT}"),
                    );
                    10
                }
            };
            Some(StepConfig::CallWebhook {
                url,
                timeout_seconds: timeout,
            })
        }
    }
}

/// Parses the stored steps of a workflow.
pub fn stored_steps(text: &str) -> Result<Vec<Step>> {
    serde_json::from_str(text)
        .map_err(|err| AppError::internal(format!("stored workflow steps do not parse: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schedules_parse_in_their_time_zone_and_bad_ones_name_the_field() {
        let s = Schedule::parse("0 7 * * MON-FRI", "Europe/Paris").expect("valid");
        // Monday 2026-12-07 06:30 UTC is 07:30 in Paris: the next tick is Tuesday 06:00 UTC.
        let after = DateTime::parse_from_rfc3339("2026-12-07T06:30:00Z")
            .expect("date")
            .with_timezone(&Utc);
        let next = s.next_after(after).expect("next");
        assert_eq!(next.to_rfc3339(), "2026-12-08T06:00:00+00:00");
        let err = Schedule::parse("61 * * * *", "Mars/Olympus").expect_err("invalid");
        let AppError::InvalidInput(fields) = err else {
            panic!("{err:?}")
        };
        assert!(fields.contains_key("trigger.cron"), "{fields:?}");
        assert!(fields.contains_key("trigger.timezone"), "{fields:?}");
    }

    #[test]
    fn steps_parse_with_defaults_and_refusals_name_the_step() {
        let mut v = Validation::new();
        let steps = parse_steps(
            &mut v,
            vec![
                (StepKind::GenerateMatches, None, None),
                (StepKind::ProposeTopMatches, Some(json!({"count": 2})), None),
            ],
        );
        v.finish().expect("valid");
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].config, StepConfig::ProposeTopMatches { count: 2 });
        assert_eq!(steps[0].retry.attempts, 3);

        let mut v = Validation::new();
        parse_steps(
            &mut v,
            vec![
                (
                    StepKind::SendEmail,
                    Some(json!({"to": "a@b.c", "subject": "{{ oops", "body": "x"})),
                    None,
                ),
                (StepKind::CallWebhook, Some(json!({"url": "ftp://x"})), None),
            ],
        );
        let AppError::InvalidInput(fields) = v.finish().expect_err("invalid") else {
            panic!()
        };
        assert!(fields.contains_key("steps[0].config.subject"), "{fields:?}");
        assert!(fields.contains_key("steps[1].config.url"), "{fields:?}");
    }
}
