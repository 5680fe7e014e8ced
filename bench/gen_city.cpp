// gen_city: a seeded, deterministic synthetic city in EPSG:25832 around Mainz for the
// benchmarks of issues 3 and 4 (bench/README.md).
//
//   gen_city --out bench/out/city.sqlite [--trees 1000000] [--works 10000] [--seed 4711]
//            [--csv trees.csv] [--size-km 0] [--no-check]
//
// Streets: an irregular grid (blocks 60-120 m, gentle bends), every street lined with trees
// on both sides every 8-12 m, a fifth of them boulevards with two rows per side; about 85 %
// of the planting slots hold a tree. The city grows with the number of trees so the density
// along a street stays realistic (1M trees: about 16 km x 16 km). Trees: one species per row
// with replantings, log-normal stem circumferences 30-300 cm, 4 % multi-stem, 3 % crown
// unknown, columnar cultivars by name, a few manually protected, planned or felled; protection
// by geo::evaluate_protection under RuleSet::mainz(). Works: trenches (line + width) along
// streets, pits, site facilities and storage areas (polygons), cranes and scaffolding (point +
// radius), time windows in 2027, mostly submitted or approved.
//
// Everything is written through the store's repositories in one transaction: no invariant of
// storage/ is bypassed. Unless --no-check is given, the generated data is run through the
// conflict engine in memory and the conflict count printed (the generator is tuned for about
// 30,000 tree-work conflicts at the defaults).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numbers>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"

namespace {

using rootzone::bench::Clock;
using rootzone::bench::Random;
using rootzone::bench::seconds_since;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

// ---------------------------------------------------------------- options

struct Options {
  std::filesystem::path out;
  std::filesystem::path csv;
  std::size_t trees = 1'000'000;
  std::size_t works = 10'000;
  std::uint64_t seed = 4711;
  double size_km = 0;  // 0: grow with the number of trees
  bool check = true;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "gen_city: " << problem << "\n"
            << "usage: gen_city --out STORE.sqlite [--trees N] [--works M] [--seed S]\n"
            << "                [--csv TREES.csv] [--size-km KM] [--no-check]\n";
  std::exit(64);
}

template <class T>
T number(std::string_view text, std::string_view what) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    usage(std::string(what) + ": not a number: " + std::string(text));
  }
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto a = args[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= args.size()) usage(std::string(a) + " needs a value");
      return args[++i];
    };
    if (a == "--out") {
      o.out = std::string(value());
    } else if (a == "--csv") {
      o.csv = std::string(value());
    } else if (a == "--trees") {
      o.trees = number<std::size_t>(value(), a);
    } else if (a == "--works") {
      o.works = number<std::size_t>(value(), a);
    } else if (a == "--seed") {
      o.seed = number<std::uint64_t>(value(), a);
    } else if (a == "--size-km") {
      o.size_km = std::stod(std::string(value()));
    } else if (a == "--no-check") {
      o.check = false;
    } else if (a == "--help" || a == "-h") {
      usage("help");
    } else {
      usage("unknown argument " + std::string(a));
    }
  }
  if (o.out.empty()) usage("--out is required");
  if (o.trees == 0) usage("--trees must be at least 1");
  return o;
}

// ---------------------------------------------------------------- reference tables

struct Species {
  const char* botanical;
  const char* german;
  const char* genus;
  double weight;
  bool columnar;  // by name: the engine recognises it the same way (geo::is_columnar)
};

