//! Reading input files into tables. Workbooks (`.xlsx`, `.xlsm`, `.xls`,
//! `.ods`, via calamine) and CSV files (UTF-8 or GB18030) become [`Sheet`]s of
//! raw [`Value`]s at their real Excel coordinates; [`table`] then finds each
//! sheet's header row and maps its columns to the [`schema`]. This layer
//! knows file formats and nothing of scoring; it never writes to an input.

mod biff;
pub mod control;
pub mod csv;
mod error;
mod format;
pub mod guard;
pub mod limits;
mod ods_layout;
mod ole;
pub mod schema;
mod sheet;
pub mod submission;
pub mod table;
pub mod value;
pub mod workbook;
mod zip_scan;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostics, Location, Text, printable};

pub use error::ReadError;
use format::FileFormat;
pub use format::Format;
use limits::{Limits, MAX_CELL_CHARS, MAX_WORKBOOK_BYTES};
pub use sheet::{Row, Sheet};
pub use table::Table;
pub use value::Value;

/// One input file as given on the command line.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    /// The name shown in diagnostics and the 说明 list: the file name
    /// (`台账.xlsx`), with enough of its folders to tell it from another
    /// input of that name (`第一党支部/台账.xlsx`), control characters escaped.
    pub name: Arc<str>,
    /// Hex SHA-256 of the file's bytes, listed in the workbook's 说明 sheet.
    pub sha256: String,
}

/// Everything read from the command line's inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Vec<Source>,
    /// Every recognised sheet with its header mapped, in file then sheet order.
    pub tables: Vec<Table>,
    pub diagnostics: Diagnostics,
    /// The names of the inputs that could not be read at all.
    pub unreadable: Vec<Arc<str>>,
}

/// Reads every input file, in parallel, keeping the command line's order in
/// the result. A file given twice is read once, with a warning; a missing or
/// unreadable file is one error on the file; sheets with a missing required
/// column are reported and left out; the rest is read. Inputs are only ever
/// opened for reading.
pub fn read_inputs(paths: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs::default();
    let given = distinct_inputs(paths, &mut inputs.diagnostics);
    let files: Vec<FileRead> = given.par_iter().map(|input| read_file(&input.path, &input.name)).collect();
    for (input, file) in given.into_iter().zip(files) {
        inputs.diagnostics.extend(file.diagnostics);
        let Some((source, sheets)) = file.content else {
            inputs.unreadable.push(input.name);
            continue;
        };
        let index = inputs.sources.len();
        let stem = file_stem(&source.path);
        let (tables_before, diagnostics_before) = (inputs.tables.len(), inputs.diagnostics.len());
        for mut sheet in sheets {
            sheet.source = index;
            check_cell_lengths(&sheet, &mut inputs.diagnostics);
            let (file, name, cleaned) =
                (sheet.file.clone(), sheet.name.clone(), std::mem::take(&mut sheet.cleaned));
            if let Some(table) = table::build_table(sheet, &stem, &mut inputs.diagnostics) {
                report_cleaned(&file, &name, &cleaned, &mut inputs.diagnostics);
                inputs.tables.push(table);
            }
        }
        if inputs.tables.len() == tables_before && inputs.diagnostics.len() == diagnostics_before {
            inputs
                .diagnostics
                .warning(Some(Location::file(source.name.clone())), nothing_known(&source.name));
        }
        inputs.sources.push(source);
    }
    inputs
}

/// One input to read: its path as given and the name it is shown by.
struct Given {
    path: PathBuf,
    name: Arc<str>,
}

/// The inputs in command-line order, each file once: a file given again, by
/// the same path or another, is a warning naming both positions.
fn distinct_inputs(paths: &[PathBuf], diagnostics: &mut Diagnostics) -> Vec<Given> {
    let mut first_position: HashMap<PathBuf, usize> = HashMap::new();
    let mut kept: Vec<(usize, &Path)> = Vec::new();
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for (position, path) in paths.iter().enumerate() {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| absolute_path(path));
        match first_position.entry(identity) {
            Entry::Occupied(first) => repeats.push((*first.get(), position)),
            Entry::Vacant(entry) => {
                entry.insert(kept.len());
                kept.push((position, path));
            }
        }
    }
    let names = shown_names(&kept.iter().map(|(_, path)| *path).collect::<Vec<_>>());
    for (first, position) in repeats {
        let (first_number, number) = (kept[first].0 + 1, position + 1);
        diagnostics.warning(
            Some(Location::file(names[first].clone())),
            text!(
                "第{number}个输入与第{first_number}个输入是同一个文件，只读取一次",
                "input {number} is the same file as input {first_number}; it is read once"
            ),
        );
    }
    kept.into_iter().zip(names).map(|((_, path), name)| Given { path: path.to_owned(), name }).collect()
}

