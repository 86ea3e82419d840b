//! Definition rows (单位, 指标, 权重, 设置) often come back from every branch
//! together with its ledger: a row repeated identically in another file
//! counts once; the same key with different content is an error, and so is
//! the same key twice within one file.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::input::{Row, Table};
use crate::text::normalize;

/// A row's content for comparison: every schema column's normalised text.
fn content(table: &Table, row: &Row) -> Vec<String> {
    table.schema().iter().map(|column| normalize(&table.get(row, column.en).display())).collect()
}

/// The rows of `tables` with identical repeats from other files dropped.
/// `key` gives a row's identity (`None`: the row has no key and is kept, its
/// missing key reported elsewhere); `key_column` is where a clash is reported.
pub(super) fn distinct_rows<'t>(
    tables: &[&'t Table],
    key_column: &str,
    key: impl Fn(&Table, &Row) -> Option<String>,
    diagnostics: &mut Diagnostics,
) -> Vec<(&'t Table, &'t Row)> {
    let mut first: HashMap<String, (&'t Table, &'t Row)> = HashMap::new();
    let mut kept = Vec::new();
    for &table in tables {
        for row in &table.rows {
            let Some(identity) = key(table, row) else {
                kept.push((table, row));
                continue;
            };
            match first.get(&identity) {
                None => {
                    first.insert(identity, (table, row));
                    kept.push((table, row));
                }
                Some(&(first_table, first_row)) => {
                    let place = first_table.location(first_row, key_column);
                    let shown = table.get(row, key_column).display();
                    let location = Some(table.location(row, key_column));
                    if first_table.source == table.source {
                        diagnostics.error(
                            location,
                            text!(
                                "“{shown}”重复，已在 {place} 出现",
                                "\"{shown}\" is repeated; first at {place}"
                            ),
                        );
                    } else if content(first_table, first_row) != content(table, row) {
                        diagnostics.error(
                            location,
                            text!(
                                "“{shown}”与 {place} 的同一项内容不同",
                                "\"{shown}\" differs from the same entry at {place}"
                            ),
                        );
                    }
                }
            }
        }
    }
    kept
}
