#include "report/text_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::report {
namespace {

constexpr std::string_view kIndent = "  ";

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Breaks `text` into lines of at most `width` columns at spaces; the first line starts with
// `first`, the others with `rest` (a hanging indent). A word longer than a line stays whole.
std::string wrap(std::string_view text, std::size_t width, std::string_view first,
                 std::string_view rest) {
  std::string out;
  std::string line(first);
  std::size_t line_width = display_width(first);
  bool line_has_word = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t space = text.find(' ', pos);
    const std::string_view word =
        text.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos);
    pos = space == std::string_view::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    const std::size_t word_width = display_width(word);
    if (line_has_word && line_width + 1 + word_width > width) {
      out += line + '\n';
      line = std::string(rest);
      line_width = display_width(rest);
      line_has_word = false;
    }
    if (line_has_word) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += word_width;
    line_has_word = true;
  }
  out += line + '\n';
  return out;
}

std::string test_name(const lab::ResultDetail& detail) {
  return detail.test != nullptr && !detail.test->name.empty() ? detail.test->name
                                                              : detail.result.test_code;
}

std::string catalog_unit(const lab::ResultDetail& detail) {
  return detail.test != nullptr ? detail.test->unit : std::string();
}

std::string section_of(const lab::ResultDetail& detail) {
  if (!detail.result.section.empty()) return detail.result.section;
  if (detail.test != nullptr && !detail.test->section.empty()) return detail.test->section;
  return "other";
}

std::string status_word(core::ResultStatus status) {
  switch (status) {
    case core::ResultStatus::kFinal: return "final";
    case core::ResultStatus::kCorrected: return "CORRECTED";
    case core::ResultStatus::kCancelled: return "cancelled";
    case core::ResultStatus::kPending:
    case core::ResultStatus::kPreliminary: return "pending";
  }
  return "pending";
}

// The notes printed under a section's table for one result: corrections, critical calls,
// cancellations.
std::vector<std::string> notes_for(const lab::ResultDetail& detail) {
  std::vector<std::string> notes;
  const core::TestResult& result = detail.result;
  const std::string name = test_name(detail);
  if (result.status == core::ResultStatus::kCancelled) {
    std::string note = name + ": cancelled";
    if (result.cancelled_at) note += " " + display_time(*result.cancelled_at);
    if (!result.cancelled_by.empty()) note += " by " + result.cancelled_by;
    if (!result.cancel_reason.empty()) note += "; reason: " + result.cancel_reason;
    notes.push_back(note + ".");
    return notes;
  }
  if (!core::is_released(result.status)) return notes;

  for (const core::ResultRevision& revision : detail.revisions) {
    std::string note = name + ": CORRECTED " + display_time(revision.replaced_at);
    if (!revision.replaced_by.empty()) note += " by " + revision.replaced_by;
    note += "; previous value " + display_value(revision.value, catalog_unit(detail));
    const std::string previous_flag(core::to_code(revision.flag));
    if (!previous_flag.empty()) note += " (" + previous_flag + ")";
    note += ", released " + display_time(revision.released_at);
    if (!revision.released_by.empty()) note += " by " + revision.released_by;
    note +=
        "; reason: " + (revision.reason.empty() ? std::string("not recorded") : revision.reason);
    notes.push_back(note + ".");
  }
  if (detail.revisions.empty() && result.status == core::ResultStatus::kCorrected) {
    // A corrected result always has its earlier value kept; say so rather than stay silent.
    notes.push_back(name + ": CORRECTED; reason: " + result.correction_reason +
                    " (earlier value not on record).");
  }
  for (const core::CriticalCall& call : detail.critical_calls) {
    std::string note = name + ": critical value called to " + call.called_to;
    if (!call.called_by.empty()) note += " by " + call.called_by;
    note += " at " + display_time(call.called_at);
    note += call.read_back_confirmed ? ", read-back confirmed" : ", read-back NOT confirmed";
    if (call.result_revision != result.revision) note += " (about the value before correction)";
    if (!call.notes.empty()) note += "; " + call.notes;
    notes.push_back(note + ".");
  }
  // The lab's comments for the report, as written; its own notes never reach a clinician.
  for (const core::ResultComment& comment : detail.comments) {
    if (comment.on_report) notes.push_back(name + ": " + comment.text);
  }
  return notes;
}

