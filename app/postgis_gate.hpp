#pragma once
// Which commands take a PostgreSQL/PostGIS store yet (issue 16; docs/postgis.md, "What runs on
// PostGIS today"). Checked once after parsing, before any command runs, so a command that has
// not moved over never opens "postgresql://..." as a SpatiaLite file name.
namespace CLI {
class App;
}

namespace rootzone::app {

// Throws storage::NotOnPostgis naming the command when the chosen (sub)command was given a
// postgresql:// or postgres:// --db and is not one of those that run on PostGIS.
void refuse_commands_not_on_postgis(const CLI::App& root);

}  // namespace rootzone::app
