//! The logical name of each uploaded file (docs/网页版.md). A file's name is
//! data — a CSV's sheet is its stem, a per-unit ledger's unit is its stem,
//! 说明 lists the names — so each upload keeps the client's base name, made
//! safe by the letter-file rule ([`crate::output::safe_file_name`]), with
//! `-2`, `-3` before the extension for a name already taken. The name is
//! then the file's name in the job's folder: a client-supplied path never
//! becomes one.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use crate::output::safe_file_name;

/// The logical names of files uploaded as `given` (client file names, in
/// upload order), in the same order. The base name is what follows the last
/// `/` or `\`; its stem and extension are made safe apart, so the extension
/// — the file's format — survives the cut to 60 characters. Names are
/// compared as macOS and Windows do (NFC, case folded).
pub(super) fn logical_names<'a>(given: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken = HashSet::new();
    given
        .into_iter()
        .map(|name| {
            let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
            let (stem, extension) = match base.rsplit_once('.') {
                Some((stem, extension)) if !stem.is_empty() => (stem, Some(safe_file_name(extension))),
                _ => (base, None),
            };
            let stem = safe_file_name(stem);
            let named = |stem: &str| match &extension {
                Some(extension) => format!("{stem}.{extension}"),
                None => stem.to_owned(),
            };
            let mut candidate = named(&stem);
            let mut counter = 1;
            while !taken.insert(candidate.nfc().collect::<String>().to_lowercase()) {
                counter += 1;
                candidate = named(&format!("{stem}-{counter}"));
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_reserved_names_never_reach_the_folder() {
        let names = logical_names(["../../x.xlsx", "C:\\Users\\a\\台账.xlsx", "CON.csv", "a\0b.xlsx", ".."]);
        assert_eq!(names, ["x.xlsx", "台账.xlsx", "_CON.csv", "a_b.xlsx", "_._"]);
        assert_eq!(logical_names([""]), ["_"]);
        assert_eq!(logical_names([".xlsx"]), ["_xlsx"]);
    }

    #[test]
    fn repeats_get_numbers_before_the_extension() {
        let names = logical_names(["台账.xlsx", "甲/台账.xlsx", "台账.XLSX", "活动.csv", "活动.csv"]);
        assert_eq!(names, ["台账.xlsx", "台账-2.xlsx", "台账-3.XLSX", "活动.csv", "活动-2.csv"]);
    }

    #[test]
    fn a_long_name_keeps_its_extension() {
        let name = &logical_names([format!("{}.csv", "长".repeat(100)).as_str()])[0];
        assert_eq!(name.chars().count(), 64);
        assert!(name.ends_with(".csv"));
    }
}
