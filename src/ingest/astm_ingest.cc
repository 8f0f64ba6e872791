#include "ingest/astm_ingest.h"

#include <sodium.h>

#include <array>
#include <cstdio>

#include "calc/default_calculation_set.h"
#include "ingest/measurement_time.h"
#include "ingest/qc_readings.h"
#include "ingest/text.h"
#include "ingest/time_reader.h"
#include "lab/reruns.h"
#include "lab/use_cases.h"

namespace aliquot::ingest {
namespace {

std::string sha256_hex(const std::vector<std::string>& records) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (const std::string& record : records) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(record.data()),
                              record.size());
    const unsigned char cr = '\r';
    crypto_hash_sha256_update(&state, &cr, 1);
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::string hex;
  for (unsigned char byte : digest) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", byte);
    hex += two;
  }
  return hex;
}

std::string value_of(const astm::Record& record, std::size_t field, std::size_t component) {
  return trim(astm::unescape(record.component(field, 1, component), record.delimiters()));
}

}  // namespace

AstmIngest::AstmIngest(const catalog::Catalog& catalog, const InstrumentProfiles& profiles,
                       const core::Clock& clock, const rules::RuleSet* rules,
                       const qc::QcPolicy* qc_policy, const people::Requirements* personnel)
    : catalog_(catalog),
      rules_(rules),
      qc_policy_(qc_policy),
      personnel_(personnel),
      profiles_(profiles),
      clock_(clock) {}

std::unique_ptr<AstmReceived> AstmIngest::receive(std::vector<std::string> records,
                                                  std::string peer) const {
  auto received = std::make_unique<AstmReceived>();
  received->records = std::move(records);
  received->peer = std::move(peer);
  received->received_at = clock_.now();
  received->message_id = sha256_hex(received->records);
  for (const std::string& record : received->records) {
    if (!received->shape.empty()) received->shape += "-";
    received->shape += record.empty() ? "?" : record.substr(0, 1);
  }
  if (received->records.empty()) {
    received->unreadable = invalid_argument("the message holds no record");
    return received;
  }
  Result<astm::Delimiters> delimiters = astm::delimiters_from_header(received->records.front());
  if (!delimiters.has_value()) {
    received->unreadable = invalid_argument("record 1: " + delimiters.error().message());
    return received;
  }
  received->delimiters = *delimiters;
  const astm::Record header(received->records.front(), received->delimiters);
  received->sender = value_of(header, 5, 1);
  return received;
}

