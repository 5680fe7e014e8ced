#include "rootzone/geo/crs.hpp"

#include <proj.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "rootzone/geo/errors.hpp"

namespace rootzone::geo {
namespace {

// A PROJ context that keeps its last log line instead of printing it to stderr: PROJ reports
// the reason of a failed lookup ("crs not found") only through the logger.
class ProjContext {
 public:
  ProjContext() : ctx_(proj_context_create()) {
    if (ctx_ == nullptr) {
      throw CrsError("PROJ: cannot create a context");
    }
    proj_log_func(ctx_, this, &ProjContext::on_log);
  }
  ~ProjContext() { proj_context_destroy(ctx_); }
  // The logger holds `this`.
  ProjContext(const ProjContext&) = delete;
  ProjContext& operator=(const ProjContext&) = delete;
  ProjContext(ProjContext&&) = delete;
  ProjContext& operator=(ProjContext&&) = delete;

  PJ_CONTEXT* get() const { return ctx_; }
  const std::string& last_message() const { return last_message_; }

 private:
  static void on_log(void* self, int level, const char* message) {
    if (level > PJ_LOG_ERROR || message == nullptr) {
      return;
    }
    try {
      static_cast<ProjContext*>(self)->last_message_ = message;
    } catch (...) {
      // Nothing may leave a C callback; the message is only an explanation.
    }
  }

  PJ_CONTEXT* ctx_;
  std::string last_message_;
};

struct PjDeleter {
  void operator()(PJ* p) const noexcept { proj_destroy(p); }
};
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

// describe_crs is called rarely and from any thread: PROJ wants one context per thread.
ProjContext& thread_proj_context() {
  thread_local ProjContext context;
  return context;
}

std::string epsg_label(int epsg) { return "EPSG:" + std::to_string(epsg); }

constexpr std::string_view store_needs =
    "a rootzone store needs a projected CRS in metres, e.g. EPSG:25832";

PjPtr crs_from_database(const ProjContext& ctx, int epsg) {
  const std::string code = std::to_string(epsg);
  PjPtr crs(
      proj_create_from_database(ctx.get(), "EPSG", code.c_str(), PJ_CATEGORY_CRS, 0, nullptr));
  if (!crs) {
    throw CrsError(epsg_label(epsg) + " is not a CRS PROJ knows");
  }
  return crs;
}

// Everything require_metric_crs needs to explain a refusal, beyond CrsInfo.
struct Description {
  CrsInfo info;
  PJ_TYPE type = PJ_TYPE_UNKNOWN;
  std::string unit;  // of the first axis not in metres, or "metre"
};

Description describe(const ProjContext& ctx, int epsg) {
  PjPtr crs = crs_from_database(ctx, epsg);
  Description d;
  d.info.epsg = epsg;
  const char* name = proj_get_name(crs.get());
  d.info.name = name != nullptr ? name : "";
  d.type = proj_get_type(crs.get());
  d.info.projected = d.type == PJ_TYPE_PROJECTED_CRS;

  // Compound, vertical or bound CRSs have no single horizontal system: not metric here.
  PjPtr cs(proj_crs_get_coordinate_system(ctx.get(), crs.get()));
  if (cs) {
    const int axes = proj_cs_get_axis_count(ctx.get(), cs.get());
    bool metric = axes >= 2;
    d.unit = "metre";
    for (int i = 0; i < axes && metric; ++i) {
      double factor = 0;
      const char* unit = nullptr;
      if (proj_cs_get_axis_info(ctx.get(), cs.get(), i, nullptr, nullptr, nullptr, &factor, &unit,
                                nullptr, nullptr) == 0) {
        metric = false;
        d.unit = "an unknown unit";
        break;
      }
      // Exact: a metre axis is declared with factor 1 ("metre", EPSG:9001), not computed.
      if (factor != 1.0 || unit == nullptr || std::string_view(unit) != "metre") {
        metric = false;
        d.unit = unit != nullptr ? unit : "an unknown unit";
      }
    }
    d.info.metric = metric;
  }

  double west = 0;
  double south = 0;
  double east = 0;
  double north = 0;
  const char* area = nullptr;
  // PROJ reports -1000 for bounds it does not know.
  if (proj_get_area_of_use(ctx.get(), crs.get(), &west, &south, &east, &north, &area) != 0 &&
      west > -1000 && south > -1000 && east > -1000 && north > -1000) {
    d.info.area = AreaOfUse{west, south, east, north, area != nullptr ? area : ""};
  } else {
    // Without a recorded area nothing could be stored; the world is the honest bound.
    d.info.area = AreaOfUse{-180, -90, 180, 90, "World (no area of use recorded)"};
  }
  return d;
}

std::string_view kind_of(PJ_TYPE type) {
  switch (type) {
    case PJ_TYPE_GEOGRAPHIC_CRS:
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
      return "geographic (degrees)";
    case PJ_TYPE_GEOCENTRIC_CRS:
      return "geocentric, not projected";
    case PJ_TYPE_VERTICAL_CRS:
      return "vertical, not projected";
    case PJ_TYPE_COMPOUND_CRS:
      return "compound (horizontal + height), not projected";
    case PJ_TYPE_ENGINEERING_CRS:
      return "an engineering CRS, not projected";
    default:
      return "not a projected CRS";
  }
}

}  // namespace

bool AreaOfUse::contains_lonlat(Point lonlat) const {
  if (lonlat.y < south || lonlat.y > north) {
    return false;
  }
  // An area crossing the antimeridian has west > east (e.g. Fiji, EPSG:3460).
  if (west <= east) {
    return lonlat.x >= west && lonlat.x <= east;
  }
  return lonlat.x >= west || lonlat.x <= east;
}

CrsInfo describe_crs(int epsg) { return describe(thread_proj_context(), epsg).info; }

CrsInfo require_metric_crs(int epsg) {
  Description d = describe(thread_proj_context(), epsg);
  const std::string label = epsg_label(epsg) + " (" + d.info.name + ")";
  if (!d.info.projected) {
    throw CrsError(label + " is " + std::string(kind_of(d.type)) + ": " + std::string(store_needs));
  }
  if (!d.info.metric) {
    throw CrsError(label + " is in " + d.unit + ", not metres: " + std::string(store_needs));
  }
  return d.info;
}

struct Transformer::Impl {
  // Declared before pj: PROJ objects must die before their context.
  ProjContext ctx;
  PjPtr pj;
  int from = 0;
  int to = 0;

