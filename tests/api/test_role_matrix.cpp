// Issue 15, "Roles, all of them": every path and method of the OpenAPI document at /api (HEAD for
// every GET, OPTIONS for every path) sent by every kind of caller to a real `rootzone serve`, each
// status compared with the table "Every route for every caller" in docs/api.md. The table is read
// from the file, the routes from the served document: a route the table lacks, a row the document
// lacks, or one status that differs fails. One test case per caller, each on a fresh store, so one
// caller's writes never change what another expects; within a case every write has an object of
// its own, so the order of the rows does not matter.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"
#include "works_review_fixture.hpp"

using namespace rootzone;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kApiDoc = fs::path(ROOTZONE_SOURCE_DIR) / "docs" / "api.md";
const char* const kSection = "## Every route for every caller";
// The table's caller columns, in its order.
const std::vector<std::string> kCallers = {"public",  "field", "c-own",   "c-other", "c-none",
                                           "planner", "admin", "revoked", "disabled"};
const std::string kOrgA = "Tiefbau A GmbH";
const std::string kOrgB = "Leitungsbau B GmbH";
// Each organisation's contact, on every work of it: only that organisation's contractor,
// planners and admins may read it (DOMAIN.md: a contractor never sees another's works in detail).
const std::string kContactA = "Bauleitung A, 06131 11-111";
const std::string kContactB = "Bauleitung B, 06131 22-222";
const std::string kStoreCrs = "<http://www.opengis.net/def/crs/EPSG/0/25832>";

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t`");
  const auto e = s.find_last_not_of(" \t`");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line.substr(1, line.rfind('|') - 1));
  std::string cell;
  while (std::getline(in, cell, '|')) cells.push_back(trim(cell));
  return cells;
}

struct Table {
  std::vector<std::string> columns;                                      // caller names
  std::map<std::pair<std::string, std::string>, std::vector<int>> rows;  // (method, path)
  std::vector<std::string> problems;  // duplicate rows, cells that are not statuses
};

// The first table after kSection: header, separator, rows until the first line not a row.
Table read_table() {
  std::ifstream in(kApiDoc);
  REQUIRE(in.good());
  Table t;
  std::string line;
  bool in_section = false;
  int row = 0;
  while (std::getline(in, line)) {
    if (!in_section) {
      in_section = line == kSection;
      continue;
    }
    if (line.rfind("## ", 0) == 0) break;
    if (line.rfind('|', 0) != 0) {
      if (row > 0) break;
      continue;
    }
    const auto cells = cells_of(line);
    if (++row == 1) {
      REQUIRE(cells.size() >= 2);
      t.columns.assign(cells.begin() + 2, cells.end());
      continue;
    }
    if (row == 2) continue;  // |---|
    if (cells.size() != t.columns.size() + 2) {
      t.problems.push_back("row of " + std::to_string(cells.size()) + " cells: " + line);
      continue;
    }
    std::vector<int> statuses;
    for (std::size_t i = 2; i < cells.size(); ++i) {
      const auto& c = cells[i];
      if (c.size() != 3 || c.find_first_not_of("0123456789") != std::string::npos) {
        t.problems.push_back("not a status '" + c + "' in: " + line);
        statuses.push_back(0);
      } else {
        statuses.push_back(std::stoi(c));
      }
    }
    if (!t.rows.emplace(std::pair{cells[0], cells[1]}, statuses).second) {
      t.problems.push_back("row given twice: " + cells[0] + " " + cells[1]);
    }
  }
  return t;
}

// The statuses the document lists for each of its operations ("200", "401", ...).
std::map<std::pair<std::string, std::string>, std::set<int>> documented_statuses(const json& doc) {
  std::map<std::pair<std::string, std::string>, std::set<int>> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("responses")) continue;
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      for (const auto& [code, response] : op.at("responses").items()) {
        out[{m, path}].insert(std::stoi(code));
      }
    }
  }
  return out;
}

// Every operation of the document, with HEAD for every GET and OPTIONS for every path.
std::set<std::pair<std::string, std::string>> operations_of(const json& doc) {
  std::set<std::pair<std::string, std::string>> ops;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (m == "PARAMETERS" || m == "SUMMARY" || m == "DESCRIPTION" || m == "SERVERS") continue;
      ops.emplace(m, path);
      if (m == "GET") ops.emplace("HEAD", path);
    }
    ops.emplace("OPTIONS", path);
  }
  return ops;
}

