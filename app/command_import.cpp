// rootzone import trees|works FILE: files and feeds into the store through the importers
// module; a progress bar on a terminal, a one-screen summary, the problem report on request.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::app {

namespace {

struct ImportOptions {
  std::string db, file, mapping, format, report, user;
  bool strict = false;
  bool dry_run = false;
};

// A bar on stderr when it is a terminal, redrawn at most ten times a second; silent otherwise.
class ProgressBar {
 public:
  ProgressBar() : enabled_(::isatty(STDERR_FILENO) == 1) {}
  void update(std::int64_t done, std::optional<std::int64_t> total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = total && done >= *total;
    if (!last && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    char line[128];
    if (total && *total > 0) {
      const int width = 40;
      const auto filled = static_cast<int>(width * done / *total);
      std::string bar(static_cast<std::size_t>(filled), '#');
      bar.resize(static_cast<std::size_t>(width), '.');
      std::snprintf(line, sizeof line, "\r[%s] %3d%% %lld/%lld", bar.c_str(),
                    static_cast<int>(100 * done / *total), static_cast<long long>(done),
                    static_cast<long long>(*total));
    } else {
      std::snprintf(line, sizeof line, "\r%lld records", static_cast<long long>(done));
    }
    std::cerr << line << std::flush;
    shown_ = true;
  }
  void finish() {
    if (shown_) std::cerr << '\n';
  }
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point drawn_{};
};

void print_summary(const std::string& what, const ImportOptions& o,
                   const importers::ImportResult& r, const storage::Store& store,
                   const std::string& rule_set) {
  const auto& s = r.summary;
  auto& out = std::cout;
  out << "import " << what << " " << o.file << " -> " << o.db << " (EPSG:" << store.srid();
  if (what == "trees") out << ", rule set " << rule_set;
  out << ")\n";
  const auto row = [&](const char* label, std::int64_t n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %-10s %9lld\n", label, static_cast<long long>(n));
    out << buf;
  };
  row("read", s.read);
  row("inserted", s.inserted);
  row("updated", s.updated);
  row("unchanged", s.unchanged);
  row("refused", s.refused);
  if (s.skipped) row("skipped", s.skipped);
  row("corrected", s.corrected);
  row("flagged", s.flagged);
  if (what == "trees") row("protected", s.protected_trees);
  char secs[64];
  std::snprintf(secs, sizeof secs, "  %-10s %9.2f\n", "seconds", s.seconds);
  out << secs;
  // What concerns the whole file is said once, here, in the report's words; a circumference
  // mapped but empty has its rows in the report, and its total here.
  for (const auto& p : r.report.problems()) {
    if (p.record == 0) out << "  " << p.reason << '\n';
  }
  if (s.circumference_mapped && s.protection_not_derived > 0) {
    out << "  no stem circumference: protection could not be derived for "
        << s.protection_not_derived
        << " trees, the source gives none for them (listed in the report as missing value); "
           "they are stored as not protected unless protected by hand\n";
  }
  if (s.implausible_stems > 0) {
    out << "  implausibly small: " << s.implausible_stems
        << " trees have a stem circumference too small for their height or age (flagged in "
           "the report, imported as given)\n";
  }
  if (!r.report.empty()) {
    out << "problems by kind:\n";
    for (const auto& [kind, n] : r.report.by_kind()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "  %7zu  ", n);
      out << buf << kind << '\n';
    }
    // Records only: the whole file's problems (record 0, at the head) are said above.
    const auto& all = r.report.problems();
    const auto first = static_cast<std::size_t>(
        std::find_if(all.begin(), all.end(), [](const auto& p) { return p.record != 0; }) -
        all.begin());
    const std::size_t shown = std::min<std::size_t>(all.size() - first, 5);
    if (shown > 0) {
      out << "first " << shown << " of " << all.size() - first << " problems"
          << (o.report.empty() ? " (write them all with --report FILE.csv|FILE.json)" : "")
          << ":\n";
    }
    for (std::size_t i = first; i < first + shown; ++i) {
      const auto& p = all[i];
      out << "  " << importers::to_string(p.severity) << " record " << p.record;
      if (p.line) out << " (line " << *p.line << ")";
      if (!p.id.empty()) out << " id " << p.id;
      if (!p.field.empty()) out << " " << p.field;
      if (!p.value.empty())
        out << " '" << (p.value.size() > 60 ? p.value.substr(0, 57) + "..." : p.value) << "'";
      out << ": " << p.reason << '\n';
    }
  }
  if (!o.report.empty()) out << "problem report: " << o.report << '\n';
  if (s.aborted) {
    out << "--strict: aborted at the first problem; the store is unchanged\n";
  } else if (o.dry_run) {
    out << "dry run: nothing was written\n";
  } else if (s.inserted == 0 && s.updated == 0 && s.refused == 0) {
    out << "nothing changed: every record is already in the store as given\n";
  }
}

int run_import(const std::string& what, const ImportOptions& o) {
  importers::ImportOptions opts;
  opts.file = o.file;
  opts.strict = o.strict;
  opts.dry_run = o.dry_run;
  opts.user = o.user;
  if (o.format == "wzdx") opts.format = importers::SourceFormat::wzdx;
  ProgressBar bar;
  // No callback when the bar is off: the importers then skip counting the features up front
  // (a CSV would be read twice).
  if (bar.enabled()) {
    opts.progress = [&bar](std::int64_t done, std::optional<std::int64_t> total) {
      bar.update(done, total);
    };
  }
  try {
    if (!o.mapping.empty()) opts.mapping = importers::Mapping::load(o.mapping);
    auto store = storage::Store::open(o.db);
    const auto rule_set = store.rule_sets().active().name;
    auto result = what == "trees" ? importers::import_trees(store, opts)
                                  : importers::import_works(store, opts);
    bar.finish();
    if (!o.report.empty()) result.report.write(o.report);
    print_summary(what, o, result, store, rule_set);
    if (result.summary.aborted) {
      const auto& first = result.report.problems().front();
      std::cerr << "rootzone import: --strict: record " << first.record << ": " << first.reason
                << "; nothing was imported\n";
      return exit_code::data;
    }
    if (result.summary.refused > 0) {
      std::cerr << "rootzone import: " << result.summary.refused
                << " record(s) refused (listed above); the good records "
                << (o.dry_run ? "would have been" : "were") << " imported\n";
      return exit_code::data;
    }
    return exit_code::ok;
  } catch (...) {
    bar.finish();  // the error starts on a line of its own; app/main.cpp maps it
    throw;
  }
}

}  // namespace

