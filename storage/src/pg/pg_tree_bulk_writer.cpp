// The import's tree writer on PostGIS: rows streamed with COPY (binary) inside the caller's
// transaction. How it keeps TreeBulkWriter's promises without a statement per tree:
// - ids are reserved from trees' identity sequence in blocks, so insert() returns the id at
//   once (the zones name their tree by it); finish() gives back what it did not use when no one
//   else took ids meanwhile, so the next tree gets the id it would get on SpatiaLite;
// - a tree the store would refuse is refused before it is streamed (SQLite's CHECKs of trees
//   and tree_stems, and a source_id already stored or streamed), because a failed COPY takes
//   every row of it and the transaction with it; what the store still refuses at the end
//   (another writer's tree with the same source_id, committed meanwhile) fails the import as a
//   whole;
// - lookups of stored trees come from prefetch(): one query per batch of source ids;
// - the COPY of trees stays open while trees arrive (the server inserts while the reader reads);
//   any query first ends it. The stems go in the rows' stems_cm: tree_stems is a view of them
//   on PostGIS (migration 0008);
// - into an empty store (defer_checks) one COPY carries every tree, ids are counted under
//   the table's lock, and the indexes are made once at the end.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "pg/pg_tree_rows.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"
#include "tree_changes.hpp"
#include "zone_keeping.hpp"

namespace rootzone::storage::pg {

namespace {

constexpr const char* copy_trees_sql =
    "COPY trees (id, source_id, site, district, species_botanical, species_german, genus,"
    " crown_diameter_m, height_m, planting_year, vitality, development_phase, last_inspection,"
    " next_inspection, status, felled_on, columnar, is_protected, protection_source,"
    " protection_reason, updated_at, location, version, stems_cm) FROM STDIN (FORMAT binary)";
constexpr std::int16_t tree_fields = 24;

// What defer_checks drops and finish makes again: storage/sql/postgis 0001 and 0003's
// definitions. trees' primary key stays: other tables' keys refer to it. tree_zones is empty
// with trees (its key cascades): its keys go too, for the zones keep_zones writes.
constexpr const char* drop_sql[] = {
    "ALTER TABLE tree_zones DROP CONSTRAINT tree_zones_tree_id_fkey",
    "ALTER TABLE tree_zones DROP CONSTRAINT tree_zones_pkey",
    "ALTER TABLE trees DROP CONSTRAINT trees_source_id_key",
    "DROP INDEX trees_location",
    "DROP INDEX trees_version",
};
constexpr const char* restore_sql[] = {
    "ALTER TABLE trees ADD CONSTRAINT trees_source_id_key UNIQUE (source_id)",
    "CREATE INDEX trees_location ON trees USING gist (location)",
    "CREATE INDEX trees_version ON trees (version)",
    "ALTER TABLE tree_zones ADD CONSTRAINT tree_zones_pkey PRIMARY KEY (tree_id)",
    "ALTER TABLE tree_zones ADD CONSTRAINT tree_zones_tree_id_fkey FOREIGN KEY (tree_id)"
    " REFERENCES trees (id) ON DELETE CASCADE",
};

// Ids reserved per query: the first block is small (an import of a few trees wastes nothing),
// the later ones grow to this.
constexpr std::int64_t largest_block = 65536;

// A point as PostGIS's EWKB (little-endian, with SRID): what geometry's binary input reads.
std::string ewkb_point(geo::Point p, int srid) {
  std::string out(25, '\0');
  out[0] = 1;
  const std::uint32_t type = 1 | 0x20000000;  // Point, SRID follows
  const auto s = static_cast<std::uint32_t>(srid);
  std::memcpy(out.data() + 1, &type, 4);  // little-endian hosts only: see the constructor
  std::memcpy(out.data() + 5, &s, 4);
  std::memcpy(out.data() + 9, &p.x, 8);
  std::memcpy(out.data() + 17, &p.y, 8);
  return out;
}

class PgTreeBulkWriter final : public TreeBulkWriter {
 public:
  PgTreeBulkWriter(Connection& c, int srid, std::string user, geo::Timestamp at)
      : c_(c), srid_(srid), user_(std::move(user)), at_text_(geo::format_utc(at)) {
    static_assert(std::endian::native == std::endian::little,
                  "ewkb_point writes the host's doubles as little-endian EWKB");
    started_empty_ = c_.exec("SELECT NOT EXISTS (SELECT 1 FROM trees)").text(0, 0) == "t";
    sequence_ = c_.exec("SELECT pg_get_serial_sequence('trees', 'id')").text(0, 0);
    if (started_empty_) defer_checks();
  }
  ~PgTreeBulkWriter() override {
    try {
      finish();
    } catch (const StorageError&) {
      // The caller's transaction is rolled back then, and the rows with it.
    }
  }
  PgTreeBulkWriter(const PgTreeBulkWriter&) = delete;
  PgTreeBulkWriter& operator=(const PgTreeBulkWriter&) = delete;

