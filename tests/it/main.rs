//! kaohe's integration tests, one module per area, in one test binary: each
//! binary links the whole crate and its dependencies, so one link instead
//! of one per file keeps `cargo test` quick. Run one area with
//! `cargo test --test it cli::`; the long fuzz runs with
//! `cargo test --test it fuzz:: -- --ignored`.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod control_characters;
mod fuzz;
mod hostile;
mod init;
mod input;
mod items;
mod merge;
mod pdf;
mod previous;
mod properties;
mod published_table;
mod reports;
mod sample;
mod score;
mod self_assessment;
mod serve;
mod validate;
