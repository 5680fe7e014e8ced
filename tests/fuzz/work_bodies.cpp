// The JSON bodies of works (api/src/works/work_body.cpp): a submission (POST), a replacement
// (PUT), a merge patch (PATCH), a preview (POST .../preview: the submission's body with the
// serve limits) and a status change (POST .../status), each read through api::json_body. The
// first byte chooses the body and the request's Content-Type and Content-Crs; the rest is the
// body. A Problem (4xx) or core::Error is what a route may answer; any other exception would be
// a 500 and is a finding, as is a work that passed and still has a problem geo:: reports.
#include <string>

#include "body_target.hpp"
#include "fuzz_check.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/work_validation.hpp"
#include "route.hpp"
#include "works/work_body.hpp"
#include "write_request.hpp"

namespace api = rootzone::api;
namespace geo = rootzone::geo;
using rootzone::fuzz::require;

namespace {

constexpr int kStoreSrid = 25832;

// A stored trench in Mainz: what PUT and PATCH start from.
geo::Work stored_work() {
  geo::Work w;
  w.id = 7;
  w.reference = "W-7";
  w.title = "Fernwärme Bauabschnitt 2";
  w.contractor = "Stadtwerke";
  w.contact = "0612 123456";
  w.kind = geo::WorkKind::trench;
  w.geometry = geo::Geometry::from_wkt("LINESTRING(448000 5538050, 448200 5538050)");
  w.width_m = 1.0;
  w.depth_m = 1.5;
  w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
  w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
  w.status = geo::WorkStatus::submitted;
  w.source = "api";
  w.version = 2;
  return w;
}

void run(unsigned selector, const api::Request& req) {
  const auto body = api::json_body(req);
  const unsigned which = selector % 5;
  if (which == 4) {
    const auto r = api::status_request(body);
    require(geo::work_status_from_string(geo::to_string(r.to)) == r.to, "status not round-tripped");
    return;
  }
  const auto mode = which == 1   ? api::WorkBodyMode::replace
                    : which == 2 ? api::WorkBodyMode::merge
                                 : api::WorkBodyMode::create;
  geo::Work w = which == 1 || which == 2 ? stored_work() : geo::Work{};
  if (which == 0 || which == 3) {
    w.source = "api";
    w.status = geo::WorkStatus::submitted;
    w.contractor = api::named_contractor(body).value_or("Stadtwerke");
  }
  const api::WorkLimits limits{which == 3 ? std::size_t{5000} : std::size_t{200},
                               which == 3 ? 5000.0 : 800.0};
  api::apply_work_body(w, body, req, kStoreSrid, mode, limits);
  require(geo::work_problems(w).empty(), "a work with problems passed");
  require(w.ends_at >= w.starts_at, "a work ending before it starts passed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const kCrs[] = {"", "<http://www.opengis.net/def/crs/EPSG/0/25832>",
                                     "<http://www.opengis.net/def/crs/EPSG/0/4326>",
                                     "<http://www.opengis.net/def/crs/EPSG/0/3857>"};
  return rootzone::fuzz::body_input(data, size, kCrs, run);
}