struct Req {
  std::string target;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  // What a write changes, read by the public: an item (its ETag) or a collection (its
  // numberMatched); empty for reads and acknowledgements (conflicts are not public).
  std::string watched;
  bool stores = true;  // false: the preview, which never stores
};

// The store every case starts from (coordinates EPSG:25832, Mainz), as docs/api.md describes it.
// T (150 cm, crown 8 m: R_t = max(2.5, 4 x 1.5) = 6.0 m) at (448000, 5538000); A's trench 3 m
// north of it (critical conflict C); B's trench 12 m north of A's in an overlapping window (a
// clash, 20 m coordination distance; 15 m from T minus half its width is 14.5 m, outside both
// of T's radii, so B has no tree conflict). The write targets lie 1 km and more east, 100 m
// apart, beyond the coordination distance of each other and away from every tree's zones.
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "roles.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::int64_t tree = 0, work_a = 0, work_b = 0, conflict = 0, clash = 0, inspection = 0;
  std::int64_t tree_put = 0, tree_patch = 0, tree_fell = 0, tree_inspect = 0;
  std::int64_t work_put = 0, work_patch = 0, work_delete = 0, work_status = 0;
  std::map<std::string, std::string> key;  // by caller

  City() {
    auto store = storage::Store::create(db);
    tree = test::add_tree(store, "T", {448000, 5538000}, 150, 8);
    tree_put = test::add_tree(store, "T-PUT", {449000, 5538000}, 40, 4);
    tree_patch = test::add_tree(store, "T-PATCH", {449100, 5538000}, 40, 4);
    tree_fell = test::add_tree(store, "T-FELL", {449200, 5538000}, 40, 4);
    tree_inspect = test::add_tree(store, "T-INSPECT", {449300, 5538000}, 40, 4);
    geo::Inspection i;
    i.tree_id = tree;
    i.inspected_on = geo::parse_date("2026-04-01").value();
    i.inspector = "B. Baum";
    i.recorded_by = "B. Baum";
    inspection = store.trees().add_inspection(i);

    const auto trench = [](const std::string& ref, const std::string& org, double x, double y,
                           geo::WorkStatus status, const char* starts, const char* ends) {
      auto w = test::make_work(ref, org, geo::WorkKind::trench,
                               "LINESTRING(" + std::to_string(x - 10) + " " + std::to_string(y) +
                                   ", " + std::to_string(x + 10) + " " + std::to_string(y) + ")",
                               starts, ends);
      w.width_m = 1.0;
      w.status = status;
      w.contact = org == kOrgA ? kContactA : kContactB;
      return w;
    };
    const auto submitted = geo::WorkStatus::submitted;
    const auto draft = geo::WorkStatus::draft;
    work_a = store.works().insert(trench("A-1", kOrgA, 448000, 5538003, submitted,
                                         "2027-05-01T06:00:00Z", "2027-05-31T16:00:00Z"),
                                  "test");
    work_b = store.works().insert(trench("B-1", kOrgB, 448000, 5538015, submitted,
                                         "2027-05-10T06:00:00Z", "2027-06-10T16:00:00Z"),
                                  "test");
    const char* july = "2027-07-01T06:00:00Z";
    const char* july_end = "2027-07-31T16:00:00Z";
    work_put = store.works().insert(trench("A-PUT", kOrgA, 450000, 5538000, draft, july, july_end),
                                    "test");
    work_patch = store.works().insert(
        trench("A-PATCH", kOrgA, 450100, 5538000, draft, july, july_end), "test");
    work_delete = store.works().insert(
        trench("A-DELETE", kOrgA, 450200, 5538000, draft, july, july_end), "test");
    work_status = store.works().insert(
        trench("A-STATUS", kOrgA, 450300, 5538000, submitted, july, july_end), "test");
    test::store_conflicts(store);
    const auto conflicts = store.conflicts().tree_work_conflicts_for_work(work_a);
    REQUIRE(conflicts.size() == 1);
    REQUIRE(conflicts.front().tree_id == tree);
    conflict = conflicts.front().id;
    const auto clashes = store.conflicts().work_work_conflicts_for_work(work_a);
    REQUIRE(clashes.size() == 1);
    clash = clashes.front().id;
    REQUIRE(store.conflicts().tree_work_conflicts_for_work(work_b).empty());
  }
};

