//! Near-duplicate questions into clusters without comparing all pairs.
//!
//! Each distinct question key gets a MinHash signature over its token unigrams and
//! bigrams; the signature is cut into bands, and two keys that agree on a whole
//! band land in the same bucket and become candidates (locality-sensitive hashing).
//! Candidates are verified with an edit-distance similarity and joined with
//! union-find. The index is incremental: keys added later meet the earlier ones in
//! the same buckets, so a new import merges into the clusters it belongs to.

use std::collections::HashMap;

use crate::domain::text::Token;

/// How hard the index looks and how close two keys must be to join.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Minimum similarity (0–1) of a verified pair.
    pub threshold: f64,
    pub bands: usize,
    pub rows: usize,
    /// A key is verified against at most this many members of each bucket it
    /// falls in (the first and the most recent ones): buckets of very common
    /// phrasings would otherwise cost quadratic time. Union-find joins the rest
    /// through those members.
    pub bucket_probe: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            bands: 24,
            rows: 2,
            bucket_probe: 12,
        }
    }
}

/// Similarity of two keys: one minus the token edit distance over the longer
/// length (rapidfuzz's bit-parallel Levenshtein on tokens, so a Chinese character
/// is one unit, never three bytes).
pub fn similarity(a: &[Token], b: &[Token]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let distance = rapidfuzz::distance::levenshtein::distance(a.iter(), b.iter());
    1.0 - distance as f64 / longest as f64
}

/// A cheap upper bound of `similarity`: lengths too different cannot reach it.
fn may_reach(a: usize, b: usize, threshold: f64) -> bool {
    let (short, long) = if a < b { (a, b) } else { (b, a) };
    long == 0 || short as f64 / long as f64 >= threshold
}

pub struct Index {
    params: Params,
    keys: Vec<Vec<Token>>,
    parent: Vec<u32>,
    buckets: HashMap<u64, Vec<u32>>,
    seeds: Vec<u64>,
}

impl Index {
    pub fn new(params: Params) -> Self {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let seeds = (0..params.bands * params.rows)
            .map(|_| {
                state = splitmix(state);
                state
            })
            .collect();
        Self {
            params,
            keys: Vec::new(),
            parent: Vec::new(),
            buckets: HashMap::new(),
            seeds,
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn key(&self, id: u32) -> &[Token] {
        &self.keys[id as usize]
    }

    /// Adds a key (callers fold exact duplicates first) and joins it to every
    /// verified candidate; returns its id.
    pub fn insert(&mut self, key: Vec<Token>) -> u32 {
        let id = self.keys.len() as u32;
        let bands = self.band_hashes(&key);
        self.keys.push(key);
        self.parent.push(id);
        for band in bands {
            let members = self.buckets.entry(band).or_default();
            let probe = self.params.bucket_probe;
            let candidates: Vec<u32> = if members.len() <= probe {
                members.clone()
            } else {
                let half = probe / 2;
                members[..half]
                    .iter()
                    .chain(&members[members.len() - (probe - half)..])
                    .copied()
                    .collect()
            };
            members.push(id);
            for other in candidates {
                if self.find(other) != self.find(id) && self.verified(id, other) {
                    self.union(id, other);
                }
            }
        }
        id
    }

    fn verified(&self, a: u32, b: u32) -> bool {
        let (ka, kb) = (&self.keys[a as usize], &self.keys[b as usize]);
        let t = self.params.threshold;
        may_reach(ka.len(), kb.len(), t) && similarity(ka, kb) >= t
    }

    /// The cluster a key belongs to (the id of its root key).
    pub fn find(&mut self, id: u32) -> u32 {
        let mut root = id;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        let mut at = id;
        while self.parent[at as usize] != root {
            let next = self.parent[at as usize];
            self.parent[at as usize] = root;
            at = next;
        }
        root
    }

    /// Joins two clusters; the older root stays the root, so cluster ids are stable
    /// as keys are added.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (keep, join) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[join as usize] = keep;
        }
    }

    /// Every key's cluster root, by key id.
    pub fn roots(&mut self) -> Vec<u32> {
        (0..self.keys.len() as u32).map(|i| self.find(i)).collect()
    }

