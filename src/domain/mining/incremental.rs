//! A new import merged into the clusters already stored, as a plan the storage
//! layer applies: which stored questions were asked again, where each new
//! question goes, which clusters are new, and how the grown ones are now called.

use std::collections::{BTreeMap, HashMap};

use super::cluster::{cluster_onto, Params, Weights};
use super::matchkey::key;
use super::mine::{label, Asked, Label, Member};
use super::rules::Rules;
use crate::domain::text::Token;

/// A question already stored: its id, its cluster's id, its wording and how
/// often it was asked so far.
#[derive(Debug, Clone)]
pub struct Known {
    pub id: i64,
    pub cluster: i64,
    pub text: String,
    pub asked: u64,
}

/// Where a new question goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// A stored cluster, by id.
    Stored(i64),
    /// The plan's `new_clusters[i]`.
    New(usize),
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Stored questions asked again: the question's id and what this import adds.
    pub grown: Vec<(i64, Asked)>,
    /// Questions never seen before.
    pub fresh: Vec<(Home, Asked)>,
    pub new_clusters: Vec<Label>,
    /// Stored clusters that gained questions, with their label recomputed.
    pub relabelled: Vec<(i64, Label)>,
}

impl Plan {
    /// The group each of the import's question keys ended in, once the
    /// plan's new clusters are stored as `new_ids` (in order).
    pub fn groups_by_key(&self, known: &[Known], new_ids: &[i64]) -> HashMap<Vec<Token>, i64> {
        let cluster_of: HashMap<i64, i64> = known.iter().map(|k| (k.id, k.cluster)).collect();
        let grown = self
            .grown
            .iter()
            .filter_map(|(id, a)| Some((a.key.clone(), *cluster_of.get(id)?)));
        let fresh = self.fresh.iter().filter_map(|(home, a)| {
            let cluster = match home {
                Home::Stored(id) => *id,
                Home::New(i) => *new_ids.get(*i)?,
            };
            Some((a.key.clone(), cluster))
        });
        grown.chain(fresh).collect()
    }
}

