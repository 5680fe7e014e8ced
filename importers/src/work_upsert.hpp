#pragma once
// Inserting or updating one work by its reference; shared by the OGR and WZDx paths.
#include <functional>
#include <string>

#include "rootzone/geo/work.hpp"
#include "rootzone/importers/import.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::importers::detail {

// Upserts `w` (found by reference). On update the stored status and the fields the source
// does not set (`keep` says which) stay; returns false with the store's reason in `why` when
// the store refuses it.
bool upsert_work(storage::Store& store, const geo::Work& w,
                 const std::function<bool(const char*)>& mapped, const std::string& user,
                 ImportSummary& s, std::string& why);

// WZDx: defined in wzdx.cpp.
ImportResult import_wzdx(storage::Store& store, const ImportOptions& o);

}  // namespace rootzone::importers::detail
