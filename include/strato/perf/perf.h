// `strato perf`: a load generator for KServe v2 / Triton inference servers,
// in the spirit of Triton's perf_analyzer.
//
// It fetches a model's metadata (and configuration, for the batch dimension),
// builds pre-serialised requests, drives the server over HTTP/1.1 keep-alive
// or gRPC at a series of concurrency levels (closed loop) or request rates
// (open loop), measures windows until throughput is stable, and reports
// client latency percentiles next to the server's own breakdown taken from
// the statistics extension. `strato perf --help` lists every flag.
//
// Thread-safety: RunPerfCommand is a whole command; it starts and joins its
// own worker threads and must not be called concurrently with itself.
#pragma once

namespace strato {

// Runs the command. argv[0] is the subcommand name ("perf"); flags follow.
// Results go to stdout (table) and to the files named by --csv / --json;
// progress and errors go to stderr. Returns 0 on success, 1 on any error
// (bad flags, server unreachable, unknown model, a level with no successful
// request, unwritable output file).
int RunPerfCommand(int argc, char** argv);

}  // namespace strato
