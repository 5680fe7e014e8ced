#include "campaigns/write_load.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "rootzone/storage/database.hpp"
#include "support/raw_http_client.hpp"

namespace rootzone::test {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string join(const std::set<std::int64_t>& ids) {
  std::string out;
  for (const auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out.empty() ? "-" : out;
}

std::set<std::int64_t> split_ids(const std::string& text) {
  std::set<std::int64_t> ids;
  if (text == "-") return ids;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) ids.insert(std::stoll(part));
  return ids;
}

// The acknowledged-writes log: O_APPEND, one write(2) per line, so a line is whole or absent.
class AckLog {
 public:
  explicit AckLog(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + path.string());
  }
  ~AckLog() { ::close(fd_); }
  AckLog(const AckLog&) = delete;
  AckLog& operator=(const AckLog&) = delete;
  void line(const std::string& text) {
    const std::string l = text + "\n";
    if (::write(fd_, l.data(), l.size()) != static_cast<ssize_t>(l.size())) {
      throw std::runtime_error("cannot write the acknowledgement log");
    }
  }

 private:
  int fd_;
};

std::string http_request(const std::string& method, const std::string& target,
                         const std::string& key, const std::string& content_type,
                         const std::string& body, const std::string& extra) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                  key + "\r\n" + extra;
  if (!body.empty()) {
    r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + "\r\n" + body;
}

// One keep-alive connection, opened again after the server closed it; nullopt answers mean the
// request was not answered (the server died or closed the connection meanwhile).
class Connection {
 public:
  explicit Connection(int port) : port_(port) {}

  std::optional<HttpResponse> exchange(const std::string& bytes) {
    try {
      if (!client_) client_ = std::make_unique<HttpClient>(port_);
      if (!client_->send(bytes)) throw std::runtime_error("send failed");
      auto r = client_->read_response();
      if (r.header("connection") == "close") client_.reset();
      return r;
    } catch (const std::exception&) {
      client_.reset();
      return std::nullopt;
    }
  }

