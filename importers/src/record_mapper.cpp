#include "record_mapper.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "rootzone/geo/number_text.hpp"
#include "rootzone/importers/errors.hpp"
#include "values.hpp"

namespace rootzone::importers::detail {

namespace {

std::string number_text(double v) { return geo::number_text(v, {.minus_zero = true}); }

double metres(std::string_view unit) {
  if (unit == "mm") return 0.001;
  if (unit == "cm") return 0.01;
  if (unit == "dm") return 0.1;
  return 1.0;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

RecordMapper::RecordMapper(const Mapping& mapping, const FieldLookup& lookup,
                           const std::vector<std::string>& available, ProblemReport& report,
                           std::string file)
    : mapping_(mapping), report_(report), recoded_(available.size()) {
  ref_.file = std::move(file);
  const auto index_of = [&](const std::string& name, const std::string& where) {
    const int i = lookup(name);
    if (i < 0) {
      throw MappingError("mapping " + mapping.path.string() + ": " + where + ": source field '" +
                         name + "' is not in the input (its fields: " + join(available) + ")");
    }
    return i;
  };
  const auto resolve = [&](const std::string& canonical, const FieldRule& rule) {
    Resolved r{canonical, rule, -1, {}, Transform::none, {}, {}};
    if (rule.transform == "first_word") r.transform = Transform::first_word;
    if (rule.transform == "lower") r.transform = Transform::lower;
    if (rule.transform == "upper") r.transform = Transform::upper;
    const auto where = canonical == "id" ? std::string("id") : "fields." + canonical;
    if (!rule.from.empty()) r.from = index_of(rule.from, where);
    if (!rule.template_text.empty()) {
      const auto& t = rule.template_text;
      std::size_t i = 0;
      while (i < t.size()) {
        const auto open = t.find('{', i);
        if (open == std::string::npos) {
          r.parts.push_back({t.substr(i), -1});
          break;
        }
        const auto close = t.find('}', open);
        if (close == std::string::npos) {
          throw MappingError("mapping " + mapping.path.string() + ": " + where +
                             ".template: '{' without '}'");
        }
        if (open > i) r.parts.push_back({t.substr(i, open - i), -1});
        r.parts.push_back({t.substr(open + 1, close - open - 1),
                           index_of(t.substr(open + 1, close - open - 1), where + ".template")});
        i = close + 1;
      }
    }
    return r;
  };
  id_ = resolve("id", mapping.id);
  for (const auto& [canonical, rule] : mapping.fields)
    resolved_.push_back(resolve(canonical, rule));
  if (!mapping.x_field.empty()) {
    geometry_x = index_of(mapping.x_field, "geometry.x");
    geometry_y = index_of(mapping.y_field, "geometry.y");
  }
  if (!mapping.wkt_field.empty()) geometry_wkt = index_of(mapping.wkt_field, "geometry.wkt");
}

void RecordMapper::begin(std::int64_t record, std::optional<std::int64_t> line, FieldValue value) {
  ref_.record = record;
  ref_.line = line;
  ref_.id.clear();
  value_ = std::move(value);
  refused_ = false;
}

void RecordMapper::problem(Severity s, std::string_view field, std::string_view value,
                           std::string reason) {
  if (s == Severity::refused) refused_ = true;
  report_.add({s, ref_.file, ref_.record, ref_.line, ref_.id, std::string(field),
               std::string(value), std::move(reason)});
}

RecordMapper::Field RecordMapper::field(std::string_view canonical) const {
  for (std::size_t i = 0; i < resolved_.size(); ++i) {
    if (resolved_[i].canonical == canonical) return {static_cast<int>(i)};
  }
  return {};
}

std::optional<std::string_view> RecordMapper::raw(int index, std::string_view field_name) {
  auto v = value_(index);
  if (!v) return std::nullopt;
  if (!mapping_.encoding.empty()) {
    auto& out = recoded_.at(static_cast<std::size_t>(index));
    const std::string text(*v);  // CPLRecode wants it terminated
    char* recoded = CPLRecode(text.c_str(), mapping_.encoding.c_str(), CPL_ENC_UTF8);
    out = recoded ? recoded : "";
    CPLFree(recoded);
    return out;
  }
  if (!valid_utf8(*v)) {
    problem(Severity::refused, field_name, *v,
            "invalid encoding: the text is not UTF-8 (set source.encoding in the mapping, "
            "e.g. \"ISO-8859-1\")");
    return std::nullopt;
  }
  return v;
}

// Views of the source's text wherever the rule leaves it as it is (trimming, the first word);
// text the rule makes goes into the rule's own buffers.
std::optional<std::string_view> RecordMapper::value_of(Resolved& r, std::string_view& source,
                                                       std::string_view& value) {
  const auto& rule = r.rule;
  std::optional<std::string_view> text;
  if (rule.value) {
    source = "(constant)";
    text = *rule.value;
  } else if (!r.parts.empty()) {
    source = rule.template_text;
    r.joined.clear();
    bool any = false;
    for (const auto& p : r.parts) {
      if (p.field < 0) {
        r.joined += p.literal;
        continue;
      }
      const auto v = raw(p.field, p.literal);
      if (v && !trim(*v).empty()) {
        any = true;
        r.joined += trim(*v);
      }
    }
    if (any) text = r.joined;
  } else {
    source = rule.from;
    text = raw(r.from, rule.from);
  }
  value = text.value_or("");
  if (text) {
    auto t = trim(*text);
    if (r.transform == Transform::first_word) {
      t = t.substr(0, std::min(t.find(' '), t.size()));
    } else if (r.transform != Transform::none) {
      const bool lower = r.transform == Transform::lower;
      r.changed.assign(t);
      std::transform(r.changed.begin(), r.changed.end(), r.changed.begin(), [&](unsigned char c) {
        return static_cast<char>(lower ? std::tolower(c) : std::toupper(c));
      });
      t = r.changed;
    }
    text = t;
  }
  if (text && text->empty()) text.reset();
  if (text && !rule.value_map.empty()) {
    const auto it = rule.value_map.find(*text);
    if (it != rule.value_map.end()) {
      text = it->second;
    } else if (rule.map_strict) {
      problem(Severity::refused, source, value,
              "not in the value map: " + r.canonical + " '" + std::string(*text) +
                  "' is not one of the mapping's values");
      return std::nullopt;
    }
  }
  if (!text && rule.default_value) text = *rule.default_value;
  if (text && !rule.prefix.empty()) {
    // The text may live in `changed` itself: build aside, then swap.
    std::string prefixed = rule.prefix;
    prefixed += *text;
    r.changed.swap(prefixed);
    text = r.changed;
  }
  return text;
}

std::optional<std::string> RecordMapper::id() {
  std::string_view source;
  std::string_view value;
  auto v = value_of(id_, source, value);
  if (!v) {
    if (!refused_) problem(Severity::refused, source, value, "missing required field: id");
    return std::nullopt;
  }
  ref_.id = *v;
  return ref_.id;
}

std::optional<std::string_view> RecordMapper::text(Field f) {
  auto* r = at(f);
  if (!r) return std::nullopt;
  std::string_view source;
  std::string_view value;
  return value_of(*r, source, value);
}

std::optional<std::string_view> RecordMapper::required_text(std::string_view canonical) {
  auto* r = at(field(canonical));
  std::string_view source =
      r ? std::string_view(r->rule.from.empty() ? r->rule.template_text : r->rule.from)
        : std::string_view();
  std::string_view value;
  std::optional<std::string_view> v;
  if (r) v = value_of(*r, source, value);
  if (!v && !refused_) {
    problem(Severity::refused, source, value, "missing required field: " + std::string(canonical));
  }
  return v;
}

std::optional<double> RecordMapper::check_number(const Resolved& r, std::string_view source,
                                                 std::string_view value, double v,
                                                 std::string_view unit) {
  const auto& c = r.canonical;
  const std::string u(unit);
  if (v == 0 && r.rule.zero_means_unknown) {
    problem(Severity::corrected, source, value,
            "zero means not measured: " + c + " 0 " + u + " stored as unknown");
    return std::nullopt;
  }
  if (v < 0) {
    problem(Severity::refused, source, value,
            "impossible value: " + c + " " + number_text(v) + " " + u + " is negative");
    return std::nullopt;
  }
  if (v == 0) {
    problem(Severity::refused, source, value,
            "impossible value: " + c + " 0 " + u +
                " (set zero_means_unknown in the mapping if 0 means not measured)");
    return std::nullopt;
  }
  if (const auto it = mapping_.limits.find(c); it != mapping_.limits.end()) {
    if (it->second.refuse > 0 && v > it->second.refuse) {
      problem(Severity::refused, source, value,
              "impossible value: " + c + " " + number_text(v) + " " + u + " is above " +
                  number_text(it->second.refuse) + " " + u);
      return std::nullopt;
    }
    if (it->second.flag > 0 && v > it->second.flag) {
      problem(Severity::flagged, source, value,
              "unusual value: " + c + " " + number_text(v) + " " + u + " is above " +
                  number_text(it->second.flag) + " " + u + ", imported as given");
    }
  }
  return v;
}

std::optional<double> RecordMapper::number(Field f, std::string_view unit) {
  auto* r = at(f);
  if (!r) return std::nullopt;
  std::string_view source;
  std::string_view value;
  const auto text = value_of(*r, source, value);
  if (!text) return std::nullopt;
  const auto v = parse_number(*text, mapping_.decimal_separator);
  if (!v) {
    problem(Severity::refused, source, value,
            "not a number: " + r->canonical + " '" + std::string(*text) + "'");
    return std::nullopt;
  }
  const double factor = r->rule.unit.empty() ? 1.0 : metres(r->rule.unit) / metres(unit);
  return check_number(*r, source, value, *v * factor, unit);
}

std::vector<double> RecordMapper::numbers(Field f, std::string_view unit) {
  std::vector<double> out;
  auto* r = at(f);
  if (!r) return out;
  std::string_view source;
  std::string_view value;
  const auto text = value_of(*r, source, value);
  if (!text) return out;
  const double factor = r->rule.unit.empty() ? 1.0 : metres(r->rule.unit) / metres(unit);
  const auto& separator = r->rule.separator;
  std::size_t i = 0;
  while (true) {
    const auto sep = separator.empty() ? std::string_view::npos : text->find(separator, i);
    const auto item = trim(text->substr(i, sep == std::string_view::npos ? sep : sep - i));
    if (!item.empty()) {
      const auto v = parse_number(item, mapping_.decimal_separator);
      if (!v) {
        problem(Severity::refused, source, value,
                "not a number: " + r->canonical + " '" + std::string(item) + "'");
        return {};
      }
      if (const auto checked = check_number(*r, source, value, *v * factor, unit)) {
        out.push_back(*checked);
      } else if (refused_) {
        return {};
      }
    }
    if (sep == std::string_view::npos) break;
    i = sep + separator.size();
  }
  return out;
}

std::optional<int> RecordMapper::integer(Field f, int min, int max) {
  auto* r = at(f);
  if (!r) return std::nullopt;
  std::string_view source;
  std::string_view value;
  const auto text = value_of(*r, source, value);
  if (!text) return std::nullopt;
  const auto v = parse_number(*text, mapping_.decimal_separator);
  if (!v || *v != std::floor(*v)) {
    problem(Severity::refused, source, value,
            "not a whole number: " + r->canonical + " '" + std::string(*text) + "'");
    return std::nullopt;
  }
  if (*v < min || *v > max) {
    problem(Severity::refused, source, value,
            "impossible value: " + r->canonical + " " + std::string(*text) + " is not between " +
                std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

std::optional<geo::Timestamp> RecordMapper::time(std::string_view canonical, bool required) {
  auto* r = at(field(canonical));
  std::string_view source = r ? std::string_view(r->rule.from) : std::string_view();
  std::string_view value;
  std::optional<std::string_view> text;
  if (r) text = value_of(*r, source, value);
  if (!text) {
    if (required && !refused_) {
      problem(Severity::refused, source, value,
              "missing required field: " + std::string(canonical));
    }
    return std::nullopt;
  }
  auto t = parse_time(*text, r->rule.formats, r->rule.timezone, r->rule.end_of_day);
  if (!t) {
    std::string formats = r->rule.formats.empty() ? "iso8601" : "";
    for (const auto& f : r->rule.formats) formats += (formats.empty() ? "" : " or ") + f;
    problem(Severity::refused, source, value,
            "unparsable date: " + std::string(canonical) + " '" + std::string(*text) +
                "' does not match " + formats);
  }
  return t;
}

std::optional<geo::Date> RecordMapper::date(Field f) {
  auto* r = at(f);
  if (!r) return std::nullopt;
  std::string_view source;
  std::string_view value;
  const auto text = value_of(*r, source, value);
  if (!text) return std::nullopt;
  auto d = parse_calendar_date(*text, r->rule.formats);
  if (!d) {
    problem(Severity::refused, source, value,
            "unparsable date: " + r->canonical + " '" + std::string(*text) + "'");
  }
  return d;
}

std::optional<bool> RecordMapper::boolean(Field f) {
  auto* r = at(f);
  if (!r) return std::nullopt;
  std::string_view source;
  std::string_view value;
  auto text = value_of(*r, source, value);
  if (!text) return std::nullopt;
  std::string t(*text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "1" || t == "true" || t == "yes" || t == "ja" || t == "j") return true;
  if (t == "0" || t == "false" || t == "no" || t == "nein" || t == "n") return false;
  problem(Severity::refused, source, value,
          "not a yes/no value: " + r->canonical + " '" + std::string(*text) + "'");
  return std::nullopt;
}

}  // namespace rootzone::importers::detail
