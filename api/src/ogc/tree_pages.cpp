#include "ogc/tree_pages.hpp"

#include <dlfcn.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ogc/feature_json.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::api {

namespace {

// The feature as write_tree_feature writes it, cut at its property names: the slots are the
// values between them. Names in the writer's order; a name that moves there makes load() find
// a feature it cannot cut, and the memory path turns itself off (never different bytes).
constexpr std::string_view kPrefix = R"({"type":"Feature","id":)";
constexpr std::string_view kGeometry = R"(,"geometry":{"type":"Point","coordinates":[)";
constexpr std::string_view kSuffix = "}}";
constexpr std::size_t kProperties = 22;
constexpr std::array<std::string_view, kProperties> kMarkers = {
    R"(]},"properties":{"source_id":)",
    R"(,"site":)",
    R"(,"district":)",
    R"(,"species_botanical":)",
    R"(,"species_german":)",
    R"(,"genus":)",
    R"(,"stem_circumferences_cm":)",
    R"(,"crown_diameter_m":)",
    R"(,"height_m":)",
    R"(,"planting_year":)",
    R"(,"vitality":)",
    R"(,"development_phase":)",
    R"(,"last_inspection":)",
    R"(,"next_inspection":)",
    R"(,"status":)",
    R"(,"felled_on":)",
    R"(,"columnar":)",
    R"(,"protected":)",
    R"(,"protection_source":)",
    R"(,"protection_reason":)",
    R"(,"version":)",
    R"(,"updated_at":)",
};
// Values many trees share go into the pool (3 bytes per tree instead of the text); the rest,
// about unique per tree (number, sizes, version), stay inline.
constexpr std::array<bool, kProperties> kPooled = {
    false, true, true, true, true, true, false, false, false, false, false,
    true,  true, true, true, true, true, true,  true,  true,  false, true,
};
// Slots: "longitude,latitude" in CRS84, then the properties. A pooled value is held with the
// property's name in front (one copy per tree instead of two).
constexpr std::size_t kSlots = 1 + kProperties;

// A slot's tag byte: an inline length below kLong; kLong: inline, a 2-byte length follows;
// kRef: pooled, a 3-byte pool id follows.
constexpr std::uint8_t kLong = 253;
constexpr std::uint8_t kRef = 254;
constexpr std::uint32_t kMaxPool = 1U << 24U;

constexpr double kCell = 100;  // metres: a 300 m box touches 16 cells

class Pool {
 public:
  std::optional<std::uint32_t> intern(std::string_view v) {
    if (const auto it = ids_.find(v); it != ids_.end()) return it->second;
    if (values_.size() >= kMaxPool) return std::nullopt;
    const auto id = static_cast<std::uint32_t>(values_.size());
    values_.emplace_back(v);
    ids_.emplace(values_.back(), id);  // deque elements stay put
    return id;
  }
  std::string_view at(std::uint32_t id) const { return values_[id]; }
  std::size_t size() const { return values_.size(); }

 private:
  std::deque<std::string> values_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
};

struct Entry {
  geo::Point location;  // store CRS
  std::int64_t id = 0;
  std::unique_ptr<std::uint8_t[]> record;
};

// Calls f(slot, bytes) for each slot of a record; for a pooled slot `ref` points at its id.
template <class F>
void for_each_slot(const std::uint8_t* p, const Pool& pool, F&& f) {
  for (std::size_t slot = 0; slot < kSlots; ++slot) {
    const std::uint8_t tag = *p++;
    if (tag == kRef) {
      const std::uint32_t id = p[0] | (p[1] << 8U) | (p[2] << 16U);
      f(slot, pool.at(id), p);
      p += 3;
    } else {
      std::size_t n = tag;
      if (tag == kLong) {
        n = p[0] | (p[1] << 8U);
        p += 2;
      }
      f(slot, std::string_view(reinterpret_cast<const char*>(p), n),
        static_cast<const std::uint8_t*>(nullptr));
      p += n;
    }
  }
}

std::string_view id_text(std::int64_t id, char (&buf)[24]) {
  const auto end = std::to_chars(buf, buf + sizeof buf, id).ptr;
  return {buf, static_cast<std::size_t>(end - buf)};
}

// JsonWriter::number's text.
std::string_view number_text(double v, char (&buf)[32]) {
  if (!std::isfinite(v)) return "null";
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return {buf, static_cast<std::size_t>(end - buf)};
}

}  // namespace