/// Each path's name for messages: its file name, or, where several paths
/// end alike, as many of its last components as tell it from the others
/// (`甲/台账.xlsx`, `乙/台账.xlsx`); `_` for each character XML forbids, other
/// control characters escaped.
fn shown_names(paths: &[&Path]) -> Vec<Arc<str>> {
    let components: Vec<Vec<OsString>> = paths
        .iter()
        .map(|path| absolute_path(path).components().map(|c| c.as_os_str().to_owned()).collect())
        .collect();
    let tail = |index: usize, take: usize| {
        let all = &components[index];
        &all[all.len().saturating_sub(take)..]
    };
    // Paths that end alike all take one more component, until each differs.
    let mut takes = vec![1; paths.len()];
    loop {
        let mut counts: HashMap<&[OsString], usize> = HashMap::new();
        for (index, &take) in takes.iter().enumerate() {
            *counts.entry(tail(index, take)).or_default() += 1;
        }
        let shared: Vec<usize> = (0..paths.len())
            .filter(|&index| counts[tail(index, takes[index])] > 1 && takes[index] < components[index].len())
            .collect();
        if shared.is_empty() {
            break;
        }
        for index in shared {
            takes[index] += 1;
        }
    }
    (0..paths.len())
        .map(|index| {
            let name = tail(index, takes[index]).iter().collect::<PathBuf>();
            printable(&control::name_without_forbidden(&name.to_string_lossy())).into()
        })
        .collect()
}

/// `path` made absolute with `.` and `..` resolved by name (links are not
/// followed, so a link keeps its own name).
fn absolute_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut clean = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            component => clean.push(component),
        }
    }
    clean
}

/// A file none of whose sheets kaohe knows: probably a misnamed sheet or CSV.
fn nothing_known(name: &str) -> Text {
    let zh: Vec<&str> = schema::SheetKind::ALL.iter().map(|kind| kind.zh()).collect();
    let en: Vec<&str> = schema::SheetKind::ALL.iter().map(|kind| kind.en()).collect();
    let (zh, en) = (zh.join("、"), en.join(", "));
    text!(
        "{name} 中没有 kaohe 认识的表（{zh}，或含“日期”“类型”列的台账；CSV 以文件名为表名），已忽略",
        "{name} holds no sheet kaohe knows ({en}, or a ledger with date and type columns; a CSV is named by its file name); it is ignored"
    )
}

fn unsupported(name: &str) -> Text {
    text!(
        "无法读取 {name}：不是 kaohe 支持的格式（.xlsx .xlsm .xls .ods .csv），请在 WPS/Excel 中另存为 .xlsx",
        "cannot read {name}: not a format kaohe supports (.xlsx .xlsm .xls .ods .csv); save it as .xlsx in WPS/Excel"
    )
}

/// The bytes of a workbook file, read within the [`limits`] and
/// checked by the [`guard`] — for a reader other than [`read_inputs`] (`kaohe merge`)
/// that hands the bytes to calamine itself. `Err` is the message for the file.
pub fn read_checked_workbook(path: &Path) -> Result<Vec<u8>, Text> {
    let name = path.file_name().unwrap_or(path.as_os_str()).to_string_lossy();
    let Some(FileFormat::Workbook(format)) = FileFormat::of(path) else {
        return Err(unsupported(&name));
    };
    let bytes = read_bytes(path, &name, MAX_WORKBOOK_BYTES)?;
    guard::check_workbook(&bytes, format, &Limits::DEFAULT).map_err(|error| error.message(&name))?;
    Ok(bytes)
}

/// A file's bytes, or why they can't be read: missing, not a regular
/// file, larger than `limit`.
fn read_bytes(path: &Path, name: &str, limit: u64) -> Result<Vec<u8>, Text> {
    match read_bounded(path, limit) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => {
            let mb = limit >> 20;
            Err(text!(
                "无法读取 {name}：不是普通文件或大于 {mb} MB，超出 kaohe 的安全上限",
                "cannot read {name}: not a regular file, or larger than {mb} MB, beyond kaohe's safety limit"
            ))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(text!("找不到文件 {name}", "file not found: {name}"))
        }
        Err(error) => Err(text!("无法读取 {name}：{error}", "cannot read {name}: {error}")),
    }
}

