-- wrk script of the soak (bench/soak/run.sh): a mix of what the city's users ask, every
-- connection one request at a time. Of every 100 requests:
--   ~48 pages of trees in a 120 m box around a tree (bbox in the store CRS, bbox-crs),
--    30 vector tiles (the tile list of bench/tiles/tile_list.sh),
--    10 pages of works (limit=20),
--    10 tree edits: a PATCH of one tree's height as field staff with the If-Match of its last
--       answer (the first touch of a tree is a GET of it; each wrk thread edits its own 50 trees,
--       one request per tree at a time, so no PATCH of ours is stale),
--   and one request in 500 submits a new work (a 30 m trench beside a tree) as a contractor
--   (rarer than edits: every work stays in the store and in the server's conflict engine, so
--   more would make memory grow with the data, not with the load).
--
--   TREES=trees.txt TILES=tiles.txt FIELD_KEY=rz_.. CONTRACTOR_KEY=rz_.. [SRID=25832] \
--   [SUBMIT_EVERY=500] \
--   wrk -t2 -c256 -d600s --timeout 10s -s bench/soak/soak.lua http://127.0.0.1:8080
--
-- TREES: "id x y" per line (store CRS); TILES: "z x y" per line. At the end one line:
--   RESULT requests=N seconds=S rps=R p50_ms=.. p99_ms=.. max_ms=.. errors=N s2xx=N s4xx=N
--          s5xx=N s503_retry_after=N s503_bare=N s412=N s429=N patch_ok=N posted=N ...

local trees = {}
for line in io.lines(os.getenv("TREES")) do
  local id, x, y = line:match("^(%d+) ([-%d.]+) ([-%d.]+)")
  if id then trees[#trees + 1] = {id = tonumber(id), x = tonumber(x), y = tonumber(y)} end
end
local tiles = {}
for line in io.lines(os.getenv("TILES")) do
  local z, x, y = line:match("^(%d+) (%d+) (%d+)")
  if z then tiles[#tiles + 1] = "/tiles/city/" .. z .. "/" .. x .. "/" .. y .. ".mvt" end
end
local field_key = os.getenv("FIELD_KEY")
local contractor_key = os.getenv("CONTRACTOR_KEY")
local crs = "http://www.opengis.net/def/crs/EPSG/0/" .. (os.getenv("SRID") or "25832")
-- One request in SUBMIT_EVERY is a submission (0: none, for a run that tells the memory the
-- new works take from the rest).
local submit_every = tonumber(os.getenv("SUBMIT_EVERY") or "500")
-- EDITS=0: no PATCH either (their tenth of the requests become tree pages): reads only.
local edits = os.getenv("EDITS") ~= "0"
if not edits then submit_every = 0 end
assert(#trees >= 200 and #tiles > 0 and field_key and contractor_key,
  "TREES (200 lines at least), TILES, FIELD_KEY and CONTRACTOR_KEY are needed")

local threads = {}
local n = 0
local counters = {"s2xx", "s3xx", "s4xx", "s5xx", "s503_retry_after", "s503_bare", "s412",
  "s429", "patch_ok", "patch_other", "posted", "post_other", "tree_gets"}

function setup(thread)
  thread:set("index", n)
  n = n + 1
  threads[#threads + 1] = thread
end

function init(args)
  k = index * 13
  for _, c in ipairs(counters) do _G[c] = 0 end
  unknown, ready, patching = {}, {}, {}
  local first = (index * 50) % (#trees - 50)
  for j = 1, 50 do unknown[#unknown + 1] = trees[first + j].id end
  post_seq, patch_seq = 0, index * 1000
end

local function tree_page()
  local t = trees[(k * 7919) % #trees + 1]
  return wrk.format("GET", string.format(
    "/collections/trees/items?limit=100&bbox=%.0f,%.0f,%.0f,%.0f&bbox-crs=%s",
    t.x - 60, t.y - 60, t.x + 60, t.y + 60, crs))
end

local function submission()
  post_seq = post_seq + 1
  local t = trees[(k * 104729) % #trees + 1]
  local y = t.y + 3 + (k % 5)
  local body = string.format(
    '{"type":"Feature","geometry":{"type":"LineString","coordinates":[[%.2f,%.2f],[%.2f,%.2f]]},' ..
    '"properties":{"reference":"SOAK-%d-%d","title":"Hausanschluss","kind":"trench",' ..
    '"width_m":0.8,"starts_at":"2027-06-07T07:00:00+02:00","ends_at":"2027-06-18T17:00:00+02:00"}}',
    t.x - 15, y, t.x + 15, y, index, post_seq)
  return wrk.format("POST", "/collections/works/items", {
    ["Authorization"] = "Bearer " .. contractor_key,
    ["Content-Type"] = "application/geo+json",
    ["Content-Crs"] = "<" .. crs .. ">",
  }, body)
end

function request()
  k = k + 1
  if submit_every > 0 and k % submit_every == 0 then return submission() end
  local d = k % 10
  if d == 5 and edits then
    if #unknown > 0 then
      tree_gets = tree_gets + 1
      return wrk.format("GET", "/collections/trees/items/" .. table.remove(unknown))
    end
    if #ready > 0 then
      local t = table.remove(ready, 1)
      patching[t.id] = true
      -- A height of its own for every PATCH of this thread: an edit to the value a tree already
      -- has changes nothing and writes no history row, and run.sh counts one row per 200.
      patch_seq = patch_seq + 1
      local body = string.format('{"properties":{"height_m":%.2f}}', 5 + (patch_seq % 3000) / 100)
      return wrk.format("PATCH", "/collections/trees/items/" .. t.id, {
        ["Authorization"] = "Bearer " .. field_key,
        ["If-Match"] = t.etag,
        ["Content-Type"] = "application/merge-patch+json",
      }, body)
    end
  elseif d == 1 or d == 2 or d == 3 then
    return wrk.format("GET", tiles[(k * 31) % #tiles + 1])
  elseif d == 7 then
    return wrk.format("GET", "/collections/works/items?limit=20")
  end
  return tree_page()
end

function response(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
    if status == 503 then
      if headers["Retry-After"] then s503_retry_after = s503_retry_after + 1
      else s503_bare = s503_bare + 1 end
    end
  elseif status >= 400 then
    s4xx = s4xx + 1
    if status == 412 then s412 = s412 + 1 end
    if status == 429 then s429 = s429 + 1 end
  elseif status >= 300 then
    s3xx = s3xx + 1
  else
    s2xx = s2xx + 1
  end
  if status == 201 then posted = posted + 1 end
  local etag = headers["ETag"]
  local id = etag and tonumber(etag:match("tree%-(%d+)%-v"))
  if id == nil then return end
  if patching[id] then
    patching[id] = nil
    if status == 200 then patch_ok = patch_ok + 1 else patch_other = patch_other + 1 end
  end
  ready[#ready + 1] = {id = id, etag = etag}
end

function done(summary, latency, requests)
  local total = {}
  for _, c in ipairs(counters) do total[c] = 0 end
  for _, t in ipairs(threads) do
    for _, c in ipairs(counters) do total[c] = total[c] + t:get(c) end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local line = string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout)
  for _, c in ipairs(counters) do line = line .. string.format(" %s=%d", c, total[c]) end
  io.write(line .. "\n")
  io.write(string.format("errors: connect %d read %d write %d timeout %d\n",
    e.connect, e.read, e.write, e.timeout))
end
