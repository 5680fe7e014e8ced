// What the conflict engine reads and writes in bulk, on PostGIS: the same answers as
// storage/src/conflict_inputs.cpp (the marker, the zones, their order, every double exact),
// through binary COPY instead of a million row steps (pg_copy.hpp).
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "packed_zones.hpp"
#include "pg/connection.hpp"
#include "pg/pg_copy.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage::pg {

namespace {

std::optional<std::string> stored_marker(Connection& c) {
  const auto r = c.exec("SELECT value FROM store_meta WHERE key = 'zones_marker'");
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0);
}

// By id, as SQLite returns them; the server sends them unordered (usually already in order).
void sort_by_id(std::vector<geo::ZonedTree>& zones) {
  const auto by_id = [](const geo::ZonedTree& a, const geo::ZonedTree& b) { return a.id < b.id; };
  if (!std::is_sorted(zones.begin(), zones.end(), by_id)) {
    std::sort(zones.begin(), zones.end(), by_id);
  }
}

// A point as PostGIS sends a geometry column in binary: EWKB (byte order, type with the SRID
// flag, the SRID, x, y).
geo::Point point_of_ewkb(std::string_view b, std::int64_t tree_id) {
  const auto bad = [&] {
    return StorageError("tree " + std::to_string(tree_id) +
                        ": location is not a two-dimensional EWKB point");
  };
  if (b.size() < 21 || (b[0] != 0 && b[0] != 1)) throw bad();
  const bool swap = (b[0] == 1) != (std::endian::native == std::endian::little);
  const auto u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, b.data() + at, 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  const auto f64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    std::memcpy(&v, b.data() + at, 8);
    return std::bit_cast<double>(swap ? __builtin_bswap64(v) : v);
  };
  const auto type = u32(1);
  const std::size_t at = (type & 0x20000000u) != 0 ? 9 : 5;
  if ((type & 0xDFFFFFFFu) != 1 || b.size() != at + 16) throw bad();
  return {f64(at), f64(at + 8)};
}

// The stored zones when they derive from exactly this state, else nothing.
std::optional<std::vector<geo::ZonedTree>> cached_zones(Connection& c, const std::string& marker) {
  if (stored_marker(c) != marker) return std::nullopt;
  {
    // The packed copy (packed_zones.hpp), its marker read with it.
    std::optional<std::vector<geo::ZonedTree>> packed;
    copy::read(c,
               "COPY (SELECT marker, zones FROM tree_zones_packed WHERE id = 1) TO STDOUT"
               " (FORMAT binary)",
               2, [&](const copy::Row& row) {
                 if (row.text(0) == marker) packed = storage::detail::unpack_zones(row.text(1));
               });
    if (packed) return packed;
  }
  // Zones stored by a rootzone before 0007 (or the packing of a later one): from the rows.
  std::vector<geo::ZonedTree> out;
  bool complete = true;
  copy::read(c,
             "COPY (SELECT tree_id, x, y, root_zone_rule, basis_value_m, root_radius_m,"
             " trench_radius_m FROM tree_zones) TO STDOUT (FORMAT binary)",
             7, [&](const copy::Row& row) {
               if (!complete) return;
               const auto basis = geo::root_zone_basis_from_string(row.text(3));
               if (row.is_null(1) || row.is_null(2) || row.is_null(4) || !basis) {
                 complete = false;  // an older zone row
                 return;
               }
               out.push_back({row.int8(0),
                              {row.float8(1), row.float8(2)},
                              {row.float8(6), row.float8(5), *basis, row.float8(4)}});
             });
  if (!complete) return std::nullopt;
  sort_by_id(out);
  return out;
}

}  // namespace

ZoneLoad load_zoned_trees(Connection& c, const geo::RuleSet& rules) {
  {
    const auto state = c.exec("SELECT count(*), coalesce(sum(version), 0) FROM trees");
    const auto marker = zone_marker(rules, state.int64(0, 0), state.int64(0, 1));
    if (auto cached = cached_zones(c, marker)) return {std::move(*cached), marker, true};
  }
  // Every tree once, for the marker, in the order the server finds them (no ORDER BY: an index
  // scan of a million rows costs more than sorting the half that is protected). The stems from
  // the row's own column (0004: the circumferences in stem order, shortest exact text), summed
  // in stem order as SQLite sums tree_stems; the location as the column's own EWKB, read
  // directly instead of two function calls per row.
  ZoneLoad out;
  std::int64_t count = 0;
  std::int64_t versions = 0;
  copy::read(
      c,
      "COPY (SELECT id, version::bigint, is_protected AND status = 'existing', location,"
      " crown_diameter_m, columnar, species_botanical, stems_cm FROM trees)"
      " TO STDOUT (FORMAT binary)",
      8, [&](const copy::Row& row) {
        const auto id = row.int8(0);
        ++count;
        versions += row.int8(1);
        if (!row.boolean(2)) return;
        const double total = storage::detail::stem_sum_from_column(row.text(7), id).value_or(0.0);
        const auto columnar_by_hand = row.optional_boolean(5);
        const bool columnar =
            columnar_by_hand ? *columnar_by_hand : geo::is_columnar_name(row.text(6));
        out.trees.push_back({id, point_of_ewkb(row.text(3), id),
                             geo::protection_zone(total, row.optional_float8(4), columnar, rules)});
      });
  sort_by_id(out.trees);
  out.marker = zone_marker(rules, count, versions);
  return out;
}

