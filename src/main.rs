//! The `onset` binary: see the library's `cli` module.

// tantivy's indexer allocates and frees many short-lived buffers from
// several threads; mimalloc serves that pattern markedly faster than the
// system allocator (see BENCHMARKS.md). Built without transparent huge
// pages: each first touch of a huge page zeroes 2 MiB, most of it unused.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc.h (libmimalloc-sys does not name it)
/// and its documented default, which tells that the number is still right.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 1000;

fn main() -> std::process::ExitCode {
    // Keep freed memory for reuse instead of handing it back to the OS a
    // second later: an ingest frees and refills its indexing buffers segment
    // after segment, and every page handed back is faulted in and zeroed
    // again (~10 % of an ingest's time). Memory stays bounded by the peak.
    #[allow(unsafe_code)]
    // SAFETY: mi_option_get/mi_option_set read and store an integer in
    // mimalloc's option table; any value is valid for this option and it may
    // be set at any time.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == DEFAULT_PURGE_DELAY_MS {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
    onset::cli::main()
}
