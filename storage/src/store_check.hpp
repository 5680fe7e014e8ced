#pragma once
// Whether an open file is a rootzone store, for Store::open and for backup_store (which must
// not migrate or otherwise write to the store it copies).
namespace rootzone::storage {
class Database;
}

namespace rootzone::storage::detail {

// StorageError "<path> is not a rootzone store: ..." unless the file has the tables every
// rootzone schema has (schema_migrations, store_meta); StoreBusy when it cannot be read for
// a lock another connection holds.
void require_rootzone_store(Database& db);

}  // namespace rootzone::storage::detail
