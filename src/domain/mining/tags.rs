//! Scene, category and department for a cluster, from the keyword rules of the
//! team's rules file. Keywords are compared with the questions after folding
//! and synonyms, so one keyword covers its paraphrases.

use crate::domain::types::{Category, Department, Scene};

/// One field's rules: each value with its keywords, in file order.
#[derive(Debug, Clone)]
pub struct Rules<T> {
    pub rules: Vec<(T, Vec<String>)>,
}

impl<T> Default for Rules<T> {
    fn default() -> Self {
        Self { rules: Vec::new() }
    }
}

impl<T: Copy> Rules<T> {
    /// The value whose keywords appear most often in `texts`; the first listed
    /// wins a tie. None when no keyword appears.
    pub(crate) fn best(&self, texts: &[String]) -> Option<T> {
        let mut best: Option<(T, usize)> = None;
        for (value, keywords) in &self.rules {
            let hits = keywords
                .iter()
                .map(|k| texts.iter().filter(|t| t.contains(k.as_str())).count())
                .sum::<usize>();
            if hits > 0 && best.is_none_or(|(_, b)| hits > b) {
                best = Some((*value, hits));
            }
        }
        best.map(|(v, _)| v)
    }
}

#[derive(Debug, Clone, Default)]
pub struct TagRules {
    pub scene: Rules<Scene>,
    pub category: Rules<Category>,
    pub department: Rules<Department>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tags {
    pub scene: Option<Scene>,
    pub category: Option<Category>,
    pub department: Department,
}

impl TagRules {
    /// Tags for a cluster from its questions, already in canonical form
    /// (`matchkey::canonical`).
    pub fn tag(&self, canonical: &[String]) -> Tags {
        let category = self.category.best(canonical);
        Tags {
            scene: self
                .scene
                .best(canonical)
                .or_else(|| category.map(scene_of)),
            category,
            department: self
                .department
                .best(canonical)
                .or_else(|| category.map(department_of))
                .unwrap_or(Department::CustomerService),
        }
    }
}

/// Where a question of this category is usually asked.
fn scene_of(category: Category) -> Scene {
    match category {
        Category::Price | Category::Stock | Category::Recommendation => Scene::PreSale,
        Category::Shipping | Category::Payment | Category::Invoice => Scene::InSale,
        Category::Quality
        | Category::Packaging
        | Category::Returns
        | Category::Refund
        | Category::Complaint => Scene::AfterSale,
    }
}

/// Which team usually owns feedback of this category.
fn department_of(category: Category) -> Department {
    match category {
        Category::Shipping | Category::Packaging => Department::Logistics,
        Category::Refund | Category::Payment | Category::Invoice => Department::Finance,
        Category::Quality | Category::Recommendation => Department::Product,
        Category::Price | Category::Stock => Department::Operations,
        Category::Returns | Category::Complaint => Department::CustomerService,
    }
}
