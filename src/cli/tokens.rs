//! `huashu tokens create --user NAME`: an API token for a chat tool or a
//! script, without opening the browser (a server set up by hand, CI). The
//! token goes to stdout alone, so `TOKEN=$(huashu tokens create …)` works.

use anyhow::Context;

use crate::app::tokens;
use crate::db::users;

pub fn create(url: &str, username: &str, name: &str) -> anyhow::Result<()> {
    let pool = super::serve::open_db(url)?;
    let mut conn = pool.get().context("database")?;
    let user = users::find_by_username(&mut conn, username)?
        .filter(|u| u.active)
        .with_context(|| format!("no active user named '{username}'"))?;
    let (_, secret) = tokens::create(&mut conn, user.id, name)
        .with_context(|| format!("token for '{username}'"))?;
    println!("{secret}");
    eprintln!(
        "token '{name}' made for {username}; it is shown only now. Revoke it on {username}'s profile page."
    );
    Ok(())
}
