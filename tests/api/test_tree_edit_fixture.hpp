#pragma once
// A small Mainz store for the tree-editing tests: users of every role with API keys, a few
// trees and one open trench, and requests sent through the service's router (no socket).
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "rootzone/api/service.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "store_rows.hpp"
#include "support/mainz_city.hpp"
#include "support/temp_dir.hpp"

namespace rootzone::test {

inline constexpr const char* kStoreCrs = "http://www.opengis.net/def/crs/EPSG/0/25832";

// support/mainz_city.hpp's city with a user of every role and its API key.
struct TreeCity : MainzCity {
  std::map<std::string, std::string> keys;  // role name -> bearer token

  TreeCity() {
    auto store = storage::Store::open(db);
    const std::pair<const char*, geo::Role> users[] = {{"Anna Feld", geo::Role::field_staff},
                                                       {"Paul Plan", geo::Role::planner},
                                                       {"Tina Tief", geo::Role::contractor},
                                                       {"Ada Admin", geo::Role::admin}};
    for (const auto& [name, role] : users) {
      geo::User u;
      u.name = name;
      u.role = role;
      if (role == geo::Role::contractor) u.organisation = "Tiefbau GmbH";
      const auto id = store.users().add(u);
      keys[std::string(geo::to_string(role))] = core::issue_api_key(store.users(), id).token;
    }
  }
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Call {
  Call(api::Method m, std::string p, std::string r = "", std::string b = "", Pairs h = {},
       Pairs q = {})
      : method(m),
        path(std::move(p)),
        role(std::move(r)),
        body(std::move(b)),
        headers(std::move(h)),
        query(std::move(q)) {}
  api::Method method;
  std::string path;
  std::string role;  // "" public, else a key of TreeCity::keys; "bad" an invalid key
  std::string body;
  Pairs headers;  // lower-case names
  Pairs query;
};

inline api::Response send(api::Service& service, const TreeCity& city, const Call& c) {
  api::Request req;
  req.method = c.method;
  req.path = c.path;
  req.query = c.query;
  req.headers["host"] = "127.0.0.1:9999";
  if (!c.body.empty()) req.headers["content-type"] = "application/json";
  for (const auto& [k, v] : c.headers) req.headers[k] = v;
  if (c.role == "bad") {
    req.headers["authorization"] = "Bearer rz_000000000000_notakeynotakeynotakeynotakeynotakeynot";
  } else if (!c.role.empty()) {
    req.headers["authorization"] = "Bearer " + city.keys.at(c.role);
  }
  req.body = c.body;
  return service.router()->dispatch(req);
}

inline std::string header_of(const api::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

inline std::string item_path(std::int64_t id) {
  return "/collections/trees/items/" + std::to_string(id);
}

inline std::string tree_etag(std::int64_t id, std::int64_t version) {
  return "\"tree-" + std::to_string(id) + "-v" + std::to_string(version) + "\"";
}

// What a write must leave alone when it is refused: every table a tree write touches.
struct StoreCounts {
  std::int64_t trees = 0, stems = 0, history = 0, inspections = 0, conflicts = 0, generation = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> versions;  // (id, version)
  friend bool operator==(const StoreCounts&, const StoreCounts&) = default;
};

inline StoreCounts counts(const std::string& db) {
  auto store = storage::Store::open(db);
  const auto count = [&](const char* sql) { return store_count(db, sql); };
  StoreCounts c;
  c.trees = count("SELECT count(*) FROM trees");
  c.stems = count("SELECT count(*) FROM tree_stems");
  c.history = count("SELECT count(*) FROM tree_history");
  c.inspections = count("SELECT count(*) FROM inspections");
  c.conflicts = count("SELECT count(*) FROM tree_work_conflicts");
  c.generation = storage::data_generation(store);
  for (const auto& row : store_rows(db, "SELECT id, version FROM trees ORDER BY id")) {
    c.versions.emplace_back(std::stoll(row[0]), std::stoll(row[1]));
  }
  return c;
}

}  // namespace rootzone::test
