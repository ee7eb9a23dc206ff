//! The `opros` binary: all logic lives in the library.

/// mimalloc instead of glibc malloc: requests allocate on the HTTP workers and are freed on the writer
/// thread (and back), which glibc's per-thread arenas handle poorly (measured under the load example).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    opros::cli::main()
}