// Common German street trees (GALK list); columnar cultivars about 6 % of the weight.
const std::vector<Species> kSpecies = {
    {"Tilia cordata", "Winter-Linde", "Tilia", 13, false},
    {"Tilia x europaea 'Pallida'", "Kaiser-Linde", "Tilia", 6, false},
    {"Acer platanoides", "Spitz-Ahorn", "Acer", 12, false},
    {"Acer pseudoplatanus", "Berg-Ahorn", "Acer", 6, false},
    {"Acer campestre", "Feld-Ahorn", "Acer", 6, false},
    {"Platanus x hispanica", "Ahornblättrige Platane", "Platanus", 10, false},
    {"Aesculus hippocastanum", "Gewöhnliche Rosskastanie", "Aesculus", 6, false},
    {"Quercus robur", "Stiel-Eiche", "Quercus", 5, false},
    {"Fraxinus excelsior", "Gewöhnliche Esche", "Fraxinus", 4, false},
    {"Robinia pseudoacacia", "Robinie", "Robinia", 5, false},
    {"Betula pendula", "Hänge-Birke", "Betula", 4, false},
    {"Carpinus betulus", "Hainbuche", "Carpinus", 5, false},
    {"Sorbus aria", "Echte Mehlbeere", "Sorbus", 3, false},
    {"Prunus avium", "Vogel-Kirsche", "Prunus", 3, false},
    {"Gleditsia triacanthos 'Skyline'", "Gleditschie", "Gleditsia", 3, false},
    {"Pyrus calleryana 'Chanticleer'", "Stadt-Birne", "Pyrus", 3, false},
    {"Corylus colurna", "Baum-Hasel", "Corylus", 3, false},
    {"Ginkgo biloba", "Ginkgo", "Ginkgo", 2, false},
    {"Celtis australis", "Südlicher Zürgelbaum", "Celtis", 1, false},
    {"Carpinus betulus 'Fastigiata'", "Säulen-Hainbuche", "Carpinus", 2.5, true},
    {"Acer platanoides 'Columnare'", "Säulen-Spitz-Ahorn", "Acer", 1.5, true},
    {"Quercus robur 'Fastigiata'", "Säulen-Eiche", "Quercus", 1, true},
    {"Carpinus betulus 'Frans Fontaine'", "Säulen-Hainbuche", "Carpinus", 0.5, true},
    {"Sorbus aucuparia 'Fastigiata'", "Säulen-Eberesche", "Sorbus", 0.5, true},
};

const std::vector<const char*> kDistricts = {
    "Altstadt",  "Neustadt",    "Oberstadt",   "Hartenberg-Münchfeld",
    "Mombach",   "Gonsenheim",  "Bretzenheim", "Finthen",
    "Drais",     "Lerchenberg", "Marienborn",  "Hechtsheim",
    "Ebersheim", "Laubenheim",  "Weisenau",    "Kastel",
    "Kostheim",  "Amöneburg"};

const std::vector<const char*> kStreetStems = {
    "Linden", "Ahorn",  "Kastanien", "Eichen", "Rhein",  "Main",   "Gutenberg",  "Schiller",
    "Goethe", "Kaiser", "Bahnhof",   "Markt",  "Garten", "Wiesen", "Mühl",       "Kirch",
    "Berg",   "Wald",   "Feld",      "Hafen",  "Dom",    "Römer",  "Zitadellen", "Wein"};
const std::vector<const char*> kStreetKinds = {"straße", "weg", "allee", "gasse", "ring"};

const std::vector<const char*> kContractors = {"Mainzer Netze GmbH",
                                               "Mainzer Stadtwerke AG",
                                               "Deutsche Telekom Technik GmbH",
                                               "Vodafone GmbH",
                                               "Wirtschaftsbetrieb Mainz",
                                               "Mainzer Fernwärme GmbH",
                                               "Rheinhessen-Energie GmbH",
                                               "Glasfaser Rhein-Main GmbH",
                                               "Tiefbau Schäfer GmbH",
                                               "Bauunternehmung Hofmann KG",
                                               "Kran & Gerüst Mainz GmbH",
                                               "Hochbau Rheinhessen GmbH"};

// ---------------------------------------------------------------- streets