// `rootzone users add` prints the key once: "key for NAME (shown once, ...): rz_...".
std::string add_user(const std::string& db, const std::vector<std::string>& how) {
  std::vector<std::string> args{"users", "add"};
  args.insert(args.end(), how.begin(), how.end());
  args.insert(args.end(), {"--db", db});
  const auto r = test::run_rootzone(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto at = r.out.find("rz_");
  REQUIRE(at != std::string::npos);
  return r.out.substr(at, r.out.find_first_of(" \n", at) - at);
}

// The key of `caller` (none for the public), its user made by the CLI. The revoked key and the
// disabled user are admins: a key that fell back to a role would show as 2xx.
std::string make_caller(const std::string& db, const std::string& caller) {
  if (caller == "public") return "";
  if (caller == "field") return add_user(db, {"rm-field", "--role", "field_staff"});
  if (caller == "c-own") {
    return add_user(db, {"rm-own", "--role", "contractor", "--organisation", kOrgA});
  }
  if (caller == "c-other") {
    return add_user(db, {"rm-other", "--role", "contractor", "--organisation", kOrgB});
  }
  if (caller == "c-none") {
    // `users add` refuses a contractor without --organisation; stores made before that rule
    // (or by hand) still hold such users, so the store gets one directly.
    auto store = storage::Store::open(db);
    return test::add_user(store, "rm-none", geo::Role::contractor, "");
  }
  if (caller == "planner") return add_user(db, {"rm-planner", "--role", "planner"});
  if (caller == "admin") return add_user(db, {"rm-admin", "--role", "admin"});
  if (caller == "revoked") return add_user(db, {"rm-revoked", "--role", "admin"});
  if (caller == "disabled") return add_user(db, {"rm-disabled", "--role", "admin"});
  FAIL("no such caller " << caller);
  return "";
}

test::HttpResponse send(int port, const std::string& method, const Req& r, const std::string& key) {
  std::string out = method + " " + r.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!key.empty()) out += "Authorization: Bearer " + key + "\r\n";
  for (const auto& h : r.headers) out += h + "\r\n";
  if (!r.body.empty()) {
    out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(r.body.size()) +
           "\r\n";
  }
  out += "\r\n" + r.body;
  test::HttpClient c(port);
  REQUIRE(c.send(out));
  return c.read_response(method == "HEAD");
}

// The zoom-16 tile (x, y) that holds lon/lat.
std::string tile_of(double lon, double lat) {
  constexpr int z = 16;
  const double n = std::ldexp(1.0, z);
  const auto x = static_cast<long>(std::floor((lon + 180.0) / 360.0 * n));
  const double r = lat * M_PI / 180.0;
  const auto y = static_cast<long>(std::floor((1.0 - std::asinh(std::tan(r)) / M_PI) / 2.0 * n));
  return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
}

// The concrete request of a row: path parameters filled, and for writes the body and headers
// docs/api.md names. `etag` reads an object's current ETag (a public GET).
struct Requests {
  const City& city;
  std::function<std::string(const std::string&)> etag;
  std::string tile;  // z/x/y of T
  int serial = 0;    // new numbers and references per request

  static std::string trees(std::int64_t id) {
    return "/collections/trees/items/" + std::to_string(id);
  }
  static std::string works(std::int64_t id) {
    return "/collections/works/items/" + std::to_string(id);
  }
  std::string if_match(const std::string& item) { return "If-Match: " + etag(item); }

