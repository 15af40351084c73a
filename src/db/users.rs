//! Accounts.

use diesel::prelude::*;

use super::schema::users;
use super::{now_ms, on_conn, write_tx, Conn, DbError, DbResult};
use crate::domain::types::Role;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
    pub lang: String,
    pub created_at: i64,
}

/// A user as the rest of the program sees it (no password hash).
#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub lang: String,
}

/// The display name of user `id` among `users` ("" if not there), for pages
/// that list people by id.
pub fn name_of(users: &[User], id: i64) -> String {
    users
        .iter()
        .find(|u| u.id == id)
        .map_or(String::new(), |u| u.display_name.clone())
}

impl UserRow {
    pub fn user(&self) -> DbResult<User> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| DbError::Corrupt(format!("role {}", self.role)))?;
        Ok(User {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role,
            active: self.active,
            lang: self.lang.clone(),
        })
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub lang: &'a str,
}

pub fn count(conn: &mut Conn) -> DbResult<i64> {
    Ok(on_conn!(conn, c => users::table.count().get_result(c))?)
}

/// Creates a user; `Ok(None)` when the username is taken.
pub fn create(conn: &mut Conn, new: &NewUser) -> DbResult<Option<i64>> {
    let result = on_conn!(conn, c => diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username),
            users::display_name.eq(new.display_name),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.role.key()),
            users::lang.eq(new.lang),
            users::created_at.eq(now_ms()),
        ))
        .returning(users::id)
        .get_result(c));
    match result {
        Ok(id) => Ok(Some(id)),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Creates the first admin only while there is no user at all, atomically, so two
/// racing setup forms cannot both succeed: SQLite's BEGIN IMMEDIATE lets one
/// writer in at a time; PostgreSQL's READ COMMITTED would let both count zero,
/// so the table is locked against other writers first.
pub fn create_first_admin(conn: &mut Conn, new: &NewUser) -> DbResult<Option<i64>> {
    write_tx(conn, |conn| {
        if let Conn::Postgres(c) = conn {
            diesel::sql_query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").execute(&mut **c)?;
        }
        if count(conn)? > 0 {
            return Ok(None);
        }
        create(conn, new)
    })
}

pub fn find_by_username(conn: &mut Conn, username: &str) -> DbResult<Option<UserRow>> {
    Ok(on_conn!(conn, c => users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn find(conn: &mut Conn, id: i64) -> DbResult<Option<User>> {
    let row = on_conn!(conn, c => users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())?;
    row.map(|r| r.user()).transpose()
}

/// The library's own account, which holds the official scripts a review
/// round enters among the answers. No one signs in with it ('@' is not
/// allowed in a username) and no list of people shows it.
pub const LIBRARY: &str = "@library";

/// Everyone on the team, oldest account first.
pub fn list(conn: &mut Conn) -> DbResult<Vec<User>> {
    on_conn!(conn, c => users::table
        .filter(users::username.ne(LIBRARY))
        .order(users::id)
        .select(UserRow::as_select())
        .load(c))?
    .iter()
    .map(UserRow::user)
    .collect()
}

pub fn set_active(conn: &mut Conn, id: i64, active: bool) -> DbResult<usize> {
    Ok(on_conn!(conn, c => diesel::update(users::table.find(id))
        .set(users::active.eq(active))
        .execute(c))?)
}

pub fn set_role(conn: &mut Conn, id: i64, role: Role) -> DbResult<usize> {
    Ok(on_conn!(conn, c => diesel::update(users::table.find(id))
        .set(users::role.eq(role.key()))
        .execute(c))?)
}

pub fn set_password(conn: &mut Conn, id: i64, hash: &str) -> DbResult<usize> {
    Ok(on_conn!(conn, c => diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(c))?)
}

pub fn set_lang(conn: &mut Conn, id: i64, lang: &str) -> DbResult<usize> {
    Ok(on_conn!(conn, c => diesel::update(users::table.find(id))
        .set(users::lang.eq(lang))
        .execute(c))?)
}

/// Active admins, so the last one cannot be disabled or demoted.
pub fn active_admins(conn: &mut Conn) -> DbResult<i64> {
    Ok(on_conn!(conn, c => users::table
        .filter(
            users::role
                .eq(Role::Admin.key())
                .and(users::active.eq(true)),
        )
        .count()
        .get_result(c))?)
}
