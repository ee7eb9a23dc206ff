//! The `opros` binary: all logic lives in the library.
fn main() -> std::process::ExitCode {
    opros::cli::main()
}
