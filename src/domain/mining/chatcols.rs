//! Which column of an export holds what, detected from the header names that
//! Chinese and English chat tools use, or given explicitly
//! (`--map message=内容,speaker=发送方`); and who is speaking, from the values.

use std::collections::BTreeMap;

use super::chatlog::{BadRow, FileError, Meta, Row, RowProblem, Speaker, Turn};

/// What a column can hold. Only the message is required; the rest feed the
/// conversation grouping, the service figures and the satisfaction ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Message,
    Conversation,
    Time,
    Speaker,
    /// The agent's name on every row of the conversation, or on their own rows.
    Agent,
    /// The customer's id or nickname; compared, never stored as written.
    Customer,
    /// Satisfaction, 1–5 or 非常满意…非常不满意.
    Csat,
    /// Likelihood to recommend, 0–10.
    Nps,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Message,
        Field::Conversation,
        Field::Time,
        Field::Speaker,
        Field::Agent,
        Field::Customer,
        Field::Csat,
        Field::Nps,
    ];

    fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "message" => Field::Message,
            "conversation" => Field::Conversation,
            "time" => Field::Time,
            "speaker" | "role" | "sender" => Field::Speaker,
            "agent" => Field::Agent,
            "customer" => Field::Customer,
            "csat" => Field::Csat,
            "nps" => Field::Nps,
            _ => return None,
        })
    }

    /// Header names chat tools use for the field, matched by `norm`.
    fn known(self) -> &'static [&'static str] {
        match self {
            Field::Message => MESSAGE,
            Field::Conversation => CONVERSATION,
            Field::Time => TIME,
            Field::Speaker => SPEAKER,
            Field::Agent => AGENT,
            Field::Customer => CUSTOMER,
            Field::Csat => CSAT,
            Field::Nps => NPS,
        }
    }
}

/// Column names given by the user; each overrides detection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping(BTreeMap<Field, String>);

impl Mapping {
    /// Parses `message=内容,speaker=发送方,conversation=会话ID,time=时间`
    /// (and agent, customer, csat, nps).
    pub fn parse(spec: &str) -> Result<Mapping, String> {
        let mut mapping = Mapping::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((field, column)) = part.split_once('=') else {
                return Err(format!("'{part}' is not field=column"));
            };
            let field = Field::parse(field.trim()).ok_or_else(|| {
                format!(
                    "unknown field '{}' (use message, conversation, time, speaker, agent, customer, csat, nps)",
                    field.trim()
                )
            })?;
            mapping.0.insert(field, column.trim().to_string());
        }
        Ok(mapping)
    }
}

/// The columns in use: the message's, and each other field found.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub message: String,
    pub found: BTreeMap<Field, String>,
}

impl Columns {
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::Message => Some(&self.message),
            other => self.found.get(&other).map(String::as_str),
        }
    }
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

const AGENT: &[&str] = &[
    "agent",
    "agent_name",
    "staff",
    "客服",
    "客服昵称",
    "客服名",
    "客服名称",
    "接待客服",
    "坐席",
];
const CUSTOMER: &[&str] = &[
    "customer",
    "customer_id",
    "buyer",
    "buyer_nick",
    "user_id",
    "买家",
    "买家昵称",
    "买家id",
    "顾客",
    "客户",
    "客户id",
    "用户id",
];
const CSAT: &[&str] = &[
    "csat",
    "satisfaction",
    "rating",
    "满意度",
    "评价",
    "服务评价",
];
const NPS: &[&str] = &["nps", "推荐度", "推荐意愿", "nps评分"];

/// Matches headers case-insensitively, ignoring spaces, dashes and underscores.
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn find(
    headers: &[String],
    given: Option<&String>,
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
    let mut found = BTreeMap::new();
    for field in Field::ALL {
        if let Some(column) = find(headers, mapping.0.get(&field), field.known())? {
            found.insert(field, column);
        }
    }
    let message = found
        .remove(&Field::Message)
        .ok_or_else(|| FileError::NoMessageColumn {
            found: headers.join(", "),
        })?;
    // A column is one field's: the first found keeps it ("客服" names the
    // agent only when no speaker column claimed it).
    let mut taken = vec![message.clone()];
    found.retain(|_, column| {
        let free = !taken.contains(column);
        taken.push(column.clone());
        free
    });
    Ok(Columns { message, found })
}

