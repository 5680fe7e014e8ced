// rootzone serve: OGC API Features (and, as they land, the domain endpoints and tiles).
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "allocator.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/api/basemap.hpp"
#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/api/trusted_proxy.hpp"

namespace rootzone::app {

namespace {

struct ServeOptions {
  std::string db;
  std::string db_read;
  std::string host = "127.0.0.1";
  int port = 8080;
  unsigned threads = 0;
  std::size_t max_body = 1 << 20;
  std::string basemap;  // empty: the map page on a plain background
  std::string public_url;
  std::string cors_origin = "*";
  std::size_t max_connections = 1024;
  std::size_t max_work_vertices = 5000;
  double max_work_extent_m = 5000;
  double preview_rate = 20;
  double preview_burst = 40;
  unsigned header_timeout = 30;  // seconds; docs/RELIABILITY.md "HTTP framing, timeouts ..."
  unsigned body_timeout = 60;
  unsigned idle_timeout = 75;
  api::ServiceOptions limits;  // the write limits' defaults are the service's
};

// "https://host[:port][/prefix]" without a trailing slash, so links append their paths to it.
std::string public_base(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

int run_serve(const ServeOptions& o) {
  bound_thread_caches(kServeThreadCacheBytes);  // the soak's growth (docs/RELIABILITY.md)
  api::ServiceOptions service_options{.db = o.db, .db_read = o.db_read};
  if (!o.basemap.empty()) service_options.basemap = api::parse_basemap(o.basemap).basemap;
  service_options.max_work_vertices = o.max_work_vertices;
  service_options.max_work_extent_m = o.max_work_extent_m;
  service_options.preview_rate = o.preview_rate;
  service_options.preview_burst = o.preview_burst;
  service_options.write_rate = o.limits.write_rate;
  service_options.write_burst = o.limits.write_burst;
  service_options.write_rate_per_address = o.limits.write_rate_per_address;
  service_options.write_burst_per_address = o.limits.write_burst_per_address;
  service_options.trusted_proxies = o.limits.trusted_proxies;
  api::Service service(std::move(service_options));
  api::ServerOptions server_options;
  server_options.host = o.host;
  server_options.port = static_cast<std::uint16_t>(o.port);
  server_options.threads = o.threads;
  server_options.max_body_bytes = o.max_body;
  server_options.public_url = public_base(o.public_url);
  server_options.cors_origin = o.cors_origin;
  server_options.max_connections = o.max_connections;
  server_options.header_timeout = std::chrono::seconds(o.header_timeout);
  server_options.body_timeout = std::chrono::seconds(o.body_timeout);
  server_options.idle_timeout = std::chrono::seconds(o.idle_timeout);
  api::Server server(server_options, service.router());
  server.install_signal_handlers();
  server.start();
  std::cerr << "rootzone: serving " << o.db << " at http://" << o.host << ":" << server.port()
            << "/ (SIGTERM or Ctrl-C stops)\n";
  server.wait();
  std::cerr << "rootzone: stopped\n";
  return exit_code::ok;
}

}  // namespace

void add_serve_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = root.add_subcommand("serve", "Serve OGC API Features over the store");
  cmd->add_option("--db", o->db, "Store to serve")->required();
  cmd->add_option("--db-read", o->db_read,
                  "Hot standby of a PostGIS --db for the page, tile and overview reads, each "
                  "once it has replayed every acknowledged write (docs/postgis.md)");
  cmd->add_option("--host", o->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o->port, "TCP port (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", o->threads, "Worker threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--max-body", o->max_body, "Largest request body in bytes (413 beyond)")
      ->capture_default_str();
  // Checked before the store is opened: a bad URL is a bad command line (64), said at start-up.
  cmd->add_option("--basemap", o->basemap,
                  "Basemap of the map page: XYZ template https://host/{z}/{x}/{y}.png, WMS GetMap "
                  "URL with {bbox-epsg-3857}, or a MapLibre style URL (.json)")
      ->check([](const std::string& url) { return api::parse_basemap(url).error; });
  cmd->add_option("--public-url", o->public_url,
                  "Base URL of links and Location, e.g. https://baeume.example.org (Host and "
                  "X-Forwarded-* are then ignored)")
      ->check([](const std::string& url) {
        const bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
        const bool clean = url.find_first_of(" \t\r\n\"<>?#") == std::string::npos;
        return scheme && clean && url.size() > 8 ? std::string()
                                                 : "must be an http:// or https:// URL without "
                                                   "query or fragment";
      });
  cmd->add_option("--cors-origin", o->cors_origin,
                  "Access-Control-Allow-Origin of every response (empty: no CORS headers)")
      ->capture_default_str();
  cmd->add_option("--max-connections", o->max_connections,
                  "Open connections at most (503 and closed beyond; 0: no cap)")
      ->capture_default_str();
  cmd->add_option("--header-timeout", o->header_timeout,
                  "Seconds for a request's line and headers (408 and closed beyond)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 3600U));
  cmd->add_option("--body-timeout", o->body_timeout,
                  "Seconds for a request's body after its headers (408 and closed beyond)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 3600U));
  cmd->add_option("--idle-timeout", o->idle_timeout,
                  "Seconds a connection may wait for its next request, or a client read nothing "
                  "of a response, before it is closed")
      ->capture_default_str()
      ->check(CLI::Range(1U, 3600U));
  cmd->add_option("--max-work-vertices", o->max_work_vertices,
                  "Most vertices of a work's geometry (422 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_option("--max-work-extent-m", o->max_work_extent_m,
                  "Most metres across a work's geometry with its width or radius (422 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  cmd->add_option("--preview-rate", o->preview_rate,
                  "Work previews per second per API key, on average (429 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1e6));
  cmd->add_option("--preview-burst", o->preview_burst,
                  "Work previews per API key at once before --preview-rate applies")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  auto& w = o->limits;
  cmd->add_option("--write-rate", w.write_rate,
                  "Writes (POST, PUT, PATCH, DELETE) per second per API key, on average (429 "
                  "beyond; 0: no limit per key)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--write-burst", w.write_burst,
                  "Writes per API key at once before --write-rate applies")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  cmd->add_option(
         "--write-rate-per-address", w.write_rate_per_address,
         "Writes per second per client address, whatever the key (0: no limit per address)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--write-burst-per-address", w.write_burst_per_address,
                  "Writes per client address at once before --write-rate-per-address applies")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  cmd->add_option("--trusted-proxy", w.trusted_proxies,
                  "Peer (address or CIDR range; repeat or separate with commas) whose "
                  "X-Forwarded-For names the client of the per-address limit, e.g. 127.0.0.1 "
                  "behind deploy/'s nginx [default: none]")
      ->delimiter(',')
      ->check([](const std::string& text) { return api::check_address_range(text); });
  cmd->callback([o, &chosen] { chosen = [o] { return run_serve(*o); }; });
}

}  // namespace rootzone::app
