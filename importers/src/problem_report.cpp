#include "rootzone/importers/problem_report.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "rootzone/importers/errors.hpp"

namespace rootzone::importers {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::refused:
      return "refused";
    case Severity::corrected:
      return "corrected";
    case Severity::flagged:
      return "flagged";
    case Severity::skipped:
      return "skipped";
  }
  return "refused";
}

void ProblemReport::add(Problem p) { problems_.push_back(std::move(p)); }

void ProblemReport::merge_by_record(const ProblemReport& other) {
  if (other.problems_.empty()) return;
  std::vector<Problem> all;
  all.reserve(problems_.size() + other.problems_.size());
  std::merge(problems_.begin(), problems_.end(), other.problems_.begin(), other.problems_.end(),
             std::back_inserter(all),
             [](const Problem& a, const Problem& b) { return a.record < b.record; });
  problems_ = std::move(all);
}

std::size_t ProblemReport::count(Severity s) const {
  return static_cast<std::size_t>(std::count_if(problems_.begin(), problems_.end(),
                                                [s](const Problem& p) { return p.severity == s; }));
}

std::vector<std::pair<std::string, std::size_t>> ProblemReport::by_kind() const {
  std::map<std::string, std::size_t> counts;
  for (const auto& p : problems_) {
    const auto colon = p.reason.find(": ");
    counts[std::string(to_string(p.severity)) + ": " + (p.field.empty() ? "" : p.field + ": ") +
           p.reason.substr(0, colon)]++;
  }
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return sorted;
}

namespace {

// RFC 4180: quote when the text holds a separator, a quote or a line break.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

void ProblemReport::write_csv(std::ostream& out) const {
  out << "severity,file,record,line,id,field,value,reason\n";
  for (const auto& p : problems_) {
    out << to_string(p.severity) << ',' << csv_field(p.file) << ',' << p.record << ','
        << (p.line ? std::to_string(*p.line) : std::string()) << ',' << csv_field(p.id) << ','
        << csv_field(p.field) << ',' << csv_field(p.value) << ',' << csv_field(p.reason) << '\n';
  }
}

void ProblemReport::write_json(std::ostream& out) const {
  auto list = nlohmann::json::array();
  for (const auto& p : problems_) {
    nlohmann::json j;
    j["severity"] = std::string(to_string(p.severity));
    j["file"] = p.file;
    j["record"] = p.record;
    j["line"] = p.line ? nlohmann::json(*p.line) : nlohmann::json(nullptr);
    j["id"] = p.id;
    j["field"] = p.field;
    j["value"] = p.value;
    j["reason"] = p.reason;
    list.push_back(std::move(j));
  }
  nlohmann::json doc;
  doc["counts"] = {{"refused", count(Severity::refused)},
                   {"corrected", count(Severity::corrected)},
                   {"flagged", count(Severity::flagged)},
                   {"skipped", count(Severity::skipped)}};
  doc["problems"] = std::move(list);
  // Invalid UTF-8 in a value (a Latin-1 file read as UTF-8) is replaced, not fatal: the
  // report must be written precisely when the input is broken.
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void ProblemReport::write(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw ImportError("problem report " + path.string() + ": cannot be written");
  if (path.extension() == ".json") {
    write_json(out);
  } else {
    write_csv(out);
  }
  out.close();
  if (!out) throw ImportError("problem report " + path.string() + ": write failed");
}

}  // namespace rootzone::importers
