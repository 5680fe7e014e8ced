#pragma once
// A small MVT 2.1 decoder and validator for the tests, written from the spec independently of
// the encoder (protozero's reader only): it decodes what a client would and reports every
// spec rule a tile breaks, so a test can assert "no problems" as well as exact features.
#include <cstdint>
#include <map>
#include <protozero/pbf_reader.hpp>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace rootzone::test {

struct DPoint {
  std::int64_t x = 0, y = 0;
  friend bool operator==(const DPoint&, const DPoint&) = default;
};
using DValue = std::variant<std::string, float, double, std::int64_t, std::uint64_t, bool>;

struct DFeature {
  bool has_id = false;
  std::uint64_t id = 0;
  int type = 0;  // 1 point, 2 line, 3 polygon
  std::vector<std::uint32_t> tags;
  std::vector<std::uint32_t> geometry;     // as encoded
  std::vector<std::vector<DPoint>> parts;  // points: one part; lines/rings: one each
  std::map<std::string, DValue> properties;
};

struct DLayer {
  std::string name;
  std::uint32_t version = 1;  // the spec's default
  std::uint32_t extent = 4096;
  std::vector<std::string> keys;
  std::vector<DValue> values;
  std::vector<DFeature> features;
};

struct DTile {
  std::vector<DLayer> layers;
  std::vector<std::string> problems;  // spec rules broken; empty for a valid tile
  const DLayer* layer(const std::string& name) const {
    for (const auto& l : layers) {
      if (l.name == name) return &l;
    }
    return nullptr;
  }
};

inline double surveyor_area(const std::vector<DPoint>& r) {
  double twice = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto& a = r[i];
    const auto& b = r[(i + 1) % r.size()];
    twice += static_cast<double>(a.x * b.y - b.x * a.y);
  }
  return twice / 2;
}

inline std::int64_t unzigzag(std::uint32_t v) {
  return static_cast<std::int64_t>(v >> 1U) ^ -static_cast<std::int64_t>(v & 1U);
}

inline void decode_geometry(DFeature& f, const std::vector<std::uint32_t>& g,
                            std::vector<std::string>& problems, const std::string& where) {
  std::int64_t x = 0, y = 0;
  std::size_t i = 0;
  std::vector<DPoint> current;
  auto fail = [&](const std::string& what) { problems.push_back(where + ": " + what); };
  bool closed_last = true;
  while (i < g.size()) {
    const std::uint32_t cmd = g[i] & 0x7U;
    const std::uint32_t count = g[i] >> 3U;
    ++i;
    if (cmd == 1 || cmd == 2) {
      if (count == 0) fail("§4.3.3: command count 0");
      if (i + 2ULL * count > g.size()) {
        fail("§4.3.3: command parameters run past the geometry");
        return;
      }
      if (cmd == 1) {
        if (f.type != 1) {
          if (count != 1) fail("§4.3.4: MoveTo with count != 1 in a line or polygon");
          if (!current.empty()) {
            if (f.type == 3 && closed_last == false) fail("§4.3.4.4: ring without ClosePath");
            f.parts.push_back(current);
          }
          current.clear();
          closed_last = false;
        }
      } else if (current.empty()) {
        fail("§4.3.4: LineTo before MoveTo");
      }
      for (std::uint32_t k = 0; k < count; ++k) {
        x += unzigzag(g[i++]);
        y += unzigzag(g[i++]);
        if (cmd == 2 && !current.empty() && current.back() == DPoint{x, y}) {
          fail("repeated point (a zero-length LineTo)");
        }
        current.push_back({x, y});
      }
      if (cmd == 2 && f.type == 1) fail("§4.3.4.2: LineTo in a point geometry");
    } else if (cmd == 7) {
      if (count != 1) fail("§4.3.3.3: ClosePath count != 1");
      if (f.type != 3) fail("§4.3.3.3: ClosePath outside a polygon");
      closed_last = true;
    } else {
      fail("§4.3.3: unknown command " + std::to_string(cmd));
      return;
    }
  }
  if (!current.empty()) {
    if (f.type == 3 && !closed_last) fail("§4.3.4.4: ring without ClosePath");
    f.parts.push_back(current);
  }
  if (f.type == 2) {
    for (const auto& p : f.parts) {
      if (p.size() < 2) fail("§4.3.4.3: line with fewer than 2 points");
    }
  }
  if (f.type == 3) {
    if (f.parts.empty()) fail("§4.3.4.4: polygon without rings");
    bool first = true;
    for (const auto& r : f.parts) {
      if (r.size() < 3) fail("§4.3.4.4: ring with fewer than 3 points");
      const double area = surveyor_area(r);
      if (area == 0) fail("§4.3.4.4: ring with zero area");
      if (first && area < 0) fail("§4.3.4.4: first ring is not an exterior ring (negative area)");
      first = false;
    }
  }
  if (f.type == 1 && f.parts.size() != 1) fail("§4.3.4.2: point geometry must be one MoveTo");
}

