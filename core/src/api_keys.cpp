#include "rootzone/core/api_keys.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "rootzone/storage/user_repository.hpp"

namespace rootzone::core {

namespace {

constexpr std::string_view kScheme = "rz_";
constexpr std::size_t kPrefixBytes = 6;   // 12 hex digits
constexpr std::size_t kSecretBytes = 32;  // 256 bits

void init_sodium() {
  // sodium_init is thread-safe and idempotent; -1 means no usable random source.
  if (sodium_init() < 0) throw std::runtime_error("libsodium: initialisation failed");
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::string hash_of(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return hex(digest.data(), digest.size());
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

IssuedKey issue_api_key(storage::UserRepository& users, std::int64_t user_id) {
  init_sodium();
  std::array<unsigned char, kPrefixBytes> prefix{};
  std::array<unsigned char, kSecretBytes> secret{};
  randombytes_buf(prefix.data(), prefix.size());
  randombytes_buf(secret.data(), secret.size());
  std::string encoded(
      sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), secret.data(), secret.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(encoded.find('\0'));
  sodium_memzero(secret.data(), secret.size());

  IssuedKey issued;
  issued.key.user_id = user_id;
  issued.key.prefix = hex(prefix.data(), prefix.size());
  issued.token = std::string(kScheme) + issued.key.prefix + "_" + encoded;
  issued.key.hash = hash_of(issued.token);
  issued.key.id = users.add_api_key(issued.key);
  issued.key = *users.find_api_key(issued.key.prefix);
  return issued;
}

KeyResult check_api_key(storage::UserRepository& users, std::string_view token) {
  init_sodium();
  // rz_ + 12 hex + _ + 43 base64url characters: anything else is not one of ours.
  constexpr std::size_t kPrefixEnd = kScheme.size() + kPrefixBytes * 2;
  if (token.size() != kPrefixEnd + 1 + 43 || token.substr(0, kScheme.size()) != kScheme ||
      token[kPrefixEnd] != '_' || !is_hex(token.substr(kScheme.size(), kPrefixBytes * 2))) {
    return {KeyCheck::malformed, std::nullopt};
  }
  const auto key = users.find_api_key(token.substr(kScheme.size(), kPrefixBytes * 2));
  if (!key) return {KeyCheck::unknown, std::nullopt};
  const std::string given = hash_of(token);
  // Constant time, so response timing tells nothing about how much of a guess was right.
  if (key->hash.size() != given.size() ||
      sodium_memcmp(key->hash.data(), given.data(), given.size()) != 0) {
    return {KeyCheck::unknown, std::nullopt};
  }
  if (key->revoked_at) return {KeyCheck::revoked, std::nullopt};
  auto user = users.get(key->user_id);
  if (user.disabled) return {KeyCheck::user_disabled, std::nullopt};
  return {KeyCheck::valid, std::move(user)};
}

}  // namespace rootzone::core
