//! The `kaohe` binary: everything is in the library, so tests run the same
//! code.

use std::process::ExitCode;

fn main() -> ExitCode {
    kaohe::main_with_args(std::env::args_os())
}
