//! Which whole-model checks can run. When an input could not be read, a
//! sheet kind that none of the readable inputs has may well be in that file:
//! a check needing it would only report the unread file again (no year, no
//! criteria, …), so it is skipped, and one note says which checks were.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::diagnostic::{Diagnostics, Text};
use crate::input::Table;
use crate::input::schema::SheetKind;

pub(super) struct Coverage<'a> {
    unreadable: &'a [Arc<str>],
    read: BTreeSet<SheetKind>,
    skipped: Vec<Text>,
}

impl<'a> Coverage<'a> {
    /// `unreadable` names the inputs that could not be read; `tables` are
    /// all that were.
    pub(super) fn new<'t>(unreadable: &'a [Arc<str>], tables: impl IntoIterator<Item = &'t Table>) -> Self {
        Coverage { unreadable, read: tables.into_iter().map(|t| t.kind).collect(), skipped: Vec::new() }
    }

    /// Whether the check `what`, which needs sheets of every kind in
    /// `needs`, can run; when it can't, it is recorded as skipped.
    pub(super) fn allows(&mut self, what: Text, needs: &[SheetKind]) -> bool {
        let unknowable = !self.unreadable.is_empty() && needs.iter().any(|kind| !self.read.contains(kind));
        if unknowable && !self.skipped.contains(&what) {
            self.skipped.push(what);
        }
        !unknowable
    }

    /// [`allows`](Self::allows) for the check `what` of `tables`: when there
    /// are none, there is nothing to skip.
    pub(super) fn allows_checking(&mut self, tables: &[&Table], what: Text, needs: &[SheetKind]) -> bool {
        tables.is_empty() || self.allows(what, needs)
    }

    /// The note naming the unread inputs and the checks skipped, if any were.
    pub(super) fn note_skipped(self, diagnostics: &mut Diagnostics) {
        if self.skipped.is_empty() {
            return;
        }
        let zh_files = self.unreadable.iter().map(|name| &**name).collect::<Vec<_>>().join("、");
        let en_files = self.unreadable.iter().map(|name| &**name).collect::<Vec<_>>().join(", ");
        let zh_checks = self.skipped.iter().map(|check| check.zh.as_str()).collect::<Vec<_>>().join("、");
        let en_checks = self.skipped.iter().map(|check| check.en.as_str()).collect::<Vec<_>>().join(", ");
        let its = if self.unreadable.len() == 1 { "its" } else { "their" };
        diagnostics.note(
            None,
            text!(
                "因 {zh_files} 未能读取，跳过了依赖其内容的检查：{zh_checks}",
                "{en_files} could not be read, so the checks that need {its} contents were skipped: {en_checks}"
            ),
        );
    }
}
