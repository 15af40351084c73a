//! The check of candidate pairs, over keys laid out for it: what refuses most
//! pairs (facet, total weight) in dense arrays, and every key's shingles end
//! to end in one vector, so that checking a key against its candidates (in
//! id order) walks memory forwards instead of following a pointer per key.

use super::facet::Facet;
use super::{weighted_jaccard, Edge, Prepared};
use crate::domain::cores::on_cores;

pub(super) struct Laid {
    facet: Vec<Facet>,
    total: Vec<f32>,
    content: Spans<u64>,
    weighted: Spans<(u64, f32)>,
}

impl Laid {
    pub(super) fn new(prepared: &[Prepared]) -> Self {
        Self {
            facet: prepared.iter().map(|p| p.facet).collect(),
            total: prepared.iter().map(|p| p.total).collect(),
            content: Spans::of(prepared.iter().map(|p| p.content.as_slice())),
            weighted: Spans::of(prepared.iter().map(|p| p.weighted.as_slice())),
        }
    }

    /// The edges between each key and its candidates (`(key, candidates)`),
    /// checked on all cores.
    pub(super) fn edges(&self, lists: &[(u32, Vec<u32>)], at_least: f64) -> Vec<Edge> {
        on_cores(lists, |part| self.edges_in(part, at_least))
    }

    fn edges_in(&self, lists: &[(u32, Vec<u32>)], at_least: f64) -> Vec<Edge> {
        let mut edges = Vec::new();
        for (id, candidates) in lists {
            for other in candidates {
                if let Some(s) = self.edge(*other, *id, at_least) {
                    edges.push((s, *other, *id));
                }
            }
        }
        edges
    }

    /// The similarity of keys `a` and `b` when the pair makes an edge: the
    /// same kind and category (where known), some shared content, and at
    /// least `at_least` alike. Cheapest refusals first.
    fn edge(&self, a: u32, b: u32, at_least: f64) -> Option<f32> {
        let (a, b) = (a as usize, b as usize);
        if !self.facet[a].agrees(self.facet[b]) {
            return None;
        }
        let (ta, tb) = (self.total[a], self.total[b]);
        // One key's weight cannot all be shared with a much heavier one.
        let (small, large) = if ta < tb { (ta, tb) } else { (tb, ta) };
        if large != 0.0 && f64::from(small / large) < at_least {
            return None;
        }
        // Without a shared content shingle, what two keys share is how they
        // ask, not what.
        if !shares_any(self.content.get(a), self.content.get(b)) {
            return None;
        }
        let s = weighted_jaccard(self.weighted.get(a), ta, self.weighted.get(b), tb);
        (s >= at_least).then_some(s as f32)
    }
}

/// One slice per key, stored end to end.
struct Spans<T> {
    items: Vec<T>,
    ends: Vec<usize>,
}

impl<T: Copy> Spans<T> {
    fn of<'a>(lists: impl Iterator<Item = &'a [T]>) -> Self
    where
        T: 'a,
    {
        let mut spans = Spans {
            items: Vec::new(),
            ends: Vec::new(),
        };
        for list in lists {
            spans.items.extend_from_slice(list);
            spans.ends.push(spans.items.len());
        }
        spans
    }

    fn get(&self, i: usize) -> &[T] {
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.items[start..self.ends[i]]
    }
}

/// Whether two sorted lists have an element in common.
fn shares_any(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}
