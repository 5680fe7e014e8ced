#include "rootzone/geo/rule_set.hpp"

#include <nlohmann/json.hpp>

#include "rootzone/geo/errors.hpp"

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
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      bad(std::string(key) + "[" + std::to_string(i) + "] must be a non-empty string");
    }
    out.push_back(item.get<std::string>());
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

std::optional<RuleSet> RuleSet::builtin(std::string_view name) {
  if (name == "mainz") {
    return mainz();
  }
  if (name == "berlin") {
    return berlin();
  }
  return std::nullopt;
}

std::vector<std::string_view> RuleSet::builtin_names() { return {"mainz", "berlin"}; }

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

RuleSet RuleSet::from_json(std::string_view text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for "1e400"
    bad(std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) {
    bad("expected a JSON object");
  }

  RuleSet r = mainz();
  for (const auto& [key, v] : j.items()) {
    if (key == "name") {
      r.name = string_member(v, "name", false);
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
      r.threshold_cm = positive_number(v, "threshold_cm");
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
      const auto rule =
          v.is_string() ? zone_rule_from_string(v.get_ref<const std::string&>()) : std::nullopt;
      if (!rule) {
        bad(R"(zone_rule must be one of "din18920", "bs5837", "as4970")");
      }
      r.zone_rule = *rule;
    } else if (key == "share_threshold") {
      if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > 1) {
        bad("share_threshold must be a fraction above 0 and at most 1 (0.20 = 20 %)");
      }
      r.share_threshold = v.get<double>();
    } else if (key == "coordination_distance_m") {
      r.coordination_distance_m = non_negative_number(v, "coordination_distance_m");
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
