//! Reading input files into tables. Workbooks (`.xlsx`, `.xlsm`, `.xls`,
//! `.ods`, via calamine) and CSV files (UTF-8 or GB18030) become [`Sheet`]s of
//! raw [`Value`]s at their real Excel coordinates; [`table`] then finds each
//! sheet's header row and maps its columns to the [`schema`]. This layer
//! knows file formats and nothing of scoring; it never writes to an input.

pub mod csv;
pub mod schema;
pub mod table;
pub mod text;
pub mod value;
pub mod workbook;

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::Diagnostics;

pub use table::Table;
pub use value::Value;

/// One input file as given on the command line.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    /// The file name shown in diagnostics (`台账.xlsx`).
    pub name: Arc<str>,
    /// Hex SHA-256 of the file's bytes, listed in the workbook's 说明 sheet.
    pub sha256: String,
}

/// One sheet of one file, cells at their real coordinates: `rows[i].number`
/// is the 1-based row number Excel shows, `cells[c]` is column `c` (0 = A).
/// Merged ranges are already filled with their top-left value.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// Index into the [`Inputs::sources`].
    pub source: usize,
    pub file: Arc<str>,
    pub name: Arc<str>,
    pub rows: Vec<Row>,
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

/// Everything read from the command line's inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Vec<Source>,
    /// Every recognised sheet with its header mapped, in file then sheet order.
    pub tables: Vec<Table>,
    pub diagnostics: Diagnostics,
}

/// Reads every input file. Unreadable files and sheets with a missing
/// required column are reported; the rest is read.
pub fn read_inputs(paths: &[PathBuf]) -> Inputs {
    let _ = paths;
    todo!()
}
