//! Service figures and promises from imported chats: stored per conversation
//! with an import, summed per agent and week for the dashboard, and the
//! promise checklist with its "kept" ticks.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::schema::{chat_conversations, chat_promises};
use super::{on_conn, write_tx, Conn, DbResult};
use crate::domain::mining::mine::monday_of;
use crate::domain::service::{self, Conversation, Promise, Tally};

/// Rows per statement: 15 values a row stays well under both engines' limits.
const CHUNK: usize = 1_000;

/// Seconds of the shop's local time, read as if UTC, as stored.
pub fn secs(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp()
}

/// A stored time back as the shop's local time.
pub fn from_secs(secs: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc()
}

#[derive(Insertable)]
#[diesel(table_name = chat_conversations)]
struct NewConversation<'a> {
    import_id: i64,
    conversation: &'a str,
    agent: Option<&'a str>,
    customer: Option<&'a str>,
    cluster_id: Option<i64>,
    started_at: i64,
    week: String,
    handling_s: i64,
    first_response_s: Option<i64>,
    waits: i64,
    waited_s: i64,
    repeated: bool,
    csat: Option<i64>,
    nps: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = chat_promises)]
struct NewPromise<'a> {
    import_id: i64,
    conversation: &'a str,
    agent: Option<&'a str>,
    said_at: i64,
    day: String,
    text: &'a str,
    words: &'a str,
}

/// What an import added to the figures.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stored {
    pub conversations: u64,
    /// Conversations another import had stored already.
    pub overlapping: u64,
    pub promises: u64,
}

/// Stores an import's conversations (`group` names each one's question
/// group) and the promises made in those not stored before, then marks the
/// conversations that the same customer came back about within 3 days, old
/// and new.
pub fn store(
    conn: &mut Conn,
    import_id: i64,
    conversations: &[Conversation],
    promises: &[Promise],
    group: &dyn Fn(&Conversation) -> Option<i64>,
) -> DbResult<Stored> {
    write_tx(conn, |conn| {
        let mut fresh: HashSet<String> = HashSet::new();
        for chunk in conversations.chunks(CHUNK) {
            // Which of them another import stored: SQLite runs a many-row
            // insert with ON CONFLICT row by row, so RETURNING cannot tell.
            let ids: Vec<&str> = chunk.iter().map(|c| c.id.as_str()).collect();
            let stored: HashSet<(String, i64)> = on_conn!(conn, c => chat_conversations::table
                .filter(chat_conversations::conversation.eq_any(&ids))
                .select((chat_conversations::conversation, chat_conversations::started_at))
                .load(c))?
            .into_iter()
            .collect();
            let rows: Vec<NewConversation> = chunk
                .iter()
                .filter(|c| !stored.contains(&(c.id.clone(), secs(c.started))))
                .map(|c| row(import_id, c, group(c)))
                .collect();
            fresh.extend(rows.iter().map(|r| r.conversation.to_string()));
            on_conn!(conn, c => diesel::insert_into(chat_conversations::table)
                .values(&rows)
                .execute(c))?;
        }
        let kept: Vec<NewPromise> = promises
            .iter()
            .filter(|p| fresh.contains(&p.conversation))
            .map(|p| NewPromise {
                import_id,
                conversation: &p.conversation,
                agent: p.agent.as_deref(),
                said_at: secs(p.at),
                day: p.at.date().to_string(),
                text: &p.text,
                words: &p.when,
            })
            .collect();
        for chunk in kept.chunks(CHUNK) {
            on_conn!(conn, c => diesel::insert_into(chat_promises::table)
                .values(chunk)
                .execute(c))?;
        }
        let starts = conversations
            .iter()
            .filter(|c| fresh.contains(&c.id))
            .map(|c| c.started);
        if let (Some(first), Some(last)) = (starts.clone().min(), starts.max()) {
            mark_repeats(conn, first, last)?;
        }
        Ok(Stored {
            conversations: fresh.len() as u64,
            overlapping: (conversations.len() - fresh.len()) as u64,
            promises: kept.len() as u64,
        })
    })
}

