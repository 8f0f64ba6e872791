#include "simulate/day_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <vector>

#include "audit/chain.h"
#include "core/enums.h"

namespace aliquot::simulate {
namespace {

constexpr std::int64_t kAuditPage = 2000;

// Nearest-rank percentile of sorted values: the smallest value with at least p% at or below it.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double minutes_between(core::Instant from, core::Instant to) {
  return std::chrono::duration<double, std::ratio<60>>(to - from).count();
}

struct Samples {
  std::vector<double> receipt_to_release;
  std::vector<double> collection_to_release;
};

Turnaround summarize(Samples& samples) {
  std::sort(samples.receipt_to_release.begin(), samples.receipt_to_release.end());
  std::sort(samples.collection_to_release.begin(), samples.collection_to_release.end());
  Turnaround t;
  t.results = static_cast<int>(samples.receipt_to_release.size());
  t.receipt_to_release_median = percentile(samples.receipt_to_release, 50);
  t.receipt_to_release_p90 = percentile(samples.receipt_to_release, 90);
  t.collection_to_release_median = percentile(samples.collection_to_release, 50);
  t.collection_to_release_p90 = percentile(samples.collection_to_release, 90);
  return t;
}

// Minutes rounded to one decimal, so that summaries print and compare as people read them.
double tidy(double minutes) { return std::round(minutes * 10) / 10; }

Turnaround tidy(Turnaround t) {
  t.receipt_to_release_median = tidy(t.receipt_to_release_median);
  t.receipt_to_release_p90 = tidy(t.receipt_to_release_p90);
  t.collection_to_release_median = tidy(t.collection_to_release_median);
  t.collection_to_release_p90 = tidy(t.collection_to_release_p90);
  return t;
}

nlohmann::json to_json(const Turnaround& t) {
  return {{"results", t.results},
          {"receipt_to_release_minutes",
           {{"median", t.receipt_to_release_median}, {"p90", t.receipt_to_release_p90}}},
          {"collection_to_release_minutes",
           {{"median", t.collection_to_release_median}, {"p90", t.collection_to_release_p90}}}};
}

std::string percent(int part, int whole) {
  if (whole == 0) return "0%";
  return fmt::format("{:.1f}%", 100.0 * part / whole);
}

}  // namespace