inline DTile decode_tile(const std::string& bytes) {
  DTile tile;
  auto& problems = tile.problems;
  try {
    protozero::pbf_reader t(bytes);
    while (t.next()) {
      if (t.tag() != 3) {
        t.skip();
        continue;
      }
      DLayer layer;
      std::vector<std::pair<std::vector<std::uint32_t>, DFeature>> raw;
      bool has_name = false;
      bool has_version = false;
      protozero::pbf_reader l = t.get_message();
      while (l.next()) {
        switch (l.tag()) {
          case 15:
            layer.version = l.get_uint32();
            has_version = true;
            break;
          case 1:
            layer.name = l.get_string();
            has_name = true;
            break;
          case 5:
            layer.extent = l.get_uint32();
            break;
          case 3:
            layer.keys.push_back(l.get_string());
            break;
          case 4: {
            protozero::pbf_reader v = l.get_message();
            int n = 0;
            DValue value;
            while (v.next()) {
              ++n;
              switch (v.tag()) {
                case 1:
                  value = v.get_string();
                  break;
                case 2:
                  value = v.get_float();
                  break;
                case 3:
                  value = v.get_double();
                  break;
                case 4:
                  value = v.get_int64();
                  break;
                case 5:
                  value = v.get_uint64();
                  break;
                case 6:
                  value = v.get_sint64();
                  break;
                case 7:
                  value = v.get_bool();
                  break;
                default:
                  v.skip();
                  --n;
              }
            }
            if (n != 1) problems.push_back("§4.1: a value must have exactly one of its fields");
            layer.values.push_back(value);
            break;
          }
          case 2: {
            protozero::pbf_reader fr = l.get_message();
            DFeature f;
            std::vector<std::uint32_t> geometry;
            bool has_geometry = false;
            bool has_type = false;
            while (fr.next()) {
              switch (fr.tag()) {
                case 1:
                  f.has_id = true;
                  f.id = fr.get_uint64();
                  break;
                case 2: {
                  auto r = fr.get_packed_uint32();
                  f.tags.assign(r.begin(), r.end());
                  break;
                }
                case 3:
                  f.type = fr.get_enum();
                  has_type = true;
                  break;
                case 4: {
                  if (has_geometry) problems.push_back("§4.2: a feature with two geometry fields");
                  has_geometry = true;
                  auto r = fr.get_packed_uint32();
                  geometry.assign(r.begin(), r.end());
                  break;
                }
                default:
                  fr.skip();
              }
            }
            if (!has_type) problems.push_back("§4.2: a feature without a type field");
            raw.emplace_back(std::move(geometry), std::move(f));
            break;
          }
          default:
            l.skip();
        }
      }
      const std::string where = "layer '" + layer.name + "'";
      if (!has_name) problems.push_back("§4.1: layer without a name");
      if (!has_version) problems.push_back(where + ": §4.1: layer without a version");
      // Decoders read version 1 and 2 alike (§4.1); what rootzone writes is checked to be 2.
      if (layer.version != 1 && layer.version != 2)
        problems.push_back(where + ": §4.1: unknown version");
      for (std::size_t a = 0; a < layer.keys.size(); ++a)
        for (std::size_t b = a + 1; b < layer.keys.size(); ++b)
          if (layer.keys[a] == layer.keys[b])
            problems.push_back(where + ": duplicate key " + layer.keys[a]);
      for (std::size_t a = 0; a < layer.values.size(); ++a)
        for (std::size_t b = a + 1; b < layer.values.size(); ++b)
          if (layer.values[a] == layer.values[b]) problems.push_back(where + ": duplicate value");
      for (const auto& other : tile.layers)
        if (other.name == layer.name) problems.push_back(where + ": §4.1: two layers of one name");
      std::map<std::uint64_t, int> ids;
      for (auto& [geometry, f] : raw) {
        const std::string fw = where + " feature " + (f.has_id ? std::to_string(f.id) : "?");
        if (f.has_id && ++ids[f.id] == 2) problems.push_back(fw + ": §4.2: id not unique in layer");
        if (f.tags.size() % 2 != 0) problems.push_back(fw + ": §4.4: odd number of tags");
        for (std::size_t k = 0; k + 1 < f.tags.size(); k += 2) {
          if (f.tags[k] >= layer.keys.size() || f.tags[k + 1] >= layer.values.size()) {
            problems.push_back(fw + ": §4.4: tag index out of range");
            continue;
          }
          if (f.properties.count(layer.keys[f.tags[k]]) != 0)
            problems.push_back(fw + ": key twice");
          f.properties[layer.keys[f.tags[k]]] = layer.values[f.tags[k + 1]];
        }
        // UNKNOWN (0) is valid and its geometry uninterpreted (§4.3.5).
        if (f.type < 0 || f.type > 3) problems.push_back(fw + ": unknown geometry type");
        if (f.type != 0) decode_geometry(f, geometry, problems, fw);
        f.geometry = geometry;
        layer.features.push_back(std::move(f));
      }
      tile.layers.push_back(std::move(layer));
    }
  } catch (const protozero::exception& e) {
    problems.push_back(std::string("not a protobuf message: ") + e.what());
  }
  return tile;
}

}  // namespace rootzone::test
