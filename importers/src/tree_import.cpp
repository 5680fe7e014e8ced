// Trees: map each record, validate, derive protection from the active rule set, upsert by
// source id, all in one transaction; reading and mapping on one thread, writing on another.
#include <exception>
#include <optional>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bounded_queue.hpp"
#include "import_common.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "stem_plausibility.hpp"

namespace rootzone::importers {

using detail::RecordMapper;

namespace {

// The fields a mapping sets replace the stored ones; the others (set by field staff, by hand)
// stay as they are.
void merge(geo::Tree& into, const geo::Tree& from, const RecordMapper& m) {
  into.location = from.location;
  const auto take = [&](const char* field, auto member) {
    if (m.mapped(field)) into.*member = from.*member;
  };
  take("site", &geo::Tree::site);
  take("district", &geo::Tree::district);
  take("species_botanical", &geo::Tree::species_botanical);
  take("species_german", &geo::Tree::species_german);
  take("genus", &geo::Tree::genus);
  take("stem_circumferences_cm", &geo::Tree::stem_circumferences_cm);
  take("crown_diameter_m", &geo::Tree::crown_diameter_m);
  take("height_m", &geo::Tree::height_m);
  take("planting_year", &geo::Tree::planting_year);
  take("vitality", &geo::Tree::vitality);
  take("development_phase", &geo::Tree::development_phase);
  take("last_inspection", &geo::Tree::last_inspection);
  take("next_inspection", &geo::Tree::next_inspection);
  take("status", &geo::Tree::status);
  take("felled_on", &geo::Tree::felled_on);
  take("columnar", &geo::Tree::columnar);
}

// A tree's canonical fields in the mapping, looked up once per import.
struct TreeFields {
  using F = RecordMapper::Field;
  explicit TreeFields(const RecordMapper& m)
      : site(m.field("site")),
        district(m.field("district")),
        species_botanical(m.field("species_botanical")),
        species_german(m.field("species_german")),
        genus(m.field("genus")),
        stems(m.field("stem_circumferences_cm")),
        crown(m.field("crown_diameter_m")),
        height(m.field("height_m")),
        planting_year(m.field("planting_year")),
        vitality(m.field("vitality")),
        development_phase(m.field("development_phase")),
        last_inspection(m.field("last_inspection")),
        next_inspection(m.field("next_inspection")),
        status(m.field("status")),
        felled_on(m.field("felled_on")),
        columnar(m.field("columnar")) {}
  F site, district, species_botanical, species_german, genus, stems, crown, height, planting_year,
      vitality, development_phase, last_inspection, next_inspection, status, felled_on, columnar;
};

// One record of the source mapped onto a tree, problems into the mapper's report.
void map_tree(geo::Tree& t, RecordMapper& mapper, const TreeFields& f, detail::OgrSource& source,
              detail::SeenIds& seen, const detail::CrsGuard& guard, const Mapping& mapping,
              detail::StemPlausibility& plausibility) {
  mapper.begin(source.record(), source.line(), [&](int i) { return source.text(i); });
  if (const auto id = seen.take(mapper, mapping, source.record())) t.source_id = *id;
  if (mapper.refused()) return;
  if (const auto p = detail::record_point(source, mapper, guard, mapping)) t.location = *p;
  t.site = mapper.text(f.site).value_or("");
  t.district = mapper.text(f.district).value_or("");
  t.species_botanical = mapper.text(f.species_botanical).value_or("");
  t.species_german = mapper.text(f.species_german).value_or("");
  t.genus = mapper.text(f.genus).value_or("");
  t.stem_circumferences_cm = mapper.numbers(f.stems, "cm");
  t.crown_diameter_m = mapper.number(f.crown, "m");
  t.height_m = mapper.number(f.height, "m");
  t.planting_year = mapper.integer(f.planting_year, 1000, 3000);
  t.vitality = mapper.integer(f.vitality, 0, 3);
  t.development_phase = mapper.text(f.development_phase).value_or("");
  t.last_inspection = mapper.date(f.last_inspection);
  t.next_inspection = mapper.date(f.next_inspection);
  if (const auto status = mapper.text(f.status)) {
    if (const auto st = geo::tree_status_from_string(*status)) {
      t.status = *st;
    } else {
      mapper.problem(
          Severity::refused, mapping.fields.at("status").from, *status,
          "not a tree status: '" + std::string(*status) + "' (existing, planned, felled)");
    }
  }
  t.felled_on = mapper.date(f.felled_on);
  t.columnar = mapper.boolean(f.columnar);
  if (!mapper.refused() && t.stem_circumferences_cm.empty() && f.stems.index >= 0) {
    const auto& rule = mapping.fields.at("stem_circumferences_cm");
    mapper.problem(Severity::flagged, rule.from, "",
                   "missing value: stem_circumferences_cm not recorded, protection cannot "
                   "be derived from the ordinance");
  }
  if (!mapper.refused() && f.stems.index >= 0) {
    plausibility.check(t, mapper, mapping.fields.at("stem_circumferences_cm").from);
  }
}

// A record read and mapped, on its way from the reading thread to the writing one.
struct MappedTree {
  geo::Tree tree;           // with its protection as a new tree
  std::int64_t record = 0;  // where it is, for a refusal by the store
  std::optional<std::int64_t> line;
  bool refused = false;  // by the mapping: not written
};

// The reader's part of one record: mapped, and with its protection when not refused.
MappedTree read_tree(RecordMapper& mapper, const TreeFields& f, detail::OgrSource& source,
                     detail::SeenIds& seen, const detail::CrsGuard& guard, const Mapping& mapping,
                     const geo::RuleSet& rules, detail::StemPlausibility& plausibility) {
  MappedTree m;
  map_tree(m.tree, mapper, f, source, seen, guard, mapping, plausibility);
  m.record = mapper.ref().record;
  m.line = mapper.ref().line;
  m.refused = mapper.refused();
  // Here rather than on the writing thread, which has the store's work to do.
  if (!m.refused) m.tree.protection = geo::evaluate_protection(m.tree, rules);
  return m;
}

// The writer's part of one tree, counted into `s`; `existing` is the stored tree of its source id.
// Throws storage::ConstraintViolation when the store refuses it.
void write_tree(const geo::Tree& t, const std::optional<geo::Tree>& existing,
                storage::TreeBulkWriter& writer, const RecordMapper& mapper,
                const geo::RuleSet& rules, ImportSummary& s) {
  // The stored tree counts: a circumference that field staff measured stays when the source
  // has none, and a protection set by hand needs no ordinance.
  const auto count_underived = [&s](const geo::Tree& stored) {
    if (stored.stem_circumferences_cm.empty() &&
        stored.protection.source != geo::ProtectionSource::manual) {
      ++s.protection_not_derived;
    }
  };
  if (!existing) {
    writer.insert(t);
    ++s.inserted;
    if (t.protection.is_protected) ++s.protected_trees;
    count_underived(t);
    return;
  }
  auto merged = *existing;
  // mapped() reads only what the mapper's constructor resolved: safe beside the reader.
  merge(merged, t, mapper);
  merged.protection = geo::evaluate_protection(merged, rules);
  if (merged != *existing && writer.update(merged, *existing)) {
    ++s.updated;
  } else {
    ++s.unchanged;
  }
  if (merged.protection.is_protected) ++s.protected_trees;
  count_underived(merged);
}

// The writing thread's side of the import: what it needs to write a tree, and what the store
// refused, kept apart from the report the reader owns until it is joined.
struct TreeWriting {
  storage::TreeBulkWriter& writer;
  const RecordMapper& mapper;
  const geo::RuleSet& rules;
  const std::string& file;
  ImportSummary& s;
  // Into a store without trees every tree is new: ids are unique within the file (SeenIds),
  // and a duplicate that got through anyway would meet the UNIQUE source id.
  bool all_new = false;
  ProblemReport store_problems;
  std::int64_t refused = 0;

