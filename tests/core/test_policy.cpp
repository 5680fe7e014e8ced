// The one policy table of core/policy.hpp walked against the roles of docs/domain.md "Who may
// do what": every action for the public and every role, and the refusal each one gets.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "core_fixture.hpp"
#include "rootzone/core/errors.hpp"

using namespace rootzone;
using core::Action;
using geo::Role;

namespace {

// Who may, written from docs/domain.md's table, independently of policy.cpp:
// public: read trees and the public layer of works; contractor: submit, edit, cancel and read
// its works and their conflicts, read trees; field staff: what the public may, edit trees,
// record inspections, mark felled (and, as staff, read the inspections and history they
// write); planner: read everything, change work status, acknowledge conflicts; admin: all.
const std::map<Action, std::set<std::string>> kExpected = {
    {Action::read_trees, {"public", "contractor", "field_staff", "planner", "admin"}},
    {Action::read_public_works, {"public", "contractor", "field_staff", "planner", "admin"}},
    {Action::add_trees, {"field_staff", "admin"}},
    {Action::edit_trees, {"field_staff", "admin"}},
    {Action::record_inspections, {"field_staff", "admin"}},
    {Action::fell_trees, {"field_staff", "admin"}},
    {Action::read_inspections, {"field_staff", "planner", "admin"}},
    {Action::read_tree_history, {"field_staff", "planner", "admin"}},
    {Action::submit_works, {"contractor", "admin"}},
    {Action::edit_works, {"contractor", "admin"}},
    {Action::cancel_works, {"contractor", "admin"}},
    {Action::change_work_status, {"contractor", "planner", "admin"}},
    {Action::read_work_history, {"contractor", "planner", "admin"}},
    {Action::read_conflicts, {"contractor", "planner", "admin"}},
    {Action::acknowledge_conflicts, {"planner", "admin"}},
    {Action::read_statement, {"contractor", "planner", "admin"}},
    {Action::read_works_overview, {"contractor", "planner", "admin"}},
};

}  // namespace

TEST_CASE("policy: every action of the table, for the public and every role") {
  REQUIRE(core::policy_table().size() == kExpected.size());
  for (const auto& row : core::policy_table()) {
    INFO("action: " << row.text);
    REQUIRE(kExpected.contains(row.action));
    const auto& who = kExpected.at(row.action);
    CHECK(core::may(test::kPublic, row.action) == who.contains("public"));
    if (who.contains("public")) {
      CHECK_NOTHROW(core::require(test::kPublic, row.action));
    } else {
      try {
        core::require(test::kPublic, row.action);
        FAIL("the public passed");
      } catch (const core::Error& e) {
        CHECK(e.kind() == core::ErrorKind::unauthorized);
        CHECK(std::string(e.what()) == "an API key is needed to " + std::string(row.text));
      }
    }
    for (const auto role : {Role::contractor, Role::field_staff, Role::planner, Role::admin}) {
      const std::string name(geo::to_string(role));
      INFO("role: " << name);
      const auto caller = test::as(role, "Tiefbau GmbH");
      CHECK(core::may(caller, row.action) == who.contains(name));
      if (who.contains(name)) continue;
      try {
        core::require(caller, row.action);
        FAIL("the role passed");
      } catch (const core::Error& e) {
        CHECK(e.kind() == core::ErrorKind::forbidden);
        CHECK_THAT(e.what(), Catch::StartsWith("role " + name + " may not " +
                                               std::string(row.text) + " (allowed: "));
      }
    }
  }
}

TEST_CASE("policy: a contractor sees the details of its own organisation's works only") {
  geo::Work w;
  w.id = 7;
  w.contractor = "Tiefbau GmbH";
  CHECK(test::as(Role::contractor, "Tiefbau GmbH").sees_details_of(w));
  CHECK_FALSE(test::as(Role::contractor, "Netze AG").sees_details_of(w));
  // A contractor without an organisation sees no work in detail, not those without one.
  geo::Work orphan;
  CHECK_FALSE(test::as(Role::contractor).sees_details_of(orphan));
  CHECK(test::as(Role::planner).sees_details_of(w));
  CHECK(test::as(Role::admin).sees_details_of(w));
  CHECK_FALSE(test::as(Role::field_staff).sees_details_of(w));
  CHECK_FALSE(test::kPublic.sees_details_of(w));

  CHECK_NOTHROW(core::require_own(test::as(Role::contractor, "Tiefbau GmbH"), w, "edit"));
  CHECK_NOTHROW(core::require_own(test::as(Role::planner), w, "edit"));
  try {
    core::require_own(test::as(Role::contractor, "Netze AG"), w, "edit");
    FAIL("another organisation passed");
  } catch (const core::Error& e) {
    CHECK(e.kind() == core::ErrorKind::forbidden);
    CHECK(std::string(e.what()) ==
          "work 7 belongs to another organisation than Netze AG: a contractor may only edit its "
          "own organisation's works");
  }
}

// Issue 15: the conflicts collection filters by the contractor's organisation, and an empty
// one matched every work imported without a contractor; submission already refused it.
TEST_CASE("policy: a contractor without an organisation is refused what is filtered by one") {
  const std::string what = "its own organisation's works' conflicts";
  CHECK_NOTHROW(core::require_organisation(test::as(Role::contractor, "Tiefbau GmbH"), what));
  CHECK_NOTHROW(core::require_organisation(test::as(Role::planner), what));
  CHECK_NOTHROW(core::require_organisation(test::kPublic, what));
  try {
    core::require_organisation(test::as(Role::contractor), what);
    FAIL("a contractor without an organisation passed");
  } catch (const core::Error& e) {
    CHECK(e.kind() == core::ErrorKind::forbidden);
    CHECK(std::string(e.what()).find("has no organisation: a contractor reads only its own "
                                     "organisation's works' conflicts") != std::string::npos);
  }
}
