#pragma once
// A rule set named on the command line: a built-in name or a JSON file (docs/rules.md).
#include <string>

#include "rootzone/geo/rule_set.hpp"

namespace rootzone::app {

// The JSON file's rule set. importers::InputMissing when there is no such file; geo::GeoError
// "FILE: rule set: unknown member \"treshold_cm\"" when the parser refuses it.
geo::RuleSet rule_set_from_file(const std::string& path);

// A built-in name, else a file (as rule_set_from_file). An argument that is neither a built-in
// name nor a path that exists is refused naming the built-in names.
geo::RuleSet rule_set_from_argument(const std::string& name_or_file);

// The names builtin() knows, comma-separated ("mainz, berlin").
std::string builtin_rule_set_names();

}  // namespace rootzone::app
