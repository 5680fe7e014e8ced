-- What the wrk scripts of bench/api share: the box list and the RESULT line run-items.sh reads.
-- Loaded with dofile from the script's own folder (wrk runs from any working directory).

-- The boxes of the file BBOXES, one "minx,miny,maxx,maxy" per line; comments skipped.
function load_boxes()
  local boxes = {}
  for line in io.lines(os.getenv("BBOXES")) do
    if line:match("^[-0-9]") then boxes[#boxes + 1] = line end
  end
  return boxes
end

-- RESULT requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. non2xx=N errors=N,
-- then `extra` (" name=value ..." or "") and a newline.
function write_result(summary, latency, extra)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d errors=%d%s\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, extra))
end
