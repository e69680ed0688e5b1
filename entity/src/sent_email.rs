//! `sent_email`: e-mail handed to the recording provider (the default when no SMTP server is
//! configured), readable as `sentEmails`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sent_email")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The workflow run that sent it.
    pub run_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
