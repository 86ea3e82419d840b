//! The default criteria, weights and settings encoded from SPEC §1, used by `kaohe init` and the bundled sample.
