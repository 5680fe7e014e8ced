#include "rootzone/geo/conflict_engine.hpp"

#include <algorithm>
#include <exception>
#include <numbers>
#include <thread>
#include <unordered_map>

#include "packed_rtree.hpp"
#include "rootzone/geo/conflict_rules.hpp"
#include "rootzone/geo/errors.hpp"
#include "work_shape.hpp"

namespace rootzone::geo {

namespace {

struct TreeEntry {
  std::int64_t tree_id = 0;
  Point location;
  ProtectionZone zone;
  double reach = 0;  // the larger of R_t and R_r: nothing farther away can conflict
  bool live = true;
  std::int64_t id() const { return tree_id; }
  Bounds box() const { return Bounds{location.x, location.y, location.x, location.y}.grown(reach); }
};

struct WorkEntry {
  Work work;  // without its WKB: the shape replaces it
  WorkShape shape;
  bool live = true;
  std::int64_t id() const { return work.id; }
  Bounds box() const { return shape.envelope; }
};

// Entries in a packed R-tree plus an overlay of entries added since the last build. The tree
// takes no inserts (docs/architecture.md: rebuild or overlay); the overlay is scanned linearly and
// folded into a rebuild once it grows past an eighth of the indexed entries.
template <class Entry>
class Layer {
 public:
  void assign(std::vector<Entry> entries) {
    entries_ = std::move(entries);
    rebuild();
  }

  void put(Entry e) {
    erase(e.id());
    overlay_slot_[e.id()] = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(std::move(e));
    ++live_;
    if (entries_.size() - indexed_ > std::max<std::size_t>(256, indexed_ / 8)) rebuild();
  }

  void erase(std::int64_t id) {
    Entry* e = find_mutable(id);
    if (e == nullptr) return;
    e->live = false;
    overlay_slot_.erase(id);
    --live_;
    if (++dead_ > std::max<std::size_t>(256, entries_.size() / 4)) rebuild();
  }

  const Entry* find(std::int64_t id) const { return const_cast<Layer*>(this)->find_mutable(id); }

  template <class Visit>
  void query(const Bounds& box, Visit&& visit) const {
    index_.query(box, [&](std::uint32_t i) {
      if (entries_[i].live) visit(entries_[i]);
    });
    for (std::size_t i = indexed_; i < entries_.size(); ++i) {
      if (entries_[i].live && entries_[i].box().intersects(box)) visit(entries_[i]);
    }
  }

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const auto& e : entries_) {
      if (e.live) visit(e);
    }
  }

  std::size_t size() const { return live_; }

 private:
  // Indexed entries are sorted by id and found by binary search; only the overlay needs a
  // hash map. (A map over half a million trees cost more than building the R-tree.)
  Entry* find_mutable(std::int64_t id) {
    if (const auto it = overlay_slot_.find(id); it != overlay_slot_.end())
      return &entries_[it->second];
    const auto end = entries_.begin() + static_cast<std::ptrdiff_t>(indexed_);
    const auto it = std::lower_bound(entries_.begin(), end, id,
                                     [](const Entry& e, std::int64_t key) { return e.id() < key; });
    return it != end && it->id() == id && it->live ? &*it : nullptr;
  }

  void rebuild() {
    std::erase_if(entries_, [](const Entry& e) { return !e.live; });
    const auto by_id = [](const Entry& a, const Entry& b) { return a.id() < b.id(); };
    if (!std::is_sorted(entries_.begin(), entries_.end(), by_id)) {
      std::sort(entries_.begin(), entries_.end(), by_id);
    }
    overlay_slot_.clear();
    std::vector<Bounds> boxes;
    boxes.reserve(entries_.size());
    for (const auto& e : entries_) boxes.push_back(e.box());
    index_ = PackedRTree(boxes);
    indexed_ = entries_.size();
    live_ = entries_.size();
    dead_ = 0;
  }

