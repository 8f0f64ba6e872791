// `aliquot people save|list|show|competency-event|ce-add|exception|policy`: the lab's people in its
// database (lab/people_records.h), and the qualification policy release and point-of-care
// ingestion enforce (lab/qualification_check.h).

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "core/text.h"
#include "lab/lab_time_zone.h"
#include "lab/people_json.h"
#include "lab/people_records.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kSaveFooter =
    R"(Each FILE is a person's record as a TOML file (see `aliquot people eligibility --help`);
[person] id is the username of their account, and [person] role must be the account's role. All
the files are saved together, or none is. Supervisors, pathologists and admins keep the records.)";

constexpr const char* kEventFooter =
    R"(--event started: the first day PERSON tested patient specimens on --test-system (an
instrument profile id, or the test code of a manual procedure); the schedule counts from it.
--event assessed: an assessment of the six CLIA elements (42 CFR 493.1235), each given as
--element CODE=HOW, with --assessor (not PERSON). The elements: direct-observation,
monitoring-reporting, record-review, maintenance-observation, blind-samples, problem-solving.
--event method-changed: a new method or instrument; PERSON is assessed before reporting again.
Supervisors and pathologists record competency.)";

constexpr const char* kExceptionFooter =
    R"(Lets PERSON perform and release the tests of --section (on --test-system only, when given)
from --from (default today) through --until although a qualification requirement is not met. It
is documented with --reason and lasts at most the personnel requirements' exception max_days
(30 by default). It never waives the review policy. Supervisors and pathologists grant it, never
to themselves.)";

constexpr const char* kPolicyFooter =
    R"(With no option, shows the policy. --enforce on: releasing a result and point-of-care values
need the person's current qualification for the test (role, certification, the licence of
--state where the state licenses laboratory personnel, competency on the test system);
--enforce off: the role alone decides. Supervisors and pathologists set it; audited.
With --json: {"enforced", "state"}.)";

constexpr const char* kPersonShowFooter =
    R"(The person's record, their competency on each test system with its status today (current,
due-soon within --warn-days, overdue, needed-for-new-method), their CE activities and
exceptions. With --json: {"person", "on", "competency":[{"test_system", "state", "due",
"requirement", "events"}], "ce_activities", "exceptions"}.)";

Result<core::Date> date_option(const std::string& option, const std::string& text) {
  Result<core::Date> parsed = core::parse_date(text);
  if (!parsed.has_value()) return invalid_argument(option + ": " + parsed.error().message());
  return parsed;
}

std::string certification_text(const core::Certification& held) {
  return held.credential + (held.expires ? " to " + core::format_date(*held.expires) : "");
}

Result<void> run_save(Session& session, const std::vector<std::string>& files) {
  std::vector<core::PersonRecord> records;
  for (const std::string& file : files) {
    ALIQUOT_ASSIGN_OR_RETURN(core::PersonRecord record, read_person_record(file));
    records.push_back(std::move(record));
  }
  std::vector<core::PersonRecord> saved;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        for (const core::PersonRecord& record : records) {
          ALIQUOT_ASSIGN_OR_RETURN(core::PersonRecord stored, lab::save_person(tx, ctx, record));
          saved.push_back(std::move(stored));
        }
        return ok();
      }));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::PersonRecord& person : saved) list.push_back(lab::to_json(person));
    session.set_json(list);
    return ok();
  }
  for (const core::PersonRecord& person : saved) {
    session.out() << "saved " << person.person << " (" << core::to_code(person.role)
                  << "): " << person.certifications.size() << " certification(s), "
                  << person.licences.size() << " licence(s)\n";
  }
  return ok();
}

