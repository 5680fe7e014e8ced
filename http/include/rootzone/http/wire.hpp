#pragma once
// HTTP/1.1 on the wire, without sockets: framing a request from the raw bytes of a connection
// (RFC 9112), request targets, gzip, and response serialization. http_server.cpp uses these
// instead of Pistache's request parser, so that the decisions that protect the server (where a
// request ends, whether its body is too large, whether the connection stays open) are taken
// here, on the raw header bytes, before any body byte is read.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rootzone::http::wire {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The request line and header block of one request may not exceed this (414 when the request
// line alone does, 431 otherwise).
inline constexpr std::size_t kMaxHeadBytes = 32 * 1024;

struct Head {
  std::string method;  // as sent: "GET"
  std::string target;  // raw request-target: "/items?limit=10"
  int minor_version = 1;
  HeaderList headers;          // in order; names lower-cased, values without surrounding whitespace
  std::size_t head_bytes = 0;  // request line + headers + the empty line
  std::uint64_t content_length = 0;
  bool keep_alive = true;        // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only if asked
  bool expect_continue = false;  // "Expect: 100-continue"
};

struct Framing {
  enum class State { incomplete, complete, reject };
  State state = State::incomplete;
  Head head;  // complete: the whole request is head.head_bytes + head.content_length bytes
  // reject: answer this and close the connection; the rest of the input is never parsed.
  int status = 400;
  std::string title;
  std::string detail;
};

// Looks at the start of a connection's buffer (leading empty lines already removed). Rejects:
// 400 malformed request line or header, a bare LF or bare CR anywhere in the head, obsolete line
// folding, control characters in a field value, duplicate or invalid Content-Length,
// Content-Length together with Transfer-Encoding, a Transfer-Encoding not ending in chunked,
// HTTP/1.1 without exactly one Host; 413 Content-Length over max_body; 414 a request line over
// kMaxHeadBytes; 431 a head over it; 501 chunked request bodies; 505 an HTTP version other than
// 1.0 and 1.1 (HTTP/x.y with digits; anything else is a malformed request line, 400).
// "incomplete" is returned while the header block has not arrived, and also when it has but the
// body has not (head is filled then, so a 100 Continue can be sent).
Framing frame(std::string_view buffer, std::size_t max_body);

struct Target {
  std::string path;                                        // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // in order, decoded ('+' is a space)
};
// nullopt: not an origin-form target ("/..."), a bad percent escape, or a NUL byte.
std::optional<Target> parse_target(std::string_view target);

// Accept-Encoding allows gzip (gzip, x-gzip or "*" with q > 0, and gzip not refused by q=0).
bool accepts_gzip(std::string_view accept_encoding);
// Text-like media types worth compressing (JSON, GeoJSON, problem+json, text/*, XML, JS, SVG,
// Mapbox vector tiles).
bool compressible(std::string_view content_type);
// A gzip member (RFC 1952) of data; throws std::runtime_error if zlib fails.
std::string gzip(std::string_view data);

// "OK", "Not Found" ... ("Unknown" for codes without a phrase here).
std::string_view reason_phrase(int status);
// IMF-fixdate for the Date header: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point t);
// ISO 8601 UTC with milliseconds for the access log: "2024-05-01T12:00:00.123Z".
std::string iso_time(std::chrono::system_clock::time_point t);
// A header a handler may send: name is a token, value has no CR, LF or NUL.
bool safe_header(std::string_view name, std::string_view value);
bool iequals(std::string_view a, std::string_view b);

// Status line, headers as given, empty line, then body (if include_body).
std::string serialize(int status, const HeaderList& headers, std::string_view body,
                      bool include_body);

}  // namespace rootzone::http::wire
