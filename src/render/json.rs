//! The JSON summary of SPEC §5 (`--json`, `summary.json`).