fn row<'a>(import_id: i64, c: &'a Conversation, group: Option<i64>) -> NewConversation<'a> {
    NewConversation {
        import_id,
        conversation: &c.id,
        agent: c.agent.as_deref(),
        customer: c.customer.as_deref(),
        cluster_id: group,
        started_at: secs(c.started),
        week: monday_of(c.started.date()).to_string(),
        handling_s: c.handling(),
        first_response_s: c.first_response(),
        waits: c.waits.len() as i64,
        waited_s: c.waits.iter().sum(),
        repeated: false,
        csat: c.csat.map(i64::from),
        nps: c.nps.map(i64::from),
    }
}

/// id, customer, group, start, whether marked repeated.
type RepeatRow = (i64, Option<String>, Option<i64>, i64, bool);

/// Recomputes "came back within 3 days" for every conversation whose window
/// touches [first, last], and sets it where it became true (a flag never
/// turns false: stored conversations are only ever added).
fn mark_repeats(conn: &mut Conn, first: NaiveDateTime, last: NaiveDateTime) -> DbResult<()> {
    let window = Duration::days(service::REPEAT_WITHIN_DAYS);
    let rows: Vec<RepeatRow> = on_conn!(conn, c => chat_conversations::table
        .filter(chat_conversations::customer.is_not_null())
        .filter(chat_conversations::cluster_id.is_not_null())
        .filter(chat_conversations::started_at.between(secs(first - window), secs(last + window)))
        .select((
            chat_conversations::id,
            chat_conversations::customer,
            chat_conversations::cluster_id,
            chat_conversations::started_at,
            chat_conversations::repeated,
        ))
        .load(c))?;
    let keyed: Vec<_> = rows
        .iter()
        .map(|(_, customer, group, at, _)| (customer.clone().zip(*group), from_secs(*at)))
        .collect();
    let newly: Vec<i64> = service::repeated(&keyed)
        .into_iter()
        .zip(&rows)
        .filter(|(now, (_, _, _, _, before))| *now && !before)
        .map(|(_, (id, ..))| *id)
        .collect();
    for chunk in newly.chunks(CHUNK) {
        on_conn!(conn, c => diesel::update(chat_conversations::table
            .filter(chat_conversations::id.eq_any(chunk)))
            .set(chat_conversations::repeated.eq(true))
            .execute(c))?;
    }
    Ok(())
}

/// One agent's sums for one week, as the database adds them up.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgentWeek {
    pub week: String,
    pub agent: String,
    pub tally: Tally,
}

#[derive(QueryableByName)]
struct TallyRow {
    #[diesel(sql_type = Text)]
    week: String,
    #[diesel(sql_type = Nullable<Text>)]
    agent: Option<String>,
    #[diesel(sql_type = BigInt)]
    conversations: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = BigInt)]
    first_response_s: i64,
    #[diesel(sql_type = BigInt)]
    waits: i64,
    #[diesel(sql_type = BigInt)]
    waited_s: i64,
    #[diesel(sql_type = BigInt)]
    handling_s: i64,
    #[diesel(sql_type = BigInt)]
    repeated: i64,
    #[diesel(sql_type = BigInt)]
    csat: i64,
    #[diesel(sql_type = BigInt)]
    satisfied: i64,
    #[diesel(sql_type = BigInt)]
    nps: i64,
    #[diesel(sql_type = BigInt)]
    promoters: i64,
    #[diesel(sql_type = BigInt)]
    detractors: i64,
}

