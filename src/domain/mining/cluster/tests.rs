//! Clustering: similarity, LSH candidates, centroid-checked merges.

use super::*;

fn t(s: &str) -> Vec<Token> {
    s.chars().map(|c| c as Token).collect()
}

fn keys(list: &[&str]) -> Vec<Vec<Token>> {
    list.iter().map(|s| t(s)).collect()
}

fn weights(keys: &[Vec<Token>]) -> Weights {
    Weights::from_keys(keys.iter().map(Vec::as_slice))
}

#[test]
fn questions_that_share_only_how_they_ask_stay_apart() {
    let list = keys(&[
        "退款怎么还没到",
        "快递怎么还没到",
        "退款什么时候到账",
        "什么时候发货",
        "退款怎么还没到账",
    ]);
    let w = weights(&list);
    let loose = Params {
        threshold: 0.05,
        edge: 0.01,
        ..Params::default()
    };
    let roots = cluster_exhaustive(&list, &w, loose);
    assert_ne!(roots[0], roots[1], "refund and parcel: {roots:?}");
    assert_ne!(roots[2], roots[3], "refund and shipping: {roots:?}");
    assert_eq!(roots[0], roots[4], "one question, two wordings: {roots:?}");
    assert_eq!(roots, cluster_all(&list, &w, loose), "LSH agrees");
}

#[test]
fn similarity_is_one_for_twins_zero_for_strangers_and_symmetric() {
    let w = weights(&keys(&[
        "为什么还没发货",
        "什么时候发货",
        "运费多少",
        "有m码",
    ]));
    assert!((w.similarity(&t("还没发货"), &t("还没发货")) - 1.0).abs() < 1e-9);
    assert_eq!(w.similarity(&t("运费"), &t("尺码")), 0.0);
    let (a, b) = (t("为什么还没发货"), t("什么时候发货"));
    assert!((w.similarity(&a, &b) - w.similarity(&b, &a)).abs() < 1e-9);
    assert!(w.similarity(&a, &b) > 0.0 && w.similarity(&a, &b) < 1.0);
}

#[test]
fn rare_shared_words_count_more_than_common_ones() {
    let w = weights(&keys(&[
        "怎么退款",
        "怎么退货",
        "怎么付款",
        "怎么改地址",
        "运费险怎么用",
    ]));
    // Both pairs share two characters; "怎么" is everywhere, "运费险" is not.
    assert!(
        w.similarity(&t("运费险"), &t("运费险理赔")) > w.similarity(&t("怎么退款"), &t("怎么付款"))
    );
}

#[test]
fn near_duplicates_join_and_different_questions_stay_apart() {
    let list = keys(&[
        "为什么还没发货",
        "为什么还没有发货",
        "怎么申请退款",
        "如何申请退款",
        "这件衣服有m码",
        "快递到哪里了",
        "我的快递到哪里了",
        "退货地址是哪里",
    ]);
    let roots = cluster_all(&list, &weights(&list), Params::default());
    assert_eq!(roots[0], roots[1]);
    assert_eq!(roots[2], roots[3]);
    assert_eq!(roots[5], roots[6]);
    assert_eq!(roots[6], 5, "a cluster is named by its oldest key");
    let distinct: std::collections::HashSet<u32> = roots.iter().copied().collect();
    assert_eq!(distinct.len(), 5, "{roots:?}");
}

#[test]
fn new_keys_join_stored_clusters_and_stored_clusters_never_merge() {
    let list = keys(&[
        "为什么还没发货",   // stored, group 0
        "什么时候发货",     // stored, group 1: a lead split it from group 0
        "怎么申请退款",     // stored, group 2, with an odd member a lead merged in
        "运费险理赔流程",   // stored, group 2
        "为什么还没有发货", // new
        "如何申请退款",     // new
        "这件衣服有m码",    // new, like nothing stored
    ]);
    let groups = [Some(0), Some(1), Some(2), Some(2)];
    let roots = cluster_onto(&list, &groups, &weights(&list), Params::default());
    assert_ne!(roots[0], roots[1], "the split stands");
    assert_eq!(roots[2], roots[3], "the merge stands");
    assert_eq!(roots[4], roots[0], "a new wording joins its stored cluster");
    assert_eq!(roots[5], roots[2]);
    assert_eq!(roots[6], 6, "a new question starts a new cluster");
    let all_new = cluster_onto(&list, &[], &weights(&list), Params::default());
    assert_eq!(
        all_new,
        cluster_all(&list, &weights(&list), Params::default()),
        "no groups is clustering from scratch"
    );
}