  std::vector<Entry> entries_;
  std::unordered_map<std::int64_t, std::uint32_t> overlay_slot_;
  PackedRTree index_;
  std::size_t indexed_ = 0;
  std::size_t live_ = 0;
  std::size_t dead_ = 0;
};

bool takes_part(const Tree& t) {
  return t.protection.is_protected && t.status == TreeStatus::existing;
}

unsigned thread_count(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}

// Runs body(i) for i in [0, n) on `threads` threads, each with a contiguous share; the first
// exception is rethrown after all threads end.
template <class Body>
void parallel_for(std::size_t n, unsigned threads, Body&& body) {
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(n, 1)));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(0U, i);
    return;
  }
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        // Interleaved, not in blocks: neighbouring works cost alike, so blocks would not balance.
        for (std::size_t i = t; i < n; i += threads) body(t, i);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace

struct ConflictEngine::Impl {
  RuleSet rules;

  Layer<TreeEntry> trees;
  Layer<WorkEntry> works;

  static TreeEntry make_tree(std::int64_t id, Point location, const ProtectionZone& zone) {
    TreeEntry e;
    e.tree_id = id;
    e.location = location;
    e.zone = zone;
    e.reach = std::max(zone.trench_radius_m, zone.root_radius_m);
    return e;
  }

  static WorkEntry make_work(const Work& w) {
    WorkEntry e;
    e.shape = make_work_shape(w);
    e.work = w;
    e.work.geometry = Geometry{};
    return e;
  }

  std::optional<TreeWorkConflict> evaluate(const TreeEntry& t, const WorkEntry& w,
                                           Timestamp now) const {
    const double d = distance_to(w.shape, t.location);
    if (d >= t.reach) return std::nullopt;
    const double r = t.zone.root_radius_m;
    double overlap = 0;
    double share = 0;
    if (d < r) {
      const double disc = std::numbers::pi * r * r;
      // A work covering the whole disc sums its sectors to pi r^2 give or take one rounding.
      overlap = std::min(area_inside_disc(w.shape, t.location, r), disc);
      share = overlap / disc;
    }
    auto verdict = classify_tree_work(t.zone, w.work.kind, d, share, rules);
    if (!verdict) return std::nullopt;
    TreeWorkConflict c;
    c.tree_id = t.tree_id;
    c.work_id = w.work.id;
    c.severity = verdict->severity;
    c.rule = std::move(verdict->rule);
    c.min_distance_m = d;
    c.overlap_m2 = overlap;
    c.overlap_share = share;
    c.computed_at = now;
    return c;
  }

  std::optional<WorkWorkConflict> evaluate(const WorkEntry& a, const WorkEntry& b,
                                           Timestamp now) const {
    const auto window = clash_window(a.work, b.work, rules);
    if (!window) return std::nullopt;
    const double d = distance_between(a.shape, b.shape);
    if (!within_coordination_distance(d, rules)) return std::nullopt;
    WorkWorkConflict c;
    c.work_a = std::min(a.work.id, b.work.id);
    c.work_b = std::max(a.work.id, b.work.id);
    c.distance_m = d;
    c.overlap_start = window->start;
    c.overlap_end = window->end;
    c.computed_at = now;
    return c;
  }

  void tree_conflicts(const WorkEntry& w, Timestamp now, std::vector<TreeWorkConflict>& out) const {
    trees.query(w.box(), [&](const TreeEntry& t) {
      if (auto c = evaluate(t, w, now)) out.push_back(std::move(*c));
    });
  }

  // Only partners with a larger id when `one_direction`, so the full check lists a pair once.
  void work_conflicts(const WorkEntry& w, Timestamp now, bool one_direction,
                      std::vector<WorkWorkConflict>& out) const {
    works.query(w.box().grown(rules.coordination_distance_m), [&](const WorkEntry& other) {
      if (other.work.id == w.work.id || (one_direction && other.work.id < w.work.id)) return;
      if (auto c = evaluate(w, other, now)) out.push_back(std::move(*c));
    });
  }
};

