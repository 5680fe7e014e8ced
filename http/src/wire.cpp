#include "rootzone/http/wire.hpp"

#include <cctype>
#include <ctime>
#include <stdexcept>

#include "rootzone/support/gzip.hpp"

namespace rootzone::http::wire {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 5.6.2 tchar.
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

Framing reject(int status, std::string title, std::string detail) {
  Framing f;
  f.state = Framing::State::reject;
  f.status = status;
  f.title = std::move(title);
  f.detail = std::move(detail);
  return f;
}

// Splits a comma-separated header value into trimmed, lower-cased, non-empty items.
std::vector<std::string> list_items(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) out.push_back(to_lower(item));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out += c;
  }
  return out;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

namespace {

// A rejection that names the request it refuses (for the access log).
Framing reject_request(const Head& h, int status, std::string title, std::string detail) {
  Framing r = reject(status, std::move(title), std::move(detail));
  r.head.method = h.method;
  r.head.target = h.target;
  return r;
}

// Request line: method SP request-target SP HTTP-version. A rejection, or none with h's
// method, target and version set.
std::optional<Framing> parse_request_line(std::string_view line, Head& h) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos) {
    return reject(400, "Bad Request", "malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return reject(400, "Bad Request", "malformed request method");
  if (target.empty()) return reject(400, "Bad Request", "empty request target");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return reject(400, "Bad Request", "control character in the request target");
    }
  }
  if (version == "HTTP/1.1") {
    h.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    h.minor_version = 0;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
             std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
             std::isdigit(static_cast<unsigned char>(version[7]))) {
    return reject(505, "HTTP Version Not Supported",
                  std::string(version) + " is not supported; use HTTP/1.1");
  } else {
    return reject(400, "Bad Request", "malformed HTTP version");
  }
  h.method = std::string(method);
  h.target = std::string(target);
  return std::nullopt;
}

// What decides where a request ends, gathered from its header fields.
struct FramingFields {
  int content_lengths = 0;
  int hosts = 0;
  std::optional<std::string> transfer_encoding;
  std::string_view content_length_value;
};

// One header field's effect on framing and on the connection.
void note_field(const std::string& name, std::string_view value, Head& h, FramingFields& fields) {
  if (name == "content-length") {
    ++fields.content_lengths;
    fields.content_length_value = value;
  } else if (name == "transfer-encoding") {
    fields.transfer_encoding = fields.transfer_encoding
                                   ? *fields.transfer_encoding + "," + std::string(value)
                                   : std::string(value);
  } else if (name == "host") {
    ++fields.hosts;
  } else if (name == "connection") {
    for (const std::string& token : list_items(value)) {
      if (token == "close") h.keep_alive = false;
      if (token == "keep-alive" && h.minor_version == 0) h.keep_alive = true;
    }
  } else if (name == "expect") {
    if (iequals(value, "100-continue")) h.expect_continue = true;
  }
}

// Header fields into h.headers. Anything that could make two parties disagree on where this
// request ends is refused: obsolete line folding, whitespace before the colon.
std::optional<Framing> parse_fields(std::string_view block, Head& h, FramingFields& fields) {
  while (!block.empty()) {
    const std::size_t eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block.remove_prefix(eol + 2);
    if (line.front() == ' ' || line.front() == '\t') {
      return reject_request(h, 400, "Bad Request", "obsolete header line folding is not accepted");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return reject_request(h, 400, "Bad Request", "malformed header field");
    }
    std::string name = to_lower(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    for (char c : value) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        return reject_request(h, 400, "Bad Request", "control character in header " + name);
      }
    }
    note_field(name, value, h, fields);
    h.headers.emplace_back(std::move(name), std::string(value));
  }
  return std::nullopt;
}