Result<std::string> AstmIngest::apply(store::Transaction& tx, AstmReceived& received) const {
  if (received.unreadable) return *received.unreadable;
  received.reply.clear();
  const InstrumentProfile* profile = profiles_.find_by_sender(Protocol::kAstm, received.sender);
  if (profile == nullptr) {
    return not_found("record 1 (H-5): sender '" + received.sender +
                     "' has no instrument profile; add one under interfaces/instruments/");
  }

  std::vector<lab::PostResults> posts;
  std::vector<MeasurementTimes> measured;  // R-13 of the values of each post
  QcReadings controls;                     // the values of QC orders
  std::vector<std::string> problems;
  // What the message tells without refusing it: a measurement time not used.
  std::vector<std::string> notes;
  TimeReader times(tx);
  int not_reported = 0, queries = 0;
  // The sample id of the QC order the R records belong to; nullopt under a patient order.
  std::optional<std::string> qc_sample;
  // Whether that QC order is one the lab does not keep in aliquot (the instrument has no QC
  // sample id registered: its QC is kept elsewhere): its values are counted, not filed.
  bool qc_kept_elsewhere = false;
  int controls_not_filed = 0;
  // R-13, the time the test was completed, on the instrument's clock: a time that cannot be read
  // does not refuse the results, it only leaves the value measured on receipt (nullopt).
  auto completed_at = [&](const astm::Record& record,
                          const std::string& where) -> Result<std::optional<core::Instant>> {
    const std::string completed = value_of(record, 13, 1);
    if (completed.empty()) return std::optional<core::Instant>();
    Result<core::Instant> at = times.read_astm(completed);
    if (at.has_value()) return std::optional<core::Instant>(*at);
    if (is_store_failure(at.error())) return at.error();
    notes.push_back(where + " (R-13): " + at.error().message() + "; judged as measured now");
    return std::optional<core::Instant>();
  };
  for (std::size_t i = 0; i < received.records.size(); ++i) {
    const astm::Record record(received.records[i], received.delimiters);
    const std::string where = "record " + std::to_string(i + 1);
    switch (record.type()) {
      case astm::RecordType::kOrder: {
        const auto field = static_cast<std::size_t>(profile->specimen_id_field);
        const std::string specimen =
            value_of(record, field, static_cast<std::size_t>(profile->specimen_id_component));
        const std::string id_field = where + " (O-" + std::to_string(field) + ")";
        // A control sample: O-12 action code Q (LIS02-A2 section 9.4.12), or a sample id the
        // lab registered for a control material (many analyzers report QC with the action code
        // of patient samples).
        const bool flagged = value_of(record, 12, 1) == "Q";
        qc_sample.reset();
        qc_kept_elsewhere = false;
        if (!specimen.empty()) {
          ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> material,
                                   tx.find_qc_sample_id(profile->id, specimen));
          if (material) {
            qc_sample = specimen;
          } else if (flagged) {
            qc_sample = specimen;  // its results are not patient results either
            ALIQUOT_ASSIGN_OR_RETURN(const bool keeps_qc, tx.has_qc_sample_ids(profile->id));
            if (keeps_qc) {
              problems.push_back(unregistered_qc_sample(id_field, profile->id, specimen));
            } else {
              qc_kept_elsewhere = true;
              ++controls_not_filed;
            }
          }
        } else if (flagged) {
          problems.push_back(id_field + ": QC order without a sample id in component " +
                             std::to_string(profile->specimen_id_component));
          qc_sample = specimen;
        }
        if (qc_sample) break;
        if (specimen.empty()) {
          problems.push_back(id_field + ": no specimen id in component " +
                             std::to_string(profile->specimen_id_component));
        }
        posts.push_back(
            {specimen, {}, profile->name, profile->id, {}, std::nullopt, profile->point_of_care});
        measured.emplace_back();
        break;
      }
      case astm::RecordType::kResult: {
        if (!qc_sample && posts.empty()) {
          problems.push_back(where + ": result outside any order record");
          break;
        }
        const std::string status = value_of(record, 9, 1);
        if (status == "X" || status == "I") {
          ++not_reported;
          break;
        }
        const std::string code =
            value_of(record, 3, static_cast<std::size_t>(profile->test_code_component));
        // A serum index is no result: it goes with the specimen to the rules (a control's
        // indices say nothing of any patient specimen).
        if (const std::optional<SerumIndex> index = index_for_code(*profile, code)) {
          if (qc_sample) break;
          if (Result<void> set =
                  set_serum_index(*index, code, value_of(record, 4, 1), posts.back().indices);
              !set.has_value()) {
            problems.push_back(where + " (R-4): " + set.error().message());
          }
          break;
        }
        const std::string unit = value_of(record, 5, 1);
        Result<MappedTest> mapped = map_test(*profile, code, unit, catalog_);
        if (!mapped.has_value()) {
          problems.push_back(where + " (R-3): " + mapped.error().message());
          break;
        }
        if (mapped->test_code.empty()) break;  // a code the lab does not file
        ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Instant> at,
                                 completed_at(record, where));
        if (qc_sample) {
          if (!qc_kept_elsewhere) {
            controls.add({*qc_sample, mapped->test_code, value_of(record, 4, 1), where, at});
          }
          break;
        }
        // R-7: the instrument's abnormal flags; the rules decide which of them hold the result.
        std::vector<std::string> flags;
        if (std::string flag = value_of(record, 7, 1); !flag.empty()) {
          flags.push_back(std::move(flag));
        }
        if (at) {
          measured.back().add(*at);
        } else {
          measured.back().add_unknown();
        }
        // R-11: who performed the test, recorded with the value and checked for their
        // qualification on a point-of-care device.
        posts.back().values.push_back({mapped->test_code, value_of(record, 4, 1), mapped->unit,
                                       where, std::move(flags), value_of(record, 11, 1)});
        break;
      }
      case astm::RecordType::kQuery: {
        ++queries;
        ALIQUOT_RETURN_IF_ERROR(answer_query(tx, *profile, record, received));
        break;
      }
      default: break;
    }
  }
  if (!problems.empty()) return invalid_argument(join_lines(problems));

  const bool has_patient_results = std::any_of(
      posts.begin(), posts.end(), [](const lab::PostResults& p) { return !p.values.empty(); });
  const bool has_results = has_patient_results || !controls.empty();
  if (has_results) {
    ALIQUOT_ASSIGN_OR_RETURN(
        const std::optional<store::AppliedMessage> earlier,
        tx.find_applied_message(store::Channel::kAstm, received.sender, received.message_id));
    if (earlier) {
      return "duplicate of the message applied " + core::format_instant(earlier->applied_at) +
             " (" + earlier->summary + "); not applied again";
    }
  }
  core::User actor;
  actor.username = profile->account();
  // The lab's calculations: calculated tests (eGFR, anion gap) are computed from what arrives.
  const lab::Context ctx{.catalog = catalog_,
                         .clock = clock_,
                         .actor = actor,
                         .rules = rules_,
                         .qc_policy = qc_policy_,
                         .calculations = &calc::default_calculation_set(),
                         .personnel = personnel_};
  int recorded = 0, unchanged = 0, specimens = 0;
  std::vector<std::string> refusals;
  // QC first: the runs the message reports are in the store when its patient values are judged.
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::string qc_summary,
      controls.record(tx, ctx, profile->id,
                      "ASTM " + profile->id + " message " + received.message_id.substr(0, 12),
                      clock_.now(), notes, refusals));
  for (std::size_t i = 0; i < posts.size(); ++i) {
    lab::PostResults& post = posts[i];
    if (post.values.empty()) continue;
    ++specimens;
    ALIQUOT_RETURN_IF_ERROR(settle_measured_at(tx, clock_.now(), measured[i], post, notes));
    Result<lab::PostedResults> posted = lab::post_results(tx, ctx, post);
    if (!posted.has_value()) {
      if (is_store_failure(posted.error())) return posted.error();
      refusals.push_back("specimen " + post.accession_number + ": " + posted.error().message());
      continue;
    }
    recorded += posted->recorded;
    unchanged += posted->unchanged;
  }
  if (!refusals.empty()) return failed_precondition(join_lines(refusals));

  std::string summary;
  if (has_results) {
    if (has_patient_results) {
      summary = std::to_string(recorded) + " result(s) recorded on " + std::to_string(specimens) +
                " specimen(s)";
      if (unchanged > 0) summary += ", " + std::to_string(unchanged) + " already stored";
    }
    if (!qc_summary.empty()) summary += (summary.empty() ? "" : "; ") + qc_summary;
    if (not_reported > 0) summary += ", " + std::to_string(not_reported) + " not reported";
    for (const std::string& note : notes) summary += "; " + note;
    store::AppliedMessage applied{store::Channel::kAstm, received.sender, received.message_id,
                                  clock_.now(), summary};
    ALIQUOT_RETURN_IF_ERROR(tx.insert_applied_message(applied));
  }
  if (queries > 0) {
    summary += (summary.empty() ? "" : "; ") + std::to_string(queries) + " query(ies) answered";
  }
  if (controls_not_filed > 0) {
    summary += (summary.empty() ? "" : "; ") + std::to_string(controls_not_filed) +
               " QC sample(s) not filed: no QC sample id is registered for " + profile->id +
               " (its QC is kept elsewhere; `aliquot qc sample-id set` brings it here)";
  }
  if (summary.empty()) summary = "nothing to record";
  return summary;
}

