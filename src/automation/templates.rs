//! Templates and conditions over a run's data (minijinja: a sandboxed, documented language,
//! not arbitrary code). E-mail fields are templates (`Hello {{ tender.title }}`); a workflow's
//! condition is one expression (`tender.remoteAllowed and tender.budgetMax >= 500`). Both are
//! compiled when the workflow is saved, so a broken one is refused then.
//!
//! A template is written by an organisation's staff but runs on the shared server, so what it
//! can cost is bounded: instructions (fuel), output (64 KiB), and what could grow a value
//! without bound is refused when saved — multiplication (`"x" * 100000000`), assignments and
//! macros (`{% set s = s ~ s %}` in a loop doubles), includes — and not offered at all (the
//! `replace` filter, which multiplies a text by another).

use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

/// Instructions one rendering may execute.
const FUEL: u64 = 100_000;

/// The longest a rendered template may be.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// Block tags a template may not use.
const REFUSED_TAGS: &[&str] = &[
    "set", "macro", "call", "import", "from", "include", "extends", "filter", "block",
];

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.remove_filter("replace");
    // A missing value renders empty and reads as false, however deep (`tender.company.name`).
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(FUEL));
    // Plain text: nothing is HTML-escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Why a template or condition is refused.
pub fn check(template: &str) -> Result<(), String> {
    refuse_growth(template, true)?;
    environment()
        .template_from_str(template)
        .map(|_| ())
        .map_err(|err| describe(&err))
}

/// Whether `expression` is a valid condition.
pub fn check_condition(expression: &str) -> Result<(), String> {
    refuse_growth(expression, false)?;
    environment()
        .compile_expression(expression)
        .map(|_| ())
        .map_err(|err| describe(&err))
}

/// The code of a template (what is inside `{{ }}` and `{% %}`; all of an expression), with its
/// string literals blanked out.
fn code_of(source: &str, template: bool) -> String {
    let mut code = String::new();
    let mut rest = source;
    loop {
        let (start, end) = if template {
            match rest.find("{{").into_iter().chain(rest.find("{%")).min() {
                Some(at) => {
                    let close = if rest[at..].starts_with("{{") {
                        "}}"
                    } else {
                        "%}"
                    };
                    let end = rest[at..].find(close).map_or(rest.len(), |e| at + e + 2);
                    (at, end)
                }
                None => break,
            }
        } else {
            (0, rest.len())
        };
        let mut quote = None;
        for c in rest[start..end].chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None => code.push(c),
            }
        }
        code.push(' ');
        rest = &rest[end..];
        if !template || rest.is_empty() {
            break;
        }
    }
    code
}

/// Refuses what could make a value grow without bound (see the module documentation).
fn refuse_growth(source: &str, template: bool) -> Result<(), String> {
    let code = code_of(source, template);
    if code.contains('*') {
        return Err("multiplication (`*`, `**`) is not allowed".to_owned());
    }
    if template {
        for block in code.split("{%").skip(1) {
            let tag = block
                .trim_start_matches(['-', '+'])
                .split_whitespace()
                .next()
                .unwrap_or_default();
            if REFUSED_TAGS.contains(&tag) {
                return Err(format!("`{{% {tag} %}}` is not allowed"));
            }
        }
    }
    Ok(())
}

/// Renders `template` with `data` (a JSON object whose keys are the template's variables); at
/// most [`MAX_OUTPUT`] bytes.
pub fn render(template: &str, data: &Value) -> Result<String, String> {
    let env = environment();
    let compiled = env.template_from_str(template).map_err(|e| describe(&e))?;
    let mut out = Bounded(Vec::new());
    compiled
        .render_captured_to(data, &mut out)
        .map(|_| ())
        .map_err(|e| match e.kind() {
            minijinja::ErrorKind::WriteFailure => {
                format!("renders to more than {} KiB", MAX_OUTPUT / 1024)
            }
            _ => describe(&e),
        })?;
    String::from_utf8(out.0).map_err(|_| "renders to invalid UTF-8".to_owned())
}

/// A buffer that refuses to grow past [`MAX_OUTPUT`].
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT {
            return Err(std::io::Error::other("output too long"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
    fn a_runaway_template_runs_out_of_fuel_or_room() {
        let template =
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
        assert!(check(template).is_ok());
        assert!(render(template, &json!({})).is_err());
        let wide = "{% for i in range(1000) %}{{ text }}{% endfor %}";
        let err = render(wide, &json!({ "text": "y".repeat(1000) })).expect_err("too long");
        assert!(err.contains("KiB"), "{err}");
    }

    #[test]
    fn what_could_grow_without_bound_is_refused_when_saved() {
        for template in [
            "{{ 'x' * 100000000 }}",
            "{{ 2 ** 64 }}",
            "{% set s = 'x' %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s }}",
            "{% macro m() %}x{% endmacro %}",
            "{% include 'other' %}",
        ] {
            assert!(check(template).is_err(), "{template} was allowed");
        }
        assert!(check_condition("'x' * 100000000 ~ 'y'").is_err());
        // Stars and tag names inside text or string literals are fine.
        assert!(check("Rating: **** {{ 'a * b' }} {% if x %}set{% endif %}").is_ok());
        assert!(check_condition("tender.title == '*'").is_ok());
        // `replace` (one text times another) is not offered.
        assert!(render("{{ 'ab' | replace('a', 'c') }}", &json!({})).is_err());
    }
}
