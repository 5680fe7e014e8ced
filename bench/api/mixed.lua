-- wrk script for the mixed load of bench/api/run-items.sh: 9 of every 10 requests read a page of
-- items (the boxes of BBOXES in turn, as items.lua), the 10th PATCHes one tree's height as field
-- staff, with the If-Match of the tree's last answer (optimistic locking, issue 5 Part 4).
--
--   ITEMS_PREFIX='/collections/trees/items?limit=100&bbox=' BBOXES=bench/api/bboxes.txt \
--   API_KEY=rz_... FIRST_TREE=1001 wrk -t1 -c4 -d20s --latency -s bench/api/mixed.lua URL
--
-- Each wrk thread edits its own 50 trees (FIRST_TREE + 100 * thread ...), one request per tree at
-- a time, so no PATCH of ours is stale: a 412 would mean a lost or misordered write. The first
-- touch of a tree is a GET of it for its ETag. At the end one machine-readable line:
--   RESULT requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. non2xx=N errors=N
--          patch_ok=N patch_412=N patch_other=N item_gets=N

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "common.lua")

local prefix = os.getenv("ITEMS_PREFIX")
local key = os.getenv("API_KEY")
local first_tree = tonumber(os.getenv("FIRST_TREE") or "1001")
local boxes = load_boxes()
assert(prefix and key and #boxes > 0, "ITEMS_PREFIX, API_KEY and BBOXES are needed")

local threads = {}
local n = 0

function setup(thread)
  thread:set("index", n)
  n = n + 1
  threads[#threads + 1] = thread
end

function init(args)
  i = index * 7
  k = 0
  unknown = {}   -- trees whose ETag this thread has not seen yet
  ready = {}     -- {id, etag} of trees with no request in flight
  patching = {}  -- id -> true while its PATCH is in flight
  patch_ok, patch_412, patch_other, item_gets = 0, 0, 0, 0
  for j = 0, 49 do unknown[#unknown + 1] = first_tree + 100 * index + j end
end

function request()
  k = k + 1
  if k % 10 == 0 then
    if #unknown > 0 then
      item_gets = item_gets + 1
      return wrk.format("GET", "/collections/trees/items/" .. table.remove(unknown))
    end
    if #ready > 0 then
      local t = table.remove(ready, 1)
      patching[t.id] = true
      local body = string.format('{"properties":{"height_m":%.1f}}', 8 + (k / 10) % 20)
      return wrk.format("PATCH", "/collections/trees/items/" .. t.id, {
        ["Authorization"] = "Bearer " .. key,
        ["If-Match"] = t.etag,
        ["Content-Type"] = "application/merge-patch+json",
      }, body)
    end
  end
  i = i % #boxes + 1
  return wrk.format("GET", prefix .. boxes[i])
end

function response(status, headers, body)
  local etag = headers["ETag"]
  local id = etag and tonumber(etag:match("tree%-(%d+)%-v"))
  if id == nil then
    if status == 412 then patch_412 = patch_412 + 1 end  -- counted even without an ETag
    return
  end
  if patching[id] then
    patching[id] = nil
    if status == 200 then patch_ok = patch_ok + 1 else patch_other = patch_other + 1 end
  end
  ready[#ready + 1] = {id = id, etag = etag}
end

function done(summary, latency, requests)
  local ok, p412, other, gets = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("patch_ok")
    p412 = p412 + t:get("patch_412")
    other = other + t:get("patch_other")
    gets = gets + t:get("item_gets")
  end
  write_result(summary, latency, string.format(
    " patch_ok=%d patch_412=%d patch_other=%d item_gets=%d", ok, p412, other, gets))
end
