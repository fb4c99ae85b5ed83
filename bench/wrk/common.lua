-- Shared by the bench scripts: per-thread status counts, lines of a data file
-- split between threads, and one BENCH_JSON line from done().
local threads = {}
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")

statuses = {}
replayed = 0
real = 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- The lines of `path` whose index falls to this thread, as tab-split fields.
function bench_lines(path)
  local rows = {}
  local index = 0
  for line in io.lines(path) do
    if line ~= "" then
      if index % thread_count == thread_index then
        local fields = {}
        for part in string.gmatch(line, "[^\t]+") do
          table.insert(fields, part)
        end
        table.insert(rows, fields)
      end
      index = index + 1
    end
  end
  return rows
end

-- Tell the orchestrator this thread is finished (it then ends wrk early:
-- wrk itself always waits out its -d duration) and stop the thread.
function bench_thread_done()
  local marker = io.open(
    os.getenv("BENCH_DONE_DIR") .. "/thread-" .. thread_index, "w")
  marker:close()
  wrk.thread:stop()
end

function bench_count(status, headers)
  real = real + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  -- uvicorn sends header names in lowercase.
  local replay = headers["idempotent-replayed"] or headers["Idempotent-Replayed"]
  if replay == "true" then
    replayed = replayed + 1
  end
end

function done(summary, latency, requests)
  local totals = {}
  local total_real, total_replayed = 0, 0
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do
      totals[key] = (totals[key] or 0) + count
    end
    total_real = total_real + thread:get("real")
    total_replayed = total_replayed + thread:get("replayed")
  end
  local parts = {}
  for key, count in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', key, count))
  end
  io.write(string.format(
    'BENCH_JSON {"statuses": {%s}, "real": %d, "replayed": %d, '
      .. '"duration_us": %d, "p50_us": %d, "p99_us": %d}\n',
    table.concat(parts, ", "), total_real, total_replayed, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
