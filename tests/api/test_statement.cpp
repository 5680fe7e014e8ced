// GET /collections/works/items/{id}/statement (issue 14) against a real `rootzone serve` on a
// hand-made store: the conflict rows, the decision with who and when in Europe/Berlin time, the
// SVG sketch's marks, the rules cited, escaping of hostile text, and who may read it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <tuple>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"
#include "works_review_fixture.hpp"

using namespace rootzone;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The table row of one conflicting tree, as the document writes it.
std::string conflict_row(const std::string& html, const std::string& tree) {
  const auto start = html.find("<tr class=\"conflict\" data-tree=\"" + tree + "\">");
  REQUIRE(start != std::string::npos);
  return html.substr(start, html.find("</tr>", start) - start);
}

}  // namespace

TEST_CASE("the statement: conflict rows, sketch, rules, decision in Berlin time, escaping, roles",
          "[api][works][statement]") {
  test::TempDir dir;
  const test::TestStore location(dir, "statement.sqlite");
  const auto db = location.location();
  std::map<std::string, std::string> key;
  std::int64_t work = 0, undecided = 0, resubmitted = 0;
  {
    auto store = storage::Store::create(db);
    // B-101: 150 cm, crown 8 m: R_t = max(2.5, 4 x 1.50) = 6.0 m, R_r = 8 / 2 + 1.5 = 5.5 m.
    // B-102: 100 cm, crown 10 m: R_t = max(2.5, 4 x 1.00) = 4.0 m, R_r = 10 / 2 + 1.5 = 6.5 m.
    // B-103: 60 cm, below Mainz's 80 cm: not protected, a dot without zones.
    test::add_tree(store, "B-101", {448000, 5538000}, 150, 8);
    test::add_tree(store, "B-102", {448020, 5538000}, 100, 10);
    test::add_tree(store, "B-103", {448000, 5538015}, 60, 6);
    // B-104 was felled: kept in the store, not drawn (it no longer stands there).
    const auto felled = test::add_tree(store, "B-104", {448005, 5538010}, 90, 6);
    auto gone = store.trees().get(felled);
    gone.status = geo::TreeStatus::felled;
    gone.felled_on = geo::parse_date("2026-03-02");
    store.trees().update(gone, gone.version, "fritz");
    // A trench 1 m wide along y = +3 from x = 447995 to 448015 (flat caps): its edge is
    // 3 - 0.5 = 2.5 m from B-101 (inside R_t 6.0: critical); its end corner (448015, 5538002.5)
    // is sqrt(5^2 + 2.5^2) = 5.59 m from B-102 (inside R_r 6.5, outside R_t 4.0: high).
    // 01.03.2027 07:00 MEZ (UTC+1) to 30.04.2027 18:00 MESZ (UTC+2).
    auto w = test::make_work("SW-2027-042", "Stadtwerke Mainz", geo::WorkKind::trench,
                             "LINESTRING(447995 5538003, 448015 5538003)", "2027-03-01T06:00:00Z",
                             "2027-04-30T16:00:00Z");
    w.title = "<script>alert(1)</script> & \"Fernwärme\"";
    w.width_m = 1.0;
    w.depth_m = 1.2;
    work = store.works().insert(w, "anna");
    auto far =
        test::make_work("SW-2027-043", "Stadtwerke Mainz", geo::WorkKind::pit,
                        "POINT(449000 5539000)", "2027-06-01T06:00:00Z", "2027-06-05T16:00:00Z");
    far.radius_m = 2.0;
    undecided = store.works().insert(far, "anna");
    // Changes requested, then submitted again: the request stays the last decision, and the
    // statement says a new one is pending.
    auto again =
        test::make_work("SW-2027-044", "Stadtwerke Mainz", geo::WorkKind::pit,
                        "POINT(449100 5539000)", "2027-07-01T06:00:00Z", "2027-07-05T16:00:00Z");
    again.radius_m = 2.0;
    resubmitted = store.works().insert(again, "anna");
    for (const auto& [to, user, at] :
         {std::tuple{geo::WorkStatus::changes_requested, "paula", "2027-01-12T09:00:00Z"},
          {geo::WorkStatus::submitted, "anna", "2027-01-20T09:00:00Z"}}) {
      geo::WorkStatusChange change;
      change.work_id = resubmitted;
      change.to = to;
      change.user = user;
      change.at = *geo::parse_utc(at);
      change.comment = to == geo::WorkStatus::changes_requested ? "Wurzelbrücke fehlt" : "";
      store.works().set_status(change);
    }
    test::store_conflicts(store);
    // The planner approves at 2026-10-25T00:30:00Z: the night summer time ends (01:00 UTC),
    // half an hour before, so still CEST: 02:30 MESZ.
    geo::WorkStatusChange approve;
    approve.work_id = work;
    approve.to = geo::WorkStatus::approved;
    approve.at = *geo::parse_utc("2026-10-25T00:30:00Z");
    approve.user = "paula";
    approve.comment = "Mit Auflagen vertretbar";
    approve.conditions = "Handschachtung im Abstand von 6 m um Baum B-101; Wurzelbrücke";
    store.works().set_status(approve);
    key["planner"] = test::add_user(store, "paula", geo::Role::planner, "");
    key["own"] = test::add_user(store, "anna", geo::Role::contractor, "Stadtwerke Mainz");
    key["other"] = test::add_user(store, "tom", geo::Role::contractor, "Telekom");
    key["field"] = test::add_user(store, "fritz", geo::Role::field_staff, "");
  }
  test::ServerProcess server(db);
  const auto path = "/collections/works/items/" + std::to_string(work) + "/statement";

  const auto r = test::get(server.port(), path, key["planner"]);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.header("content-security-policy") ==
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'");
  CHECK(r.header("cache-control") == "private, no-store");
  const auto& html = r.body;

  SECTION("the work, its time window in Europe/Berlin, escaped text") {
    CHECK(count(html, "<script") == 0);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Fernwärme&quot;") !=
          std::string::npos);
    CHECK(html.find("SW-2027-042") != std::string::npos);
    CHECK(html.find("Stadtwerke Mainz") != std::string::npos);
    CHECK(html.find("Bauleitung, 06131 12-345") != std::string::npos);
    CHECK(html.find("01.03.2027 07:00 MEZ (CET) – 30.04.2027 18:00 MESZ (CEST)") !=
          std::string::npos);
    CHECK(html.find("1.2 m") != std::string::npos);
    CHECK(html.find("Graben<span class=\"en\">trench</span>") != std::string::npos);
    // When it was made (Berlin time) and by which rootzone (CMake's project version).
    CHECK(std::regex_search(html, std::regex("<footer>Erstellt am \\d\\d\\.\\d\\d\\.\\d{4} "
                                             "\\d\\d:\\d\\d MES?Z \\(CES?T\\) mit rootzone "
                                             "\\d+\\.\\d+\\.\\d+<span")));
  }

  SECTION("the conflict rows: worst first, severity, distance and share as printed") {
    const auto first = html.find("data-tree=\"B-101\"><td>");
    const auto second = html.find("data-tree=\"B-102\"><td>");
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    CHECK(first < second);
    CHECK(count(html, "<tr class=\"conflict\"") == 2);
    const auto a = conflict_row(html, "B-101");
    CHECK(a.find("kritisch<span class=\"en\">critical</span>") != std::string::npos);
    CHECK(a.find(">2.5 m<") != std::string::npos);
    CHECK(a.find("150 cm") != std::string::npos);
    CHECK(a.find("Tilia cordata") != std::string::npos);
    CHECK(a.find("R_t 6 m, R_r 5.5 m") != std::string::npos);
    const auto b = conflict_row(html, "B-102");
    CHECK(b.find("hoch<span class=\"en\">high</span>") != std::string::npos);
    CHECK(b.find(">5.59 m<") != std::string::npos);
    CHECK(b.find("R_t 4 m, R_r 6.5 m") != std::string::npos);
    CHECK(b.find("nein<span class=\"en\">no</span>") != std::string::npos);
  }

  SECTION("the sketch: one mark per conflicting tree in its colour, every tree a dot") {
    const auto svg_start = html.find("<svg");
    const auto svg = html.substr(svg_start, html.find("</svg>") - svg_start);
    CHECK(count(svg, "class=\"conflict-mark ") == 2);
    CHECK(count(svg, "class=\"conflict-mark critical\" data-tree=\"B-101\" stroke=\"#b3261e\"") ==
          1);
    CHECK(count(svg, "class=\"conflict-mark high\" data-tree=\"B-102\" stroke=\"#e8710a\"") == 1);
    CHECK(count(svg, "<circle class=\"tree\"") == 3);  // B-101 to B-103; B-104 is felled
    // Zones of the two protected trees only.
    CHECK(count(svg, "class=\"zone-root\"") == 2);
    CHECK(count(svg, "class=\"zone-trench\"") == 2);
    CHECK(count(svg, "<path class=\"work\"") == 1);
    CHECK(svg.find("class=\"scale\"") != std::string::npos);
    CHECK(svg.find("class=\"north\"") != std::string::npos);
    CHECK(svg.find("href") == std::string::npos);  // nothing fetched from outside
  }

  SECTION("the rules cited with their sources and the city's ordinance") {
    for (const char* cited :
         {"<b>DIN 18920:2014</b>", "<b>RAS-LP 4</b>", "<b>BS 5837:2012</b>",
          "<b>Rechtsverordnung zum Schutz des Baumbestandes innerhalb der Stadt Mainz (2003) "
          "§3</b>"}) {
      CHECK(html.find(cited) != std::string::npos);
    }
    CHECK(html.find("Regelwerk „mainz“: geschützt ab 80 cm Stammumfang in 1 m Höhe") !=
          std::string::npos);
  }

  SECTION("the decision with its conditions, who and when (summer time's last half hour)") {
    const auto start = html.find("<section id=\"decision\">");
    const auto decision = html.substr(start, html.find("</section>", start) - start);
    CHECK(decision.find("genehmigt<span class=\"en\">approved</span>") != std::string::npos);
    CHECK(decision.find("Handschachtung im Abstand von 6 m um Baum B-101; Wurzelbrücke") !=
          std::string::npos);
    CHECK(decision.find("Mit Auflagen vertretbar") != std::string::npos);
    CHECK(decision.find("<td>paula</td>") != std::string::npos);
    CHECK(decision.find("25.10.2026 02:30 MESZ (CEST)") != std::string::npos);
  }

  SECTION("a work without a decision says so") {
    const auto other = test::get(
        server.port(), "/collections/works/items/" + std::to_string(undecided) + "/statement",
        key["own"]);
    REQUIRE(other.status == 200);
    CHECK(other.body.find("Noch keine Entscheidung.<span class=\"en\">No decision yet.</span>") !=
          std::string::npos);
    CHECK(other.body.find("Keine Konflikte.") != std::string::npos);
  }

  SECTION("a decision followed by a new submission is shown as superseded") {
    const auto r2 = test::get(
        server.port(), "/collections/works/items/" + std::to_string(resubmitted) + "/statement",
        key["planner"]);
    REQUIRE(r2.status == 200);
    const auto start = r2.body.find("<section id=\"decision\">");
    const auto decision = r2.body.substr(start, r2.body.find("</section>", start) - start);
    CHECK(decision.find("Änderungen angefordert<span class=\"en\">changes requested</span>") !=
          std::string::npos);
    CHECK(decision.find("Wurzelbrücke fehlt") != std::string::npos);
    CHECK(decision.find("12.01.2027 10:00 MEZ (CET)") != std::string::npos);
    CHECK(decision.find("Danach erneut eingereicht: eine neue Entscheidung steht aus.") !=
          std::string::npos);
  }

  SECTION("who may read it") {
    CHECK(test::get(server.port(), path, key["own"]).status == 200);
    const auto pub = test::get(server.port(), path, "");
    CHECK(pub.status == 401);
    CHECK(pub.header("content-type") == "application/problem+json");
    const auto other = test::get(server.port(), path, key["other"]);
    CHECK(other.status == 403);
    CHECK(nlohmann::json::parse(other.body).at("detail") ==
          "work " + std::to_string(work) +
              " belongs to another organisation than Telekom: a contractor may only read the "
              "statement of its own organisation's works");
    CHECK(test::get(server.port(), path, key["field"]).status == 403);
    CHECK(
        test::get(server.port(), "/collections/works/items/999/statement", key["planner"]).status ==
        404);
    CHECK(test::get(server.port(), path + "?x=1", key["planner"]).status == 400);
  }

  SECTION("the work's links name the statement") {
    const auto h =
        test::get(server.port(), "/collections/works/items/" + std::to_string(work) + "/history",
                  key["planner"]);
    REQUIRE(h.status == 200);
    const auto body = nlohmann::json::parse(h.body);
    int found = 0;
    for (const auto& l : body.at("links")) {
      const auto text = [&](const char* m) { return l.at(m).get<std::string>(); };
      // Links start from the Host header the client sent ("127.0.0.1").
      found += text("rel") == "statement" && text("type") == "text/html" &&
               text("href") == "http://127.0.0.1" + path;
    }
    CHECK(found == 1);
  }
}
