#pragma once
// The feature queries of a SpatiaLite store (feature_query.cpp), reached through its backend:
// a page reads rows through the backend's repositories and its Database.
#include "rootzone/storage/feature_query.hpp"

namespace rootzone::storage {

class StoreBackend;

namespace sqlite {

Page<geo::Tree> query_trees(StoreBackend& store, const FeatureQuery& q);
Page<geo::Work> query_works(StoreBackend& store, const FeatureQuery& q);
Page<geo::TreeWorkConflict> query_tree_work_conflicts(StoreBackend& store, const FeatureQuery& q);

}  // namespace sqlite
}  // namespace rootzone::storage
