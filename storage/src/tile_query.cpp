#include "rootzone/storage/tile_query.hpp"

#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

using detail::point_of;

namespace {

// The R*Tree test every query shares: ?1..?4 = min x, min y, max x, max y.
constexpr const char* kTreeCandidates =
    " FROM idx_trees_location r JOIN trees t ON t.id = r.pkid"
    " WHERE r.xmin <= ?3 AND r.xmax >= ?1 AND r.ymin <= ?4 AND r.ymax >= ?2";

void bind_box(Statement& s, const geo::Bounds& b) {
  s.bind(1, b.minx).bind(2, b.miny).bind(3, b.maxx).bind(4, b.maxy);
}

}  // namespace

namespace {

constexpr const char* kTileTreeColumns =
    "SELECT t.id, t.location, t.source_id, t.species_botanical, t.genus, t.status,"
    " t.crown_diameter_m, t.height_m, t.is_protected, t.stems_cm, t.columnar";

void read_tile_trees(Statement& s, const std::function<void(const TileTree&)>& f) {
  TileTree t;
  while (s.step()) {
    t.id = s.int64(0);
    t.location = point_of(s.blob_view(1), t.id);
    t.source_id = s.text_view(2);
    t.species_botanical = s.text_view(3);
    t.genus = s.text_view(4);
    t.status = s.text_view(5);
    t.crown_diameter_m = s.optional_real(6);
    t.height_m = s.optional_real(7);
    t.is_protected = s.int64(8) == 1;
    t.circumference_cm = detail::stem_sum_from_column(s.text_view(9), t.id);
    const auto by_hand = s.optional_int32(10);
    t.columnar = by_hand ? *by_hand == 1 : geo::is_columnar_name(t.species_botanical);
    f(t);
  }
}

}  // namespace

void for_each_tile_tree(Database& db, const geo::Bounds& box,
                        const std::function<void(const TileTree&)>& f) {
  auto s = db.prepare(std::string(kTileTreeColumns) + kTreeCandidates);
  bind_box(s, box);
  read_tile_trees(s, f);
}

void for_each_tile_tree(Database& db, const std::function<void(const TileTree&)>& f) {
  auto s = db.prepare(std::string(kTileTreeColumns) + " FROM trees t ORDER BY t.id");
  read_tile_trees(s, f);
}

std::vector<TileWork> tile_works(Database& db, const geo::Bounds& box) {
  auto s = db.prepare(
      "SELECT w.id, w.reference, w.title, w.contractor, w.contact, w.kind, w.status,"
      " w.starts_at, w.ends_at, w.width_m, w.radius_m, AsBinary(w.geometry)"
      " FROM idx_works_geometry r JOIN works w ON w.id = r.pkid"
      " WHERE r.xmin <= ?3 AND r.xmax >= ?1 AND r.ymin <= ?4 AND r.ymax >= ?2"
      // By id: a tile's bytes must not depend on the index's order (nor on the store's).
      " ORDER BY w.id");
  bind_box(s, box);
  std::vector<TileWork> out;
  while (s.step()) {
    TileWork w;
    w.id = s.int64(0);
    w.reference = s.text(1);
    w.title = s.text(2);
    w.contractor = s.text(3);
    w.contact = s.text(4);
    w.kind = s.text(5);
    w.status = s.text(6);
    w.starts_at = s.text(7);
    w.ends_at = s.text(8);
    w.width_m = s.optional_real(9);
    w.radius_m = s.optional_real(10);
    w.geometry = geo::Geometry(s.blob(11));
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<TileConflict> tile_conflicts(Database& db, const geo::Bounds& box) {
  auto q = db.prepare(
      "SELECT c.id, c.tree_id, c.work_id, t.location, c.severity, c.rule, c.min_distance_m,"
      " c.overlap_share, c.acknowledged_by IS NOT NULL, w.contractor"
      " FROM idx_trees_location r JOIN trees t ON t.id = r.pkid"
      " JOIN tree_work_conflicts c ON c.tree_id = t.id JOIN works w ON w.id = c.work_id"
      " WHERE r.xmin <= ?3 AND r.xmax >= ?1 AND r.ymin <= ?4 AND r.ymax >= ?2 ORDER BY c.id");
  bind_box(q, box);
  std::vector<TileConflict> out;
  while (q.step()) {
    TileConflict c;
    c.id = q.int64(0);
    c.tree_id = q.int64(1);
    c.work_id = q.int64(2);
    c.location = point_of(q.blob_view(3), c.tree_id);
    c.severity = q.text(4);
    c.rule = q.text(5);
    c.min_distance_m = q.real(6);
    c.overlap_share = q.real(7);
    c.acknowledged = q.int64(8) == 1;
    c.contractor = q.text(9);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace rootzone::storage
