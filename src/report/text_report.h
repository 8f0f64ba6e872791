#pragma once

// The patient report as plain text: what a clinician reads on paper or on a terminal. Only
// released values (final or corrected) are shown; every other ordered test is marked "pending" or
// "cancelled", so that a value not yet verified never reaches a clinician. A corrected result is
// marked CORRECTED with each earlier value and the reason it was replaced; a critical result shows
// its documented call (whom, by whom, when, read-back) as The Joint Commission NPSG.02.03.01
// requires the lab to record it.

#include <string>

#include "lab/queries.h"

namespace aliquot::report {

struct TextReportOptions {
  std::string lab_name = "aliquot laboratory";
  int width = 80;  // notes are wrapped to this many columns
};

// Renders `report` (lab::patient_report) as text lines ending in '\n'. Pure: no I/O, no clock
// (the time printed as "produced" is report.produced_at).
std::string render_text_report(const lab::PatientReport& report, const TextReportOptions& options);

}  // namespace aliquot::report
