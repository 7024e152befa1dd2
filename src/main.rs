//! The `onset` binary: see the library's `cli` module.

// tantivy's indexer allocates and frees many short-lived buffers from
// several threads; mimalloc serves that pattern markedly faster than the
// system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    onset::cli::main()
}
