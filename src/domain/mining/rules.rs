//! The team-editable mining rules (synonyms for matching), parsed from TOML. The
//! defaults ship inside the binary; a team's own file replaces them.

use std::collections::BTreeMap;

use super::matchkey::Synonyms;

pub const DEFAULT_RULES: &str = include_str!("default_rules.toml");

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub synonyms: Synonyms,
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
        Ok(Self {
            synonyms: Synonyms::new(
                file.synonyms
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_slice())),
            ),
        })
    }
}

impl Default for Rules {
    fn default() -> Self {
        // The embedded file is checked by a test; an empty rule set is the safe
        // fallback should it ever fail to parse.
        Self::parse(DEFAULT_RULES).unwrap_or_else(|_| Self {
            synonyms: Synonyms::default(),
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
    fn a_broken_rules_file_is_refused_with_its_reason() {
        assert!(Rules::parse("[synonyms]\n\"发货\" = \"发出\"").is_err());
        assert!(Rules::parse("[synonym]\n").is_err());
        let empty = Rules::parse("[synonyms]\n\"发货\" = [\"\"]").expect_err("refused");
        assert!(empty.contains("发货"), "{empty}");
    }
}