Result<void> AstmIngest::answer_query(store::Transaction& tx, const InstrumentProfile& profile,
                                      const astm::Record& query, AstmReceived& received) const {
  const astm::Delimiters& d = received.delimiters;
  // Q-3 starting range: patient id ^ specimen id ^ ...; instruments fill one or the other.
  std::string specimen_id = value_of(query, 3, 2);
  if (specimen_id.empty()) specimen_id = value_of(query, 3, 1);
  const std::string f(1, d.field), c(1, d.component), r(1, d.repeat);
  if (received.reply.empty()) {
    received.reply.push_back("H" + f + r + c + d.escape + f + f + f + "aliquot" + f + f + f + f +
                             f + f + f + "P" + f + "1");
  }
  // Reverse map: the instrument's code for each catalog test it performs.
  auto instrument_code = [&](const std::string& test_code) -> std::string {
    for (const auto& [code, mapping] : profile.codes) {
      if (mapping.test_code == test_code) return code;
    }
    return "";
  };
  std::vector<std::string> codes;
  std::optional<core::Specimen> specimen;
  std::optional<core::Patient> patient;
  if (!specimen_id.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(specimen, tx.find_specimen_by_accession(specimen_id));
  }
  if (specimen && specimen->status == core::SpecimenStatus::kReceived) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                             tx.results_for_specimen(specimen->id));
    for (const core::TestResult& result : results) {
      // A test still to measure, or one measured whose rerun was asked for (lab/reruns.h).
      if (result.status == core::ResultStatus::kPreliminary) {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> holds,
                                 tx.holds_for_result(result.id));
        if (lab::rerun_request(holds) == nullptr) continue;
      } else if (result.status != core::ResultStatus::kPending) {
        continue;
      }
      if (std::string code = instrument_code(result.test_code); !code.empty()) {
        codes.push_back(std::move(code));
      }
    }
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Order> order,
                             tx.find_order(specimen->order_id));
    if (order) {
      ALIQUOT_ASSIGN_OR_RETURN(patient, tx.find_patient(order->patient_id));
    }
  }
  if (codes.empty() || !patient) {
    // Nothing for this instrument on that specimen (unknown, not received, or all done).
    received.reply.push_back("L" + f + "1" + f + "I");
    return ok();
  }
  const int patient_number = static_cast<int>(received.reply.size());
  received.reply.push_back("P" + f + std::to_string(patient_number) + f + f + patient->mrn + f + f +
                           patient->family_name + c + patient->given_name);
  std::string tests;
  for (const std::string& code : codes) {
    if (!tests.empty()) tests += r;
    for (int i = 1; i < profile.test_code_component; ++i) tests += c;
    tests += code;
  }
  std::string specimen_field;
  for (int i = 1; i < profile.specimen_id_component; ++i) specimen_field += c;
  specimen_field += specimen->accession_number;
  // O-26 report type Q: the response to a query (LIS02-A2 section 9.4.26). The specimen id goes
  // where the instrument reads it (O-3, or O-4 for instruments that report it there).
  const bool in_o3 = profile.specimen_id_field == 3;
  std::string order = "O" + f + "1" + f + (in_o3 ? specimen_field : "") + f +
                      (in_o3 ? "" : specimen_field) + f + tests + f + "R";
  for (int field = 7; field <= 26; ++field) order += f + std::string(field == 26 ? "Q" : "");
  received.reply.push_back(order);
  received.reply.push_back("L" + f + "1" + f + "N");
  return ok();
}

Result<void> AstmIngest::quarantine(store::Transaction& tx, const AstmReceived& received,
                                    const Error& why) const {
  store::QuarantinedMessage held;
  held.received_at = received.received_at;
  held.channel = store::Channel::kAstm;
  held.sender = received.sender;
  held.message_id = received.message_id;
  held.message_type = received.shape;
  held.peer = received.peer;
  held.reason = why.message();
  for (const std::string& record : received.records) held.content += record + "\r";
  Result<store::QuarantinedMessage> kept = tx.insert_quarantined_message(held);
  if (!kept.has_value()) return kept.error();
  return ok();
}

Job AstmIngest::job(std::shared_ptr<AstmReceived> received,
                    std::function<void(const JobOutcome&)> done) const {
  Job job;
  job.apply = [this, received](store::Transaction& tx) { return apply(tx, *received); };
  job.on_refused = [this, received](store::Transaction& tx, const Error& why) {
    return quarantine(tx, *received, why);
  };
  job.on_done = std::move(done);
  return job;
}

}  // namespace aliquot::ingest
