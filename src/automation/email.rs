//! The e-mail provider port (DESIGN §10) and its two adapters: SMTP through lettre when
//! `TALENTGRAPH_SMTP_URL` is set (`smtp://user:pass@host:587?tls=required`, `smtps://…`),
//! otherwise a recorder that keeps each message in the database (`sentEmails`), so that
//! development and tests need no mail server.
//!
//! A step sends before it records its success, outside any transaction (an SMTP exchange may
//! take a minute: it must hold no connection, least of all SQLite's one writer). A crash between
//! the two sends the message again on the retry: delivery is at least once, as with webhooks.

use async_trait::async_trait;
use chrono::Utc;
use entity::sent_email;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use uuid::Uuid;

use crate::error::{AppError, Result};

/// The sender of workflow e-mail.
pub const FROM: &str = "talentgraph <no-reply@talentgraph.invalid>";

/// One message, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    pub tenant_id: Uuid,
    pub run_id: Option<Uuid>,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends e-mail.
#[async_trait]
pub trait Provider: Send + Sync {
    async fn send(&self, email: &Email) -> Result<()>;
}

/// Keeps every message in `sent_email`.
pub struct Recorder {
    db: DatabaseConnection,
}

#[async_trait]
impl Provider for Recorder {
    async fn send(&self, email: &Email) -> Result<()> {
        sent_email::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(email.tenant_id),
            run_id: Set(email.run_id),
            to_address: Set(email.to.clone()),
            subject: Set(email.subject.clone()),
            body: Set(email.body.clone()),
            sent_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }
}

/// Sends through an SMTP server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    pub fn new(url: &str) -> Result<Smtp> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| AppError::internal(format!("TALENTGRAPH_SMTP_URL: {err}")))?
            .build();
        Ok(Smtp { transport })
    }
}

#[async_trait]
impl Provider for Smtp {
    async fn send(&self, email: &Email) -> Result<()> {
        let to = email.to.parse().map_err(|_| {
            AppError::invalid("to", format!("`{}` is not an e-mail address", email.to))
        })?;
        let from = FROM
            .parse()
            .map_err(|err| AppError::internal(format!("sender address: {err}")))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject.clone())
            .body(email.body.clone())
            .map_err(|err| AppError::invalid("to", err.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|err| AppError::internal(format!("SMTP: {err}")))?;
        Ok(())
    }
}

/// The provider the configuration asks for; the recorder writes through `db`.
pub fn provider(smtp_url: Option<&str>, db: &DatabaseConnection) -> Result<Box<dyn Provider>> {
    Ok(match smtp_url {
        Some(url) => Box::new(Smtp::new(url)?),
        None => Box::new(Recorder { db: db.clone() }),
    })
}