struct TreePages::Data {
  std::unordered_map<std::uint64_t, std::vector<Entry>> cells;
  std::int64_t min_x = 0, min_y = 0, max_x = -1, max_y = -1;  // of every cell filled
  Pool pool;
  std::size_t pool_after_compaction = 0;
  std::size_t size = 0;
  std::int64_t generation = -1;
  bool broken = false;  // a feature could not be cut: never serve

  static std::int64_t cell_number(double v) {
    const double c = std::floor(v / kCell);
    return static_cast<std::int64_t>(std::clamp(c, -2147483648.0, 2147483647.0));
  }
  static std::uint64_t key(std::int64_t x, std::int64_t y) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(y)) << 32U) |
           static_cast<std::uint32_t>(x);
  }
  template <class F>
  void for_each_cell(const geo::Bounds& box, F&& f) {
    if (cells.empty()) return;
    const auto x0 = std::max(cell_number(box.minx), min_x);
    const auto x1 = std::min(cell_number(box.maxx), max_x);
    const auto y0 = std::max(cell_number(box.miny), min_y);
    const auto y1 = std::min(cell_number(box.maxy), max_y);
    for (auto y = y0; y <= y1; ++y) {
      for (auto x = x0; x <= x1; ++x) {
        if (const auto it = cells.find(key(x, y)); it != cells.end()) f(it);
      }
    }
  }

  // Cuts the tree's CRS84 feature into slots; false when it does not have the expected shape.
  bool add(const geo::Tree& t, int srid) {
    static const OutputCrs crs84{std::string(kCrs84), 4326, false};
    std::string feature;
    JsonWriter w(feature);
    write_tree_feature(w, t, crs84, srid);
    char buf[24];
    const auto id = id_text(t.id, buf);
    const std::string_view f = feature;
    if (!f.starts_with(kPrefix) || f.substr(kPrefix.size(), id.size()) != id ||
        f.substr(kPrefix.size() + id.size(), kGeometry.size()) != kGeometry ||
        !f.ends_with(kSuffix)) {
      return false;
    }
    std::array<std::string_view, kSlots> slots;
    std::size_t at = kPrefix.size() + id.size() + kGeometry.size();
    // A marker cannot occur inside a string value (its quote would be escaped there), so the
    // first one found after the previous value is the property's own.
    const auto coordinates_end = f.find(kMarkers[0], at);
    if (coordinates_end == std::string_view::npos) return false;
    const auto coordinates = f.substr(at, coordinates_end - at);
    const auto comma = coordinates.find(',');
    if (comma == std::string_view::npos) return false;
    slots[0] = coordinates;
    at = coordinates_end;
    for (std::size_t i = 0; i < kProperties; ++i) {
      const auto start = at + kMarkers[i].size();
      const auto end = i + 1 < kProperties ? f.find(kMarkers[i + 1], start) : f.size() - 2;
      if (end == std::string_view::npos || end < start) return false;
      slots[1 + i] = f.substr(start, end - start);
      at = end;
    }
    std::string record;
    for (std::size_t s = 0; s < kSlots; ++s) {
      const auto v = slots[s];
      const bool pooled = (s >= 1 && kPooled[s - 1]) || v.size() > 0xffff;
      if (pooled) {
        const auto ref = pool.intern(std::string(s >= 1 ? kMarkers[s - 1] : "").append(v));
        if (!ref) return false;
        record += static_cast<char>(kRef);
        for (int b = 0; b < 3; ++b) record += static_cast<char>((*ref >> (8 * b)) & 0xffU);
      } else if (v.size() < kLong) {
        record += static_cast<char>(v.size());
        record += v;
      } else {
        record += static_cast<char>(kLong);
        record += static_cast<char>(v.size() & 0xffU);
        record += static_cast<char>(v.size() >> 8U);
        record += v;
      }
    }
    Entry e;
    e.location = t.location;
    e.id = t.id;
    e.record = std::make_unique<std::uint8_t[]>(record.size());
    std::memcpy(e.record.get(), record.data(), record.size());
    // What will be served is checked against what the SQL path writes, tree by tree.
    std::string again;
    write(again, e, OutputCrs{std::string(kCrs84), 4326, false}, srid);
    if (again != feature) return false;
    const auto cx = cell_number(t.location.x), cy = cell_number(t.location.y);
    if (cells.empty()) {
      min_x = max_x = cx;
      min_y = max_y = cy;
    } else {
      min_x = std::min(min_x, cx);
      max_x = std::max(max_x, cx);
      min_y = std::min(min_y, cy);
      max_y = std::max(max_y, cy);
    }
    auto& cell = cells[key(cx, cy)];
    cell.push_back(std::move(e));
    ++size;
    return true;
  }

  // The feature in `crs`: CRS84 or EPSG:4326 from the held text, the store's CRS from the point.
  void write(std::string& out, const Entry& e, const OutputCrs& crs, int srid) const {
    // {"type":"Feature","id":N,"geometry":{"type":"Point","coordinates":[ in one append.
    char head[kPrefix.size() + 24 + kGeometry.size()];
    kPrefix.copy(head, kPrefix.size());
    char* p = std::to_chars(head + kPrefix.size(), head + kPrefix.size() + 24, e.id).ptr;
    p += kGeometry.copy(p, kGeometry.size());
    out.append(head, static_cast<std::size_t>(p - head));
    const bool store_crs = crs.epsg == srid;
    for_each_slot(e.record.get(), pool, [&](std::size_t slot, std::string_view v, const auto* ref) {
      if (slot == 0) {
        if (!store_crs && !crs.lat_lon) {
          out += v;
          return;
        }
        char xb[32], yb[32];
        std::string_view first, second;
        if (store_crs) {
          first = number_text(e.location.x, xb);
          second = number_text(e.location.y, yb);
        } else {
          const auto comma = v.find(',');
          first = v.substr(0, comma);
          second = v.substr(comma + 1);
        }
        if (crs.lat_lon) std::swap(first, second);
        out += first;
        out += ',';
        out += second;
        return;
      }
      if (ref == nullptr) out += kMarkers[slot - 1];
      out += v;
    });
    out += kSuffix;
  }

  // Rebuilds the pool from the held records once it has doubled (values of forgotten trees
  // stay in it until then): constant cost per edit, bounded memory.
  void compact() {
    if (pool.size() <= 2 * pool_after_compaction + 1024) return;
    Pool fresh;
    for (auto& [k, cell] : cells) {
      for (auto& e : cell) {
        for_each_slot(e.record.get(), pool, [&](std::size_t, std::string_view v, const auto* ref) {
          if (ref == nullptr) return;
          const auto id = *fresh.intern(v);  // never more values than before
          auto* p = const_cast<std::uint8_t*>(ref);
          for (int b = 0; b < 3; ++b) p[b] = static_cast<std::uint8_t>((id >> (8 * b)) & 0xffU);
        });
      }
    }
    pool = std::move(fresh);
    pool_after_compaction = pool.size();
  }
};

