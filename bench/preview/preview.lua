-- wrk: POST /collections/works/preview with the bodies of the file BODIES (one per line) in
-- turn, each thread from its own offset, with the API key KEY; the bodies are in the store CRS
-- (CRS, e.g. 25832). Writes the RESULT line of bench/api/common.lua.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("KEY"),
  ["Content-Type"] = "application/geo+json",
  ["Content-Crs"] = "<http://www.opengis.net/def/crs/EPSG/0/" .. (os.getenv("CRS") or "25832") .. ">",
}
local n = 0
function setup(thread)
  n = n + 1
  thread:set("start", n * 101)
end
local i
function init(args)
  i = tonumber(wrk.thread:get("start")) or 0
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/collections/works/preview", headers, bodies[i])
end
