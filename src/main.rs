use std::process::ExitCode;

fn main() -> ExitCode {
    kaohe::main_with_args(std::env::args_os())
}