  // True when a connection can be made within `within`.
  bool reachable(std::chrono::milliseconds within) {
    const auto deadline = Clock::now() + within;
    while (Clock::now() < deadline) {
      try {
        client_ = std::make_unique<HttpClient>(port_);
        return true;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    return false;
  }

 private:
  int port_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace

std::vector<LoadTree> pick_load_trees(const std::filesystem::path& db, std::size_t count) {
  storage::Database d(db);
  auto total =
      d.prepare("SELECT count(*) FROM trees WHERE is_protected = 1 AND status = 'existing'");
  total.step();
  const auto n = total.int64(0);
  const auto stride =
      std::max<std::int64_t>(1, n / static_cast<std::int64_t>(std::max<std::size_t>(count, 1)));
  auto s = d.prepare(
      "SELECT id, ST_X(location), ST_Y(location) FROM trees WHERE is_protected = 1 AND status = "
      "'existing' ORDER BY id");
  std::vector<LoadTree> trees;
  for (std::int64_t i = 0; s.step() && trees.size() < count; ++i) {
    if (i % stride == 0) trees.push_back({s.int64(0), s.real(1), s.real(2)});
  }
  return trees;
}

LoadCounts run_write_load(const LoadOptions& o, const std::atomic<bool>& stop) {
  if (o.trees.empty()) throw std::runtime_error("write load: no protected trees to write beside");
  AckLog log(o.log);
  Connection works(o.port);
  Connection edits(o.port);
  std::map<std::int64_t, std::string> etags;  // tree id -> the ETag last seen
  LoadCounts counts;
  const std::string crs =
      "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/" + std::to_string(o.srid) + ">\r\n";
  const auto gone = [&](Connection& c) {
    counts.ended_by = "the server stopped answering";
    return !c.reachable(std::chrono::milliseconds(2000));
  };
  for (std::int64_t n = 0;; ++n) {
    if (stop.load()) {
      counts.ended_by = "stopped";
      break;
    }
    if (o.max_writes > 0 && counts.works + counts.tree_edits >= o.max_writes) {
      counts.ended_by = "max_writes";
      break;
    }
    const auto& tree = o.trees[static_cast<std::size_t>(n / 2) % o.trees.size()];
    if (n % 2 == 0) {
      // A 1 m wide trench 2 m north of the stem: inside R_t = max(2.5, 4U) of any protected
      // tree, so at least this tree's critical conflict comes back.
      const std::string reference = "LOAD-" + o.tag + "-" + std::to_string(n);
      const json work = {
          {"type", "Feature"},
          {"geometry",
           {{"type", "LineString"},
            {"coordinates", {{tree.x - 10, tree.y + 2}, {tree.x + 10, tree.y + 2}}}}},
          {"properties",
           {{"reference", reference},
            {"title", "load " + o.tag},
            {"kind", "trench"},
            {"width_m", 1.0},
            {"starts_at", "2027-03-01T07:00:00Z"},
            {"ends_at", "2027-03-31T17:00:00Z"}}}};
      const auto r =
          works.exchange(http_request("POST", "/collections/works/items", o.contractor_key,
                                      "application/geo+json", work.dump(), crs));
      if (!r) {
        if (gone(works)) break;
        continue;
      }
      if (r->status != 201) {
        ++counts.refused;
        continue;
      }
      const auto body = json::parse(r->body);
      std::set<std::int64_t> trees, clashes;
      for (const auto& c : body.at("conflicts").at("trees")) {
        trees.insert(c.at("properties").at("tree_id").get<std::int64_t>());
      }
      for (const auto& c : body.at("conflicts").at("works")) {
        const auto& p = c.contains("properties") ? c.at("properties") : c;
        clashes.insert(p.at("other_work_id").get<std::int64_t>());
      }
      log.line("work " + std::to_string(body.at("id").get<std::int64_t>()) + " " + reference +
               " trees=" + join(trees) + " clashes=" + join(clashes));
      ++counts.works;
    } else {
      const std::string path = "/collections/trees/items/" + std::to_string(tree.id);
      auto& etag = etags[tree.id];
      if (etag.empty()) {
        const auto r = edits.exchange(http_request("GET", path, o.field_staff_key, "", "", ""));
        if (!r) {
          if (gone(edits)) break;
          continue;
        }
        etag = r->header("etag");
      }
      const std::string site = "load-" + o.tag + "-" + std::to_string(n);
      const json patch = {{"properties", {{"site", site}}}};
      const auto r = edits.exchange(http_request("PATCH", path, o.field_staff_key,
                                                 "application/merge-patch+json", patch.dump(),
                                                 "If-Match: " + etag + "\r\n"));
      if (!r) {
        if (gone(edits)) break;
        continue;
      }
      if (r->status != 200) {
        ++counts.refused;
        etag = r->header("etag");  // a 412 names the current one; otherwise read it again
        continue;
      }
      etag = r->header("etag");
      // "tree-<id>-v<version>" (docs/api.md, optimistic locking)
      const auto v = etag.rfind("-v");
      const auto version = v == std::string::npos ? 0 : std::stoll(etag.substr(v + 2));
      log.line("tree " + std::to_string(tree.id) + " " + std::to_string(version) + " " + site);
      ++counts.tree_edits;
    }
  }
  return counts;
}

VerifyResult verify_acknowledged(const std::filesystem::path& db, const std::filesystem::path& log,
                                 std::size_t up_to_line) {
  VerifyResult result;
  storage::Database d(db);
  storage::ReadSnapshot snapshot(d);
  std::ifstream in(log);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (up_to_line > 0 && number > up_to_line) break;
    std::stringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "work") {
      ++result.works;
      std::int64_t id = 0;
      std::string reference, trees, clashes;
      fields >> id >> reference >> trees >> clashes;
      auto w = d.prepare("SELECT count(*) FROM works WHERE id = ? AND reference = ?");
      w.bind(1, id).bind(2, reference).step();
      auto h = d.prepare(
          "SELECT count(*) FROM work_status_history WHERE work_id = ? AND from_status IS NULL "
          "AND to_status = 'submitted'");
      h.bind(1, id).step();
      std::set<std::int64_t> stored_trees, stored_clashes;
      auto c = d.prepare("SELECT tree_id FROM tree_work_conflicts WHERE work_id = ?");
      c.bind(1, id);
      while (c.step()) stored_trees.insert(c.int64(0));
      auto k = d.prepare(
          "SELECT CASE WHEN work_a = ?1 THEN work_b ELSE work_a END FROM work_work_conflicts "
          "WHERE work_a = ?1 OR work_b = ?1");
      k.bind(1, id);
      while (k.step()) stored_clashes.insert(k.int64(0));
      const auto answered_clashes = split_ids(clashes.substr(8));
      std::string why;
      if (w.int64(0) != 1)
        why = "no such work";
      else if (h.int64(0) != 1)
        why = "no 'submitted' status-history row";
      else if ("trees=" + join(stored_trees) != trees) {
        why = "stored tree conflicts trees=" + join(stored_trees);
      } else if (!std::includes(stored_clashes.begin(), stored_clashes.end(),
                                answered_clashes.begin(), answered_clashes.end())) {
        why = "stored clashes clashes=" + join(stored_clashes);
      }
      if (!why.empty())
        result.missing.push_back("line " + std::to_string(number) + " (" + line + "): " + why);
    } else if (kind == "tree") {
      ++result.tree_edits;
      std::int64_t id = 0, version = 0;
      std::string site;
      fields >> id >> version >> site;
      auto t = d.prepare("SELECT version FROM trees WHERE id = ?");
      t.bind(1, id);
      const std::int64_t stored = t.step() ? t.int64(0) : 0;
      auto h = d.prepare(
          "SELECT count(*) FROM tree_history WHERE tree_id = ? AND field = 'site' AND new_value = "
          "?");
      h.bind(1, id).bind(2, site).step();
      std::string why;
      if (stored < version)
        why = "tree at version " + std::to_string(stored);
      else if (h.int64(0) != 1)
        why = "no tree_history row for the new site";
      if (!why.empty())
        result.missing.push_back("line " + std::to_string(number) + " (" + line + "): " + why);
    } else if (!line.empty()) {
      result.missing.push_back("line " + std::to_string(number) + ": not a log line: " + line);
    }
  }
  return result;
}

}  // namespace rootzone::test
