// GET /collections/works/overview (issue 14: the planners' review queue, the contractors' "my
// works") against a real `rootzone serve` on a hand-made store: the order (worst conflict first,
// then start), the counts, each filter with the exact works, who sees which works, paging, and
// the 400s.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rootzone/api/service.hpp"
#include "rootzone/geo/crs.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"
#include "works_review_fixture.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

// Percent-encodes a query value.
std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Five works, each beside its own tree, 200 m apart (EPSG:25832, y = 5538000):
//  A at x=448000 (150 cm, crown 8: R_t 6.0 m, R_r 5.5 m), B at 448200 and D at 448400
//  (100 cm, crown 10: R_t 4.0 m, R_r 6.5 m).
//  OV-1 Stadtwerke Mainz, submitted, trench 2.5 m from A (inside R_t): critical; 1 May - 31 May.
//  OV-5 Telekom, submitted, trench 2.5 m from A on the other side: critical; 15 Mar - 15 Apr. It
//       ends 16 days before OV-1 starts, within the 30 days' grace: the two clash.
//  OV-2 Telekom, submitted, trench 5.0 m from B (inside R_r, outside R_t): high; April.
//  OV-3 Stadtwerke Mainz, approved, storage 5.0 m from D (inside R_r, not excavation, a 2 x 2 m
//       square: 4 m2 of the 133 m2 zone, under 20 %): medium; 1 - 20 Mar.
//  OV-4 Stadtwerke Mainz, draft, surface works 400 m from every tree: none; 1 Feb - 5 Mar.
// Worst first, then start: OV-5 (critical, 15 Mar), OV-1 (critical, 1 May), OV-2, OV-3, OV-4.
struct Town {
  test::TempDir dir;
  test::TestStore location{dir, "overview.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::map<std::string, std::string> key;
  std::map<std::string, std::int64_t> id;  // by reference

  Town() {
    auto store = storage::Store::create(db);
    test::add_tree(store, "A", {448000, 5538000}, 150, 8);
    test::add_tree(store, "B", {448200, 5538000}, 100, 10);
    test::add_tree(store, "D", {448400, 5538000}, 100, 10);
    const auto add = [&](geo::Work w, geo::WorkStatus status) {
      w.status = status;
      id[w.reference] = store.works().insert(w, "test");
    };
    auto trench = [](const char* ref, const char* org, double x0, double x1, double y,
                     const char* starts, const char* ends) {
      auto w = test::make_work(ref, org, geo::WorkKind::trench,
                               "LINESTRING(" + std::to_string(x0) + " " + std::to_string(y) + ", " +
                                   std::to_string(x1) + " " + std::to_string(y) + ")",
                               starts, ends);
      w.width_m = 1.0;
      return w;
    };
    add(trench("OV-1", "Stadtwerke Mainz", 447990, 448010, 5538003, "2027-05-01T06:00:00Z",
               "2027-05-31T16:00:00Z"),
        geo::WorkStatus::submitted);
    add(trench("OV-5", "Telekom", 447990, 448010, 5537997, "2027-03-15T06:00:00Z",
               "2027-04-15T16:00:00Z"),
        geo::WorkStatus::submitted);
    add(trench("OV-2", "Telekom", 448190, 448210, 5538005.5, "2027-04-01T06:00:00Z",
               "2027-04-30T16:00:00Z"),
        geo::WorkStatus::submitted);
    add(test::make_work("OV-3", "Stadtwerke Mainz", geo::WorkKind::storage,
                        "POLYGON((448405 5537999, 448407 5537999, 448407 5538001, 448405 5538001, "
                        "448405 5537999))",
                        "2027-03-01T06:00:00Z", "2027-03-20T16:00:00Z"),
        geo::WorkStatus::approved);
    add(test::make_work("OV-4", "Stadtwerke Mainz", geo::WorkKind::surface,
                        "POLYGON((448800 5538000, 448810 5538000, 448810 5538010, 448800 5538010, "
                        "448800 5538000))",
                        "2027-02-01T06:00:00Z", "2027-03-05T16:00:00Z"),
        geo::WorkStatus::draft);
    test::store_conflicts(store);
    key["planner"] = test::add_user(store, "paula", geo::Role::planner, "");
    key["admin"] = test::add_user(store, "ada", geo::Role::admin, "");
    key["own"] = test::add_user(store, "anna", geo::Role::contractor, "Stadtwerke Mainz");
    key["other"] = test::add_user(store, "tom", geo::Role::contractor, "Telekom");
    key["nobody"] = test::add_user(store, "nora", geo::Role::contractor, "");
    key["field"] = test::add_user(store, "fritz", geo::Role::field_staff, "");
  }
};

struct Listing {
  int status = 0;
  json body;
  std::vector<std::string> refs;
};

Listing overview(const test::ServerProcess& server, const std::string& who,
                 const std::string& query = "", const Town* town = nullptr) {
  const auto r =
      test::get(server.port(), "/collections/works/overview" + (query.empty() ? "" : "?" + query),
                who.empty() ? "" : town->key.at(who));
  Listing l;
  l.status = r.status;
  l.body = json::parse(r.body);
  if (r.status == 200) {
    for (const auto& w : l.body.at("works")) l.refs.push_back(w.at("reference"));
  }
  return l;
}

using Refs = std::vector<std::string>;

// A lon/lat box around a store point, `half` degrees each way.
std::string box_around(geo::Point p, double half) {
  const geo::Transformer t(25832, 4326);
  const auto ll = t.forward(p);
  return std::to_string(ll.x - half) + "," + std::to_string(ll.y - half) + "," +
         std::to_string(ll.x + half) + "," + std::to_string(ll.y + half);
}

// A GeoJSON polygon (lon/lat) of the store rectangle, its corners moved.
json polygon_around(geo::Point p, double half_m) {
  const geo::Transformer t(25832, 4326);
  json ring = json::array();
  for (const auto& [dx, dy] :
       std::vector<std::pair<double, double>>{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}}) {
    const auto ll = t.forward({p.x + dx * half_m, p.y + dy * half_m});
    ring.push_back({ll.x, ll.y});
  }
  return {{"type", "Polygon"}, {"coordinates", {ring}}};
}

}  // namespace