/// Plans the merge of `asked` (one import's distinct questions) into `known`.
/// Keys are recomputed from the stored wordings with today's rules, so a
/// changed synonym list applies to old questions too.
pub fn plan(known: &[Known], asked: Vec<Asked>, rules: &Rules, params: Params) -> Plan {
    let known_keys: Vec<Vec<Token>> = known
        .iter()
        .map(|k| key(&k.text, &rules.synonyms))
        .collect();
    let mut by_key: HashMap<&[Token], usize> = HashMap::new();
    for (i, k) in known_keys.iter().enumerate() {
        by_key.entry(k.as_slice()).or_insert(i);
    }
    let mut plan = Plan::default();
    let mut added: HashMap<usize, u64> = HashMap::new();
    let mut fresh: Vec<Asked> = Vec::new();
    for a in asked {
        match by_key.get(a.key.as_slice()) {
            Some(i) => {
                *added.entry(*i).or_default() += a.count;
                plan.grown.push((known[*i].id, a));
            }
            None => fresh.push(a),
        }
    }

    // Stored clusters are numbered densely for the clustering.
    let mut dense: BTreeMap<i64, u32> = BTreeMap::new();
    for k in known {
        let next = dense.len() as u32;
        dense.entry(k.cluster).or_insert(next);
    }
    let keys: Vec<Vec<Token>> = known_keys
        .iter()
        .cloned()
        .chain(fresh.iter().map(|a| a.key.clone()))
        .collect();
    let groups: Vec<Option<u32>> = known
        .iter()
        .map(|k| dense.get(&k.cluster).copied())
        .collect();
    let weights = Weights::from_keys(keys.iter().map(Vec::as_slice))
        .with_categories(&rules.tags.category, keys.iter().map(Vec::as_slice));
    let roots = cluster_onto(&keys, &groups, &weights, params);

    let stored_of_root: HashMap<u32, i64> = known
        .iter()
        .enumerate()
        .map(|(i, k)| (roots[i], k.cluster))
        .collect();
    let mut new_of_root: BTreeMap<u32, usize> = BTreeMap::new();
    let mut homes = Vec::with_capacity(fresh.len());
    for i in 0..fresh.len() {
        let root = roots[known.len() + i];
        homes.push(match stored_of_root.get(&root) {
            Some(cluster) => Home::Stored(*cluster),
            None => {
                let next = new_of_root.len();
                Home::New(*new_of_root.entry(root).or_insert(next))
            }
        });
    }

    // Labels: every member of a touched cluster, counted after this import.
    let mut members: BTreeMap<Home, Vec<Member>> = BTreeMap::new();
    for (a, home) in fresh.iter().zip(&homes) {
        members
            .entry(*home)
            .or_default()
            .push((&a.key, &a.text, a.count));
    }
    let grown_clusters: Vec<i64> = added.keys().map(|i| known[*i].cluster).collect();
    for cluster in grown_clusters {
        members.entry(Home::Stored(cluster)).or_default();
    }
    for (i, k) in known.iter().enumerate() {
        if let Some(list) = members.get_mut(&Home::Stored(k.cluster)) {
            let count = k.asked + added.get(&i).copied().unwrap_or(0);
            list.push((&known_keys[i], &k.text, count));
        }
    }
    // Home's order puts stored clusters first and new ones by index.
    for (home, list) in &members {
        let l = label(&weights, rules, list);
        match home {
            Home::Stored(c) => plan.relabelled.push((*c, l)),
            Home::New(_) => plan.new_clusters.push(l),
        }
    }
    plan.fresh = homes.into_iter().zip(fresh).collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mining::chatlog::{Speaker, Turn};
    use crate::domain::mining::mine::Miner;
    use crate::domain::types::Category;

    fn asked(lines: &[&str]) -> Vec<Asked> {
        let mut miner = Miner::new(Rules::default(), Params::default());
        for (i, text) in lines.iter().enumerate() {
            miner.push(Ok(Turn {
                line: i as u64 + 1,
                conversation: Some(format!("c{i}")),
                time: Some("2026-11-18 10:00:00".into()),
                speaker: Speaker::Customer,
                text: (*text).to_string(),
                meta: Default::default(),
            }));
        }
        miner.finish_questions().0
    }

    fn known(id: i64, cluster: i64, text: &str, asked: u64) -> Known {
        Known {
            id,
            cluster,
            text: text.into(),
            asked,
        }
    }

    #[test]
    fn a_new_import_grows_stored_questions_and_clusters_and_starts_new_ones() {
        let stored = [
            known(1, 10, "为什么还没发货", 5),
            known(2, 10, "怎么还不发货", 2),
            known(3, 20, "怎么申请退款", 4),
        ];
        let plan = plan(
            &stored,
            asked(&[
                "为什么还没发货呀",
                "我的订单怎么还没发货",
                "如何申请退款",
                "有没有M码",
                "有M码吗",
            ]),
            &Rules::default(),
            Params::default(),
        );
        let grown: Vec<i64> = plan.grown.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            grown,
            [1, 3],
            "a particle or 如何/怎么 leaves the key as it was"
        );
        let home = |text: &str| {
            plan.fresh
                .iter()
                .find(|(_, a)| a.text == text)
                .map(|(h, _)| *h)
        };
        assert_eq!(home("我的订单怎么还没发货"), Some(Home::Stored(10)));
        assert_eq!(home("如何申请退款"), None);
        assert_eq!(home("有没有M码"), Some(Home::New(0)));
        assert_eq!(home("有M码吗"), Some(Home::New(0)));
        assert_eq!(plan.new_clusters.len(), 1);
        let relabelled: Vec<i64> = plan.relabelled.iter().map(|(c, _)| *c).collect();
        assert_eq!(relabelled, [10, 20]);
        let shipping = &plan.relabelled[0].1;
        assert_eq!(
            shipping.representative, "为什么还没发货",
            "the most asked wording stays central"
        );
        assert_eq!(shipping.tags.category, Some(Category::Shipping));
        let groups = plan.groups_by_key(&stored, &[99]);
        let group = |text: &str| {
            let grown = plan.grown.iter().map(|(_, a)| a);
            let mut all = grown.chain(plan.fresh.iter().map(|(_, a)| a));
            all.find(|a| a.text == text)
                .and_then(|a| groups.get(&a.key))
                .copied()
        };
        assert_eq!(group("为什么还没发货呀"), Some(10));
        assert_eq!(group("如何申请退款"), Some(20));
        assert_eq!(group("有M码吗"), Some(99), "the new cluster's stored id");
    }

    #[test]
    fn the_same_file_twice_only_grows_counts() {
        let stored = [known(1, 10, "为什么还没发货", 1)];
        let plan = plan(
            &stored,
            asked(&["为什么还没发货"]),
            &Rules::default(),
            Params::default(),
        );
        assert!(plan.fresh.is_empty() && plan.new_clusters.is_empty());
        assert_eq!(plan.grown[0].1.count, 1);
        assert_eq!(plan.relabelled.len(), 1);
    }

    #[test]
    fn nothing_stored_is_clustering_from_scratch() {
        let plan = plan(
            &[],
            asked(&["为什么还没发货", "我的订单怎么还没发货", "怎么退款"]),
            &Rules::default(),
            Params::default(),
        );
        assert_eq!(plan.new_clusters.len(), 2);
        assert!(plan.relabelled.is_empty() && plan.grown.is_empty());
    }
}
