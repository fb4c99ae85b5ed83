-- POST /orders once per line of BENCH_PAIRS (token, cart id, Idempotency-Key).
-- Sending the same file again replays every checkout with its own key and
-- body. A thread stops once each of its lines has been answered; connections
-- that find the list empty meanwhile send a cheap request once a second.
-- wrk waits out its whole -d duration, so the orchestrator interrupts it
-- as soon as every thread has said it is done.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local rows = {}
local next_row = 1
local sent = 0
local finished = false
local address = "Av. Paulista 1000, Sao Paulo SP, 01310-100"

function init(args)
  rows = bench_lines(os.getenv("BENCH_PAIRS"))
end

function delay()
  if next_row > #rows then
    return 1000
  end
  return 0
end

-- wrk 4 calls request() once on thread 0's state before any connection
-- opens, to check the script; that call must not use up a row.
local checked = false

function request()
  if thread_index == 0 and not checked then
    checked = true
    return wrk.format("GET", "/health/liveness")
  end
  local row = rows[next_row]
  if row == nil then
    return wrk.format("GET", "/health/liveness")
  end
  next_row = next_row + 1
  sent = sent + 1
  local body = string.format(
    '{"cart_id": "%s", "shipping_address": "%s"}', row[2], address)
  return wrk.format("POST", "/orders", {
    ["Authorization"] = "Bearer " .. row[1],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = row[3],
  }, body)
end

function response(status, headers, body)
  -- Only the filler request answers 200; checkouts answer 201 or an error.
  if status ~= 200 then
    bench_count(status, headers)
  end
  if next_row > #rows and real >= sent and not finished then
    finished = true
    bench_thread_done()
  end
end