  bool started_empty() const override { return started_empty_; }

  void prefetch(const std::vector<std::string_view>& source_ids) override {
    if (finished_ || started_empty_ || source_ids.empty()) return;
    // The importer is done with the last batch: only this one's trees are kept.
    known_.clear();
    std::vector<std::optional<std::string>> ids;
    ids.reserve(source_ids.size());
    for (const auto id : source_ids) {
      if (!known_.contains(std::string(id))) ids.emplace_back(std::string(id));
    }
    if (ids.empty()) return;
    flush();
    const auto r =
        c_.exec(std::string(select_tree) + "WHERE source_id = ANY ($1::text[])", {text_array(ids)});
    for (const auto& id : ids) known_.emplace(*id, std::nullopt);
    for (int i = 0; i < r.rows(); ++i) {
      auto tree = read_tree(r, i);
      auto key = tree.source_id;
      known_[key] = std::move(tree);
    }
  }

  std::optional<geo::Tree> find_by_source_id(std::string_view source_id) override {
    const std::string key(source_id);
    if (const auto it = known_.find(key); it != known_.end()) return it->second;
    if (started_empty_) {
      // Only what this writer streamed can be there; never asked for by the importer.
      if (!streamed_.contains(key)) return std::nullopt;
    }
    flush();
    const auto r = c_.exec(std::string(select_tree) + "WHERE source_id = $1", {key});
    if (r.rows() == 0) return std::nullopt;
    return read_tree(r, 0);
  }

  std::int64_t insert(const geo::Tree& tree) override {
    if (finished_) throw StorageError("TreeBulkWriter::insert after finish()");
    if (const auto broken = broken_check(tree)) {
      throw ConstraintViolation("tree " + tree.source_id + ": " + *broken);
    }
    if (!is_new(tree.source_id)) {
      throw ConstraintViolation("tree " + tree.source_id +
                                ": UNIQUE constraint failed: trees.source_id");
    }
    const auto id = next_id();
    if (!trees_) trees_.emplace(c_, copy_trees_sql);
    row_.clear();
    const auto text_or_null = [&](const std::optional<std::string>& v) -> CopyRow& {
      CopyRow r(row_);
      return v ? r.text(*v) : r.null();
    };
    CopyRow r(row_);
    r.begin(tree_fields)
        .int8(id)
        .text(tree.source_id)
        .text(tree.site)
        .text(tree.district)
        .text(tree.species_botanical)
        .text(tree.species_german)
        .text(tree.genus)
        .optional(tree.crown_diameter_m, &CopyRow::float8)
        .optional(tree.height_m, &CopyRow::float8);
    r.optional(tree.planting_year, &CopyRow::int4).optional(tree.vitality, &CopyRow::int4);
    r.text(tree.development_phase);
    text_or_null(detail::date_text(tree.last_inspection));
    text_or_null(detail::date_text(tree.next_inspection));
    r.text(geo::to_string(tree.status));
    text_or_null(detail::date_text(tree.felled_on));
    r.optional(tree.columnar, &CopyRow::boolean)
        .boolean(tree.protection.is_protected)
        .text(geo::to_string(tree.protection.source))
        .text(tree.protection.reason)
        .text(tree.updated_at == geo::Timestamp{} ? at_text_ : geo::format_utc(tree.updated_at))
        .bytes(ewkb_point(tree.location, srid_))
        .int4(1)
        .text(detail::stems_column(tree.stem_circumferences_cm));
    trees_->write(row_);
    zones_.inserted(id, tree);
    return id;
  }

