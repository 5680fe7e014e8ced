-- wrk: each request submits a new work as the contractor whose key is $KEY (bench/run-nodes.sh):
-- a 30 m trench 1 m wide at a random place of the generated city (EPSG:25832, 440000..455000 x
-- 5531000..5546000), reference "$PREFIX-<thread>-<n>" (unique across runs when PREFIX is), so
-- every request is a real submission: its conflicts with 1M trees and clashes with the works.
local n = 0
function setup(thread)
  n = n + 1
  thread:set("id", n)
end
local id, count = 0, 0
function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
  math.randomseed(id * 7919)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
  wrk.headers["Content-Type"] = "application/geo+json"
  wrk.headers["Content-Crs"] = "<http://www.opengis.net/def/crs/EPSG/0/25832>"
end
function request()
  count = count + 1
  local x = 440000 + math.random() * 15000
  local y = 5531000 + math.random() * 15000
  local body = string.format(
    '{"type":"Feature","geometry":{"type":"LineString","coordinates":[[%.1f,%.1f],[%.1f,%.1f]]},' ..
    '"properties":{"reference":"%s-%d-%d","title":"Bench","kind":"trench","width_m":1.0,' ..
    '"starts_at":"2027-03-01T07:00:00Z","ends_at":"2027-03-20T17:00:00Z"}}',
    x, y, x + 30, y, os.getenv("PREFIX"), id, count)
  return wrk.format(nil, "/collections/works/items", nil, body)
end