/// An error on every cell longer than [`MAX_CELL_CHARS`].
fn check_cell_lengths(sheet: &Sheet, diagnostics: &mut Diagnostics) {
    for row in &sheet.rows {
        for (col, cell) in row.cells.iter().enumerate() {
            let Value::Text(text) = cell else { continue };
            if text.len() <= MAX_CELL_CHARS {
                continue;
            }
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                let location = Location::cell(sheet.file.clone(), sheet.name.clone(), row.number, col as u32);
                diagnostics.error(
                    Some(location),
                    text!(
                        "单元格有 {chars} 个字符，超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符",
                        "the cell holds {chars} characters, more than Excel's limit of {MAX_CELL_CHARS} per cell"
                    ),
                );
            }
        }
    }
}

/// A warning at each cell of a recognised sheet that lost control
/// characters as it was read (those of an ignored sheet reach no output).
fn report_cleaned(file: &Arc<str>, sheet: &Arc<str>, cleaned: &[(u32, u32)], diagnostics: &mut Diagnostics) {
    for &(row, col) in cleaned {
        diagnostics.warning(
            Some(Location::cell(file.clone(), sheet.clone(), row, col)),
            text!(
                "单元格含不可见的控制字符，已改为换行或去除",
                "the cell held invisible control characters; they were made line breaks or removed"
            ),
        );
    }
}

/// What reading one file gave: its source and sheets, unless it could not
/// be read, and the problems found.
struct FileRead {
    content: Option<(Source, Vec<Sheet>)>,
    diagnostics: Diagnostics,
}

/// Reads the file at `path`, shown as `name`.
fn read_file(path: &Path, name: &Arc<str>) -> FileRead {
    let mut diagnostics = Diagnostics::default();
    let mut fail = |message: Text| {
        diagnostics.error(Some(Location::file(name.clone())), message);
        None
    };
    let content = (|| {
        if std::fs::metadata(path).is_ok_and(|metadata| metadata.is_dir()) {
            return fail(text!(
                "{name} 是文件夹，不是文件：请给出其中的各个输入文件",
                "{name} is a folder, not a file: give the input files in it"
            ));
        }
        let Some(format) = FileFormat::of(path) else {
            return fail(unsupported(name));
        };
        let bytes = match read_bytes(path, name, format.size_limit()) {
            Ok(bytes) => bytes,
            Err(message) => return fail(message),
        };
        let sheets = match format {
            FileFormat::Workbook(format) => workbook::read_workbook(&bytes, format, name),
            FileFormat::Csv => csv::read_csv(&bytes, name, &file_stem(path)).map(|sheet| vec![sheet]),
        };
        let sheets = match sheets {
            Ok(sheets) => sheets,
            Err(error) => return fail(error.message(name)),
        };
        let sha256 = crate::digest::sha256(&bytes);
        Some((Source { path: path.to_owned(), name: name.clone(), sha256 }, sheets))
    })();
    FileRead { content, diagnostics }
}

/// The bytes of a regular file of at most `limit` bytes; `None` for a
/// larger file or anything else (a device, a pipe, a folder), which is never
/// read from.
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    // Asked before opening: opening a pipe waits for a writer.
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() || metadata.len() > limit {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The file name without its extension (`_` for characters XML forbids):
/// a CSV's sheet name, a ledger's unit.
fn file_stem(path: &Path) -> String {
    let stem = path.file_stem().map(|stem| stem.to_string_lossy()).unwrap_or_default();
    control::name_without_forbidden(&stem).into_owned()
}

#[cfg(test)]
mod tests {
    use std::path::MAIN_SEPARATOR;

    use super::*;

    #[test]
    fn inputs_sharing_a_name_show_as_many_folders_as_tell_them_apart() {
        let paths = [
            "/考核/甲/一支部/台账.xlsx",
            "/考核/乙/一支部/台账.xlsx",
            "/考核/丙/台账.xlsx",
            "/考核/单位.xlsx",
        ];
        let paths: Vec<&Path> = paths.iter().map(Path::new).collect();
        let names: Vec<String> =
            shown_names(&paths).iter().map(|name| name.replace(MAIN_SEPARATOR, "/")).collect();
        assert_eq!(names, ["甲/一支部/台账.xlsx", "乙/一支部/台账.xlsx", "丙/台账.xlsx", "单位.xlsx"]);
    }

    #[test]
    fn a_name_cannot_make_a_line_of_its_own() {
        // A newline (legal in XML) is escaped; ESC (forbidden) becomes `_`.
        let names = shown_names(&[Path::new("/tmp/x\n错误: \u{1b}[2Jx.xlsx")]);
        assert_eq!(&*names[0], "x\\n错误: _[2Jx.xlsx");
    }
}
