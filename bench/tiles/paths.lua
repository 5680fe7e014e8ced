-- wrk: request the paths listed in $PATHS (one per line) in turn, each thread from its own
-- offset, so two threads do not ask for the same tile at the same moment.
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
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
