#!/usr/bin/env python3
"""Server-side latency from rootzone serve's access log (one JSON line per request on stderr,
"ms" from the request read to the answer ready): count, p50, p90, p99, max per path prefix.
   server_latency.py LOG PREFIX [PREFIX ...]"""
import json
import sys


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


log, prefixes = sys.argv[1], sys.argv[2:]
by = {p: [] for p in prefixes}
statuses = {p: {} for p in prefixes}
with open(log, encoding="utf-8", errors="replace") as f:
    for line in f:
        if not line.startswith("{"):
            continue
        try:
            row = json.loads(line)
        except ValueError:
            continue
        for p in prefixes:
            if str(row.get("path", "")).startswith(p):
                by[p].append(float(row["ms"]))
                s = str(row.get("status"))
                statuses[p][s] = statuses[p].get(s, 0) + 1
for p in prefixes:
    v = by[p]
    print(f"{p} n={len(v)} statuses={statuses[p]} p50_ms={pct(v, 50):.3f} "
          f"p90_ms={pct(v, 90):.3f} p99_ms={pct(v, 99):.3f} max_ms={max(v) if v else float('nan'):.3f}")
