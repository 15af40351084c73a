//! Which column of an export holds what, detected from the header names that
//! Chinese and English chat tools use, or given explicitly
//! (`--map message=内容,speaker=发送方`); and who is speaking, from the values.

use super::chatlog::{BadRow, FileError, Row, RowProblem, Speaker, Turn};

/// Column names given by the user; each overrides detection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    pub message: Option<String>,
    pub conversation: Option<String>,
    pub time: Option<String>,
    pub speaker: Option<String>,
}

impl Mapping {
    /// Parses `message=内容,speaker=发送方,conversation=会话ID,time=时间`.
    pub fn parse(spec: &str) -> Result<Mapping, String> {
        let mut mapping = Mapping::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((field, column)) = part.split_once('=') else {
                return Err(format!("'{part}' is not field=column"));
            };
            let column = Some(column.trim().to_string());
            match field.trim() {
                "message" => mapping.message = column,
                "conversation" => mapping.conversation = column,
                "time" => mapping.time = column,
                "speaker" | "role" | "sender" => mapping.speaker = column,
                other => {
                    return Err(format!(
                        "unknown field '{other}' (use message, conversation, time, speaker)"
                    ))
                }
            }
        }
        Ok(mapping)
    }
}

/// The columns in use.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub message: String,
    pub conversation: Option<String>,
    pub time: Option<String>,
    pub speaker: Option<String>,
}

const MESSAGE: &[&str] = &[
    "message",
    "content",
    "text",
    "msg",
    "body",
    "question",
    "内容",
    "消息",
    "消息内容",
    "聊天内容",
    "文本",
    "咨询内容",
    "问题",
];
const CONVERSATION: &[&str] = &[
    "conversation_id",
    "conversation",
    "session_id",
    "session",
    "chat_id",
    "dialog_id",
    "thread_id",
    "会话id",
    "会话",
    "会话编号",
    "对话id",
    "聊天id",
];
const TIME: &[&str] = &[
    "time",
    "timestamp",
    "created_at",
    "datetime",
    "date",
    "sent_at",
    "时间",
    "发送时间",
    "消息时间",
    "日期",
];
const SPEAKER: &[&str] = &[
    "role",
    "sender",
    "sender_role",
    "speaker",
    "from",
    "sender_type",
    "角色",
    "发送方",
    "发送者",
    "身份",
    "说话人",
];

/// Matches headers case-insensitively, ignoring spaces, dashes and underscores.
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn find(
    headers: &[String],
    given: &Option<String>,
    known: &[&str],
) -> Result<Option<String>, FileError> {
    if let Some(name) = given {
        return headers
            .iter()
            .find(|h| *h == name)
            .cloned()
            .map(Some)
            .ok_or_else(|| FileError::UnknownColumn(name.clone()));
    }
    Ok(known
        .iter()
        .find_map(|k| headers.iter().find(|h| norm(h) == norm(k)))
        .cloned())
}

pub fn detect(headers: &[String], mapping: &Mapping) -> Result<Columns, FileError> {
    let message =
        find(headers, &mapping.message, MESSAGE)?.ok_or_else(|| FileError::NoMessageColumn {
            found: headers.join(", "),
        })?;
    Ok(Columns {
        message,
        conversation: find(headers, &mapping.conversation, CONVERSATION)?,
        time: find(headers, &mapping.time, TIME)?,
        speaker: find(headers, &mapping.speaker, SPEAKER)?,
    })
}

/// Who wrote a message, from the values chat tools export.
pub fn speaker(value: &str) -> Option<Speaker> {
    const CUSTOMER: &[&str] = &[
        "customer",
        "buyer",
        "user",
        "client",
        "visitor",
        "guest",
        "买家",
        "顾客",
        "客户",
        "用户",
        "访客",
        "消费者",
        "会员",
    ];
    const AGENT: &[&str] = &[
        "agent",
        "seller",
        "staff",
        "service",
        "cs",
        "kefu",
        "support",
        "客服",
        "卖家",
        "商家",
        "店铺",
        "坐席",
        "人工",
        "店小二",
    ];
    const SYSTEM: &[&str] = &[
        "system",
        "bot",
        "robot",
        "auto",
        "系统",
        "机器人",
        "自动回复",
    ];
    let v = norm(value);
    [
        (CUSTOMER, Speaker::Customer),
        (AGENT, Speaker::Agent),
        (SYSTEM, Speaker::System),
    ]
    .into_iter()
    .find(|(names, _)| names.iter().any(|n| v == norm(n)))
    .map(|(_, s)| s)
}

/// A turn from the fields of one row. `speaker` is None when the file has no
/// speaker column (every message is the customer's), Some(None) when the row
/// leaves it empty.
pub fn turn(
    line: u64,
    message: Option<String>,
    conversation: Option<String>,
    time: Option<String>,
    speaker_field: Option<Option<String>>,
    raw: &str,
) -> Row {
    let bad = |problem| BadRow {
        line,
        problem,
        sample: raw.chars().take(80).collect(),
    };
    let text = message
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| bad(RowProblem::MissingMessage))?;
    let speaker = match speaker_field {
        None => Speaker::Customer,
        Some(value) => value
            .as_deref()
            .and_then(speaker)
            .ok_or_else(|| bad(RowProblem::UnknownSpeaker))?,
    };
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(Turn {
        line,
        conversation: nonempty(conversation),
        time: nonempty(time),
        speaker,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn common_headers_are_recognised_in_chinese_and_english() {
        let cols = detect(
            &names(&["会话ID", "发送时间", "发送方", "消息内容"]),
            &Mapping::default(),
        )
        .expect("detected");
        assert_eq!(cols.message, "消息内容");
        assert_eq!(cols.conversation.as_deref(), Some("会话ID"));
        assert_eq!(cols.speaker.as_deref(), Some("发送方"));
        let cols = detect(
            &names(&["Session-ID", "Sender_Role", "Content"]),
            &Mapping::default(),
        )
        .expect("detected");
        assert_eq!(cols.message, "Content");
        assert_eq!(cols.time, None);
    }

    #[test]
    fn an_explicit_map_wins_and_a_wrong_one_is_refused() {
        let map = Mapping::parse("message=问, speaker=谁").expect("parses");
        let cols = detect(&names(&["谁", "问", "content"]), &map).expect("mapped");
        assert_eq!(
            (cols.message.as_str(), cols.speaker.as_deref()),
            ("问", Some("谁"))
        );
        assert_eq!(
            detect(
                &names(&["a", "b"]),
                &Mapping::parse("message=c").expect("parses")
            ),
            Err(FileError::UnknownColumn("c".into()))
        );
        assert!(Mapping::parse("colour=red").is_err());
        assert!(matches!(
            detect(&names(&["a", "b"]), &Mapping::default()),
            Err(FileError::NoMessageColumn { .. })
        ));
    }

    #[test]
    fn speakers_are_read_from_what_tools_write() {
        assert_eq!(speaker("买家"), Some(Speaker::Customer));
        assert_eq!(speaker("Buyer"), Some(Speaker::Customer));
        assert_eq!(speaker("客服"), Some(Speaker::Agent));
        assert_eq!(speaker("自动回复"), Some(Speaker::System));
        assert_eq!(speaker("路人"), None);
    }
}
