#pragma once
// A vector source read through GDAL/OGR, one feature at a time (RAII over the C API).
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/importers/mapping.hpp"

namespace rootzone::importers::detail {

void ensure_gdal_registered();

struct DatasetCloser {
  void operator()(GDALDatasetH ds) const { GDALClose(ds); }
};
struct FeatureDestroyer {
  void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
struct GeometryDestroyer {
  void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};
struct SrsReleaser {
  void operator()(OGRSpatialReferenceH s) const { OSRRelease(s); }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;
using FeaturePtr = std::unique_ptr<void, FeatureDestroyer>;
using GeometryPtr = std::unique_ptr<void, GeometryDestroyer>;
using SrsPtr = std::unique_ptr<void, SrsReleaser>;

// Collects GDAL's messages instead of printing them, while it lives (per thread).
class ErrorCollector {
 public:
  ErrorCollector();
  ~ErrorCollector();
  ErrorCollector(const ErrorCollector&) = delete;
  ErrorCollector& operator=(const ErrorCollector&) = delete;
  // The last failure (CE_Failure or CE_Fatal) since the last take, empty when none.
  std::string take_failure();
  std::string take_any();  // the last message of any class
 private:
  static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char* msg);
};

class OgrSource {
 public:
  // Throws InputMissing when the file does not exist, InputUnreadable when GDAL cannot open
  // it, MappingError when the mapping names a layer the file lacks.
  OgrSource(const std::filesystem::path& file, const Mapping& mapping);
  ~OgrSource();
  OgrSource(const OgrSource&) = delete;
  OgrSource& operator=(const OgrSource&) = delete;

  std::string driver() const { return driver_; }
  // -1 when the layer has no such field.
  int field_index(std::string_view name) const;
  std::vector<std::string> field_names() const;
  std::optional<std::int64_t> feature_count() const;
  // The layer's CRS, or null.
  OGRSpatialReferenceH layer_srs() const;

  // Next feature; false at the end. Throws InputUnreadable when GDAL fails mid-file.
  bool next();
  std::int64_t record() const { return record_; }
  std::optional<std::int64_t> line() const;
  // The field as text: null/unset -> nullopt; dates as ISO 8601; reals shortest round-trip.
  // The view is valid until the next call of next() (it points into the feature or into a
  // buffer of this field's).
  std::optional<std::string_view> text(int field) const;
  OGRGeometryH geometry() const;

 private:
  std::string path_;
  std::string vsimem_;  // a wrapped bare array of GeoJSON features lives here
  DatasetPtr ds_;
  OGRLayerH layer_ = nullptr;
  OGRFeatureDefnH defn_ = nullptr;
  FeaturePtr feature_;
  std::vector<OGRFieldType> types_;             // per field, read once
  mutable std::vector<std::string> formatted_;  // per field: text made from a non-string value
  std::string driver_;
  std::int64_t record_ = 0;
};

}  // namespace rootzone::importers::detail
