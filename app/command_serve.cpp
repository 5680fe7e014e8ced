// rootzone serve: OGC API Features (and, as they land, the domain endpoints and tiles).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/api/basemap.hpp"
#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"

namespace rootzone::app {

namespace {

struct ServeOptions {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;
  unsigned threads = 0;
  std::size_t max_body = 1 << 20;
  std::string basemap;  // empty: the map page on a plain background
};

int run_serve(const ServeOptions& o) {
  api::ServiceOptions service_options{.db = o.db};
  if (!o.basemap.empty()) service_options.basemap = api::parse_basemap(o.basemap).basemap;
  api::Service service(std::move(service_options));
  api::ServerOptions server_options;
  server_options.host = o.host;
  server_options.port = static_cast<std::uint16_t>(o.port);
  server_options.threads = o.threads;
  server_options.max_body_bytes = o.max_body;
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
  cmd->callback([o, &chosen] { chosen = [o] { return run_serve(*o); }; });
}

}  // namespace rootzone::app
