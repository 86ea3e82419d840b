//! The score workbook 考核得分表.xlsx (SPEC §5).
