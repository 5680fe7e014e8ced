// The JSON bodies field staff send for trees (api/src/trees/tree_input.cpp): POST, PUT and
// PATCH of a tree, an inspection, a felling, each read through api::json_body as the routes do.
// The first byte chooses the body and the request's Content-Type and Content-Crs; the rest is
// the body. What a route may answer is a Problem (4xx) or a core::Error (mapped to its status);
// any other exception would be a 500 and is a finding, as is a tree that passed the checks with
// a value out of its documented range.
#include <chrono>
#include <cmath>
#include <string>

#include "body_target.hpp"
#include "fuzz_check.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/geo/errors.hpp"
#include "route.hpp"
#include "trees/tree_input.hpp"
#include "write_request.hpp"

namespace api = rootzone::api;
namespace geo = rootzone::geo;
using rootzone::fuzz::require;

namespace {

constexpr int kStoreSrid = 25832;
// A fixed "today", so a replay decides as the run that found the input did.
constexpr geo::Date kToday{std::chrono::year{2026}, std::chrono::month{6}, std::chrono::day{15}};

// A stored tree as the Konstanz cadastre gives them: what PUT and PATCH start from.
geo::Tree stored_tree() {
  geo::Tree t;
  t.id = 42;
  t.source_id = "KN-1";
  t.site = "Laube";
  t.location = {513000, 5279000};
  t.species_botanical = "Tilia cordata";
  t.species_german = "Winter-Linde";
  t.genus = "Tilia";
  t.stem_circumferences_cm = {120, 80};
  t.crown_diameter_m = 9;
  t.height_m = 17;
  t.planting_year = 1960;
  t.vitality = 1;
  t.last_inspection =
      geo::Date{std::chrono::year{2025}, std::chrono::month{5}, std::chrono::day{2}};
  t.next_inspection =
      geo::Date{std::chrono::year{2026}, std::chrono::month{5}, std::chrono::day{2}};
  t.version = 3;
  return t;
}

void check_stored(const geo::Tree& t) {
  for (const double c : t.stem_circumferences_cm) {
    require(std::isfinite(c) && c > 0 && c <= api::kMaxCircumferenceCm, "stem out of range");
  }
  require(t.stem_circumferences_cm.size() <= static_cast<std::size_t>(api::kMaxStems),
          "more stems than the limit");
  if (t.height_m)
    require(*t.height_m > 0 && *t.height_m <= api::kMaxHeightM, "height out of range");
  if (t.crown_diameter_m) {
    require(*t.crown_diameter_m > 0 && *t.crown_diameter_m <= api::kMaxCrownM,
            "crown out of range");
  }
  if (t.vitality) require(*t.vitality >= 0 && *t.vitality <= 3, "vitality out of range");
}

void tree_location(const nlohmann::json* geometry, const api::Request& req) {
  if (geometry == nullptr || geometry->is_null()) return;
  const auto g = api::body_geometry(*geometry, req, kStoreSrid);
  (void)g.type_name();
  try {
    (void)g.bounds();
  } catch (const geo::GeometryError&) {
    // an empty geometry: the route answers 422 for it (tree_routes.cpp, tree_location)
  }
}

void run(unsigned selector, const api::Request& req) {
  const auto body = api::json_body(req);
  switch (selector % 5) {
    case 0:    // POST
    case 1:    // PUT
    case 2: {  // PATCH
      const bool complete = selector % 5 != 2;
      const auto fb = api::feature_body(body, complete);
      if (complete) require(fb.geometry != nullptr, "complete body without geometry passed");
      tree_location(fb.geometry, req);
      geo::Tree tree = selector % 5 == 0   ? geo::Tree{}
                       : selector % 5 == 1 ? api::replaceable_part_removed(stored_tree())
                                           : stored_tree();
      api::apply_tree_properties(fb.properties, tree);
      api::check_tree(tree, kToday);
      check_stored(tree);
      require(!tree.source_id.empty(), "a tree without source_id passed the checks");
      break;
    }
    case 3: {
      const auto i = api::parse_inspection(body, "field", kToday);
      require(i.inspected_on <= kToday, "an inspection after today passed");
      break;
    }
    default: {
      const auto f = api::parse_felling(body, kToday);
      require(f.felled_on <= kToday, "a felling after today passed");
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const kCrs[] = {"", "<http://www.opengis.net/def/crs/EPSG/0/25832>",
                                     "<http://www.opengis.net/def/crs/EPSG/0/4326>", "<urn:x>"};
  return rootzone::fuzz::body_input(data, size, kCrs, run);
}
