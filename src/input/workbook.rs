//! Workbook reading through calamine: `.xlsx`, `.xlsm`, `.xls`, `.ods`.
