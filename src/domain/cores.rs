//! Pure work spread over the machine's cores: the same results, in the same
//! order, as one thread would give.

/// `work` run on contiguous parts of `items`, one per core (up to four),
/// with the parts' results joined in order. Few items stay on this thread.
pub fn on_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if workers == 1 || items.len() < 2 * workers {
        return work(items);
    }
    let work = &work;
    std::thread::scope(|scope| {
        let running: Vec<_> = items
            .chunks(items.len().div_ceil(workers))
            .map(|part| scope.spawn(move || work(part)))
            .collect();
        running
            .into_iter()
            .flat_map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_items_order() {
        let items: Vec<u32> = (0..10_001).collect();
        let doubled = on_cores(&items, |part| part.iter().map(|x| x * 2).collect());
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(on_cores(&items[..1], |part| part.to_vec()), [0]);
        assert!(on_cores(&items[..0], |part| part.to_vec()).is_empty());
    }
}
