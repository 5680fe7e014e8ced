#pragma once
// A work as a client sends it (GeoJSON Feature, OGC API Features Part 4): read into a
// geo::Work for a submission (POST), a replacement (PUT) or a JSON merge patch (PATCH,
// RFC 7396). 400 when the body cannot be read as a work (wrong GeoJSON type, a property of
// the wrong JSON type or unknown name, a time that is not RFC 3339); 422 when it can but is
// not a storable work (missing fields, unknown kind, impossible sizes, end before start,
// invalid geometry, coordinates outside the store's area), every problem named at once.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/core/work_cases.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::api {

enum class WorkBodyMode {
  create,   // POST: every required member present; status draft or submitted
  replace,  // PUT: every required member present; status and contractor as stored
  merge,    // PATCH: members present replace, null removes an optional one
};

// How large a work's geometry may be (ServiceOptions, `serve --max-work-vertices` and
// `--max-work-extent-m`). Every write checks the work against every protected tree near it
// while holding the one writer: a city-wide polygon or a 40,000-vertex line would hold it for
// everyone, and PATCH could repeat that at will. The extent is the geometry's bounding box in
// the store CRS plus its width or radius on each side.
struct WorkLimits {
  std::size_t max_vertices = 5000;
  double max_extent_m = 5000;
};

// The limits `serve` was started with.
WorkLimits work_limits(const Service& service);

// Applies `body` to `work` (which holds the stored work for replace and merge, the caller's
// defaults for create) and checks the result with geo::work_problems; a geometry beyond
// `limits` is a 422 naming the limit.
void apply_work_body(geo::Work& work, const nlohmann::json& body, const Request& req,
                     int store_srid, WorkBodyMode mode, const WorkLimits& limits = {});

// properties.contractor, when the body names one (an admin submits for an organisation);
// 400 when it is not a string.
std::optional<std::string> named_contractor(const nlohmann::json& body);

// The body of POST .../status: {to, comment, conditions}, all strings; 400 for another
// member or type, 422 for a missing or unknown status.
core::StatusRequest status_request(const nlohmann::json& body);

// A 422 naming every problem, for a body that was read but is not acceptable.
Problem unprocessable(const std::string& detail);

}  // namespace rootzone::api