// HTTP/1.0 closes unless the client asked for keep-alive (in any order of its fields).
bool http10_keep_alive(const HeaderList& headers) {
  bool asked = false;
  for (const auto& [name, value] : headers) {
    if (name != "connection") continue;
    for (const std::string& token : list_items(value)) {
      if (token == "keep-alive") asked = true;
      if (token == "close") {
        asked = false;
        break;
      }
    }
  }
  return asked;
}

// Content-Length's digits as a number; none when they are not digits; UINT64_MAX when the
// number does not fit (it is over any limit then).
std::optional<std::uint64_t> content_length_of(std::string_view text) {
  std::uint64_t n = 0;
  bool too_large = false;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    if (n > (UINT64_MAX - 9) / 10) {
      too_large = true;  // keep validating the digits, the value is surely over the limit
    } else {
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
  }
  return too_large ? UINT64_MAX : n;
}

// Where the body ends, or the rejection: one Host on HTTP/1.1, at most one Content-Length,
// never both Content-Length and Transfer-Encoding, no Transfer-Encoding at all, a body within
// max_body.
std::optional<Framing> check_framing(const FramingFields& fields, Head& h, std::size_t max_body) {
  if (h.minor_version == 1 && fields.hosts != 1) {
    return reject_request(
        h, 400, "Bad Request",
        fields.hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host header");
  }
  if (fields.content_lengths > 1 ||
      fields.content_length_value.find(',') != std::string_view::npos) {
    return reject_request(h, 400, "Bad Request", "duplicate Content-Length");
  }
  if (fields.transfer_encoding) {
    if (fields.content_lengths > 0) {
      return reject_request(h, 400, "Bad Request", "both Content-Length and Transfer-Encoding");
    }
    // RFC 9112 6.3: a request whose final coding is not chunked has no determinable length
    // (identity, empty, gzip alone): 400 and close. A final chunked one is well framed but
    // not read here.
    const auto codings = list_items(*fields.transfer_encoding);
    if (codings.empty() || codings.back() != "chunked") {
      return reject_request(h, 400, "Bad Request",
                            "Transfer-Encoding '" + *fields.transfer_encoding +
                                "': the final coding must be chunked (RFC 9112 6.3); send "
                                "Content-Length");
    }
    return reject_request(h, 501, "Not Implemented",
                          "Transfer-Encoding chunked is not supported for request bodies; send "
                          "Content-Length");
  }
  if (fields.content_lengths == 1) {
    if (fields.content_length_value.empty()) {
      return reject_request(h, 400, "Bad Request", "empty Content-Length");
    }
    const auto n = content_length_of(fields.content_length_value);
    if (!n) return reject_request(h, 400, "Bad Request", "invalid Content-Length");
    if (*n > max_body) {
      return reject_request(h, 413, "Content Too Large",
                            "the request body is " + std::string(fields.content_length_value) +
                                " bytes; the limit is " + std::to_string(max_body) + " bytes");
    }
    h.content_length = *n;
  }
  return std::nullopt;
}

// Over kMaxHeadBytes: 414 while the request line itself has not ended (RFC 9112 3: a target
// longer than the server parses), 431 for the header fields.
Framing head_too_large(std::string_view buffer) {
  if (buffer.find("\r\n") > kMaxHeadBytes) {
    return reject(414, "URI Too Long",
                  "the request line exceeds " + std::to_string(kMaxHeadBytes) + " bytes");
  }
  return reject(431, "Request Header Fields Too Large",
                "the request line and headers exceed " + std::to_string(kMaxHeadBytes) + " bytes");
}

// RFC 9112 2.2 lets a recipient take a bare LF as a line end and wants a bare CR refused or
// replaced. Both are refused: a proxy that reads the head differently could otherwise be made
// to see other headers than this server (request smuggling). Only what has arrived is looked
// at; a CR at the very end may still be followed by its LF.
std::optional<Framing> bare_line_end(std::string_view head) {
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) {
      return reject(400, "Bad Request",
                    "bare LF in the request head: lines must end with CRLF (RFC 9112 2.2)");
    }
    if (head[i] == '\r' && i + 1 < head.size() && head[i + 1] != '\n') {
      return reject(400, "Bad Request", "bare CR in the request head (RFC 9112 2.2)");
    }
  }
  return std::nullopt;
}

}  // namespace

