-- wrk: GET the paths listed in $PATHS (one per line) in turn, each thread from its own offset,
-- with `Authorization: Bearer $KEY` when KEY is set (bench/run-nodes.sh: the planner's view of
-- the city tiles, conflicts layer included).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local n = 0
function setup(thread)
  n = n + 1
  thread:set("start", n * 7)
end
local i
function init(args)
  i = tonumber(wrk.thread:get("start")) or 0
  local key = os.getenv("KEY")
  if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
