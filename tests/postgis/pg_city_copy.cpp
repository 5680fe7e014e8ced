#include "postgis/pg_city_copy.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "rootzone/storage/database.hpp"
#include "support/conflict_case.hpp"

namespace rootzone::test {

namespace {

// A column and how its value travels: i integer, r real, b 0/1 flag, t text, g geometry (WKB).
struct Column {
  const char* name;
  char kind;
};

void copy_table(storage::Database& db, storage::pg::Connection& pg, int srid, const char* table,
                const std::vector<Column>& columns, const char* order = "id") {
  std::string select = "SELECT ";
  std::string insert = std::string("INSERT INTO ") + table + " (";
  std::string values = ") VALUES (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    const std::string n = "$" + std::to_string(i + 1);
    select += (i ? ", " : "") +
              (c.kind == 'g' ? "AsBinary(" + std::string(c.name) + ")" : std::string(c.name));
    insert += (i ? ", " : "") + std::string(c.name);
    values +=
        (i ? ", " : "") + (c.kind == 'g' ? "ST_GeomFromWKB(" + n + ", " + std::to_string(srid) + ")"
                           : c.kind == 'b' ? n + "::int::boolean"
                                           : n);
  }
  auto s = db.prepare(select + " FROM " + table + " ORDER BY " + order);
  while (s.step()) {
    std::vector<storage::pg::Parameter> p;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const int col = static_cast<int>(i);
      if (s.is_null(col)) {
        p.emplace_back(std::nullopt);
        continue;
      }
      switch (columns[i].kind) {
        case 'i':
        case 'b':
          p.emplace_back(std::to_string(s.int64(col)));
          break;
        case 'r': {
          char buf[32];
          const auto r = std::to_chars(buf, buf + sizeof buf, s.real(col));
          p.emplace_back(std::string(buf, r.ptr));
          break;
        }
        case 'g':
          p.push_back(storage::pg::Parameter::binary(s.blob_view(col)));
          break;
        default:
          p.emplace_back(s.text(col));
      }
    }
    pg.exec(insert + values + ")", p);
  }
}

}  // namespace

void copy_city_to_postgis(storage::Store& from, const std::string& url) {
  auto& db = from.database();
  storage::pg::Connection pg(url);
  storage::pg::Transaction tx(pg);
  const int srid = from.srid();
  copy_table(db, pg, srid, "trees",
             {{"id", 'i'},
              {"source_id", 't'},
              {"site", 't'},
              {"district", 't'},
              {"species_botanical", 't'},
              {"species_german", 't'},
              {"genus", 't'},
              {"crown_diameter_m", 'r'},
              {"height_m", 'r'},
              {"planting_year", 'i'},
              {"vitality", 'i'},
              {"development_phase", 't'},
              {"last_inspection", 't'},
              {"next_inspection", 't'},
              {"status", 't'},
              {"felled_on", 't'},
              {"columnar", 'b'},
              {"is_protected", 'b'},
              {"protection_source", 't'},
              {"protection_reason", 't'},
              {"version", 'i'},
              {"updated_at", 't'},
              {"location", 'g'},
              {"stems_cm", 't'}});
  // tree_stems: on PostGIS a view of the rows' stems_cm, copied with them (migration 0008).
  copy_table(db, pg, srid, "works",
             {{"id", 'i'},
              {"reference", 't'},
              {"title", 't'},
              {"contractor", 't'},
              {"contact", 't'},
              {"kind", 't'},
              {"width_m", 'r'},
              {"radius_m", 'r'},
              {"depth_m", 'r'},
              {"starts_at", 't'},
              {"ends_at", 't'},
              {"status", 't'},
              {"source", 't'},
              {"version", 'i'},
              {"updated_at", 't'},
              {"geometry", 'g'}});
  tx.commit();
}

storage::Store city_of_all_cases(const std::string& path) {
  auto store = storage::Store::create(path);
  double east = 0;
  for (const auto& name : conflict_case_names()) {
    auto c = load_conflict_case(name, {448000 + east, 5538000});
    east += 1000;
    for (auto& t : c.trees) {
      t.source_id = name + "/" + t.source_id;
      store.trees().insert(t);
    }
    for (auto& w : c.works) {
      w.reference = name + "/" + w.reference;
      store.works().insert(w, "test");
    }
  }
  return store;
}

}  // namespace rootzone::test
