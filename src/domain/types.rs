//! Small domain types: roles, scenes, categories, and values parsed from outside.
//! Each `parse` is the only way to build the value, so a stored value is a valid one.

use serde::{Deserialize, Serialize};

use super::text::char_len;

/// Why a value from outside was refused. `key()` names the message in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("username must be 2–32 letters, digits, '_', '-' or '.'")]
    Username,
    #[error("display name must be 1–40 characters")]
    DisplayName,
    #[error("password must be {min}–{max} characters")]
    Password { min: usize, max: usize },
    #[error("password is only spaces")]
    PasswordBlank,
    #[error("password is the username")]
    PasswordIsUsername,
    #[error("password is too common")]
    PasswordCommon,
    #[error("text contains a NUL character")]
    NulCharacter,
    #[error("form is not valid UTF-8")]
    NotUtf8,
    #[error("unknown role")]
    Role,
    #[error("answer is empty")]
    EmptyAnswer,
    #[error("answer has {len} characters; at most {max} are allowed")]
    AnswerTooLong { len: usize, max: usize },
    #[error("title must be 1–80 characters")]
    Title,
    #[error("time limit must be {min}–{max} minutes")]
    TimeLimit { min: i32, max: i32 },
    #[error("pass mark must be 0–100")]
    PassMark,
    #[error("pick at least one question")]
    NoQuestions,
    #[error("a question must be 1–500 characters")]
    Prompt,
    #[error("a name must be 1–60 characters")]
    Name,
    /// Some fields of a form with many are refused, each beside its field.
    #[error("some fields need fixing")]
    Fields,
    #[error("at most {max} key points of at most {chars} characters each")]
    KeyPoints { max: usize, chars: usize },
    #[error("no reference states the key point {point}")]
    KeyPointUnstated { point: String },
    #[error("a start date is a day (YYYY-MM-DD) within a year of today")]
    StartDate,
    #[error("a reason must be 1–{max} characters")]
    Reason { max: usize },
    #[error("no such week in this program")]
    Week,
    #[error("a day is written YYYY-MM-DD")]
    Day,
}

impl Invalid {
    /// Message-catalog key.
    pub fn key(&self) -> &'static str {
        match self {
            Invalid::Username => "invalid.username",
            Invalid::DisplayName => "invalid.display_name",
            Invalid::Password { .. } => "invalid.password",
            Invalid::PasswordBlank => "invalid.password_blank",
            Invalid::PasswordIsUsername => "invalid.password_is_username",
            Invalid::PasswordCommon => "invalid.password_common",
            Invalid::NulCharacter => "invalid.nul",
            Invalid::NotUtf8 => "invalid.not_utf8",
            Invalid::Role => "invalid.role",
            Invalid::EmptyAnswer => "invalid.empty_answer",
            Invalid::AnswerTooLong { .. } => "invalid.answer_too_long",
            Invalid::Title => "invalid.title",
            Invalid::StartDate => "invalid.start_date",
            Invalid::Reason { .. } => "invalid.reason",
            Invalid::Week => "invalid.week",
            Invalid::Day => "invalid.day",
            Invalid::TimeLimit { .. } => "invalid.time_limit",
            Invalid::PassMark => "invalid.pass_mark",
            Invalid::NoQuestions => "invalid.no_questions",
            Invalid::Prompt => "invalid.prompt",
            Invalid::Name => "invalid.name",
            Invalid::Fields => "invalid.fields",
            Invalid::KeyPoints { .. } => "invalid.key_points",
            Invalid::KeyPointUnstated { .. } => "invalid.key_point_unstated",
        }
    }

    /// Values the message interpolates, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Invalid::Password { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Invalid::AnswerTooLong { len, max } => {
                vec![("len", len.to_string()), ("max", max.to_string())]
            }
            Invalid::Reason { max } => vec![("max", max.to_string())],
            Invalid::TimeLimit { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Invalid::KeyPoints { max, chars } => {
                vec![("max", max.to_string()), ("chars", chars.to_string())]
            }
            Invalid::KeyPointUnstated { point } => vec![("point", point.clone())],
            _ => vec![],
        }
    }
}

macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident, $prefix:literal { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in files, the database and URLs.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.key() == s)
            }

            /// Message-catalog key of the human label.
            pub fn label_key(self) -> String {
                format!("{}.{}", $prefix, self.key())
            }
        }
    };
}
pub(crate) use keyed_enum;

keyed_enum!(
    /// What a user may do. Ordered: a lead can do what a trainee can, an admin what a lead can.
    Role, "role" { Trainee => "trainee", Lead => "lead", Admin => "admin" }
);

keyed_enum!(
    /// Where in the customer's journey a question is asked.
    Scene, "scene" { PreSale => "pre_sale", InSale => "in_sale", AfterSale => "after_sale" }
);

keyed_enum!(
    /// What a question is about.
    Category, "category" {
        Quality => "quality",
        Price => "price",
        Packaging => "packaging",
        Returns => "returns",
        Stock => "stock",
        Shipping => "shipping",
        Payment => "payment",
        Refund => "refund",
        Complaint => "complaint",
        Recommendation => "recommendation",
        Invoice => "invoice",
    }
);

keyed_enum!(
    /// How a persuasion script moves an undecided buyer (the source
    /// documents' four): refuse then compensate or shift the focus; match the
    /// customer's register; ask a choice question; exceed expectations a little.
    Technique, "technique" {
        ShiftFocus => "shift_focus",
        MatchRegister => "match_register",
        ChoiceQuestion => "choice_question",
        ExceedExpectations => "exceed_expectations",
    }
);

keyed_enum!(
    /// The team a customer's feedback belongs to.
    Department, "department" {
        Operations => "operations",
        Finance => "finance",
        Product => "product",
        Logistics => "logistics",
        CustomerService => "customer_service",
    }
);

