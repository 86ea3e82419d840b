//! Why a file could not be read, and the message that says so.

use crate::diagnostic::Text;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The reader failed: the file is damaged or not what its extension
    /// says. Carries the reader's own words.
    Damaged(String),
    /// The file was refused with a reason of its own (encrypted, not a
    /// spreadsheet, beyond a [`limit`](super::limits)).
    Refused(Text),
}

impl ReadError {
    /// A reader's error, in its own words.
    pub fn damaged(error: impl std::fmt::Display) -> ReadError {
        ReadError::Damaged(error.to_string())
    }

    /// The message for the file `name`.
    pub(super) fn message(self, name: &str) -> Text {
        match self {
            ReadError::Damaged(reason) => text!(
                "无法读取 {name}：文件已损坏或格式不符（{reason}），请在 WPS/Excel 中另存为 .xlsx",
                "cannot read {name}: the file is damaged or not what its extension says ({reason}); save it as .xlsx in WPS/Excel"
            ),
            ReadError::Refused(Text { zh, en }) => text!("无法读取 {name}：{zh}", "cannot read {name}: {en}"),
        }
    }
}
