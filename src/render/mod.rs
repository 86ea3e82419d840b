//! Renderers: pure functions from the scored report to file bytes. None of
//! them writes a file; [`crate::output`] does.

pub mod docx;
pub mod json;
pub mod xlsx;