/// A login name: 2–32 of `[A-Za-z0-9_.-]`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_lowercase();
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if (2..=32).contains(&s.len()) && s.chars().all(ok_char) {
            Ok(Self(s))
        } else {
            Err(Invalid::Username)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown to others; Chinese names allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if (1..=40).contains(&char_len(s)) && !s.chars().any(char::is_control) {
            Ok(Self(s.to_string()))
        } else {
            Err(Invalid::DisplayName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: long enough to matter, short enough not to be a hashing DoS,
/// not blank, not its own username and not one that guessing lists start with.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;

    /// `username` is the account's login name, which the password may not repeat.
    pub fn parse(raw: &str, username: &str) -> Result<Self, Invalid> {
        if !(Self::MIN..=Self::MAX).contains(&char_len(raw)) {
            return Err(Invalid::Password {
                min: Self::MIN,
                max: Self::MAX,
            });
        }
        if raw.trim().is_empty() {
            return Err(Invalid::PasswordBlank);
        }
        let folded = raw.trim().to_lowercase();
        if folded == username.trim().to_lowercase() {
            return Err(Invalid::PasswordIsUsername);
        }
        if super::login::is_common_password(&folded) {
            return Err(Invalid::PasswordCommon);
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trainee's answer as it may be submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerText(String);

impl AnswerText {
    /// Generous for a chat reply (the longest model answers are ~300 characters) yet
    /// small enough that one request cannot bloat the database.
    pub const MAX: usize = 2000;

    /// A draft may be empty; it may not be longer than an answer.
    pub fn parse_draft(raw: &str) -> Result<Self, Invalid> {
        let len = char_len(raw);
        if len > Self::MAX {
            return Err(Invalid::AnswerTooLong {
                len,
                max: Self::MAX,
            });
        }
        Ok(Self(raw.to_string()))
    }

    /// A submitted answer must also say something.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let draft = Self::parse_draft(raw)?;
        if draft.0.trim().is_empty() {
            return Err(Invalid::EmptyAnswer);
        }
        Ok(draft)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An exam title.
pub fn parse_title(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if (1..=80).contains(&char_len(s)) {
        Ok(s.to_string())
    } else {
        Err(Invalid::Title)
    }
}

/// A short name someone gives a thing (an API token, a quick-reply group).
pub fn parse_name(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if (1..=60).contains(&char_len(s)) && !s.chars().any(char::is_control) {
        Ok(s.to_string())
    } else {
        Err(Invalid::Name)
    }
}

/// A question's text as a lead edits it.
pub fn parse_prompt(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if (1..=500).contains(&char_len(s)) {
        Ok(s.to_string())
    } else {
        Err(Invalid::Prompt)
    }
}

/// Reference answers typed into one box, separated by blank lines; each as long
/// as an answer may be.
pub fn parse_references(raw: &str) -> Result<Vec<String>, Invalid> {
    let normalised = raw.replace("\r\n", "\n");
    normalised
        .split("\n\n")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            let len = char_len(r);
            if len > AnswerText::MAX {
                Err(Invalid::AnswerTooLong {
                    len,
                    max: AnswerText::MAX,
                })
            } else {
                Ok(r.to_string())
            }
        })
        .collect()
}

/// Minutes a trainee has once an attempt starts.
pub fn parse_time_limit(minutes: i32) -> Result<i32, Invalid> {
    const MIN: i32 = 1;
    const MAX: i32 = 480;
    if (MIN..=MAX).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Invalid::TimeLimit { min: MIN, max: MAX })
    }
}

pub fn parse_pass_mark(mark: i32) -> Result<i32, Invalid> {
    if (0..=100).contains(&mark) {
        Ok(mark)
    } else {
        Err(Invalid::PassMark)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_split_on_blank_lines_and_each_is_checked() {
        let refs =
            parse_references("亲，今天发货。\r\n\r\n  \n\n亲，明天到。\n请留意短信").expect("ok");
        assert_eq!(refs, ["亲，今天发货。", "亲，明天到。\n请留意短信"]);
        assert_eq!(parse_references(" \n ").expect("ok"), Vec::<String>::new());
        let long = "好".repeat(AnswerText::MAX + 1);
        assert!(matches!(
            parse_references(&long),
            Err(Invalid::AnswerTooLong { .. })
        ));
        assert_eq!(parse_prompt("  "), Err(Invalid::Prompt));
    }

    #[test]
    fn usernames_are_trimmed_lowercased_and_restricted() {
        assert_eq!(Username::parse(" Li.Na ").map(|u| u.0), Ok("li.na".into()));
        assert_eq!(Username::parse("a"), Err(Invalid::Username));
        assert_eq!(Username::parse("李娜"), Err(Invalid::Username));
        assert_eq!(Username::parse("a b"), Err(Invalid::Username));
    }

    #[test]
    fn an_answer_of_a_hundred_thousand_characters_is_refused_with_its_length() {
        let long = "好".repeat(100_000);
        assert_eq!(
            AnswerText::parse(&long),
            Err(Invalid::AnswerTooLong {
                len: 100_000,
                max: AnswerText::MAX
            })
        );
    }

    #[test]
    fn a_blank_answer_can_be_a_draft_but_not_a_submission() {
        assert!(AnswerText::parse_draft("  ").is_ok());
        assert_eq!(AnswerText::parse(" \n "), Err(Invalid::EmptyAnswer));
    }

    #[test]
    fn roles_parse_from_their_keys_and_order_by_power() {
        assert_eq!(Role::parse("lead"), Some(Role::Lead));
        assert_eq!(Role::parse("boss"), None);
        assert!(Role::Admin > Role::Lead && Role::Lead > Role::Trainee);
    }

    #[test]
    fn exam_settings_are_bounded() {
        assert!(parse_time_limit(0).is_err() && parse_time_limit(30).is_ok());
        assert!(parse_pass_mark(101).is_err() && parse_pass_mark(60).is_ok());
        assert!(parse_title("  ").is_err());
    }
}
