#pragma once
// Two `rootzone serve` nodes on one PostGIS database behind real nginx running
// deploy/nginx/rootzone-nodes.conf (issue 16): the production layout of deploy/README.md "Two
// nodes on one PostGIS database", in a temp dir, without privileges. The site file is copied
// with four replacements only (the two node addresses, the listen address, the access-log path).
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "postgis/pg_fixture.hpp"
#include "rootzone/geo/geometry.hpp"
#include "support/raw_http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace rootzone::test {

// A fresh PostGIS store (rootzone init) holding 30 trees on a 6 x 5 grid, 50 m apart, from
// (448000, 5538000) EPSG:25832 (Mainz), ids 1..30, each one stem of 120 cm and a crown of 8 m
// (protected, R_t = 4.8 m), and one user with an API key per role.
struct DeployCity {
  PgTestDatabase db;
  std::map<std::string, std::string> keys;  // role name -> bearer token
  DeployCity();
  static geo::Point tree_location(int id);  // of tree `id` (1..30)
};

// A child process (nginx) with stdout and stderr in one file; SIGTERM and reaped when done.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> args, const std::filesystem::path& output);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  bool running();
  void stop();

 private:
  pid_t pid_ = -1;
};

class TwoNodes {
 public:
  // serve_args: more options for both nodes ("--write-rate", "0").
  explicit TwoNodes(const std::string& db_url, const std::vector<std::string>& serve_args = {});
  ~TwoNodes();

  int nginx_port() const { return nginx_port_; }
  ServerProcess& node(int i) { return *nodes_.at(static_cast<std::size_t>(i)); }
  int node_port(int i) const { return nodes_.at(static_cast<std::size_t>(i))->port(); }
  // kill -9 of node i: no drain, its connections and its PostgreSQL sessions drop as they are.
  void kill_node(int i);
  // nginx's JSON access log lines, waiting until at least `n` are there.
  std::vector<nlohmann::json> nginx_log(std::size_t n) const;

 private:
  void start_nginx();
  TempDir dir_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  std::unique_ptr<ChildProcess> nginx_;
  int nginx_port_ = 0;
};

// One HTTP/1.1 request with a bearer key and a JSON body (none when empty) on `client`.
HttpResponse exchange(HttpClient& client, const std::string& method, const std::string& target,
                      const std::string& key, const std::string& body = "",
                      const std::string& extra_headers = "");

// A work of the contractor's organisation 2.5 m north of tree `tree_id`: a trench of 1 m width
// along x, 20 m long, centred on the tree's x (its edge 2 m from the stem: a critical conflict
// with that tree alone, the others lying 47.5 m away or more); `slot` (0..) picks its dates so
// works of different slots never clash.
nlohmann::json work_near_tree(const std::string& reference, int tree_id, int slot);

inline const std::string kContentCrs =
    "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\n";

}  // namespace rootzone::test
