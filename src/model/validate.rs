//! Validation: tables become a [`Model`], every problem a located diagnostic.

use super::Model;
use crate::diagnostic::Diagnostics;
use crate::input::Inputs;

/// Validates `inputs` into a model; `year` overrides the settings year.
pub fn validate(inputs: Inputs, year: Option<i32>) -> (Option<Model>, Diagnostics) {
    let _ = (inputs, year);
    todo!()
}
