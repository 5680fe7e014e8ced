#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/geo/zones.hpp"

namespace rootzone::storage::pg {

namespace {

// The GiST test every query shares: $1..$4 = min x, min y, max x, max y; $5 = the store's SRID.
// Like the SpatiaLite R*Tree it compares float boxes: the caller makes the exact test.
constexpr const char* kBox = "ST_MakeEnvelope($1, $2, $3, $4, $5)";

std::vector<Parameter> box_parameters(const geo::Bounds& b, int srid) {
  return {number_text(b.minx), number_text(b.miny), number_text(b.maxx), number_text(b.maxy),
          std::to_string(srid)};
}

constexpr const char* kTileTreeColumns =
    "SELECT t.id, ST_X(t.location), ST_Y(t.location), t.source_id, t.species_botanical,"
    " t.genus, t.status, t.crown_diameter_m, t.height_m, t.is_protected, t.stems_cm,"
    " t.columnar";

void read_tile_trees(const Result& r, const std::function<void(const TileTree&)>& f) {
  for (int i = 0; i < r.rows(); ++i) {
    TileTree t;
    t.id = r.int64(i, 0);
    t.location = {r.real(i, 1), r.real(i, 2)};
    // The views must outlive the callback only.
    const auto source_id = r.text(i, 3);
    const auto species = r.text(i, 4);
    const auto genus = r.text(i, 5);
    const auto status = r.text(i, 6);
    t.source_id = source_id;
    t.species_botanical = species;
    t.genus = genus;
    t.status = status;
    t.crown_diameter_m = optional_real(r, i, 7);
    t.height_m = optional_real(r, i, 8);
    t.is_protected = boolean(r, i, 9);
    const auto stems = r.text(i, 10);
    t.circumference_cm = detail::stem_sum_from_column(stems, t.id);
    t.columnar = r.is_null(i, 11) ? geo::is_columnar_name(t.species_botanical) : boolean(r, i, 11);
    f(t);
  }
}

}  // namespace

void for_each_tile_tree(Connection& c, int srid, const geo::Bounds* box,
                        const std::function<void(const TileTree&)>& f) {
  if (box != nullptr) {
    read_tile_trees(
        c.exec(std::string(kTileTreeColumns) + " FROM trees t WHERE t.location && " + kBox,
               box_parameters(*box, srid)),
        f);
    return;
  }
  // A million trees in pages by id, so the client never holds them all at once; the caller's
  // snapshot (StoreSnapshot: REPEATABLE READ) makes the pages one state.
  constexpr int kPage = 20000;
  std::int64_t after = 0;
  for (;;) {
    const auto r = c.exec(
        std::string(kTileTreeColumns) + " FROM trees t WHERE t.id > $1 ORDER BY t.id LIMIT $2",
        {std::to_string(after), std::to_string(kPage)});
    if (r.rows() == 0) return;
    read_tile_trees(r, f);
    after = r.int64(r.rows() - 1, 0);
    if (r.rows() < kPage) return;
  }
}

std::vector<TileWork> tile_works(Connection& c, int srid, const geo::Bounds& box) {
  const auto r = c.exec(
      std::string("SELECT w.id, w.reference, w.title, w.contractor, w.contact, w.kind, w.status,"
                  " w.starts_at, w.ends_at, w.width_m, w.radius_m, ST_AsBinary(w.geometry)"
                  " FROM works w WHERE w.geometry && ") +
          kBox + " ORDER BY w.id",
      box_parameters(box, srid));
  std::vector<TileWork> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    TileWork w;
    w.id = r.int64(i, 0);
    w.reference = r.text(i, 1);
    w.title = r.text(i, 2);
    w.contractor = r.text(i, 3);
    w.contact = r.text(i, 4);
    w.kind = r.text(i, 5);
    w.status = r.text(i, 6);
    w.starts_at = r.text(i, 7);
    w.ends_at = r.text(i, 8);
    w.width_m = optional_real(r, i, 9);
    w.radius_m = optional_real(r, i, 10);
    w.geometry = geo::Geometry(r.bytes(i, 11));
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<TileConflict> tile_conflicts(Connection& c, int srid, const geo::Bounds& box) {
  const auto r =
      c.exec(std::string("SELECT c.id, c.tree_id, c.work_id, ST_X(t.location), ST_Y(t.location),"
                         " c.severity, c.rule, c.min_distance_m, c.overlap_share,"
                         " c.acknowledged_by IS NOT NULL, w.contractor"
                         " FROM trees t JOIN tree_work_conflicts c ON c.tree_id = t.id"
                         " JOIN works w ON w.id = c.work_id WHERE t.location && ") +
                 kBox + " ORDER BY c.id",
             box_parameters(box, srid));
  std::vector<TileConflict> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    TileConflict k;
    k.id = r.int64(i, 0);
    k.tree_id = r.int64(i, 1);
    k.work_id = r.int64(i, 2);
    k.location = {r.real(i, 3), r.real(i, 4)};
    k.severity = r.text(i, 5);
    k.rule = r.text(i, 6);
    k.min_distance_m = r.real(i, 7);
    k.overlap_share = r.real(i, 8);
    k.acknowledged = boolean(r, i, 9);
    k.contractor = r.text(i, 10);
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace rootzone::storage::pg
