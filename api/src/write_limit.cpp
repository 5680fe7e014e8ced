#include "write_limit.hpp"

#include <stdexcept>

#include "rootzone/api/trusted_proxy.hpp"
#include "rootzone/geo/number_text.hpp"

namespace rootzone::api {

namespace {

std::string rule(double rate, double burst, const char* per) {
  return "at most " + geo::number_text(rate) + " per second " + per + " (" +
         geo::number_text(burst) + " at once)";
}

Problem too_many(const std::string& what, int retry_after_s) {
  const auto wait = std::to_string(retry_after_s);
  return Problem{429,
                 "Too Many Requests",
                 what + "; retry in " + wait + " s",
                 "about:blank",
                 {{"Retry-After", wait}}};
}

}  // namespace

std::string api_key_prefix(const Request& req) {
  const std::string header = req.header("authorization").value_or("");
  const auto start = header.find("rz_");
  if (start == std::string::npos) return header;
  const auto end = header.find('_', start + 3);
  return header.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

WriteLimits::WriteLimits(const ServiceOptions& o, TokenBuckets::Now now, std::size_t max_keys) {
  if (o.write_rate > 0) {
    per_key_.emplace(o.write_rate, o.write_burst, now, max_keys);
    key_rule_ = rule(o.write_rate, o.write_burst, "per API key");
  }
  if (o.write_rate_per_address > 0) {
    per_address_.emplace(o.write_rate_per_address, o.write_burst_per_address, now, max_keys);
    address_rule_ = rule(o.write_rate_per_address, o.write_burst_per_address, "per address");
  }
  for (const auto& text : o.trusted_proxies) {
    const auto range = parse_range(text);
    if (!range) throw std::invalid_argument("trusted proxy: " + check_address_range(text));
    trusted_.push_back(*range);
  }
}

std::string WriteLimits::address_of(const Request& req) const {
  const auto forwarded = trusted_.empty() ? std::nullopt : req.header("x-forwarded-for");
  return bucket_of(client_address(req.remote, forwarded.value_or(""), trusted_));
}

void WriteLimits::admit_address(const std::string& address) {
  if (!per_address_) return;
  const auto verdict = per_address_->take(address);
  if (verdict.allowed) return;
  const auto from = address.empty() ? std::string() : " from " + address;
  throw too_many("writes" + from + ": " + address_rule_, verdict.retry_after_s);
}

void WriteLimits::admit_key(std::string_view key_prefix, const std::string& address) {
  if (!per_key_) return;
  const auto verdict = per_key_->take(key_prefix);
  if (verdict.allowed) return;
  if (per_address_) per_address_->give_back(address);
  throw too_many("writes: " + key_rule_, verdict.retry_after_s);
}

}  // namespace rootzone::api
