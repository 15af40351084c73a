//! What kind of question a key asks and what it is about, as far as its words
//! tell. Two questions of different kinds (when, why, where, how much, how) or
//! of different categories by the team's keyword rules never share a cluster,
//! however much else they share: "拖鞋什么时候发货" and "拖鞋退款什么时候到账"
//! share a product and a question word, not a question; nor do
//! "什么时候发货" and "为什么还没发货". A key with no telling word has no
//! facet and goes with any.

use crate::domain::mining::tags;
use crate::domain::text::Token;
use crate::domain::types::Category;

/// The kind of answer a question wants. Keys are in canonical form
/// (`matchkey`), so the synonyms have already turned 多久, 几天 and 啥时候 into
/// 什么时候, and 怎么还 into 为什么.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A delay complained of: 为什么, 还没.
    Why,
    When,
    Where,
    HowMuch,
    How,
}

/// Telling words, most specific first: 为什么 before 什么, 什么时候 before 怎么.
const KINDS: &[(&str, Kind)] = &[
    ("为什么", Kind::Why),
    ("还没", Kind::Why),
    ("什么时候", Kind::When),
    ("哪", Kind::Where),
    ("多少", Kind::HowMuch),
    ("怎么", Kind::How),
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Facet {
    kind: Option<Kind>,
    category: Option<Category>,
}

impl Facet {
    pub(crate) fn of(key: &[Token], categories: Option<&tags::Rules<Category>>) -> Facet {
        let text = text_of(key);
        Facet {
            kind: KINDS
                .iter()
                .find(|(word, _)| text.contains(word))
                .map(|(_, kind)| *kind),
            category: categories.and_then(|c| c.best(std::slice::from_ref(&text))),
        }
    }

    /// Whether the two may share a cluster: no field known on both sides and
    /// different.
    pub(crate) fn agrees(self, other: Facet) -> bool {
        fn same<T: PartialEq>(a: Option<T>, b: Option<T>) -> bool {
            a.is_none() || b.is_none() || a == b
        }
        same(self.kind, other.kind) && same(self.category, other.category)
    }

    /// The facet of a cluster holding both.
    pub(crate) fn join(self, other: Facet) -> Facet {
        Facet {
            kind: self.kind.or(other.kind),
            category: self.category.or(other.category),
        }
    }
}

/// The category the team's keyword rules give a key, if any.
pub(crate) fn category(key: &[Token], rules: &tags::Rules<Category>) -> Option<Category> {
    rules.best(&[text_of(key)])
}

/// A key's characters as text (hashed Latin words have none).
fn text_of(key: &[Token]) -> String {
    key.iter().filter_map(|t| char::from_u32(*t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mining::rules::Rules;

    fn facet(text: &str) -> Facet {
        let key: Vec<Token> = text.chars().map(|c| c as Token).collect();
        Facet::of(&key, Some(&Rules::default().tags.category))
    }

    #[test]
    fn questions_of_another_kind_or_category_do_not_agree() {
        assert!(!facet("拖鞋什么时候发货").agrees(facet("拖鞋为什么还没发货")));
        assert!(!facet("拖鞋什么时候发货").agrees(facet("拖鞋退款什么时候到账")));
        assert!(!facet("耳机怎么退货").agrees(facet("耳机怎么开发票")));
    }

    #[test]
    fn the_same_question_about_another_product_or_an_untelling_one_agrees() {
        assert!(facet("拖鞋什么时候发货").agrees(facet("充电宝什么时候发货")));
        assert!(facet("查拖鞋快递").agrees(facet("拖鞋快递到哪")));
        // A cluster takes the facet of what it holds.
        let joined = facet("查拖鞋快递").join(facet("拖鞋快递到哪"));
        assert!(!joined.agrees(facet("拖鞋快递为什么还没到")));
    }
}
