// rootzone users: the people and tools that may write through the API (docs/domain.md "Who may do
// what"). A key is printed once, when it is made; the store keeps only its hash.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/user.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::app {

namespace {

struct UsersOptions {
  std::string db;
  std::string name;
  std::string role;
  std::string organisation;
  std::string prefix;
};

void print_key(const core::IssuedKey& issued, const std::string& user) {
  std::cout << "key for " << user << " (shown once, store it now): " << issued.token << '\n'
            << "prefix: " << issued.key.prefix << '\n';
}

int run_add(const UsersOptions& o) {
  const auto role = geo::role_from_string(o.role);
  if (!role) {
    std::cerr << "rootzone: error: --role " << o.role
              << ": one of contractor, field_staff, planner, admin\n";
    return exit_code::usage;
  }
  if (*role == geo::Role::contractor && o.organisation.empty()) {
    std::cerr << "rootzone: error: a contractor needs --organisation: it sees that "
                 "organisation's works, and only those\n";
    return exit_code::usage;
  }
  auto store = storage::Store::open(o.db);
  if (store.users().find_by_name(o.name)) {
    std::cerr << "rootzone: error: user " << o.name << " exists already (rootzone users key "
              << o.name << " makes it another key)\n";
    return exit_code::cant_create;
  }
  storage::StoreTransaction tx(store);
  geo::User user;
  user.name = o.name;
  user.role = *role;
  user.organisation = o.organisation;
  const auto id = store.users().add(user);
  const auto issued = core::issue_api_key(store.users(), id);
  tx.commit();
  std::cout << "user " << o.name << " added: role " << geo::to_string(*role)
            << (o.organisation.empty() ? "" : ", organisation " + o.organisation) << '\n';
  print_key(issued, o.name);
  return exit_code::ok;
}

int run_key(const UsersOptions& o) {
  auto store = storage::Store::open(o.db);
  const auto user = store.users().find_by_name(o.name);
  if (!user) {
    std::cerr << "rootzone: error: no user " << o.name << '\n';
    return exit_code::data;
  }
  print_key(core::issue_api_key(store.users(), user->id), o.name);
  return exit_code::ok;
}

int run_list(const UsersOptions& o) {
  auto store = storage::Store::open(o.db);
  for (const auto& u : store.users().all()) {
    std::cout << u.name << '\t' << geo::to_string(u.role) << '\t'
              << (u.organisation.empty() ? "-" : u.organisation) << '\t'
              << (u.disabled ? "disabled" : "enabled") << '\n';
    for (const auto& k : store.users().api_keys(u.id)) {
      std::cout << "  key " << k.prefix << " created " << geo::format_utc(k.created_at)
                << (k.revoked_at ? " revoked " + geo::format_utc(*k.revoked_at) : "") << '\n';
    }
  }
  return exit_code::ok;
}

int run_revoke(const UsersOptions& o) {
  auto store = storage::Store::open(o.db);
  const auto key = store.users().find_api_key(o.prefix);
  if (!key) {
    std::cerr << "rootzone: error: no API key with prefix " << o.prefix << '\n';
    return exit_code::data;
  }
  store.users().revoke_api_key(key->id);
  std::cout << "key " << o.prefix << " revoked\n";
  return exit_code::ok;
}

int run_set_disabled(const UsersOptions& o, bool disabled) {
  auto store = storage::Store::open(o.db);
  const auto user = store.users().find_by_name(o.name);
  if (!user) {
    std::cerr << "rootzone: error: no user " << o.name << '\n';
    return exit_code::data;
  }
  store.users().set_disabled(user->id, disabled);
  std::cout << "user " << o.name << (disabled ? " disabled" : " enabled") << '\n';
  return exit_code::ok;
}

}  // namespace

void add_users_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<UsersOptions>();
  auto* users = root.add_subcommand("users", "Manage API users and their keys");
  users->require_subcommand(1);
  const auto with_db = [&](CLI::App* cmd) {
    cmd->add_option("--db", o->db, "Path of the store")->required();
  };

  auto* add = users->add_subcommand("add", "Add a user and print its first API key");
  with_db(add);
  add->add_option("name", o->name, "User name (shown in every history row it writes)")->required();
  add->add_option("--role", o->role, "contractor, field_staff, planner or admin")->required();
  add->add_option("--organisation", o->organisation,
                  "A contractor's organisation (the works' contractor field it may see)");
  add->callback([o, &chosen] { chosen = [o] { return run_add(*o); }; });

  auto* key = users->add_subcommand("key", "Print a further API key for a user");
  with_db(key);
  key->add_option("name", o->name, "User name")->required();
  key->callback([o, &chosen] { chosen = [o] { return run_key(*o); }; });

  auto* list = users->add_subcommand("list", "List users and their keys (prefixes only)");
  with_db(list);
  list->callback([o, &chosen] { chosen = [o] { return run_list(*o); }; });

  auto* revoke = users->add_subcommand("revoke", "Revoke an API key by its prefix");
  with_db(revoke);
  revoke->add_option("prefix", o->prefix, "The key's prefix (12 hex digits)")->required();
  revoke->callback([o, &chosen] { chosen = [o] { return run_revoke(*o); }; });

  auto* disable = users->add_subcommand("disable", "Disable a user: its keys stop working");
  with_db(disable);
  disable->add_option("name", o->name, "User name")->required();
  disable->callback([o, &chosen] { chosen = [o] { return run_set_disabled(*o, true); }; });

  auto* enable = users->add_subcommand("enable", "Enable a disabled user again");
  with_db(enable);
  enable->add_option("name", o->name, "User name")->required();
  enable->callback([o, &chosen] { chosen = [o] { return run_set_disabled(*o, false); }; });
}

}  // namespace rootzone::app