void render_specimens(const lab::OrderDetail& order, std::size_t width, std::string& out) {
  if (order.specimens.empty()) {
    out += std::string(kIndent) + "Specimens      not collected yet\n";
    return;
  }
  out += "\n";
  // The container is the lab's concern, not the clinician's: it is on the label, not here.
  TextTable table({"Accession", "Specimen", "Collected", "Received", "Status"});
  for (const core::Specimen& specimen : order.specimens) {
    std::string status(core::to_code(specimen.status));
    if (specimen.status == core::SpecimenStatus::kRejected) status = "REJECTED";
    table.add_row({specimen.accession_number, specimen.specimen_type,
                   display_time(specimen.collected_at), display_time(specimen.received_at),
                   status});
  }
  out += table.render(kIndent);
  for (const core::Specimen& specimen : order.specimens) {
    if (specimen.status != core::SpecimenStatus::kRejected) continue;
    std::string note = "Specimen " + specimen.accession_number + " REJECTED";
    if (specimen.rejection_reason) {
      note += ": " + std::string(core::describe(*specimen.rejection_reason));
    }
    if (!specimen.rejection_comment.empty()) note += " (" + specimen.rejection_comment + ")";
    if (specimen.rejected_at) note += ", " + display_time(*specimen.rejected_at);
    if (!specimen.rejected_by.empty()) note += " by " + specimen.rejected_by;
    out += wrap(note + ".", width, kIndent, "    ");
  }
}

void render_results(const lab::OrderDetail& order, const TextReportOptions& options,
                    std::string& out) {
  // Sections in the order their first test was ordered.
  std::vector<std::string> sections;
  std::map<std::string, std::vector<const lab::ResultDetail*>> by_section;
  for (const lab::ResultDetail& detail : order.results) {
    const std::string section = section_of(detail);
    if (by_section.find(section) == by_section.end()) sections.push_back(section);
    by_section[section].push_back(&detail);
  }
  const std::size_t width = static_cast<std::size_t>(std::max(options.width, 40));
  for (const std::string& section : sections) {
    out += "\n" + std::string(kIndent) + upper(section) + "\n";
    TextTable table({"Test", "Result", "Flag", "Reference", "Status"});
    std::vector<std::string> notes;
    for (const lab::ResultDetail* detail : by_section[section]) {
      const core::TestResult& result = detail->result;
      if (core::is_released(result.status) && result.value) {
        table.add_row({test_name(*detail), display_value(*result.value, catalog_unit(*detail)),
                       std::string(core::to_code(result.flag)), result.reference_range,
                       status_word(result.status)});
      } else {
        const std::string status = status_word(result.status);
        table.add_row({test_name(*detail), status, "", "", status});
      }
      for (std::string& note : notes_for(*detail)) notes.push_back(std::move(note));
    }
    out += table.render(kIndent);
    for (const std::string& note : notes) {
      out += wrap(note, width, std::string(kIndent) + "* ", std::string(kIndent) + "  ");
    }
  }
}

void render_order(const lab::OrderDetail& detail, const TextReportOptions& options,
                  std::string& out) {
  const core::Order& order = detail.order;
  out += std::string(static_cast<std::size_t>(std::max(options.width, 40)), '-') + "\n";
  out += "Order " + order.order_number + "  " + display_priority(order.priority) + "  ordered " +
         display_time(order.ordered_at) + "\n";
  TextTable facts;
  facts.add_row({"Provider", order.ordering_provider});
  if (!order.clinical_info.empty()) facts.add_row({"Clinical info", order.clinical_info});
  if (!order.requested_codes.empty())
    facts.add_row({"Requested", join(order.requested_codes, ", ")});
  out += facts.render(kIndent);
  render_specimens(detail, static_cast<std::size_t>(std::max(options.width, 40)), out);
  render_results(detail, options, out);
  out += "\n";
}

}  // namespace

std::string render_text_report(const lab::PatientReport& report, const TextReportOptions& options) {
  const std::size_t width = static_cast<std::size_t>(std::max(options.width, 40));
  const core::Patient& patient = report.patient;
  std::string out;
  out += options.lab_name + "\n";
  out += "PATIENT REPORT  produced " + display_time(report.produced_at) + " (times in UTC)\n";
  out += std::string(width, '=') + "\n";
  TextTable facts;
  facts.add_row({"Patient", patient.family_name + ", " + patient.given_name});
  facts.add_row({"MRN", patient.mrn});
  facts.add_row({"Birth date", core::format_date(patient.birth_date) + "   Age " +
                                   display_age(patient.birth_date, report.produced_at) + "   Sex " +
                                   std::string(display_sex(patient.sex))});
  out += facts.render();
  out += "\n";
  if (report.orders.empty()) {
    out += "No orders on record.\n\n";
  }
  for (const lab::OrderDetail& order : report.orders) render_order(order, options, out);
  out += std::string(width, '=') + "\n";
  out += "End of report for " + patient.mrn + "\n";
  return out;
}

}  // namespace aliquot::report