TEST_CASE("works overview: order, counts, filters, roles, paging and bad parameters",
          "[api][works][overview]") {
  Town town;
  test::ServerProcess server(town.db);
  const auto get = [&](const std::string& who, const std::string& query = "") {
    return overview(server, who, query, &town);
  };

  SECTION("worst conflict first, then by start; the counts of each work") {
    const auto l = get("planner");
    REQUIRE(l.status == 200);
    CHECK(l.refs == Refs{"OV-5", "OV-1", "OV-2", "OV-3", "OV-4"});
    CHECK(l.body.at("numberMatched") == 5);
    CHECK(l.body.at("numberReturned") == 5);
    const auto& w = l.body.at("works");
    CHECK(w[1].at("id") == town.id.at("OV-1"));
    CHECK(w[1].at("contractor") == "Stadtwerke Mainz");
    CHECK(w[1].at("kind") == "trench");
    CHECK(w[1].at("status") == "submitted");
    CHECK(w[1].at("starts_at") == "2027-05-01T06:00:00Z");
    CHECK(w[1].at("ends_at") == "2027-05-31T16:00:00Z");
    CHECK(w[1].at("version") == 1);
    // One critical tree conflict and one clash (with OV-5), neither acknowledged.
    CHECK(w[1].at("conflicts") ==
          json{{"critical", 1}, {"high", 0}, {"medium", 0}, {"unacknowledged", 2}, {"clashes", 1}});
    CHECK(w[1].at("worst") == "critical");
    CHECK(w[0].at("conflicts").at("clashes") == 1);
    CHECK(w[2].at("conflicts") ==
          json{{"critical", 0}, {"high", 1}, {"medium", 0}, {"unacknowledged", 1}, {"clashes", 0}});
    CHECK(w[2].at("worst") == "high");
    CHECK(w[3].at("worst") == "medium");
    CHECK(w[3].at("conflicts").at("medium") == 1);
    CHECK(w[4].at("worst").is_null());
    CHECK(w[4].at("conflicts") ==
          json{{"critical", 0}, {"high", 0}, {"medium", 0}, {"unacknowledged", 0}, {"clashes", 0}});
    // OV-4's footprint 448800..448810 x 5538000..5538010 in lon/lat: its corners moved.
    const geo::Transformer t(25832, 4326);
    const auto sw = t.forward({448800, 5538000});
    const auto ne = t.forward({448810, 5538010});
    const auto& bbox = w[4].at("bbox");
    REQUIRE(bbox.size() == 4);
    CHECK(bbox[0].get<double>() == Approx(sw.x).margin(2e-7));
    CHECK(bbox[1].get<double>() == Approx(sw.y).margin(2e-7));
    CHECK(bbox[2].get<double>() == Approx(ne.x).margin(2e-7));
    CHECK(bbox[3].get<double>() == Approx(ne.y).margin(2e-7));
    // In the store CRS: the line's box grown by half its width on every side (the footprint
    // core::work_footprint uses; the trench's flat caps lie within it).
    const auto m = get("planner", "crs=" + encode("http://www.opengis.net/def/crs/EPSG/0/25832"));
    CHECK(m.body.at("works")[1].at("bbox") == json{447989.5, 5538002.5, 448010.5, 5538003.5});
  }

  SECTION("status, datetime, bbox and area filters give exactly their works") {
    CHECK(get("planner", "status=submitted").refs == Refs{"OV-5", "OV-1", "OV-2"});
    CHECK(get("planner", "status=approved,draft").refs == Refs{"OV-3", "OV-4"});
    CHECK(get("planner", "datetime=2027-03-01/2027-03-10").refs == Refs{"OV-3", "OV-4"});
    CHECK(get("planner", "datetime=../2027-02-10").refs == Refs{"OV-4"});
    CHECK(get("planner", "datetime=2027-05-15T00:00:00Z/..").refs == Refs{"OV-1"});
    CHECK(get("planner", "datetime=2027-04-10").refs == Refs{"OV-5", "OV-2"});
    // 0.0002 degrees is about 15 m by 22 m here: tree B's work alone.
    CHECK(get("planner", "bbox=" + box_around({448200, 5538000}, 0.0002)).refs == Refs{"OV-2"});
    CHECK(get("planner", "bbox=" + box_around({448000, 5538000}, 0.0002)).refs ==
          Refs{"OV-5", "OV-1"});
    // A drawn square of 6 m around D holds OV-3's storage square (448405..448407).
    CHECK(get("planner", "area=" + encode(polygon_around({448403, 5538000}, 3).dump())).refs ==
          Refs{"OV-3"});
    // OV-2's line lies 5.5 m north of B; with its 1 m width it reaches 5.0 m: a square of half
    // side 5.1 m meets it, one of 4.9 m does not.
    CHECK(get("planner", "area=" + encode(polygon_around({448200, 5538000}, 5.1).dump())).refs ==
          Refs{"OV-2"});
    CHECK(get("planner", "area=" + encode(polygon_around({448200, 5538000}, 4.9).dump())).refs ==
          Refs{});
    CHECK(get("planner", "status=submitted&bbox=" + box_around({448000, 5538000}, 0.0002) +
                             "&datetime=2027-05-01/2027-05-02")
              .refs == Refs{"OV-1"});
    // A box far from the store CRS's area of use (UTM 32N: 6-12 degrees east) matches nothing.
    const auto far = get("planner", "bbox=100,10,101,11");
    CHECK(far.status == 200);
    CHECK(far.refs == Refs{});
    CHECK(far.body.at("numberMatched") == 0);
  }

  SECTION("a contractor sees its own organisation's works only") {
    CHECK(get("own").refs == Refs{"OV-1", "OV-3", "OV-4"});
    CHECK(get("other").refs == Refs{"OV-5", "OV-2"});
    CHECK(get("other", "status=approved").refs == Refs{});
    CHECK(get("admin").refs == Refs{"OV-5", "OV-1", "OV-2", "OV-3", "OV-4"});
    const auto nobody = get("nobody");
    CHECK(nobody.status == 403);
    CHECK(nobody.body.at("detail") ==
          "user nora has no organisation: a contractor reads only its own organisation's works "
          "(rootzone users add ... --organisation)");
    CHECK(get("field").status == 403);
    CHECK(overview(server, "", "", &town).status == 401);
  }

  SECTION("paging with limit, offset and the next link") {
    // The links are made from the Host header the client sent ("127.0.0.1").
    const std::string base = "http://127.0.0.1/collections/works/overview?";
    auto p = get("planner", "limit=2");
    CHECK(p.refs == Refs{"OV-5", "OV-1"});
    CHECK(p.body.at("numberMatched") == 5);
    CHECK(p.body.at("numberReturned") == 2);
    const auto next_of = [](const json& body) {
      for (const auto& l : body.at("links")) {
        if (l.at("rel") == "next") return l.at("href").get<std::string>();
      }
      return std::string();
    };
    CHECK(next_of(p.body) == base + "limit=2&offset=2");
    p = get("planner", "limit=2&offset=2");
    CHECK(p.refs == Refs{"OV-2", "OV-3"});
    CHECK(next_of(p.body) == base + "limit=2&offset=4");
    p = get("planner", "limit=2&offset=4");
    CHECK(p.refs == Refs{"OV-4"});
    CHECK(next_of(p.body).empty());
    p = get("planner", "offset=9");
    CHECK(p.refs == Refs{});
    CHECK(p.body.at("numberMatched") == 5);
    CHECK(next_of(get("planner", "status=submitted&limit=1").body) ==
          base + "status=submitted&limit=1&offset=1");
  }

  SECTION("bad parameters are a 400 naming the parameter") {
    const auto bad = [&](const std::string& query, const std::string& detail) {
      const auto l = get("planner", query);
      INFO(query.substr(0, 200));
      CHECK(l.status == 400);
      CHECK(l.body.at("detail").get<std::string>().find(detail) != std::string::npos);
    };
    bad("status=submitted,finished", "status=submitted,finished: 'finished' is not a status");
    bad("status=", "status=: '' is not a status");
    bad("datetime=yesterday", "datetime=yesterday: 'yesterday' is not an RFC 3339");
    bad("datetime=2027-05-01/2027-04-01", "the interval ends before it starts");
    bad("datetime=..", "an instant cannot be '..'");
    bad("bbox=1,2,3", "needs four numbers");
    bad("bbox=9,47,8,48", "a minimum exceeds its maximum");
    bad("area=" + encode("{"), "area={: not JSON");
    bad("area=" + encode(R"({"type":"Point","coordinates":[9.1,47.6]})"),
        "a GeoJSON geometry of type Polygon or MultiPolygon is needed");
    // A bow tie crosses itself: GEOS's reason.
    const geo::Transformer t(25832, 4326);
    json bow = json::array();
    for (const auto& [x, y] : std::vector<std::pair<double, double>>{{448000, 5538000},
                                                                     {448010, 5538010},
                                                                     {448010, 5538000},
                                                                     {448000, 5538010},
                                                                     {448000, 5538000}}) {
      const auto ll = t.forward({x, y});
      bow.push_back({ll.x, ll.y});
    }
    bad("area=" + encode(json{{"type", "Polygon"}, {"coordinates", {bow}}}.dump()),
        "not valid (OGC simple features): Self-intersection");
    bad("area=" +
            encode(R"({"type":"Polygon","coordinates":[[[100,10],[101,10],[101,11],[100,10]]]})"),
        "outside the store CRS's area of use");
    // Over the wire the request line ends at 32 KiB (http's kMaxHeadBytes): a larger area is
    // refused by the HTTP layer before any route runs, with 414 (RFC 9112 3: a target too long).
    std::string huge = R"({"type":"Polygon","coordinates":[[)";
    while (huge.size() < 33 * 1024) huge += "[9.1,47.6],";
    huge += "[9.1,47.6]]]}";
    const auto wire = test::get(server.port(), "/collections/works/overview?area=" + encode(huge),
                                town.key.at("planner"));
    CHECK(wire.status == 414);
    CHECK(wire.header("content-type") == "application/problem+json");
    // The route's own limit holds too, for a decoded area that reached it (through nginx with a
    // larger header buffer, or a raised head limit): the router in-process.
    api::Service service({.db = town.db});
    api::Request req;
    req.method = api::Method::get;
    req.path = "/collections/works/overview";
    req.query = {{"area", huge}};
    req.headers["host"] = "127.0.0.1";
    req.headers["authorization"] = "Bearer " + town.key.at("planner");
    const auto routed = service.router()->dispatch(req);
    CHECK(routed.status == 400);
    CHECK(json::parse(routed.body)
              .at("detail")
              .get<std::string>()
              .find(std::to_string(huge.size()) + " bytes: at most 32768") != std::string::npos);
    bad("area=" + encode(std::string(2000, '[') + std::string(2000, ']')),
        "JSON nested deeper than 8 levels (a MultiPolygon needs 5)");
    bad("limit=0", "must be an integer from 1 to 1000");
    bad("limit=1001", "must be an integer from 1 to 1000");
    bad("offset=-1", "must be a whole number from 0");
    bad("status=draft&status=submitted", "given more than once");
    bad("district=Altstadt", "district: not a parameter of this endpoint");
  }
}
