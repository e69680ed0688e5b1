//! Models read by position, straight through sqlx, where rows come by the hundred.
//!
//! sea-orm's `FromQueryResult` finds each column by name (a hash lookup per column and row)
//! and turns every NULL into an error whose message names the column (a `format!`) before
//! its `Option` turns it back into `None`: 16,000 instructions per consultant row, more than
//! the rest of the row's way to the response. [`ByPosition`] reads the columns in the order
//! a `Select` of the entity lists them (`Column::iter()`, the model's field order), with the
//! sqlx decoders sea-orm uses underneath, but without sqlx's check of each value's type
//! against the column's (a third of the remaining cost). That check guards against reading a
//! column as the wrong type; here the statement names the entity's columns in the entity's
//! order, and the decoders are pinned to sea-orm's by the test below, so the position of a
//! column and its type cannot drift apart unnoticed.
//!
//! A decoder lists the model's fields in their declared order; the struct literal makes the
//! compiler catch a field added or removed, and `tests/it/read_path.rs` compares every
//! decoder with sea-orm's own on rows whose columns all differ, on both databases.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{company, consultant, consultant_skill, skill, tender, tender_match, tender_skill};
use sea_orm::sqlx::Row as _;
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, EntityTrait, QueryResult, QueryTrait, Select};
use uuid::Uuid;

/// A model decoded from a row that selected its entity's columns first, in order.
pub trait ByPosition: Sized {
    fn read(row: &mut Columns<'_>) -> Result<Self, DbErr>;
}

/// The columns of a row, read one after the other.
pub struct Columns<'a> {
    row: &'a QueryResult,
    next: usize,
}

impl<'a> Columns<'a> {
    pub fn new(row: &'a QueryResult) -> Self {
        Self::starting_at(row, 0)
    }

    /// The columns from `index` on (a second model selected after a first one's columns).
    pub fn starting_at(row: &'a QueryResult, index: usize) -> Self {
        Columns { row, next: index }
    }

    /// The next column's value.
    pub fn read<T: Column>(&mut self) -> Result<T, DbErr> {
        let index = self.next;
        self.next += 1;
        T::get(self.row, index)
    }

    /// The next column's value, a stored enum.
    pub fn read_enum<T: ActiveEnum<Value = String>>(&mut self) -> Result<T, DbErr> {
        let value: String = self.read()?;
        T::try_from_value(&value)
    }
}

/// A column type both databases decode.
pub trait Column: Sized {
    fn get(row: &QueryResult, index: usize) -> Result<Self, DbErr>;
}

fn decode_error(index: usize, err: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Type(format!("column {index}: {err}"))
}

macro_rules! column {
    ($($ty:ty),* $(,)?) => {$(
        impl Column for $ty {
            fn get(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
                if let Some(row) = row.try_as_pg_row() {
                    return row.try_get_unchecked(index).map_err(|e| decode_error(index, e));
                }
                if let Some(row) = row.try_as_sqlite_row() {
                    return row.try_get_unchecked(index).map_err(|e| decode_error(index, e));
                }
                Err(DbErr::Type("rows of this database are not read by position".to_owned()))
            }
        }
    )*};
}

column!(
    Uuid,
    String,
    Option<String>,
    bool,
    i32,
    i64,
    Option<i64>,
    f64,
    NaiveDate,
    Option<NaiveDate>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// Every row of `select`, decoded by position.
pub async fn all<E>(conn: &impl ConnectionTrait, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: ByPosition,
{
    let rows = conn.query_all(&select.into_query()).await?;
    rows.iter()
        .map(|row| E::Model::read(&mut Columns::new(row)))
        .collect()
}

impl ByPosition for consultant::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(consultant::Model {
            id: c.read()?,
            tenant_id: c.read()?,
            first_name: c.read()?,
            last_name: c.read()?,
            title: c.read()?,
            bio: c.read()?,
            years_experience: c.read()?,
            daily_rate_cents: c.read()?,
            email: c.read()?,
            phone: c.read()?,
            availability_date: c.read()?,
            status: c.read_enum()?,
            location: c.read()?,
            remote: c.read_enum()?,
            internal_notes: c.read()?,
            deleted_at: c.read()?,
            created_at: c.read()?,
            updated_at: c.read()?,
        })
    }
}

impl ByPosition for tender_match::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(tender_match::Model {
            id: c.read()?,
            tenant_id: c.read()?,
            tender_id: c.read()?,
            consultant_id: c.read()?,
            score: c.read()?,
            score_without_rate: c.read()?,
            breakdown: c.read()?,
            reasons: c.read()?,
            status: c.read_enum()?,
            notes: c.read()?,
            rejection_reason: c.read()?,
            proposed_at: c.read()?,
            decided_at: c.read()?,
            created_at: c.read()?,
            updated_at: c.read()?,
        })
    }
}

impl ByPosition for tender::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(tender::Model {
            id: c.read()?,
            tenant_id: c.read()?,
            company_id: c.read()?,
            title: c.read()?,
            description: c.read()?,
            start_date: c.read()?,
            end_date: c.read()?,
            location: c.read()?,
            remote_allowed: c.read()?,
            budget_min_cents: c.read()?,
            budget_max_cents: c.read()?,
            status: c.read_enum()?,
            created_at: c.read()?,
            updated_at: c.read()?,
        })
    }
}

impl ByPosition for company::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(company::Model {
            id: c.read()?,
            tenant_id: c.read()?,
            name: c.read()?,
            description: c.read()?,
            website: c.read()?,
            address: c.read()?,
            created_at: c.read()?,
            updated_at: c.read()?,
        })
    }
}

impl ByPosition for skill::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(skill::Model {
            id: c.read()?,
            tenant_id: c.read()?,
            name: c.read()?,
            name_key: c.read()?,
            category: c.read()?,
            created_at: c.read()?,
            updated_at: c.read()?,
        })
    }
}

impl ByPosition for consultant_skill::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(consultant_skill::Model {
            consultant_id: c.read()?,
            skill_id: c.read()?,
            tenant_id: c.read()?,
            level: c.read_enum()?,
            years_experience: c.read()?,
        })
    }
}

impl ByPosition for tender_skill::Model {
    fn read(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(tender_skill::Model {
            tender_id: c.read()?,
            skill_id: c.read()?,
            tenant_id: c.read()?,
            importance: c.read_enum()?,
            min_level: c.read_enum()?,
        })
    }
}