Result<DaySummary> summarize_day(store::Store& store) {
  ALIQUOT_ASSIGN_OR_RETURN(auto tx, store.begin(store::TransactionMode::kRead));
  DaySummary summary;

  // Every patient the lab has a record of appears in the audit trail, which records each
  // registration; patients are taken in the order they were first recorded.
  std::vector<std::string> mrns;
  std::set<std::string> seen;
  for (std::int64_t from = 1;;) {
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::AuditEntry> page,
                             tx->audit_entries(from, kAuditPage));
    for (const core::AuditEntry& entry : page) {
      std::string mrn = entry.entity_type == "patient" ? entry.entity_key : entry.patient_mrn;
      if (!mrn.empty() && seen.insert(mrn).second) mrns.push_back(std::move(mrn));
    }
    if (static_cast<std::int64_t>(page.size()) < kAuditPage) break;
    from = page.back().sequence + 1;
  }

  std::map<std::string, Samples> by_priority;
  std::map<std::string, Samples> by_section;
  std::vector<double> call_minutes;
  std::string first_critical_mrn;
  std::string first_critical_accession;
  std::string busiest_mrn;
  std::size_t busiest_results = 0;

  for (const std::string& mrn : mrns) {
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Patient> patient, tx->find_patient_by_mrn(mrn));
    if (!patient) continue;  // named in the trail but not registered (a refused step)
    ++summary.patients;
    bool patient_critical = false;
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::Order> orders, tx->orders_for_patient(patient->id));
    std::size_t patient_results = 0;
    for (const core::Order& order : orders) {
      ++summary.orders;
      const std::string priority(core::to_code(order.priority));
      ++summary.orders_by_priority[priority];

      ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::Specimen> specimens,
                               tx->specimens_for_order(order.id));
      std::map<std::int64_t, const core::Specimen*> specimen_by_id;
      std::vector<const core::Specimen*> rejected;
      for (const core::Specimen& specimen : specimens) {
        specimen_by_id[specimen.id] = &specimen;
        ++summary.specimens;
        if (specimen.received_at) ++summary.specimens_received;
        if (specimen.status == core::SpecimenStatus::kRejected) {
          ++summary.specimens_rejected;
          if (summary.example_rejected_accession.empty()) {
            summary.example_rejected_accession = specimen.accession_number;
          }
          const std::string reason = specimen.rejection_reason
                                         ? std::string(core::to_code(*specimen.rejection_reason))
                                         : std::string("unspecified");
          ++summary.rejected_by_reason[reason];
        }
        // A recollection: same container as a specimen of this order rejected before it was drawn.
        for (const core::Specimen* earlier : rejected) {
          if (earlier->container_type == specimen.container_type &&
              earlier->specimen_type == specimen.specimen_type && earlier->rejected_at &&
              *earlier->rejected_at <= specimen.collected_at) {
            ++summary.recollections;
            break;
          }
        }
        if (specimen.status == core::SpecimenStatus::kRejected) rejected.push_back(&specimen);
      }

      ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                               tx->results_for_order(order.id));
      patient_results += results.size();
      for (const core::TestResult& result : results) {
        ++summary.results_ordered;
        if (result.status == core::ResultStatus::kCancelled) {
          ++summary.results_cancelled;
          continue;
        }
        if (!core::is_released(result.status)) {
          ++summary.results_pending;
          continue;
        }
        ++summary.results_released;
        if (result.flag != core::AbnormalFlag::kNone) ++summary.results_abnormal;
        const auto specimen_it = specimen_by_id.find(result.specimen_id);
        const core::Specimen* specimen =
            specimen_it == specimen_by_id.end() ? nullptr : specimen_it->second;
        if (core::is_critical(result.flag)) {
          ++summary.results_critical;
          patient_critical = true;
          ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::CriticalCall> calls,
                                   tx->critical_calls_for_result(result.id));
          std::optional<core::Instant> first_call;
          for (const core::CriticalCall& call : calls) {
            if (call.read_back_confirmed && call.result_revision == result.revision &&
                (!first_call || call.called_at < *first_call)) {
              first_call = call.called_at;
            }
          }
          if (first_call) {
            ++summary.criticals_called;
            if (result.entered_at)
              call_minutes.push_back(minutes_between(*result.entered_at, *first_call));
            if (first_critical_mrn.empty() && specimen) {
              first_critical_mrn = mrn;
              first_critical_accession = specimen->accession_number;
            }
          }
        }
        if (specimen && specimen->received_at && result.released_at) {
          const double from_receipt = minutes_between(*specimen->received_at, *result.released_at);
          const double from_collection =
              minutes_between(specimen->collected_at, *result.released_at);
          for (Samples* samples : {&by_priority[priority], &by_section[result.section]}) {
            samples->receipt_to_release.push_back(from_receipt);
            samples->collection_to_release.push_back(from_collection);
          }
        }
      }
    }
    if (patient_critical) ++summary.patients_with_critical;
    if (patient_results > busiest_results) {
      busiest_results = patient_results;
      busiest_mrn = mrn;
    }
  }

  for (auto& [priority, samples] : by_priority) {
    summary.turnaround_by_priority[priority] = tidy(summarize(samples));
  }
  for (auto& [section, samples] : by_section) {
    summary.turnaround_by_section[section] = tidy(summarize(samples));
  }
  std::sort(call_minutes.begin(), call_minutes.end());
  summary.critical_call_median_minutes = tidy(percentile(call_minutes, 50));
  summary.critical_call_max_minutes = call_minutes.empty() ? 0 : tidy(call_minutes.back());

  summary.example_mrn = first_critical_mrn.empty() ? busiest_mrn : first_critical_mrn;
  summary.example_accession = first_critical_accession;

  ALIQUOT_ASSIGN_OR_RETURN(const audit::VerifyReport report, audit::verify(*tx));
  summary.audit_entries = report.entries_checked;
  summary.audit_intact = report.intact;
  return summary;
}

