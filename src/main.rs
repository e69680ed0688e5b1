//! The `talentgraph` binary: parse the command line and run it.

use clap::Parser as _;

/// An allocator made for many small, short-lived allocations (a GraphQL response is thousands
/// of them): with glibc's, a third of the nested query's CPU went to malloc and free, and
/// resident memory stayed at its peak. Chosen by measurement (`cargo bench --bench load`):
/// jemalloc and mimalloc both halved the CPU per request; jemalloc also gave the memory back
/// (its background threads return it while the server is idle). It also stands in for the C
/// library's `malloc` (`unprefixed_malloc_on_supported_platforms`), which the SQLite compiled
/// into the binary calls for every value it copies out: glibc's cost the SQLite nested query
/// a fifth of its CPU (`malloc_consolidate`, arena locks).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = talentgraph::cli::Cli::parse();
    match talentgraph::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::from(2)
        }
    }
}
