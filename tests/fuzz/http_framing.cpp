// HTTP/1.1 framing on the raw bytes of a connection (http/src/wire.cpp), driven the way the
// server's pump does it: empty lines skipped, one request framed at a time, the rest kept for
// the next. Invariants: a complete request never claims more bytes than arrived nor a body over
// the limit, framing exactly its own bytes again gives the same request (where a request ends
// does not depend on what follows it), a rejection is a 4xx/5xx with a title, and the target of
// every complete request parses or is refused without a crash.
#include <string>

#include "fuzz_check.hpp"
#include "rootzone/http/wire.hpp"

namespace wire = rootzone::http::wire;
using rootzone::fuzz::require;

namespace {

constexpr std::size_t kMaxBody = 4096;  // small, so 413 is within reach of short inputs

void check_request(const wire::Head& head, std::string_view bytes) {
  require(head.head_bytes <= bytes.size(), "head longer than the request");
  require(head.content_length <= kMaxBody, "complete request with a body over the limit");
  require(!head.method.empty(), "complete request without a method");
  require(head.minor_version == 0 || head.minor_version == 1, "version other than 1.0 or 1.1");
  const auto again = wire::frame(bytes, kMaxBody);
  require(again.state == wire::Framing::State::complete, "a request's own bytes do not frame");
  require(
      again.head.head_bytes == head.head_bytes && again.head.content_length == head.content_length,
      "a request frames differently without the bytes after it");
  if (const auto target = wire::parse_target(head.target)) {
    require(!target->path.empty() && target->path.front() == '/', "target path not absolute");
    require(target->path.find('\0') == std::string::npos, "NUL in a decoded path");
  }
  for (const auto& [name, value] : head.headers) {
    for (const char c : name) require(c < 'A' || c > 'Z', "header name not lower-cased");
    if (name == "accept-encoding") (void)wire::accepts_gzip(value);
    if (name == "content-type") (void)wire::compressible(value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string buf(rootzone::fuzz::as_text(data, size));
  for (int requests = 0; requests < 64 && !buf.empty(); ++requests) {
    std::size_t skip = 0;
    while (skip < buf.size() && (buf[skip] == '\r' || buf[skip] == '\n')) ++skip;
    buf.erase(0, skip);
    if (buf.empty()) break;
    const auto f = wire::frame(buf, kMaxBody);
    if (f.state == wire::Framing::State::incomplete) {
      require(f.head.head_bytes <= buf.size(), "incomplete head longer than the input");
      break;
    }
    if (f.state == wire::Framing::State::reject) {
      require(f.status >= 400 && f.status <= 599, "rejection without an error status");
      require(!f.title.empty(), "rejection without a title");
      (void)wire::parse_target(f.head.target);  // what the access log does with it
      break;
    }
    const std::size_t total = f.head.head_bytes + static_cast<std::size_t>(f.head.content_length);
    require(total <= buf.size(), "complete request longer than the input");
    require(total > 0, "complete request of no bytes");
    check_request(f.head, std::string_view(buf).substr(0, total));
    buf.erase(0, total);
  }
  return 0;
}