#[test]
fn a_chain_of_look_alikes_does_not_join_its_two_ends() {
    // Each neighbour shares most of its words with the next, the ends almost
    // nothing: single linkage would make one cluster of all five.
    let list = keys(&[
        "退货运费谁出",
        "退货运费怎么算",
        "运费怎么算的",
        "运费险怎么算的",
        "运费险理赔流程",
    ]);
    let params = Params {
        threshold: 0.3,
        edge: 0.2,
        ..Params::default()
    };
    let roots = cluster_all(&list, &weights(&list), params);
    assert_ne!(roots[0], roots[4], "{roots:?}");
}

#[test]
fn lsh_finds_the_clusters_that_comparing_every_pair_finds() {
    let list = keys(&[
        "为什么还没发货",
        "为什么还没有发货",
        "怎么还没发货",
        "怎么申请退款",
        "如何申请退款",
        "申请退款怎么弄",
        "这件衣服有m码",
        "这件衣服有l码",
        "快递到哪里了",
        "我的快递到哪里了",
        "快递现在到哪了",
        "退货地址是哪里",
        "运费多少钱",
        "运费怎么算",
    ]);
    let w = weights(&list);
    assert_eq!(
        cluster_all(&list, &w, Params::default()),
        cluster_exhaustive(&list, &w, Params::default())
    );
}

#[test]
fn the_central_member_is_the_typical_phrasing() {
    let list = keys(&["什么时候发货", "请问什么时候发货", "什么时候能发货呢亲"]);
    let w = weights(&list);
    let members: Vec<(&[Token], u64)> = vec![(&list[1], 2), (&list[0], 5), (&list[2], 1)];
    assert_eq!(w.central(&members), 1);
}

/// A product's name is asked about in every kind of question, so sharing it
/// is not sharing a question: one intent about many products joins, two
/// intents about one product stay apart (保温杯's 保 is not 保修's).
#[test]
fn a_product_name_carries_no_merge() {
    use crate::domain::mining::matchkey::key;
    use crate::domain::mining::rules::Rules;
    let rules = Rules::default();
    let products = [
        "这件衣服",
        "耳机",
        "拖鞋",
        "充电宝",
        "T恤",
        "保温杯",
        "面膜",
        "猫粮",
    ];
    let intents: [&[&str]; 6] = [
        &["{p}怎么取消", "拍错了{p}能取消吗"],
        &["{p}怎么用", "{p}使用方法"],
        &["{p}是正品吗", "{p}是不是正品"],
        &["{p}什么时候发货", "{p}几天发货"],
        &["{p}退款多久到账", "{p}退钱要几天"],
        &["{p}有保修吗", "{p}保修多久"],
    ];
    let mut list = Vec::new();
    let mut intent_of = Vec::new();
    for (i, wordings) in intents.iter().enumerate() {
        for wording in wordings.iter() {
            for p in products {
                list.push(key(&wording.replace("{p}", p), &rules.synonyms));
                intent_of.push(i);
            }
        }
    }
    let w = Weights::from_keys(list.iter().map(Vec::as_slice))
        .with_categories(&rules.tags.category, list.iter().map(Vec::as_slice));
    let roots = cluster_all(&list, &w, Params::default());
    let mut intents_of_root: HashMap<u32, Vec<usize>> = HashMap::default();
    for (root, intent) in roots.iter().zip(&intent_of) {
        intents_of_root.entry(*root).or_default().push(*intent);
    }
    for members in intents_of_root.values() {
        assert!(members.iter().all(|i| *i == members[0]), "{members:?}");
    }
    // 什么时候发货 about eight products, in two wordings: one question.
    let shipping: Vec<u32> = (48..64).map(|i| roots[i]).collect();
    assert!(shipping.iter().all(|r| *r == shipping[0]), "{shipping:?}");
}