  bool update(const geo::Tree& tree, const geo::Tree& stored) override {
    if (finished_) throw StorageError("TreeBulkWriter::update after finish()");
    const auto changes = detail::changed_fields(stored, tree);
    if (changes.empty()) return false;
    zones_.updated();
    flush();
    // Updates are the rare case of an import: a savepoint keeps the row, its stems and its
    // history together, and a refused one leaves the transaction usable.
    Transaction tx(c_);
    try {
      write_update(c_, srid_, tree, stored, changes, user_, at_text_);
    } catch (const ConstraintViolation& e) {
      throw ConstraintViolation("tree " + std::to_string(stored.id) + ": " + e.what());
    }
    tx.commit();
    if (tree.source_id != stored.source_id) {
      known_.erase(stored.source_id);
      known_.erase(tree.source_id);
    } else if (const auto it = known_.find(stored.source_id); it != known_.end()) {
      it->second.reset();
      known_.erase(it);  // stale now: read again if asked
    }
    return true;
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    flush();
    if (deferred_) {
      save_kept_zones();
      // Each built once over all rows: a sort instead of a million index insertions, one
      // anti-join instead of a million foreign-key lookups.
      for (const char* sql : restore_sql) c_.exec(sql);
      deferred_ = false;
      if (local_next_ && *local_next_ - 1 > sequence_state_->last) {
        // Nobody else inserted into trees (locked): the sequence goes on after the last id.
        c_.exec("SELECT setval($1::regclass, $2, true)",
                {sequence_, std::to_string(*local_next_ - 1)});
        sequence_state_->last = *local_next_ - 1;
      }
      return;
    }
    save_kept_zones();
    give_back_ids();
  }

  void keep_zones(const geo::RuleSet& rules) override { zones_.start(rules, started_empty_); }

 private:
  // The zones keep_zones drew, marked current: into the empty table by one COPY (before
  // finish makes its keys, when defer_checks dropped them).
  void save_kept_zones() {
    if (auto kept = zones_.take()) {
      save_tree_zones(c_, srid_, kept->rules, kept->marker, kept->zones);
    }
  }

  // A source id neither stored nor streamed by this writer.
  bool is_new(const std::string& source_id) {
    if (!streamed_.insert(source_id).second) return false;
    if (started_empty_) return true;
    auto it = known_.find(source_id);
    if (it == known_.end()) {
      flush();
      const bool stored =
          c_.exec("SELECT 1 FROM trees WHERE source_id = $1", {source_id}).rows() > 0;
      if (stored) streamed_.erase(source_id);
      return !stored;
    }
    if (it->second) {
      streamed_.erase(source_id);
      return false;
    }
    known_.erase(it);
    return true;
  }

  std::int64_t next_id() {
    if (deferred_) {
      // trees is locked (defer_checks): no other INSERT can take an id, so one nextval gives
      // the first id, the writer counts from there, and finish() moves the sequence past the
      // last. No query, so the COPY streams on.
      if (!local_next_) {
        remember_sequence();
        local_next_ = c_.exec("SELECT nextval($1::regclass)", {sequence_}).int64(0, 0);
        sequence_state_->last = *local_next_;
      }
      return (*local_next_)++;
    }
    if (next_ == reserved_.size()) {
      // A query ends the COPY under way; the blocks grow so that this happens rarely.
      flush();
      remember_sequence();
      const auto r = c_.exec("SELECT nextval($1::regclass) FROM generate_series(1, $2)",
                             {sequence_, std::to_string(block_)});
      reserved_.clear();
      for (int i = 0; i < r.rows(); ++i) reserved_.push_back(r.int64(i, 0));
      sequence_state_->last = reserved_.back();
      next_ = 0;
      block_ = std::min(block_ * 4, largest_block);
    }
    return reserved_[next_++];
  }

  // Ends the COPY of trees, so that the connection can take a query.
  void flush() {
    if (!trees_) return;
    trees_->finish();
    trees_.reset();
  }

  // Into an empty store (the first import of a city) the spatial, version and source-id
  // indexes of trees and the keys of tree_zones are dropped here and made again by finish(), as
  // PostgreSQL's manual advises for populating a database: each is then built once, sorted,
  // instead of a million insertions into it (a foreign key checked row by row cost more than
  // the rows it guarded). Duplicate source ids are the writer's own to refuse meanwhile
  // (is_new). All inside the caller's transaction, so a rollback (or a killed import) restores
  // them with everything else; but the ALTER TABLE locks trees until the commit, so readers of
  // the (empty) store wait for the import instead of seeing it empty. A role that does not own
  // the tables keeps them as they are (a savepoint ends the attempt), and so does a store that
  // another writer filled before the lock was taken.
  void defer_checks() {
    Transaction savepoint(c_);
    try {
      for (const char* sql : drop_sql) c_.exec(sql);
    } catch (const StorageError&) {
      return;
    }
    if (c_.exec("SELECT NOT EXISTS (SELECT 1 FROM trees)").text(0, 0) != "t") {
      started_empty_ = false;
      return;
    }
    savepoint.commit();
    deferred_ = true;
  }