Result<void> run_list(Session& session) {
  std::vector<core::PersonRecord> people;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(people, lab::list_people(tx, ctx));
        return ok();
      },
      std::nullopt));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::PersonRecord& person : people) list.push_back(lab::to_json(person));
    session.set_json(list);
    return ok();
  }
  report::TextTable table({"Person", "Name", "Role", "Certifications", "Licences"});
  for (const core::PersonRecord& person : people) {
    std::vector<std::string> certifications;
    for (const core::Certification& held : person.certifications) {
      certifications.push_back(certification_text(held));
    }
    std::vector<std::string> licences;
    for (const core::StateLicence& licence : person.licences) {
      licences.push_back(licence.state + " " + licence.type +
                         (licence.expires ? " to " + core::format_date(*licence.expires) : ""));
    }
    table.add_row({person.person, person.name, std::string(core::to_code(person.role)),
                   core::join(certifications, "; "), core::join(licences, "; ")});
  }
  session.out() << table.render() << people.size()
                << (people.size() == 1 ? " person\n" : " people\n");
  return ok();
}

struct PersonShowOptions {
  std::string person;
  int warn_days = 30;
};

Result<void> run_person_show(Session& session, const PersonShowOptions& options) {
  lab::PersonSummary summary;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(summary,
                                 lab::person_summary(tx, ctx, options.person, options.warn_days));
        return ok();
      },
      std::nullopt));
  if (session.json()) {
    session.set_json(lab::to_json(summary));
    return ok();
  }
  const core::PersonRecord& person = summary.person;
  session.out() << person.person << (person.name.empty() ? "" : " (" + person.name + ")") << ", "
                << core::to_code(person.role) << ", on " << core::format_date(summary.on) << "\n";
  for (const core::Certification& held : person.certifications) {
    session.out() << "  certification " << certification_text(held)
                  << (core::valid_on(held.expires, summary.on) ? "" : " (lapsed)") << "\n";
  }
  for (const core::StateLicence& licence : person.licences) {
    session.out() << "  licence " << licence.state << " " << licence.type << " " << licence.number
                  << (licence.expires ? " to " + core::format_date(*licence.expires) : "")
                  << (core::valid_on(licence.expires, summary.on) ? "" : " (lapsed)") << "\n";
  }
  for (const lab::CompetencyOnSystem& system : summary.competency) {
    session.out() << "  competency on " << system.test_system << ": ";
    if (!system.status) {
      session.out() << "no start of testing recorded\n";
      continue;
    }
    session.out() << people::to_code(system.status->state) << ", " << system.status->requirement
                  << " due " << core::format_date(system.status->due) << "\n";
  }
  double points = 0;
  for (const core::CeActivity& activity : summary.ce_activities) points += activity.points;
  session.out() << "  " << summary.ce_activities.size() << " CE activit"
                << (summary.ce_activities.size() == 1 ? "y" : "ies") << ", " << points
                << " points in all\n";
  for (const core::QualificationException& exception : summary.exceptions) {
    session.out() << "  exception " << exception.id << ": " << exception.section
                  << (exception.test_system.empty() ? "" : " on " + exception.test_system) << " "
                  << core::format_date(exception.from) << " to "
                  << core::format_date(exception.until) << " by " << exception.granted_by << ": "
                  << exception.reason << "\n";
  }
  return ok();
}

struct EventOptions {
  std::string person;
  std::string test_system;
  std::string event;
  std::string date;
  std::string assessor;
  std::vector<std::string> elements;
  std::string notes;
};

Result<void> run_event(Session& session, const EventOptions& options) {
  core::CompetencyEvent event;
  event.person = options.person;
  event.test_system = options.test_system;
  const std::optional<core::CompetencyEventKind> kind =
      core::competency_event_kind_from_code(options.event);
  if (!kind) {
    return invalid_argument("--event: '" + options.event +
                            "' is not started, assessed or method-changed");
  }
  event.kind = *kind;
  ALIQUOT_ASSIGN_OR_RETURN(event.on, date_option("--date", options.date));
  event.assessor = options.assessor;
  for (const std::string& element : options.elements) {
    const std::size_t equals = element.find('=');
    if (equals == std::string::npos || equals == 0) {
      return invalid_argument("--element '" + element + "': CODE=HOW, e.g. " +
                              "direct-observation=\"observed 3 patient runs\"");
    }
    event.elements[element.substr(0, equals)] = element.substr(equals + 1);
  }
  event.notes = options.notes;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(event, lab::record_competency_event(tx, ctx, event));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(event));
    return ok();
  }
  session.out() << "recorded " << core::to_code(event.kind) << " of " << event.person << " on "
                << event.test_system << " on " << core::format_date(event.on) << "\n";
  return ok();
}

