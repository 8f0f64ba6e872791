#include "report/staff_workbook.h"

#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "core/text.h"
#include "people/ce_progress.h"
#include "people/experience.h"

namespace aliquot::report {
namespace {

Cell day_cell(const std::optional<core::Date>& day) {
  if (!day) return std::monostate{};
  return *day;
}

// Months rounded to one decimal, as a person reads them.
double months_cell(double months) { return std::round(months * 10) / 10; }

double days_between(core::Date from, core::Date to) {
  return static_cast<double>((std::chrono::sys_days(to) - std::chrono::sys_days(from)).count());
}

// "valid", "expired" or "no expiry" on the inspection day, with the days left when it expires.
std::pair<Cell, Cell> validity(const std::optional<core::Date>& expires, core::Date on) {
  if (!expires) return {std::string("no expiry"), std::monostate{}};
  return {std::string(core::valid_on(expires, on) ? "valid" : "expired"),
          days_between(on, *expires)};
}

Sheet staff_sheet(const lab::StaffInspection& inspection) {
  Sheet sheet{"Staff",
              {"Person", "Name", "Role", "Employment start", "Degree", "Semester hours",
               "Experience (months)", "Accredited programs"},
              {}};
  for (const lab::PersonSummary& summary : inspection.people) {
    const core::PersonRecord& person = summary.person;
    std::vector<std::string> programs;
    for (const core::ProgramCompletion& program : person.education.programs) {
      programs.push_back(program.kind + " " + core::format_date(program.completed));
    }
    sheet.rows.push_back(
        {person.person, person.name, std::string(core::to_code(person.role)),
         day_cell(person.employment_start), std::string(core::to_code(person.education.degree)),
         person.education.semester_hours_total,
         months_cell(people::experience_months(person.education.experience, inspection.on) +
                     person.education.undated_experience_months),
         core::join(programs, "; ")});
  }
  return sheet;
}

// Each period of clinical experience, with the months it counts through the day.
Sheet experience_sheet(const lab::StaffInspection& inspection) {
  Sheet sheet{"Experience",
              {"Person", "Laboratory", "From", "To", "Share of full time", "Areas",
               "Months through the day"},
              {}};
  for (const lab::PersonSummary& summary : inspection.people) {
    const core::PersonRecord& person = summary.person;
    for (const core::ExperiencePeriod& period : person.education.experience) {
      sheet.rows.push_back({person.person, period.laboratory, period.from, day_cell(period.to),
                            period.full_time_share, core::join(period.areas, ", "),
                            months_cell(people::experience_months({period}, inspection.on))});
    }
    if (person.education.undated_experience_months > 0) {
      sheet.rows.push_back({person.person, std::string("(recorded without dates)"),
                            std::monostate{}, std::monostate{}, std::monostate{}, std::string(),
                            person.education.undated_experience_months});
    }
  }
  return sheet;
}

Sheet credentials_sheet(const lab::StaffInspection& inspection) {
  Sheet sheet{
      "Credentials",
      {"Person", "Kind", "Credential", "Number", "Issued", "Expires", "Status", "Days left"},
      {}};
  for (const lab::PersonSummary& summary : inspection.people) {
    const core::PersonRecord& person = summary.person;
    for (const core::Certification& held : person.certifications) {
      auto [status, days_left] = validity(held.expires, inspection.on);
      sheet.rows.push_back({person.person, std::string("certification"), held.credential,
                            held.number, day_cell(held.issued), day_cell(held.expires),
                            std::move(status), std::move(days_left)});
    }
    for (const core::StateLicence& licence : person.licences) {
      auto [status, days_left] = validity(licence.expires, inspection.on);
      sheet.rows.push_back({person.person, std::string("licence"),
                            licence.state + " licence " + licence.type, licence.number,
                            std::monostate{}, day_cell(licence.expires), std::move(status),
                            std::move(days_left)});
    }
  }
  return sheet;
}

Sheet competency_sheet(const lab::StaffInspection& inspection) {
  Sheet sheet{"Competency",
              {"Person", "Test system", "State", "May report", "Last assessed", "Due",
               "Requirement", "Events"},
              {}};
  for (const lab::PersonSummary& summary : inspection.people) {
    for (const lab::CompetencyOnSystem& system : summary.competency) {
      const auto events = static_cast<double>(system.events.size());
      if (!system.status) {
        sheet.rows.push_back({summary.person.person, system.test_system,
                              std::string("no-start-recorded"), std::string("no"), std::monostate{},
                              std::monostate{}, std::string("record the day testing started"),
                              events});
        continue;
      }
      const people::CompetencyStatus& status = *system.status;
      sheet.rows.push_back(
          {summary.person.person, system.test_system, std::string(people::to_code(status.state)),
           std::string(status.may_report() ? "yes" : "no"), day_cell(status.last_assessed),
           status.due, status.requirement, events});
    }
  }
  return sheet;
}

Sheet ce_sheet(const lab::StaffInspection& inspection, const people::CeRules& rules) {
  Sheet sheet{"Continuing education",
              {"Person", "Credential", "Program", "Cycle start", "Cycle end", "Earned", "Needed",
               "Still needed", "Missing"},
              {}};
  for (const lab::PersonSummary& summary : inspection.people) {
    for (const core::Certification& held : summary.person.certifications) {
      const people::CeProgram* program = rules.program_for(held.credential);
      if (program == nullptr) continue;
      if (!held.issued) {
        sheet.rows.push_back({summary.person.person, held.credential, program->name,
                              std::monostate{}, std::monostate{}, std::monostate{}, program->points,
                              std::monostate{},
                              std::string("the issue or last renewal date is not recorded")});
        continue;
      }
      const people::CeProgress progress =
          people::ce_progress(rules, *program, summary.ce_activities, *held.issued);
      sheet.rows.push_back({summary.person.person, held.credential, program->name,
                            progress.cycle_start, progress.cycle_end, progress.earned,
                            progress.needed, progress.still_needed > 0 ? progress.still_needed : 0,
                            core::join(progress.missing, "; ")});
    }
  }
  return sheet;
}

Sheet exceptions_sheet(const lab::StaffInspection& inspection) {
  Sheet sheet{
      "Exceptions",
      {"Person", "Section", "Test system", "From", "Until", "In force", "Reason", "Granted by"},
      {}};
  for (const lab::PersonSummary& summary : inspection.people) {
    for (const core::QualificationException& exception : summary.exceptions) {
      const bool in_force =
          exception.covers(exception.section, exception.test_system, inspection.on);
      sheet.rows.push_back(
          {summary.person.person, exception.section,
           exception.test_system.empty() ? std::string("all") : exception.test_system,
           exception.from, exception.until, std::string(in_force ? "yes" : "no"), exception.reason,
           exception.granted_by});
    }
  }
  return sheet;
}

// The dashboard's windows: lapsed, within 30, 60 or 90 days.
std::string window_of(int days_left) {
  if (days_left < 0) return "lapsed";
  if (days_left <= 30) return "30 days";
  if (days_left <= 60) return "60 days";
  return "90 days";
}

Sheet expiring_sheet(const lab::StaffInspection& inspection) {
  Sheet sheet{"Expiring", {"Person", "Kind", "What", "Due", "Days left", "Window"}, {}};
  for (const people::ExpiringItem& item : inspection.expiring) {
    sheet.rows.push_back({item.person, std::string(people::to_code(item.kind)), item.what, item.due,
                          static_cast<double>(item.days_left), window_of(item.days_left)});
  }
  return sheet;
}

}  // namespace

std::vector<Sheet> staff_workbook(const lab::StaffInspection& inspection,
                                  const people::CeRules& rules) {
  return {staff_sheet(inspection),      experience_sheet(inspection), credentials_sheet(inspection),
          competency_sheet(inspection), ce_sheet(inspection, rules),  exceptions_sheet(inspection),
          expiring_sheet(inspection)};
}

WorkbookProperties staff_workbook_properties(const lab::StaffInspection& inspection,
                                             core::Instant created) {
  return {"Staff qualifications on " + core::format_date(inspection.on),
          "certifications, licences, competency, continuing education and exceptions", "aliquot",
          created};
}

}  // namespace aliquot::report
