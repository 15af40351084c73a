//! The team-editable mining rules (synonyms for matching, keywords for tags),
//! parsed from TOML. The defaults ship inside the binary; a team's own file
//! replaces them.

use std::collections::BTreeMap;

use super::matchkey::{canonical, Synonyms};
use super::tags::{self, TagRules};
use crate::domain::types::{Category, Department, Scene};

pub const DEFAULT_RULES: &str = include_str!("default_rules.toml");

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    scene: Vec<TagRule>,
    #[serde(default)]
    category: Vec<TagRule>,
    #[serde(default)]
    department: Vec<TagRule>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TagRule {
    value: String,
    keywords: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub synonyms: Synonyms,
    pub tags: TagRules,
}

impl Rules {
    /// Parses a rules file; the error names the line and what is wrong.
    pub fn parse(source: &str) -> Result<Self, String> {
        let file: RulesFile = toml::from_str(source).map_err(|e| e.to_string())?;
        if let Some((word, _)) = file
            .synonyms
            .iter()
            .find(|(_, phrases)| phrases.iter().any(|p| p.trim().is_empty()))
        {
            return Err(format!(
                "synonyms.\"{word}\": an empty phrase would match everywhere"
            ));
        }
        let synonyms = Synonyms::new(
            file.synonyms
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_slice())),
        );
        let tags = TagRules {
            scene: tag_rules(&file.scene, "scene", Scene::parse, &synonyms)?,
            category: tag_rules(&file.category, "category", Category::parse, &synonyms)?,
            department: tag_rules(&file.department, "department", Department::parse, &synonyms)?,
        };
        Ok(Self { synonyms, tags })
    }
}

/// One field's tag rules, values checked and keywords put in canonical form.
fn tag_rules<T>(
    rules: &[TagRule],
    field: &str,
    parse: fn(&str) -> Option<T>,
    synonyms: &Synonyms,
) -> Result<tags::Rules<T>, String> {
    let mut out = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        let value = parse(&rule.value)
            .ok_or_else(|| format!("{field}[{}]: unknown {field} '{}'", i + 1, rule.value))?;
        if rule.keywords.iter().any(|k| k.trim().is_empty()) {
            return Err(format!(
                "{field}[{}]: an empty keyword would match everything",
                i + 1
            ));
        }
        let mut keywords = Vec::with_capacity(rule.keywords.len());
        for k in &rule.keywords {
            let word = canonical(k, synonyms);
            if word.is_empty() {
                return Err(format!(
                    "{field}[{}]: keyword '{k}' is dropped by the synonyms, so it would match everything",
                    i + 1
                ));
            }
            keywords.push(word);
        }
        out.push((value, keywords));
    }
    Ok(tags::Rules { rules: out })
}

impl Default for Rules {
    fn default() -> Self {
        // The embedded file is checked by a test; an empty rule set is the safe
        // fallback should it ever fail to parse.
        Self::parse(DEFAULT_RULES).unwrap_or_else(|_| Self {
            synonyms: Synonyms::default(),
            tags: TagRules::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mining::matchkey::key;

    #[test]
    fn the_default_rules_parse_and_join_common_paraphrases() {
        let rules = Rules::parse(DEFAULT_RULES).expect("the shipped rules parse");
        let k = |s: &str| key(s, &rules.synonyms);
        assert_eq!(k("亲，怎么还没寄出呀？"), k("为什么还不发货"));
        assert_eq!(k("退钱要多久"), k("退款要多长时间呢"));
        assert_ne!(k("怎么退货"), k("怎么退款"));
    }

    #[test]
    fn clusters_are_tagged_by_their_words_and_paraphrases_count() {
        let rules = Rules::default();
        let tag = |texts: &[&str]| {
            let canonical: Vec<String> = texts
                .iter()
                .map(|t| canonical(t, &rules.synonyms))
                .collect();
            rules.tags.tag(&canonical)
        };
        let shipping = tag(&["怎么还没寄出", "什么时候发货"]);
        assert_eq!(shipping.category, Some(Category::Shipping));
        assert_eq!(shipping.department, Department::Logistics);
        assert_eq!(shipping.scene, Some(Scene::InSale));
        let refund = tag(&["退钱什么时候到"]);
        assert_eq!(
            refund.category,
            Some(Category::Refund),
            "退钱 is a paraphrase of 退款"
        );
        assert_eq!(refund.department, Department::Finance);
        assert_eq!(refund.scene, Some(Scene::AfterSale));
        let invoice = tag(&["能开发票吗"]);
        assert_eq!(
            (invoice.category, invoice.department),
            (Some(Category::Invoice), Department::Finance)
        );
        let unknown = tag(&["你们老板是谁"]);
        assert_eq!(unknown.category, None);
        assert_eq!(unknown.department, Department::CustomerService);
    }

    #[test]
    fn a_broken_rules_file_is_refused_with_its_reason() {
        assert!(Rules::parse("[synonyms]\n\"发货\" = \"发出\"").is_err());
        assert!(Rules::parse("[synonym]\n").is_err());
        let empty = Rules::parse("[synonyms]\n\"发货\" = [\"\"]").expect_err("refused");
        assert!(empty.contains("发货"), "{empty}");
        let typo = Rules::parse("[[category]]\nvalue = \"shiping\"\nkeywords = [\"发货\"]")
            .expect_err("refused");
        assert_eq!(typo, "category[1]: unknown category 'shiping'");
        let dropped = Rules::parse(
            "[synonyms]\n\"\" = [\"亲\"]\n[[scene]]\nvalue = \"pre_sale\"\nkeywords = [\"亲\"]",
        )
        .expect_err("refused");
        assert!(dropped.contains("keyword '亲' is dropped"), "{dropped}");
    }
}