/// Sums per agent and week, for weeks from `since` (a Monday, YYYY-MM-DD)
/// on, in agent then week order. Summed in the database: a year of chats is
/// hundreds of thousands of conversations. Written once for both engines
/// (CAST makes SQLite's integers and PostgreSQL's numerics one type).
pub fn agent_weeks(conn: &mut Conn, since: &str) -> DbResult<Vec<AgentWeek>> {
    const SQL: &str = "SELECT week, agent, CAST(COUNT(*) AS BIGINT) AS conversations, \
        CAST(COUNT(first_response_s) AS BIGINT) AS answered, \
        CAST(COALESCE(SUM(first_response_s), 0) AS BIGINT) AS first_response_s, \
        CAST(SUM(waits) AS BIGINT) AS waits, \
        CAST(SUM(waited_s) AS BIGINT) AS waited_s, \
        CAST(SUM(handling_s) AS BIGINT) AS handling_s, \
        CAST(SUM(CASE WHEN repeated THEN 1 ELSE 0 END) AS BIGINT) AS repeated, \
        CAST(COUNT(csat) AS BIGINT) AS csat, \
        CAST(SUM(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) AS BIGINT) AS satisfied, \
        CAST(COUNT(nps) AS BIGINT) AS nps, \
        CAST(SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS BIGINT) AS promoters, \
        CAST(SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS BIGINT) AS detractors \
        FROM chat_conversations WHERE agent IS NOT NULL AND week >= ";
    let rows: Vec<TallyRow> = match conn {
        Conn::Sqlite(c) => diesel::sql_query(format!("{SQL}? GROUP BY week, agent"))
            .bind::<Text, _>(since)
            .load(&mut **c)?,
        Conn::Postgres(c) => diesel::sql_query(format!("{SQL}$1 GROUP BY week, agent"))
            .bind::<Text, _>(since)
            .load(&mut **c)?,
    };
    let mut weeks: Vec<AgentWeek> = rows
        .into_iter()
        .map(|r| AgentWeek {
            week: r.week,
            agent: r.agent.unwrap_or_default(),
            tally: Tally {
                conversations: r.conversations,
                answered: r.answered,
                first_response_s: r.first_response_s,
                waits: r.waits,
                waited_s: r.waited_s,
                handling_s: r.handling_s,
                repeated: r.repeated,
                csat: r.csat,
                satisfied: r.satisfied,
                nps: r.nps,
                promoters: r.promoters,
                detractors: r.detractors,
            },
        })
        .collect();
    weeks.sort_by(|a, b| a.agent.cmp(&b.agent).then_with(|| a.week.cmp(&b.week)));
    Ok(weeks)
}

/// The Mondays of weeks with conversations, latest first.
pub fn weeks(conn: &mut Conn) -> DbResult<Vec<String>> {
    Ok(on_conn!(conn, c => chat_conversations::table
        .select(chat_conversations::week)
        .distinct()
        .order(chat_conversations::week.desc())
        .load(c))?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = chat_promises)]
pub struct PromiseRow {
    pub id: i64,
    pub import_id: i64,
    pub conversation: String,
    pub agent: Option<String>,
    pub said_at: i64,
    pub day: String,
    pub text: String,
    pub words: String,
    pub kept_by: Option<i64>,
    pub kept_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = chat_conversations)]
pub struct ConversationRow {
    pub id: i64,
    pub import_id: i64,
    pub conversation: String,
    pub agent: Option<String>,
    pub customer: Option<String>,
    pub cluster_id: Option<i64>,
    pub started_at: i64,
    pub week: String,
    pub handling_s: i64,
    pub first_response_s: Option<i64>,
    pub waits: i64,
    pub waited_s: i64,
    pub repeated: bool,
    pub csat: Option<i64>,
    pub nps: Option<i64>,
}

/// The promises made on days `from..=to` (YYYY-MM-DD), by `agent` if given,
/// in agent then time order.
pub fn promises(
    conn: &mut Conn,
    from: &str,
    to: &str,
    agent: Option<&str>,
) -> DbResult<Vec<PromiseRow>> {
    Ok(on_conn!(conn, c => {
        let mut q = chat_promises::table
            .filter(chat_promises::day.between(from, to))
            .select(PromiseRow::as_select())
            .into_boxed();
        if let Some(agent) = agent {
            q = q.filter(chat_promises::agent.eq(agent));
        }
        q.order((chat_promises::agent, chat_promises::said_at, chat_promises::id))
            .load(c)
    })?)
}

/// The days with promises, latest first.
pub fn promise_days(conn: &mut Conn) -> DbResult<Vec<String>> {
    Ok(on_conn!(conn, c => chat_promises::table
        .select(chat_promises::day)
        .distinct()
        .order(chat_promises::day.desc())
        .load(c))?)
}

pub fn find_promise(conn: &mut Conn, id: i64) -> DbResult<Option<PromiseRow>> {
    Ok(on_conn!(conn, c => chat_promises::table
        .find(id)
        .select(PromiseRow::as_select())
        .first(c)
        .optional())?)
}

/// Ticks a promise kept by `by` (or clears the tick with None).
pub fn set_kept(conn: &mut Conn, id: i64, by: Option<i64>, now: i64) -> DbResult<bool> {
    let at = by.map(|_| now);
    Ok(
        on_conn!(conn, c => diesel::update(chat_promises::table.find(id))
        .set((chat_promises::kept_by.eq(by), chat_promises::kept_at.eq(at)))
        .execute(c))?
            == 1,
    )
}