struct CeAddOptions {
  std::string person;
  std::string date;
  std::string category;
  double points = 0;
  std::string provider;
  std::string title;
};

Result<void> run_ce_add(Session& session, const CeAddOptions& options) {
  core::CeActivity activity;
  activity.person = options.person;
  ALIQUOT_ASSIGN_OR_RETURN(activity.date, date_option("--date", options.date));
  activity.category = options.category;
  activity.points = options.points;
  activity.provider = options.provider;
  activity.title = options.title;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            activity, lab::record_ce_activity(tx, ctx, lab::ce_rules_in_force(ctx), activity));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(activity));
    return ok();
  }
  session.out() << "recorded " << activity.points << " points of " << activity.category << " for "
                << activity.person << " on " << core::format_date(activity.date) << "\n";
  return ok();
}

struct ExceptionOptions {
  std::string person;
  std::string section;
  std::string test_system;
  std::string from;
  std::string until;
  std::string reason;
};

Result<void> run_exception(Session& session, const ExceptionOptions& options) {
  core::QualificationException exception;
  exception.person = options.person;
  exception.section = options.section;
  exception.test_system = options.test_system;
  exception.reason = options.reason;
  ALIQUOT_ASSIGN_OR_RETURN(exception.until, date_option("--until", options.until));
  std::optional<core::Date> from;
  if (!options.from.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(from, date_option("--from", options.from));
  }
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        if (from) {
          exception.from = *from;
        } else {
          ALIQUOT_ASSIGN_OR_RETURN(exception.from, lab::lab_day(tx, ctx.clock.now()));
        }
        ALIQUOT_ASSIGN_OR_RETURN(exception, lab::grant_qualification_exception(tx, ctx, exception));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(exception));
    return ok();
  }
  session.out() << "exception " << exception.id << " granted to " << exception.person << " for "
                << exception.section
                << (exception.test_system.empty() ? "" : " on " + exception.test_system) << " from "
                << core::format_date(exception.from) << " through "
                << core::format_date(exception.until) << "\n";
  return ok();
}

struct PolicyOptions {
  std::string enforce;
  std::optional<std::string> state;
};

Result<void> run_policy(Session& session, const PolicyOptions& options) {
  lab::SetQualificationPolicy command;
  if (!options.enforce.empty()) {
    if (options.enforce != "on" && options.enforce != "off") {
      return invalid_argument("--enforce: on or off, not '" + options.enforce + "'");
    }
    command.enforce = options.enforce == "on";
  }
  command.lab_state = options.state;
  lab::QualificationPolicy policy;
  const auto step = [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
    if (!command.enforce && !command.lab_state) {
      ALIQUOT_ASSIGN_OR_RETURN(policy, lab::read_qualification_policy(tx));
      return ok();
    }
    ALIQUOT_ASSIGN_OR_RETURN(policy, lab::set_qualification_policy(tx, ctx, command));
    return ok();
  };
  if (!command.enforce && !command.lab_state) {
    ALIQUOT_RETURN_IF_ERROR(session.read(step, lab::Action::kViewStaffRecords));
  } else {
    ALIQUOT_RETURN_IF_ERROR(session.write(step));
  }
  if (session.json()) {
    session.set_json({{"enforced", policy.enforced}, {"state", policy.lab_state}});
    return ok();
  }
  session.out() << "qualifications " << (policy.enforced ? "enforced" : "not enforced")
                << "; lab state " << (policy.lab_state.empty() ? "none" : policy.lab_state) << "\n";
  return ok();
}

}  // namespace

