// The role matrix of the tree endpoints (docs/domain.md "Who may do what"): public, contractor,
// field staff, planner and admin against every endpoint, allowed and refused, exact statuses.
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "test_tree_edit_fixture.hpp"

using namespace rootzone;
using api::Method;
using nlohmann::json;
using test::Call;

namespace {

const std::vector<std::string> kRoles = {"", "contractor", "field_staff", "planner", "admin"};

struct Endpoint {
  std::string name;
  std::function<Call(const std::string& role)> call;
  std::vector<int> expected;  // in the order of kRoles
};

}  // namespace

TEST_CASE("role matrix of every tree endpoint", "[api][trees][roles]") {
  test::TreeCity city;
  std::map<std::string, std::int64_t> fell_target;  // a standing tree per role to fell
  std::int64_t inspection = 0;
  {
    auto store = storage::Store::open(city.db);
    for (const auto& role : kRoles) {
      fell_target[role] = test::TreeCity::add_tree(store, "F-" + role, {448500, 5538003}, 50);
    }
    geo::Inspection i;
    i.tree_id = city.tree;
    i.inspected_on = geo::parse_date("2020-04-01").value();
    i.inspector = "B. Baum";
    i.recorded_by = "B. Baum";
    inspection = store.trees().add_inspection(i);
  }
  api::Service service({.db = city.db});
  const auto version = [&](std::int64_t id) {
    return storage::Store::open(city.db).trees().get(id).version;
  };
  const auto tree = test::item_path(city.tree);
  const json point = {{"type", "Point"}, {"coordinates", {448400.0, 5538003.0}}};
  int n = 0;  // makes every allowed write a real change

  const std::vector<Endpoint> endpoints = {
      {"POST items",
       [&](const std::string& role) {
         const json f = {{"type", "Feature"},
                         {"geometry", point},
                         {"properties", {{"source_id", "R-" + std::to_string(++n)}}}};
         return Call{Method::post,
                     "/collections/trees/items",
                     role,
                     f.dump(),
                     {{"content-crs", test::kStoreCrs}}};
       },
       {401, 403, 201, 403, 201}},
      {"PUT item",
       [&](const std::string& role) {
         const json f = {{"type", "Feature"},
                         {"geometry", point},
                         {"properties", {{"source_id", "MZ-3"}, {"height_m", 10 + ++n}}}};
         return Call{Method::put,
                     test::item_path(city.tree3),
                     role,
                     f.dump(),
                     {{"content-crs", test::kStoreCrs},
                      {"if-match", test::tree_etag(city.tree3, version(city.tree3))}}};
       },
       {401, 403, 200, 403, 200}},
      {"PATCH item",
       [&](const std::string& role) {
         return Call{Method::patch,
                     tree,
                     role,
                     json({{"properties", {{"height_m", 10 + ++n}}}}).dump(),
                     {{"if-match", test::tree_etag(city.tree, version(city.tree))}}};
       },
       {401, 403, 200, 403, 200}},
      {"DELETE item",
       [&](const std::string& role) {
         return Call{Method::del, tree, role};
       },
       {405, 405, 405, 405, 405}},
      {"GET item",
       [&](const std::string& role) {
         return Call{Method::get, tree, role};
       },
       {200, 200, 200, 200, 200}},
      {"POST inspections",
       [&](const std::string& role) {
         return Call{Method::post, tree + "/inspections", role,
                     json({{"inspected_on", "2020-05-0" + std::to_string(1 + ++n % 9)},
                           {"kind", "regular"}})
                         .dump()};
       },
       {401, 403, 201, 403, 201}},
      {"GET inspections",
       [&](const std::string& role) {
         return Call{Method::get, tree + "/inspections", role};
       },
       {401, 403, 200, 200, 200}},
      {"GET one inspection",
       [&](const std::string& role) {
         return Call{Method::get, tree + "/inspections/" + std::to_string(inspection), role};
       },
       {401, 403, 200, 200, 200}},
      {"POST felling",
       [&](const std::string& role) {
         const auto id = fell_target.count(role) != 0 ? fell_target.at(role) : city.tree2;
         return Call{Method::post,
                     test::item_path(id) + "/felling",
                     role,
                     json({{"felled_on", "2020-02-02"}, {"reason", "Wurzelfäule"}}).dump(),
                     {{"if-match", test::tree_etag(id, version(id))}}};
       },
       {401, 403, 200, 403, 200}},
      {"GET history",
       [&](const std::string& role) {
         return Call{Method::get, tree + "/history", role};
       },
       {401, 403, 200, 200, 200}},
  };

  for (const auto& e : endpoints) {
    for (std::size_t i = 0; i < kRoles.size(); ++i) {
      const auto& role = kRoles[i];
      INFO(e.name << " as " << (role.empty() ? "public" : role));
      const auto before = test::counts(city.db);
      const auto r = send(service, city, e.call(role));
      CHECK(r.status == e.expected[i]);
      if (r.status >= 400) {
        CHECK(r.content_type == "application/problem+json");
        // A refused request leaves every tree table as it was.
        CHECK(test::counts(city.db) == before);
      }
      if (r.status == 401) {
        CHECK(test::header_of(r, "WWW-Authenticate") == "Bearer realm=\"rootzone\"");
      }
      if (r.status == 403) {
        CHECK_THAT(json::parse(r.body).at("detail").get<std::string>(),
                   Catch::Contains("role " + role + " may not"));
      }
    }
  }

  // A key that is not valid is a 401 everywhere a key matters, never the public's rights.
  for (const auto& e : endpoints) {
    if (e.name == "DELETE item" || e.name == "GET item") continue;
    INFO(e.name << " with an invalid key");
    CHECK(send(service, city, e.call("bad")).status == 401);
  }
}
