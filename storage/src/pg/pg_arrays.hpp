#pragma once
// PostgreSQL array literals ({1,2}, {"a b","c\"d"}) built for ONE $n parameter, so a batch of
// rows is one statement (UPDATE ... FROM unnest($1::bigint[], $2::text[]) ...) whatever its
// size: one plan, one round trip. The literal is a value, never SQL: it travels as a parameter.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace rootzone::storage::pg {

class ArrayLiteral {
 public:
  ArrayLiteral& add(std::int64_t v) {
    separate();
    text_ += std::to_string(v);
    return *this;
  }
  // The shortest text that reads back as the same double: float8in parses it exactly.
  ArrayLiteral& add(double v) {
    separate();
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    text_.append(buf, r.ptr);
    return *this;
  }
  ArrayLiteral& add(bool v) {
    separate();
    text_ += v ? 't' : 'f';
    return *this;
  }
  // Quoted, with " and \ escaped: any text, also empty, "NULL" or with commas and braces.
  ArrayLiteral& add(std::string_view s) {
    separate();
    text_ += '"';
    for (const char c : s) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
    return *this;
  }
  ArrayLiteral& add(const char* s) { return add(std::string_view(s)); }
  ArrayLiteral& add_null() {
    separate();
    text_ += "NULL";
    return *this;
  }
  bool empty() const { return text_.size() == 1; }
  std::string str() const { return text_ + '}'; }

 private:
  void separate() {
    if (text_.size() > 1) text_ += ',';
  }
  std::string text_ = "{";
};

}  // namespace rootzone::storage::pg
