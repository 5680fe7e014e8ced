#include "rootzone/storage/tree_repository.hpp"
#include "sqlite_repositories.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <span>
#include <string>
#include <utility>

#include "rootzone/geo/str_order.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"
#include "tree_changes.hpp"
#include "tree_rows.hpp"
#include "zone_keeping.hpp"

namespace rootzone::storage {

using detail::changed_fields;
using detail::date_text;
using detail::read_tree;
using detail::read_trees;
using detail::select_tree;

namespace detail {

const char* const select_tree =
    "SELECT id, source_id, site, district, location, species_botanical,"
    " species_german, genus, crown_diameter_m, height_m, planting_year, vitality,"
    " development_phase, last_inspection, next_inspection, status, felled_on, columnar,"
    " is_protected, protection_source, protection_reason, version, updated_at, stems_cm"
    " FROM trees ";

geo::Tree read_tree(const Statement& s) {
  geo::Tree t;
  t.id = s.int64(0);
  t.source_id = s.text(1);
  t.site = s.text(2);
  t.district = s.text(3);
  t.location = point_of(s.blob_view(4), t.id);
  t.species_botanical = s.text(5);
  t.species_german = s.text(6);
  t.genus = s.text(7);
  t.crown_diameter_m = s.optional_real(8);
  t.height_m = s.optional_real(9);
  t.planting_year = s.optional_int32(10);
  t.vitality = s.optional_int32(11);
  t.development_phase = s.text(12);
  t.last_inspection = detail::optional_date_column(s, 13, "trees.last_inspection");
  t.next_inspection = detail::optional_date_column(s, 14, "trees.next_inspection");
  t.status = detail::enum_column(s, 15, "trees.status", geo::tree_status_from_string);
  t.felled_on = detail::optional_date_column(s, 16, "trees.felled_on");
  if (!s.is_null(17)) t.columnar = s.int64(17) != 0;
  t.protection.is_protected = s.int64(18) != 0;
  t.protection.source =
      detail::enum_column(s, 19, "trees.protection_source", geo::protection_source_from_string);
  t.protection.reason = s.text(20);
  t.version = s.int64(21);
  t.updated_at = detail::timestamp_column(s, 22, "trees.updated_at");
  t.stem_circumferences_cm = stems_from_column(s.text_view(23), t.id);
  return t;
}

std::vector<geo::Tree> read_trees(Statement& rows) {
  std::vector<geo::Tree> trees;
  while (rows.step()) trees.push_back(read_tree(rows));
  return trees;
}

}  // namespace detail

namespace {

constexpr const char* tree_columns =
    "source_id = ?1, site = ?2, district = ?3, species_botanical = ?4, species_german = ?5,"
    " genus = ?6, crown_diameter_m = ?7, height_m = ?8, planting_year = ?9, vitality = ?10,"
    " development_phase = ?11, last_inspection = ?12, next_inspection = ?13, status = ?14,"
    " felled_on = ?15, columnar = ?16, is_protected = ?17, protection_source = ?18,"
    " protection_reason = ?19, updated_at = ?20, location = MakePoint(?21, ?22, ?23),"
    " version = ?24, stems_cm = ?25";

// Parameters ?1..?25 of both the INSERT and the UPDATE. The tree's own text is bound without
// a copy (every caller runs the statement while `t` lives, and binds again before the next
// run); `updated_at` and the formatted values are temporaries and copied.
// A row's text beyond the tree's own strings (its dates and stems, the time of the write), made
// once and kept until the statement has run: bind_tree binds all text without a copy.
struct RowTexts {
  RowTexts(const geo::Tree& t, std::string_view at)
      : last_inspection(date_text(t.last_inspection)),
        next_inspection(date_text(t.next_inspection)),
        felled_on(date_text(t.felled_on)),
        stems(detail::stems_column(t.stem_circumferences_cm)),
        updated_at(at) {}
  std::optional<std::string> last_inspection, next_inspection, felled_on;
  std::string stems;
  std::string_view updated_at;
};

void bind_tree(Statement& s, const geo::Tree& t, const RowTexts& x, int srid,
               std::int64_t version) {
  const auto text_or_null = [&](int i, const std::optional<std::string>& v) -> Statement& {
    return v ? s.bind_static(i, *v) : s.bind_null(i);
  };
  s.bind_static(1, t.source_id)
      .bind_static(2, t.site)
      .bind_static(3, t.district)
      .bind_static(4, t.species_botanical)
      .bind_static(5, t.species_german)
      .bind_static(6, t.genus)
      .bind(7, t.crown_diameter_m)
      .bind(8, t.height_m)
      .bind(9, t.planting_year)
      .bind(10, t.vitality)
      .bind_static(11, t.development_phase);
  text_or_null(12, x.last_inspection);
  text_or_null(13, x.next_inspection);
  s.bind_static(14, geo::to_string(t.status));
  text_or_null(15, x.felled_on);
  s.bind(16, t.columnar)
      .bind(17, t.protection.is_protected)
      .bind_static(18, geo::to_string(t.protection.source))
      .bind_static(19, t.protection.reason)
      .bind_static(20, x.updated_at)
      .bind(21, t.location.x)
      .bind(22, t.location.y)
      .bind(23, srid)
      .bind(24, version)
      .bind_static(25, x.stems);
}

void write_stems(Database& db, std::int64_t tree_id, const std::vector<double>& stems) {
  db.prepare("DELETE FROM tree_stems WHERE tree_id = ?").bind(1, tree_id).run();
  auto insert =
      db.prepare("INSERT INTO tree_stems (tree_id, stem_no, circumference_cm) VALUES (?, ?, ?)");
  int stem_no = 1;
  for (const double c : stems) {
    insert.bind(1, tree_id).bind(2, stem_no++).bind(3, c).run();
    insert.reset();
  }
}

std::optional<geo::Tree> find_where(Database& db, const std::string& where, const auto& key) {
  auto s = db.prepare(select_tree + where);
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return read_tree(s);
}

constexpr const char* insert_tree_sql =
    "INSERT INTO trees (source_id, site, district, species_botanical, species_german, genus,"
    " crown_diameter_m, height_m, planting_year, vitality, development_phase, last_inspection,"
    " next_inspection, status, felled_on, columnar, is_protected, protection_source,"
    " protection_reason, updated_at, location, version, stems_cm) VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
    " MakePoint(?21, ?22, ?23), ?24, ?25)";

constexpr const char* insert_history_sql =
    "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value)"
    " VALUES (?, ?, ?, ?, ?, ?)";

}  // namespace

SqliteTreeRepository::SqliteTreeRepository(Database& db, int srid) : db_(db), srid_(srid) {}

std::int64_t SqliteTreeRepository::insert(const geo::Tree& tree) {
  Transaction tx(db_);
  std::int64_t id = 0;
  try {
    auto s = db_.prepare(insert_tree_sql);
    const auto at = geo::format_utc(detail::now_if_zero(tree.updated_at));
    const RowTexts texts(tree, at);
    bind_tree(s, tree, texts, srid_, 1);
    s.run();
    id = db_.last_insert_rowid();
    write_stems(db_, id, tree.stem_circumferences_cm);
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("tree " + tree.source_id + ": " + e.what());
  }
  tx.commit();
  return id;
}

std::optional<geo::Tree> SqliteTreeRepository::find(std::int64_t id) {
  return find_where(db_, "WHERE id = ?", id);
}

geo::Tree SqliteTreeRepository::get(std::int64_t id) {
  auto tree = find(id);
  if (!tree) throw NotFound("tree " + std::to_string(id) + " not found");
  return std::move(*tree);
}

std::optional<geo::Tree> SqliteTreeRepository::find_by_source_id(std::string_view source_id) {
  return find_where(db_, "WHERE source_id = ?", source_id);
}

std::vector<geo::Tree> SqliteTreeRepository::all() {
  auto rows = db_.prepare(std::string(select_tree) + "ORDER BY id");
  return read_trees(rows);
}

std::int64_t SqliteTreeRepository::count() {
  auto s = db_.prepare("SELECT count(*) FROM trees");
  s.step();
  return s.int64(0);
}

geo::Tree SqliteTreeRepository::update(const geo::Tree& tree, std::int64_t expected_version,
                                       std::string_view user, geo::Timestamp at) {
  Transaction tx(db_);
  const auto stored = get(tree.id);
  if (stored.version != expected_version) {
    throw VersionConflict("tree " + std::to_string(tree.id) + ": version " +
                          std::to_string(expected_version) + " expected, store has " +
                          std::to_string(stored.version));
  }
  const auto changes = changed_fields(stored, tree);
  if (changes.empty()) return stored;

  try {
    auto s = db_.prepare(std::string("UPDATE trees SET ") + tree_columns +
                         " WHERE id = ?26 AND version = ?27");
    const auto at_text = geo::format_utc(at);
    const RowTexts texts(tree, at_text);
    bind_tree(s, tree, texts, srid_, expected_version + 1);
    s.bind(26, tree.id).bind(27, expected_version).run();
    if (stored.stem_circumferences_cm != tree.stem_circumferences_cm) {
      write_stems(db_, tree.id, tree.stem_circumferences_cm);
    }
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("tree " + std::to_string(tree.id) + ": " + e.what());
  }

  auto history = db_.prepare(insert_history_sql);
  const auto when = geo::format_utc(at);
  for (const auto& c : changes) {
    history.bind(1, tree.id)
        .bind(2, when)
        .bind(3, user)
        .bind(4, c.field)
        .bind(5, c.old_value)
        .bind(6, c.new_value)
        .run();
    history.reset();
  }
  tx.commit();
  return get(tree.id);
}

std::vector<geo::TreeChange> SqliteTreeRepository::history(std::int64_t tree_id) {
  auto s = db_.prepare(
      "SELECT id, tree_id, at, user_name, field, old_value, new_value, rule_set,"
      " rule_set_citation FROM tree_history WHERE tree_id = ? ORDER BY id");
  s.bind(1, tree_id);
  std::vector<geo::TreeChange> changes;
  while (s.step()) {
    changes.push_back({.id = s.int64(0),
                       .tree_id = s.int64(1),
                       .at = detail::timestamp_column(s, 2, "tree_history.at"),
                       .user = s.text(3),
                       .field = s.text(4),
                       .old_value = s.optional_text(5),
                       .new_value = s.optional_text(6),
                       .rule_set = s.optional_text(7),
                       .rule_set_citation = s.optional_text(8)});
  }
  return changes;
}

void SqliteTreeRepository::add_history_note(const geo::TreeChange& note) {
  db_.prepare(insert_history_sql)
      .bind(1, note.tree_id)
      .bind(2, geo::format_utc(detail::now_if_zero(note.at)))
      .bind(3, note.user)
      .bind(4, note.field)
      .bind(5, note.old_value)
      .bind(6, note.new_value)
      .run();
}

std::int64_t SqliteTreeRepository::add_inspection(const geo::Inspection& i) {
  try {
    db_.prepare(
           "INSERT INTO inspections (tree_id, inspected_on, kind, inspector, findings,"
           " measures, measures_deadline, next_inspection, recorded_at, recorded_by)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, i.tree_id)
        .bind(2, geo::format_date(i.inspected_on))
        .bind(3, geo::to_string(i.kind))
        .bind(4, i.inspector)
        .bind(5, i.findings)
        .bind(6, i.measures)
        .bind(7, date_text(i.measures_deadline))
        .bind(8, date_text(i.next_inspection))
        .bind(9, geo::format_utc(detail::now_if_zero(i.recorded_at)))
        .bind(10, i.recorded_by)
        .run();
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("inspection of tree " + std::to_string(i.tree_id) + ": " + e.what());
  }
  return db_.last_insert_rowid();
}

std::vector<geo::Inspection> SqliteTreeRepository::inspections(std::int64_t tree_id) {
  auto s = db_.prepare(
      "SELECT id, tree_id, inspected_on, kind, inspector, findings, measures,"
      " measures_deadline, next_inspection, recorded_at, recorded_by FROM inspections"
      " WHERE tree_id = ? ORDER BY inspected_on, id");
  s.bind(1, tree_id);
  std::vector<geo::Inspection> result;
  while (s.step()) {
    result.push_back(
        {.id = s.int64(0),
         .tree_id = s.int64(1),
         .inspected_on = detail::date_column(s, 2, "inspections.inspected_on"),
         .kind = detail::enum_column(s, 3, "inspections.kind", geo::inspection_kind_from_string),
         .inspector = s.text(4),
         .findings = s.text(5),
         .measures = s.text(6),
         .measures_deadline = detail::optional_date_column(s, 7, "inspections.measures_deadline"),
         .next_inspection = detail::optional_date_column(s, 8, "inspections.next_inspection"),
         .recorded_at = detail::timestamp_column(s, 9, "inspections.recorded_at"),
         .recorded_by = s.text(10)});
  }
  return result;
}

// ---- TreeBulkWriter

namespace {

// SpatiaLite's per-row INSERT triggers on trees.location (names as CreateSpatialIndex and
// AddGeometryColumn of SpatiaLite 5 create them) and the R*Tree they maintain.
constexpr std::array<const char*, 3> insert_triggers = {
    "ggi_trees_location",  // geometry type and SRID
    "tmi_trees_location",  // geometry_columns_time.last_insert
    "gii_trees_location",  // spatial index entry
};
constexpr const char* spatial_index = "idx_trees_location";

// ---- packing an empty R*Tree in one go (SQLite's rtree.c format, 2 dimensions, REAL)
//
// Inserting a million points one by one makes SQLite's R*Tree rewrite a node blob and its
// parents for every point: a third of an import's time. When the index is empty at the start,
// the writer collects the boxes and writes the shadow tables once at the end, packed
// Sort-Tile-Recursive: the root is node 1 with the tree depth in its first two bytes, each node
// a blob of the root's size holding a 16-bit cell count at byte 2 and cells of a 64-bit rowid
// (entry id or child node number) and xmin, xmax, ymin, ymax as 32-bit floats, all big-endian;
// %_rowid maps an entry to its leaf, %_parent a node to its parent. rtreecheck() verifies it.

// Its bounds hold float values (value_down, value_up), so they are written exactly.
struct Cell {
  std::int64_t id;  // tree id (leaf cell) or node number (interior cell)
  geo::Bounds box;
};

using detail::value_down;
using detail::value_up;

void put_be(std::vector<std::uint8_t>& blob, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    blob[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}

// `v` is one of a cell's bounds, a float value: the conversion is exact.
std::uint32_t float_bits(double v) {
  const auto f = static_cast<float>(v);
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

void pack_rtree(Database& db, const std::string& index, std::vector<Cell> level) {
  auto root_size = db.prepare("SELECT length(data) FROM \"" + index + "_node\" WHERE nodeno = 1");
  if (!root_size.step()) throw StorageError(index + ": the R*Tree has no root node");
  const auto node_size = static_cast<std::size_t>(root_size.int64(0));
  constexpr std::size_t cell_size = 8 + 4 * 4;
  const std::size_t fanout = std::min<std::size_t>((node_size - 4) / cell_size, 51);
  if (fanout < 2) throw StorageError(index + ": unexpected R*Tree node size");

  auto write_node =
      db.prepare("INSERT OR REPLACE INTO \"" + index + "_node\" (nodeno, data) VALUES (?, ?)");
  auto write_rowid =
      db.prepare("INSERT INTO \"" + index + "_rowid\" (rowid, nodeno) VALUES (?, ?)");
  auto write_parent =
      db.prepare("INSERT INTO \"" + index + "_parent\" (nodeno, parentnode) VALUES (?, ?)");
  // Each entry's leaf, written in rowid order once the leaves are known: in STR order the
  // inserts would land all over %_rowid's B-tree, a page read and written back per entry.
  std::vector<std::pair<std::int64_t, std::int64_t>> leaf_of;
  leaf_of.reserve(level.size());
  const auto write_leaves = [&] {
    std::sort(leaf_of.begin(), leaf_of.end());
    // Many rows per statement: a million single-row INSERTs cost more in running statements
    // than in writing rows.
    constexpr std::size_t rows = 128;
    std::string sql = "INSERT INTO \"" + index + "_rowid\" (rowid, nodeno) VALUES (?, ?)";
    for (std::size_t i = 1; i < rows; ++i) sql += ", (?, ?)";
    auto write_many = db.prepare(sql);
    std::size_t i = 0;
    for (; i + rows <= leaf_of.size(); i += rows) {
      for (std::size_t k = 0; k < rows; ++k) {
        const auto p = static_cast<int>(2 * k);
        write_many.bind(p + 1, leaf_of[i + k].first).bind(p + 2, leaf_of[i + k].second);
      }
      write_many.run();
      write_many.reset();
    }
    for (; i < leaf_of.size(); ++i) {
      write_rowid.bind(1, leaf_of[i].first).bind(2, leaf_of[i].second).run();
      write_rowid.reset();
    }
  };
  std::vector<std::uint8_t> blob(node_size);
  const auto fill = [&](std::span<const Cell> cells, int depth_or_zero) {
    std::fill(blob.begin(), blob.end(), std::uint8_t{0});
    put_be(blob, 0, static_cast<std::uint64_t>(depth_or_zero), 2);
    put_be(blob, 2, cells.size(), 2);
    std::size_t at = 4;
    for (const auto& c : cells) {
      put_be(blob, at, static_cast<std::uint64_t>(c.id), 8);
      put_be(blob, at + 8, float_bits(c.box.minx), 4);
      put_be(blob, at + 12, float_bits(c.box.maxx), 4);
      put_be(blob, at + 16, float_bits(c.box.miny), 4);
      put_be(blob, at + 20, float_bits(c.box.maxy), 4);
      at += cell_size;
    }
  };

  std::int64_t next_node = 2;
  int depth = 0;
  while (level.size() > fanout) {
    geo::str_order(level.begin(), level.end(), fanout,
                   [](const Cell& c) -> const geo::Bounds& { return c.box; });
    std::vector<Cell> parents;
    parents.reserve((level.size() + fanout - 1) / fanout);
    for (std::size_t i = 0; i < level.size(); i += fanout) {
      const std::span<const Cell> cells(level.data() + i, std::min(fanout, level.size() - i));
      const std::int64_t node = next_node++;
      Cell mbr{node, cells[0].box};
      for (const auto& c : cells) {
        mbr.box.expand(c.box);
        if (depth == 0) {
          leaf_of.emplace_back(c.id, node);
        } else {
          write_parent.bind(1, c.id).bind(2, node).run();
          write_parent.reset();
        }
      }
      fill(cells, 0);
      write_node.bind(1, node).bind(2, blob).run();
      write_node.reset();
      parents.push_back(mbr);
    }
    level = std::move(parents);
    if (depth == 0) write_leaves();
    ++depth;
  }
  // The root: node 1, holding the last level (entries themselves when they all fit).
  for (const auto& c : level) {
    if (depth == 0) {
      leaf_of.emplace_back(c.id, std::int64_t{1});
    } else {
      write_parent.bind(1, c.id).bind(2, std::int64_t{1}).run();
      write_parent.reset();
    }
  }
  if (depth == 0) write_leaves();
  fill(level, depth);
  write_node.bind(1, std::int64_t{1}).bind(2, blob).run();
  write_node.reset();
}

}  // namespace

struct SqliteTreeBulkWriter::Impl {
  Impl(Database& d, int s, std::string u, geo::Timestamp t)
      : db(d),
        srid(s),
        user(std::move(u)),
        at(t),
        at_text(geo::format_utc(t)),
        find(d.prepare(std::string(select_tree) + "WHERE source_id = ?")),
        insert_tree(d.prepare(insert_tree_sql)),
        insert_stem(d.prepare(
            "INSERT INTO tree_stems (tree_id, stem_no, circumference_cm) VALUES (?, ?, ?)")),
        delete_stems(d.prepare("DELETE FROM tree_stems WHERE tree_id = ?")),
        delete_tree(d.prepare("DELETE FROM trees WHERE id = ?")),
        update_tree(d.prepare(std::string("UPDATE trees SET ") + tree_columns +
                              " WHERE id = ?26 AND version = ?27")),
        history(d.prepare(insert_history_sql)) {}

  void write_stems(std::int64_t tree_id, const std::vector<double>& circumferences) {
    int stem_no = 1;
    for (const double c : circumferences) {
      insert_stem.bind(1, tree_id).bind(2, stem_no++).bind(3, c).run();
      insert_stem.reset();
    }
  }

  Database& db;
  int srid;
  std::string user;
  geo::Timestamp at;
  std::string at_text;
  Statement find, insert_tree, insert_stem, delete_stems, delete_tree, update_tree, history;
  std::optional<Statement> insert_index;  // set while the triggers are replaced
  bool pack_index = false;                // the index was empty: packed by finish()
  bool started_empty = false;             // no tree in the store at the start
  std::vector<Cell> cells;                // what finish() packs
  std::vector<std::string> trigger_sql;   // to re-create them
  std::int64_t inserted = 0;
  detail::ZoneKeeping zones;
  bool finished = false;
};

SqliteTreeBulkWriter::SqliteTreeBulkWriter(Database& db, int srid, std::string user,
                                           geo::Timestamp at)
    : impl_(std::make_unique<Impl>(db, srid, std::move(user), at)) {
  if (!db.in_transaction()) {
    throw StorageError(
        "TreeBulkWriter needs an open transaction (its trigger swap must be atomic)");
  }
  auto any = db.prepare("SELECT EXISTS (SELECT 1 FROM trees)");
  any.step();
  impl_->started_empty = any.int64(0) == 0;
  // Replace the triggers only when all of them and the index are exactly where SpatiaLite
  // puts them; otherwise every row goes through the triggers as in SqliteTreeRepository::insert.
  std::vector<std::string> sql;
  auto trigger = db.prepare(
      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'trees' AND name = ?");
  for (const char* name : insert_triggers) {
    trigger.bind(1, name);
    if (trigger.step()) sql.push_back(trigger.text(0));
    trigger.reset();
  }
  auto index = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  index.bind(1, spatial_index);
  index.step();
  const bool has_index = index.int64(0) == 1;
  if (sql.size() != insert_triggers.size() || !has_index) return;
  for (const char* name : insert_triggers) db.execute(std::string("DROP TRIGGER \"") + name + "\"");
  impl_->trigger_sql = std::move(sql);
  // The R*Tree rounds the lower bound down and the upper bound up to 32-bit floats, so the
  // box holds the point, as RTreeAlign's entry does.
  auto entries = db.prepare(std::string("SELECT count(*) FROM \"") + spatial_index + "_rowid\"");
  entries.step();
  impl_->pack_index = entries.int64(0) == 0;
  impl_->insert_index = db.prepare(std::string("INSERT INTO \"") + spatial_index +
                                   "\" (pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)");
}

SqliteTreeBulkWriter::~SqliteTreeBulkWriter() {
  try {
    finish();
  } catch (const StorageError&) {
    // The transaction is then rolled back by its owner, and the triggers with it.
  }
}

void SqliteTreeBulkWriter::finish() {
  auto& m = *impl_;
  if (m.finished) return;
  m.finished = true;
  m.insert_index.reset();
  if (m.pack_index && !m.cells.empty()) pack_rtree(m.db, spatial_index, std::move(m.cells));
  m.cells.clear();

  for (const auto& sql : m.trigger_sql) m.db.execute(sql);
  if (!m.trigger_sql.empty() && m.inserted > 0) {
    m.db.prepare(
            "UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            " WHERE Lower(f_table_name) = 'trees' AND Lower(f_geometry_column) = 'location'")
        .run();
  }
  m.trigger_sql.clear();
  // The zones keep_zones drew, marked current.
  if (auto kept = m.zones.take()) {
    save_tree_zones(m.db, kept->rules, kept->marker, kept->zones);
  }
}

void SqliteTreeBulkWriter::keep_zones(const geo::RuleSet& rules) {
  impl_->zones.start(rules, impl_->started_empty);
}

bool SqliteTreeBulkWriter::started_empty() const { return impl_->started_empty; }

std::optional<geo::Tree> SqliteTreeBulkWriter::find_by_source_id(std::string_view source_id) {
  auto& m = *impl_;
  m.find.bind(1, source_id);
  if (!m.find.step()) {
    m.find.reset();
    return std::nullopt;
  }
  auto tree = read_tree(m.find);
  m.find.reset();
  return tree;
}

std::int64_t SqliteTreeBulkWriter::insert(const geo::Tree& tree) {
  auto& m = *impl_;
  if (m.finished) throw StorageError("TreeBulkWriter::insert after finish()");
  std::int64_t id = 0;
  try {
    const auto own_time =
        tree.updated_at == geo::Timestamp{} ? std::string() : geo::format_utc(tree.updated_at);
    const RowTexts texts(tree, own_time.empty() ? std::string_view(m.at_text) : own_time);
    bind_tree(m.insert_tree, tree, texts, m.srid, 1);
    m.insert_tree.run();
    m.insert_tree.reset();
    id = m.db.last_insert_rowid();
  } catch (const ConstraintViolation& e) {
    // A failed statement leaves nothing behind.
    throw ConstraintViolation("tree " + tree.source_id + ": " + e.what());
  }
  try {
    m.write_stems(id, tree.stem_circumferences_cm);
    if (m.pack_index) {
      const double x = tree.location.x;
      const double y = tree.location.y;
      m.cells.push_back({id,
                         {static_cast<double>(value_down(x)), static_cast<double>(value_down(y)),
                          static_cast<double>(value_up(x)), static_cast<double>(value_up(y))}});
    } else if (m.insert_index) {
      const double x = tree.location.x;
      const double y = tree.location.y;
      m.insert_index->bind(1, id).bind(2, x).bind(3, x).bind(4, y).bind(5, y).run();
      m.insert_index->reset();
    }
  } catch (const ConstraintViolation& e) {
    // Take the tree out again (its stems go with it: ON DELETE CASCADE; its index entry, if
    // one was written, through the delete trigger).
    m.delete_tree.bind(1, id).run();
    m.delete_tree.reset();
    throw ConstraintViolation("tree " + tree.source_id + ": " + e.what());
  }
  ++m.inserted;
  m.zones.inserted(id, tree);
  return id;
}

bool SqliteTreeBulkWriter::update(const geo::Tree& tree, const geo::Tree& stored) {
  auto& m = *impl_;
  if (m.finished) throw StorageError("TreeBulkWriter::update after finish()");
  const auto changes = changed_fields(stored, tree);
  if (changes.empty()) return false;
  m.zones.updated();
  // Updates are the rare case of an import: a savepoint keeps the row, its stems and its
  // history together.
  Transaction tx(m.db);
  try {
    const RowTexts texts(tree, m.at_text);
    bind_tree(m.update_tree, tree, texts, m.srid, stored.version + 1);
    m.update_tree.bind(26, stored.id).bind(27, stored.version).run();
    m.update_tree.reset();
    if (m.db.changes() != 1) {
      throw VersionConflict("tree " + std::to_string(stored.id) + ": version " +
                            std::to_string(stored.version) + " expected, the store has another");
    }
    if (stored.stem_circumferences_cm != tree.stem_circumferences_cm) {
      m.delete_stems.bind(1, stored.id).run();
      m.delete_stems.reset();
      m.write_stems(stored.id, tree.stem_circumferences_cm);
    }
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("tree " + std::to_string(stored.id) + ": " + e.what());
  }
  for (const auto& c : changes) {
    m.history.bind(1, stored.id)
        .bind(2, m.at_text)
        .bind(3, m.user)
        .bind(4, c.field)
        .bind(5, c.old_value)
        .bind(6, c.new_value)
        .run();
    m.history.reset();
  }
  tx.commit();
  return true;
}

}  // namespace rootzone::storage
