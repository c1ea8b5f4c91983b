// The `routing` backend: a vehicle routing problem in, planned routes out.
//
// Wire contract (config written by WriteDemoRoutingModel):
//   input  PROBLEM  BYTES [1]: the problem as JSON (strato/routing/json.h)
//   output SOLUTION BYTES [1]: the solution as JSON (routes, cost, per-route
//                             load and schedule, cost history)
// The model schedules itself (kDirect): each request is a job run by one of
// `max_concurrent_jobs` workers, at most `max_queued_jobs` wait (beyond that
// the request fails with RESOURCE_EXHAUSTED), and a cancelled request (client
// gone, or the server's cancel) stops its solve, which answers with the best
// solution found so far. Each job has its own time budget and threads, taken
// from the JSON and capped by `max_time_limit_s` and `max_threads`.
//
// Jobs: a problem with "async": true is answered at once with
// {"job_id": "job-7", "state": "queued", ...}; later requests
// {"action": "poll" | "result" | "cancel", "job_id": "job-7"} return the state
// (queued, running, done, cancelled, failed), the best cost so far and its
// history [[seconds, cost], ...]; "result" adds the solution once the job has
// ended; "cancel" stops it (it then ends "cancelled" with its best solution).
// Ended jobs are kept (the last `kept_jobs`) so their result can be fetched.
//
// Config parameters (string values): max_concurrent_jobs (default 2),
// max_queued_jobs (16), kept_jobs (256), default_time_limit_s (2),
// max_time_limit_s (60), max_threads (2).
#pragma once

#include <filesystem>
#include <string>

#include "strato/backend/backend.h"
#include "strato/core/status.h"

namespace strato::routing {

void RegisterRoutingBackend(BackendRegistry* registry);

// Writes dir/routing/config.pbtxt, dir/routing/1/ and
// dir/routing/1/example_problem.json (a generated 40-customer problem with
// time windows). Overwrites those files only.
Status WriteDemoRoutingModel(const std::filesystem::path& dir);

// The example problem of the demo (deterministic), as JSON.
std::string DemoRoutingProblemJson();

}  // namespace strato::routing