namespace {

void warn(const std::string& msg) {
  const nlohmann::json line = {{"level", "warning"}, {"msg", msg}};
  std::cerr << line.dump() + "\n" << std::flush;
}

// Every tree in `box` (closed, store CRS), or every tree, in pages read by id.
template <class F>
void read_trees(storage::Store& store, const std::optional<geo::Bounds>& box, F&& f) {
  storage::FeatureQuery q;
  q.bbox = box;
  // Large pages: without a bbox every page also counts the whole table.
  q.limit = box ? 5000 : 20000;
  for (;;) {
    auto page = storage::query_trees(store, q);
    for (const auto& t : page.items) f(t);
    if (!page.more || page.items.empty()) return;
    q.after_id = page.items.back().id;
  }
}

}  // namespace

TreePages::TreePages(storage::Store& store, int store_srid, bool enabled,
                     BetweenWrites between_writes)
    : srid_(store_srid), enabled_(enabled), between_writes_(std::move(between_writes)) {
  if (enabled_) load(store);
}

TreePages::~TreePages() = default;

void TreePages::load(storage::Store& store) {
  auto fresh = std::make_unique<Data>();
  {
    storage::StoreSnapshot snapshot(store);
    fresh->generation = storage::data_generation(store);
    read_trees(store, std::nullopt, [&](const geo::Tree& t) {
      if (!fresh->broken && !fresh->add(t, srid_)) fresh->broken = true;
    });
  }
  if (fresh->broken) {
    warn("item pages from memory are off: a tree's feature did not have the expected shape");
    fresh = std::make_unique<Data>();
    fresh->broken = true;
  }
  fresh->pool_after_compaction = fresh->pool.size();
  {
    std::lock_guard turn(turn_);  // before readers that come after it
    std::unique_lock lock(mutex_);
    data_.swap(fresh);
  }
  fresh.reset();
  // The trees read while loading were freed between the records that stay: give the pages back
  // to the system (tcmalloc in `rootzone serve`, looked up as app/allocator.cpp does; glibc's
  // malloc in tests).
  using Release = void (*)();
  static const auto release =
      reinterpret_cast<Release>(::dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory"));
  if (release != nullptr) {
    release();
  } else {
    malloc_trim(0);
  }
}

void TreePages::catch_up(storage::Store& store) {
  std::unique_lock reload(reloading_, std::try_to_lock);
  if (!reload.owns_lock()) return;  // another request reloads; this one reads SQL meanwhile
  bool stale = false;
  // A generation moved by our own write that has committed but not published is no reason:
  // its change() brings the memory up to date.
  between_writes_([&] { stale = storage::data_generation(store) != generation(); });
  if (stale) load(store);
}

std::optional<TreePages::Written> TreePages::page(storage::Store& store,
                                                  const storage::FeatureQuery& q,
                                                  const OutputCrs& crs, std::string& out) {
  if (!enabled_ || !q.bbox || !q.equals.empty() || q.filter || !q.sort.empty() || q.from || q.to ||
      q.work_contractor || q.limit < 1) {
    return std::nullopt;
  }
  if (crs.epsg != srid_ && crs.epsg != 4326) return std::nullopt;
  const auto current = storage::data_generation(store);
  {
    { std::lock_guard turn(turn_); }  // behind a waiting writer
    std::shared_lock lock(mutex_);
    if (data_ && !data_->broken && data_->generation == current) {
      thread_local std::vector<const Entry*> inside;
      inside.clear();
      const auto& box = *q.bbox;
      data_->for_each_cell(box, [&](auto it) {
        for (const auto& e : it->second) {
          if (box.contains(e.location)) inside.push_back(&e);
        }
      });
      std::sort(inside.begin(), inside.end(),
                [](const Entry* a, const Entry* b) { return a->id < b->id; });
      Written w;
      w.matched = static_cast<std::int64_t>(inside.size());
      const auto first =
          std::upper_bound(inside.begin(), inside.end(), q.after_id,
                           [](std::int64_t id, const Entry* e) { return id < e->id; });
      const auto available = static_cast<std::size_t>(inside.end() - first);
      const auto limit = static_cast<std::size_t>(q.limit);
      w.more = available > limit;
      w.count = std::min(available, limit);
      for (std::size_t i = 0; i < w.count; ++i) {
        if (i > 0) out += ',';
        data_->write(out, **(first + static_cast<std::ptrdiff_t>(i)), crs, srid_);
      }
      if (w.count > 0) w.last_id = (*(first + static_cast<std::ptrdiff_t>(w.count - 1)))->id;
      return w;
    }
  }
  catch_up(store);
  return std::nullopt;
}

void TreePages::changed(storage::Store& store, const std::vector<geo::Bounds>& areas,
                        bool everything, std::int64_t generation) {
  if (!enabled_) return;
  // The areas' trees as the store holds them now, read before the lock is taken.
  std::vector<geo::Tree> now;
  for (std::size_t i = 0; i < areas.size(); ++i) {
    read_trees(store, areas[i], [&](const geo::Tree& t) {
      // A tree in two overlapping areas is forgotten once and added once.
      for (std::size_t j = 0; j < i; ++j) {
        if (areas[j].contains(t.location)) return;
      }
      now.push_back(t);
    });
  }
  std::lock_guard turn(turn_);  // before readers that come after it
  std::unique_lock lock(mutex_);
  if (!data_ || data_->broken) return;
  // After a write of another process (or one we missed) the areas are not all that changed:
  // the held generation stays behind, page() declines and the next request reloads.
  if (data_->generation < generation - 1 || (everything && data_->generation != generation - 1)) {
    return;
  }
  auto& d = *data_;
  for (const auto& a : areas) {
    d.for_each_cell(a, [&](auto it) {
      d.size -= std::erase_if(it->second, [&](const Entry& e) { return a.contains(e.location); });
    });
  }
  for (const auto& t : now) {
    // Appended to its cell out of id order: page() sorts what it found.
    if (!d.add(t, srid_)) {
      d.broken = true;
      warn("item pages from memory are off: a tree's feature did not have the expected shape");
      return;
    }
  }
  d.compact();
  d.generation = std::max(d.generation, generation);
}

std::size_t TreePages::size() const {
  std::shared_lock lock(mutex_);
  return data_ ? data_->size : 0;
}

std::size_t TreePages::pool_size() const {
  std::shared_lock lock(mutex_);
  return data_ ? data_->pool.size() : 0;
}

std::int64_t TreePages::generation() const {
  std::shared_lock lock(mutex_);
  return data_ ? data_->generation : -1;
}

}  // namespace rootzone::api
