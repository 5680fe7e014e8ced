#include "ogr_source.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <array>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "rootzone/importers/errors.hpp"

namespace rootzone::importers::detail {

void ensure_gdal_registered() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

namespace {
thread_local std::string last_failure;
thread_local std::string last_message;
}  // namespace

ErrorCollector::ErrorCollector() { CPLPushErrorHandler(&ErrorCollector::handler); }
ErrorCollector::~ErrorCollector() { CPLPopErrorHandler(); }

void CPL_STDCALL ErrorCollector::handler(CPLErr cls, CPLErrorNum, const char* msg) {
  last_message = msg ? msg : "";
  if (cls == CE_Failure || cls == CE_Fatal) last_failure = last_message;
}

std::string ErrorCollector::take_failure() { return std::exchange(last_failure, {}); }
std::string ErrorCollector::take_any() { return std::exchange(last_message, {}); }

namespace {

// A bare JSON array of GeoJSON features (Berlin's VIZ feed) is no GeoJSON document; GDAL
// reads it once it is wrapped into a FeatureCollection.
std::string wrap_feature_array(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto body = text.str();
  const auto first = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos || body[first] != '[') return {};
  static std::atomic<int> counter{0};
  const auto name = "/vsimem/rootzone_import_" + std::to_string(counter++) + ".geojson";
  const auto wrapped = "{\"type\":\"FeatureCollection\",\"features\":" + body.substr(first) + "}";
  auto* buffer = static_cast<GByte*>(CPLMalloc(wrapped.size()));
  std::copy(wrapped.begin(), wrapped.end(), buffer);
  VSIFCloseL(
      VSIFileFromMemBuffer(name.c_str(), buffer, static_cast<vsi_l_offset>(wrapped.size()), TRUE));
  return name;
}

}  // namespace

OgrSource::OgrSource(const std::filesystem::path& file, const Mapping& mapping)
    : path_(file.string()) {
  ensure_gdal_registered();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw InputMissing("input " + path_ + ": no such file");
  }
  if (std::filesystem::is_directory(file, ec) && file.extension() != ".gdb") {
    throw InputUnreadable("input " + path_ + ": is a directory");
  }
  std::vector<std::string> options;
  for (const auto& [k, v] : mapping.open_options) options.push_back(k + "=" + v);
  std::vector<char*> argv;
  for (auto& o : options) argv.push_back(o.data());
  argv.push_back(nullptr);

  ErrorCollector errors;
  const auto open = [&](const std::string& what) {
    return GDALOpenEx(what.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, argv.data(),
                      nullptr);
  };
  ds_.reset(open(path_));
  if (!ds_) {
    vsimem_ = wrap_feature_array(file);
    if (!vsimem_.empty()) ds_.reset(open(vsimem_));
  }
  if (!ds_) {
    auto why = errors.take_failure();
    if (why.empty()) why = "not a format GDAL/OGR can read as vector data";
    throw InputUnreadable("input " + path_ + ": cannot be opened: " + why);
  }
  if (auto* drv = GDALGetDatasetDriver(ds_.get())) driver_ = GDALGetDriverShortName(drv);
  if (GDALDatasetGetLayerCount(ds_.get()) == 0) {
    throw InputUnreadable("input " + path_ + ": has no vector layer");
  }
  if (mapping.layer.empty()) {
    layer_ = GDALDatasetGetLayer(ds_.get(), 0);
  } else {
    layer_ = GDALDatasetGetLayerByName(ds_.get(), mapping.layer.c_str());
    if (!layer_) {
      std::string names;
      for (int i = 0; i < GDALDatasetGetLayerCount(ds_.get()); ++i) {
        names += (i ? ", " : "") + std::string(OGR_L_GetName(GDALDatasetGetLayer(ds_.get(), i)));
      }
      throw MappingError("mapping " + mapping.path.string() + ": source.layer: '" + mapping.layer +
                         "' is not in " + path_ + " (layers: " + names + ")");
    }
  }
  defn_ = OGR_L_GetLayerDefn(layer_);
  for (int i = 0; i < OGR_FD_GetFieldCount(defn_); ++i) {
    types_.push_back(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn_, i)));
  }
  formatted_.resize(types_.size());
  OGR_L_ResetReading(layer_);
}

OgrSource::~OgrSource() {
  feature_.reset();
  ds_.reset();
  if (!vsimem_.empty()) VSIUnlink(vsimem_.c_str());
}

int OgrSource::field_index(std::string_view name) const {
  return OGR_FD_GetFieldIndex(defn_, std::string(name).c_str());
}

