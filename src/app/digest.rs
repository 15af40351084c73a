//! The weekly digest per department from the mined question groups: which
//! week (the latest with chats, unless one is asked for), the digests, and a
//! couple of customers' own wordings for each group listed.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate};

use crate::db::{mining, Conn, DbResult};
use crate::domain::digest::{self, Digest, Group};
use crate::domain::mining::mine::monday_of;

/// Groups listed per department, and wordings shown per group.
pub const TOP: usize = 10;
const EXAMPLES: usize = 2;

#[derive(Debug, Clone)]
pub struct Weekly {
    /// The week shown (its Monday) and the one before; None without chats.
    pub week: Option<NaiveDate>,
    /// Every week with chats, the latest first.
    pub weeks: Vec<NaiveDate>,
    pub digests: Vec<Digest>,
    pub examples: HashMap<i64, Vec<String>>,
}

pub fn load(conn: &mut Conn, asked: Option<NaiveDate>) -> DbResult<Weekly> {
    let clusters = mining::clusters(conn)?;
    let mut counts = mining::weeks_of(conn, None)?;
    let weeks: BTreeSet<NaiveDate> = counts
        .values()
        .flat_map(|w| w.keys())
        .filter_map(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok())
        .collect();
    let week = asked.map(monday_of).or_else(|| weeks.last().copied());
    let Some(shown) = week else {
        return Ok(Weekly {
            week: None,
            weeks: vec![],
            digests: vec![],
            examples: HashMap::new(),
        });
    };
    let previous = shown.checked_sub_days(Days::new(7)).unwrap_or(shown);
    let groups: Vec<Group> = clusters
        .iter()
        .map(|c| Group {
            id: c.id,
            name: c.name().to_string(),
            department: c.tags().2.to_string(),
            weeks: counts.remove(&c.id).unwrap_or_default(),
        })
        .collect();
    let digests = digest::digests(&groups, &shown.to_string(), &previous.to_string(), TOP);
    let mut examples = HashMap::new();
    for entry in digests.iter().flat_map(|d| &d.entries) {
        let wordings = mining::questions_of(conn, entry.group)?;
        examples.insert(
            entry.group,
            wordings
                .into_iter()
                .take(EXAMPLES)
                .map(|q| q.text)
                .collect(),
        );
    }
    Ok(Weekly {
        week: Some(shown),
        weeks: weeks.into_iter().rev().collect(),
        digests,
        examples,
    })
}
