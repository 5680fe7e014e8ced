// ConflictRepository: recomputed conflicts replace the old ones; acknowledgements survive
// for pairs that still conflict (unless the severity got worse), stale pairs go.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rootzone/storage/errors.hpp"
#include "store_fixture.hpp"

using rootzone::test::sample_tree;
using rootzone::test::sample_work;
using rootzone::test::StoreFixture;
using rootzone::test::utc;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

namespace {

struct Site : StoreFixture {
  std::int64_t tree1 = store.trees().insert(sample_tree("MZ-1"));
  std::int64_t tree2 = store.trees().insert(sample_tree("MZ-2"));
  std::int64_t tree3 = store.trees().insert(sample_tree("MZ-3"));
  std::int64_t work1 = store.works().insert(sample_work("TBA-1"), "netze.bau");
  std::int64_t work2 = store.works().insert(sample_work("TBA-2"), "netze.bau");
  std::int64_t work3 = store.works().insert(sample_work("TBA-3"), "netze.bau");
};

geo::TreeWorkConflict tree_work(std::int64_t tree, std::int64_t work, geo::Severity severity,
                                double distance, geo::Timestamp at) {
  return {.id = 0,
          .tree_id = tree,
          .work_id = work,
          .severity = severity,
          .rule = "DIN 18920 root zone: excavation within R_r = 4.75 m",
          .min_distance_m = distance,
          .overlap_m2 = 3.25,
          .overlap_share = 0.125,
          .computed_at = at,
          .acknowledged = std::nullopt};
}

const geo::Acknowledgement ack{
    .user = "planung.weber", .at = utc(2026, 2, 11, 9), .comment = "Wurzelbrücke vereinbart"};

}  // namespace

TEST_CASE("tree-work conflicts round trip and are listed by work and by tree",
          "[storage][conflicts]") {
  Site s;
  auto& conflicts = s.store.conflicts();
  const auto t0 = utc(2026, 2, 10);
  auto stored = conflicts.replace_tree_work_conflicts_for_work(
      s.work1, {tree_work(s.tree1, s.work1, geo::Severity::critical, 1.5, t0),
                tree_work(s.tree2, s.work1, geo::Severity::medium, 4.25, t0)});
  auto expected1 = tree_work(s.tree1, s.work1, geo::Severity::critical, 1.5, t0);
  expected1.id = 1;
  auto expected2 = tree_work(s.tree2, s.work1, geo::Severity::medium, 4.25, t0);
  expected2.id = 2;
  CHECK(stored == std::vector<geo::TreeWorkConflict>{expected1, expected2});
  CHECK(conflicts.tree_work_conflicts_for_work(s.work1) == stored);
  CHECK(conflicts.tree_work_conflicts_for_tree(s.tree2) ==
        std::vector<geo::TreeWorkConflict>{expected2});
  CHECK(conflicts.tree_work_conflict(1) == expected1);
  CHECK(conflicts.all_tree_work_conflicts() == stored);

  const auto acknowledged = conflicts.acknowledge_tree_work_conflict(2, ack);
  expected2.acknowledged = ack;
  CHECK(acknowledged == expected2);
  CHECK_THROWS_WITH(conflicts.acknowledge_tree_work_conflict(99, ack),
                    "tree-work conflict 99 not found");
  CHECK_THROWS_WITH(conflicts.tree_work_conflict(99), "tree-work conflict 99 not found");
}

