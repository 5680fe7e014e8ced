#include "values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rootzone::importers::detail {

using namespace std::chrono;

std::string_view trim(std::string_view text) {
  // By hand: find_first_not_of searches the set for every character, and every field of every
  // record is trimmed.
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t first = 0;
  std::size_t end = text.size();
  while (first < end && blank(text[first])) ++first;
  while (end > first && blank(text[end - 1])) --end;
  return text.substr(first, end - first);
}

std::optional<double> parse_number(std::string_view text, char decimal_separator) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::string buf;  // a copy only for another decimal separator
  if (decimal_separator != '.') {
    if (text.find('.') != std::string_view::npos) return std::nullopt;  // "1.234,5": ambiguous
    buf.assign(text);
    std::replace(buf.begin(), buf.end(), decimal_separator, '.');
    text = buf;
  }
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view t) : t_(t) {}
  bool done() const { return i_ == t_.size(); }
  bool peek(char c) const { return i_ < t_.size() && t_[i_] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
  }
  // between min and max digits
  bool number(int min, int max, int& out) {
    int n = 0;
    int v = 0;
    while (n < max && i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) {
      v = v * 10 + (t_[i_] - '0');
      ++i_;
      ++n;
    }
    if (n < min) return false;
    out = v;
    return true;
  }
  void skip_digits() {
    while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  // Z, +HH:MM, +HHMM, +HH
  bool offset(seconds& out) {
    if (take('Z') || take('z')) {
      out = seconds{0};
      return true;
    }
    const bool plus = peek('+');
    if (!plus && !peek('-')) return false;
    ++i_;
    int h = 0;
    int m = 0;
    if (!number(2, 2, h)) return false;
    take(':');
    if (!done()) {
      if (!number(2, 2, m)) return false;
    }
    if (h > 23 || m > 59) return false;
    out = hours{h} + minutes{m};
    if (!plus) out = -out;
    return true;
  }

 private:
  std::string_view t_;
  std::size_t i_ = 0;
};

struct Fields {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  bool has_time = false;
  std::optional<seconds> offset;
};

std::optional<Fields> scan_iso(std::string_view text) {
  Cursor c(text);
  Fields f;
  if (!c.number(4, 4, f.y) || !c.take('-') || !c.number(2, 2, f.mo) || !c.take('-') ||
      !c.number(2, 2, f.d)) {
    return std::nullopt;
  }
  if (c.done()) return f;
  if (!c.take('T') && !c.take(' ')) return std::nullopt;
  if (!c.number(2, 2, f.h) || !c.take(':') || !c.number(2, 2, f.mi)) return std::nullopt;
  f.has_time = true;
  if (c.take(':')) {
    if (!c.number(2, 2, f.s)) return std::nullopt;
    if (c.take('.')) c.skip_digits();
  }
  if (!c.done()) {
    seconds off{};
    if (!c.offset(off)) return std::nullopt;
    f.offset = off;
  }
  if (!c.done()) return std::nullopt;
  return f;
}

std::optional<Fields> scan_pattern(std::string_view text, std::string_view pattern) {
  Cursor c(text);
  Fields f;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      if (!c.take(pattern[i])) return std::nullopt;
      continue;
    }
    const char spec = pattern[++i];
    bool ok = true;
    switch (spec) {
      case 'Y':
        ok = c.number(4, 4, f.y);
        break;
      case 'm':
        ok = c.number(1, 2, f.mo);
        break;
      case 'd':
        ok = c.number(1, 2, f.d);
        break;
      case 'H':
        ok = c.number(1, 2, f.h);
        f.has_time = true;
        break;
      case 'M':
        ok = c.number(1, 2, f.mi);
        f.has_time = true;
        break;
      case 'S':
        ok = c.number(1, 2, f.s);
        if (ok && c.take('.')) c.skip_digits();
        break;
      case 'z': {
        seconds off{};
        ok = c.offset(off);
        f.offset = off;
        break;
      }
      case '%':
        ok = c.take('%');
        break;
      default:
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
  }
  if (!c.done()) return std::nullopt;
  return f;
}

std::optional<Fields> scan(std::string_view text, const std::vector<std::string>& formats) {
  static const std::vector<std::string> iso{"iso8601"};
  for (const auto& fmt : formats.empty() ? iso : formats) {
    auto f = fmt == "iso8601" ? scan_iso(text) : scan_pattern(text, fmt);
    if (!f) continue;
    const year_month_day ymd{year{f->y}, month{static_cast<unsigned>(f->mo)},
                             day{static_cast<unsigned>(f->d)}};
    if (!ymd.ok() || f->h > 23 || f->mi > 59 || f->s > 59) continue;
    return f;
  }
  return std::nullopt;
}

}  // namespace

std::optional<geo::Timestamp> parse_time(std::string_view text,
                                         const std::vector<std::string>& formats,
                                         std::string_view timezone, bool end_of_day) {
  const auto f = scan(trim(text), formats);
  if (!f) return std::nullopt;
  const sys_days day{year{f->y} / month{static_cast<unsigned>(f->mo)} /
                     ::std::chrono::day{static_cast<unsigned>(f->d)}};
  geo::Timestamp t = day + hours{f->h} + minutes{f->mi} + seconds{f->s};
  if (!f->has_time && end_of_day) t = day + hours{23} + minutes{59} + seconds{59};
  if (f->offset) return t - *f->offset;
  if (timezone == "Europe/Berlin") return geo::berlin_to_utc(t);
  return t;
}

std::optional<geo::Date> parse_calendar_date(std::string_view text,
                                             const std::vector<std::string>& formats) {
  const auto f = scan(trim(text), formats);
  if (!f) return std::nullopt;
  return year{f->y} / month{static_cast<unsigned>(f->mo)} / day{static_cast<unsigned>(f->d)};
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto n = s.size();
  while (i < n) {
    // Eight ASCII bytes at a time: nearly all of a record's text is ASCII.
    std::uint64_t word = 0;
    if (i + sizeof word <= n) {
      std::memcpy(&word, s.data() + i, sizeof word);
      if ((word & 0x8080808080808080u) == 0) {
        i += sizeof word;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace rootzone::importers::detail
