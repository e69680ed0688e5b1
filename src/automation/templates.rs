//! Templates and conditions over a run's data (minijinja: a sandboxed, documented language,
//! not arbitrary code). E-mail fields are templates (`Hello {{ tender.title }}`); a workflow's
//! condition is one expression (`tender.remoteAllowed and tender.budgetMax >= 500`). Both are
//! compiled when the workflow is saved, so a broken one is refused then; rendering is bounded
//! (fuel), so a template cannot loop for long.

use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

/// Instructions one rendering may execute.
const FUEL: u64 = 100_000;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // A missing value renders empty and reads as false, however deep (`tender.company.name`).
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(FUEL));
    // Plain text: nothing is HTML-escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Why a template or condition is refused.
pub fn check(template: &str) -> Result<(), String> {
    environment()
        .template_from_str(template)
        .map(|_| ())
        .map_err(|err| describe(&err))
}

/// Whether `expression` is a valid condition.
pub fn check_condition(expression: &str) -> Result<(), String> {
    environment()
        .compile_expression(expression)
        .map(|_| ())
        .map_err(|err| describe(&err))
}

/// Renders `template` with `data` (a JSON object whose keys are the template's variables).
pub fn render(template: &str, data: &Value) -> Result<String, String> {
    let env = environment();
    let compiled = env.template_from_str(template).map_err(|e| describe(&e))?;
    compiled.render(data).map_err(|e| describe(&e))
}

/// Whether `expression` holds for `data` (truthy, as minijinja's `if`).
pub fn holds(expression: &str, data: &Value) -> Result<bool, String> {
    let env = environment();
    let compiled = env
        .compile_expression(expression)
        .map_err(|e| describe(&e))?;
    compiled
        .eval(data)
        .map(|value| value.is_true())
        .map_err(|e| describe(&e))
}

fn describe(err: &minijinja::Error) -> String {
    match err.detail() {
        Some(detail) => format!("{} ({detail})", err.kind()),
        None => err.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_render_the_data_and_broken_ones_are_refused() {
        let data = json!({"tender": {"title": "Rust lead", "company": {"name": "Acme"}}});
        assert_eq!(
            render("{{ tender.title }} for {{ tender.company.name }}", &data).expect("render"),
            "Rust lead for Acme"
        );
        assert_eq!(render("<{{ missing }}>", &data).expect("lenient"), "<>");
        assert!(check("{{ tender.title").is_err());
        assert!(check("{% for x in y %}").is_err());
    }

    #[test]
    fn conditions_are_expressions_over_the_data() {
        let data =
            json!({"tender": {"remoteAllowed": true, "budgetMax": "700.00", "location": "Paris"}});
        assert!(holds("tender.remoteAllowed and tender.location == 'Paris'", &data).expect("eval"));
        assert!(!holds("tender.location == 'Lyon'", &data).expect("eval"));
        assert!(!holds("nothing.here", &data).expect("eval"));
        assert!(check_condition("tender.title ==").is_err());
    }

    #[test]
    fn a_runaway_template_runs_out_of_fuel() {
        let template =
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
        assert!(check(template).is_ok());
        assert!(render(template, &json!({})).is_err());
    }
}
