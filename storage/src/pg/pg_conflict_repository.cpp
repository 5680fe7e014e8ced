#include "pg/pg_repositories.hpp"

#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

PgConflictRepository::PgConflictRepository(pg::Connection& c) : c_(c) {}

std::vector<geo::TreeWorkConflict> PgConflictRepository::replace_tree_work_conflicts_for_work(
    std::int64_t /*work_id*/, const std::vector<geo::TreeWorkConflict>& /*conflicts*/) {
  pg::not_yet("ConflictRepository::replace_tree_work_conflicts_for_work");
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::replace_tree_work_conflicts_for_tree(
    std::int64_t /*tree_id*/, const std::vector<geo::TreeWorkConflict>& /*conflicts*/) {
  pg::not_yet("ConflictRepository::replace_tree_work_conflicts_for_tree");
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::replace_all_tree_work_conflicts(
    const std::vector<geo::TreeWorkConflict>& /*conflicts*/) {
  pg::not_yet("ConflictRepository::replace_all_tree_work_conflicts");
}

geo::TreeWorkConflict PgConflictRepository::tree_work_conflict(std::int64_t /*id*/) {
  pg::not_yet("ConflictRepository::tree_work_conflict");
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::tree_work_conflicts_for_work(
    std::int64_t /*work_id*/) {
  pg::not_yet("ConflictRepository::tree_work_conflicts_for_work");
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::tree_work_conflicts_for_tree(
    std::int64_t /*tree_id*/) {
  pg::not_yet("ConflictRepository::tree_work_conflicts_for_tree");
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::all_tree_work_conflicts() {
  pg::not_yet("ConflictRepository::all_tree_work_conflicts");
}

geo::TreeWorkConflict PgConflictRepository::acknowledge_tree_work_conflict(
    std::int64_t /*id*/, const geo::Acknowledgement& /*ack*/) {
  pg::not_yet("ConflictRepository::acknowledge_tree_work_conflict");
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::replace_work_work_conflicts_for_work(
    std::int64_t /*work_id*/, const std::vector<geo::WorkWorkConflict>& /*conflicts*/) {
  pg::not_yet("ConflictRepository::replace_work_work_conflicts_for_work");
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::replace_all_work_work_conflicts(
    const std::vector<geo::WorkWorkConflict>& /*conflicts*/) {
  pg::not_yet("ConflictRepository::replace_all_work_work_conflicts");
}

geo::WorkWorkConflict PgConflictRepository::work_work_conflict(std::int64_t /*id*/) {
  pg::not_yet("ConflictRepository::work_work_conflict");
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::work_work_conflicts_for_work(
    std::int64_t /*work_id*/) {
  pg::not_yet("ConflictRepository::work_work_conflicts_for_work");
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::all_work_work_conflicts() {
  pg::not_yet("ConflictRepository::all_work_work_conflicts");
}

geo::WorkWorkConflict PgConflictRepository::acknowledge_work_work_conflict(
    std::int64_t /*id*/, const geo::Acknowledgement& /*ack*/) {
  pg::not_yet("ConflictRepository::acknowledge_work_work_conflict");
}

}  // namespace rootzone::storage