const CUSTOMER_NAMES: &[&str] = &[
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
const AGENT_NAMES: &[&str] = &[
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
const SYSTEM_NAMES: &[&str] = &[
    "system",
    "bot",
    "robot",
    "auto",
    "系统",
    "机器人",
    "自动回复",
];
/// What each kind of speaker is called in exports.
const SPEAKERS: [(&[&str], Speaker); 3] = [
    (CUSTOMER_NAMES, Speaker::Customer),
    (AGENT_NAMES, Speaker::Agent),
    (SYSTEM_NAMES, Speaker::System),
];

/// Who wrote a message, from the values chat tools export.
pub fn speaker(value: &str) -> Option<Speaker> {
    // The names are written in `norm`'s form already (a test keeps them so).
    let v = norm(value);
    SPEAKERS
        .into_iter()
        .find(|(names, _)| names.contains(&v.as_str()))
        .map(|(_, s)| s)
}

/// A turn from one row; `field` reads a field's column of it (None where
/// the file has no such column). A file without a speaker column holds only
/// customers' messages; a row that leaves its speaker empty is refused
/// rather than guessed.
pub fn turn(
    line: u64,
    columns: &Columns,
    field: impl Fn(Field) -> Option<String>,
    raw: &str,
) -> Row {
    let bad = |problem| BadRow {
        line,
        problem,
        sample: raw.chars().take(80).collect(),
    };
    let get = |f: Field| field(f).filter(|s| !s.trim().is_empty());
    let text = get(Field::Message).ok_or_else(|| bad(RowProblem::MissingMessage))?;
    let speaker = match columns.get(Field::Speaker) {
        None => Speaker::Customer,
        Some(_) => get(Field::Speaker)
            .as_deref()
            .and_then(speaker)
            .ok_or_else(|| bad(RowProblem::UnknownSpeaker))?,
    };
    Ok(Turn {
        line,
        conversation: get(Field::Conversation),
        time: get(Field::Time),
        speaker,
        text,
        meta: Meta {
            agent: get(Field::Agent).map(|s| s.trim().to_string()),
            customer: get(Field::Customer).map(|s| s.trim().to_string()),
            csat: get(Field::Csat),
            nps: get(Field::Nps),
        },
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
        assert_eq!(cols.get(Field::Conversation), Some("会话ID"));
        assert_eq!(cols.get(Field::Speaker), Some("发送方"));
        let cols = detect(
            &names(&["Session-ID", "Sender_Role", "Content"]),
            &Mapping::default(),
        )
        .expect("detected");
        assert_eq!(cols.message, "Content");
        assert_eq!(cols.get(Field::Time), None);
    }

    #[test]
    fn an_explicit_map_wins_and_a_wrong_one_is_refused() {
        let map = Mapping::parse("message=问, speaker=谁").expect("parses");
        let cols = detect(&names(&["谁", "问", "content"]), &map).expect("mapped");
        assert_eq!(
            (cols.message.as_str(), cols.get(Field::Speaker)),
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
    fn agent_customer_and_rating_columns_are_found_and_read() {
        let headers = names(&[
            "会话ID",
            "时间",
            "发送方",
            "客服",
            "买家昵称",
            "满意度",
            "NPS",
            "内容",
        ]);
        let cols = detect(&headers, &Mapping::default()).expect("detected");
        assert_eq!(cols.get(Field::Agent), Some("客服"));
        assert_eq!(cols.get(Field::Customer), Some("买家昵称"));
        assert_eq!(cols.get(Field::Csat), Some("满意度"));
        assert_eq!(cols.get(Field::Nps), Some("NPS"));
        let row = [
            "c1",
            "2026-11-30 10:00:00",
            "客服",
            " 小美 ",
            "",
            "",
            "",
            "在的亲",
        ];
        let turn = turn(
            7,
            &cols,
            |f| {
                let i = headers
                    .iter()
                    .position(|h| Some(h.as_str()) == cols.get(f))?;
                Some(row[i].to_string())
            },
            "raw",
        )
        .expect("a turn");
        assert_eq!(turn.speaker, Speaker::Agent);
        assert_eq!(turn.meta.agent.as_deref(), Some("小美"));
        assert_eq!(turn.meta.customer, None, "an empty cell is no customer");
        // One column is one field's: mapped as the speaker, 客服 names no agent.
        let cols = detect(
            &names(&["客服", "内容"]),
            &Mapping::parse("speaker=客服").expect("parses"),
        )
        .expect("detected");
        assert_eq!(
            (cols.get(Field::Speaker), cols.get(Field::Agent)),
            (Some("客服"), None)
        );
        assert!(Mapping::parse("agent=客服,csat=评分,nps=推荐,customer=买家").is_ok());
    }

    #[test]
    fn speakers_are_read_from_what_tools_write() {
        assert_eq!(speaker("买家"), Some(Speaker::Customer));
        assert_eq!(speaker("Buyer"), Some(Speaker::Customer));
        assert_eq!(speaker("客服"), Some(Speaker::Agent));
        assert_eq!(speaker("自动回复"), Some(Speaker::System));
        assert_eq!(speaker("路人"), None);
        assert_eq!(speaker("Seller "), Some(Speaker::Agent));
        for (names, _) in SPEAKERS {
            for name in names {
                assert_eq!(norm(name), *name, "written as norm gives it");
            }
        }
    }
}
