//! Property test through real files: the counted rows and the scores of a
//! random ledger on the common definitions do not depend on how the rows
//! are split across workbooks, the order of the files, whether branches
//! return the definition sheets with their ledger, nor whether a ledger keeps
//! one sheet per unit (docs/输入.md: sheets of one kind are concatenated,
//! identical definition rows count once, exact duplicate activities and
//! incidents count once wherever they are). 64 cases unless
//! `PROPTEST_CASES` says otherwise.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use crate::common::{self, SheetRows};

const DEFINITIONS: [&str; 4] = ["设置", "单位", "指标", "权重"];
/// Units of the common definitions, each by id or by name.
const UNITS: [(&str, &str); 4] =
    [("D0", "局党委"), ("D1", "机关党委"), ("U1", "第一党支部"), ("U2", "第二党支部")];
const TYPES: [&str; 6] = ["专题研究", "季度分析", "综合检查", "述职", "表彰", "严重错误倾向"];
const REPORTED: [&str; 3] = ["", "是", "否"];

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config
}

/// One ledger row as cells, and the ledger file it goes to.
#[derive(Clone, Debug)]
struct Placed {
    sheet: &'static str,
    cells: Vec<String>,
    file: usize,
}

#[derive(Clone, Debug)]
struct Case {
    rows: Vec<Placed>,
    ledger_files: usize,
    /// Ledger files carry the 设置 and 单位 sheets too (the returned template).
    with_template: bool,
    /// Ledger files keep one 活动 sheet per unit.
    per_unit: bool,
    file_order_seed: u64,
}

fn unit_reference() -> impl Strategy<Value = String> {
    (0..UNITS.len(), any::<bool>()).prop_map(|(unit, by_name)| {
        let (id, name) = UNITS[unit];
        (if by_name { name } else { id }).to_owned()
    })
}

/// A moment from mid-December of the previous year (out of the year, not
/// counted) to the end of the assessment year, on the quarter hour.
fn moment() -> impl Strategy<Value = NaiveDateTime> {
    (-20 * 96..365 * 96i64).prop_map(|quarters| {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
            + Duration::minutes(15 * quarters)
    })
}

fn text(time: NaiveDateTime) -> String {
    time.format("%Y-%m-%d %H:%M").to_string()
}

fn activity() -> impl Strategy<Value = Vec<String>> {
    (unit_reference(), moment(), 0..TYPES.len(), 0..REPORTED.len()).prop_map(
        |(unit, date, kind, reported)| {
            vec![
                unit,
                date.format("%Y-%m-%d").to_string(),
                TYPES[kind].to_owned(),
                REPORTED[reported].to_owned(),
            ]
        },
    )
}

fn incident() -> impl Strategy<Value = Vec<String>> {
    let step = prop::option::weighted(0.85, -4..=40i64);
    (unit_reference(), moment(), [step.clone(), step.clone(), step.clone(), step]).prop_map(
        |(unit, occurred, steps)| {
            let mut previous = occurred;
            let mut cells = vec![unit, "事件".to_owned(), text(occurred)];
            for hours in steps {
                cells.push(hours.map_or_else(String::new, |hours| {
                    previous += Duration::hours(hours);
                    text(previous)
                }));
            }
            cells
        },
    )
}

/// At most one DJ01 score per unit (a second one is an error), in halves.
fn scores() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::option::of(0..=20u32), UNITS.len()).prop_map(|scores| {
        scores
            .iter()
            .zip(UNITS)
            .filter_map(|(score, (id, _))| {
                let score = format!("{}", f64::from((*score)?) / 2.0);
                Some(vec![id.to_owned(), "DJ01".to_owned(), score])
            })
            .collect()
    })
}

fn case() -> impl Strategy<Value = Case> {
    (
        // At least one activity: 指标 filters on 上报, a column some 活动 sheet must have.
        prop::collection::vec((activity(), any::<usize>()), 1..30),
        prop::collection::vec((incident(), any::<usize>()), 0..5),
        scores(),
        prop::collection::vec(any::<usize>(), UNITS.len()),
        1..=3usize,
        (any::<bool>(), any::<bool>()),
        any::<u64>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<usize>()), 0..4),
    )
        .prop_map(
            |(
                activities,
                incidents,
                scores,
                score_files,
                ledger_files,
                (with_template, per_unit),
                file_order_seed,
                repeats,
            )| {
                let place = |sheet, (cells, file): (Vec<String>, usize)| Placed {
                    sheet,
                    cells,
                    file: file % ledger_files,
                };
                let mut rows: Vec<Placed> = activities.into_iter().map(|row| place("活动", row)).collect();
                rows.extend(incidents.into_iter().map(|row| place("舆情", row)));
                // The same activity or incident sent twice, maybe by another file.
                if !rows.is_empty() {
                    for (row, file) in repeats {
                        let repeated = row.get(&rows).clone();
                        rows.push(Placed { file: file % ledger_files, ..repeated });
                    }
                }
                rows.extend(scores.into_iter().zip(score_files).map(|row| place("评分", row)));
                Case { rows, ledger_files, with_template, per_unit, file_order_seed }
            },
        )
}

