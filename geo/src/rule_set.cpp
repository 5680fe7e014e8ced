#include "rootzone/geo/rule_set.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/number_text.hpp"

namespace rootzone::geo {
namespace {

using Json = nlohmann::ordered_json;  // keeps the members in the order a reader expects

[[noreturn]] void bad(const std::string& what) { throw GeoError("rule set: " + what); }

double positive_number(const Json& v, const char* key) {
  if (!v.is_number() || !(v.get<double>() > 0)) {
    bad(std::string(key) + " must be a positive number");
  }
  return v.get<double>();
}

// German ordinances protect from 30 cm to 100 cm; the thickest stems of German street trees
// are a few metres round. Above 500 cm is a unit mistake (mm given as cm).
constexpr double kMaxCircumferenceCm = 500;
// Works further apart than a kilometre share no trench; more is a unit mistake (cm given as m).
constexpr double kMaxCoordinationM = 1000;

double at_most(double value, double limit, const char* key, const char* unit) {
  if (value > limit) {
    std::string text = std::string(key) + " must be at most ";
    append_number(text, limit);
    bad(text + " " + unit + " (a larger value is a unit mistake)");
  }
  return value;
}

// The name is what `rootzone rules use NAME` and the API say: lower-case ASCII, so that
// "Berlin" and "berlin" cannot be two rule sets of one store.
bool simple_identifier(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

double non_negative_number(const Json& v, const char* key) {
  if (!v.is_number() || !(v.get<double>() >= 0)) {
    bad(std::string(key) + " must be a number >= 0");
  }
  return v.get<double>();
}

std::string string_member(const Json& v, const char* key, bool allow_empty) {
  if (!v.is_string() || (!allow_empty && v.get_ref<const std::string&>().empty())) {
    bad(std::string(key) + (allow_empty ? " must be a string" : " must be a non-empty string"));
  }
  return v.get<std::string>();
}

std::vector<std::string> species_list(const Json& v, const char* key) {
  if (!v.is_array()) {
    bad(std::string(key) + " must be an array of botanical names");
  }
  std::vector<std::string> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Json& item = v[i];
    const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      bad(where + " must be a non-empty string");
    }
    const auto& name = item.get_ref<const std::string&>();
    // A name is matched word by word ("Pinus" matches "Pinus nigra"): a space at either end
    // or two in a row would match no tree, and the exemption would silently do nothing.
    if (name.front() == ' ' || name.back() == ' ' || name.find("  ") != std::string::npos ||
        name.find_first_of("\t\n\r") != std::string::npos) {
      bad(where + " \"" + name +
          "\" has a space at an end, two in a row or a tab or line break: it would match no tree");
    }
    out.push_back(name);
  }
  return out;
}

}  // namespace

RuleSet RuleSet::mainz() {
  RuleSet r;
  r.name = "mainz";
  r.ordinance = "Rechtsverordnung zum Schutz des Baumbestandes innerhalb der Stadt Mainz (2003) §3";
  r.measuring_height_m = 1.0;
  r.threshold_cm = 80;
  r.multi_stem_sum = true;
  r.multi_stem_min_cm = 30;
  // docs/domain.md: secondary sources mention a poplar exemption; off until the city confirms it.
  r.species_exempt = {};
  r.species_exempt_except = {};
  return r;
}

