//! Header detection and column mapping: turns a raw [`Sheet`] into a
//! [`Table`] of one [`SheetKind`], or leaves it out when it is no sheet kaohe
//! knows. The header is the first row holding a known column name of the
//! kind (after normalisation, ignoring a trailing bracketed unit); rows above
//! it are titles. A sheet of unknown name whose header has 日期 and 类型 is a
//! ledger (活动) sheet, possibly one per unit.

use std::sync::Arc;

use super::schema::{Column, SheetKind};
use super::{Row, Sheet, Value};
use crate::diagnostic::{Diagnostics, Location};

/// A column found in the header that the schema doesn't know: kept as an
/// attribute usable in `条件` filters.
#[derive(Clone, Debug)]
pub struct Extra {
    /// The header as typed (trimmed).
    pub header: String,
    /// Normalised keyword form, used for matching filter columns.
    pub key: String,
    pub col: u32,
}

/// A per-unit ledger sheet without a 单位编号 column: its rows belong to the
/// unit named by the sheet, else by the file stem without a trailing 台账.
#[derive(Clone, Debug)]
pub struct ImpliedUnit {
    pub sheet_name: String,
    pub file_stem: String,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub kind: SheetKind,
    /// Index into [`super::Inputs::sources`].
    pub source: usize,
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    /// 1-based row number of the header as Excel shows it.
    pub header_row: u32,
    /// First column of the header row: a row-level location points here.
    pub first_col: u32,
    /// Column index of each of `kind.columns()`, in that order; `None` when absent.
    pub columns: Vec<Option<u32>>,
    pub extras: Vec<Extra>,
    pub implied_unit: Option<ImpliedUnit>,
    /// Data rows below the header; rows whose cells are all empty are dropped.
    pub rows: Vec<Row>,
}

impl Table {
    /// The column index of a schema column, by its English key.
    pub fn col(&self, key: &str) -> Option<u32> {
        self.kind.columns().iter().position(|column| column.en == key).and_then(|index| self.columns[index])
    }

    /// The value of a schema column in `row` (empty when the column is absent).
    pub fn get<'r>(&self, row: &'r Row, key: &str) -> &'r Value {
        match self.col(key) {
            Some(col) => row.cell(col),
            None => &Value::Empty,
        }
    }

    pub fn cell_location(&self, row: u32, col: u32) -> Location {
        Location::cell(self.file.clone(), self.sheet.clone(), row, col)
    }

    /// The location of a schema column's cell in `row`, else the row's first cell.
    pub fn location(&self, row: &Row, key: &str) -> Location {
        let col = self.col(key).unwrap_or(self.first_col);
        self.cell_location(row.number, col)
    }

    pub fn row_location(&self, row: &Row) -> Location {
        self.cell_location(row.number, self.first_col)
    }

    pub fn header_location(&self) -> Location {
        Location::row(self.file.clone(), self.sheet.clone(), self.header_row)
    }

    pub fn sheet_location(&self) -> Location {
        Location::sheet(self.file.clone(), self.sheet.clone())
    }

    /// The schema columns of this table's kind.
    pub fn schema(&self) -> &'static [Column] {
        self.kind.columns()
    }
}

/// Finds the header of `sheet` and maps its columns. Returns `None` for a
/// sheet that is no kind kaohe knows (it is ignored). A missing required
/// column is reported at the header row.
pub fn build_table(sheet: Sheet, file_stem: &str, diagnostics: &mut Diagnostics) -> Option<Table> {
    let _ = (sheet, file_stem, diagnostics);
    todo!("header detection")
}