ConflictEngine::ConflictEngine(RuleSet rules) : impl_(std::make_unique<Impl>()) {
  impl_->rules = std::move(rules);
}
ConflictEngine::~ConflictEngine() = default;
ConflictEngine::ConflictEngine(ConflictEngine&&) noexcept = default;
ConflictEngine& ConflictEngine::operator=(ConflictEngine&&) noexcept = default;

const RuleSet& ConflictEngine::rules() const { return impl_->rules; }

std::vector<GeometryNote> ConflictEngine::load(std::span<const Tree> trees,
                                               std::span<const Work> works, unsigned threads) {
  std::vector<ZonedTree> zoned;
  zoned.reserve(trees.size());
  for (const auto& t : trees) {
    if (takes_part(t)) zoned.push_back({t.id, t.location, protection_zone(t, impl_->rules)});
  }
  return load(std::span<const ZonedTree>(zoned), works, threads);
}

std::vector<GeometryNote> ConflictEngine::load(std::span<const ZonedTree> trees,
                                               std::span<const Work> works, unsigned threads) {
  std::vector<TreeEntry> tree_items;
  tree_items.reserve(trees.size());
  for (const auto& t : trees) tree_items.push_back(Impl::make_tree(t.id, t.location, t.zone));
  impl_->trees.assign(std::move(tree_items));

  // Work shapes need GEOS (repair, buffer): one context per thread, as thread_context() gives.
  std::vector<std::optional<WorkEntry>> prepared(works.size());
  std::vector<std::optional<GeometryNote>> notes(works.size());
  parallel_for(works.size(), thread_count(threads), [&](unsigned, std::size_t i) {
    const Work& w = works[i];
    if (!is_open(w.status)) return;
    try {
      prepared[i] = Impl::make_work(w);
      if (!prepared[i]->shape.repair_note.empty()) {
        notes[i] = GeometryNote{w.id, w.reference, false, prepared[i]->shape.repair_note};
      }
    } catch (const GeometryError& e) {
      notes[i] = GeometryNote{w.id, w.reference, true, e.what()};
    }
  });
  std::vector<WorkEntry> work_items;
  std::vector<GeometryNote> report;
  for (std::size_t i = 0; i < works.size(); ++i) {
    if (prepared[i]) work_items.push_back(std::move(*prepared[i]));
    if (notes[i]) report.push_back(std::move(*notes[i]));
  }
  impl_->works.assign(std::move(work_items));
  return report;
}

void ConflictEngine::upsert_tree(const Tree& tree) {
  if (takes_part(tree)) {
    impl_->trees.put(Impl::make_tree(tree.id, tree.location, protection_zone(tree, impl_->rules)));
  } else {
    impl_->trees.erase(tree.id);
  }
}

void ConflictEngine::remove_tree(std::int64_t tree_id) { impl_->trees.erase(tree_id); }

std::string ConflictEngine::upsert_work(const Work& work) {
  if (!is_open(work.status)) {
    impl_->works.erase(work.id);
    return {};
  }
  auto item = Impl::make_work(work);  // throws before anything changes
  std::string note = item.shape.repair_note;
  impl_->works.put(std::move(item));
  return note;
}

void ConflictEngine::remove_work(std::int64_t work_id) { impl_->works.erase(work_id); }

std::vector<TreeWorkConflict> ConflictEngine::tree_conflicts_of_work(std::int64_t work_id) const {
  std::vector<TreeWorkConflict> out;
  if (const auto* w = impl_->works.find(work_id)) impl_->tree_conflicts(*w, now_utc(), out);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.tree_id < b.tree_id; });
  return out;
}