RuleSet RuleSet::berlin() {
  RuleSet r;
  r.name = "berlin";
  r.ordinance = "Verordnung zum Schutze des Baumbestandes in Berlin (BaumSchVO) §2";
  // BaumSchVO §2 (1), as the Senate publishes it (berlin.de/sen/uvk/natur-und-gruen/
  // naturschutz/baumschutz/): protected are all broadleaved trees ("Laubbäume"), of the
  // conifers only Scots pine ("Waldkiefer", Pinus sylvestris), and of the fruit trees only
  // walnut (Juglans regia) and Turkish hazel (Corylus colurna); at least 80 cm at 130 cm
  // height; multi-stem trees when one stem reaches 50 cm. The same § excludes "Obstbäume"
  // other than those two.
  r.measuring_height_m = 1.3;
  r.threshold_cm = 80;
  r.multi_stem_sum = false;
  r.multi_stem_min_cm = 50;
  // Conifer genera planted in German towns (Pinaceae, Cupressaceae incl. the former
  // Taxodiaceae, Taxaceae, Araucariaceae). Ginkgo is left out: botanically it is no
  // conifer, and exempting it needs the city's word. The Leyland cypress hybrid is written
  // both with and without the hybrid sign in cadastres.
  r.species_exempt = {
      "Abies", "Araucaria", "Calocedrus", "Cedrus", "Chamaecyparis", "Cryptomeria",
      "Cupressocyparis", "× Cupressocyparis", "Cupressus", "Juniperus", "Larix", "Metasequoia",
      "Picea", "Pinus", "Platycladus", "Pseudotsuga", "Sciadopitys", "Sequoia", "Sequoiadendron",
      "Taxodium", "Taxus", "Thuja", "Thujopsis", "Tsuga",
      // Fruit trees: the cultivated fruit species only, not whole genera. Ornamental and
      // wild relatives used as street trees (Malus 'Evereste', Pyrus calleryana,
      // Prunus serrulata, and Prunus avium, which is also the native wild cherry) stay
      // protected: a doubtful exemption would let a protected tree go unchecked.
      "Malus domestica", "Pyrus communis", "Prunus domestica", "Prunus cerasus", "Prunus persica",
      "Prunus armeniaca", "Cydonia oblonga", "Mespilus germanica"};
  // The exceptions the ordinance names; the two fruit trees are not matched by any entry
  // above, they are listed so the profile reads like §2 (1).
  r.species_exempt_except = {"Pinus sylvestris", "Juglans regia", "Corylus colurna"};
  return r;
}

RuleSet RuleSet::muenchen() {
  RuleSet r;
  r.name = "muenchen";
  r.ordinance =
      "Baumschutzverordnung der Landeshauptstadt München (BaumschutzV) vom 8. Dezember 2025 "
      "(MüABl. 2025 S. 828) §1 Abs. 1-3";
  // Read in the city's own publication of the text, "Stadtrecht" vorschrift 901 version 2:
  // https://stadt.muenchen.de/rathaus/stadtrecht/vorschrift/901/version2/0.html
  // §1 (1): all living trees, shrubs and climbers with a stem circumference of 60 cm and more
  // at 100 cm above the ground. (2): multi-stem plants when the stems' circumferences at
  // 100 cm sum to 60 cm and more and at least one stem reaches 40 cm. (3): replacement
  // plantings the ordinance required, whatever their size: set by hand (a manual protection
  // with its reason), the rule set cannot know which trees they are. (4): the area of
  // application is a map, not a rule of the tree; docs/rules.md says what follows from that.
  r.measuring_height_m = 1.0;
  r.threshold_cm = 60;
  r.multi_stem_sum = true;
  r.multi_stem_min_cm = 40;
  // §1 (1)-(3) exempt no species (the 2013 text exempted fruit trees but six species in its
  // §1 (4); that paragraph is now the area of application). Whether a later paragraph exempts
  // any could not be read: none is exempt here, as a doubtful exemption would let a
  // protected tree go unchecked.
  r.species_exempt = {};
  r.species_exempt_except = {};
  return r;
}

std::optional<RuleSet> RuleSet::builtin(std::string_view name) {
  if (name == "mainz") {
    return mainz();
  }
  if (name == "berlin") {
    return berlin();
  }
  if (name == "muenchen") {
    return muenchen();
  }
  return std::nullopt;
}

std::vector<std::string_view> RuleSet::builtin_names() { return {"mainz", "berlin", "muenchen"}; }

std::string RuleSet::to_json() const {
  Json j;
  j["name"] = name;
  j["ordinance"] = ordinance;
  j["measuring_height_m"] = measuring_height_m;
  j["threshold_cm"] = threshold_cm;
  j["multi_stem_sum"] = multi_stem_sum;
  j["multi_stem_min_cm"] = multi_stem_min_cm;
  j["species_exempt"] = species_exempt;
  j["species_exempt_except"] = species_exempt_except;
  j["zone_rule"] = std::string(to_string(zone_rule));
  j["share_threshold"] = share_threshold;
  j["coordination_distance_m"] = coordination_distance_m;
  j["grace_days"] = grace_days;
  return j.dump(2);
}