TEST_CASE("replacing a work's conflicts keeps acknowledgements that still hold",
          "[storage][conflicts]") {
  Site s;
  auto& conflicts = s.store.conflicts();
  const auto t0 = utc(2026, 2, 10);
  conflicts.replace_tree_work_conflicts_for_work(
      s.work1, {tree_work(s.tree1, s.work1, geo::Severity::high, 2.5, t0),
                tree_work(s.tree2, s.work1, geo::Severity::medium, 4.25, t0)});
  // Another work's conflict is outside the scope and must not be touched.
  conflicts.replace_tree_work_conflicts_for_work(
      s.work2, {tree_work(s.tree1, s.work2, geo::Severity::medium, 3, t0)});
  conflicts.acknowledge_tree_work_conflict(1, ack);
  conflicts.acknowledge_tree_work_conflict(2, ack);

  // The work was redrawn: tree 1 is still hit (less), tree 2 no longer, tree 3 now.
  const auto t1 = utc(2026, 2, 12);
  const auto stored = conflicts.replace_tree_work_conflicts_for_work(
      s.work1, {tree_work(s.tree1, s.work1, geo::Severity::medium, 3.5, t1),
                tree_work(s.tree3, s.work1, geo::Severity::high, 2, t1)});

  auto kept = tree_work(s.tree1, s.work1, geo::Severity::medium, 3.5, t1);
  kept.id = 1;  // same pair, same id
  kept.acknowledged = ack;
  auto added = tree_work(s.tree3, s.work1, geo::Severity::high, 2, t1);
  added.id = 4;
  CHECK(stored == std::vector<geo::TreeWorkConflict>{kept, added});
  CHECK(conflicts.tree_work_conflicts_for_tree(s.tree2).empty());
  auto other = tree_work(s.tree1, s.work2, geo::Severity::medium, 3, t0);
  other.id = 3;
  CHECK(conflicts.tree_work_conflicts_for_work(s.work2) ==
        std::vector<geo::TreeWorkConflict>{other});
}

TEST_CASE("a conflict that got worse loses its acknowledgement", "[storage][conflicts]") {
  Site s;
  auto& conflicts = s.store.conflicts();
  conflicts.replace_all_tree_work_conflicts(
      {tree_work(s.tree1, s.work1, geo::Severity::medium, 4, utc(2026, 2, 10)),
       tree_work(s.tree2, s.work2, geo::Severity::high, 2, utc(2026, 2, 10))});
  conflicts.acknowledge_tree_work_conflict(1, ack);
  conflicts.acknowledge_tree_work_conflict(2, ack);

  const auto t1 = utc(2026, 2, 12);
  const auto stored = conflicts.replace_all_tree_work_conflicts(
      {tree_work(s.tree1, s.work1, geo::Severity::critical, 1, t1),
       tree_work(s.tree2, s.work2, geo::Severity::high, 2, t1)});
  auto worse = tree_work(s.tree1, s.work1, geo::Severity::critical, 1, t1);
  worse.id = 1;
  // Found again unchanged: nothing is written, so it keeps the time it was first found.
  auto same = tree_work(s.tree2, s.work2, geo::Severity::high, 2, utc(2026, 2, 10));
  same.id = 2;
  same.acknowledged = ack;
  CHECK(stored == std::vector<geo::TreeWorkConflict>{worse, same});
  CHECK(conflicts.all_tree_work_conflicts() == stored);
}

TEST_CASE("a finding that moved but kept its severity is rewritten and keeps its acknowledgement",
          "[storage][conflicts]") {
  Site s;
  auto& conflicts = s.store.conflicts();
  conflicts.replace_all_tree_work_conflicts(
      {tree_work(s.tree1, s.work1, geo::Severity::high, 2, utc(2026, 2, 10))});
  conflicts.acknowledge_tree_work_conflict(1, ack);

  // The work was redrawn 0.5 m closer: still high, so the planner's acknowledgement holds,
  // but distance and time are the new finding's.
  const auto t1 = utc(2026, 2, 12);
  const auto stored = conflicts.replace_tree_work_conflicts_for_work(
      s.work1, {tree_work(s.tree1, s.work1, geo::Severity::high, 1.5, t1)});
  auto moved = tree_work(s.tree1, s.work1, geo::Severity::high, 1.5, t1);
  moved.id = 1;
  moved.acknowledged = ack;
  CHECK(stored == std::vector<geo::TreeWorkConflict>{moved});
  CHECK(conflicts.all_tree_work_conflicts() == stored);
}

