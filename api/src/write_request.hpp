#pragma once
// What every write endpoint reads from a request (OGC API Features Part 4 conventions):
// a JSON body, the geometry in the CRS named by Content-Crs (CRS84 when absent), and the
// If-Match precondition of optimistic locking.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "rootzone/api/http.hpp"
#include "rootzone/geo/geometry.hpp"

namespace rootzone::api {

// Deeper bodies are refused before they are parsed: no body the API reads needs more than a
// handful of levels (a MultiPolygon's coordinates are four), and every deeper level costs a
// stack frame wherever the value is copied, compared or printed.
inline constexpr std::size_t kMaxJsonDepth = 64;

// What a client sent, for an error's detail: a scalar as its JSON text (cut at 40
// characters), a structured value by its type only; nothing is ever dump()ed whole.
std::string shown_value(const nlohmann::json& v);

// The body as a JSON object: 400 for arrays and objects nested deeper than kMaxJsonDepth
// (before parsing); 415 for another Content-Type than application/json,
// application/geo+json or application/merge-patch+json; 400 naming the position for
// malformed JSON or a body that is not an object.
nlohmann::json json_body(const Request& req);

// A GeoJSON geometry member in the store's CRS: 400 for an unsupported Content-Crs (the
// supported ones listed), 400 naming GEOS's reason for a malformed geometry, 422 for
// coordinates outside the store CRS's area of use (with the area named).
geo::Geometry body_geometry(const nlohmann::json& geometry, const Request& req, int store_srid);

// The version the client last saw, from `If-Match: "<collection>-<id>-v<version>"`.
// 428 without If-Match; 412 for a tag of another feature or a malformed one ("*" is not
// accepted: a blind overwrite is what the precondition is there to prevent).
std::int64_t if_match_version(const Request& req, std::string_view collection, std::int64_t id);

// The 412 of a stale write is core's (core::stale), answered by api::to_problem.

}  // namespace rootzone::api