struct Street {
  std::vector<geo::Point> pts;  // polyline
  std::vector<double> cum;      // cumulative length at each vertex
  bool vertical = false;
  bool boulevard = false;
  std::vector<double> rows;  // signed lateral offsets of the tree rows (left positive)
  std::string name;
  double length() const { return cum.back(); }
};

struct Frame {
  geo::Point at;
  geo::Point dir;     // unit tangent
  geo::Point normal;  // unit left normal
};

Frame frame_at(const Street& s, double arc) {
  arc = std::clamp(arc, 0.0, s.length());
  auto it = std::upper_bound(s.cum.begin(), s.cum.end(), arc);
  std::size_t i = it == s.cum.begin() ? 0 : static_cast<std::size_t>(it - s.cum.begin()) - 1;
  i = std::min(i, s.pts.size() - 2);
  const auto a = s.pts[i], b = s.pts[i + 1];
  const double len = s.cum[i + 1] - s.cum[i];
  const double t = len > 0 ? (arc - s.cum[i]) / len : 0;
  const geo::Point d{(b.x - a.x) / len, (b.y - a.y) / len};
  return {{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)}, d, {-d.y, d.x}};
}

geo::Point offset(const Frame& f, double along, double lateral) {
  return {f.at.x + f.dir.x * along + f.normal.x * lateral,
          f.at.y + f.dir.y * along + f.normal.y * lateral};
}

double round_to(double v, double step) { return std::round(v / step) * step; }

struct City {
  double min_x = 0, min_y = 0, size = 0;
  std::vector<Street> streets;
  std::vector<double> xs, ys;  // nominal positions of the vertical / horizontal streets
};

// Nominal street positions across [0, size): blocks of 60-120 m.
std::vector<double> street_positions(Random& rnd, double size) {
  std::vector<double> v;
  for (double p = rnd.uniform(20, 60); p < size - 20; p += rnd.uniform(60, 120)) v.push_back(p);
  return v;
}

Street make_street(Random& rnd, bool vertical, double nominal, double size, std::size_t number) {
  Street s;
  s.vertical = vertical;
  // Gentle bends: a vertex every 250-550 m, shifted sideways by up to 6 m.
  for (double a = 0;; a += rnd.uniform(250, 550)) {
    const double along = std::min(a, size);
    const double side = rnd.uniform(-6, 6);
    s.pts.push_back(vertical ? geo::Point{nominal + side, along}
                             : geo::Point{along, nominal + side});
    if (along >= size) break;
  }
  s.cum.assign(1, 0.0);
  for (std::size_t i = 1; i < s.pts.size(); ++i) {
    s.cum.push_back(s.cum.back() +
                    std::hypot(s.pts[i].x - s.pts[i - 1].x, s.pts[i].y - s.pts[i - 1].y));
  }
  s.boulevard = rnd.chance(0.2);
  const double inner = s.boulevard ? rnd.uniform(7, 9) : rnd.uniform(5.5, 8);
  s.rows = {inner, -inner};
  if (s.boulevard) {
    const double outer = inner + rnd.uniform(4.5, 6);
    s.rows.push_back(outer);
    s.rows.push_back(-outer);
  }
  s.name = std::string(kStreetStems[number % kStreetStems.size()]) +
           kStreetKinds[(number / kStreetStems.size()) % kStreetKinds.size()] + " " +
           std::to_string(number / (kStreetStems.size() * kStreetKinds.size()) + 1);
  if (s.boulevard) s.name += " (Allee)";
  return s;
}

