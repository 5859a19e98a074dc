//! What a use-case answers when it cannot do what was asked: each kind
//! says what the person can do about it, in Chinese. The web turns a kind
//! into a status code, the command line into a message and exit code 1.

use gongkai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// What was sent is wrong; the message says what and where.
    #[error("{0}")]
    Invalid(String),
    #[error("您的账号没有权限进行这项操作")]
    Forbidden,
    /// Not there, or not the asker's to see (the same answer for both).
    #[error("没有找到这一页或这条记录")]
    NotFound,
    /// The state changed since it was read: another request got there first.
    #[error("{0}")]
    Conflict(String),
    /// Past a size limit; nothing was kept.
    #[error("{0}")]
    TooLarge(String),
    /// Too busy now; worth trying again in a while.
    #[error("{0}")]
    Busy(String),
    /// Our fault: the detail is logged, never shown.
    #[error("服务器内部错误，请稍后再试")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    pub fn internal(detail: impl std::fmt::Display) -> Error {
        Error::Internal(detail.to_string())
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => Error::NotFound,
            StoreError::Invalid(message) => Error::Invalid(message),
            StoreError::Conflict { constraint } => Error::Conflict(constraint),
            StoreError::Stale(message) => Error::Conflict(message),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<gongkai_domain::input::InputError> for Error {
    fn from(err: gongkai_domain::input::InputError) -> Self {
        Error::Invalid(err.to_string())
    }
}