TEST_CASE("a replace refuses conflicts of another work and rolls back entirely",
          "[storage][conflicts]") {
  Site s;
  auto& conflicts = s.store.conflicts();
  const auto t0 = utc(2026, 2, 10);
  conflicts.replace_tree_work_conflicts_for_work(
      s.work1, {tree_work(s.tree1, s.work1, geo::Severity::high, 2.5, t0)});
  CHECK_THROWS_WITH(conflicts.replace_tree_work_conflicts_for_work(
                        s.work1, {tree_work(s.tree2, s.work1, geo::Severity::high, 2, t0),
                                  tree_work(s.tree3, s.work2, geo::Severity::high, 2, t0)}),
                    "conflict of tree 3 and work 2 does not belong to work 1");
  auto unchanged = tree_work(s.tree1, s.work1, geo::Severity::high, 2.5, t0);
  unchanged.id = 1;
  CHECK(conflicts.all_tree_work_conflicts() == std::vector<geo::TreeWorkConflict>{unchanged});

  auto bad = tree_work(s.tree1, s.work1, geo::Severity::high, 2.5, t0);
  bad.overlap_share = 1.5;
  CHECK_THROWS_WITH(conflicts.replace_tree_work_conflicts_for_work(s.work1, {bad}),
                    Catch::StartsWith("conflict of tree 1 and work 1: ") &&
                        Catch::EndsWith("CHECK constraint failed: overlap_share BETWEEN 0 AND 1"));
}

TEST_CASE("work-work conflicts are stored once per ordered pair and keep acknowledgements",
          "[storage][conflicts]") {
  Site s;
  auto& conflicts = s.store.conflicts();
  const auto window = [](std::int64_t a, std::int64_t b, double distance, geo::Timestamp at) {
    return geo::WorkWorkConflict{.id = 0,
                                 .work_a = a,
                                 .work_b = b,
                                 .distance_m = distance,
                                 .overlap_start = utc(2026, 4, 6),
                                 .overlap_end = utc(2026, 5, 24),
                                 .computed_at = at,
                                 .acknowledged = std::nullopt};
  };
  const auto t0 = utc(2026, 2, 10);
  // Given reversed: stored as (work1, work2).
  conflicts.replace_work_work_conflicts_for_work(
      s.work2, {window(s.work2, s.work1, 12.5, t0), window(s.work2, s.work3, 3, t0)});
  auto first = window(s.work1, s.work2, 12.5, t0);
  first.id = 1;
  auto second = window(s.work2, s.work3, 3, t0);
  second.id = 2;
  CHECK(conflicts.all_work_work_conflicts() == std::vector<geo::WorkWorkConflict>{first, second});
  CHECK(conflicts.work_work_conflicts_for_work(s.work1) ==
        std::vector<geo::WorkWorkConflict>{first});
  CHECK(conflicts.work_work_conflicts_for_work(s.work3) ==
        std::vector<geo::WorkWorkConflict>{second});

  first.acknowledged = ack;
  CHECK(conflicts.acknowledge_work_work_conflict(1, ack) == first);

  // Recomputed for work 2: the pair with work 1 still holds, the one with work 3 is gone.
  const auto t1 = utc(2026, 2, 12);
  const auto stored =
      conflicts.replace_work_work_conflicts_for_work(s.work2, {window(s.work1, s.work2, 8, t1)});
  auto kept = window(s.work1, s.work2, 8, t1);
  kept.id = 1;
  kept.acknowledged = ack;
  CHECK(stored == std::vector<geo::WorkWorkConflict>{kept});
  CHECK(conflicts.all_work_work_conflicts() == stored);
  CHECK_THROWS_WITH(conflicts.work_work_conflict(2), "work-work conflict 2 not found");

  CHECK(conflicts.replace_all_work_work_conflicts({}).empty());
}
