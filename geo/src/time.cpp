#include "rootzone/geo/time.hpp"

#include <array>
#include <cstdio>

namespace rootzone::geo {
namespace {

// libstdc++ 12 has neither std::chrono::parse nor <format>: a small strict scanner.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool take(char c) {
    if (!peek(c)) {
      return false;
    }
    ++pos_;
    return true;
  }
  // Exactly n ASCII digits: "2026-1-5" and signs are refused.
  bool digits(int n, int& out) {
    int value = 0;
    for (int i = 0; i < n; ++i) {
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') {
        return false;
      }
      value = value * 10 + (text_[pos_] - '0');
      ++pos_;
    }
    out = value;
    return true;
  }
  // One or more digits, ignored.
  bool skip_digits() {
    const auto start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      ++pos_;
    }
    return pos_ > start;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<Date> scan_date(Scanner& s) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (!s.digits(4, y) || !s.take('-') || !s.digits(2, m) || !s.take('-') || !s.digits(2, d)) {
    return std::nullopt;
  }
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) {
    return std::nullopt;  // 2026-13-40, 2025-02-29
  }
  return date;
}

// Writes v (0..99) as two digits at p; returns the position after them.
char* two_digits(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

}  // namespace

std::string format_utc(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss time{t - day};
  std::string out = format_date(Date{day});
  out.resize(out.size() + 10);
  char* p = out.data() + out.size() - 10;
  *p++ = 'T';
  p = two_digits(p, static_cast<unsigned>(time.hours().count()));
  *p++ = ':';
  p = two_digits(p, static_cast<unsigned>(time.minutes().count()));
  *p++ = ':';
  p = two_digits(p, static_cast<unsigned>(time.seconds().count()));
  *p = 'Z';
  return out;
}

std::optional<Timestamp> parse_utc(std::string_view text) {
  Scanner s(text);
  const auto date = scan_date(s);
  if (!date) {
    return std::nullopt;
  }
  if (!s.take('T') && !s.take(' ')) {
    return std::nullopt;
  }
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!s.digits(2, hh) || !s.take(':') || !s.digits(2, mm) || !s.take(':') || !s.digits(2, ss)) {
    return std::nullopt;
  }
  // A leap second (:60) has no sys_seconds value; refusing it beats silently shifting it.
  if (hh > 23 || mm > 59 || ss > 59) {
    return std::nullopt;
  }
  // Fractions are dropped: the domain keeps whole seconds.
  if (s.take('.') && !s.skip_digits()) {
    return std::nullopt;
  }

  std::chrono::seconds offset{0};
  if (!s.take('Z') && (s.peek('+') || s.peek('-'))) {
    const bool east = s.take('+');
    if (!east) {
      s.take('-');
    }
    int oh = 0;
    int om = 0;
    if (!s.digits(2, oh) || !s.take(':') || !s.digits(2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    if (!east) {
      offset = -offset;
    }
  }
  if (!s.done()) {
    return std::nullopt;
  }

  // Local time = UTC + offset, so UTC = local - offset.
  return Timestamp{std::chrono::sys_days{*date}} + std::chrono::hours{hh} +
         std::chrono::minutes{mm} + std::chrono::seconds{ss} - offset;
}

std::string format_date(Date d) {
  const int year = static_cast<int>(d.year());
  if (year < 0 || year > 9999) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", year, static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf.data();
  }
  // Digits by hand: snprintf's format parsing was a tenth of an items page's time (dates and
  // timestamps of every tree).
  std::string out(10, '-');
  char* p = two_digits(out.data(), static_cast<unsigned>(year / 100));
  two_digits(p, static_cast<unsigned>(year % 100));
  two_digits(out.data() + 5, static_cast<unsigned>(d.month()));
  two_digits(out.data() + 8, static_cast<unsigned>(d.day()));
  return out;
}

std::optional<Date> parse_date(std::string_view text) {
  Scanner s(text);
  auto date = scan_date(s);
  if (!date || !s.done()) {
    return std::nullopt;
  }
  return date;
}

Timestamp now_utc() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

namespace {

std::chrono::sys_days last_sunday(int y, unsigned m) {
  using namespace std::chrono;
  const sys_days last_day{year{y} / month{m} / last};
  const weekday wd{last_day};
  return last_day - days{(wd.c_encoding() + 7 - Sunday.c_encoding()) % 7};
}

}  // namespace

bool berlin_summer_time(Timestamp utc) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(utc)};
  const int y = static_cast<int>(ymd.year());
  const auto begin = last_sunday(y, 3) + hours{1};
  const auto end = last_sunday(y, 10) + hours{1};
  return utc >= begin && utc < end;
}

Timestamp berlin_to_utc(Timestamp local) {
  using std::chrono::hours;
  const auto as_summer = local - hours{2};
  if (berlin_summer_time(as_summer)) return as_summer;
  return local - hours{1};
}

Date berlin_date(Timestamp utc) {
  using namespace std::chrono;
  return year_month_day(floor<days>(utc + hours(berlin_summer_time(utc) ? 2 : 1)));
}

}  // namespace rootzone::geo