namespace {

// nlohmann keeps one of two equal members and drops the other without a word: a file that says
// threshold_cm twice would be read with one of them, unseen. Each object's member names are
// collected while parsing and the second one refused.
Json parse_refusing_duplicates(std::string_view text) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  const Json::parser_callback_t members = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end && !open_objects.empty()) {
      open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty() && duplicate.empty() &&
               !open_objects.back().insert(parsed.get<std::string>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text, members);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for "1e400"
    bad(std::string("not valid JSON: ") + e.what());
  }
  if (!duplicate.empty()) {
    bad("member \"" + duplicate + "\" appears twice");
  }
  return j;
}

std::string name_member(const Json& v) {
  auto name = string_member(v, "name", false);
  if (!simple_identifier(name)) {
    bad("name \"" + name +
        "\" must be a simple identifier: a lower-case letter, then lower-case letters, digits, "
        "'-' or '_', at most 64 in all");
  }
  return name;
}

ZoneRule zone_rule_member(const Json& v) {
  const auto rule =
      v.is_string() ? zone_rule_from_string(v.get_ref<const std::string&>()) : std::nullopt;
  if (!rule) {
    bad(R"(zone_rule must be one of "din18920", "bs5837", "as4970")");
  }
  return *rule;
}

}  // namespace

RuleSet RuleSet::from_json(std::string_view text) {
  const Json j = parse_refusing_duplicates(text);
  if (!j.is_object()) {
    bad("expected a JSON object");
  }
  // Every other member has Mainz's value as its default; these two have none. Without a name
  // a file would be stored as "mainz" in Mainz's place; without its own citation a city's
  // rule set would cite Mainz's ordinance in every protection reason and history row.
  if (!j.contains("name")) {
    bad(R"(name is missing (the rule set's name, e.g. "leipzig"))");
  }
  if (!j.contains("ordinance")) {
    bad(R"(ordinance is missing (the citation of the ordinance, its date and paragraph))");
  }

  RuleSet r = mainz();
  for (const auto& [key, v] : j.items()) {
    if (key == "name") {
      r.name = name_member(v);
    } else if (key == "ordinance") {
      r.ordinance = string_member(v, "ordinance", true);
    } else if (key == "measuring_height_m") {
      // Ordinances measure at 1.0 m (Mainz), 1.30 m (Berlin) or 1.37 m (US DBH); above 3 m
      // is a unit mistake (cm given as m).
      if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > 3) {
        bad("measuring_height_m must be a number of metres above 0 and at most 3");
      }
      r.measuring_height_m = v.get<double>();
    } else if (key == "threshold_cm") {
      r.threshold_cm =
          at_most(positive_number(v, "threshold_cm"), kMaxCircumferenceCm, "threshold_cm", "cm");
    } else if (key == "multi_stem_sum") {
      if (!v.is_boolean()) {
        bad("multi_stem_sum must be true or false");
      }
      r.multi_stem_sum = v.get<bool>();
    } else if (key == "multi_stem_min_cm") {
      r.multi_stem_min_cm = non_negative_number(v, "multi_stem_min_cm");
    } else if (key == "species_exempt") {
      r.species_exempt = species_list(v, "species_exempt");
    } else if (key == "species_exempt_except") {
      r.species_exempt_except = species_list(v, "species_exempt_except");
    } else if (key == "zone_rule") {
      r.zone_rule = zone_rule_member(v);
    } else if (key == "share_threshold") {
      if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > 1) {
        bad("share_threshold must be a fraction above 0 and at most 1 (0.20 = 20 %)");
      }
      r.share_threshold = v.get<double>();
    } else if (key == "coordination_distance_m") {
      r.coordination_distance_m = at_most(non_negative_number(v, "coordination_distance_m"),
                                          kMaxCoordinationM, "coordination_distance_m", "m");
    } else if (key == "grace_days") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 3650) {
        bad("grace_days must be a whole number of days from 0 to 3650");
      }
      r.grace_days = static_cast<int>(v.get<std::int64_t>());
    } else {
      // A misspelt member would otherwise be dropped and the default used in its place.
      bad("unknown member \"" + key + "\"");
    }
  }
  if (r.multi_stem_min_cm > r.threshold_cm) {
    bad("multi_stem_min_cm must not exceed threshold_cm");
  }
  return r;
}

}  // namespace rootzone::geo
