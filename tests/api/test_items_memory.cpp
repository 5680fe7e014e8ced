// Tree pages from memory (issue 18) give the bytes the SQL path gives: TreePages itself against
// storage::query_trees and write_tree_feature, then two real `rootzone serve` on one store, one
// with ROOTZONE_ITEMS_FROM_SQL=1, asked the same requests (pages, CRSs, filters, roles, paging
// to the end), before and after a PATCH, a POST and another process's write.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "ogc/feature_json.hpp"
#include "ogc/tree_pages.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

constexpr double kX0 = 448000, kY0 = 5538000;  // Mainz, EPSG:25832
constexpr int kSide = 24;                      // 24 x 24 trees, 15 m apart: 345 m square

// Trees whose text and numbers test every kind of value: escapes, non-ASCII, nulls, several
// stems, dates, felled and planned trees, a protection by hand.
geo::Tree tree_at(int i) {
  geo::Tree t;
  t.source_id = "T-" + std::to_string(i);
  t.location = {kX0 + (i % kSide) * 15.0 + 0.125, kY0 + (i / kSide) * 15.0 + 0.375};
  t.site = i % 7 == 0 ? "Große \"Bleiche\" 12\\a" : "Rheinstraße " + std::to_string(i % 40);
  t.district = i % 2 == 0 ? "Altstadt" : "Neustadt";
  t.species_botanical = i % 3 == 0 ? "Tilia cordata" : "Acer platanoides 'Columnare'";
  t.species_german = i % 3 == 0 ? "Winter-Linde" : "Spitz-Ahorn";
  t.genus = i % 3 == 0 ? "Tilia" : "Acer";
  t.stem_circumferences_cm = {40.0 + i % 150};
  if (i % 5 == 0) t.stem_circumferences_cm.push_back(33.5);
  if (i % 4 != 0) t.crown_diameter_m = 3.5 + (i % 9) * 0.7;
  if (i % 6 != 0) t.height_m = 7.25 + i % 13;
  if (i % 8 != 0) t.planting_year = 1950 + i % 60;
  if (i % 3 != 1) t.vitality = i % 4;
  t.development_phase = i % 2 == 0 ? "Alterungsphase" : "";
  if (i % 5 != 3) t.last_inspection = geo::parse_date("2025-0" + std::to_string(1 + i % 9) + "-15");
  if (i % 5 != 3) t.next_inspection = geo::parse_date("2026-0" + std::to_string(1 + i % 9) + "-15");
  if (i % 50 == 7) {
    t.status = geo::TreeStatus::felled;
    t.felled_on = geo::parse_date("2024-11-02");
  } else if (i % 50 == 9) {
    t.status = geo::TreeStatus::planned;
  }
  if (i % 11 == 0) t.columnar = i % 2 == 0;
  t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
  if (i % 97 == 5) {
    t.protection.is_protected = true;
    t.protection.source = geo::ProtectionSource::manual;
    t.protection.reason = "Naturdenkmal\ttab";
  }
  return t;
}

