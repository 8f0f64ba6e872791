#include "server/api/lab_metrics.h"

#include <map>
#include <memory>
#include <sstream>

namespace aliquot::server::api {
namespace {

// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
std::string label_value(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

std::uint64_t seen(const std::map<std::string, std::uint64_t>& actions, const char* action) {
  const auto found = actions.find(action);
  return found == actions.end() ? 0 : found->second;
}

}  // namespace

std::string lab_exposition(store::Store& store, const EventHub* events, const PatientReadLog* reads,
                           const ViewCache* views) {
  std::ostringstream out;
  const auto gauges = [&]() -> Result<store::LabGauges> {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store.begin(store::TransactionMode::kRead));
    return tx->lab_gauges();
  }();
  header(out, "aliquot_metrics_errors", "gauge",
         "Whether this scrape could not read the lab's database (1) or could (0).");
  out << "aliquot_metrics_errors " << (gauges ? 0 : 1) << '\n';
  if (gauges) {
    header(out, "aliquot_results_open", "gauge",
           "Results waiting, by status (pending: not measured; preliminary: measured, not "
           "released) and section.");
    for (const store::LabGauges::OpenResults& open : gauges->open_results) {
      out << "aliquot_results_open{status=\"" << label_value(open.status) << "\",section=\""
          << label_value(open.section) << "\"} " << open.count << '\n';
    }
    header(out, "aliquot_results_held", "gauge",
           "Preliminary results held for review by a rule, QC or an instrument flag.");
    out << "aliquot_results_held " << gauges->held_results << '\n';
    header(out, "aliquot_outbox_pending", "gauge", "Outgoing messages not delivered yet.");
    out << "aliquot_outbox_pending " << gauges->outbox_pending << '\n';
    header(out, "aliquot_outbox_failed", "gauge",
           "Outgoing messages given up after their retries (aliquot outbox list --status failed).");
    out << "aliquot_outbox_failed " << gauges->outbox_failed << '\n';
    header(out, "aliquot_quarantine_held", "gauge",
           "Refused messages waiting for the lab (aliquot quarantine list).");
    out << "aliquot_quarantine_held " << gauges->quarantine_held << '\n';
  }
  if (events) {
    const std::map<std::string, std::uint64_t> actions = events->actions_seen();
    header(out, "aliquot_results_released_total", "counter",
           "Results released since the server started, by a person or by autoverification.");
    out << "aliquot_results_released_total{by=\"person\"} " << seen(actions, "result.release")
        << '\n';
    out << "aliquot_results_released_total{by=\"autoverification\"} "
        << seen(actions, "result.autoverify") << '\n';
    header(out, "aliquot_results_qc_held_total", "counter",
           "Results held by a rejected QC run since the server started.");
    out << "aliquot_results_qc_held_total " << seen(actions, "result.qc_hold") << '\n';
    header(out, "aliquot_results_corrected_total", "counter",
           "Released results corrected since the server started.");
    out << "aliquot_results_corrected_total " << seen(actions, "result.correct") << '\n';
    header(out, "aliquot_critical_calls_total", "counter",
           "Critical calls documented since the server started.");
    out << "aliquot_critical_calls_total " << seen(actions, "critical_call.document") << '\n';
    header(out, "aliquot_event_subscribers", "gauge",
           "Browsers following live updates (GET /api/events).");
    out << "aliquot_event_subscribers " << events->subscribers() << '\n';
  }
  if (reads) {
    header(out, "aliquot_patient_reads_written_total", "counter",
           "Reads of patient data recorded since the server started.");
    out << "aliquot_patient_reads_written_total " << reads->written() << '\n';
    header(out, "aliquot_patient_reads_queued", "gauge",
           "Reads of patient data waiting to be written to the read log.");
    out << "aliquot_patient_reads_queued " << reads->queued() << '\n';
    header(out, "aliquot_patient_reads_coalesced_total", "counter",
           "Reads of patient data not logged again: repeats within a minute of a logged one.");
    out << "aliquot_patient_reads_coalesced_total " << reads->coalesced() << '\n';
  }
  if (views) {
    header(out, "aliquot_view_cache_hits_total", "counter",
           "Worklist, patient and specimen answers given again: nothing changed since.");
    out << "aliquot_view_cache_hits_total " << views->hits() << '\n';
    header(out, "aliquot_view_cache_misses_total", "counter",
           "Worklist, patient and specimen answers read from the database.");
    out << "aliquot_view_cache_misses_total " << views->misses() << '\n';
    header(out, "aliquot_view_cache_bytes", "gauge", "Bytes of answers kept.");
    out << "aliquot_view_cache_bytes " << views->bytes() << '\n';
  }
  return out.str();
}

}  // namespace aliquot::server::api
