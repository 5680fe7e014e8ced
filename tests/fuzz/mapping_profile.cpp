// Mapping profiles (importers/src/mapping.cpp, docs/importers.md): any text given to
// `rootzone import --mapping` is read with Mapping::from_json. A profile it cannot use is a
// MappingError naming the member; any other exception would end the import with a stack
// trace and is a finding, as is an accepted profile that breaks what the parser promises.
#include <string>

#include "fuzz_check.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/mapping.hpp"

namespace importers = rootzone::importers;
using rootzone::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto m = importers::Mapping::from_json(rootzone::fuzz::as_text(data, size));
    const auto& canonical = importers::Mapping::canonical_fields(m.kind);
    for (const auto& [name, rule] : m.fields) {
      bool known = false;
      for (const auto& c : canonical) known = known || c == name;
      require(known, "a field that is not canonical was accepted");
      require(rule.unit.empty() || rule.unit == "mm" || rule.unit == "cm" || rule.unit == "dm" ||
                  rule.unit == "m",
              "an unknown unit was accepted");
      require(rule.timezone == "UTC" || rule.timezone == "Europe/Berlin",
              "an unknown timezone was accepted");
    }
    require(m.decimal_separator == '.' || m.decimal_separator == ',',
            "a decimal separator other than . or , was accepted");
  } catch (const importers::MappingError&) {
    // the profile is refused, naming the member
  } catch (const std::exception& e) {
    rootzone::fuzz::unexpected(e);
  }
  return 0;
}
