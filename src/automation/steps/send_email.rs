//! `SEND_EMAIL`: renders the three templates over the run's data and hands the message to the
//! configured provider, before the step's unit of work (see `automation::email`).

use serde_json::{Value, json};

use super::{StepContext, StepError};
use crate::automation::email::{self, Email};
use crate::automation::templates::render;
pub async fn send(
    ctx: &StepContext<'_>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<Value, StepError> {
    let rendered = |field: &str, template: &str| {
        render(template, ctx.data)
            .map_err(|err| StepError::permanent(format!("{field} does not render: {err}")))
    };
    let to = rendered("to", to)?.trim().to_owned();
    let subject = rendered("subject", subject)?.trim().to_owned();
    let body = rendered("body", body)?;
    if to.parse::<lettre::message::Mailbox>().is_err() {
        return Err(StepError::permanent(format!(
            "`{to}` is not an e-mail address"
        )));
    }
    let smtp = ctx.state.config.smtp_url.as_ref().map(|s| {
        use secrecy::ExposeSecret as _;
        s.expose_secret().to_owned()
    });
    let provider = email::provider(smtp.as_deref(), ctx.state.writer())?;
    provider
        .send(&Email {
            tenant_id: ctx.tenant_id,
            run_id: Some(ctx.run_id),
            to: to.clone(),
            subject: subject.clone(),
            body,
        })
        .await?;
    Ok(json!({ "to": to, "subject": subject }))
}
