#include "rootzone/storage/user_repository.hpp"
#include "sqlite_repositories.hpp"

#include <string>

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

namespace {

constexpr const char* select_user =
    "SELECT id, name, role, organisation, created_at, disabled FROM users ";

geo::User read_user(const Statement& s) {
  return {.id = s.int64(0),
          .name = s.text(1),
          .role = detail::enum_column(s, 2, "users.role", geo::role_from_string),
          .organisation = s.text(3),
          .created_at = detail::timestamp_column(s, 4, "users.created_at"),
          .disabled = s.int64(5) != 0};
}

constexpr const char* select_key =
    "SELECT id, user_id, prefix, hash, created_at, revoked_at FROM api_keys ";

geo::ApiKey read_key(const Statement& s) {
  return {.id = s.int64(0),
          .user_id = s.int64(1),
          .prefix = s.text(2),
          .hash = s.text(3),
          .created_at = detail::timestamp_column(s, 4, "api_keys.created_at"),
          .revoked_at = detail::optional_timestamp_column(s, 5, "api_keys.revoked_at")};
}

}  // namespace

SqliteUserRepository::SqliteUserRepository(Database& db) : db_(db) {}

std::int64_t SqliteUserRepository::add(const geo::User& user) {
  try {
    db_.prepare(
           "INSERT INTO users (name, role, organisation, created_at, disabled)"
           " VALUES (?, ?, ?, ?, ?)")
        .bind(1, user.name)
        .bind(2, geo::to_string(user.role))
        .bind(3, user.organisation)
        .bind(4, geo::format_utc(detail::now_if_zero(user.created_at)))
        .bind(5, user.disabled)
        .run();
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("user " + user.name + ": " + e.what());
  }
  return db_.last_insert_rowid();
}

geo::User SqliteUserRepository::get(std::int64_t id) {
  auto s = db_.prepare(std::string(select_user) + "WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw NotFound("user " + std::to_string(id) + " not found");
  return read_user(s);
}

std::optional<geo::User> SqliteUserRepository::find_by_name(std::string_view name) {
  auto s = db_.prepare(std::string(select_user) + "WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return read_user(s);
}

std::vector<geo::User> SqliteUserRepository::all() {
  auto s = db_.prepare(std::string(select_user) + "ORDER BY id");
  std::vector<geo::User> users;
  while (s.step()) users.push_back(read_user(s));
  return users;
}

void SqliteUserRepository::set_disabled(std::int64_t id, bool disabled) {
  db_.prepare("UPDATE users SET disabled = ? WHERE id = ?").bind(1, disabled).bind(2, id).run();
  if (db_.changes() == 0) throw NotFound("user " + std::to_string(id) + " not found");
}

std::int64_t SqliteUserRepository::add_api_key(const geo::ApiKey& key) {
  try {
    db_.prepare(
           "INSERT INTO api_keys (user_id, prefix, hash, created_at, revoked_at)"
           " VALUES (?, ?, ?, ?, ?)")
        .bind(1, key.user_id)
        .bind(2, key.prefix)
        .bind(3, key.hash)
        .bind(4, geo::format_utc(detail::now_if_zero(key.created_at)))
        .bind(5, key.revoked_at ? std::optional(geo::format_utc(*key.revoked_at)) : std::nullopt)
        .run();
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("API key " + key.prefix + " of user " + std::to_string(key.user_id) +
                              ": " + e.what());
  }
  return db_.last_insert_rowid();
}

std::optional<geo::ApiKey> SqliteUserRepository::find_api_key(std::string_view prefix) {
  auto s = db_.prepare(std::string(select_key) + "WHERE prefix = ?");
  s.bind(1, prefix);
  if (!s.step()) return std::nullopt;
  return read_key(s);
}

std::vector<geo::ApiKey> SqliteUserRepository::api_keys(std::int64_t user_id) {
  auto s = db_.prepare(std::string(select_key) + "WHERE user_id = ? ORDER BY id");
  s.bind(1, user_id);
  std::vector<geo::ApiKey> keys;
  while (s.step()) keys.push_back(read_key(s));
  return keys;
}

void SqliteUserRepository::revoke_api_key(std::int64_t key_id, geo::Timestamp at) {
  db_.prepare("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")
      .bind(1, geo::format_utc(at))
      .bind(2, key_id)
      .run();
  if (db_.changes() == 0) throw NotFound("API key " + std::to_string(key_id) + " not found");
}

}  // namespace rootzone::storage