    fn band_hashes(&self, key: &[Token]) -> Vec<u64> {
        let shingles = shingles(key);
        let mut signature = vec![u64::MAX; self.seeds.len()];
        for s in &shingles {
            for (slot, seed) in signature.iter_mut().zip(&self.seeds) {
                let h = splitmix(s ^ seed);
                if h < *slot {
                    *slot = h;
                }
            }
        }
        signature
            .chunks(self.params.rows)
            .enumerate()
            .map(|(band, rows)| {
                rows.iter()
                    .fold(splitmix(band as u64 + 1), |acc, r| splitmix(acc ^ r))
            })
            .collect()
    }
}

/// Token unigrams and bigrams, hashed.
fn shingles(key: &[Token]) -> Vec<u64> {
    let mut out: Vec<u64> = key.iter().map(|t| u64::from(*t)).collect();
    out.extend(
        key.windows(2)
            .map(|w| (u64::from(w[0]) << 32 | u64::from(w[1])) ^ 0xA5A5_0000_0000_0000),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// A fast, well-mixed 64-bit hash step (SplitMix64's finaliser).
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The most central key of a cluster: the one with the highest count-weighted
/// similarity to the others. Large clusters are compared against a sample of
/// their most frequent members, which decide what is central anyway.
pub fn central(members: &[(&[Token], u64)]) -> usize {
    const SAMPLE: usize = 64;
    let mut by_count: Vec<usize> = (0..members.len()).collect();
    by_count.sort_by(|a, b| members[*b].1.cmp(&members[*a].1).then(a.cmp(b)));
    let anchors = &by_count[..by_count.len().min(SAMPLE)];
    let score = |i: usize| -> f64 {
        anchors
            .iter()
            .filter(|a| **a != i)
            .map(|a| similarity(members[i].0, members[*a].0) * members[*a].1 as f64)
            .sum::<f64>()
            + members[i].1 as f64
    };
    anchors
        .iter()
        .copied()
        .map(|i| (i, score(i)))
        .fold(
            (0, f64::MIN),
            |best, (i, s)| if s > best.1 { (i, s) } else { best },
        )
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<Token> {
        s.chars().map(|c| c as Token).collect()
    }

    #[test]
    fn similarity_counts_characters_not_bytes() {
        assert_eq!(similarity(&t("还没发货"), &t("还没发货")), 1.0);
        assert!((similarity(&t("为什么还没发货"), &t("什么时候发货")) - 4.0 / 7.0).abs() < 1e-9);
        assert_eq!(similarity(&t(""), &t("")), 1.0);
    }

    #[test]
    fn near_duplicates_join_and_different_questions_stay_apart() {
        let mut index = Index::new(Params::default());
        let a = index.insert(t("为什么还没发货"));
        let b = index.insert(t("为什么还没有发货"));
        let c = index.insert(t("怎么申请退款"));
        let d = index.insert(t("如何申请退款"));
        let e = index.insert(t("这件衣服有m码"));
        assert_eq!(index.find(a), index.find(b));
        assert_eq!(index.find(c), index.find(d));
        assert_ne!(index.find(a), index.find(c));
        assert_ne!(index.find(e), index.find(a));
        assert_ne!(index.find(e), index.find(c));
    }

    #[test]
    fn a_later_key_joins_the_cluster_it_belongs_to_and_the_root_stays() {
        let mut index = Index::new(Params::default());
        let first = index.insert(t("快递到哪里了"));
        index.insert(t("退货地址是哪里"));
        let later = index.insert(t("我的快递到哪里了"));
        assert_eq!(
            index.find(later),
            first,
            "the older key stays the cluster's id"
        );
    }

    #[test]
    fn the_central_member_is_the_typical_phrasing() {
        let a = t("什么时候发货");
        let b = t("请问什么时候发货");
        let c = t("什么时候能发货呢亲");
        let members = [(a.as_slice(), 5), (b.as_slice(), 2), (c.as_slice(), 1)];
        assert_eq!(central(&members), 0);
    }
}
