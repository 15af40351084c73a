//! Personal data out before anything is stored: phone numbers, ID-card numbers,
//! order and tracking numbers, e-mail addresses, links and street addresses become
//! placeholders such as `{手机号}`. Over-masking a harmless number is cheaper than
//! keeping one customer's phone number in a training bank.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::domain::text;

/// The placeholders, as they appear in masked text.
pub const PHONE: &str = "{手机号}";
pub const LANDLINE: &str = "{电话}";
pub const ID_CARD: &str = "{身份证号}";
pub const ORDER: &str = "{订单号}";
pub const TRACKING: &str = "{快递单号}";
pub const EMAIL: &str = "{邮箱}";
pub const LINK: &str = "{链接}";
pub const ADDRESS: &str = "{地址}";

pub const PLACEHOLDERS: [&str; 8] = [
    PHONE, LANDLINE, ID_CARD, ORDER, TRACKING, EMAIL, LINK, ADDRESS,
];

/// Each placeholder with the name of its label in the message catalog
/// (`mask.<name>`), for pages in another language.
pub const PLACEHOLDER_NAMES: [(&str, &str); 8] = [
    (PHONE, "phone"),
    (LANDLINE, "landline"),
    (ID_CARD, "id_card"),
    (ORDER, "order"),
    (TRACKING, "tracking"),
    (EMAIL, "email"),
    (LINK, "link"),
    (ADDRESS, "address"),
];

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

static LINK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

/// A street address: optional province/city/district names, a street or compound
/// with its number, then any building, unit and room numbers. Words that usually
/// come just before an address (是, 到, 寄, 改成…) cannot be part of it, so "寄到"
/// survives and only the address goes.
static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let han = r"[\p{Han}&&[^是到为成的址在寄送改收货我你他她请麻烦]]";
    Regex::new(&format!(
        r"(?:{han}{{1,6}}(?:省|市|自治区|区|县|镇|乡))*{han}{{1,12}}?(?:路|街|巷|弄|大道|胡同|小区|花园|公寓|大厦|新村|村)[0-9]+(?:号|弄|栋|幢|号楼)(?:[0-9]+(?:号楼|栋|幢|单元|楼|层|室|号))*"
    ))
    .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

/// Full-width letters, digits and punctuation as their ASCII twins, and the
/// ideographic space as a space, so "１３８…" is recognised like "138…".
fn narrow(text: &str) -> Cow<'_, str> {
    // Every full-width form is encoded with a leading byte EF.
    if !text.as_bytes().contains(&0xEF) && !text.contains('\u{3000}') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    out.extend(text.chars().map(text::fold_width));
    Cow::Owned(out)
}

/// The text with every piece of personal data replaced by its placeholder,
/// and everything else as written: full-width punctuation ("，") is kept for
/// display and references; only the search for data sees it narrowed.
pub fn mask(text: &str) -> String {
    let narrowed = narrow(text);
    match mask_narrowed(&narrowed) {
        None => text.to_string(),
        Some(masked) if narrowed == text => masked,
        Some(masked) => restore(text, &narrowed, &masked),
    }
}

/// The masked text only to cut a matching key from, never shown: the same
/// as `mask` up to character width, which keys fold away anyway.
pub fn mask_for_key(text: &str) -> String {
    let narrowed = narrow(text);
    mask_narrowed(&narrowed).unwrap_or_else(|| narrowed.into_owned())
}

/// `masked` (the narrowed text with placeholders in) with every character
/// that was not masked given back as `original` wrote it. Narrowing maps
/// character to character, so a character-level diff lines the two up.
fn restore(original: &str, narrowed: &str, masked: &str) -> String {
    let originals: Vec<char> = original.chars().collect();
    let mut out = String::with_capacity(masked.len());
    for change in similar::TextDiff::from_chars(narrowed, masked).iter_all_changes() {
        match (change.tag(), change.old_index()) {
            (similar::ChangeTag::Equal, Some(at)) if !change.value().contains(['{', '}']) => {
                match originals.get(at) {
                    Some(c) => out.push(*c),
                    None => out.push_str(change.value()),
                }
            }
            (similar::ChangeTag::Delete, _) => {}
            _ => out.push_str(change.value()),
        }
    }
    out
}

