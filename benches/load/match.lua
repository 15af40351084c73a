-- wrk script for benches/match_api.rs. Arguments: QUERIES_FILE
-- The file's first line is the API token; every other line a request path
-- (/api/v1/scripts/match?q=…), sent round robin with the token.
local token, paths, counter = "", {}, 0

function init(args)
  for line in io.lines(args[1]) do
    if token == "" then token = line else paths[#paths + 1] = line end
  end
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
