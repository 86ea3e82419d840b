//! A sheet as read from a workbook or CSV file: rows of raw [`Value`]s at
//! their real coordinates.

use std::sync::Arc;

use super::value::Value;

/// One sheet of one file, cells at their real coordinates: `rows[i].number`
/// is the 1-based row number Excel shows, `cells[c]` is column `c` (0 = A).
/// Merged ranges are already filled with their top-left value.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// Index into the [`Inputs::sources`](super::Inputs::sources).
    pub source: usize,
    pub file: Arc<str>,
    pub name: Arc<str>,
    pub rows: Vec<Row>,
    /// The cells that held characters XML forbids, cleaned as they were
    /// read ([`control`](super::control)): (row number as Excel shows it, column).
    pub cleaned: Vec<(u32, u32)>,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<Value>,
}

impl Row {
    pub fn cell(&self, col: u32) -> &Value {
        self.cells.get(col as usize).unwrap_or(&Value::Empty)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(Value::is_empty)
    }
}
