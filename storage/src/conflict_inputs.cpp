#include "rootzone/storage/conflict_inputs.hpp"

#include <bit>
#include <cstring>
#include <optional>
#include <span>

#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/errors.hpp"

#include "rootzone/storage/database.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

using detail::point_of;

std::vector<geo::Tree> load_engine_trees(Database& db) {
  // Two ordered scans merged in C++: a join or a correlated stems subquery per tree costs a
  // B-tree probe per row, the merge costs nothing.
  auto trees = db.prepare(
      "SELECT id, source_id, ST_X(location), ST_Y(location), crown_diameter_m, columnar,"
      " species_botanical, status, protection_source, protection_reason"
      " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
  std::vector<geo::Tree> out;
  while (trees.step()) {
    geo::Tree t;
    t.id = trees.int64(0);
    t.source_id = trees.text(1);
    t.location = {trees.real(2), trees.real(3)};
    t.crown_diameter_m = trees.optional_real(4);
    if (const auto c = trees.optional_int32(5)) t.columnar = *c == 1;
    t.species_botanical = trees.text(6);
    t.status = geo::TreeStatus::existing;
    t.protection.is_protected = true;
    t.protection.source = detail::enum_column(trees, 8, "trees.protection_source",
                                              geo::protection_source_from_string);
    t.protection.reason = trees.text(9);
    out.push_back(std::move(t));
  }

  auto stems = db.prepare(
      "SELECT s.tree_id, s.circumference_cm FROM tree_stems s JOIN trees t ON t.id = s.tree_id"
      " WHERE t.is_protected = 1 AND t.status = 'existing' ORDER BY s.tree_id, s.stem_no");
  std::size_t i = 0;
  while (stems.step()) {
    const auto tree_id = stems.int64(0);
    while (i < out.size() && out[i].id < tree_id) ++i;
    if (i < out.size() && out[i].id == tree_id)
      out[i].stem_circumferences_cm.push_back(stems.real(1));
  }
  return out;
}

namespace {

std::string marker_of(const geo::RuleSet& rules, std::int64_t count, std::int64_t versions) {
  return rules.to_json() + "|" + std::to_string(count) + "|" + std::to_string(versions);
}

// The stored zones when they derive from exactly this state, else nothing.
std::optional<std::vector<geo::ZonedTree>> cached_zones(Database& db, const std::string& marker) {
  {
    auto current = db.prepare("SELECT value FROM store_meta WHERE key = 'zones_marker'");
    if (!current.step() || current.text_view(0) != marker) return std::nullopt;
  }
  auto s = db.prepare(
      "SELECT tree_id, x, y, root_zone_rule, basis_value_m, root_radius_m, trench_radius_m"
      " FROM tree_zones ORDER BY tree_id");
  std::vector<geo::ZonedTree> out;
  while (s.step()) {
    const auto basis = geo::root_zone_basis_from_string(s.text_view(3));
    if (s.is_null(1) || s.is_null(4) || !basis) return std::nullopt;  // an older zone row
    out.push_back({s.int64(0), {s.real(1), s.real(2)}, {s.real(6), s.real(5), *basis, s.real(4)}});
  }
  return out;
}

}  // namespace

ZoneLoad load_zoned_trees(Database& db, const geo::RuleSet& rules) {
  {
    auto state = db.prepare("SELECT count(*), coalesce(sum(version), 0) FROM trees");
    state.step();
    const auto marker = marker_of(rules, state.int64(0), state.int64(1));
    if (auto cached = cached_zones(db, marker)) return {std::move(*cached), marker, true};
  }
  // Every tree is read once, for the marker. Stems come in primary-key order and are
  // summed while merging: a join or GROUP BY would cost a B-tree probe or a sorter per row.
  auto trees = db.prepare(
      "SELECT id, version, CASE WHEN is_protected = 1 AND status = 'existing' THEN 1 ELSE 0 END,"
      " location, crown_diameter_m, columnar, species_botanical FROM trees ORDER BY id");
  auto stems = db.prepare("SELECT tree_id, circumference_cm FROM tree_stems ORDER BY tree_id");
  bool stems_left = stems.step();
  ZoneLoad out;
  std::int64_t count = 0;
  std::int64_t versions = 0;
  while (trees.step()) {
    const auto id = trees.int64(0);
    ++count;
    versions += trees.int64(1);
    if (trees.int64(2) == 0) continue;
    while (stems_left && stems.int64(0) < id) stems_left = stems.step();
    double total = 0;
    while (stems_left && stems.int64(0) == id) {
      total += stems.real(1);
      stems_left = stems.step();
    }
    const auto columnar_by_hand = trees.optional_int32(5);
    const bool columnar =
        columnar_by_hand ? *columnar_by_hand == 1 : geo::is_columnar_name(trees.text_view(6));
    out.trees.push_back({id, point_of(trees.blob_view(3), id),
                         geo::protection_zone(total, trees.optional_real(4), columnar, rules)});
  }
  out.marker = marker_of(rules, count, versions);
  return out;
}

std::size_t save_tree_zones(Database& db, const geo::RuleSet& rules, const std::string& marker,
                            const std::vector<geo::ZonedTree>& zones) {
  Transaction tx(db);
  {
    auto current = db.prepare("SELECT value FROM store_meta WHERE key = 'zones_marker'");
    if (current.step() && current.text_view(0) == marker) return 0;
  }
  db.execute("DELETE FROM tree_zones");
  const auto now = geo::format_utc(geo::now_utc());
  auto insert = db.prepare(
      "INSERT INTO tree_zones (tree_id, rule_set, root_zone_rule, root_radius_m,"
      " trench_radius_m, computed_at, x, y, basis_value_m) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& z : zones) {
    insert.bind(1, z.id)
        .bind(2, rules.name)
        .bind(3, geo::to_string(z.zone.basis))
        .bind(4, z.zone.root_radius_m)
        .bind(5, z.zone.trench_radius_m)
        .bind(6, now)
        .bind(7, z.location.x)
        .bind(8, z.location.y)
        .bind(9, z.zone.basis_value_m);
    insert.run();
    insert.reset();
  }
  db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('zones_marker', ?)")
      .bind(1, marker)
      .run();
  tx.commit();
  return zones.size();
}

std::unordered_map<std::int64_t, TreeLabel> tree_labels(Database& db,
                                                        const std::vector<std::int64_t>& ids) {
  auto s = db.prepare("SELECT source_id, ST_X(location), ST_Y(location) FROM trees WHERE id = ?");
  std::unordered_map<std::int64_t, TreeLabel> out;
  for (const auto id : ids) {
    if (out.count(id)) continue;
    s.bind(1, id);
    if (s.step()) out[id] = {s.text(0), {s.real(1), s.real(2)}};
    s.reset();
  }
  return out;
}

}  // namespace rootzone::storage
