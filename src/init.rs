//! `kaohe init`: a blank input workbook with the default criteria, plus the editable templates.
