//! What kaohe's files are called in the output folder (docs/输出.md): the
//! fixed names of `score`'s and `merge`'s files, the letters' folder and each
//! letter's name, made safe from its unit's name. The renderers never see a
//! path: the top of the program hands each rendered file to the name this
//! module gives it ([`super::ScoreFiles`]).

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use super::Planned;

/// The score workbook (`score`), or the combined one (`merge`).
pub const WORKBOOK_FILE: &str = "考核得分表.xlsx";
/// The bulletin.
pub const BULLETIN_FILE: &str = "考核结果通报.docx";
/// The combined volume of every feedback letter.
pub const VOLUME_FILE: &str = "反馈汇编.docx";
/// The machine-readable summary, which lists every other output.
pub const SUMMARY_FILE: &str = "summary.json";
/// The folder of the per-unit feedback letters.
pub const LETTERS_DIR: &str = "反馈";

impl Planned {
    /// What `score` writes: its fixed files and the letters' folder.
    pub fn score() -> Planned {
        Planned {
            files: [WORKBOOK_FILE, BULLETIN_FILE, VOLUME_FILE, SUMMARY_FILE].map(str::to_owned).to_vec(),
            folders: vec![LETTERS_DIR.to_owned()],
        }
    }

    /// What `score --pdf` writes: [`Self::score`] and the PDFs of the
    /// bulletin and the volume (the letters' PDFs go into the letters'
    /// folder).
    pub fn score_with_pdf() -> Planned {
        let mut planned = Planned::score();
        planned.files.extend([BULLETIN_FILE, VOLUME_FILE].map(pdf_path));
        planned
    }

    /// What `merge` writes.
    pub fn merge() -> Planned {
        Planned { files: [WORKBOOK_FILE, BULLETIN_FILE].map(str::to_owned).to_vec(), folders: Vec::new() }
    }
}

/// The path of the PDF of the document at `docx` (`--pdf`): beside it, with
/// `.pdf` for `.docx`.
pub fn pdf_path(docx: &str) -> String {
    format!("{}.pdf", docx.strip_suffix(".docx").unwrap_or(docx))
}

/// The paths of the feedback letters of units ranked `letters` — (rank,
/// unit name) in rank order — inside the output folder: each
/// [`LETTERS_DIR`]`/` and its name from [`letter_file_names`].
pub fn letter_paths<'a>(letters: impl IntoIterator<Item = (u32, &'a str)>) -> Vec<String> {
    letter_file_names(letters).into_iter().map(|name| format!("{LETTERS_DIR}/{name}")).collect()
}

/// Characters unsafe in a file name on Windows or Unix.
fn is_unsafe(c: char) -> bool {
    matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        || c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
    "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Longest unit name kept in a file name, in characters.
const MAX_NAME_CHARS: usize = 60;

/// A unit name made safe as a file name: unsafe characters, a dot right
/// after a dot (no `..` anywhere) and leading or trailing dots and spaces
/// become `_`, cut to 60 characters, Windows device names get a `_` prefix.
pub fn safe_file_name(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().map(|c| if is_unsafe(c) { '_' } else { c }).collect();
    chars.truncate(MAX_NAME_CHARS);
    for index in 1..chars.len() {
        if chars[index] == '.' && chars[index - 1] == '.' {
            chars[index] = '_';
        }
    }
    let is_edge = |c: &char| matches!(c, '.' | ' ');
    let leading = chars.iter().take_while(|c| is_edge(c)).count();
    let trailing = chars.iter().rev().take_while(|c| is_edge(c)).count();
    let keep = leading..chars.len().saturating_sub(trailing).max(leading);
    for (index, c) in chars.iter_mut().enumerate() {
        if !keep.contains(&index) {
            *c = '_';
        }
    }
    let name: String = chars.into_iter().collect();
    if name.is_empty() {
        return "_".to_owned();
    }
    let stem = name.split('.').next().unwrap_or("").trim_end().to_uppercase();
    if RESERVED.contains(&stem.as_str()) { format!("_{name}") } else { name }
}

/// File names of the feedback letters: `NNN-单位名称.docx`, NNN the rank
/// zero-padded to the digits of the number of letters (at least 3); a name
/// already taken gets `-2`, `-3`. Names are compared as macOS and Windows
/// do: after Unicode normalisation (NFC) and case folding, so `Café`
/// typed composed or decomposed, or as `CAFÉ`, names three files.
pub fn letter_file_names<'a>(letters: impl IntoIterator<Item = (u32, &'a str)>) -> Vec<String> {
    let letters: Vec<(u32, &str)> = letters.into_iter().collect();
    let width = letters.len().to_string().len().max(3);
    let same_file = |name: &str| name.nfc().collect::<String>().to_lowercase();
    let mut taken = HashSet::new();
    letters
        .iter()
        .map(|&(rank, name)| {
            let base = format!("{rank:0width$}-{}", safe_file_name(name));
            let mut candidate = base.clone();
            let mut counter = 1;
            while !taken.insert(same_file(&candidate)) {
                counter += 1;
                candidate = format!("{base}-{counter}");
            }
            format!("{candidate}.docx")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_become_safe() {
        assert_eq!(safe_file_name("办公室/党支部"), "办公室_党支部");
        assert_eq!(safe_file_name("..\\..\\x"), "___.__x");
        assert_eq!(safe_file_name("a...b"), "a._.b");
        assert_eq!(safe_file_name("a:b*c?d\"e<f>g|h"), "a_b_c_d_e_f_g_h");
        assert_eq!(safe_file_name(" .名称. "), "__名称__");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("nul.txt"), "_nul.txt");
        assert_eq!(safe_file_name("CONSOLE"), "CONSOLE");
        assert_eq!(safe_file_name("a\u{202E}b\tc"), "a_b_c");
        assert_eq!(safe_file_name(""), "_");
        assert_eq!(safe_file_name(&"长".repeat(300)).chars().count(), 60);
    }

    #[test]
    fn letter_names_are_ranked_padded_and_unique() {
        let names = letter_file_names([(1, "第一党支部"), (2, "A/B"), (2, "A_B"), (4, "a_b")]);
        assert_eq!(names, ["001-第一党支部.docx", "002-A_B.docx", "002-A_B-2.docx", "004-a_b.docx"]);
        let many: Vec<(u32, &str)> = (1..=1200).map(|rank| (rank, "x")).collect();
        assert_eq!(letter_file_names(many)[0], "0001-x.docx");
    }

    #[test]
    fn letter_names_differing_only_in_normal_form_or_case_get_suffixes() {
        let names = letter_file_names([(1, "Café"), (1, "Cafe\u{301}"), (1, "CAFÉ"), (1, "CAFE\u{301}")]);
        assert_eq!(
            names,
            ["001-Café.docx", "001-Cafe\u{301}-2.docx", "001-CAFÉ-3.docx", "001-CAFE\u{301}-4.docx"]
        );
    }
}