std::vector<TreeWorkConflict> ConflictEngine::tree_conflicts_of_tree(std::int64_t tree_id) const {
  std::vector<TreeWorkConflict> out;
  const auto* t = impl_->trees.find(tree_id);
  if (t == nullptr) return out;
  const auto now = now_utc();
  impl_->works.query(t->box(), [&](const WorkEntry& w) {
    if (auto c = impl_->evaluate(*t, w, now)) out.push_back(std::move(*c));
  });
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.work_id < b.work_id; });
  return out;
}

std::vector<WorkWorkConflict> ConflictEngine::work_conflicts_of_work(std::int64_t work_id) const {
  std::vector<WorkWorkConflict> out;
  if (const auto* w = impl_->works.find(work_id)) impl_->work_conflicts(*w, now_utc(), false, out);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::pair(a.work_a, a.work_b) < std::pair(b.work_a, b.work_b);
  });
  return out;
}

HypotheticalConflicts ConflictEngine::conflicts_if_added(const Work& work) const {
  HypotheticalConflicts out;
  if (!is_open(work.status)) return out;
  const auto item = Impl::make_work(work);
  out.repair_note = item.shape.repair_note;
  const auto now = now_utc();
  impl_->tree_conflicts(item, now, out.trees);
  impl_->work_conflicts(item, now, false, out.works);
  std::sort(out.trees.begin(), out.trees.end(),
            [](const auto& a, const auto& b) { return a.tree_id < b.tree_id; });
  std::sort(out.works.begin(), out.works.end(), [](const auto& a, const auto& b) {
    return std::pair(a.work_a, a.work_b) < std::pair(b.work_a, b.work_b);
  });
  return out;
}

ConflictSet ConflictEngine::check_all(unsigned threads) const {
  std::vector<const WorkEntry*> all;
  all.reserve(impl_->works.size());
  impl_->works.for_each([&](const WorkEntry& w) { all.push_back(&w); });

  const unsigned n = thread_count(threads);
  std::vector<ConflictSet> partial(n);
  const auto now = now_utc();
  parallel_for(all.size(), n, [&](unsigned t, std::size_t i) {
    impl_->tree_conflicts(*all[i], now, partial[t].tree_work);
    impl_->work_conflicts(*all[i], now, true, partial[t].work_work);
  });

  ConflictSet result;
  for (auto& p : partial) {
    result.tree_work.insert(result.tree_work.end(), std::make_move_iterator(p.tree_work.begin()),
                            std::make_move_iterator(p.tree_work.end()));
    result.work_work.insert(result.work_work.end(), std::make_move_iterator(p.work_work.begin()),
                            std::make_move_iterator(p.work_work.end()));
  }
  std::sort(result.tree_work.begin(), result.tree_work.end(), [](const auto& a, const auto& b) {
    return std::pair(a.work_id, a.tree_id) < std::pair(b.work_id, b.tree_id);
  });
  std::sort(result.work_work.begin(), result.work_work.end(), [](const auto& a, const auto& b) {
    return std::pair(a.work_a, a.work_b) < std::pair(b.work_a, b.work_b);
  });
  return result;
}

std::optional<ProtectionZone> ConflictEngine::zone_of(std::int64_t tree_id) const {
  if (const auto* t = impl_->trees.find(tree_id)) return t->zone;
  return std::nullopt;
}

std::optional<ZonedTree> ConflictEngine::zoned_tree(std::int64_t tree_id) const {
  if (const auto* t = impl_->trees.find(tree_id))
    return ZonedTree{t->tree_id, t->location, t->zone};
  return std::nullopt;
}

std::optional<Work> ConflictEngine::open_work(std::int64_t work_id) const {
  if (const auto* w = impl_->works.find(work_id)) return w->work;
  return std::nullopt;
}

std::size_t ConflictEngine::tree_count() const { return impl_->trees.size(); }
std::size_t ConflictEngine::work_count() const { return impl_->works.size(); }

}  // namespace rootzone::geo