void add_people_lab_commands(CLI::App& people, CommandSelection& selection) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* save = people.add_subcommand("save", "save people's records into the lab");
  save->footer(kSaveFooter);
  save->add_option("FILE", *files, "people's records (TOML)")->required()->type_name("");
  selection.bind(save, [files](Session& session) { return run_save(session, *files); });

  CLI::App* list = people.add_subcommand("list", "the lab's people and their credentials");
  selection.bind(list, [](Session& session) { return run_list(session); });

  auto show = std::make_shared<PersonShowOptions>();
  CLI::App* show_command =
      people.add_subcommand("show", "one person's qualifications, competency and CE");
  show_command->footer(kPersonShowFooter);
  show_command->add_option("PERSON", show->person, "the username")->required();
  show_command->add_option("--warn-days", show->warn_days, "due soon within N days (30)")
      ->type_name("N");
  selection.bind(show_command,
                 [show](Session& session) { return run_person_show(session, *show); });

  auto event = std::make_shared<EventOptions>();
  CLI::App* event_command = people.add_subcommand(
      "competency-event", "record a start of testing, an assessment or a method change");
  event_command->footer(kEventFooter);
  event_command->add_option("PERSON", event->person, "the username")->required();
  event_command->add_option("--test-system", event->test_system, "instrument or manual test")
      ->required()
      ->type_name("SYSTEM");
  event_command->add_option("--event", event->event, "started, assessed or method-changed")
      ->required()
      ->type_name("EVENT");
  event_command->add_option("--date", event->date, "YYYY-MM-DD")->required()->type_name("DATE");
  event_command->add_option("--assessor", event->assessor, "who assessed")->type_name("USER");
  event_command->add_option("--element", event->elements, "CODE=HOW, once per element")
      ->type_name("CODE=HOW");
  event_command->add_option("--notes", event->notes, "free text")->type_name("TEXT");
  selection.bind(event_command, [event](Session& session) { return run_event(session, *event); });

  auto ce = std::make_shared<CeAddOptions>();
  CLI::App* ce_command = people.add_subcommand("ce-add", "record a continuing-education activity");
  ce_command->add_option("PERSON", ce->person, "the username")->required();
  ce_command->add_option("--date", ce->date, "YYYY-MM-DD")->required()->type_name("DATE");
  ce_command->add_option("--category", ce->category, "a category of the CE rules")
      ->required()
      ->type_name("CODE");
  ce_command->add_option("--points", ce->points, "points or contact hours")
      ->required()
      ->type_name("N");
  ce_command->add_option("--provider", ce->provider, "who gave it")->type_name("TEXT");
  ce_command->add_option("--title", ce->title, "what it was")->type_name("TEXT");
  selection.bind(ce_command, [ce](Session& session) { return run_ce_add(session, *ce); });

  auto exception = std::make_shared<ExceptionOptions>();
  CLI::App* exception_command = people.add_subcommand(
      "exception", "let a person work for a limited time although a requirement is not met");
  exception_command->footer(kExceptionFooter);
  exception_command->add_option("PERSON", exception->person, "the username")->required();
  exception_command->add_option("--section", exception->section, "catalog section")
      ->required()
      ->type_name("SECTION");
  exception_command->add_option("--test-system", exception->test_system, "one test system only")
      ->type_name("SYSTEM");
  exception_command->add_option("--from", exception->from, "first day (default today)")
      ->type_name("DATE");
  exception_command->add_option("--until", exception->until, "last day")
      ->required()
      ->type_name("DATE");
  exception_command->add_option("--reason", exception->reason, "why")
      ->required()
      ->type_name("TEXT");
  selection.bind(exception_command,
                 [exception](Session& session) { return run_exception(session, *exception); });

  auto policy = std::make_shared<PolicyOptions>();
  CLI::App* policy_command =
      people.add_subcommand("policy", "show or set whether qualifications are enforced");
  policy_command->footer(kPolicyFooter);
  policy_command->add_option("--enforce", policy->enforce, "on or off")->type_name("on|off");
  policy_command->add_option("--state", policy->state, "the lab's US state, \"\" outside the US")
      ->type_name("XX");
  selection.bind(policy_command,
                 [policy](Session& session) { return run_policy(session, *policy); });
}

}  // namespace aliquot::cli
