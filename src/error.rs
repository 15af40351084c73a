//! The web layer's one error type, mapped to HTTP in one place. The response only
//! carries a message key; `web::render::error_page` turns it into a page (or JSON)
//! in the user's language. 5xx causes are logged, never shown.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;
use crate::domain::types::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("login required")]
    LoginRequired { next: String },
    #[error("first admin not created yet")]
    SetupRequired,
    /// An API call without a valid token or session: 401, never a redirect.
    #[error("API credential missing or wrong")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("invalid input: {0}")]
    Invalid(#[from] Invalid),
    /// A refusal with its own message (e.g. "already submitted").
    #[error("refused: {key}")]
    Refused {
        status: StatusCode,
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn refused(status: StatusCode, key: &'static str) -> Self {
        AppError::Refused {
            status,
            key,
            args: vec![],
        }
    }

    /// A request no form of ours sends: an unknown action, a malformed body.
    pub fn bad_request() -> Self {
        Self::refused(StatusCode::BAD_REQUEST, "error.bad_request")
    }

    /// Message-catalog key and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            AppError::Forbidden => ("error.forbidden", vec![]),
            AppError::NotFound => ("error.not_found", vec![]),
            AppError::Csrf => ("error.csrf", vec![]),
            AppError::Invalid(i) => (i.key(), i.args()),
            AppError::Refused { key, args, .. } => (key, args.clone()),
            AppError::LoginRequired { .. } | AppError::SetupRequired => {
                ("error.login_required", vec![])
            }
            AppError::Unauthorized => ("error.unauthorized", vec![]),
            AppError::Db(_) | AppError::Internal(_) => ("error.internal", vec![]),
        }
    }
}

