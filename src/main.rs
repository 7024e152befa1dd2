//! The `onset` binary: see the library's `cli` module.

fn main() -> std::process::ExitCode {
    onset::cli::main()
}
