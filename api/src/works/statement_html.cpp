// The work statement as one printable HTML document: each heading and label German with the
// English beneath it, so one sheet serves both readers. Print CSS keeps table rows and the
// sketch whole on A4 portrait.
#include "works/statement_html.hpp"

#include <chrono>
#include <cstdio>

#include "rootzone/geo/number_text.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::api {

namespace {

using geo::Severity;
using geo::WorkKind;
using geo::WorkStatus;

std::string both(std::string_view de, std::string_view en) {
  return std::string(de) + "<span class=\"en\">" + std::string(en) + "</span>";
}

std::string kind_text(WorkKind k) {
  switch (k) {
    case WorkKind::trench:
      return both("Graben", "trench");
    case WorkKind::pit:
      return both("Baugrube", "pit");
    case WorkKind::drilling:
      return both("Bohrung", "drilling");
    case WorkKind::surface:
      return both("Oberflächenarbeiten", "surface works");
    case WorkKind::site_facility:
      return both("Baustelleneinrichtung", "site facility");
    case WorkKind::storage:
      return both("Lagerfläche", "storage");
    case WorkKind::scaffolding:
      return both("Gerüst", "scaffolding");
    case WorkKind::crane:
      return both("Kran", "crane");
    case WorkKind::traffic_management:
      return both("Verkehrssicherung", "traffic management");
  }
  return "";
}

std::string status_text(WorkStatus s) {
  switch (s) {
    case WorkStatus::draft:
      return both("Entwurf", "draft");
    case WorkStatus::submitted:
      return both("eingereicht", "submitted");
    case WorkStatus::approved:
      return both("genehmigt", "approved");
    case WorkStatus::refused:
      return both("abgelehnt", "refused");
    case WorkStatus::changes_requested:
      return both("Änderungen angefordert", "changes requested");
    case WorkStatus::in_progress:
      return both("in Ausführung", "in progress");
    case WorkStatus::completed:
      return both("abgeschlossen", "completed");
    case WorkStatus::cancelled:
      return both("storniert", "cancelled");
  }
  return "";
}

std::string severity_text(Severity s) {
  switch (s) {
    case Severity::critical:
      return both("kritisch", "critical");
    case Severity::high:
      return both("hoch", "high");
    case Severity::medium:
      return both("mittel", "medium");
  }
  return "";
}

std::string two(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

std::string date_text(const geo::Date& d) {
  return two(static_cast<unsigned>(d.day())) + "." + two(static_cast<unsigned>(d.month())) + "." +
         std::to_string(static_cast<int>(d.year()));
}

// Europe/Berlin wall-clock time after geo's summer-time rule: "15.06.2027 10:05 MESZ (CEST)".
std::string local_time(geo::Timestamp utc) {
  using namespace std::chrono;
  const bool summer = geo::berlin_summer_time(utc);
  const auto local = utc + hours(summer ? 2 : 1);
  const auto day = floor<days>(local);
  const hh_mm_ss clock(local - day);
  return date_text(year_month_day(day)) + " " + two(static_cast<unsigned>(clock.hours().count())) +
         ":" + two(static_cast<unsigned>(clock.minutes().count())) +
         (summer ? " MESZ (CEST)" : " MEZ (CET)");
}

std::string metres(double v, int decimals = 2) {
  return geo::number_text(v, {.max_decimals = decimals}) + " m";
}

std::string percent(double share) {
  return geo::number_text(share * 100, {.max_decimals = 1}) + " %";
}

std::string row(std::string_view label_de, std::string_view label_en, const std::string& value) {
  return "<tr><th scope=\"row\">" + both(label_de, label_en) + "</th><td>" + value + "</td></tr>";
}

std::string paragraphs(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    out += html_escape(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    out += "<br>";
    start = end + 1;
  }
  return out;
}

constexpr const char* kStyle = R"(
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111;
  margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1px solid #999; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
.en { display: block; font-weight: normal; font-style: italic; color: #555; font-size: 0.85em; }
h1 .en, h2 .en, h3 .en { display: inline; margin-left: 0.5em; }
h1 .en::before, h2 .en::before, h3 .en::before { content: "/ "; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0 0 3mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { background: #eee; font-size: 8.5pt; }
table.facts th { width: 38mm; background: #f5f5f5; font-size: 9pt; }
table.conflicts { font-size: 8.5pt; }
table.conflicts col.tree { width: 13mm; } table.conflicts col.species { width: 25mm; }
table.conflicts col.u { width: 16mm; } table.conflicts col.sev { width: 19mm; }
table.conflicts col.dist { width: 16mm; } table.conflicts col.share { width: 15mm; }
table.conflicts col.ack { width: 24mm; }
table.conflicts thead th { font-size: 7.5pt; hyphens: manual; }
table.facts th, table.facts td { padding-top: 0.8mm; padding-bottom: 0.8mm; }
td.num { text-align: right; white-space: nowrap; }
.sev-critical { color: #b3261e; font-weight: bold; }
.sev-high { color: #e8710a; font-weight: bold; }
.sev-medium { color: #8a6d00; font-weight: bold; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-height: 160mm; }
@media print { figure svg { height: 95mm; max-height: none; } }
figcaption { font-size: 8.5pt; color: #333; margin-top: 1.5mm; }
.legend span { margin-right: 4mm; }
.legend .en { display: inline; margin-left: 0.3em; }
.legend .en::before { content: "/ "; }
.none { font-style: italic; }
ul.rules li { margin-bottom: 1.5mm; break-inside: avoid; }
.decision { border: 1px solid #999; padding: 2mm 3mm; break-inside: avoid; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #444; border-top: 1px solid #999;
  padding-top: 2mm; }
)";

std::string work_section(const core::WorkStatement& s) {
  const auto& w = s.work;
  std::string size = "–";
  if (w.width_m) size = metres(*w.width_m) + both("", "Breite der Linie / width of the line");
  if (w.radius_m) size = metres(*w.radius_m) + both("", "Radius um den Punkt / radius");
  std::string out = "<section id=\"work\"><h2>1 Maßnahme<span class=\"en\">Work</span></h2>";
  out += "<table class=\"facts\"><tbody>";
  out += row("Aktenzeichen", "Reference", html_escape(w.reference));
  out += row("Titel", "Title", html_escape(w.title));
  out += row("Art", "Kind", kind_text(w.kind));
  out += row("Auftragnehmer", "Contractor", html_escape(w.contractor));
  out += row("Kontakt", "Contact", html_escape(w.contact));
  out += row("Zeitraum", "Time window",
             local_time(w.starts_at) + " – " + local_time(w.ends_at) +
                 "<span class=\"en\">Europe/Berlin</span>");
  out += row("Tiefe", "Depth", w.depth_m ? metres(*w.depth_m) : both("unbekannt", "unknown"));
  out += row("Breite / Radius", "Width / radius", size);
  out += row("Status", "Status", status_text(w.status));
  out += "</tbody></table></section>";
  return out;
}

std::string sketch_section(const core::WorkStatement& s) {
  std::string out =
      "<section id=\"sketch\"><h2>2 Lageskizze<span class=\"en\">Map sketch</span></h2><figure>";
  out += statement_svg(s);
  out += "<figcaption class=\"legend\">";
  out += "<span>■ " + both("Maßnahme (mit Breite bzw. Radius)", "work (with width or radius)") +
         "</span>";
  out += "<span>● " + both("Baum", "tree") + "</span>";
  out += "<span>- - " + both("Wurzelbereich R_r (DIN 18920)", "root zone R_r") + "</span>";
  out += "<span>··· " + both("Grabenabstand R_t (RAS-LP 4)", "trench distance R_t") + "</span>";
  out += "<span>○ " +
         both("Konfliktbaum mit Nummer, Farbe nach Schwere",
              "conflicting tree with its number, coloured by severity") +
         "</span>";
  out += "<span>" +
         both("Koordinaten EPSG:" + std::to_string(s.srid) + ", Norden oben",
              "coordinates EPSG:" + std::to_string(s.srid) + ", north up") +
         "</span>";
  if (s.trees_left_out > 0) {
    out += "<span>" +
           both(std::to_string(s.trees_left_out) + " weitere Bäume nicht gezeichnet",
                std::to_string(s.trees_left_out) + " further trees not drawn") +
           "</span>";
  }
  if (!s.outline_problem.empty()) {
    out += "<span>" + both("Form nicht darstellbar: ", "shape cannot be drawn: ") +
           html_escape(s.outline_problem) + "</span>";
  }
  out += "</figcaption></figure></section>";
  return out;
}

std::string conflicts_section(const core::WorkStatement& s) {
  std::string out =
      "<section id=\"conflicts\"><h2>3 Konflikte mit geschützten Bäumen"
      "<span class=\"en\">Conflicts with protected trees</span></h2>";
  if (s.conflicts.empty()) {
    out += "<p class=\"none\">" + both("Keine Konflikte.", "No conflicts.") + "</p>";
  } else {
    out +=
        "<table class=\"conflicts\"><colgroup><col class=\"tree\"><col class=\"species\">"
        "<col class=\"u\"><col class=\"sev\"><col class=\"dist\"><col class=\"share\">"
        "<col class=\"rule\"><col class=\"ack\"></colgroup><thead><tr>";
    for (const auto& [de, en] : std::initializer_list<std::pair<const char*, const char*>>{
             {"Baum", "Tree"},
             {"Art", "Species"},
             {"Umfang", "Girth"},
             {"Schwere", "Severity"},
             {"Abstand", "Distance"},
             {"Anteil", "Share"},
             {"Regel", "Rule"},
             {"Kenntnis&shy;nahme", "Acknowledged"}}) {
      out += "<th scope=\"col\">" + both(de, en) + "</th>";
    }
    out += "</tr></thead><tbody>";
    for (const auto& c : s.conflicts) {
      const auto& k = c.conflict;
      const std::string sev(geo::to_string(k.severity));
      std::string species = "<i>" + html_escape(c.species_botanical) + "</i>";
      if (!c.species_german.empty()) species += "<br>" + html_escape(c.species_german);
      std::string ack = both("nein", "no");
      if (k.acknowledged) {
        ack = html_escape(k.acknowledged->user) + ", " + local_time(k.acknowledged->at);
        if (!k.acknowledged->comment.empty()) {
          ack += ": „" + html_escape(k.acknowledged->comment) + "“";
        }
      }
      out += "<tr class=\"conflict\" data-tree=\"" + html_escape(c.tree_number) + "\"><td>" +
             html_escape(c.tree_number) + "</td><td>" + species + "</td><td class=\"num\">" +
             geo::number_text(c.circumference_cm, {.max_decimals = 0}) +
             " cm</td><td class=\"sev-" + sev + "\">" + severity_text(k.severity) +
             "</td><td class=\"num\">" + metres(k.min_distance_m) + "</td><td class=\"num\">" +
             percent(k.overlap_share) + "</td><td>" + html_escape(k.rule) + "<br>R_t " +
             metres(c.zone.trench_radius_m) + ", R_r " + metres(c.zone.root_radius_m) + " (" +
             html_escape(geo::describe_root_rule(c.zone)) + ")</td><td>" + ack + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out +=
      "<h3>Überschneidungen mit anderen Maßnahmen<span class=\"en\">Clashes with other "
      "works</span></h3>";
  if (s.clashes.empty()) {
    out += "<p class=\"none\">" + both("Keine.", "None.") + "</p>";
  } else {
    out += "<table class=\"clashes\"><thead><tr>";
    for (const auto& [de, en] : std::initializer_list<std::pair<const char*, const char*>>{
             {"Andere Maßnahme", "Other work"},
             {"Auftragnehmer", "Organisation"},
             {"Abstand", "Distance"},
             {"Überschneidung (Tage)", "Overlapping days"},
             {"Kenntnisnahme", "Acknowledged"}}) {
      out += "<th scope=\"col\">" + both(de, en) + "</th>";
    }
    out += "</tr></thead><tbody>";
    for (const auto& c : s.clashes) {
      const auto from = geo::berlin_date(c.clash.overlap_start);
      const auto to = geo::berlin_date(c.clash.overlap_end);
      const auto days = (std::chrono::sys_days(to) - std::chrono::sys_days(from)).count() + 1;
      std::string ack = both("nein", "no");
      if (c.clash.acknowledged) {
        ack = html_escape(c.clash.acknowledged->user) + ", " + local_time(c.clash.acknowledged->at);
        if (!c.clash.acknowledged->comment.empty()) {
          ack += ": „" + html_escape(c.clash.acknowledged->comment) + "“";
        }
      }
      out += "<tr class=\"clash\"><td>" + html_escape(c.other_reference) + "<br>" +
             html_escape(c.other_title) + "</td><td>" + html_escape(c.other_contractor) +
             "</td><td class=\"num\">" + metres(c.clash.distance_m) + "</td><td>" +
             date_text(from) + " – " + date_text(to) + " (" + std::to_string(days) + ")</td><td>" +
             ack + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  return out + "</section>";
}

std::string rules_section(const core::WorkStatement& s) {
  const auto& r = s.rules;
  std::string out =
      "<section id=\"rules\"><h2>4 Angewandte Regeln<span class=\"en\">Rules "
      "cited</span></h2><ul class=\"rules\">";
  out += "<li><b>DIN 18920:2014</b> " +
         both(
             "Schutz von Bäumen bei Baumaßnahmen: Wurzelbereich R_r = Kronendurchmesser / 2 + "
             "1,5 m (Säulenformen + 5 m); keine Abgrabung im Wurzelbereich.",
             "Protection of trees on construction sites: root zone R_r = crown diameter / 2 + "
             "1.5 m (columnar forms + 5 m); no excavation in the root zone.") +
         "</li>";
  out += "<li><b>RAS-LP 4</b> " +
         both("Mindestabstand von Gräben zum Stamm R_t = 4 × Stammumfang, mindestens 2,5 m.",
              "Trench distance from the stem R_t = 4 × stem circumference, at least 2.5 m.") +
         "</li>";
  out += "<li><b>BS 5837:2012</b> " +
         both("Ohne Kronendurchmesser: R_r = 12 × Stammdurchmesser, höchstens 15 m; mehr als " +
                  geo::number_text(r.share_threshold * 100) +
                  " % des Wurzelbereichs betroffen gilt als erheblich.",
              "Without a crown diameter: R_r = 12 × stem diameter, at most 15 m; more than " +
                  geo::number_text(r.share_threshold * 100) +
                  " % of the root zone affected is significant.") +
         "</li>";
  out += "<li><b>" + html_escape(r.ordinance.empty() ? r.name : r.ordinance) + "</b> " +
         both("Regelwerk „" + html_escape(r.name) + "“: geschützt ab " +
                  geo::number_text(r.threshold_cm) + " cm Stammumfang in " +
                  geo::number_text(r.measuring_height_m) + " m Höhe; Koordinierungsabstand " +
                  geo::number_text(r.coordination_distance_m) + " m, Nachlauf " +
                  std::to_string(r.grace_days) + " Tage.",
              "rule set '" + html_escape(r.name) + "': protected from " +
                  geo::number_text(r.threshold_cm) + " cm stem circumference at " +
                  geo::number_text(r.measuring_height_m) + " m; coordination distance " +
                  geo::number_text(r.coordination_distance_m) + " m, grace period " +
                  std::to_string(r.grace_days) + " days.") +
         "</li>";
  return out + "</ul></section>";
}

std::string decision_section(const core::WorkStatement& s) {
  std::string out =
      "<section id=\"decision\"><h2>5 Entscheidung<span class=\"en\">Decision</span></h2>";
  if (!s.decision) {
    return out + "<p class=\"decision none\">" +
           both("Noch keine Entscheidung.", "No decision yet.") + "</p></section>";
  }
  const auto& d = *s.decision;
  out += "<table class=\"facts decision\"><tbody>";
  out += row("Entscheidung", "Decision", status_text(d.to));
  out += row("Auflagen", "Conditions",
             d.conditions.empty() ? both("keine", "none") : paragraphs(d.conditions));
  out += row("Begründung", "Comment", d.comment.empty() ? "–" : paragraphs(d.comment));
  out += row("Entschieden von", "Decided by", html_escape(d.user));
  out += row("Entschieden am", "Decided at", local_time(d.at));
  out += "</tbody></table>";
  if (s.decision_superseded) {
    out += "<p>" +
           both("Danach erneut eingereicht: eine neue Entscheidung steht aus.",
                "Submitted again since: a new decision is pending.") +
           "</p>";
  }
  return out + "</section>";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string statement_html(const core::WorkStatement& s, std::string_view version) {
  const auto ref = html_escape(s.work.reference);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Stellungnahme " +
      ref + " / Statement " + ref + "</title><style>" + kStyle + "</style></head><body>";
  out +=
      "<header><h1>Stellungnahme zur Baumaßnahme<span class=\"en\">Statement on a "
      "construction work</span></h1><p>" +
      ref + " · " + html_escape(s.work.title) + "</p></header><main>";
  out += work_section(s);
  out += sketch_section(s);
  out += conflicts_section(s);
  out += rules_section(s);
  out += decision_section(s);
  const auto at = local_time(s.generated_at);
  const auto by = "rootzone " + html_escape(version);
  out += "</main><footer>" +
         both("Erstellt am " + at + " mit " + by, "Generated at " + at + " by " + by) +
         "</footer></body></html>\n";
  return out;
}

}  // namespace rootzone::api
