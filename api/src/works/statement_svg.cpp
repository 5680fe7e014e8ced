// The statement's map sketch. Drawn from the store's geometry in metres (the store CRS is
// projected), so a printed metre is the same everywhere on the sketch and the scale bar holds.
#include <algorithm>
#include <array>
#include <cmath>

#include "rootzone/geo/number_text.hpp"
#include "works/statement_html.hpp"

namespace rootzone::api {

namespace {

constexpr double kWidth = 1000;  // SVG user units across the sketch

// Print colours by severity (the table names the severity too: colour is never the only cue).
const char* severity_colour(geo::Severity s) {
  switch (s) {
    case geo::Severity::critical:
      return "#b3261e";
    case geo::Severity::high:
      return "#e8710a";
    case geo::Severity::medium:
      return "#b58900";
  }
  return "#000";
}

struct Frame {
  geo::Bounds box;
  double k = 1;  // user units per metre
  double height = 0;

  std::string x(double mx) const {
    return geo::number_text((mx - box.minx) * k, {.max_decimals = 1});
  }
  std::string y(double my) const {
    return geo::number_text((box.maxy - my) * k, {.max_decimals = 1});
  }
  std::string len(double m) const { return geo::number_text(m * k, {.max_decimals = 1}); }
};

// A sheet between 9:20 and square: a long trench becomes a band, not a sliver.
Frame frame_of(geo::Bounds b) {
  double w = b.maxx - b.minx, h = b.maxy - b.miny;
  const double cx = (b.minx + b.maxx) / 2, cy = (b.miny + b.maxy) / 2;
  if (h < w * 0.45) h = w * 0.45;
  if (h > w) w = h;
  Frame f;
  f.box = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
  f.k = kWidth / w;
  f.height = h * f.k;
  return f;
}

void ring_path(std::string& d, const std::vector<geo::Point>& ring, const Frame& f, bool close) {
  for (std::size_t i = 0; i < ring.size(); ++i) {
    d += (i == 0 ? "M" : "L") + f.x(ring[i].x) + " " + f.y(ring[i].y);
  }
  if (close) d += "Z";
}

void circle(std::string& out, geo::Point c, double r_m, const Frame& f, const char* cls) {
  out += "<circle class=\"" + std::string(cls) + "\" cx=\"" + f.x(c.x) + "\" cy=\"" + f.y(c.y) +
         "\" r=\"" + f.len(r_m) + "\"/>";
}

// 1, 2 or 5 times a power of ten: about a fifth of the sketch.
double scale_length(double width_m) {
  const double target = width_m / 5;
  const double p = std::pow(10.0, std::floor(std::log10(target)));
  for (const double m : {5.0, 2.0, 1.0}) {
    if (m * p <= target) return m * p;
  }
  return p;
}

}  // namespace

std::string statement_svg(const core::WorkStatement& s) {
  const Frame f = frame_of(s.extent);
  const std::string h = geo::number_text(f.height, {.max_decimals = 1});
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sketch\" viewBox=\"0 0 1000 " + h +
      "\" role=\"img\" aria-labelledby=\"sketch-title\">"
      "<title id=\"sketch-title\">Lageskizze der Maßnahme " +
      html_escape(s.work.reference) + " / Map sketch of the work</title>";
  out +=
      "<style>"
      ".tree{fill:#4f7942}.zone-root{fill:#4f794214;stroke:#4f7942;stroke-width:1;"
      "stroke-dasharray:6 4}.zone-trench{fill:none;stroke:#8a5a00;stroke-width:1;"
      "stroke-dasharray:2 3}.work{fill:#1f4e7966;stroke:#1f4e79;stroke-width:2;"
      "fill-rule:evenodd}.work-line{fill:none;stroke:#1f4e79;stroke-width:3}"
      ".conflict-mark{fill:none;stroke-width:4}.label{font:bold 15px sans-serif;"
      "paint-order:stroke;stroke:#fff;stroke-width:4px}.frame{fill:#fff;stroke:#555}"
      ".bar{fill:#222}.bar-text,.north-text{font:14px sans-serif;fill:#222}"
      "</style>";
  out += "<rect class=\"frame\" x=\"0\" y=\"0\" width=\"1000\" height=\"" + h + "\"/>";

  // Zones under everything, then the work, then trees and marks on top.
  out += "<g class=\"zones\">";
  for (const auto& t : s.trees) {
    if (!t.zone) continue;
    circle(out, t.location, t.zone->root_radius_m, f, "zone-root");
    circle(out, t.location, t.zone->trench_radius_m, f, "zone-trench");
  }
  out += "</g><g class=\"work-shape\">";
  if (s.outline) {
    const auto& o = *s.outline;
    if (!o.rings.empty()) {
      std::string d;
      for (const auto& ring : o.rings) ring_path(d, ring, f, true);
      out += "<path class=\"work\" d=\"" + d + "\"/>";
    }
    for (const auto& line : o.lines) {
      std::string d;
      ring_path(d, line, f, false);
      out += "<path class=\"work-line\" d=\"" + d + "\"/>";
    }
    for (const auto& p : o.points) circle(out, p, 1, f, "work");
    if (o.disc) circle(out, o.disc->center, o.disc->radius, f, "work");
  }
  out += "</g><g class=\"trees\">";
  const double dot = std::max(2.0, std::min(4.0, 0.4 * f.k));  // user units, not metres
  for (const auto& t : s.trees) {
    out += "<circle class=\"tree\" cx=\"" + f.x(t.location.x) + "\" cy=\"" + f.y(t.location.y) +
           "\" r=\"" + geo::number_text(dot, {.max_decimals = 1}) + "\"/>";
  }
  out += "</g><g class=\"conflicts\">";
  for (const auto& c : s.conflicts) {
    const auto colour = severity_colour(c.conflict.severity);
    const std::string sev(geo::to_string(c.conflict.severity));
    out += "<circle class=\"conflict-mark " + sev + "\" data-tree=\"" + html_escape(c.tree_number) +
           "\" stroke=\"" + colour + "\" cx=\"" + f.x(c.location.x) + "\" cy=\"" +
           f.y(c.location.y) + "\" r=\"10\"/>";
    out += "<text class=\"label\" fill=\"" + std::string(colour) + "\" x=\"" +
           geo::number_text((c.location.x - f.box.minx) * f.k + 13, {.max_decimals = 1}) +
           "\" y=\"" +
           geo::number_text((f.box.maxy - c.location.y) * f.k - 8, {.max_decimals = 1}) + "\">" +
           html_escape(c.tree_number) + "</text>";
  }
  out += "</g>";

  // Scale bar, bottom left: alternating black and white metres.
  const double bar_m = scale_length(f.box.maxx - f.box.minx);
  const double bar = bar_m * f.k;
  const double by = f.height - 24;
  out += "<g class=\"scale\"><rect class=\"bar\" x=\"20\" y=\"" +
         geo::number_text(by, {.max_decimals = 1}) + "\" width=\"" +
         geo::number_text(bar, {.max_decimals = 1}) +
         "\" height=\"6\"/><rect fill=\"#fff\" stroke=\"#222\" x=\"" +
         geo::number_text(20 + bar / 2, {.max_decimals = 1}) + "\" y=\"" +
         geo::number_text(by, {.max_decimals = 1}) + "\" width=\"" +
         geo::number_text(bar / 2, {.max_decimals = 1}) + "\" height=\"6\"/>";
  out += "<text class=\"bar-text\" x=\"20\" y=\"" + geo::number_text(by - 6, {.max_decimals = 1}) +
         "\">0</text><text class=\"bar-text\" text-anchor=\"end\" x=\"" +
         geo::number_text(20 + bar, {.max_decimals = 1}) + "\" y=\"" +
         geo::number_text(by - 6, {.max_decimals = 1}) + "\">" + geo::number_text(bar_m) +
         " m</text></g>";
  // North arrow, top right: the store CRS's grid north is up.
  out +=
      "<g class=\"north\"><path fill=\"#222\" d=\"M960 20 L972 56 L960 48 L948 56 Z\"/>"
      "<text class=\"north-text\" text-anchor=\"middle\" x=\"960\" y=\"74\">N</text></g>";
  out += "</svg>";
  return out;
}

}  // namespace rootzone::api
