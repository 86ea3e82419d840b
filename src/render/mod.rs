//! Renderers: pure functions from the scored report to file bytes.
