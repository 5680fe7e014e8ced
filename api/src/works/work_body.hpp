#pragma once
// A work as a client sends it (GeoJSON Feature, OGC API Features Part 4): read into a
// geo::Work for a submission (POST), a replacement (PUT) or a JSON merge patch (PATCH,
// RFC 7396). 400 when the body cannot be read as a work (wrong GeoJSON type, a property of
// the wrong JSON type or unknown name, a time that is not RFC 3339); 422 when it can but is
// not a storable work (missing fields, unknown kind, impossible sizes, end before start,
// invalid geometry, coordinates outside the store's area), every problem named at once.
#include <nlohmann/json.hpp>

#include "rootzone/api/http.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::api {

enum class WorkBodyMode {
  create,   // POST: every required member present; status draft or submitted
  replace,  // PUT: every required member present; status and contractor as stored
  merge,    // PATCH: members present replace, null removes an optional one
};

// Applies `body` to `work` (which holds the stored work for replace and merge, the caller's
// defaults for create) and checks the result with geo::work_problems.
void apply_work_body(geo::Work& work, const nlohmann::json& body, const Request& req,
                     int store_srid, WorkBodyMode mode);

// A 422 naming every problem, for a body that was read but is not acceptable.
Problem unprocessable(const std::string& detail);

}  // namespace rootzone::api