City make_city(std::uint64_t seed, double size) {
  Random rnd(seed);
  City c;
  c.size = size;
  // Centred on Mainz (EPSG:25832, about E 447.5 km, N 5538.5 km).
  c.min_x = std::round(447'500 - size / 2);
  c.min_y = std::round(5'538'500 - size / 2);
  c.xs = street_positions(rnd, size);
  c.ys = street_positions(rnd, size);
  std::size_t number = 0;
  for (const double x : c.xs) c.streets.push_back(make_street(rnd, true, x, size, number++));
  for (const double y : c.ys) c.streets.push_back(make_street(rnd, false, y, size, number++));
  return c;
}

struct Slot {
  double x, y;  // city-local, metres
  std::uint32_t street;
  std::uint8_t row;
};

bool near_crossing(const std::vector<double>& crossings, double v) {
  const auto it = std::lower_bound(crossings.begin(), crossings.end(), v);
  if (it != crossings.end() && *it - v < 16) return true;
  return it != crossings.begin() && v - *(it - 1) < 16;
}

std::vector<Slot> planting_slots(std::uint64_t seed, const City& c) {
  Random rnd(seed ^ 0x5107);
  std::vector<Slot> slots;
  for (std::uint32_t si = 0; si < c.streets.size(); ++si) {
    const auto& s = c.streets[si];
    const auto& crossings = s.vertical ? c.ys : c.xs;
    for (std::uint8_t row = 0; row < s.rows.size(); ++row) {
      for (double a = rnd.uniform(0, 10); a < s.length(); a += rnd.uniform(8, 12)) {
        const auto f = frame_at(s, a);
        const auto p = offset(f, 0, s.rows[row] + 0.2 * rnd.normal());
        if (p.x < 0 || p.y < 0 || p.x >= c.size || p.y >= c.size) continue;
        if (near_crossing(crossings, s.vertical ? p.y : p.x)) continue;
        slots.push_back({p.x, p.y, si, row});
      }
    }
  }
  return slots;
}

// ---------------------------------------------------------------- trees

struct RowPlanting {
  std::size_t species = 0;
  double median_cm = 0;  // the row was planted at one time: similar sizes
};

geo::Date date_in(Random& rnd, int first_year, int years) {
  using namespace std::chrono;
  const sys_days start{year{first_year} / January / 1};
  const auto day =
      start + days{static_cast<int>(rnd.below(static_cast<std::uint64_t>(365 * years)))};
  return year_month_day{day};
}

geo::Tree make_tree(Random& rnd, const City& c, const Slot& slot, const RowPlanting& planting,
                    std::size_t number, const std::vector<double>& species_weights,
                    const geo::RuleSet& rules) {
  geo::Tree t;
  char id[32];
  std::snprintf(id, sizeof id, "MZ-%07zu", number);
  t.source_id = id;
  t.location = {round_to(c.min_x + slot.x, 0.001), round_to(c.min_y + slot.y, 0.001)};
  const auto& street = c.streets[slot.street];
  t.site = street.name;
  const std::size_t gx = static_cast<std::size_t>(slot.x / c.size * 4.0);
  const std::size_t gy = static_cast<std::size_t>(slot.y / c.size * 4.0);
  t.district = kDistricts[(gy * 4 + gx) % kDistricts.size()];

  const bool replanted = rnd.chance(0.2);
  const auto& sp = kSpecies[replanted ? rnd.pick(species_weights) : planting.species];
  t.species_botanical = sp.botanical;
  t.species_german = sp.german;
  t.genus = sp.genus;

  const double total =
      std::clamp(std::round(rnd.lognormal(replanted ? 45 : planting.median_cm, 0.3)), 30.0, 300.0);
  if (rnd.chance(0.04)) {
    // Multi-stem: the total split among 2-4 stems, each at least 10 cm.
    const std::size_t n = 2 + rnd.below(3);
    std::vector<double> w(n);
    double sum = 0;
    for (auto& x : w) sum += (x = rnd.uniform(0.3, 1.0));
    for (const double x : w)
      t.stem_circumferences_cm.push_back(std::max(10.0, std::round(total * x / sum)));
  } else {
    t.stem_circumferences_cm = {total};
  }
  const double u =
      std::accumulate(t.stem_circumferences_cm.begin(), t.stem_circumferences_cm.end(), 0.0);

  if (!rnd.chance(0.03)) {  // 3 % crown unknown
    double crown = std::clamp(1.2 + 0.065 * u * rnd.lognormal(1.0, 0.18), 1.5, 20.0);
    if (sp.columnar) crown *= 0.45;
    t.crown_diameter_m = round_to(crown, 0.1);
  }
  t.height_m = round_to(std::clamp(3 + 0.09 * u * rnd.lognormal(1.0, 0.15), 3.0, 35.0), 0.1);
  t.planting_year = std::clamp(2025 - static_cast<int>(u / 2.2 + rnd.uniform(-5, 5)), 1850, 2024);
  t.vitality = static_cast<int>(rnd.pick({45, 35, 15, 5}));
  t.development_phase = u < 60 ? "Jugendphase" : u < 200 ? "Reifephase" : "Alterungsphase";
  const auto last = date_in(rnd, 2024, 2);
  t.last_inspection = last;
  t.next_inspection = geo::Date{std::chrono::sys_days{last} + std::chrono::days{365}};

  const double status = rnd.unit();
  if (status < 0.006) {
    t.status = geo::TreeStatus::planned;
  } else if (status < 0.012) {
    t.status = geo::TreeStatus::felled;
    t.felled_on = date_in(rnd, 2023, 2);
  }
  if (rnd.chance(0.001)) t.columnar = true;  // set by hand by field staff
  if (rnd.chance(0.003)) {
    t.protection.is_protected = true;
    t.protection.source = geo::ProtectionSource::manual;
    t.protection.reason = rnd.chance(0.5) ? "replacement planting (Ersatzpflanzung)"
                                          : "development-plan tree (Bebauungsplan)";
  }
  t.protection = geo::evaluate_protection(t, rules);
  return t;
}

// ---------------------------------------------------------------- works

std::string wkt_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string wkt_points(const std::vector<geo::Point>& pts) {
  std::string s;
  for (const auto& p : pts) {
    if (!s.empty()) s += ", ";
    s += wkt_number(p.x) + " " + wkt_number(p.y);
  }
  return s;
}

// The street's centreline between arcs a0 < a1, shifted sideways by `lateral`.
std::vector<geo::Point> street_piece(const City& c, const Street& s, double a0, double a1,
                                     double lateral) {
  std::vector<double> arcs{a0};
  for (const double v : s.cum) {
    if (v > a0 + 0.5 && v < a1 - 0.5) arcs.push_back(v);
  }
  arcs.push_back(a1);
  std::vector<geo::Point> out;
  for (const double a : arcs) {
    const auto p = offset(frame_at(s, a), 0, lateral);
    out.push_back({c.min_x + p.x, c.min_y + p.y});
  }
  return out;
}

// A rectangle along the street: `along` metres long from arc a, from lateral l0 to l1.
std::vector<geo::Point> street_rect(const City& c, const Street& s, double a, double along,
                                    double l0, double l1) {
  const auto f = frame_at(s, a);
  std::vector<geo::Point> r = {offset(f, 0, l0), offset(f, along, l0), offset(f, along, l1),
                               offset(f, 0, l1)};
  r.push_back(r.front());
  for (auto& p : r) p = {c.min_x + p.x, c.min_y + p.y};
  return r;
}

geo::Work make_work(Random& rnd, const City& c, const std::vector<double>& street_weights,
                    std::size_t number) {
  using namespace std::chrono;
  geo::Work w;
  char ref[40];
  std::snprintf(ref, sizeof ref, "MZ-2027-%06zu", number);
  w.reference = ref;
  w.contractor = kContractors[rnd.below(kContractors.size())];
  w.contact = "bauleitung" + std::to_string(rnd.below(90) + 10) + "@example.org";
  w.source = "gen_city";

  const auto& s = c.streets[rnd.pick(street_weights)];
  const double side = rnd.chance(0.5) ? 1.0 : -1.0;
  const double row = std::abs(s.rows.front());  // the inner tree row
  const double kind = rnd.unit();
  if (kind < 0.60) {
    // Trench along the street: in the carriageway, between carriageway and trees, or in the
    // footway behind the trees.
    w.kind = geo::WorkKind::trench;
    const double len = 20 + 280 * std::pow(rnd.unit(), 1.3);
    const double a0 = rnd.uniform(0, std::max(1.0, s.length() - len));
    const double where = rnd.unit();
    const double lateral = where < 0.35   ? rnd.uniform(0, 3)
                           : where < 0.70 ? row - rnd.uniform(2.0, 4.5)
                                          : row + rnd.uniform(2.5, 5.0);
    const auto line = street_piece(c, s, a0, std::min(s.length(), a0 + len), side * lateral);
    w.geometry = geo::Geometry::from_wkt("LINESTRING (" + wkt_points(line) + ")");
    w.width_m = round_to(rnd.uniform(0.5, 1.5), 0.05);
    w.depth_m = round_to(rnd.uniform(0.8, 2.0), 0.1);
    w.title = std::vector<const char*>{"Erneuerung Gasleitung", "Glasfaserausbau",
                                       "Wasserleitung Hausanschlüsse", "Fernwärmetrasse",
                                       "Kabelverlegung Mittelspannung"}[rnd.below(5)];
  } else if (kind < 0.65) {
    w.kind = geo::WorkKind::pit;
    const double sz = rnd.uniform(2, 4);
    const double lateral = side * rnd.uniform(0, row + 4);
    const auto r = street_rect(c, s, rnd.uniform(0, s.length() - sz), sz, lateral, lateral + sz);
    w.geometry = geo::Geometry::from_wkt("POLYGON ((" + wkt_points(r) + "))");
    w.depth_m = round_to(rnd.uniform(1.0, 3.0), 0.1);
    w.title = "Baugrube Leitungsreparatur";
  } else if (kind < 0.85) {
    // Site facility or storage area on the street edge, often reaching the tree row.
    w.kind = rnd.chance(0.5) ? geo::WorkKind::site_facility : geo::WorkKind::storage;
    const double along = rnd.uniform(10, 40);
    const double l0 = row + rnd.uniform(-2.0, 5.0);
    const double l1 = l0 + rnd.uniform(5, 15);
    const auto r = street_rect(c, s, rnd.uniform(0, std::max(1.0, s.length() - along)), along,
                               side * l0, side * l1);
    w.geometry = geo::Geometry::from_wkt("POLYGON ((" + wkt_points(r) + "))");
    w.title = w.kind == geo::WorkKind::site_facility ? "Baustelleneinrichtung" : "Lagerfläche";
  } else {
    // Crane or scaffolding at the building front behind the trees.
    const bool crane = rnd.chance(0.45);
    w.kind = crane ? geo::WorkKind::crane : geo::WorkKind::scaffolding;
    const auto f = frame_at(s, rnd.uniform(0, s.length()));
    const auto p = offset(f, 0, side * (row + rnd.uniform(3, 9)));
    w.geometry =
        geo::Geometry::from_point({round_to(c.min_x + p.x, 0.001), round_to(c.min_y + p.y, 0.001)});
    w.radius_m = round_to(crane ? rnd.uniform(3, 8) : rnd.uniform(1.5, 4), 0.1);
    w.title = crane ? "Turmdrehkran" : "Fassadengerüst";
  }

  const sys_days year_start{year{2027} / January / 1};
  const int start_day = static_cast<int>(rnd.below(330));
  const int duration = 3 + static_cast<int>(rnd.below(118));
  w.starts_at = time_point_cast<seconds>(year_start + days{start_day} + hours{6});
  w.ends_at =
      time_point_cast<seconds>(year_start + days{std::min(364, start_day + duration)} + hours{16});

  const auto st = rnd.pick({4, 45, 35, 8, 3, 2, 2, 1});
  constexpr geo::WorkStatus kStatuses[] = {
      geo::WorkStatus::draft,       geo::WorkStatus::submitted,         geo::WorkStatus::approved,
      geo::WorkStatus::in_progress, geo::WorkStatus::changes_requested, geo::WorkStatus::refused,
      geo::WorkStatus::completed,   geo::WorkStatus::cancelled};
  w.status = kStatuses[st];
  return w;
}

// ---------------------------------------------------------------- CSV

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

template <class T>
std::string opt(const std::optional<T>& v) {
  if (!v) return "";
  std::ostringstream o;
  o << *v;
  return o.str();
}

void write_csv_header(std::ostream& out) {
  out << "source_id,x,y,site,district,species_botanical,species_german,genus,"
         "stem_circumferences_cm,crown_diameter_m,height_m,planting_year,vitality,"
         "development_phase,last_inspection,next_inspection,status,felled_on\n";
}

void write_csv_row(std::ostream& out, const geo::Tree& t) {
  char xy[64];
  std::snprintf(xy, sizeof xy, "%.3f,%.3f", t.location.x, t.location.y);
  std::string stems;
  for (const double c : t.stem_circumferences_cm) {
    if (!stems.empty()) stems += ';';
    stems += std::to_string(static_cast<long>(c));
  }
  const auto date = [](const std::optional<geo::Date>& d) {
    return d ? geo::format_date(*d) : std::string();
  };
  out << t.source_id << ',' << xy << ',' << csv_field(t.site) << ',' << csv_field(t.district) << ','
      << csv_field(t.species_botanical) << ',' << csv_field(t.species_german) << ',' << t.genus
      << ',' << stems << ',' << opt(t.crown_diameter_m) << ',' << opt(t.height_m) << ','
      << opt(t.planting_year) << ',' << opt(t.vitality) << ',' << t.development_phase << ','
      << date(t.last_inspection) << ',' << date(t.next_inspection) << ','
      << geo::to_string(t.status) << ',' << date(t.felled_on) << '\n';
}

// ---------------------------------------------------------------- main

int run(const Options& o) {
  const auto started = Clock::now();
  const auto rules = geo::RuleSet::mainz();

  // Size the city so that about 85 % of the planting slots hold the requested trees.
  const double wanted_slots = static_cast<double>(o.trees) / 0.85;
  double size = o.size_km > 0 ? o.size_km * 1000 : std::sqrt(wanted_slots / 4800.0) * 1000;
  City city;
  std::vector<Slot> slots;
  for (int attempt = 0;; ++attempt) {
    city = make_city(o.seed, size);
    slots = planting_slots(o.seed, city);
    const double ratio = wanted_slots / static_cast<double>(std::max<std::size_t>(slots.size(), 1));
    if (o.size_km > 0 || attempt == 4 || std::abs(ratio - 1) < 0.03) {
      if (slots.size() < o.trees) {
        if (o.size_km > 0) throw std::runtime_error("--size-km too small for that many trees");
        size *= std::sqrt(ratio) * 1.02;
        continue;
      }
      break;
    }
    size *= std::sqrt(ratio);
  }
  std::cerr << "city: " << std::lround(city.size) << " m x " << std::lround(city.size)
            << " m from (" << std::lround(city.min_x) << ", " << std::lround(city.min_y)
            << ") EPSG:25832, " << city.streets.size() << " streets, " << slots.size()
            << " planting slots\n";

  // Choose exactly o.trees slots (partial Fisher-Yates), then keep street order so tree
  // numbers run along the streets like a real cadastre's.
  Random rnd(o.seed ^ 0x7EE5);
  std::vector<std::uint32_t> pick(slots.size());
  for (std::uint32_t i = 0; i < pick.size(); ++i) pick[i] = i;
  for (std::size_t i = 0; i < o.trees; ++i) {
    std::swap(pick[i], pick[i + rnd.below(pick.size() - i)]);
  }
  pick.resize(o.trees);
  std::sort(pick.begin(), pick.end());

  std::vector<double> species_weights;
  for (const auto& s : kSpecies) species_weights.push_back(s.weight);
  std::map<std::pair<std::uint32_t, std::uint8_t>, RowPlanting> plantings;

  std::vector<geo::Tree> trees;
  trees.reserve(o.trees);
  for (std::size_t i = 0; i < pick.size(); ++i) {
    const auto& slot = slots[pick[i]];
    auto [it, fresh] = plantings.try_emplace({slot.street, slot.row});
    if (fresh) it->second = {rnd.pick(species_weights), rnd.lognormal(95, 0.35)};
    trees.push_back(make_tree(rnd, city, slot, it->second, i + 1, species_weights, rules));
  }
  slots = {};
  pick = {};

  std::vector<double> street_weights;
  for (const auto& s : city.streets) street_weights.push_back(s.length());
  Random wrnd(o.seed ^ 0x3A7C);
  std::vector<geo::Work> works;
  works.reserve(o.works);
  for (std::size_t i = 0; i < o.works; ++i)
    works.push_back(make_work(wrnd, city, street_weights, i + 1));
  const double generated = seconds_since(started);
  std::cerr << "generated " << trees.size() << " trees and " << works.size() << " works in "
            << generated << " s\n";

  if (!o.csv.empty()) {
    const auto t0 = Clock::now();
    std::ofstream out(o.csv);
    if (!out) throw std::runtime_error("cannot write " + o.csv.string());
    write_csv_header(out);
    for (const auto& t : trees) write_csv_row(out, t);
    out.close();
    if (!out) throw std::runtime_error("writing " + o.csv.string() + " failed");
    std::cerr << "wrote " << o.csv << " in " << seconds_since(t0) << " s\n";
  }

  // Through the repositories, in one transaction.
  const auto t_store = Clock::now();
  auto store = storage::Store::create(o.out);
  {
    storage::Transaction tx(store.database());
    for (auto& t : trees) t.id = store.trees().insert(t);
    const double tree_s = seconds_since(t_store);
    std::cerr << "inserted " << trees.size() << " trees in " << tree_s << " s ("
              << static_cast<long>(static_cast<double>(trees.size()) / tree_s) << " trees/s)\n";
    const auto t_works = Clock::now();
    for (auto& w : works) w.id = store.works().insert(w, "gen_city");
    std::cerr << "inserted " << works.size() << " works in " << seconds_since(t_works) << " s\n";
    const auto t_commit = Clock::now();
    tx.commit();
    std::cerr << "commit " << seconds_since(t_commit) << " s\n";
  }
  std::cerr << "store " << o.out << " written in " << seconds_since(t_store) << " s\n";

  std::size_t protected_existing = 0;
  for (const auto& t : trees) {
    if (t.protection.is_protected && t.status == geo::TreeStatus::existing) ++protected_existing;
  }
  std::map<std::string, std::size_t> kinds;
  for (const auto& w : works) ++kinds[std::string(geo::to_string(w.kind))];
  std::cerr << "protected existing trees: " << protected_existing << "; works by kind:";
  for (const auto& [k, n] : kinds) std::cerr << ' ' << k << ' ' << n;
  std::cerr << '\n';

  if (o.check) {
    const auto t0 = Clock::now();
    geo::ConflictEngine engine(rules);
    engine.load(trees, works);
    const auto all = engine.check_all();
    std::map<geo::Severity, std::size_t> by;
    for (const auto& c : all.tree_work) ++by[c.severity];
    std::cerr << "engine check (in memory, " << seconds_since(t0) << " s): " << all.tree_work.size()
              << " tree-work conflicts (critical " << by[geo::Severity::critical] << ", high "
              << by[geo::Severity::high] << ", medium " << by[geo::Severity::medium] << "), "
              << all.work_work.size() << " work-work clashes\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "gen_city: " << e.what() << '\n';
    return 1;
  }
}