Framing frame(std::string_view buffer, std::size_t max_body) {
  const std::size_t end = buffer.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (buffer.size() > kMaxHeadBytes) return head_too_large(buffer);
    if (auto rejected = bare_line_end(buffer)) return *rejected;
    return Framing{};
  }
  if (end + 4 > kMaxHeadBytes) return head_too_large(buffer);
  if (auto rejected = bare_line_end(buffer.substr(0, end + 4))) return *rejected;

  Framing f;
  Head& h = f.head;
  h.head_bytes = end + 4;
  std::string_view block = buffer.substr(0, end + 2);  // every line ends with CRLF
  const std::size_t eol = block.find("\r\n");
  if (auto rejected = parse_request_line(block.substr(0, eol), h)) return *rejected;
  block.remove_prefix(eol + 2);
  FramingFields fields;
  if (auto rejected = parse_fields(block, h, fields)) return *rejected;
  if (h.minor_version == 0) h.keep_alive = http10_keep_alive(h.headers);
  if (auto rejected = check_framing(fields, h, max_body)) return *rejected;
  f.state = buffer.size() >= h.head_bytes + h.content_length ? Framing::State::complete
                                                             : Framing::State::incomplete;
  return f;
}

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  std::size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  Target out;
  std::size_t q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) return std::nullopt;
  out.path = std::move(*path);
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    if (!item.empty()) {
      std::size_t eq = item.find('=');
      auto name = percent_decode(item.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                                : percent_decode(item.substr(eq + 1), true);
      if (!name || !value) return std::nullopt;
      out.query.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
  bool gzip_ok = false;
  bool gzip_named = false;
  bool star_ok = false;
  for (const std::string& item : list_items(accept_encoding)) {
    std::string_view coding = item;
    double q = 1.0;
    std::size_t semi = coding.find(';');
    if (semi != std::string_view::npos) {
      std::string_view params = coding.substr(semi + 1);
      coding = trim(coding.substr(0, semi));
      std::size_t qpos = params.find("q=");
      if (qpos != std::string_view::npos) {
        try {
          q = std::stod(std::string(trim(params.substr(qpos + 2))));
        } catch (const std::exception&) {
          q = 0.0;  // an unreadable weight: do not rely on it
        }
      }
    }
    if (coding == "gzip" || coding == "x-gzip") {
      gzip_named = true;
      gzip_ok = gzip_ok || q > 0.0;
    } else if (coding == "*") {
      star_ok = q > 0.0;
    }
  }
  return gzip_named ? gzip_ok : star_ok;
}

bool compressible(std::string_view content_type) {
  std::string type = to_lower(content_type.substr(0, content_type.find(';')));
  return type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos ||
         type.find("xml") != std::string::npos || type.find("javascript") != std::string::npos ||
         type == "application/vnd.mapbox-vector-tile" || type == "application/x-protobuf";
}

std::string gzip(std::string_view data) { return support::gzip(data); }

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {

// The UTC calendar time of t, whole seconds. (The formats stay literals at the strftime calls:
// -Wformat=2 checks them there.)
std::tm utc_tm(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

}  // namespace

std::string http_date(std::chrono::system_clock::time_point t) {
  const std::tm tm = utc_tm(t);
  char buf[64];
  return {buf, std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm)};
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  const std::tm tm = utc_tm(t);
  char buf[64];
  std::string out(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm));
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

bool safe_header(std::string_view name, std::string_view value) {
  if (!is_token(name)) return false;
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

std::string serialize(int status, const HeaderList& headers, std::string_view body,
                      bool include_body) {
  std::string out;
  out.reserve(256 + headers.size() * 48 + (include_body ? body.size() : 0));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  if (include_body) out += body;
  return out;
}

}  // namespace rootzone::http::wire
