# One connection pipelines N requests for 10,000-tree pages and never reads; prints the
# server's RSS (docs/RELIABILITY.md, defect 6). Usage: pipeline_flood.py PORT PID N
import socket, sys, time, subprocess
port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS"): return int(l.split()[1])//1024
print("before", rss(), "MB")
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
req = b"GET /collections/trees/items?limit=10000 HTTP/1.1\r\nHost: x\r\n\r\n"
s.settimeout(5)
sent = 0
try:
    data = req * n
    s.sendall(data)
    sent = n
except Exception as e:
    print("send stopped:", e)
peak = 0
for i in range(15):
    time.sleep(1); peak = max(peak, rss())
print(f"pipelined {n}, never read: peak {peak} MB over 15 s")
s.close()
time.sleep(2)
print("after close", rss(), "MB")
