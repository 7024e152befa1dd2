//! Integration tests: the `onset` binary on the project's own fixtures.

mod util;

mod ingest;
