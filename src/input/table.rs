//! Header detection and column mapping: turns a raw [`Sheet`] into a
//! [`Table`] of one [`SheetKind`], or leaves it out when it is no sheet kaohe
//! knows. The header is the first row holding a known column name of the
//! kind (after normalisation, ignoring a trailing bracketed unit); rows above
//! it are titles. A sheet of unknown name whose header has 日期 and 类型 is a
//! ledger (活动) sheet, possibly one per unit.

use std::sync::Arc;

use super::schema::{Column, SettingKey, SheetKind, is_instructions, strip_bracketed_unit};
use super::sheet::{Row, Sheet};
use super::value::Value;
use crate::diagnostic::{Diagnostics, Location, Text, column_name};
use crate::text::normalize_keyword;

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
    /// 1-based row number of the header as Excel shows it. (A 设置 sheet
    /// without a header has its first key/value row here, also a data row.)
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
/// sheet that is no kind kaohe knows, or holds instructions (it is ignored). A known sheet without
/// a header row is reported at the sheet, a missing required column at the
/// header row; such sheets are left out too.
pub fn build_table(sheet: Sheet, file_stem: &str, diagnostics: &mut Diagnostics) -> Option<Table> {
    let (kind, header) = match SheetKind::from_name(&sheet.name) {
        Some(kind) => match find_header(&sheet.rows, kind) {
            Some(header) => (kind, header),
            // An empty sheet (a template's) has nothing to lose.
            None if sheet.rows.iter().all(Row::is_empty) => return None,
            None => {
                if kind == SheetKind::Settings
                    && let Some((start, key_col)) = first_setting(&sheet)
                {
                    return Some(settings_without_header(sheet, start, key_col));
                }
                diagnostics.error(
                    Some(Location::sheet(sheet.file.clone(), sheet.name.clone())),
                    no_header_message(kind),
                );
                return None;
            }
        },
        None if is_instructions(&sheet.name) => return None,
        None => (SheetKind::Activities, sheet.rows.iter().position(is_ledger_header)?),
    };
    let mut rows = sheet.rows;
    let header_row = rows.remove(header);
    let mut table = Table {
        kind,
        source: sheet.source,
        file: sheet.file,
        sheet: sheet.name,
        header_row: header_row.number,
        first_col: header_row.cells.iter().position(|cell| !cell.is_empty()).unwrap_or(0) as u32,
        columns: vec![None; kind.columns().len()],
        extras: Vec::new(),
        implied_unit: None,
        rows: rows.into_iter().skip(header).filter(|row| !row.is_empty()).collect(),
    };
    map_columns(&mut table, &header_row, diagnostics);
    if kind == SheetKind::Activities && table.col("unit").is_none() {
        table.implied_unit = Some(ImpliedUnit {
            sheet_name: table.sheet.trim().to_owned(),
            file_stem: file_stem.trim().strip_suffix(LEDGER_SUFFIX).unwrap_or(file_stem).trim().to_owned(),
        });
    }
    let missing: Vec<&Column> = kind
        .columns()
        .iter()
        .zip(&table.columns)
        .filter(|(column, found)| column.required && found.is_none())
        .map(|(column, _)| column)
        .filter(|column| !(table.implied_unit.is_some() && column.en == "unit"))
        .collect();
    for column in &missing {
        let (zh, en) = (column.zh, column.en);
        diagnostics.error(
            Some(table.header_location()),
            text!("缺少必填列“{zh}”({en})", "missing required column “{en}” ({zh})"),
        );
    }
    missing.is_empty().then_some(table)
}

/// `第一党支部台账.xlsx`: a per-unit ledger file names its unit before 台账.
const LEDGER_SUFFIX: &str = "台账";

/// The schema column a header cell names, if any.
fn header_column(cell: &Value, columns: &[Column]) -> Option<usize> {
    let name = header_key(cell);
    columns.iter().position(|column| name == column.zh || name == column.en)
}

/// The normalised form of a header cell: keyword case, bracketed unit dropped.
fn header_key(cell: &Value) -> String {
    strip_bracketed_unit(&normalize_keyword(&cell.display())).to_owned()
}

/// The index of the header row: the first row naming a column of `kind`.
/// A title that happens to equal a column name (`权重` above the weights)
/// is passed over when a later row names a column beside other cells: no
/// kind's header has fewer than two columns.
fn find_header(rows: &[Row], kind: SheetKind) -> Option<usize> {
    let mut candidates = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.cells.iter().any(|cell| header_column(cell, kind.columns()).is_some()));
    let first = candidates.next()?;
    let filled = |row: &Row| row.cells.iter().filter(|cell| !cell.is_empty()).count();
    let header = std::iter::once(first).chain(candidates).find(|(_, row)| filled(row) >= 2).unwrap_or(first);
    Some(header.0)
}