std::size_t save_tree_zones(Connection& c, int /*srid*/, const geo::RuleSet& rules,
                            const std::string& marker, const std::vector<geo::ZonedTree>& zones) {
  Transaction tx(c);
  if (stored_marker(c) == marker) return 0;
  const auto now = geo::format_utc(geo::now_utc());
  const auto write = [&](const char* table) {
    CopyIn in(c, std::string("COPY ") + table +
                     " (tree_id, rule_set, root_zone_rule, root_radius_m, trench_radius_m,"
                     " computed_at, x, y, basis_value_m) FROM STDIN (FORMAT binary)");
    std::string row;
    for (const auto& z : zones) {
      row.clear();
      CopyRow(row)
          .begin(9)
          .int8(z.id)
          .text(rules.name)
          .text(geo::to_string(z.zone.basis))
          .float8(z.zone.root_radius_m)
          .float8(z.zone.trench_radius_m)
          .text(now)
          .float8(z.location.x)
          .float8(z.location.y)
          .float8(z.zone.basis_value_m);
      in.write(row);
    }
    in.finish();
  };
  if (c.exec("SELECT EXISTS (SELECT 1 FROM tree_zones)").text(0, 0) == "f") {
    // The first check after an import: straight in.
    write("tree_zones");
  } else {
    // Rows of trees that keep a zone are updated in place, not deleted and inserted again:
    // the foreign key to trees is checked (a row lock on the tree, per row) only for an insert
    // and most of the cost of a rewrite was that. Through a temporary table (this session's
    // own, emptied at commit), so the rows still arrive by one binary COPY. An older snapshot
    // of another node keeps seeing the rows its marker belongs to (no TRUNCATE).
    c.exec(
        "CREATE TEMP TABLE IF NOT EXISTS rootzone_zones_in (LIKE tree_zones)"
        " ON COMMIT DELETE ROWS");
    c.exec("DELETE FROM rootzone_zones_in");
    write("rootzone_zones_in");
    c.exec("ANALYZE rootzone_zones_in");
    c.exec(
        "DELETE FROM tree_zones z WHERE NOT EXISTS"
        " (SELECT 1 FROM rootzone_zones_in i WHERE i.tree_id = z.tree_id)");
    c.exec(
        "UPDATE tree_zones z SET rule_set = i.rule_set, root_zone_rule = i.root_zone_rule,"
        " root_radius_m = i.root_radius_m, trench_radius_m = i.trench_radius_m,"
        " computed_at = i.computed_at, x = i.x, y = i.y, basis_value_m = i.basis_value_m"
        " FROM rootzone_zones_in i WHERE z.tree_id = i.tree_id");
    c.exec(
        "INSERT INTO tree_zones SELECT i.* FROM rootzone_zones_in i WHERE NOT EXISTS"
        " (SELECT 1 FROM tree_zones z WHERE z.tree_id = i.tree_id)");
  }
  c.exec(
      "INSERT INTO store_meta (key, value) VALUES ('zones_marker', $1)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      {marker});
  c.exec("DELETE FROM tree_zones_packed");
  {
    CopyIn in(c, "COPY tree_zones_packed (id, marker, zones) FROM STDIN (FORMAT binary)");
    std::string row;
    CopyRow(row).begin(3).int8(1).text(marker).bytes(storage::detail::pack_zones(zones));
    in.write(row);
    in.finish();
  }
  tx.commit();
  return zones.size();
}

std::unordered_map<std::int64_t, TreeLabel> tree_labels(Connection& c,
                                                        const std::vector<std::int64_t>& ids) {
  std::unordered_map<std::int64_t, TreeLabel> out;
  if (ids.empty()) return out;
  // One statement for any number of ids: the ids as one bigint[] parameter.
  std::string array = "{";
  for (const auto id : ids) {
    if (array.size() > 1) array += ',';
    array += std::to_string(id);
  }
  array += '}';
  const auto r = c.exec(
      "SELECT id, source_id, ST_X(location), ST_Y(location) FROM trees WHERE id = "
      "ANY($1::bigint[])",
      {array});
  for (int i = 0; i < r.rows(); ++i) {
    out[r.int64(i, 0)] = {r.text(i, 1), {r.real(i, 2), r.real(i, 3)}};
  }
  return out;
}

}  // namespace rootzone::storage::pg
