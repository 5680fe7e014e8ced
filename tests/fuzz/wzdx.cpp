// WZDx 4.x WorkZoneFeeds (importers/src/wzdx.cpp) as `rootzone import works --format wzdx`
// reads them: the input is written to a file and imported with --dry-run into a small store
// (everything done, then rolled back, so every run meets the same store). A feed it cannot use
// is an ImportError naming why; a bad road event is a problem in the report. Any other
// exception is a finding, as is a summary whose counts do not add up to the records read.
#include <fstream>
#include <string>

#include "fuzz_check.hpp"
#include "fuzz_store.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/import.hpp"

namespace importers = rootzone::importers;
using rootzone::fuzz::require;

// The store is made before any input: making it takes seconds, which is no input's doing.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)rootzone::fuzz::sample_store();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto& store = rootzone::fuzz::sample_store();
  static const auto file = rootzone::fuzz::scratch_dir() / "feed.geojson";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  importers::ImportOptions o;
  o.file = file;
  o.format = importers::SourceFormat::wzdx;
  o.dry_run = true;
  o.user = "fuzz";
  try {
    const auto r = importers::import_works(store, o);
    const auto& s = r.summary;
    require(s.inserted + s.updated + s.unchanged + s.refused + s.skipped == s.read,
            "the summary's counts do not add up to the records read");
    require(!s.committed, "a dry run committed");
  } catch (const importers::ImportError&) {
    // the feed is refused as a whole, naming why
  } catch (const std::exception& e) {
    rootzone::fuzz::unexpected(e);
  }
  return 0;
}