/// A header row holding both 日期 and 类型: a ledger whatever its sheet name.
fn is_ledger_header(row: &Row) -> bool {
    let columns = SheetKind::Activities.columns();
    let has = |key: &str| {
        row.cells.iter().any(|cell| header_column(cell, columns).is_some_and(|i| columns[i].en == key))
    };
    has("date") && has("type")
}

/// Maps each header cell to its schema column, else keeps it as an extra.
fn map_columns(table: &mut Table, header: &Row, diagnostics: &mut Diagnostics) {
    let columns = table.kind.columns();
    for (col, cell) in header.cells.iter().enumerate() {
        let col = col as u32;
        if cell.is_empty() {
            continue;
        }
        match header_column(cell, columns) {
            Some(index) if table.columns[index].is_none() => table.columns[index] = Some(col),
            Some(index) => {
                let (zh, en) = (columns[index].zh, columns[index].en);
                let first = column_name(table.columns[index].unwrap_or_default());
                diagnostics.warning(
                    Some(table.cell_location(header.number, col)),
                    text!(
                        "列“{zh}”重复，只读第 {first} 列",
                        "column “{en}” appears twice; only column {first} is read"
                    ),
                );
            }
            None => table.extras.push(Extra { header: cell.display(), key: header_key(cell), col }),
        }
    }
}

fn no_header_message(kind: SheetKind) -> Text {
    let zh_names: Vec<&str> = kind.columns().iter().map(|column| column.zh).collect();
    let en_names: Vec<&str> = kind.columns().iter().map(|column| column.en).collect();
    let (zh_names, en_names) = (zh_names.join("、"), en_names.join(", "));
    text!(
        "找不到表头：没有一行含有列名（{zh_names}）",
        "no header row found: no row holds a column name ({en_names})"
    )
}

/// The first cell holding a setting key: `(row index, column)`, where the
/// key/value pairs of a 设置 sheet without header start.
fn first_setting(sheet: &Sheet) -> Option<(usize, u32)> {
    sheet.rows.iter().enumerate().find_map(|(index, row)| {
        let col = row.cells.iter().position(|cell| SettingKey::from_name(&cell.display()).is_some())?;
        Some((index, col as u32))
    })
}