std::vector<std::string> OgrSource::field_names() const {
  std::vector<std::string> names;
  for (int i = 0; i < OGR_FD_GetFieldCount(defn_); ++i) {
    names.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn_, i)));
  }
  return names;
}

std::optional<std::int64_t> OgrSource::feature_count() const {
  const auto n = OGR_L_GetFeatureCount(layer_, FALSE);
  if (n < 0) return std::nullopt;
  return static_cast<std::int64_t>(n);
}

OGRSpatialReferenceH OgrSource::layer_srs() const { return OGR_L_GetSpatialRef(layer_); }

bool OgrSource::next() {
  ErrorCollector errors;
  feature_.reset(OGR_L_GetNextFeature(layer_));
  const auto failure = errors.take_failure();
  if (!failure.empty()) {
    throw InputUnreadable("input " + path_ + ": reading record " + std::to_string(record_ + 1) +
                          " failed: " + failure);
  }
  if (!feature_) return false;
  ++record_;
  return true;
}

std::optional<std::int64_t> OgrSource::line() const {
  // The CSV driver numbers data rows from 1; the header is line 1.
  if (driver_ != "CSV" || !feature_) return std::nullopt;
  return static_cast<std::int64_t>(OGR_F_GetFID(feature_.get())) + 1;
}

std::optional<std::string_view> OgrSource::text(int field) const {
  auto* f = feature_.get();
  if (field < 0 || static_cast<std::size_t>(field) >= types_.size()) return std::nullopt;
  // The field itself rather than OGR_F_IsFieldSetAndNotNull and OGR_F_GetFieldAsString, which
  // check the index and the type again: this runs for every field of every record.
  const OGRField* raw = OGR_F_GetRawFieldRef(f, field);
  if (OGR_RawField_IsUnset(raw) || OGR_RawField_IsNull(raw)) return std::nullopt;
  const auto type = types_[static_cast<std::size_t>(field)];
  auto& out = formatted_[static_cast<std::size_t>(field)];
  out.clear();
  switch (type) {
    case OFTReal: {
      std::array<char, 64> buf{};
      const auto [end, ec] =
          std::to_chars(buf.data(), buf.data() + buf.size(), OGR_F_GetFieldAsDouble(f, field));
      out.assign(buf.data(), ec == std::errc() ? end : buf.data());
      return out;
    }
    case OFTDate:
    case OFTDateTime: {
      int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
      float s = 0;
      OGR_F_GetFieldAsDateTimeEx(f, field, &y, &mo, &d, &h, &mi, &s, &tz);
      std::array<char, 64> buf{};
      if (type == OFTDate) {
        std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d", y, mo, d);
        out = buf.data();
        return out;
      }
      std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi,
                    static_cast<int>(s));
      out = buf.data();
      // OGR: 0 unknown, 1 local time, 100 UTC, 100 +/- n: n quarter hours east/west.
      if (tz >= 100 || (tz > 1 && tz < 100)) {
        const int quarters = tz - 100;
        if (quarters == 0) {
          out += 'Z';
        } else {
          const int minutes = std::abs(quarters) * 15;
          std::snprintf(buf.data(), buf.size(), "%c%02d:%02d", quarters > 0 ? '+' : '-',
                        minutes / 60, minutes % 60);
          out += buf.data();
        }
      }
      return out;
    }
    case OFTStringList:
    case OFTIntegerList:
    case OFTInteger64List:
    case OFTRealList: {
      // Lists are joined with ';' (a mapping splits them again with "separator": ";").
      if (type == OFTStringList) {
        for (char** it = OGR_F_GetFieldAsStringList(f, field); it && *it; ++it) {
          if (!out.empty()) out += ';';
          out += *it;
        }
        return out;
      }
      out = OGR_F_GetFieldAsString(f, field);  // "(2:1,2)"
      const auto colon = out.find(':');
      if (colon != std::string::npos && out.back() == ')') {
        out = out.substr(colon + 1, out.size() - colon - 2);
      }
      for (auto& c : out) {
        if (c == ',') c = ';';
      }
      return out;
    }
    case OFTString:
      return std::string_view(raw->String);  // the feature's own text: no copy
    default:
      // Numbers are formatted into one buffer per feature, which the next field reuses.
      out = OGR_F_GetFieldAsString(f, field);
      return out;
  }
}

OGRGeometryH OgrSource::geometry() const { return OGR_F_GetGeometryRef(feature_.get()); }

}  // namespace rootzone::importers::detail