struct GridCity {
  test::TempDir dir;
  test::TestStore location{dir, "grid.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::map<std::string, std::string> keys;

  GridCity() {
    auto store = storage::Store::create(db);
    for (int i = 0; i < kSide * kSide; ++i) store.trees().insert(tree_at(i));
    const std::pair<const char*, geo::Role> users[] = {{"Anna Feld", geo::Role::field_staff},
                                                       {"Tina Tief", geo::Role::contractor},
                                                       {"Ada Admin", geo::Role::admin}};
    for (const auto& [name, role] : users) {
      geo::User u;
      u.name = name;
      u.role = role;
      if (role == geo::Role::contractor) u.organisation = "Tiefbau GmbH";
      keys[std::string(geo::to_string(role))] =
          core::issue_api_key(store.users(), store.users().add(u)).token;
    }
  }
};

std::string sql_page(storage::Store& store, const storage::FeatureQuery& q,
                     const api::OutputCrs& crs, storage::Page<geo::Tree>& page) {
  page = storage::query_trees(store, q);
  std::string out;
  api::JsonWriter w(out);
  w.begin_array();
  for (const auto& t : page.items) api::write_tree_feature(w, t, crs, store.srid());
  w.end_array();
  return out;
}

// The page's time stamp is the clock's; everything else must be the same.
std::string without_time(std::string body) {
  static const std::regex stamp(R"("timeStamp":"[^"]*")");
  return std::regex_replace(body, stamp, R"("timeStamp":"-")");
}

struct Servers {
  // The variable is set for the second child only.
  explicit Servers(const std::string& db)
      : memory(db), sql((::setenv("ROOTZONE_ITEMS_FROM_SQL", "1", 1), db)) {
    ::unsetenv("ROOTZONE_ITEMS_FROM_SQL");
  }
  test::ServerProcess memory;
  test::ServerProcess sql;
};

// The same request to both servers: the same status, content type and body.
std::string same_answer(Servers& s, const std::string& target, const std::string& headers = "") {
  test::HttpClient a(s.memory.port());
  test::HttpClient b(s.sql.port());
  const auto from_memory = a.get(target, headers);
  const auto from_sql = b.get(target, headers);
  INFO(target);
  CHECK(from_memory.status == from_sql.status);
  CHECK(from_memory.header("content-type") == from_sql.header("content-type"));
  CHECK(from_memory.header("content-crs") == from_sql.header("content-crs"));
  CHECK(without_time(from_memory.body) == without_time(from_sql.body));
  return from_memory.body;
}

// A box in the grid (8.2745-8.2793 E, 49.9921-49.9952 N in CRS84) holding about 100 trees.
const std::string kBox = "bbox=8.2760,49.9930,8.2780,49.9945";

}  // namespace

TEST_CASE("TreePages: bbox pages from memory are the SQL path's features, byte for byte",
          "[api][items][memory]") {
  GridCity city;
  auto store = storage::Store::open(city.db);
  api::TreePages pages(store, store.srid(), true, [](const std::function<void()>& f) { f(); });
  REQUIRE(pages.size() == kSide * kSide);
  const api::OutputCrs crs84{std::string(api::kCrs84), 4326, false};
  const api::OutputCrs lat_lon{"http://www.opengis.net/def/crs/EPSG/0/4326", 4326, true};
  const api::OutputCrs utm{"http://www.opengis.net/def/crs/EPSG/0/25832", 25832, false};
  // Boxes: inside, across the edge, on tree positions exactly (closed), empty.
  const std::vector<geo::Bounds> boxes = {{kX0 + 40, kY0 + 40, kX0 + 200, kY0 + 160},
                                          {kX0 - 50, kY0 - 50, kX0 + 30.125, kY0 + 30.375},
                                          {kX0 + 15.125, kY0 + 15.375, kX0 + 45.125, kY0 + 15.375},
                                          {kX0 + 1000, kY0 + 1000, kX0 + 1100, kY0 + 1100}};
  for (const auto& box : boxes) {
    for (const auto* crs : {&crs84, &lat_lon, &utm}) {
      for (const int limit : {1, 7, 100}) {
        storage::FeatureQuery q;
        q.bbox = box;
        q.limit = limit;
        for (int page_no = 0; page_no < 1000; ++page_no) {
          INFO("box " << box.minx << " crs " << crs->epsg << " limit " << limit << " page "
                      << page_no);
          storage::Page<geo::Tree> expected;
          const auto sql = sql_page(store, q, *crs, expected);
          std::string held = "[";
          const auto w = pages.page(store, q, *crs, held);
          REQUIRE(w.has_value());
          held += "]";
          CHECK(held == sql);
          CHECK(w->matched == expected.matched);
          CHECK(w->more == expected.more);
          CHECK(w->count == expected.items.size());
          if (!w->more) break;
          q.after_id = w->last_id;
        }
      }
    }
  }
  // What it does not answer exactly it leaves to SQL.
  storage::FeatureQuery sorted;
  sorted.bbox = boxes[0];
  sorted.sort = {{"height_m", true}};
  std::string out;
  CHECK_FALSE(pages.page(store, sorted, crs84, out).has_value());
  storage::FeatureQuery no_box;
  CHECK_FALSE(pages.page(store, no_box, crs84, out).has_value());
  storage::FeatureQuery web_mercator;
  web_mercator.bbox = boxes[0];
  CHECK_FALSE(pages.page(store, web_mercator, {"EPSG:3857", 3857, false}, out).has_value());
  CHECK(out.empty());
}

TEST_CASE("TreePages: a write of another process is never served stale", "[api][items][memory]") {
  GridCity city;
  auto store = storage::Store::open(city.db);
  api::TreePages pages(store, store.srid(), true, [](const std::function<void()>& f) { f(); });
  const api::OutputCrs crs84{std::string(api::kCrs84), 4326, false};
  storage::FeatureQuery q;
  q.bbox = geo::Bounds{kX0, kY0, kX0 + 20, kY0 + 20};  // 4 trees: 0, 1, 24, 25
  q.limit = 100;
  std::string before;
  REQUIRE(pages.page(store, q, crs84, before).has_value());
  {
    auto other = storage::Store::open(city.db);  // an import in another process
    storage::StoreTransaction tx(other);
    auto t = tree_at(9999);
    t.location = {kX0 + 5, kY0 + 5};
    other.trees().insert(t);
    storage::bump_data_generation(other);
    tx.commit();
  }
  std::string out;
  // The generation moved: declined (the caller reads SQL), and reloaded for the next page.
  CHECK_FALSE(pages.page(store, q, crs84, out).has_value());
  CHECK(out.empty());
  const auto w = pages.page(store, q, crs84, out);
  REQUIRE(w.has_value());
  CHECK(w->matched == 5);
  CHECK(out.find("\"source_id\":\"T-9999\"") != std::string::npos);
}

TEST_CASE("rootzone serve: tree pages from memory equal the SQL path's, also after writes",
          "[api][items][memory][server]") {
  GridCity city;
  Servers servers(city.db);
  const std::string items = "/collections/trees/items";
  // Paging to the end by the next links, as a client does.
  const auto walk = [&](std::string target, const std::string& headers = "") {
    int pages = 0;
    std::int64_t seen = 0;
    for (;;) {
      const auto body = json::parse(same_answer(servers, target, headers));
      ++pages;
      seen += body["numberReturned"].get<std::int64_t>();
      std::string next;
      for (const auto& l : body["links"]) {
        if (l["rel"] == "next") next = l["href"];
      }
      if (next.empty()) {
        CHECK(seen == body["numberMatched"].get<std::int64_t>());
        return pages;
      }
      target = next.substr(next.find(items));
    }
  };
  CHECK(walk(items + "?" + kBox + "&limit=10") > 3);
  CHECK(walk(items + "?" + kBox + "&limit=40") >= 2);
  same_answer(servers, items + "?" + kBox);
  same_answer(servers, items + "?" + kBox + "&crs=http://www.opengis.net/def/crs/EPSG/0/4326");
  same_answer(servers, items + "?" + kBox + "&crs=http://www.opengis.net/def/crs/EPSG/0/25832");
  same_answer(servers, items + "?" + kBox + "&crs=http://www.opengis.net/def/crs/EPSG/0/3857");
  same_answer(servers, items +
                           "?bbox=448040,5538040,448200,5538160&bbox-crs=http://"
                           "www.opengis.net/def/crs/EPSG/0/25832&limit=50");
  same_answer(servers, items + "?bbox=0,0,1,1");
  same_answer(servers, items + "?" + kBox + "&filter=height_m%20%3E%2010&limit=20");
  same_answer(servers, items + "?" + kBox + "&genus=Tilia");
  same_answer(servers, items + "?" + kBox + "&sortby=-height_m&limit=5");
  same_answer(servers, items + "?limit=30");
  for (const auto& [role, key] : city.keys) {
    INFO(role);
    same_answer(servers, items + "?" + kBox + "&limit=40", "Authorization: Bearer " + key + "\r\n");
  }

  // A PATCH and a POST through the memory server: its next page shows them.
  const auto admin = "Authorization: Bearer " + city.keys.at("admin") + "\r\n";
  test::HttpClient writer(servers.memory.port());
  const auto one = writer.get(items + "/1");
  REQUIRE(one.status == 200);
  const std::string patch = R"({"properties":{"site":"Geänderte Straße","height_m":31.5}})";
  writer.send("PATCH " + items + "/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n" + admin +
              "If-Match: " + one.header("etag") +
              "\r\nContent-Type: application/merge-patch+json\r\nContent-Length: " +
              std::to_string(patch.size()) + "\r\n\r\n" + patch);
  const auto patched = writer.read_response();
  INFO(patched.body);
  REQUIRE(patched.status == 200);
  const auto first_box = items + "?bbox=8.2744,49.9919,8.2755,49.9928&limit=100";
  auto page = same_answer(servers, first_box);
  CHECK(page.find("Geänderte Straße") != std::string::npos);
  const std::string post =
      R"({"type":"Feature","geometry":{"type":"Point","coordinates":[8.2750,49.9925]},)"
      R"("properties":{"source_id":"NEW-1","species_botanical":"Quercus robur"}})";
  writer.send("POST " + items + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + admin +
              "Content-Type: application/geo+json\r\nContent-Length: " +
              std::to_string(post.size()) + "\r\n\r\n" + post);
  const auto posted = writer.read_response();
  INFO(posted.body);
  REQUIRE(posted.status == 201);
  page = same_answer(servers, first_box);
  CHECK(page.find("\"NEW-1\"") != std::string::npos);

  // Another process writes (an import): the memory server's next page has it.
  {
    auto other = storage::Store::open(city.db);
    storage::StoreTransaction tx(other);
    auto t = tree_at(7777);
    t.source_id = "IMPORTED-1";
    t.location = {kX0 + 7, kY0 + 7};
    other.trees().insert(t);
    storage::bump_data_generation(other);
    tx.commit();
  }
  for (int i = 0; i < 3; ++i) {  // the first after the import, and those after the reload
    page = same_answer(servers, first_box);
    CHECK(page.find("\"IMPORTED-1\"") != std::string::npos);
  }
  CHECK(walk(items + "?" + kBox + "&limit=25") > 1);
}

TEST_CASE("TreePages: values of edited trees do not pile up in the pool", "[api][items][memory]") {
  GridCity city;
  auto store = storage::Store::open(city.db);
  api::TreePages pages(store, store.srid(), true, [](const std::function<void()>& f) { f(); });
  const auto initial = pages.pool_size();
  // 576 trees share 41 sites, a few species and dates (the protection reasons, one per stem
  // size, vary most): fewer values than one per two trees.
  CHECK(initial < kSide * kSide / 2);
  const api::OutputCrs crs84{std::string(api::kCrs84), 4326, false};
  auto tree = store.trees().get(1);
  const geo::Bounds area{tree.location.x - 1, tree.location.y - 1, tree.location.x + 1,
                         tree.location.y + 1};
  std::size_t largest = 0;
  for (int i = 0; i < 3000; ++i) {
    std::int64_t generation = 0;
    {
      storage::StoreTransaction tx(store);
      tree.site = "Baustelle " + std::to_string(i);  // a new pooled value every time
      tree = store.trees().update(tree, tree.version, "test", geo::now_utc());
      generation = storage::bump_data_generation(store);
      tx.commit();
    }
    pages.changed(store, {area}, false, generation);
    largest = std::max(largest, pages.pool_size());
  }
  // Rebuilt each time it passes twice the values it held after the last rebuild and 1024 of
  // slack; those are at most the initial ones and the edited tree's new site and time stamp.
  // Without the rebuild it would hold 3000 sites more.
  CHECK(largest <= 2 * (initial + 2) + 1024);
  CHECK(pages.size() == kSide * kSide);
  storage::FeatureQuery q;
  q.bbox = area;
  std::string out;
  REQUIRE(pages.page(store, q, crs84, out).has_value());
  CHECK(out.find("\"site\":\"Baustelle 2999\"") != std::string::npos);
  storage::Page<geo::Tree> expected;
  CHECK("[" + out + "]" == sql_page(store, q, crs84, expected));
}
