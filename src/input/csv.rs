//! CSV reading: UTF-8 with or without BOM, or GB18030/GBK, detected.
