#pragma once
// JSON text appended straight to a response body: for item pages, where building a DOM per
// feature and serialising it afterwards cost more than reading the features (bench/RESULTS.md,
// "Where rootzone's time goes"). The caller writes well-formed structure; this class only
// takes care of commas, string escapes and numbers.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rootzone::http {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // An object member's name (the program's own, never client text: not escaped); its value
  // follows with the next call.
  JsonWriter& key(std::string_view name) {
    // One append of ,"name": (a page of trees has thousands of keys).
    char buf[64];
    std::size_t n = 0;
    if (!first_ && !after_key_) buf[n++] = ',';
    first_ = false;
    if (name.size() + 4 > sizeof buf) {
      out_.append(buf, n).append(1, '"').append(name).append("\":");
    } else {
      buf[n++] = '"';
      name.copy(buf + n, name.size());
      n += name.size();
      buf[n++] = '"';
      buf[n++] = ':';
      out_.append(buf, n);
    }
    after_key_ = true;
    return *this;
  }

  JsonWriter& string(std::string_view s) {
    separate();
    quoted(s);
    return *this;
  }
  JsonWriter& integer(std::int64_t v) {
    separate();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
  }
  // Shortest text that reads back as the same double; JSON has no NaN or infinity: null.
  JsonWriter& number(double v) {
    separate();
    if (!std::isfinite(v)) {
      out_ += "null";
      return *this;
    }
    char buf[32];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
  }
  JsonWriter& boolean(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    separate();
    out_ += "null";
    return *this;
  }
  // Text that is already JSON (a geometry from geo::to_geojson, a dumped value).
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }

  template <class T, class Write>
  JsonWriter& optional(const std::optional<T>& v, Write write) {
    if (!v) return null();
    write(*this, *v);
    return *this;
  }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  // A comma before every value but the first of its container, and none after a key.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void quoted(std::string_view s) {
    std::size_t plain = 0;
    while (plain < s.size() && !needs_escape(s[plain])) ++plain;
    if (plain == s.size()) {  // the common case: one copy of the whole string
      const auto at = out_.size();
      out_.resize(at + s.size() + 2);
      char* p = out_.data() + at;
      *p = '"';
      s.copy(p + 1, s.size());
      p[s.size() + 1] = '"';
      return;
    }
    out_ += '"';
    // Runs of plain characters go in with one append each.
    std::size_t run = 0;
    for (std::size_t i = plain; i < s.size(); ++i) {
      if (!needs_escape(s[i])) continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      escape(static_cast<unsigned char>(s[i]));
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }
  static bool needs_escape(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == '"' || c == '\\';
  }
  void escape(unsigned char c) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        return;
      case '\\':
        out_ += "\\\\";
        return;
      case '\n':
        out_ += "\\n";
        return;
      case '\r':
        out_ += "\\r";
        return;
      case '\t':
        out_ += "\\t";
        return;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out_.append(u, sizeof u);
      }
    }
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace rootzone::http