  // The path with its parameters filled for reads (T, A's work, C).
  std::string read_target(const std::string& path) const {
    std::string out = path;
    const auto fill = [&out](const std::string& name, const std::string& value) {
      const auto at = out.find("{" + name + "}");
      if (at != std::string::npos) out.replace(at, name.size() + 2, value);
    };
    std::int64_t feature = city.tree;
    if (path.rfind("/collections/works/", 0) == 0) feature = city.work_a;
    if (path.rfind("/collections/conflicts/", 0) == 0) feature = city.conflict;
    fill("featureId", std::to_string(feature));
    fill("inspectionId", std::to_string(city.inspection));
    fill("clashId", std::to_string(city.clash));
    fill("tileset", "conflicts");
    const auto zxy = out.find("{z}/{x}/{y}");
    if (zxy != std::string::npos) out.replace(zxy, 11, tile);
    return out;
  }

  json work_feature(const std::string& reference, double x) const {
    return {{"type", "Feature"},
            {"geometry",
             {{"type", "LineString"}, {"coordinates", {{x - 10, 5538000.0}, {x + 10, 5538000.0}}}}},
            {"properties",
             {{"reference", reference},
              {"title", "Leitung " + reference},
              {"contractor", kOrgA},
              {"kind", "trench"},
              {"width_m", 1.0},
              {"contact", kContactA},
              {"starts_at", "2027-08-01T06:00:00Z"},
              {"ends_at", "2027-08-31T16:00:00Z"}}}};
  }

  Req make(const std::string& method, const std::string& path) {
    const auto n = std::to_string(++serial);
    const std::string crs = "Content-Crs: " + kStoreCrs;
    if (method == "POST" && path == "/collections/trees/items") {
      const json f = {{"type", "Feature"},
                      {"geometry", {{"type", "Point"}, {"coordinates", {449500.0, 5538000.0}}}},
                      {"properties", {{"source_id", "T-NEW-" + n}}}};
      return {path, f.dump(), {crs}, path};
    }
    if (method == "PUT" && path == "/collections/trees/items/{featureId}") {
      const auto item = trees(city.tree_put);
      const json f = {{"type", "Feature"},
                      {"geometry", {{"type", "Point"}, {"coordinates", {449000.0, 5538000.0}}}},
                      {"properties", {{"source_id", "T-PUT"}, {"height_m", 12}}}};
      return {item, f.dump(), {crs, if_match(item)}, item};
    }
    if (method == "PATCH" && path == "/collections/trees/items/{featureId}") {
      const auto item = trees(city.tree_patch);
      return {item, json{{"properties", {{"height_m", 13}}}}.dump(), {if_match(item)}, item};
    }
    if (method == "POST" && path == "/collections/trees/items/{featureId}/felling") {
      const auto item = trees(city.tree_fell);
      return {item + "/felling",
              json{{"felled_on", "2026-06-02"}, {"reason", "Wurzelfäule"}}.dump(),
              {if_match(item)},
              item};
    }
    if (method == "POST" && path == "/collections/trees/items/{featureId}/inspections") {
      return {trees(city.tree_inspect) + "/inspections",
              json{{"inspected_on", "2026-05-04"}, {"kind", "regular"}}.dump(),
              {},
              trees(city.tree_inspect)};
    }
    if (method == "POST" && path == "/collections/works/items") {
      return {path, work_feature("A-NEW-" + n, 451000).dump(), {crs}, path};
    }
    if (method == "POST" && path == "/collections/works/preview") {
      return {path,
              work_feature("A-PREVIEW-" + n, 451000).dump(),
              {crs},
              "/collections/works/items",
              false};
    }
    if (method == "PUT" && path == "/collections/works/items/{featureId}") {
      const auto item = works(city.work_put);
      auto f = work_feature("A-PUT", 450000);
      f["properties"]["title"] = "Leitung neu";
      f["properties"]["status"] = "draft";
      return {item, f.dump(), {crs, if_match(item)}, item};
    }
    if (method == "PATCH" && path == "/collections/works/items/{featureId}") {
      const auto item = works(city.work_patch);
      return {
          item, json{{"properties", {{"title", "Leitung neu"}}}}.dump(), {if_match(item)}, item};
    }
    if (method == "DELETE" && path == "/collections/works/items/{featureId}") {
      const auto item = works(city.work_delete);
      return {item, "", {if_match(item)}, item};
    }
    if (method == "POST" && path == "/collections/works/items/{featureId}/status") {
      const auto item = works(city.work_status);
      return {item + "/status", json{{"to", "approved"}}.dump(), {if_match(item)}, item};
    }
    if (method == "POST" && (path == "/collections/conflicts/items/{featureId}/acknowledgement" ||
                             path == "/collections/works/items/{featureId}/clashes/{clashId}/"
                                     "acknowledgement")) {
      return {read_target(path), json{{"comment", "Handschachtung, abgestimmt"}}.dump(), {}, ""};
    }
    if (method == "DELETE" && path == "/collections/trees/items/{featureId}") {
      return {trees(city.tree_put), "", {}, trees(city.tree_put)};
    }
    // Reads, HEAD and OPTIONS: the path with T, A's work or C; no body.
    if (method == "GET" || method == "HEAD" || method == "OPTIONS")
      return {read_target(path), "", {}, ""};
    FAIL("test_role_matrix.cpp has no request for " << method << " " << path
                                                    << ": add one with its body");
    return {"", "", {}, ""};
  }
};

