//! `resume`: consultants' uploaded CVs (the sealed files are in object storage), with the
//! state of their extraction and, encrypted, what it found.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000010_create_consultant::Consultant;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Resume::Table)
                    .col(pk_uuid(Resume::Id))
                    .col(uuid(Resume::TenantId))
                    .col(uuid(Resume::ConsultantId))
                    .col(string_len(Resume::FileName, 255))
                    .col(string_len(Resume::Format, 8))
                    .col(big_integer(Resume::SizeBytes))
                    .col(string_len(Resume::Sha256, 64))
                    .col(string_len(Resume::ObjectKey, 200))
                    .col(string_len(Resume::Status, 16))
                    .col(text_null(Resume::Error))
                    .col(text_null(Resume::Text))
                    .col(text_null(Resume::Analysis))
                    .col(uuid_null(Resume::UploadedBy))
                    .col(timestamp_with_time_zone(Resume::CreatedAt))
                    .col(timestamp_with_time_zone(Resume::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Resume::ProcessedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resume_tenant")
                            .from(Resume::Table, Resume::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resume_consultant")
                            .from(Resume::Table, Resume::ConsultantId)
                            .to(Consultant::Table, Consultant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_resume_tenant_consultant")
                    .table(Resume::Table)
                    .col(Resume::TenantId)
                    .col(Resume::ConsultantId)
                    .col(Resume::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Resume::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Resume {
    Table,
    Id,
    TenantId,
    ConsultantId,
    FileName,
    Format,
    SizeBytes,
    Sha256,
    ObjectKey,
    Status,
    Error,
    Text,
    Analysis,
    UploadedBy,
    CreatedAt,
    UpdatedAt,
    ProcessedAt,
}
