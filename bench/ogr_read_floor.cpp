// The least any importer that reads a file through GDAL/OGR spends on it: every feature read
// with OGR_L_GetNextFeature and each of its fields looked at once (the raw field, as
// importers/src/ogr_source.cpp reads it), nothing mapped, checked or written. Used by
// bench/run-import-postgis.sh for the floor of an import's CPU time.
//
//   ogr_read_floor FILE [OPEN_OPTION ...]     e.g. ogr_read_floor city.csv AUTODETECT_TYPE=NO
//
// Prints "<features> features, <bytes> bytes of text" (the sum keeps the reads from being
// optimised away).
#include <gdal.h>
#include <ogr_api.h>

#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ogr_read_floor FILE [OPEN_OPTION ...]\n");
    return 64;
  }
  GDALAllRegister();
  std::vector<const char*> options(argv + 2, argv + argc);
  options.push_back(nullptr);
  GDALDatasetH ds =
      GDALOpenEx(argv[1], GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.data(), nullptr);
  if (ds == nullptr || GDALDatasetGetLayerCount(ds) < 1) {
    std::fprintf(stderr, "ogr_read_floor: cannot read %s as a vector file\n", argv[1]);
    return 66;
  }
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  long long features = 0;
  std::size_t bytes = 0;
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    const int fields = OGR_F_GetFieldCount(f);
    for (int i = 0; i < fields; ++i) {
      if (!OGR_F_IsFieldSetAndNotNull(f, i)) continue;
      const OGRField* raw = OGR_F_GetRawFieldRef(f, i);
      if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i)) == OFTString) {
        bytes += std::strlen(raw->String);
      }
    }
    OGR_F_Destroy(f);
    ++features;
  }
  GDALClose(ds);
  std::printf("%lld features, %zu bytes of text\n", features, bytes);
  return 0;
}
