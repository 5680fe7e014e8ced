#include "rule_set_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rootzone/geo/errors.hpp"
#include "rootzone/importers/errors.hpp"

namespace rootzone::app {

geo::RuleSet rule_set_from_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw importers::InputMissing("rule set file " + path + " does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw importers::InputMissing("rule set file " + path + " is unreadable");
  try {
    return geo::RuleSet::from_json(text.str());
  } catch (const geo::GeoError& e) {
    throw geo::GeoError(path + ": " + e.what());
  }
}

std::string builtin_rule_set_names() {
  std::string names;
  for (const auto n : geo::RuleSet::builtin_names()) {
    if (!names.empty()) names += ", ";
    names += n;
  }
  return names;
}

geo::RuleSet rule_set_from_argument(const std::string& name_or_file) {
  if (auto builtin = geo::RuleSet::builtin(name_or_file)) return std::move(*builtin);
  std::error_code ec;
  if (name_or_file.ends_with(".json") || std::filesystem::exists(name_or_file, ec)) {
    return rule_set_from_file(name_or_file);
  }
  throw importers::InputMissing("rule set '" + name_or_file + "' is neither built in (" +
                                builtin_rule_set_names() + ") nor a JSON file");
}

}  // namespace rootzone::app
