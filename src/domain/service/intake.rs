//! An import's turns read for the service figures, alongside the mining: the
//! messages that carry a conversation and a time of day feed the figures; agent
//! replies that commit to a time are kept as promises (masked); the last
//! rating a conversation carries is its rating. Customers are kept as a hash
//! of what the export calls them: the figures only ask "the same customer?".

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::{promise_in, ratings, Conversation, Figures, Message, Promise};
use crate::domain::mining::chatlog::Turn;
use crate::domain::mining::mask::mask;
use crate::domain::mining::when::moment_of;

/// What the intake saw, for the import report.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Messages with a conversation and a time of day: those the figures use.
    pub timed: u64,
    /// Messages without one of them, left out of the figures.
    pub untimed: u64,
    pub conversations: u64,
    pub promises: u64,
    pub ratings: u64,
    /// Rating cells that are no rating we know ("还行吧", "4.5").
    pub unreadable_ratings: u64,
}

#[derive(Default)]
struct Rated {
    csat: Option<u8>,
    nps: Option<u8>,
}

#[derive(Default)]
pub struct Intake {
    figures: Figures,
    promises: Vec<Promise>,
    rated: HashMap<String, Rated>,
    counts: Counts,
}

/// The figures' input, read.
#[derive(Debug, Default)]
pub struct Taken {
    pub conversations: Vec<Conversation>,
    pub promises: Vec<Promise>,
    pub counts: Counts,
}

/// A customer as stored: enough of a hash to tell customers apart.
pub fn customer_key(name: &str) -> String {
    let digest = Sha256::digest(name.trim().as_bytes());
    crate::domain::text::hex(&digest[..12])
}

impl Intake {
    pub fn push(&mut self, turn: &Turn) {
        let (Some(conversation), Some(at)) = (
            turn.conversation.as_deref(),
            turn.time.as_deref().and_then(moment_of),
        ) else {
            self.counts.untimed += 1;
            return;
        };
        self.counts.timed += 1;
        self.rate(conversation, turn);
        let message = Message {
            conversation: conversation.to_string(),
            at,
            speaker: turn.speaker,
            agent: turn.meta.agent.clone(),
            customer: turn.meta.customer.as_deref().map(customer_key),
            text: turn.text.clone(),
        };
        if let Some(mut promise) = promise_in(&message) {
            promise.text = mask(&promise.text);
            self.promises.push(promise);
        }
        self.figures.push(&message);
    }

    fn rate(&mut self, conversation: &str, turn: &Turn) {
        let csat = turn.meta.csat.as_deref().map(ratings::csat);
        let nps = turn.meta.nps.as_deref().map(ratings::nps);
        for read in [csat, nps].into_iter().flatten() {
            match read {
                Some(_) => self.counts.ratings += 1,
                None => self.counts.unreadable_ratings += 1,
            }
        }
        let (csat, nps) = (csat.flatten(), nps.flatten());
        if csat.is_some() || nps.is_some() {
            let rated = self.rated.entry(conversation.to_string()).or_default();
            rated.csat = csat.or(rated.csat);
            rated.nps = nps.or(rated.nps);
        }
    }

    pub fn finish(mut self) -> Taken {
        let mut conversations = self.figures.finish();
        for c in &mut conversations {
            if let Some(r) = self.rated.remove(&c.id) {
                c.csat = r.csat;
                c.nps = r.nps;
            }
        }
        self.counts.conversations = conversations.len() as u64;
        self.counts.promises = self.promises.len() as u64;
        Taken {
            conversations,
            promises: self.promises,
            counts: self.counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mining::chatlog::{Meta, Speaker};

    fn turn(conversation: &str, time: &str, speaker: Speaker, text: &str, meta: Meta) -> Turn {
        Turn {
            line: 1,
            conversation: Some(conversation.into()).filter(|c: &String| !c.is_empty()),
            time: Some(time.into()).filter(|t: &String| !t.is_empty()),
            speaker,
            text: text.into(),
            meta,
        }
    }

    fn agent(name: &str) -> Meta {
        Meta {
            agent: Some(name.into()),
            ..Meta::default()
        }
    }

    #[test]
    fn timed_turns_make_figures_promises_and_ratings() {
        let mut intake = Intake::default();
        let buyer = Meta {
            customer: Some("tb_阿美".into()),
            ..Meta::default()
        };
        for t in [
            turn(
                "c1",
                "2026-11-30 10:00:00",
                Speaker::Customer,
                "快递到哪了",
                buyer.clone(),
            ),
            turn(
                "c1",
                "2026-11-30 10:01:00",
                Speaker::Agent,
                "我马上联系快递，今天下午五点前给您回复，有事打13812345678",
                agent("小美"),
            ),
            turn(
                "c1",
                "2026-11-30 10:02:00",
                Speaker::Customer,
                "好的",
                Meta {
                    csat: Some("非常满意".into()),
                    nps: Some("还行".into()),
                    ..buyer
                },
            ),
            turn(
                "",
                "2026-11-30 10:03:00",
                Speaker::Customer,
                "在吗",
                Meta::default(),
            ),
            turn("c2", "昨天", Speaker::Customer, "在吗", Meta::default()),
        ] {
            intake.push(&t);
        }
        let taken = intake.finish();
        assert_eq!(
            taken.counts,
            Counts {
                timed: 3,
                untimed: 2,
                conversations: 1,
                promises: 1,
                ratings: 1,
                unreadable_ratings: 1,
            }
        );
        let c = &taken.conversations[0];
        assert_eq!((c.first_response(), c.handling()), (Some(60), 120));
        assert_eq!((c.csat, c.nps), (Some(5), None));
        assert_eq!(c.agent.as_deref(), Some("小美"));
        let customer = c.customer.as_deref().expect("a customer key");
        assert_eq!(customer, customer_key("tb_阿美"));
        assert!(!customer.contains("阿美"), "never stored as written");
        let p = &taken.promises[0];
        assert_eq!(p.agent.as_deref(), Some("小美"));
        assert!(!p.text.contains("13812345678"), "masked: {}", p.text);
    }
}
