#include "packed_zones.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace rootzone::storage::detail {

namespace {

static_assert(std::endian::native == std::endian::little,
              "packed zones are the host's little-endian bytes");

constexpr std::string_view magic = "RZZONES1";
constexpr std::size_t zone_bytes = 6 * 8 + 1;

// The byte of each basis: fixed here, whatever the enum's order becomes.
constexpr std::array<geo::RootZoneBasis, 5> bases = {
    geo::RootZoneBasis::din18920, geo::RootZoneBasis::din18920_columnar,
    geo::RootZoneBasis::bs5837_no_crown, geo::RootZoneBasis::bs5837, geo::RootZoneBasis::as4970};

std::uint8_t code_of(geo::RootZoneBasis b) {
  for (std::size_t i = 0; i < bases.size(); ++i) {
    if (bases[i] == b) return static_cast<std::uint8_t>(i);
  }
  return 0xff;  // never: every basis is listed
}

template <class T>
void put(char*& at, T v) {
  std::memcpy(at, &v, sizeof v);
  at += sizeof v;
}
template <class T>
T get(const char*& at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  at += sizeof v;
  return v;
}

}  // namespace

ZonePacker::ZonePacker() : out_(magic.size() + 8, '\0') {
  std::memcpy(out_.data(), magic.data(), magic.size());
}

void ZonePacker::add(std::span<const geo::ZonedTree> zones) {
  const auto start = out_.size();
  out_.resize(start + zones.size() * zone_bytes);
  char* at = out_.data() + start;
  for (const auto& z : zones) {
    put(at, z.id);
    put(at, z.location.x);
    put(at, z.location.y);
    put(at, z.zone.trench_radius_m);
    put(at, z.zone.root_radius_m);
    put(at, z.zone.basis_value_m);
    put(at, code_of(z.zone.basis));
  }
  count_ += zones.size();
}

std::string ZonePacker::take() && {
  char* at = out_.data() + magic.size();
  put(at, count_);
  return std::move(out_);
}

std::string pack_zones(std::span<const geo::ZonedTree> zones) {
  ZonePacker packer;
  packer.add(zones);
  return std::move(packer).take();
}

std::optional<std::vector<geo::ZonedTree>> unpack_zones(std::string_view blob) {
  if (blob.size() < magic.size() + 8 || blob.substr(0, magic.size()) != magic) return std::nullopt;
  const char* at = blob.data() + magic.size();
  const auto count = get<std::uint64_t>(at);
  if (count > (blob.size() - magic.size() - 8) / zone_bytes ||
      blob.size() != magic.size() + 8 + count * zone_bytes) {
    return std::nullopt;
  }
  std::vector<geo::ZonedTree> out(count);
  for (auto& z : out) {
    z.id = get<std::int64_t>(at);
    z.location.x = get<double>(at);
    z.location.y = get<double>(at);
    z.zone.trench_radius_m = get<double>(at);
    z.zone.root_radius_m = get<double>(at);
    z.zone.basis_value_m = get<double>(at);
    const auto code = get<std::uint8_t>(at);
    if (code >= bases.size()) return std::nullopt;
    z.zone.basis = bases[code];
  }
  // By id, as the rows are read: a caller of save_tree_zones may have given them unordered.
  const auto by_id = [](const geo::ZonedTree& a, const geo::ZonedTree& b) { return a.id < b.id; };
  if (!std::is_sorted(out.begin(), out.end(), by_id)) std::sort(out.begin(), out.end(), by_id);
  return out;
}

}  // namespace rootzone::storage::detail