  Point run(PJ_DIRECTION direction, Point p) const {
    const int source = direction == PJ_FWD ? from : to;
    const int target = direction == PJ_FWD ? to : from;
    auto fail = [&](const std::string& reason) -> CrsError {
      std::array<char, 96> coords{};
      std::snprintf(coords.data(), coords.size(), "(%.17g, %.17g)", p.x, p.y);
      return CrsError(epsg_label(source) + " -> " + epsg_label(target) + ": cannot transform " +
                      coords.data() + ": " + reason);
    };
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      throw fail("a coordinate is not finite");
    }
    proj_errno_reset(pj.get());
    // t = HUGE_VAL is PROJ's "no epoch given": time-dependent steps use their reference epoch.
    const PJ_COORD out = proj_trans(pj.get(), direction, proj_coord(p.x, p.y, 0, HUGE_VAL));
    if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
      const int err = proj_errno(pj.get());
      proj_errno_reset(pj.get());
      const char* why = err != 0 ? proj_context_errno_string(ctx.get(), err) : nullptr;
      throw fail(why != nullptr ? why : "PROJ gave no finite result");
    }
    return {out.xy.x, out.xy.y};
  }
};

Transformer::Transformer(int from_epsg, int to_epsg) : impl_(std::make_unique<Impl>()) {
  impl_->from = from_epsg;
  impl_->to = to_epsg;
  const PjPtr source = crs_from_database(impl_->ctx, from_epsg);
  const PjPtr target = crs_from_database(impl_->ctx, to_epsg);
  PjPtr op(proj_create_crs_to_crs_from_pj(impl_->ctx.get(), source.get(), target.get(), nullptr,
                                          nullptr));
  const std::string route = epsg_label(from_epsg) + " -> " + epsg_label(to_epsg);
  if (!op) {
    throw CrsError(route + ": PROJ found no transformation: " + impl_->ctx.last_message());
  }
  // EPSG:4326 is lat/lon by its definition; the domain and GeoJSON want lon/lat.
  impl_->pj.reset(proj_normalize_for_visualization(impl_->ctx.get(), op.get()));
  if (!impl_->pj) {
    throw CrsError(route + ": PROJ cannot normalise the axis order: " + impl_->ctx.last_message());
  }
}

Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

int Transformer::from_epsg() const { return impl_->from; }
int Transformer::to_epsg() const { return impl_->to; }

Point Transformer::forward(Point p) const { return impl_->run(PJ_FWD, p); }
Point Transformer::inverse(Point p) const { return impl_->run(PJ_INV, p); }

void Transformer::forward_in_place(std::vector<Point>& points) const {
  // Into a copy first: on failure the caller's points are left as they were.
  std::vector<Point> out;
  out.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    try {
      out.push_back(impl_->run(PJ_FWD, points[i]));
    } catch (const CrsError& e) {
      throw CrsError("point " + std::to_string(i) + " of " + std::to_string(points.size()) + ": " +
                     e.what());
    }
  }
  points = std::move(out);
}

}  // namespace rootzone::geo
