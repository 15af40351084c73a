//! The product of the week, one row per ISO week.

use diesel::prelude::*;

use super::columns::decode;
use super::schema::featured_products;
use super::{on_conn, to_json, Conn, DbResult};
use crate::domain::featured::Featured;

/// A whole row, as stored and backed up.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = featured_products)]
pub struct Row {
    pub id: i64,
    pub week: String,
    pub product: String,
    pub points_json: String,
    pub pitches_json: String,
    pub set_by: i64,
    pub set_at: i64,
}

/// A week's product as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub week: String,
    pub featured: Featured,
    pub set_by: i64,
    pub set_at: i64,
}

impl Row {
    fn decode(self) -> DbResult<Stored> {
        Ok(Stored {
            featured: Featured {
                product: self.product,
                points: decode(
                    "featured_products",
                    self.id,
                    "points_json",
                    &self.points_json,
                )?,
                pitches: decode(
                    "featured_products",
                    self.id,
                    "pitches_json",
                    &self.pitches_json,
                )?,
            },
            week: self.week,
            set_by: self.set_by,
            set_at: self.set_at,
        })
    }
}

/// Sets `week`'s product, replacing what was set for it before.
pub fn set(conn: &mut Conn, week: &str, featured: &Featured, by: i64, now: i64) -> DbResult<()> {
    let values = (
        featured_products::week.eq(week),
        featured_products::product.eq(&featured.product),
        featured_products::points_json.eq(to_json(&featured.points)),
        featured_products::pitches_json.eq(to_json(&featured.pitches)),
        featured_products::set_by.eq(by),
        featured_products::set_at.eq(now),
    );
    on_conn!(conn, c => diesel::insert_into(featured_products::table)
        .values(values.clone())
        .on_conflict(featured_products::week)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}

/// The product of `week`, or of the latest week before it that had one.
pub fn latest(conn: &mut Conn, week: &str) -> DbResult<Option<Stored>> {
    let row: Option<Row> = on_conn!(conn, c => featured_products::table
        .filter(featured_products::week.le(week))
        .order(featured_products::week.desc())
        .select(Row::as_select())
        .first(c)
        .optional())?;
    row.map(Row::decode).transpose()
}
