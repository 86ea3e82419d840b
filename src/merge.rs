//! `kaohe merge`: combine score workbooks submitted by lower-level organisations.
