// The store's side of CQL2 (storage/src/filter_sql.cpp): a filter tree built directly, without
// a parser, so that the store's own guards are what is tested.
#include <catch2/catch.hpp>

#include "filter_sql.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "store_fixture.hpp"

using namespace rootzone;
using storage::filter::Node;
using storage::filter::Op;

namespace {

Node compare(Op op, const char* property, Node value) {
  return Node::logical(op, {Node::property(property), std::move(value)});
}

}  // namespace

TEST_CASE("filter literals are bound parameters, never SQL", "[storage][filter]") {
  test::StoreFixture f;
  const std::string injection = "'; DROP TABLE trees; --";
  auto a = test::sample_tree("MZ-1");
  a.site = injection;
  f.store.trees().insert(a);
  f.store.trees().insert(test::sample_tree("MZ-2"));
  storage::FeatureQuery q;
  q.filter = compare(Op::eq, "site", Node::string_value(injection));
  const auto page = storage::query_trees(f.store, q);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].source_id == "MZ-1");
  // A property name with SQL in it is looked up and refused, never pasted.
  q.filter = compare(Op::eq, "site = site OR 1", Node::number_value(1));
  CHECK_THROWS_WITH(storage::query_trees(f.store, q),
                    "'site = site OR 1' is not a queryable of this collection");
  CHECK(f.one("SELECT count(*) FROM trees") == "2");
}

TEST_CASE("the store bounds a filter tree's depth whoever built it", "[storage][filter]") {
  Node n = compare(Op::gt, "height_m", Node::number_value(1));
  for (int i = 0; i < 100000; ++i) n = Node::unary(Op::not_, std::move(n));
  CHECK_THROWS_AS(storage::check_filter(storage::Collection::trees, n, 25832),
                  storage::filter::FilterError);
  CHECK_THROWS_WITH(storage::check_filter(storage::Collection::trees, n, 25832),
                    "nested deeper than 64 levels");
  // Taking the tree apart iteratively: its destructor would recurse 100,000 levels.
  while (!n.args.empty()) {
    Node child = std::move(n.args[0]);
    n = std::move(child);
  }
}

TEST_CASE("a sorted keyset continues after the cursor's values and id", "[storage][filter]") {
  test::StoreFixture f;
  for (const auto& [id, h] : std::vector<std::pair<const char*, std::optional<double>>>{
           {"MZ-1", 10.0}, {"MZ-2", std::nullopt}, {"MZ-3", 10.0}, {"MZ-4", 5.0}}) {
    auto t = test::sample_tree(id);
    t.height_m = h;
    f.store.trees().insert(t);
  }
  storage::FeatureQuery q;
  q.sort = {{"height_m", true}};
  q.limit = 2;
  // Descending, unknown last, ties by id: MZ-1 (10), MZ-3 (10) | MZ-4 (5), MZ-2 (-).
  auto first = storage::query_trees(f.store, q);
  REQUIRE(first.items.size() == 2);
  CHECK(first.items[0].source_id == "MZ-1");
  CHECK(first.items[1].source_id == "MZ-3");
  CHECK(first.more);
  CHECK(first.last_sort == std::vector<storage::SortValue>{10.0});
  q.after_sort = first.last_sort;
  q.after_id = first.items[1].id;
  auto second = storage::query_trees(f.store, q);
  REQUIRE(second.items.size() == 2);
  CHECK(second.items[0].source_id == "MZ-4");
  CHECK(second.items[1].source_id == "MZ-2");
  CHECK_FALSE(second.more);
  CHECK(second.matched == 4);
  // A key that is no queryable is refused by the store itself, not only by the API.
  q.sort = {{"nope", false}};
  CHECK_THROWS_WITH(storage::query_trees(f.store, q),
                    "'nope' is not a queryable of this collection");
}

// [sqlite-only]: the SQLite filter compiler's SQL and SQLite's query plan (the PostGIS dialect's
// filters are held to SpatiaLite's answers in tests/postgis/test_pg_queries.cpp).
TEST_CASE("compiled filters hold placeholders only and spatial ones use the R*Tree",
          "[storage][filter][sqlite-only]") {
  test::StoreFixture f;
  f.store.trees().insert(test::sample_tree("MZ-1"));
  // The trees' table as feature_query.cpp declares it, for the two columns used here.
  const storage::detail::ColumnLookup columns =
      [](const std::string& name) -> std::optional<storage::detail::FilterColumn> {
    if (name == "site")
      return storage::detail::FilterColumn{storage::detail::ValueType::string, "site"};
    if (name == "geometry") {
      return storage::detail::FilterColumn{storage::detail::ValueType::geometry, "t.location",
                                           "idx_trees_location", "t.id"};
    }
    return std::nullopt;
  };
  const std::string injection = "'; DROP TABLE trees; --";
  Node square;
  square.op = Op::geometry;
  square.geometry = geo::Geometry::from_wkt(
      "POLYGON((447100 5541200, 447200 5541200, 447200 5541300, 447100 5541300, 447100 5541200))");
  const auto filter = Node::logical(
      Op::and_, {compare(Op::ne, "site", Node::string_value(injection)),
                 Node::logical(Op::s_intersects, {Node::property("geometry"), square})});
  storage::detail::SqlParams params{1, {}};
  const auto sql = storage::detail::filter_sql(filter, columns, 25832, params);
  CHECK(sql ==
        "((site <> ?1) AND (t.id IN (SELECT pkid FROM idx_trees_location WHERE xmin <= ?3 AND "
        "xmax >= ?4 AND ymin <= ?5 AND ymax >= ?6) AND ST_Intersects(t.location, "
        "GeomFromWKB(?2, 25832)) = 1))");
  CHECK(std::get<std::string>(params.values[0]) == injection);
  CHECK(std::get<double>(params.values[2]) == 447200);  // the square's maxx

  auto s = f.store.database().prepare("SELECT t.source_id FROM trees t WHERE " + sql);
  for (std::size_t i = 0; i < params.values.size(); ++i) {
    storage::detail::bind_value(s, static_cast<int>(i + 1), params.values[i]);
  }
  REQUIRE(s.step());  // sample_tree stands at 447123.25, 5541234.5: inside the square
  CHECK(s.text(0) == "MZ-1");
  std::string plan;
  auto explain =
      f.store.database().prepare("EXPLAIN QUERY PLAN SELECT t.id FROM trees t WHERE " + sql);
  for (std::size_t i = 0; i < params.values.size(); ++i) {
    storage::detail::bind_value(explain, static_cast<int>(i + 1), params.values[i]);
  }
  while (explain.step()) plan += explain.text(3) + "\n";
  CHECK_THAT(plan, Catch::Contains("VIRTUAL TABLE INDEX"));
  CHECK_THAT(plan, Catch::Contains("idx_trees_location"));
}
