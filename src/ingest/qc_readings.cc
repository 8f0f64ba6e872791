#include "ingest/qc_readings.h"

#include <algorithm>

#include "ingest/pipeline.h"
#include "ingest/text.h"
#include "lab/quality_control.h"
#include "qc/control_rule.h"

namespace aliquot::ingest {
namespace {

// "1-3s, 2-2s": the rules that rejected the run, each once.
std::string rejecting_rules(const qc::RunEvaluation& evaluation) {
  std::vector<std::string> names;
  for (const qc::Violation& violation : evaluation.violations) {
    if (violation.action != qc::RuleAction::kReject) continue;
    std::string name(qc::rule_name(violation.rule));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

std::string unregistered_qc_sample(std::string_view where, std::string_view instrument,
                                   std::string_view sample_id) {
  return std::string(where) + ": QC sample '" + std::string(sample_id) +
         "' is not registered for instrument " + std::string(instrument) +
         "; register its control material with `aliquot qc sample-id set --instrument " +
         std::string(instrument) + " --sample-id " + std::string(sample_id) +
         " --lot LOT --level LEVEL`";
}

Result<std::string> QcReadings::record(store::Transaction& tx, const lab::Context& ctx,
                                       const std::string& instrument, const std::string& source,
                                       core::Instant now, std::vector<std::string>& notes,
                                       std::vector<std::string>& refusals) const {
  if (readings_.empty()) return std::string();
  std::vector<std::string> tests;  // in the order first reported
  for (const QcReading& reading : readings_) {
    if (std::find(tests.begin(), tests.end(), reading.test_code) == tests.end()) {
      tests.push_back(reading.test_code);
    }
  }
  std::vector<std::string> outcomes;
  for (const std::string& test : tests) {
    lab::RecordQcRun command;
    command.instrument = instrument;
    command.test_code = test;
    command.source = source;
    std::optional<core::Instant> latest;
    bool every_time_known = true;
    for (const QcReading& reading : readings_) {
      if (reading.test_code != test) continue;
      command.values.push_back(
          lab::QcValueInput{.material = {.lot = {}, .level = {}, .sample_id = reading.sample_id},
                            .value = reading.value,
                            .label = reading.label});
      if (!reading.measured_at) {
        every_time_known = false;
      } else if (!latest || *reading.measured_at > *latest) {
        latest = reading.measured_at;
      }
    }
    // A run measured later than now is not believed: recorded as measured now, the latest it
    // can have been.
    if (every_time_known && latest && *latest > now) {
      notes.push_back("QC " + test + ": measurement time " + core::format_instant(*latest) +
                      " is in the future (now " + core::format_instant(now) +
                      ": instrument clock ahead?); recorded as measured now");
    } else if (every_time_known) {
      command.measured_at = latest;
    }
    Result<lab::RecordedQcRun> recorded = lab::record_qc_run(tx, ctx, command);
    if (!recorded.has_value()) {
      if (is_store_failure(recorded.error())) return recorded.error();
      // Each line names the run; a line about one value keeps its place in the message first,
      // where the HL7 reply locates it ("OBX(3): ...").
      const std::string run = "QC run of " + test + " on " + instrument + ": ";
      std::size_t start = 0;
      const std::string& message = recorded.error().message();
      while (start <= message.size()) {
        std::size_t end = message.find('\n', start);
        if (end == std::string::npos) end = message.size();
        const std::string line = message.substr(start, end - start);
        std::string located;
        for (const lab::QcValueInput& value : command.values) {
          if (line.starts_with(value.label + ": ")) {
            located = value.label + ": " + run + line.substr(value.label.size() + 2);
            break;
          }
        }
        refusals.push_back(located.empty() ? run + line : located);
        start = end + 1;
      }
      continue;
    }
    std::string outcome = test + " " + std::string(qc::status_name(recorded->evaluation.status));
    if (recorded->evaluation.status == qc::RunStatus::kReject) {
      outcome += " (" + rejecting_rules(recorded->evaluation) + "; " +
                 std::to_string(recorded->held.size()) + " patient result(s) held";
      if (!recorded->released.empty()) {
        outcome += ", " + std::to_string(recorded->released.size()) + " released to review";
      }
      outcome += ")";
    }
    outcomes.push_back(std::move(outcome));
  }
  if (outcomes.empty()) return std::string();
  std::string summary = std::to_string(outcomes.size()) + " QC run(s) recorded:";
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    summary += (i == 0 ? " " : ", ") + outcomes[i];
  }
  return summary;
}

}  // namespace aliquot::ingest
