-- wrk script for bench/api/run-items.sh: each request takes the next box of a fixed list, in
-- turn, so both servers answer exactly the same sequence of queries.
--
--   ITEMS_PREFIX='/collections/trees/items?limit=100&bbox=' BBOXES=bench/api/bboxes.txt \
--     wrk -t1 -c4 -d20s --latency -s bench/api/items.lua http://127.0.0.1:PORT
--
-- At the end one machine-readable line:
--   RESULT requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. non2xx=N errors=N

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "common.lua")

local prefix = os.getenv("ITEMS_PREFIX")
local boxes = load_boxes()
assert(prefix and #boxes > 0, "ITEMS_PREFIX and BBOXES (a file of boxes) are needed")

local threads = {}
local n = 0

function setup(thread)
  -- Threads start at different boxes so that they do not ask for the same one at once.
  thread:set("start", n * 7)
  n = n + 1
  threads[#threads + 1] = thread
end

function init(args)
  i = start
end

function request()
  i = i % #boxes + 1
  return wrk.format("GET", prefix .. boxes[i])
end

function done(summary, latency, requests)
  write_result(summary, latency, "")
end
