//! The weekly digest per department: the question groups customers asked
//! most that week, tagged with the department the feedback belongs to
//! (operations, finance, product, logistics…), with last week's count beside
//! each for the trend. Pure: the caller passes the groups' weekly counts.

use std::collections::BTreeMap;

/// A mined question group as the digest reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub department: String,
    /// Times asked per week (the week's Monday, YYYY-MM-DD).
    pub weeks: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub group: i64,
    pub name: String,
    pub this_week: i64,
    pub last_week: i64,
}

impl Entry {
    pub fn change(&self) -> i64 {
        self.this_week - self.last_week
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub department: String,
    /// The most asked first (ties by name), at most `top`.
    pub entries: Vec<Entry>,
    /// Every ask of the department's groups, this week and last.
    pub this_week: i64,
    pub last_week: i64,
}

/// One digest per department asked about in `week` or `previous`, the
/// busiest department first; within each, the `top` groups asked most in
/// `week` (groups asked only last week are counted in the totals, not listed).
pub fn digests(groups: &[Group], week: &str, previous: &str, top: usize) -> Vec<Digest> {
    let mut by_department: BTreeMap<&str, Digest> = BTreeMap::new();
    for g in groups {
        let this_week = g.weeks.get(week).copied().unwrap_or(0);
        let last_week = g.weeks.get(previous).copied().unwrap_or(0);
        if this_week == 0 && last_week == 0 {
            continue;
        }
        let d = by_department
            .entry(g.department.as_str())
            .or_insert_with(|| Digest {
                department: g.department.clone(),
                entries: Vec::new(),
                this_week: 0,
                last_week: 0,
            });
        d.this_week += this_week;
        d.last_week += last_week;
        if this_week > 0 {
            d.entries.push(Entry {
                group: g.id,
                name: g.name.clone(),
                this_week,
                last_week,
            });
        }
    }
    let mut out: Vec<Digest> = by_department.into_values().collect();
    for d in &mut out {
        d.entries.sort_by(|a, b| {
            b.this_week
                .cmp(&a.this_week)
                .then_with(|| a.name.cmp(&b.name))
        });
        d.entries.truncate(top);
    }
    out.sort_by(|a, b| {
        b.this_week
            .cmp(&a.this_week)
            .then_with(|| a.department.cmp(&b.department))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: i64, name: &str, department: &str, weeks: &[(&str, i64)]) -> Group {
        Group {
            id,
            name: name.into(),
            department: department.into(),
            weeks: weeks.iter().map(|(w, n)| (w.to_string(), *n)).collect(),
        }
    }

    #[test]
    fn each_department_lists_its_most_asked_groups_with_last_weeks_count() {
        let (week, previous) = ("2026-11-30", "2026-11-23");
        let groups = [
            group(
                1,
                "快递怎么还没到",
                "logistics",
                &[(week, 40), (previous, 25)],
            ),
            group(2, "能开发票吗", "finance", &[(week, 12)]),
            group(3, "发错货了", "logistics", &[(week, 9), (previous, 30)]),
            group(4, "退款没到账", "finance", &[(previous, 8)]),
            group(5, "包装破损", "logistics", &[(week, 9)]),
            group(6, "很久以前", "product", &[("2026-01-05", 99)]),
        ];
        let out = digests(&groups, week, previous, 2);
        assert_eq!(out.len(), 2, "product was not asked about these two weeks");
        let logistics = &out[0];
        assert_eq!(logistics.department, "logistics");
        assert_eq!((logistics.this_week, logistics.last_week), (58, 55));
        let names: Vec<&str> = logistics.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["快递怎么还没到", "包装破损"],
            "ties by name, top two"
        );
        assert_eq!(logistics.entries[0].change(), 15);
        let finance = &out[1];
        assert_eq!((finance.this_week, finance.last_week), (12, 8));
        assert_eq!(
            finance.entries.len(),
            1,
            "a group asked only last week is not listed"
        );
    }
}