  // False when the store refused the tree.
  bool write(const MappedTree& m) {
    const auto& t = m.tree;
    auto existing = all_new ? std::nullopt : writer.find_by_source_id(t.source_id);
    try {
      write_tree(t, existing, writer, mapper, rules, s);
      return true;
    } catch (const storage::ConstraintViolation& e) {
      store_problems.add({Severity::refused, file, m.record, m.line, t.source_id, "", t.source_id,
                          std::string("refused by the store: ") + e.what()});
      ++refused;
      return false;
    }
  }
};

// Records pass from the reader to the writer in batches, so that the two threads meet once
// per batch instead of once per record.
constexpr std::size_t kBatch = 512;
// Batches under way: bounded so that a slow store holds the reader back instead of a whole file
// in memory.
constexpr std::size_t kDepth = 8;
using Batch = std::vector<MappedTree>;

// Into a store that held trees before, the stored trees of a batch are looked up at once
// (PostGIS: one query per batch rather than one per tree). `ids` is scratch space kept between
// batches.
void prefetch_stored(const TreeWriting& writing, const Batch& batch,
                     std::vector<std::string_view>& ids) {
  if (writing.all_new) return;
  ids.clear();
  for (const auto& m : batch) {
    if (!m.refused) ids.push_back(m.tree.source_id);
  }
  writing.writer.prefetch(ids);
}

// What concerns the whole file rather than a record, at its head (record 0): once, however many
// trees it concerns. --strict does not stop for them: they say what the mapping or the source's
// unit lacks, and are known only when every record has been read.
void add_file_notes(ImportResult& result, const detail::StemPlausibility& plausibility,
                    const Mapping& mapping, const std::string& file) {
  const auto& s = result.summary;
  ProblemReport notes;
  if (!s.circumference_mapped && s.protection_not_derived > 0) {
    notes.add({Severity::flagged, file, 0, std::nullopt, "", "stem_circumferences_cm", "",
               "no stem circumference: protection could not be derived for " +
                   std::to_string(s.protection_not_derived) +
                   " trees, the source has none (the mapping maps no stem circumference); they "
                   "are stored as not protected unless protected by hand"});
  }
  if (s.circumference_mapped) {
    if (auto slip = plausibility.unit_slip(file, mapping.fields.at("stem_circumferences_cm"))) {
      notes.add(std::move(*slip));
    }
  }
  if (notes.empty()) return;
  notes.merge_by_record(result.report);
  result.report = std::move(notes);
}

}  // namespace

ImportResult import_trees(storage::Store& store, const ImportOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (!o.mapping) throw MappingError("importing trees needs a mapping (--mapping FILE)");
  if (o.format != SourceFormat::ogr) throw MappingError("trees are read through GDAL/OGR only");
  const Mapping& mapping = *o.mapping;
  if (mapping.kind != RecordKind::trees) {
    throw MappingError("mapping " + mapping.path.string() + " is for works, not trees");
  }
  const std::string file = o.file.string();
  ImportResult result;
  auto& s = result.summary;

  detail::OgrSource source(o.file, mapping);
  RecordMapper mapper(
      mapping, [&](std::string_view name) { return source.field_index(name); },
      source.field_names(), result.report, file);
  const TreeFields fields(mapper);
  const auto srs = detail::source_crs(source, mapping, file);
  // Made here so that a CRS it cannot handle fails before anything starts; then used by the
  // reader thread alone (this thread makes no PROJ call meanwhile: one context, one user).
  const detail::CrsGuard guard(srs.get(), store.srid());
  const auto rules = store.rule_sets().active();
  const auto user = detail::default_user(o);
  detail::Progress progress(o, o.progress ? source.feature_count() : std::optional<std::int64_t>());

  // Two threads, as a pipeline: this one writes to the store (its connection is this
  // thread's), a reader reads the source through GDAL and maps and validates each record. On
  // two cores the import then takes about as long as the slower half instead of both.
  detail::SeenIds seen;
  detail::StemPlausibility plausibility(detail::current_year());
  s.circumference_mapped = fields.stems.index >= 0;
  // Ends after tx. --strict and --dry-run promise a store byte for byte as it was when they
  // write nothing, and switching the journal rewrites the file header (its change counter):
  // they keep the WAL.
  std::unique_ptr<storage::BulkLoadMode> journal;
  if (!o.strict && !o.dry_run) journal = store.backend().bulk_load_mode();
  storage::StoreTransaction tx(store);
  // Declared after tx: its destructor (re-creating SpatiaLite's triggers) runs before tx's
  // rollback when the import ends without commit.
  const auto bulk = store.backend().tree_bulk_writer(user, geo::now_utc());
  auto& writer = *bulk;
  // The first import of a city stores the trees' zones too: the first check finds them
  // current instead of drawing them (a dry run stores nothing).
  if (!o.dry_run) writer.keep_zones(rules);
  detail::BoundedQueue<Batch> batches(kDepth);
  // Written batches go back to the reader, which empties them itself: its strings are then
  // freed by the thread that allocated them, not across threads (glibc's malloc locks the
  // allocating thread's arena for that).
  detail::BoundedQueue<Batch> written_batches(kDepth);
  const auto empty_batch = [&] {
    auto batch = written_batches.try_pop().value_or(Batch());
    batch.clear();
    batch.reserve(kBatch);
    return batch;
  };
  std::int64_t refused_by_mapping = 0;
  bool reader_aborted = false;
  // Declared after everything it uses: leaving this scope by an exception (a store error)
  // requests stop, which releases the reader from a full queue, and joins it before any of
  // that goes away. Its own exception reaches this thread through the queue.
  std::jthread reader([&](std::stop_token stop) {
    std::exception_ptr failed;
    try {
      Batch batch;
      while (!stop.stop_requested() && source.next()) {
        ++s.read;
        progress.tick(s.read);
        const auto problems_before = result.report.problems().size();
        auto m = read_tree(mapper, fields, source, seen, guard, mapping, rules, plausibility);
        if (m.refused) ++refused_by_mapping;
        batch.push_back(std::move(m));
        if (o.strict && result.report.problems().size() > problems_before) {
          reader_aborted = true;
          break;
        }
        if (batch.size() == kBatch) batches.push(std::exchange(batch, empty_batch()), stop);
      }
      if (!batch.empty()) batches.push(std::move(batch), stop);
      progress.finish(s.read);
    } catch (...) {
      failed = std::current_exception();
    }
    batches.close(failed);
  });

  TreeWriting writing{.writer = writer,
                      .mapper = mapper,
                      .rules = rules,
                      .file = file,
                      .s = s,
                      .all_new = writer.started_empty(),
                      .store_problems = {},
                      .refused = 0};
  std::int64_t written = 0;  // batches
  // Once the reader has closed the queue: every batch, then its exception if it failed.
  std::vector<std::string_view> source_ids;
  while (auto batch = batches.pop()) {
    prefetch_stored(writing, *batch, source_ids);
    for (auto& m : *batch) {
      if (m.refused || s.aborted) continue;
      if (!writing.write(m) && o.strict) {
        s.aborted = true;
        reader.request_stop();
      }
    }
    written_batches.try_push(std::move(*batch));
    if (journal && ++written % 16 == 0) journal->write_ahead();
  }
  reader.join();
  s.aborted = s.aborted || reader_aborted;
  s.refused = refused_by_mapping + writing.refused;
  result.report.merge_by_record(writing.store_problems);
  s.implausible_stems = plausibility.flagged();
  if (!s.aborted) add_file_notes(result, plausibility, mapping, file);
  writer.finish();
  detail::conclude(result, store, tx, o);
  s.seconds = detail::seconds_since(start);
  return result;
}

}  // namespace rootzone::importers