nlohmann::json to_json(const DaySummary& s) {
  nlohmann::json by_priority = nlohmann::json::object();
  for (const auto& [priority, t] : s.turnaround_by_priority) by_priority[priority] = to_json(t);
  nlohmann::json by_section = nlohmann::json::object();
  for (const auto& [section, t] : s.turnaround_by_section) by_section[section] = to_json(t);
  return {
      {"patients", s.patients},
      {"patients_with_critical", s.patients_with_critical},
      {"orders", {{"total", s.orders}, {"by_priority", s.orders_by_priority}}},
      {"specimens",
       {{"total", s.specimens},
        {"received", s.specimens_received},
        {"rejected", s.specimens_rejected},
        {"rejected_by_reason", s.rejected_by_reason},
        {"recollections", s.recollections}}},
      {"results",
       {{"ordered", s.results_ordered},
        {"released", s.results_released},
        {"abnormal", s.results_abnormal},
        {"critical", s.results_critical},
        {"cancelled", s.results_cancelled},
        {"pending", s.results_pending}}},
      {"critical_calls",
       {{"called_with_read_back", s.criticals_called},
        {"minutes_from_entry",
         {{"median", s.critical_call_median_minutes}, {"max", s.critical_call_max_minutes}}}}},
      {"turnaround", {{"by_priority", by_priority}, {"by_section", by_section}}},
      {"audit", {{"entries", s.audit_entries}, {"intact", s.audit_intact}}},
      {"example",
       {{"mrn", s.example_mrn},
        {"accession_number", s.example_accession},
        {"rejected_accession_number", s.example_rejected_accession}}},
  };
}

void print_summary(const DaySummary& s, std::ostream& out) {
  auto line = [&out](std::string_view label, const std::string& text) {
    out << fmt::format("  {:<18}{}\n", label, text);
  };
  auto count_of = [](const std::map<std::string, int>& counts, const std::string& key) {
    const auto it = counts.find(key);
    return it == counts.end() ? 0 : it->second;
  };

  line("Patients",
       fmt::format("{}  ({} with a critical result)", s.patients, s.patients_with_critical));
  line("Orders",
       fmt::format("{}  (routine {}, ASAP {}, STAT {})", s.orders,
                   count_of(s.orders_by_priority, "routine"),
                   count_of(s.orders_by_priority, "asap"), count_of(s.orders_by_priority, "stat")));
  std::string reasons;
  for (const auto& [reason, count] : s.rejected_by_reason) {
    reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, count);
  }
  line("Specimens", fmt::format("{}  received {}, rejected {} ({}{}), recollected {}", s.specimens,
                                s.specimens_received, s.specimens_rejected,
                                percent(s.specimens_rejected, s.specimens),
                                reasons.empty() ? "" : ": " + reasons, s.recollections));
  line("Results", fmt::format("{} ordered: released {}, abnormal {} ({}), critical {}",
                              s.results_ordered, s.results_released, s.results_abnormal,
                              percent(s.results_abnormal, s.results_released), s.results_critical));
  line("", fmt::format("cancelled {} (rejected specimens), still open at midnight {}",
                       s.results_cancelled, s.results_pending));
  line("Critical calls",
       fmt::format("{} of {} released criticals called with read-back before release; "
                   "{:.1f} min median after entry (max {:.1f})",
                   s.criticals_called, s.results_critical, s.critical_call_median_minutes,
                   s.critical_call_max_minutes));
  out << "\n  Turnaround of released results in minutes, median / 90th percentile\n";
  out << fmt::format("    {:<16}{:>8}   {:>20}   {:>22}\n", "", "results", "receipt -> release",
                     "collection -> release");
  auto row = [&out](const std::string& name, const Turnaround& t) {
    out << fmt::format("    {:<16}{:>8}   {:>9.1f} / {:>8.1f}   {:>11.1f} / {:>8.1f}\n", name,
                       t.results, t.receipt_to_release_median, t.receipt_to_release_p90,
                       t.collection_to_release_median, t.collection_to_release_p90);
  };
  out << "    by priority\n";
  for (const std::string priority : {"stat", "asap", "routine"}) {
    if (const auto it = s.turnaround_by_priority.find(priority);
        it != s.turnaround_by_priority.end()) {
      row("  " + std::string(priority == "asap"   ? "ASAP"
                             : priority == "stat" ? "STAT"
                                                  : "routine"),
          it->second);
    }
  }
  out << "    by section\n";
  for (const auto& [section, t] : s.turnaround_by_section) row("  " + section, t);
  out << fmt::format("\n  Audit trail: {} entries, hash chain {}\n", s.audit_entries,
                     s.audit_intact ? "intact" : "BROKEN");
}

}  // namespace aliquot::simulate
