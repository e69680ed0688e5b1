//! `resume`: a consultant's uploaded CV. The file itself is in object storage (sealed with the
//! tenant's data key, under `object_key`); its extracted text and analysis are encrypted here.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ResumeFormat, ResumeStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "resume")]
#[serde(rename_all = "camelCase")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub consultant_id: Uuid,
    /// The name the file was uploaded with (for display and downloads only; never a storage key).
    pub file_name: String,
    /// Decided from the content, never from the name.
    pub format: ResumeFormat,
    pub size_bytes: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Where the sealed file is in object storage: opaque.
    pub object_key: String,
    pub status: ResumeStatus,
    /// Why extraction failed.
    pub error: Option<String>,
    /// The extracted text, encrypted (`v1:<kid>:…`).
    pub text: Option<String>,
    /// The analysis as JSON, encrypted.
    pub analysis: Option<String>,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