/// The narrowed text with its personal data masked; None when it holds none.
fn mask_narrowed(narrowed: &str) -> Option<String> {
    // Each pattern runs only where its telltale is present: most chat messages
    // have no link, no '@' and no house number, and regexes are the costly part.
    let mut text = Cow::Borrowed(narrowed);
    if contains_ignoring_case(&text, b"http") || contains_ignoring_case(&text, b"www.") {
        text = Cow::Owned(LINK_RE.replace_all(&text, LINK).into_owned());
    }
    if text.contains('@') {
        text = Cow::Owned(EMAIL_RE.replace_all(&text, EMAIL).into_owned());
    }
    if text.bytes().any(|b| b.is_ascii_digit()) && text.contains(ADDRESS_HINTS) {
        text = Cow::Owned(ADDRESS_RE.replace_all(&text, ADDRESS).into_owned());
    }
    // Every number masked has at least nine digits (a tracking number); a
    // text with fewer than seven in all ("T恤", "24小时内") holds none.
    if text.bytes().filter(u8::is_ascii_digit).count() >= 7 {
        text = Cow::Owned(mask_numbers(&text));
    }
    (text != narrowed).then(|| text.into_owned())
}

/// Whether `text` holds `needle` (ASCII), in any letter case.
fn contains_ignoring_case(text: &str, needle: &[u8]) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Every address the pattern matches holds one of these.
const ADDRESS_HINTS: [char; 12] = [
    '路', '街', '巷', '弄', '道', '胡', '区', '园', '寓', '厦', '村', '栋',
];

/// Runs of digits (and letters glued to them, as in "SF1234567890123") are
/// judged by their shape and by the words just before them.
fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphanumeric() && chars[i] != '+' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let before: String = chars[i.saturating_sub(8)..i].iter().collect();
        // Spaces and dashes join digit groups only into a phone number; a date
        // such as "2026-11-10 21:00" stays a date.
        let joined_end = run_end(&chars, i, true);
        let joined: String = chars[i..joined_end].iter().collect();
        if let Some(phone) = phone(&joined) {
            out.push_str(phone);
            i = joined_end;
            continue;
        }
        let end = run_end(&chars, i, false);
        let run: String = chars[i..end].iter().collect();
        match classify(&run, &before) {
            Some(placeholder) => out.push_str(placeholder),
            None => out.push_str(&run),
        }
        i = end;
    }
    out
}

/// The end of an alphanumeric run starting at `start`; with `join`, single
/// spaces or dashes between digits belong to it ("138 1234 5678").
fn run_end(chars: &[char], start: usize, join: bool) -> usize {
    let mut end = start + 1;
    while end < chars.len() {
        let c = chars[end];
        let joins_digits = join
            && (c == ' ' || c == '-')
            && chars[end - 1].is_ascii_digit()
            && chars.get(end + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_alphanumeric() || joins_digits {
            end += 1;
        } else {
            break;
        }
    }
    end
}

/// A mobile or landline number, possibly written in groups.
fn phone(run: &str) -> Option<&'static str> {
    let compact: String = run.chars().filter(|c| *c != ' ' && *c != '-').collect();
    let national = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("86").filter(|r| r.len() == 11))
        .unwrap_or(&compact);
    if is_mobile(national) {
        Some(PHONE)
    } else if is_landline(run) {
        Some(LANDLINE)
    } else {
        None
    }
}

fn classify(compact: &str, before: &str) -> Option<&'static str> {
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    let letters = compact.chars().filter(char::is_ascii_alphabetic).count();
    if is_id_card(compact) {
        return Some(ID_CARD);
    }
    let about_parcel = ["快递", "运单", "物流", "单号", "包裹"]
        .iter()
        .any(|w| before.contains(w))
        && !before.contains("订单");
    if letters > 0
        && letters <= 4
        && digits >= 9
        && compact[..letters].chars().all(|c| c.is_ascii_alphabetic())
    {
        return Some(TRACKING);
    }
    if letters == 0 && digits >= 10 {
        return Some(if about_parcel { TRACKING } else { ORDER });
    }
    None
}

fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

fn is_id_card(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let last_ok = b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x';
    let year = &s[6..10];
    let month: u32 = s[10..12].parse().unwrap_or(0);
    let day: u32 = s[12..14].parse().unwrap_or(0);
    last_ok
        && (year.starts_with("19") || year.starts_with("20"))
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
}

/// "021-62345678", "0755 8888 6666": an area code starting with 0, then 7–8 digits.
fn is_landline(run: &str) -> bool {
    let mut parts = run.splitn(2, ['-', ' ']);
    let (Some(area), Some(rest)) = (parts.next(), parts.next()) else {
        return false;
    };
    let rest: String = rest.chars().filter(|c| *c != ' ' && *c != '-').collect();
    area.starts_with('0')
        && (3..=4).contains(&area.len())
        && area.bytes().all(|b| b.is_ascii_digit())
        && (7..=8).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Matching may skip giving widths back: the folded texts agree.
        #[test]
        fn the_key_text_folds_as_the_shown_text(text in "[亲在吗１２３4５6７8９0abcＡＢＣ，？!！ 订单号手机@.]{0,30}") {
            proptest::prop_assert_eq!(text::fold(&mask(&text)), text::fold(&mask_for_key(&text)));
        }
    }

    #[test]
    fn what_is_not_personal_data_keeps_its_punctuation_and_width() {
        assert_eq!(mask("亲，在吗？发货了没！"), "亲，在吗？发货了没！");
        assert_eq!(
            mask("您好，订单１２３４５６７８９０１２号，谢谢！"),
            "您好，订单{订单号}号，谢谢！"
        );
        assert_eq!(
            mask("电话：13812345678，尽快回复～"),
            "电话：{手机号}，尽快回复～"
        );
    }

    #[test]
    fn phone_numbers_in_any_spacing_become_a_placeholder() {
        assert_eq!(mask("我电话13812345678"), "我电话{手机号}");
        assert_eq!(mask("打我138 1234 5678谢谢"), "打我{手机号}谢谢");
        assert_eq!(mask("+8613912345678"), "{手机号}");
        assert_eq!(mask("号码是１３８１２３４５６７８"), "号码是{手机号}");
        assert_eq!(mask("座机021-62345678"), "座机{电话}");
    }

    #[test]
    fn order_and_tracking_numbers_are_told_apart_by_context() {
        assert_eq!(mask("订单号：3012345678901234567"), "订单号：{订单号}");
        assert_eq!(mask("快递单号 773012345678901"), "快递单号 {快递单号}");
        assert_eq!(mask("SF1234567890123到哪了"), "{快递单号}到哪了");
        assert_eq!(mask("JD0012345678901"), "{快递单号}");
    }

    #[test]
    fn id_cards_emails_and_links_are_masked() {
        assert_eq!(mask("身份证110101199003071234"), "身份证{身份证号}");
        assert_eq!(mask("身份证11010119900307123X"), "身份证{身份证号}");
        assert_eq!(mask("发到 li.ming@example.com 吧"), "发到 {邮箱} 吧");
        assert_eq!(
            mask("看这个https://item.taobao.com/item.htm?id=1"),
            "看这个{链接}"
        );
    }

    #[test]
    fn street_addresses_go_but_the_words_around_them_stay() {
        assert_eq!(
            mask("寄到北京市朝阳区建国路88号3栋2单元501室可以吗"),
            "寄到{地址}可以吗"
        );
        assert_eq!(mask("地址改成阳光小区5栋"), "地址改成{地址}");
    }

    #[test]
    fn ordinary_numbers_are_kept() {
        assert_eq!(mask("买了2件，39.9元"), "买了2件，39.9元");
        assert_eq!(mask("M码还有吗"), "M码还有吗");
        assert_eq!(mask("双11什么时候发货"), "双11什么时候发货");
        assert_eq!(mask("iphone15有货吗"), "iphone15有货吗");
        assert_eq!(mask("2026-11-10 21:00下的单"), "2026-11-10 21:00下的单");
        assert_eq!(mask("7天无理由退货"), "7天无理由退货");
    }
}