/// A 设置 sheet without its 项目/值 header: the first row whose cell is a
/// setting key starts the key/value pairs, the value in the next column. Its
/// `header_row` is that first pair's row, which is also a data row.
fn settings_without_header(sheet: Sheet, start: usize, key_col: u32) -> Table {
    Table {
        kind: SheetKind::Settings,
        source: sheet.source,
        file: sheet.file,
        sheet: sheet.name,
        header_row: sheet.rows[start].number,
        first_col: key_col,
        columns: vec![Some(key_col), Some(key_col + 1)],
        extras: Vec::new(),
        implied_unit: None,
        rows: sheet.rows.into_iter().skip(start).filter(|row| !row.is_empty()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: &[(u32, &[&str])]) -> Sheet {
        let rows = rows
            .iter()
            .map(|(number, cells)| Row {
                number: *number,
                cells: cells
                    .iter()
                    .map(|cell| if cell.is_empty() { Value::Empty } else { Value::Text((*cell).into()) })
                    .collect(),
            })
            .collect();
        Sheet { source: 0, file: "台账.xlsx".into(), name: name.into(), rows, cleaned: Vec::new() }
    }

    fn build(sheet: Sheet, stem: &str) -> (Option<Table>, Vec<String>) {
        let mut diagnostics = Diagnostics::default();
        let table = build_table(sheet, stem, &mut diagnostics);
        (table, diagnostics.iter().map(|d| d.headline(crate::diagnostic::Lang::Zh)).collect())
    }

    #[test]
    fn header_below_a_title_with_units_and_extras() {
        let input = sheet(
            "指标",
            &[
                (2, &["2025年度考核指标"]),
                (4, &["", "编号", "类别", "名称", "分值（分）", "规则", "备注 (内部)", ""]),
                (5, &["", "A1", "意识形态工作", "专题研究", "10", "至少", "x"]),
                (6, &["", "", "", " "]),
                (7, &["", "A2", "意识形态工作", "综合分析", "5", "至少"]),
            ],
        );
        let (table, diagnostics) = build(input, "台账");
        let table = table.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(table.kind, SheetKind::Criteria);
        assert_eq!(table.header_row, 4);
        assert_eq!(table.first_col, 1);
        assert_eq!(table.col("code"), Some(1));
        assert_eq!(table.col("points"), Some(4));
        assert_eq!(table.col("standard"), None);
        assert_eq!(table.rows.iter().map(|row| row.number).collect::<Vec<_>>(), [5, 7]);
        assert_eq!(table.get(&table.rows[1], "name"), &Value::Text("综合分析".into()));
        assert_eq!(table.extras.len(), 1);
        assert_eq!(table.extras[0].header, "备注 (内部)");
        assert_eq!(table.extras[0].key, "备注");
        assert_eq!(table.extras[0].col, 6);
        assert_eq!(table.location(&table.rows[0], "points").to_string(), "台账.xlsx:指标!E5");
        assert_eq!(table.row_location(&table.rows[0]).to_string(), "台账.xlsx:指标!B5");
    }

    #[test]
    fn english_names_any_case() {
        let input = sheet(
            "Activities",
            &[(1, &["Unit", "DATE", "Type", "Reported"]), (2, &["U1", "2025-03-15", "x", "Y"])],
        );
        let table = build(input, "ledger").0.unwrap();
        assert_eq!(table.kind, SheetKind::Activities);
        assert_eq!((table.col("unit"), table.col("date"), table.col("type")), (Some(0), Some(1), Some(2)));
        assert_eq!(table.extras[0].key, "reported");
        assert!(table.implied_unit.is_none());
    }

    #[test]
    fn a_missing_required_column_is_reported_at_the_header_row() {
        let input = sheet(
            "活动",
            &[(1, &["2025年度台账"]), (2, &["单位编号", "类型", "标题"]), (3, &["U1", "通报", "x"])],
        );
        let (table, diagnostics) = build(input, "台账");
        assert!(table.is_none());
        assert_eq!(diagnostics, ["台账.xlsx:活动!2:2: 缺少必填列“日期”(date)"]);
    }

    #[test]
    fn a_known_sheet_without_header_is_reported_at_the_sheet() {
        let (table, diagnostics) = build(sheet("舆情", &[(1, &["无关内容"])]), "台账");
        assert!(table.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].starts_with("台账.xlsx:舆情: 找不到表头"), "{diagnostics:?}");
    }

    #[test]
    fn per_unit_ledger_sheets_imply_their_unit() {
        let input = sheet(
            "第一党支部",
            &[(1, &["2025年台账"]), (2, &["日期", "类型", "上报"]), (3, &["2025-03-15", "通报", "是"])],
        );
        let (table, diagnostics) = build(input, "第一党支部台账");
        let table = table.unwrap();
        assert!(diagnostics.is_empty());
        assert_eq!(table.kind, SheetKind::Activities);
        assert_eq!(table.header_row, 2);
        let implied = table.implied_unit.unwrap();
        assert_eq!(implied.sheet_name, "第一党支部");
        assert_eq!(implied.file_stem, "第一党支部");
    }

    #[test]
    fn a_title_equal_to_a_column_name_is_not_the_header() {
        let input = sheet("权重", &[(1, &["权重"]), (2, &["类别", "权重(%)"]), (3, &["意识形态工作", "40"])]);
        let (table, diagnostics) = build(input, "台账");
        let table = table.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(table.header_row, 2);
        assert_eq!(table.col("weight"), Some(1));
    }

    #[test]
    fn settings_without_header_or_keys_are_reported() {
        let (table, diagnostics) = build(sheet("设置", &[(1, &["随便写的", "内容"])]), "台账");
        assert!(table.is_none());
        assert!(diagnostics[0].starts_with("台账.xlsx:设置: 找不到表头"), "{diagnostics:?}");
    }

    #[test]
    fn an_empty_known_sheet_is_ignored() {
        let (table, diagnostics) = build(sheet("评分", &[(3, &["", " "])]), "台账");
        assert!(table.is_none());
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn unknown_sheets_are_ignored_silently() {
        let (table, diagnostics) = build(sheet("说明", &[(1, &["日期", "内容"])]), "台账");
        assert!(table.is_none());
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn an_instructions_sheet_is_ignored_even_with_a_ledger_header() {
        let rows: &[(u32, &[&str])] =
            &[(1, &["工作表", "日期", "类型"]), (2, &["活动", "2025-03-15", "专题研究"])];
        for name in ["填写说明", "Readme"] {
            let (table, diagnostics) = build(sheet(name, rows), "台账");
            assert!(table.is_none(), "{name}");
            assert!(diagnostics.is_empty());
        }
        assert_eq!(build(sheet("第一党支部", rows), "台账").0.unwrap().kind, SheetKind::Activities);
    }

    #[test]
    fn a_repeated_column_is_a_warning_and_the_first_is_read() {
        let input =
            sheet("评分", &[(1, &["单位编号", "指标编号", "得分", "得分"]), (2, &["U1", "A1", "5", "6"])]);
        let (table, diagnostics) = build(input, "台账");
        assert_eq!(table.unwrap().col("score"), Some(2));
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].starts_with("台账.xlsx:评分!D1: 列“得分”重复"), "{diagnostics:?}");
    }

    #[test]
    fn settings_without_a_header_are_key_value_pairs() {
        let input =
            sheet("设置", &[(1, &["考核设置"]), (2, &["年度", "2025"]), (3, &["考核单位", "某局党委"])]);
        let (table, diagnostics) = build(input, "台账");
        let table = table.unwrap();
        assert!(diagnostics.is_empty());
        assert_eq!((table.col("key"), table.col("value")), (Some(0), Some(1)));
        assert_eq!(table.rows.iter().map(|row| row.number).collect::<Vec<_>>(), [2, 3]);
    }
}
