//! Messages that are not questions: greetings, acknowledgements, emoji, bare links,
//! pictures, an order number pasted alone. They are set aside with a reason, never
//! counted as questions.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::mask::PLACEHOLDERS;
use crate::domain::text;

/// Why a customer message is not counted as a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Noise {
    Empty,
    Greeting,
    EmojiOnly,
    Media,
    DataOnly,
    TooLong,
}

impl Noise {
    pub fn key(self) -> &'static str {
        match self {
            Noise::Empty => "empty",
            Noise::Greeting => "greeting",
            Noise::EmojiOnly => "emoji_only",
            Noise::Media => "media",
            Noise::DataOnly => "data_only",
            Noise::TooLong => "too_long",
        }
    }
}

/// Longer than any chat question; usually a pasted document or a log dump.
pub const MAX_QUESTION_CHARS: usize = 500;

/// The longest run of greetings still taken for a greeting ("您好在不在有人吗").
const MAX_GREETING_CHARS: usize = 12;

/// Chat-platform markers for pictures, voice, video, stickers and cards.
const MEDIA: &[&str] = &[
    "[图片]",
    "[表情]",
    "[语音]",
    "[视频]",
    "[文件]",
    "[动画表情]",
    "[商品]",
    "[订单]",
    "[链接]",
    "[位置]",
    "[image]",
    "[img]",
    "[sticker]",
    "<img",
    "[pic]",
];

/// Said to open or close a chat, never the question itself.
const GREETINGS: &[&str] = &[
    "在不在",
    "有人吗",
    "有人在吗",
    "在吗",
    "在么",
    "在嘛",
    "您好",
    "你好",
    "亲亲",
    "亲爱的",
    "客服",
    "老板",
    "掌柜",
    "店家",
    "hello",
    "hi",
    "嗯嗯",
    "嗯",
    "哦哦",
    "哦",
    "好的",
    "好滴",
    "好吧",
    "好",
    "ok",
    "okay",
    "谢谢",
    "多谢",
    "感谢",
    "收到",
    "知道了",
    "明白",
    "行",
    "可以",
    "亲",
    "哈哈",
    "呵呵",
    "额",
    "呃",
    "啊",
    "呀",
    "吗",
    "嘛",
    "呢",
    "哈",
    "喂",
    "拜拜",
    "再见",
];

/// Why `masked` (a customer message after masking) is not a question, if it is not.
pub fn classify(masked: &str) -> Option<Noise> {
    let trimmed = masked.trim();
    if trimmed.is_empty() {
        return Some(Noise::Empty);
    }
    if trimmed.chars().count() > MAX_QUESTION_CHARS {
        return Some(Noise::TooLong);
    }
    // Masked text keeps its full-width forms; "［图片］" is media too.
    let lower = narrow_lower(trimmed);
    let without_media = strip_all(&lower, &['[', '<'], MEDIA);
    let without_data = strip_all(&without_media, &['{'], &PLACEHOLDERS);
    let rest: String = words(&without_data).collect();
    if rest.is_empty() {
        return Some(if without_media.len() != lower.len() {
            Noise::Media
        } else if without_data.len() != without_media.len() {
            Noise::DataOnly
        } else if lower.chars().any(is_emoji) {
            Noise::EmojiOnly
        } else {
            Noise::Empty
        });
    }
    // Greetings are short; a longer text always says something more.
    if rest.chars().count() > MAX_GREETING_CHARS {
        return None;
    }
    only_greetings(&rest).then_some(Noise::Greeting)
}

/// `text` without any of `markers`, which are only looked for when the text
/// holds one of the characters they start with.
fn strip_all<'a>(text: &'a str, starts: &[char], markers: &[&str]) -> Cow<'a, str> {
    if !text.contains(starts) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        markers
            .iter()
            .fold(text.to_string(), |t, m| t.replace(m, "")),
    )
}

/// Whether `rest` is greetings and nothing else ("您好在不在有人吗"): it
/// splits into words of `GREETINGS` end to end.
fn only_greetings(rest: &str) -> bool {
    // Most questions hold a character no greeting has.
    static LETTERS: LazyLock<Vec<char>> = LazyLock::new(|| {
        let mut all: Vec<char> = GREETINGS.iter().flat_map(|g| g.chars()).collect();
        all.sort_unstable();
        all.dedup();
        all
    });
    if !rest.chars().all(|c| LETTERS.binary_search(&c).is_ok()) {
        return false;
    }
    // reachable[i]: the first i bytes split into greetings.
    let mut reachable = vec![false; rest.len() + 1];
    reachable[0] = true;
    for at in 0..rest.len() {
        if !reachable[at] || !rest.is_char_boundary(at) {
            continue;
        }
        for g in GREETINGS {
            if rest[at..].starts_with(g) {
                reachable[at + g.len()] = true;
            }
        }
    }
    reachable[rest.len()]
}

/// The letters, digits and CJK characters of a text, without punctuation,
/// emoji or spaces.
fn words(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|&c| text::is_common_ideograph(c) || c.is_alphanumeric())
}

/// `text` with full-width forms narrowed and letters in lower case.
fn narrow_lower(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(text::fold_width) {
        if c.is_ascii() || text::is_common_ideograph(c) {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_and_acknowledgements_are_not_questions() {
        for m in [
            "在吗",
            "在吗？？",
            "亲",
            "嗯嗯",
            "好的，谢谢亲",
            "您好在不在",
            "Hi~",
            "OK",
        ] {
            assert_eq!(classify(m), Some(Noise::Greeting), "{m}");
        }
    }

    #[test]
    fn emoji_media_links_and_bare_data_are_set_aside_with_their_reason() {
        assert_eq!(classify("😂😂👍"), Some(Noise::EmojiOnly));
        assert_eq!(classify("[图片]"), Some(Noise::Media));
        assert_eq!(classify("[表情][表情]"), Some(Noise::Media));
        assert_eq!(classify("{链接}"), Some(Noise::DataOnly));
        assert_eq!(classify("{订单号}"), Some(Noise::DataOnly));
        assert_eq!(classify("  "), Some(Noise::Empty));
        assert_eq!(classify(&"很长".repeat(300)), Some(Noise::TooLong));
    }

    #[test]
    fn a_greeting_is_greetings_end_to_end_not_a_greeting_inside_a_word() {
        for m in [
            "您好在不在有人吗",
            "可以吗",
            "好滴好滴",
            "哈哈哈",
            "亲亲在么",
        ] {
            assert_eq!(classify(m), Some(Noise::Greeting), "{m}");
        }
        // What is left between greetings is the question.
        for m in ["在好吗", "你好快递", "好的发货吗", "ok了吗", "收到货了"] {
            assert_eq!(classify(m), None, "{m}");
        }
    }

    #[test]
    fn a_question_with_a_greeting_is_still_a_question() {
        assert_eq!(classify("在吗？怎么还没发货"), None);
        assert_eq!(classify("亲，这个有M码吗"), None);
        assert_eq!(classify("{订单号}怎么还没发货"), None);
        assert_eq!(classify("[图片]这个颜色还有吗"), None);
        assert_eq!(classify("多少钱"), None);
    }
}