fn header(sheet: &str) -> Vec<String> {
    let names: &[&str] = match sheet {
        "活动" => &["单位编号", "日期", "类型", "上报"],
        "舆情" => &["单位编号", "事件", "发生时间", "发现时间", "研判时间", "报送时间", "处置时间"],
        _ => &["单位编号", "指标编号", "得分"],
    };
    names.iter().map(|name| name.to_string()).collect()
}

type Sheets = Vec<(String, Vec<Vec<String>>)>;

/// The ledger sheets holding `rows`, each with its header; empty sheets left
/// out. `per_unit`: activities go to one sheet per unit, named by its id,
/// without a 单位编号 column (docs/输入.md: branches keep one sheet per unit).
fn ledger_sheets<'a>(rows: impl Iterator<Item = &'a Placed> + Clone, per_unit: bool) -> Sheets {
    let body = |sheet: &str| -> Vec<Vec<String>> {
        rows.clone().filter(|row| row.sheet == sheet).map(|row| row.cells.clone()).collect()
    };
    let with_header = |name: String, header: Vec<String>, body: Vec<Vec<String>>| {
        (!body.is_empty()).then(|| (name, [vec![header], body].concat()))
    };
    let activities: Sheets = if per_unit {
        let of_unit = |(id, name): (&str, &str)| {
            let own = body("活动").into_iter().filter(|cells| cells[0] == id || cells[0] == name);
            with_header(
                id.to_owned(),
                header("活动")[1..].to_vec(),
                own.map(|cells| cells[1..].to_vec()).collect(),
            )
        };
        UNITS.into_iter().filter_map(of_unit).collect()
    } else {
        with_header("活动".to_owned(), header("活动"), body("活动")).into_iter().collect()
    };
    let others = ["舆情", "评分"]
        .into_iter()
        .filter_map(|sheet| with_header(sheet.to_owned(), header(sheet), body(sheet)));
    activities.into_iter().chain(others).collect()
}

fn write(
    dir: &Path,
    name: &str,
    definitions: &[(&str, SheetRows)],
    ledger: &[(String, Vec<Vec<String>>)],
) -> PathBuf {
    let mut sheets: Vec<(&str, SheetRows)> = definitions.to_vec();
    for (sheet, rows) in ledger {
        sheets.push((
            sheet.as_str(),
            rows.iter().map(|row| row.iter().map(String::as_str).collect()).collect(),
        ));
    }
    common::write_xlsx(dir, name, &sheets)
}

/// What the inputs come to: the counted ledger rows (activities,
/// incidents, both out of the year) and `(unit id, rank, total, grade)` in
/// ranking order.
#[derive(Debug, PartialEq)]
struct Outcome {
    rows: [usize; 4],
    standings: Vec<(String, u32, String, String)>,
}

fn outcome(inputs: Vec<PathBuf>) -> Outcome {
    let (model, _) = common::load_valid(inputs);
    let standings = kaohe::score::score(&model)
        .units
        .iter()
        .map(|unit| {
            let id = model.units[unit.unit].id.clone();
            (id, unit.rank, kaohe::number::format_fixed(&unit.total, 2), unit.grade.clone())
        })
        .collect();
    let out_of_year = model.out_of_year;
    let rows = [model.activities.len(), model.incidents.len(), out_of_year.activities, out_of_year.incidents];
    Outcome { rows, standings }
}

fn rotate(files: &mut [PathBuf], seed: u64) {
    let len = files.len();
    files.rotate_left((seed % len as u64) as usize);
    if seed & 1 == 1 {
        files.reverse();
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scores_do_not_depend_on_how_the_ledger_is_split(case in case()) {
        let dir = tempfile::tempdir().unwrap();
        let definitions: Vec<(&str, SheetRows)> =
            common::base_sheets().into_iter().filter(|(name, _)| DEFINITIONS.contains(name)).collect();
        let template: Vec<(&str, SheetRows)> =
            definitions.iter().filter(|(name, _)| ["设置", "单位"].contains(name)).cloned().collect();

        let whole = write(dir.path(), "全部.xlsx", &definitions, &ledger_sheets(case.rows.iter(), false));
        let mut split = vec![write(dir.path(), "定义.xlsx", &definitions, &[])];
        for file in 0..case.ledger_files {
            let ledger = ledger_sheets(case.rows.iter().filter(|row| row.file == file), case.per_unit);
            let returned = if case.with_template { template.as_slice() } else { &[] };
            if !ledger.is_empty() || case.with_template {
                split.push(write(dir.path(), &format!("台账{file}.xlsx"), returned, &ledger));
            }
        }
        rotate(&mut split, case.file_order_seed);

        let expected = outcome(vec![whole]);
        prop_assert_eq!(expected.standings.len(), 3, "D1, U1 and U2 are assessed");
        prop_assert_eq!(outcome(split), expected);
    }
}
