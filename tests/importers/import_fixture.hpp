#pragma once
// Shared by the importer tests: the shipped sample data and mappings, small file helpers.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rootzone/importers/import.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::test {

inline std::filesystem::path source_dir() { return ROOTZONE_SOURCE_DIR; }
inline std::filesystem::path sample(const std::string& rel) { return source_dir() / "data" / rel; }
inline std::filesystem::path mapping_file(const std::string& name) {
  return source_dir() / "mappings" / (name + ".json");
}
inline const std::filesystem::path konstanz_csv() {
  return sample("trees/konstanz_baumkataster_2020.csv");
}
inline importers::Mapping konstanz_mapping() {
  return importers::Mapping::load(mapping_file("konstanz-baumkataster-2020"));
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

inline importers::ImportResult import_trees(storage::Store& store,
                                            const std::filesystem::path& file,
                                            importers::Mapping mapping, bool strict = false,
                                            bool dry_run = false) {
  importers::ImportOptions o;
  o.file = file;
  o.mapping = std::move(mapping);
  o.strict = strict;
  o.dry_run = dry_run;
  return importers::import_trees(store, o);
}

}  // namespace rootzone::test