// What the public reads of `watched`: an item's ETag, a collection's numberMatched.
std::string state_of(int port, const std::string& watched) {
  test::HttpClient c(port);
  const bool item = watched.find("/items/") != std::string::npos;
  const auto r = c.get(item ? watched : watched + "?limit=1");
  REQUIRE(r.status == 200);
  return item ? r.header("etag") : json::parse(r.body).at("numberMatched").dump();
}

json fetch_document(int port) {
  test::HttpClient c(port);
  const auto r = c.get("/api");
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

// Serves a fresh City to `caller` and sends every row; CHECKs each status against the table.
void run_caller(const std::string& caller) {
  const auto table = read_table();
  REQUIRE(table.columns == kCallers);
  const auto column = static_cast<std::size_t>(std::find(kCallers.begin(), kCallers.end(), caller) -
                                               kCallers.begin());

  City city;
  const auto key = make_caller(city.db, caller);
  test::ServerProcess server(city.db);
  const int port = server.port();
  // Revoked and disabled while the server runs, after the key was used: no key is remembered
  // across requests.
  if (caller == "revoked" || caller == "disabled") {
    test::HttpClient c(port);
    REQUIRE(c.get("/me", "Authorization: Bearer " + key + "\r\n").status == 200);
  }
  if (caller == "revoked") {
    const auto prefix = key.substr(3, 12);
    const auto r = test::run_rootzone({"users", "revoke", prefix, "--db", city.db});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  if (caller == "disabled") {
    const auto r = test::run_rootzone({"users", "disable", "rm-disabled", "--db", city.db});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  const auto document = fetch_document(port);
  const auto ops = operations_of(document);
  const auto documented = documented_statuses(document);
  Requests requests{city, {}, {}};
  requests.etag = [port](const std::string& item) {
    test::HttpClient c(port);
    const auto r = c.get(item);
    REQUIRE(r.status == 200);
    return r.header("etag");
  };
  {
    test::HttpClient c(port);
    const auto t = json::parse(c.get(Requests::trees(city.tree)).body);
    const auto& xy = t.at("geometry").at("coordinates");
    requests.tile = tile_of(xy.at(0).get<double>(), xy.at(1).get<double>());
  }

  int sent = 0;
  std::map<std::string, int> contacts_read;  // answers that carried it
  for (const auto& [op, statuses] : table.rows) {
    const auto& [method, path] = op;
    if (ops.count(op) == 0) continue;  // reported by the coverage case
    const auto req = requests.make(method, path);
    const auto before = req.watched.empty() ? "" : state_of(port, req.watched);
    const auto r = send(port, method, req, key);
    ++sent;
    if (!req.watched.empty()) {
      // A refused write changes nothing; an accepted one changes what it wrote.
      INFO(caller << ": " << method << " " << req.target << " answered " << r.status
                  << "; the public reads of " << req.watched << " " << before << " before");
      const bool wrote = r.status >= 200 && r.status < 300 && req.stores;
      CHECK((state_of(port, req.watched) != before) == wrote);
    }
    const int expected = statuses.at(column);
    INFO(caller << ": " << method << " " << req.target << " " << req.body << "\n" << r.body);
    CHECK(r.status == expected);
    if (r.status == 401) CHECK(r.header("www-authenticate") == "Bearer realm=\"rootzone\"");
    if (method != "OPTIONS") {
      // The answer is one the document lists for the operation (HEAD: its GET's).
      const auto& listed = documented.at({method == "HEAD" ? "GET" : method, path});
      INFO("the document lists " << json(listed).dump());
      CHECK(listed.count(r.status) == 1);
    }
    if (method == "OPTIONS" && r.status == 204) {
      // Allow names exactly the path's operations of the document.
      std::set<std::string> allow;
      std::stringstream in(r.header("allow"));
      std::string m;
      while (std::getline(in, m, ',')) allow.insert(trim(m));
      std::set<std::string> in_document;
      for (const auto& [om, opath] : ops) {
        if (opath == path) in_document.insert(om);
      }
      CHECK(allow == in_document);
    }
    // No answer, whatever its status, carries the contact of a work the caller may not see in
    // detail (tiles are not gzipped: no Accept-Encoding).
    for (const auto& [contact, readers] :
         {std::pair{kContactA, std::set<std::string>{"c-own", "planner", "admin"}},
          std::pair{kContactB, std::set<std::string>{"c-other", "planner", "admin"}}}) {
      const bool found = r.body.find(contact) != std::string::npos;
      if (readers.count(caller) == 0) CHECK_FALSE(found);
      if (found) ++contacts_read[contact];
    }
    if (r.status >= 400 && method != "HEAD") {
      CHECK(r.header("content-type") == "application/problem+json");
    }
  }
  CHECK(sent == static_cast<int>(ops.size()));
  // The check above has teeth: the readers of a contact do get it (the works page at least).
  if (caller == "c-own" || caller == "planner" || caller == "admin") {
    CHECK(contacts_read[kContactA] > 0);
  }
  if (caller == "c-other" || caller == "planner" || caller == "admin") {
    CHECK(contacts_read[kContactB] > 0);
  }
  CHECK(server.stop() == 0);
}

}  // namespace

TEST_CASE("role matrix: the table in docs/api.md has exactly the routes of /api, HEAD and OPTIONS",
          "[api][roles]") {
  const auto table = read_table();
  INFO("docs/api.md, " << kSection);
  for (const auto& p : table.problems) FAIL_CHECK(p);
  CHECK(table.columns == kCallers);
  City city;
  test::ServerProcess server(city.db);
  const auto ops = operations_of(fetch_document(server.port()));
  for (const auto& op : ops) {
    INFO(op.first << " " << op.second << " is in /api");
    CHECK(table.rows.count(op) == 1);
  }
  for (const auto& [op, statuses] : table.rows) {
    INFO(op.first << " " << op.second << " is a row of the table");
    CHECK(ops.count(op) == 1);
  }
  CHECK(ops.size() == table.rows.size());
  // /health is the HTTP layer's own answer, outside the router: its other methods are refused
  // as the router refuses a route's.
  const auto post = send(server.port(), "POST", {"/health", "{}", {}, ""}, "");
  CHECK(post.status == 405);
  CHECK(post.header("allow") == "GET, HEAD, OPTIONS");
  CHECK(post.header("content-type") == "application/problem+json");
  CHECK(server.stop() == 0);
}

TEST_CASE("role matrix: every route as the public", "[api][roles]") { run_caller("public"); }
TEST_CASE("role matrix: every route as field staff", "[api][roles]") { run_caller("field"); }
TEST_CASE("role matrix: every route as a contractor of the work's organisation", "[api][roles]") {
  run_caller("c-own");
}
TEST_CASE("role matrix: every route as a contractor of another organisation", "[api][roles]") {
  run_caller("c-other");
}
TEST_CASE("role matrix: every route as a contractor without an organisation", "[api][roles]") {
  run_caller("c-none");
}
TEST_CASE("role matrix: every route as a planner", "[api][roles]") { run_caller("planner"); }
TEST_CASE("role matrix: every route as an admin", "[api][roles]") { run_caller("admin"); }
TEST_CASE("role matrix: every route with a key revoked while the server runs", "[api][roles]") {
  run_caller("revoked");
}
TEST_CASE("role matrix: every route with the key of a user disabled while the server runs",
          "[api][roles]") {
  run_caller("disabled");
}
