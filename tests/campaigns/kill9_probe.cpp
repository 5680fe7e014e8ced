// kill9_probe: what scripts/campaigns/kill9.sh needs besides `rootzone` itself (no python3 on
// a fresh machine):
//
//   kill9_probe users --db DB                 adds a contractor and a field worker; prints
//                                             "contractor KEY" and "field_staff KEY"
//   kill9_probe load --db DB --port P --contractor-key K --field-key K --log FILE --tag T
//                                             the write load of write_load.hpp until the server
//                                             is gone; prints its counts
//   kill9_probe verify --db DB --log FILE     every acknowledged write is in the store
//   kill9_probe integrity --db DB             PRAGMA integrity_check is "ok"
//   kill9_probe thin --db DB                  forgets every third conflict and clash: a
//                                             complete old set that a check must change
//   kill9_probe digest --db DB                one line naming what the store holds: row counts
//                                             and a hash of every conflict and clash row, so
//                                             two states compare as text
//
// Exit 0 when the check holds, 1 when it does not (with the reason), 2 for a usage error.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "campaigns/write_load.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/user.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"

namespace {

using namespace rootzone;

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "kill9_probe: " << problem
            << "\nusage: kill9_probe users|load|verify|integrity|digest|thin --db DB [options]\n";
  std::exit(2);
}

std::map<std::string, std::string> options(int argc, char** argv) {
  std::map<std::string, std::string> o;
  for (int i = 2; i < argc; ++i) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) usage("bad option " + name);
    o[name.substr(2)] = argv[++i];
  }
  if (!o.contains("db")) usage("--db is required");
  return o;
}

const std::string& need(const std::map<std::string, std::string>& o, const std::string& name) {
  const auto it = o.find(name);
  if (it == o.end()) usage("--" + name + " is required");
  return it->second;
}

int users(const std::string& db) {
  auto store = storage::Store::open(db);
  std::map<std::string, geo::Role> made{{"contractor", geo::Role::contractor},
                                        {"field_staff", geo::Role::field_staff}};
  for (const auto& [name, role] : made) {
    geo::User u;
    u.name = "kill9-" + name;
    u.role = role;
    u.organisation = "Campaign GmbH";
    const auto id = store.users().add(u);
    std::cout << name << ' ' << core::issue_api_key(store.users(), id).token << '\n';
  }
  return 0;
}

int load(const std::map<std::string, std::string>& o) {
  test::LoadOptions l;
  l.port = std::stoi(need(o, "port"));
  l.contractor_key = need(o, "contractor-key");
  l.field_staff_key = need(o, "field-key");
  l.log = need(o, "log");
  l.tag = need(o, "tag");
  l.trees = test::pick_load_trees(need(o, "db"), 500);
  const std::atomic<bool> stop{false};
  const auto c = test::run_write_load(l, stop);
  std::cout << "acknowledged " << c.works << " works and " << c.tree_edits << " tree edits, "
            << c.refused << " refused; ended: " << c.ended_by << '\n';
  return 0;
}

int verify(const std::map<std::string, std::string>& o) {
  const auto r = test::verify_acknowledged(need(o, "db"), need(o, "log"));
  if (!r.ok()) {
    std::cout << r.missing.size()
              << " acknowledged writes missing or different, first: " << r.missing.front() << '\n';
    return 1;
  }
  // A POST the kill cut off before its answer may be in the store or not, but never in part: a
  // work is committed together with its first status-history row.
  storage::Database d(need(o, "db"));
  auto half = d.prepare(
      "SELECT count(*) FROM works w WHERE NOT EXISTS (SELECT 1 FROM work_status_history h WHERE "
      "h.work_id = w.id)");
  half.step();
  if (half.int64(0) != 0) {
    std::cout << half.int64(0) << " works without a status-history row: half-applied\n";
    return 1;
  }
  std::cout << "all " << r.works << " acknowledged works and " << r.tree_edits
            << " acknowledged tree edits are in the store, no work without its history\n";
  return 0;
}

int integrity(const std::string& db) {
  storage::Database d(db);
  auto s = d.prepare("PRAGMA integrity_check");
  std::vector<std::string> rows;
  while (s.step()) rows.push_back(s.text(0));
  if (rows.size() == 1 && rows.front() == "ok") {
    std::cout << "ok\n";
    return 0;
  }
  for (const auto& r : rows) std::cout << r << '\n';
  return 1;
}

// FNV-1a over the rows' text, in id order: equal digests mean equal tables.
std::string table_digest(storage::Database& d, const std::string& sql) {
  auto s = d.prepare(sql);
  std::uint64_t hash = 1469598103934665603ULL;
  std::int64_t rows = 0;
  while (s.step()) {
    ++rows;
    for (int c = 0; c < s.column_count(); ++c) {
      for (const char ch : s.text(c) + '|') {
        hash = (hash ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
      }
    }
  }
  char out[64];
  std::snprintf(out, sizeof out, "%lld:%016llx", static_cast<long long>(rows),
                static_cast<unsigned long long>(hash));
  return out;
}

int thin(const std::string& db) {
  storage::Database d(db);
  storage::Transaction tx(d);
  d.execute("DELETE FROM tree_work_conflicts WHERE id % 3 = 0");
  const auto trees = d.changes();
  d.execute("DELETE FROM work_work_conflicts WHERE id % 3 = 0");
  tx.commit();
  std::cout << "forgot " << trees << " tree conflicts and " << d.changes() << " clashes\n";
  return 0;
}

int digest(const std::string& db) {
  storage::Database d(db);
  storage::ReadSnapshot snapshot(d);
  const auto count = [&](const std::string& table) {
    auto s = d.prepare("SELECT count(*) FROM " + table);
    s.step();
    return std::to_string(s.int64(0));
  };
  std::cout
      << "trees " << count("trees") << " stems " << count("tree_stems") << " tree_index "
      << count("idx_trees_location") << " works " << count("works") << " conflicts "
      << table_digest(d,
                      "SELECT tree_id, work_id, severity, rule, min_distance_m, overlap_m2 "
                      "FROM tree_work_conflicts ORDER BY tree_id, work_id")
      << " clashes "
      << table_digest(d,
                      "SELECT work_a, work_b, distance_m, overlap_start, overlap_end FROM "
                      "work_work_conflicts ORDER BY work_a, work_b")
      << " zones "
      << table_digest(
             d, "SELECT tree_id, root_radius_m, trench_radius_m FROM tree_zones ORDER BY tree_id")
      << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage("no command");
  const std::string command = argv[1];
  const auto o = options(argc, argv);
  try {
    if (command == "users") return users(o.at("db"));
    if (command == "load") return load(o);
    if (command == "verify") return verify(o);
    if (command == "integrity") return integrity(o.at("db"));
    if (command == "digest") return digest(o.at("db"));
    if (command == "thin") return thin(o.at("db"));
  } catch (const std::exception& e) {
    std::cout << "kill9_probe " << command << ": " << e.what() << '\n';
    return 1;
  }
  usage("unknown command " + command);
}