void add_import_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = root.add_subcommand("import", "Import trees or works from files and feeds");
  cmd->require_subcommand(1);
  for (const char* what : {"trees", "works"}) {
    auto* sub = cmd->add_subcommand(what, std::string("Import ") + what + " from FILE");
    sub->add_option("file", o->file, "CSV, GeoJSON, GeoPackage, Shapefile or WZDx file")
        ->required();
    sub->add_option("--db", o->db, "Store to import into")->required();
    sub->add_option("--mapping", o->mapping,
                    "Mapping profile of the source (JSON, docs/importers.md)");
    sub->add_option("--format", o->format, "wzdx for a WZDx 4.x WorkZoneFeed; default: GDAL/OGR")
        ->check(CLI::IsMember({"ogr", "wzdx"}));
    sub->add_option("--report", o->report,
                    "Write every problem to this file (.json: JSON, otherwise CSV)");
    sub->add_option("--user", o->user, "Name the history records (default: import FILE)");
    sub->add_flag("--strict", o->strict, "Abort the whole import on the first problem");
    sub->add_flag("--dry-run", o->dry_run, "Report what would change without writing");
    const std::string kind = what;
    sub->callback([&chosen, o, kind] { chosen = [o, kind] { return run_import(kind, *o); }; });
  }
}

}  // namespace rootzone::app