impl From<crate::app::library::LibraryError> for AppError {
    fn from(e: crate::app::library::LibraryError) -> Self {
        use crate::app::library::LibraryError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Invalid(i) => AppError::Invalid(i),
            E::Banned(words) => AppError::Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                key: "library.banned",
                args: vec![("words", words.join("、"))],
            },
            E::NotACandidate | E::NotALead => AppError::bad_request(),
            E::WordingTaken { script, prompt } => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "library.wording_taken",
                args: vec![("id", script.to_string()), ("prompt", prompt)],
            },
            E::ShortcutTaken { script } => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "library.shortcut_taken",
                args: vec![("id", script.to_string())],
            },
            E::BadShortcut => {
                AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "library.bad_shortcut")
            }
            E::Unbeaten { met: None, n } => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "library.not_challenged",
                args: vec![("n", n.to_string())],
            },
            E::Unbeaten {
                met: Some((challenger, incumbent)),
                n,
            } => {
                let shown = |s: Option<f64>| s.map_or("—".to_string(), |s| format!("{s:.1}"));
                AppError::Refused {
                    status: StatusCode::CONFLICT,
                    key: "library.unbeaten",
                    args: vec![
                        ("n", n.to_string()),
                        ("challenger", shown(challenger)),
                        ("incumbent", shown(incumbent)),
                    ],
                }
            }
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::app::weights::WeightsError> for AppError {
    fn from(e: crate::app::weights::WeightsError) -> Self {
        use crate::app::weights::WeightsError as E;
        use crate::domain::calibration::CalibrationError as C;
        let shown = crate::web::weights::shown_r;
        let status = StatusCode::CONFLICT;
        match e {
            E::Unfit(C::TooFew { need, got }) => AppError::Refused {
                status,
                key: "weights.too_few",
                args: vec![("need", need.to_string()), ("got", got.to_string())],
            },
            E::Unfit(C::OneQuestion) => AppError::refused(status, "weights.one_question"),
            E::Unfit(C::FlatGrades) => AppError::refused(status, "weights.flat"),
            E::Unfit(C::NotFinite | C::WrongSignals(_)) => {
                AppError::refused(status, "weights.unfit")
            }
            E::NotBetter {
                calibrated,
                default,
            } => AppError::Refused {
                status,
                key: "weights.not_better",
                args: vec![
                    ("calibrated", shown(calibrated)),
                    ("default", shown(default)),
                ],
            },
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::app::tokens::TokenError> for AppError {
    fn from(e: crate::app::tokens::TokenError) -> Self {
        use crate::app::tokens::TokenError as E;
        match e {
            E::Invalid(i) => AppError::Invalid(i),
            E::TooMany => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "tokens.too_many",
                args: vec![("max", crate::app::tokens::MAX_PER_USER.to_string())],
            },
            E::NotFound => AppError::NotFound,
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::app::exams::ExamError> for AppError {
    fn from(e: crate::app::exams::ExamError) -> Self {
        use crate::app::exams::ExamError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::WrongStatus => AppError::refused(StatusCode::CONFLICT, "exams.wrong_status"),
            E::NoReference { position } => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "exams.no_reference",
                args: vec![("n", position.to_string())],
            },
            E::ReviewStarted => AppError::refused(StatusCode::CONFLICT, "exams.review_started"),
            E::NoQuestions => AppError::Invalid(Invalid::NoQuestions),
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::app::review::RoundError> for AppError {
    fn from(e: crate::app::review::RoundError) -> Self {
        use crate::app::review::RoundError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::NotClosed => AppError::refused(StatusCode::CONFLICT, "review.exam_not_closed"),
            E::TooFew { need, k } => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "review.too_few",
                args: vec![("need", need.to_string()), ("k", k.to_string())],
            },
            E::Exists => AppError::refused(StatusCode::CONFLICT, "review.exists"),
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::app::marking::MarkingError> for AppError {
    fn from(e: crate::app::marking::MarkingError) -> Self {
        use crate::app::marking::MarkingError as E;
        let conflict = |key| AppError::refused(StatusCode::CONFLICT, key);
        match e {
            E::NotFound => AppError::NotFound,
            E::CalibrateFirst => conflict("review.calibrate_first"),
            E::Closed => conflict("review.closed"),
            E::AlreadySubmitted => conflict("review.already_submitted"),
            E::AppealClosed => conflict("review.appeal_closed"),
            E::AppealExists => conflict("review.appeal_exists"),
            E::NotInPair => AppError::bad_request(),
            E::Incomplete(why) => AppError::Internal(anyhow::anyhow!("marks checked yet {why}")),
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::LoginRequired { .. } | AppError::SetupRequired => StatusCode::SEE_OTHER,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Refused { status, .. } => *status,
            AppError::Db(DbError::Query(diesel::result::Error::NotFound)) => StatusCode::NOT_FOUND,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            AppError::LoginRequired { next } => {
                let location = format!("/login?next={}", encode_path(next));
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .finish()
            }
            AppError::SetupRequired => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/setup"))
                .finish(),
            // The body is written by `web::render::error_page`, as JSON.
            AppError::Unauthorized => HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .finish(),
            _ => {
                if status.is_server_error() {
                    tracing::error!(error = ?self, "request failed");
                }
                // The body is replaced by `web::render::error_page`, which reads the error.
                HttpResponse::build(status).finish()
            }
        }
    }
}

/// Percent-encodes a local path for a query string; anything but a local path
/// becomes "/" so `next` can never redirect off-site.
fn encode_path(path: &str) -> String {
    crate::domain::login::local_path(path)
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl From<crate::app::service::PromiseError> for AppError {
    fn from(e: crate::app::service::PromiseError) -> Self {
        use crate::app::service::PromiseError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::NotYours => AppError::Forbidden,
            E::Db(e) => e.into(),
        }
    }
}

impl From<crate::app::cohorts::CohortError> for AppError {
    fn from(e: crate::app::cohorts::CohortError) -> Self {
        use crate::app::cohorts::CohortError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Invalid(i) => AppError::Invalid(i),
            E::EmptyBank { bank } => AppError::Refused {
                status: StatusCode::CONFLICT,
                key: "cohorts.empty_bank",
                args: vec![("bank", bank)],
            },
            E::NotATrainee { name } => AppError::Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                key: "cohorts.not_a_trainee",
                args: vec![("name", name)],
            },
            E::NotAMember => AppError::refused(StatusCode::FORBIDDEN, "cohorts.not_a_member"),
            E::Locked { week } => AppError::Refused {
                status: StatusCode::FORBIDDEN,
                key: "cohorts.locked",
                args: vec![("week", week.to_string())],
            },
            E::Exam(e) => e.into(),
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::app::scenarios::TurnError> for AppError {
    fn from(e: crate::app::scenarios::TurnError) -> Self {
        use crate::app::scenarios::TurnError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Closed => AppError::refused(StatusCode::CONFLICT, "attempts.closed"),
            E::Submitted => AppError::refused(StatusCode::CONFLICT, "attempts.already_submitted"),
            E::Ended => AppError::refused(StatusCode::CONFLICT, "scenario.ended"),
            E::Invalid(i) => AppError::Invalid(i),
            E::Db(e) => AppError::Db(e),
        }
    }
}
