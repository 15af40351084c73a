//! The rubric reviewers and leads mark an answer with: criteria scored on a
//! short scale, each level with an anchor that says what it looks like. A
//! critical criterion marked at its lowest level fails the answer whatever the
//! rest says. Rubrics are versioned: once marks were given with a version,
//! changing it makes a new version, so old marks keep their meaning.

use std::collections::BTreeMap;

/// Levels run from 0 to this.
pub const TOP: u8 = 3;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Criterion {
    /// Stable name; the label and the level anchors are message-catalog keys
    /// derived from it (`review.criterion.<key>`, `review.anchor.<key>.<level>`).
    pub key: String,
    pub critical: bool,
    /// Share of the total, relative to the other criteria.
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rubric {
    pub version: u32,
    pub criteria: Vec<Criterion>,
}

fn criterion(key: &str, critical: bool, weight: f64) -> Criterion {
    Criterion {
        key: key.into(),
        critical,
        weight,
    }
}

impl Default for Rubric {
    /// What makes a customer-service reply good: right, kind, concrete, timed,
    /// well put, and moving the sale on. Being right (policy included) is
    /// critical: a promise the shop cannot keep fails the reply.
    fn default() -> Self {
        Self {
            version: 1,
            criteria: vec![
                criterion("accuracy", true, 2.0),
                criterion("empathy", false, 1.0),
                criterion("next_step", false, 1.0),
                criterion("time_promise", false, 1.0),
                criterion("tone", false, 1.0),
                criterion("persuasion", false, 1.0),
            ],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error("criterion {0} is not marked")]
    Missing(String),
    #[error("criterion {0} is not in this rubric")]
    Unknown(String),
    #[error("criterion {key}: level {level} is above {TOP}")]
    OutOfRange { key: String, level: u8 },
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Total {
    /// 0–100; 0 when a critical criterion failed.
    pub score: f64,
    /// Critical criteria marked at level 0.
    pub failed: Vec<String>,
}

/// The total of one reviewer's marks (criterion key → level).
/// A reviewer's or lead's level per criterion key.
pub type Marks = BTreeMap<String, u8>;

pub fn total(rubric: &Rubric, marks: &BTreeMap<String, u8>) -> Result<Total, MarkError> {
    if let Some(unknown) = marks
        .keys()
        .find(|k| !rubric.criteria.iter().any(|c| &c.key == *k))
    {
        return Err(MarkError::Unknown(unknown.clone()));
    }
    let (mut sum, mut weights, mut failed) = (0.0, 0.0, Vec::new());
    for c in &rubric.criteria {
        let level = *marks
            .get(&c.key)
            .ok_or_else(|| MarkError::Missing(c.key.clone()))?;
        if level > TOP {
            return Err(MarkError::OutOfRange {
                key: c.key.clone(),
                level,
            });
        }
        if c.critical && level == 0 {
            failed.push(c.key.clone());
        }
        sum += c.weight * f64::from(level) / f64::from(TOP);
        weights += c.weight;
    }
    let score = if !failed.is_empty() || weights <= 0.0 {
        0.0
    } else {
        100.0 * sum / weights
    };
    Ok(Total { score, failed })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("criterion {0} is not one the product knows")]
    Unknown(String),
    #[error("a weight is a whole number from 0 (not used) to 5")]
    Weight,
    #[error("a rubric needs at least one criterion")]
    Empty,
}

/// Most a criterion may weigh against another.
pub const MAX_WEIGHT: i64 = 5;

/// The criteria a lead's form asks for: (key, weight 0–5, critical) for
/// criteria the product has labels and anchors for. Weight 0 leaves a
/// criterion out. The order is the default rubric's.
pub fn edit(wanted: &[(String, i64, bool)]) -> Result<Vec<Criterion>, EditError> {
    let known = Rubric::default().criteria;
    if let Some((key, ..)) = wanted
        .iter()
        .find(|(k, ..)| !known.iter().any(|c| &c.key == k))
    {
        return Err(EditError::Unknown(key.clone()));
    }
    if wanted.iter().any(|(_, w, _)| !(0..=MAX_WEIGHT).contains(w)) {
        return Err(EditError::Weight);
    }
    let criteria: Vec<Criterion> = known
        .iter()
        .filter_map(|c| {
            let (_, weight, critical) = wanted.iter().find(|(k, ..)| *k == c.key)?;
            (*weight > 0).then(|| criterion(&c.key, *critical, *weight as f64))
        })
        .collect();
    if criteria.is_empty() {
        return Err(EditError::Empty);
    }
    Ok(criteria)
}

/// The rubric after a lead's edit: the same version while no marks use it, a
/// new one once some do (the old stays for the marks given with it).
pub fn revise(current: &Rubric, criteria: Vec<Criterion>, used: bool) -> Rubric {
    if criteria == current.criteria {
        return current.clone();
    }
    Rubric {
        version: if used {
            current.version + 1
        } else {
            current.version
        },
        criteria,
    }
}

/// A criterion where a reviewer's calibration mark differs from the lead's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Off {
    pub key: String,
    pub mine: Option<u8>,
    pub lead: u8,
}

/// Where a reviewer's marks on a calibration example differ from the lead's,
/// criterion by criterion in the rubric's order (criteria the lead did not
/// mark are not judged). Empty means the reviewer is calibrated on it.
pub fn calibrate(
    rubric: &Rubric,
    mine: &BTreeMap<String, u8>,
    lead: &BTreeMap<String, u8>,
) -> Vec<Off> {
    rubric
        .criteria
        .iter()
        .filter_map(|c| {
            let lead = *lead.get(&c.key)?;
            let mine = mine.get(&c.key).copied();
            (mine != Some(lead)).then(|| Off {
                key: c.key.clone(),
                mine,
                lead,
            })
        })
        .collect()
}

/// The share of the lead's marks a reviewer matched exactly, 0–1 (1 when the
/// lead marked nothing).
pub fn agreement(rubric: &Rubric, mine: &BTreeMap<String, u8>, lead: &BTreeMap<String, u8>) -> f64 {
    let judged = rubric
        .criteria
        .iter()
        .filter(|c| lead.contains_key(&c.key))
        .count();
    if judged == 0 {
        return 1.0;
    }
    1.0 - calibrate(rubric, mine, lead).len() as f64 / judged as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(levels: &[(&str, u8)]) -> BTreeMap<String, u8> {
        levels.iter().map(|(k, l)| (k.to_string(), *l)).collect()
    }

    fn all(level: u8) -> BTreeMap<String, u8> {
        Rubric::default()
            .criteria
            .iter()
            .map(|c| (c.key.clone(), level))
            .collect()
    }

    #[test]
    fn a_leads_edit_keeps_known_criteria_in_order_and_drops_weight_zero() {
        let want = |k: &str, w: i64, c: bool| (k.to_string(), w, c);
        let criteria = edit(&[
            want("persuasion", 0, false),
            want("tone", 3, true),
            want("accuracy", 2, true),
        ])
        .expect("valid");
        let keys: Vec<(&str, f64, bool)> = criteria
            .iter()
            .map(|c| (c.key.as_str(), c.weight, c.critical))
            .collect();
        assert_eq!(keys, vec![("accuracy", 2.0, true), ("tone", 3.0, true)]);
        assert_eq!(
            edit(&[want("speed", 1, false)]),
            Err(EditError::Unknown("speed".into()))
        );
        assert_eq!(edit(&[want("tone", 6, false)]), Err(EditError::Weight));
        assert_eq!(edit(&[want("tone", -1, false)]), Err(EditError::Weight));
        assert_eq!(edit(&[want("tone", 0, false)]), Err(EditError::Empty));
        // Revised once used: a new version; unused: the same one, changed.
        let current = Rubric::default();
        assert_eq!(revise(&current, criteria.clone(), true).version, 2);
        assert_eq!(revise(&current, criteria, false).version, 1);
    }

    #[test]
    fn calibration_names_each_criterion_off_from_the_lead() {
        let r = Rubric::default();
        let lead = all(2);
        let mut mine = all(2);
        assert!(calibrate(&r, &mine, &lead).is_empty());
        assert_eq!(agreement(&r, &mine, &lead), 1.0);
        mine.insert("empathy".into(), 3);
        mine.remove("tone");
        let off = calibrate(&r, &mine, &lead);
        assert_eq!(
            off,
            vec![
                Off {
                    key: "empathy".into(),
                    mine: Some(3),
                    lead: 2
                },
                Off {
                    key: "tone".into(),
                    mine: None,
                    lead: 2
                },
            ]
        );
        assert!((agreement(&r, &mine, &lead) - 4.0 / 6.0).abs() < 1e-12);
        // A criterion the lead left unmarked is not judged.
        let partial = marks(&[("accuracy", 1)]);
        assert_eq!(calibrate(&r, &mine, &partial).len(), 1);
    }

    #[test]
    fn full_marks_are_100_and_a_weighted_mix_is_in_between() {
        let r = Rubric::default();
        assert_eq!(total(&r, &all(TOP)).expect("ok").score, 100.0);
        let mut m = all(TOP);
        m.insert("persuasion".into(), 0);
        // Weights: accuracy 2, five others 1; persuasion lost 1 of 7.
        let t = total(&r, &m).expect("ok");
        assert!((t.score - 100.0 * 6.0 / 7.0).abs() < 1e-9);
        assert!(t.failed.is_empty());
    }

    #[test]
    fn a_failed_critical_criterion_fails_the_answer() {
        let mut m = all(TOP);
        m.insert("accuracy".into(), 0);
        let t = total(&Rubric::default(), &m).expect("ok");
        assert_eq!(t.score, 0.0);
        assert_eq!(t.failed, ["accuracy"]);
    }

    #[test]
    fn every_criterion_must_be_marked_within_the_scale() {
        let r = Rubric::default();
        assert_eq!(
            total(&r, &marks(&[("accuracy", 2)])),
            Err(MarkError::Missing("empathy".into()))
        );
        let mut m = all(1);
        m.insert("tone".into(), 9);
        assert!(matches!(total(&r, &m), Err(MarkError::OutOfRange { .. })));
        let mut m = all(1);
        m.insert("weather".into(), 1);
        assert_eq!(total(&r, &m), Err(MarkError::Unknown("weather".into())));
    }

    #[test]
    fn editing_a_used_rubric_makes_a_new_version() {
        let r = Rubric::default();
        let mut edited = r.criteria.clone();
        edited[5].critical = true;
        assert_eq!(revise(&r, edited.clone(), false).version, 1);
        let v2 = revise(&r, edited, true);
        assert_eq!(v2.version, 2);
        assert!(v2.criteria[5].critical);
        assert_eq!(
            revise(&r, r.criteria.clone(), true),
            r,
            "no change, no version"
        );
    }
}