  // Sets trees' sequence to `value` (setval's is_called: the next nextval returns value + 1, or
  // value itself when not called), when its last value is still `expected` (no one else took
  // an id since; 0: the sequence was never used). Only under a lock that keeps every other
  // writer of trees out (their nextval runs inside their INSERT), taken without waiting: when
  // another writer is busy the ids stay unused, as after any rolled-back insert. Inside a
  // transaction (a savepoint is made) or outside one.
  static bool set_sequence(Connection& c, const std::string& sequence, std::int64_t value,
                           bool called, std::int64_t expected) {
    Transaction tx(c);
    try {
      c.exec("SET LOCAL lock_timeout = '100ms'");
      c.exec("LOCK TABLE trees IN SHARE ROW EXCLUSIVE MODE");
    } catch (const StoreBusy&) {
      return false;  // the rollback of tx ends the attempt
    }
    const bool set =
        c.exec(
             "SELECT setval($1::regclass, $2, $3)"
             " WHERE coalesce(pg_sequence_last_value($1::regclass), 0) = $4",
             {sequence, std::to_string(value), called ? "true" : "false", std::to_string(expected)})
            .rows() == 1;
    c.exec("SET LOCAL lock_timeout = DEFAULT");
    tx.commit();
    return set;
  }

  // The ids reserved and not used go back to the sequence when they are its last values; so an
  // API insert after the import gets the id it would get on SpatiaLite.
  void give_back_ids() {
    if (next_ == reserved_.size()) return;
    // Contiguous: nothing else took a value of the block between its first and last.
    if (reserved_.back() - reserved_.front() + 1 != static_cast<std::int64_t>(reserved_.size())) {
      return;
    }
    const auto last_used = reserved_[next_] - 1;  // 0 when the block started the sequence
    const bool set = last_used > 0 ? set_sequence(c_, sequence_, last_used, true, reserved_.back())
                                   : set_sequence(c_, sequence_, 1, false, reserved_.back());
    if (set) sequence_state_->last = last_used;
    reserved_.clear();
    next_ = 0;
  }

  // What the first reservation found, and the sequence's last value as this writer left it: when
  // the import rolls back (--dry-run, --strict, an error), the sequence is set back too, since
  // a rollback does not undo nextval.
  struct SequenceState {
    std::string sequence;
    std::optional<std::int64_t> before;  // pg_sequence_last_value then: null before any nextval
    std::int64_t last = 0;
  };

  void remember_sequence() {
    if (sequence_state_) return;
    sequence_state_ = std::make_shared<SequenceState>();
    sequence_state_->sequence = sequence_;
    const auto r = c_.exec("SELECT pg_sequence_last_value($1::regclass)", {sequence_});
    if (!r.is_null(0, 0)) sequence_state_->before = r.int64(0, 0);
    c_.after_rollback([state = sequence_state_](Connection& c) {
      if (state->last == state->before.value_or(0)) return;
      if (state->before) {
        set_sequence(c, state->sequence, *state->before, true, state->last);
      } else {
        set_sequence(c, state->sequence, 1, false, state->last);
      }
    });
  }

  Connection& c_;
  int srid_;
  std::string user_;
  std::string at_text_;
  bool started_empty_ = false;
  bool finished_ = false;
  bool deferred_ = false;  // defer_checks dropped what finish makes again
  std::string sequence_;
  std::vector<std::int64_t> reserved_;
  std::size_t next_ = 0;
  std::optional<std::int64_t> local_next_;  // the next id, while trees is locked
  std::int64_t block_ = 512;
  std::shared_ptr<SequenceState> sequence_state_;
  std::optional<CopyIn> trees_;
  std::string row_;
  std::unordered_map<std::string, std::optional<geo::Tree>> known_;  // prefetched; nullopt: absent
  std::unordered_set<std::string> streamed_;
  detail::ZoneKeeping zones_;
};

}  // namespace

std::unique_ptr<TreeBulkWriter> make_tree_bulk_writer(Connection& c, int srid, std::string user,
                                                      geo::Timestamp at) {
  return std::make_unique<PgTreeBulkWriter>(c, srid, std::move(user), at);
}

}  // namespace rootzone::storage::pg
