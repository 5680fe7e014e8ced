#pragma once
// Works imports: a reader per kind of source (OGR files through a mapping, WZDx feeds) maps
// and checks each record into a MappedWork, putting its problems into the report; one writer
// upserts what the readers hand it, in one transaction.
#include <functional>
#include <string>

#include "import_common.hpp"
#include "record_mapper.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/importers/import.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::importers::detail {

// One record of a works source, as a reader hands it to the writer.
struct MappedWork {
  enum class Fate {
    write,    // mapped and checked: upsert it
    refused,  // a refusal is in the report: not written
    skipped,  // deliberately not imported (a WZDx detour), reported as skipped
  };
  geo::Work work;
  Fate fate = Fate::write;
  RecordRef at;  // where the record is, for a refusal by the store
};

// Fills `m` with the next record, false at the end of the source.
using WorkReader = std::function<bool(MappedWork& m)>;

// Reads every record through `next` and upserts the works in one transaction, counting into
// `result`. On update the stored status and the fields the source does not set (`mapped`
// says which) stay. --strict stops at the first record that brought a problem other than
// skipped; the store's refusals are problems too.
void write_works(storage::Store& store, const ImportOptions& o, ImportResult& result,
                 Progress& progress, const std::function<bool(const char*)>& mapped,
                 const WorkReader& next);

// WZDx: defined in wzdx.cpp.
ImportResult import_wzdx(storage::Store& store, const ImportOptions& o);

}  // namespace rootzone::importers::detail
