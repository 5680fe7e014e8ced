#include "postgis/pg_deploy_stack.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/storage/store.hpp"

extern char** environ;

namespace rootzone::test {

namespace {

const std::string kSiteFile =
    std::string(ROOTZONE_SOURCE_DIR) + "/deploy/nginx/rootzone-nodes.conf";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(int port) {
  try {
    HttpClient probe(port);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Replaces the one line of `text` that starts (after indentation) with `prefix`; throws when the
// shipped file no longer has it, so test and file cannot drift apart silently.
std::string replace_line(const std::string& text, const std::string& prefix,
                         const std::string& replacement) {
  std::istringstream in(text);
  std::string out, line;
  int found = 0;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0) {
      if (found++ == 0) out += replacement + "\n";
      continue;  // a second match ("listen [::]:80") is dropped
    }
    out += line + "\n";
  }
  if (found == 0) throw std::runtime_error(kSiteFile + ": no line starting with '" + prefix + "'");
  return out;
}

}  // namespace

DeployCity::DeployCity() {
  auto store = storage::Store::create(db.url());
  for (int id = 1; id <= 30; ++id) {
    geo::Tree t;
    t.source_id = "MZ-" + std::to_string(id);
    t.location = tree_location(id);
    t.species_botanical = "Tilia cordata";
    t.site = "Domplatz";
    t.stem_circumferences_cm = {120.0};
    t.crown_diameter_m = 8;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    if (store.trees().insert(t) != id) throw std::runtime_error("tree ids are not 1..30");
  }
  const std::pair<const char*, geo::Role> users[] = {{"Anna Feld", geo::Role::field_staff},
                                                     {"Paul Plan", geo::Role::planner},
                                                     {"Tina Tief", geo::Role::contractor},
                                                     {"Ada Admin", geo::Role::admin}};
  for (const auto& [name, role] : users) {
    geo::User u;
    u.name = name;
    u.role = role;
    if (role == geo::Role::contractor) u.organisation = "Tiefbau GmbH";
    keys[std::string(geo::to_string(role))] =
        core::issue_api_key(store.users(), store.users().add(u)).token;
  }
}

geo::Point DeployCity::tree_location(int id) {
  return {448000.0 + ((id - 1) % 6) * 50.0, 5538000.0 + ((id - 1) / 6) * 50.0};
}

ChildProcess::ChildProcess(std::vector<std::string> args, const std::filesystem::path& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
}

ChildProcess::~ChildProcess() { stop(); }

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = -1;
  return false;
}

void ChildProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

TwoNodes::TwoNodes(const std::string& db_url, const std::vector<std::string>& serve_args) {
  for (int i = 0; i < 2; ++i) nodes_.push_back(std::make_unique<ServerProcess>(db_url, serve_args));
  start_nginx();
}

TwoNodes::~TwoNodes() {
  nginx_.reset();
  nodes_.clear();
}

void TwoNodes::kill_node(int i) {
  auto& n = node(i);
  ::kill(n.pid(), SIGKILL);
  // stop() reaps it (its SIGTERM reaches a process already gone).
  n.stop();
}

void TwoNodes::start_nginx() {
  std::string site = slurp(kSiteFile);
  if (site.empty()) throw std::runtime_error("cannot read " + kSiteFile);
  site = replace_line(
      site, "server 127.0.0.1:8081 ",
      "  server 127.0.0.1:" + std::to_string(node_port(0)) + " max_fails=1 fail_timeout=5s;");
  site = replace_line(
      site, "server 127.0.0.1:8082 ",
      "  server 127.0.0.1:" + std::to_string(node_port(1)) + " max_fails=1 fail_timeout=5s;");
  site = replace_line(site, "access_log ",
                      "  access_log " + (dir_ / "access.log").string() + " rootzone_json;");
  // A port found free may be taken before nginx binds it: then try another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    nginx_port_ = free_port();
    std::ofstream(dir_ / "site.conf")
        << replace_line(site, "listen ", "  listen 127.0.0.1:" + std::to_string(nginx_port_) + ";");
    const auto d = dir_.path().string();
    std::ofstream(dir_ / "nginx.conf")
        << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
        // As root, nginx's worker would become nobody, who cannot enter the 0700 temp dir.
        << (::geteuid() == 0 ? "user root;\n" : "") << "pid " << d << "/nginx.pid;\n"
        << "error_log " << d << "/error.log notice;\n"
        << "events { worker_connections 256; }\n"
        << "http {\n"
        << "  client_body_temp_path " << d << "/body;\n  proxy_temp_path " << d << "/proxy;\n"
        << "  fastcgi_temp_path " << d << "/fastcgi;\n  uwsgi_temp_path " << d << "/uwsgi;\n"
        << "  scgi_temp_path " << d << "/scgi;\n"
        << "  default_type application/octet-stream;\n"
        << "  include " << d << "/site.conf;\n}\n";
    nginx_ = std::make_unique<ChildProcess>(
        // Debian puts nginx in /usr/sbin, which is not on an ordinary user's PATH.
        std::vector<std::string>{
            std::filesystem::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx", "-p", d, "-c",
            d + "/nginx.conf", "-e", d + "/error.log"},
        dir_ / "nginx.out");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && nginx_->running()) {
      if (accepts(nginx_port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    nginx_->stop();
    if (slurp(dir_ / "error.log").find("Address already in use") == std::string::npos) break;
  }
  throw std::runtime_error("nginx did not start: " + slurp(dir_ / "nginx.out") +
                           slurp(dir_ / "error.log"));
}

std::vector<nlohmann::json> TwoNodes::nginx_log(std::size_t n) const {
  std::vector<nlohmann::json> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    out.clear();
    // Complete lines only: nginx may be writing the last one while it is read.
    const auto text = slurp(dir_ / "access.log");
    std::istringstream in(text.substr(0, text.rfind('\n') + 1));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.front() == '{') out.push_back(nlohmann::json::parse(line));
    }
    if (out.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return out;
}

HttpResponse exchange(HttpClient& client, const std::string& method, const std::string& target,
                      const std::string& key, const std::string& body,
                      const std::string& extra_headers) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!key.empty()) request += "Authorization: Bearer " + key + "\r\n";
  if (!body.empty()) {
    request += std::string("Content-Type: ") +
               (method == "PATCH" ? "application/merge-patch+json" : "application/geo+json") +
               "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!client.send(request + extra_headers + "\r\n" + body)) {
    throw std::runtime_error("connection closed while sending " + method + " " + target);
  }
  return client.read_response(method == "HEAD");
}

nlohmann::json work_near_tree(const std::string& reference, int tree_id, int slot) {
  const auto at = DeployCity::tree_location(tree_id);
  // Slots 40 days apart: more than the Mainz rule set's grace of 30 days after a work ends, so
  // two works of different slots never clash, however near (coordination distance 20 m).
  const auto from = *geo::parse_utc("2027-03-01T07:00:00Z") + std::chrono::days(40 * slot);
  const auto date = [&](int hours) { return geo::format_utc(from + std::chrono::hours(hours)); };
  return {{"type", "Feature"},
          {"geometry",
           {{"type", "LineString"},
            {"coordinates", {{at.x - 10, at.y + 2.5}, {at.x + 10, at.y + 2.5}}}}},
          {"properties",
           {{"reference", reference},
            {"title", "Leitung " + reference},
            {"kind", "trench"},
            {"width_m", 1.0},
            {"starts_at", date(0)},
            {"ends_at", date(10)}}}};
}

}  // namespace rootzone::test
