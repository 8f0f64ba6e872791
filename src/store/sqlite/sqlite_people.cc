// The people functions of SqliteTransaction (store.h, "the lab's people"): their records with
// certifications, licences and education, competency events, continuing education and
// qualification exceptions. The statements follow the portability rules written at the top of
// sqlite_transaction.cc.

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ce_activity.h"
#include "core/competency_event.h"
#include "core/enums.h"
#include "core/person_record.h"
#include "core/qualification_exception.h"
#include "core/test_result.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store::sqlite {
namespace {

// Column lists, in the order the read_* functions below consume them.
#define ALIQUOT_PERSON_COLUMNS                                                       \
  "p.person, p.name, p.role, p.employment_start, p.degree, p.semester_hours_total, " \
  "p.experience_months"
#define ALIQUOT_COMPETENCY_EVENT_COLUMNS                                                   \
  "e.id, e.person, e.test_system, e.kind, e.on_date, e.assessor, e.notes, e.recorded_at, " \
  "e.recorded_by"
#define ALIQUOT_CE_ACTIVITY_COLUMNS \
  "a.id, a.person, a.date, a.category, a.points, a.provider, a.title"
#define ALIQUOT_QUALIFICATION_EXCEPTION_COLUMNS                                     \
  "x.id, x.person, x.section, x.test_system, x.from_date, x.until_date, x.reason, " \
  "x.granted_by, x.granted_at"

// A record's child tables, which put_person empties before writing the record's lists again.
constexpr std::array<const char*, 7> kPersonDetailDeletes{
    "DELETE FROM person_certifications WHERE person = ?",
    "DELETE FROM person_licences WHERE person = ?",
    "DELETE FROM person_semester_hours WHERE person = ?",
    "DELETE FROM person_programs WHERE person = ?",
    "DELETE FROM person_military_courses WHERE person = ?",
    "DELETE FROM person_experience_areas WHERE person = ?",
    "DELETE FROM person_experience WHERE person = ?",
};

std::string person_label(std::string_view person) { return "person '" + std::string(person) + "'"; }

// SQLite stores a NaN as NULL, which the NOT NULL columns refuse with an unhelpful message, and
// an infinite number of hours or points counts nothing. `describe()` names the number; it is
// only called for the error.
template <typename Describe>
Result<void> check_finite_people_number(double number, const Describe& describe) {
  if (std::isfinite(number)) return ok();
  return invalid_argument(describe() + " is not a finite number (" +
                          core::format_decimal(number, 0) + ")");
}

Result<void> check_person_record_numbers(const core::PersonRecord& person) {
  const std::string label = person_label(person.person);
  const core::Education& education = person.education;
  ALIQUOT_RETURN_IF_ERROR(check_finite_people_number(
      education.semester_hours_total, [&] { return "the semester hours in total of " + label; }));
  ALIQUOT_RETURN_IF_ERROR(check_finite_people_number(
      education.undated_experience_months, [&] { return "the months of experience of " + label; }));
  for (const core::ExperiencePeriod& period : education.experience) {
    ALIQUOT_RETURN_IF_ERROR(check_finite_people_number(period.full_time_share, [&] {
      return "the share of full time at " + period.laboratory + " of " + label;
    }));
  }
  for (const auto& [subject, hours] : education.semester_hours) {
    ALIQUOT_RETURN_IF_ERROR(check_finite_people_number(
        hours, [&] { return "the semester hours in '" + subject + "' of " + label; }));
  }
  return ok();
}

// A date that is not set (Date{}) is stored as NULL, as the schema's convention says.
void bind_people_date(Statement& statement, core::Date date) {
  if (date.ok()) {
    statement.bind_text(core::format_date(date));
  } else {
    statement.bind_null();
  }
}

void bind_people_optional_date(Statement& statement, const std::optional<core::Date>& date) {
  if (date) {
    bind_people_date(statement, *date);
  } else {
    statement.bind_null();
  }
}

std::optional<core::Date> read_people_optional_date(RowReader& row) {
  if (row.next_is_null()) {
    row.skip(1);
    return std::nullopt;
  }
  return row.date();
}

// Reads every row of `statement` as read_all() does, but an unreadable stored value is DataLoss
// naming the table and the row besides the column, so that whoever repairs the database knows
// which row to look at: `name_row(value)` describes the row from what was read of it.
template <typename T, typename Read, typename NameRow>
Result<std::vector<T>> read_people_rows(Statement& statement, std::string_view doing,
                                        std::string_view table, Read read, NameRow name_row) {
  std::vector<T> rows;
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
    if (!has_row) return rows;
    RowReader row(statement);
    T value = read(row);
    if (row.error()) {
      return data_loss("table " + std::string(table) + ", " + name_row(value) + ": " +
                       row.error()->message());
    }
    rows.push_back(std::move(value));
  }
}

core::PersonRecord read_person_row(RowReader& row) {
  core::PersonRecord person;
  person.person = row.text();
  person.name = row.text();
  person.role = row.parse(core::parse_role);
  person.employment_start = read_people_optional_date(row);
  person.education.degree = row.code(core::degree_level_from_code, "degree level");
  person.education.semester_hours_total = row.real();
  person.education.undated_experience_months = row.real();
  return person;
}

core::Certification read_certification_row(RowReader& row) {
  core::Certification certification;
  certification.credential = row.text();
  certification.number = row.text();
  certification.issued = read_people_optional_date(row);
  certification.expires = read_people_optional_date(row);
  return certification;
}

core::StateLicence read_licence_row(RowReader& row) {
  core::StateLicence licence;
  licence.state = row.text();
  licence.type = row.text();
  licence.number = row.text();
  licence.expires = read_people_optional_date(row);
  return licence;
}

core::ProgramCompletion read_program_row(RowReader& row) {
  core::ProgramCompletion program;
  program.kind = row.text();
  program.completed = row.date();
  return program;
}

core::MilitaryCourse read_military_course_row(RowReader& row) {
  core::MilitaryCourse course;
  course.kind = row.text();
  course.completed = read_people_optional_date(row);
  return course;
}

core::ExperiencePeriod read_experience_row(RowReader& row) {
  core::ExperiencePeriod period;
  period.laboratory = row.text();
  period.from = row.date();
  period.to = read_people_optional_date(row);
  period.full_time_share = row.real();
  return period;
}

core::CompetencyEvent read_competency_event_row(RowReader& row) {
  core::CompetencyEvent event;
  event.id = row.int64();
  event.person = row.text();
  event.test_system = row.text();
  event.kind = row.code(core::competency_event_kind_from_code, "competency event kind");
  event.on = row.date();
  event.assessor = row.text();
  event.notes = row.text();
  event.recorded_at = row.instant();
  event.recorded_by = row.text();
  return event;
}

core::CeActivity read_ce_activity_row(RowReader& row) {
  core::CeActivity activity;
  activity.id = row.int64();
  activity.person = row.text();
  activity.date = row.date();
  activity.category = row.text();
  activity.points = row.real();
  activity.provider = row.text();
  activity.title = row.text();
  return activity;
}

core::QualificationException read_qualification_exception_row(RowReader& row) {
  core::QualificationException exception;
  exception.id = row.int64();
  exception.person = row.text();
  exception.section = row.text();
  exception.test_system = row.text();
  exception.from = row.date();
  exception.until = row.date();
  exception.reason = row.text();
  exception.granted_by = row.text();
  exception.granted_at = row.instant();
  return exception;
}

// How errors name a row of people.
std::string person_row_name(const core::PersonRecord& row) {
  return "the row of " + person_label(row.person);
}

// How errors name a row by its id.
template <typename T>
std::string row_with_id(const T& value) {
  return "the row with id " + std::to_string(value.id);
}

// Whether `sql`, a SELECT of one key bound to `key`, finds a row.
Result<bool> people_key_exists(Connection& connection, std::string_view sql, std::string_view key,
                               std::string_view doing) {
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, connection.prepare(sql));
  statement.bind_text(key);
  return statement.step(doing);
}

// NotFound, before anything is written, when the lab has no person `person`; `doing` names what
// could not be done ("record a CE activity of person 'ann'").
Result<void> require_stored_person(Connection& connection, std::string_view person,
                                   std::string_view doing) {
  ALIQUOT_ASSIGN_OR_RETURN(
      const bool exists, people_key_exists(connection, "SELECT 1 FROM people p WHERE p.person = ?",
                                           person, "looking for " + person_label(person)));
  if (exists) return ok();
  return not_found("cannot " + std::string(doing) + ": the lab has no person '" +
                   std::string(person) + "'");
}

// Reads the certifications, licences and education lists of `person` from their tables.
Result<void> load_person_details(Connection& connection, core::PersonRecord& person) {
  const std::string label = person_label(person.person);
  const auto rows_of_person = [&](const auto&) { return "a row of " + label; };
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             connection.prepare("SELECT c.credential, c.number, c.issued, c.expires"
                                                " FROM person_certifications c WHERE c.person = ?"
                                                " ORDER BY c.position"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(person.certifications,
                             read_people_rows<core::Certification>(
                                 statement, "reading the certifications of " + label,
                                 "person_certifications", read_certification_row, rows_of_person));
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("SELECT l.state, l.type, l.number, l.expires"
                           " FROM person_licences l WHERE l.person = ? ORDER BY l.position"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(
        person.licences,
        read_people_rows<core::StateLicence>(statement, "reading the licences of " + label,
                                             "person_licences", read_licence_row, rows_of_person));
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("SELECT h.subject, h.hours FROM person_semester_hours h"
                           " WHERE h.person = ? ORDER BY h.subject"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(
        const auto hours,
        (read_people_rows<std::pair<std::string, double>>(
            statement, "reading the semester hours of " + label, "person_semester_hours",
            [](RowReader& row) {
              std::string subject = row.text();
              return std::pair<std::string, double>(std::move(subject), row.real());
            },
            rows_of_person)));
    person.education.semester_hours = {hours.begin(), hours.end()};
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             connection.prepare("SELECT g.kind, g.completed FROM person_programs g"
                                                " WHERE g.person = ? ORDER BY g.position"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(person.education.programs,
                             read_people_rows<core::ProgramCompletion>(
                                 statement, "reading the completed programs of " + label,
                                 "person_programs", read_program_row, rows_of_person));
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             connection.prepare("SELECT m.course, m.completed"
                                                " FROM person_military_courses m"
                                                " WHERE m.person = ? ORDER BY m.position"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(
        person.education.military_courses,
        read_people_rows<core::MilitaryCourse>(
            statement, "reading the military courses of " + label, "person_military_courses",
            read_military_course_row, rows_of_person));
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("SELECT x.laboratory, x.first_day, x.last_day, x.full_time_share"
                           " FROM person_experience x WHERE x.person = ? ORDER BY x.position"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(person.education.experience,
                             read_people_rows<core::ExperiencePeriod>(
                                 statement, "reading the experience of " + label,
                                 "person_experience", read_experience_row, rows_of_person));
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("SELECT a.period, a.area FROM person_experience_areas a"
                           " WHERE a.person = ? ORDER BY a.period, a.position"));
    statement.bind_text(person.person);
    ALIQUOT_ASSIGN_OR_RETURN(
        const auto areas,
        (read_people_rows<std::pair<std::int64_t, std::string>>(
            statement, "reading the areas of experience of " + label, "person_experience_areas",
            [](RowReader& row) {
              const std::int64_t period = row.int64();
              return std::pair<std::int64_t, std::string>(period, row.text());
            },
            rows_of_person)));
    std::vector<core::ExperiencePeriod>& periods = person.education.experience;
    for (const auto& [period, area] : areas) {
      if (period < 0 || static_cast<std::size_t>(period) >= periods.size()) {
        return data_loss("table person_experience_areas, " + rows_of_person(period) + ": area '" +
                         area + "' belongs to experience " + std::to_string(period) +
                         ", which the record does not have");
      }
      periods[static_cast<std::size_t>(period)].areas.push_back(area);
    }
  }
  return ok();
}

// Writes the certifications, licences and education lists of `person` into their emptied
// tables, each list in its order.
Result<void> insert_person_details(Connection& connection, const core::PersonRecord& person,
                                   std::string_view doing) {
  for (std::size_t i = 0; i < person.certifications.size(); ++i) {
    const core::Certification& certification = person.certifications[i];
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("INSERT INTO person_certifications (person, position, credential,"
                           " number, issued, expires) VALUES (?, ?, ?, ?, ?, ?)"));
    statement.bind_text(person.person)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text(certification.credential)
        .bind_text(certification.number);
    bind_people_optional_date(statement, certification.issued);
    bind_people_optional_date(statement, certification.expires);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  for (std::size_t i = 0; i < person.licences.size(); ++i) {
    const core::StateLicence& licence = person.licences[i];
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("INSERT INTO person_licences (person, position, state, type, number,"
                           " expires) VALUES (?, ?, ?, ?, ?, ?)"));
    statement.bind_text(person.person)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text(licence.state)
        .bind_text(licence.type)
        .bind_text(licence.number);
    bind_people_optional_date(statement, licence.expires);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  const core::Education& education = person.education;
  for (const auto& [subject, hours] : education.semester_hours) {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("INSERT INTO person_semester_hours (person, subject, hours)"
                           " VALUES (?, ?, ?)"));
    statement.bind_text(person.person).bind_text(subject).bind_double(hours);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  for (std::size_t i = 0; i < education.programs.size(); ++i) {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("INSERT INTO person_programs (person, position, kind, completed)"
                           " VALUES (?, ?, ?, ?)"));
    statement.bind_text(person.person)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text(education.programs[i].kind);
    bind_people_date(statement, education.programs[i].completed);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  for (std::size_t i = 0; i < education.military_courses.size(); ++i) {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("INSERT INTO person_military_courses (person, position, course,"
                           " completed) VALUES (?, ?, ?, ?)"));
    statement.bind_text(person.person)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text(education.military_courses[i].kind);
    bind_people_optional_date(statement, education.military_courses[i].completed);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  for (std::size_t i = 0; i < education.experience.size(); ++i) {
    const core::ExperiencePeriod& period = education.experience[i];
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        connection.prepare("INSERT INTO person_experience (person, position, laboratory,"
                           " first_day, last_day, full_time_share) VALUES (?, ?, ?, ?, ?, ?)"));
    statement.bind_text(person.person)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text(period.laboratory);
    bind_people_date(statement, period.from);
    bind_people_optional_date(statement, period.to);
    statement.bind_double(period.full_time_share);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
    for (std::size_t a = 0; a < period.areas.size(); ++a) {
      ALIQUOT_ASSIGN_OR_RETURN(
          Statement area,
          connection.prepare("INSERT INTO person_experience_areas (person, period, position, area)"
                             " VALUES (?, ?, ?, ?)"));
      area.bind_text(person.person)
          .bind_int64(static_cast<std::int64_t>(i))
          .bind_int64(static_cast<std::int64_t>(a))
          .bind_text(period.areas[a]);
      ALIQUOT_RETURN_IF_ERROR(area.run(doing));
    }
  }
  return ok();
}

// Reads the elements of `event`, by element code.
Result<void> load_competency_elements(Connection& connection, core::CompetencyEvent& event) {
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           connection.prepare("SELECT c.element, c.how FROM competency_elements c"
                                              " WHERE c.event_id = ?"));
  statement.bind_int64(event.id);
  const std::string doing = "reading the elements of competency event " + std::to_string(event.id);
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
    if (!has_row) return ok();
    RowReader row(statement);
    std::string element = row.text();
    event.elements[std::move(element)] = row.text();
  }
}

}  // namespace

// --- records -------------------------------------------------------------------------------

Result<void> SqliteTransaction::put_person(const core::PersonRecord& person) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("put_person"));
  const std::string label = person_label(person.person);
  ALIQUOT_RETURN_IF_ERROR(check_person_record_numbers(person));
  ALIQUOT_ASSIGN_OR_RETURN(
      const bool has_user,
      people_key_exists(connection_, "SELECT 1 FROM users u WHERE u.username = ?", person.person,
                        "looking for user '" + person.person + "'"));
  if (!has_user) {
    return not_found("cannot store the record of " + label + ": the lab has no user '" +
                     person.person + "'");
  }
  const std::string doing = "storing the record of " + label;
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO people (person, name, role, employment_start, degree,"
                " semester_hours_total, experience_months) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (person) DO UPDATE SET name = excluded.name,"
                " role = excluded.role, employment_start = excluded.employment_start,"
                " degree = excluded.degree, semester_hours_total = excluded.semester_hours_total,"
                " experience_months = excluded.experience_months"));
    statement.bind_text(person.person).bind_text(person.name).bind_text(core::to_code(person.role));
    bind_people_optional_date(statement, person.employment_start);
    statement.bind_text(core::to_code(person.education.degree))
        .bind_double(person.education.semester_hours_total)
        .bind_double(person.education.undated_experience_months);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  // The lists are replaced whole: positions are rewritten, and an entry no longer in the record
  // must not survive.
  for (const char* sql : kPersonDetailDeletes) {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
    statement.bind_text(person.person);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  return insert_person_details(connection_, person, doing);
}

Result<std::optional<core::PersonRecord>> SqliteTransaction::find_person(std::string_view person) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  std::vector<core::PersonRecord> found;
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_PERSON_COLUMNS
                                                          " FROM people p WHERE p.person = ?"));
    statement.bind_text(person);
    ALIQUOT_ASSIGN_OR_RETURN(
        found, read_people_rows<core::PersonRecord>(statement, "finding " + person_label(person),
                                                    "people", read_person_row, person_row_name));
  }
  if (found.empty()) return std::optional<core::PersonRecord>();
  ALIQUOT_RETURN_IF_ERROR(load_person_details(connection_, found.front()));
  return std::optional<core::PersonRecord>(std::move(found.front()));
}

Result<std::vector<core::PersonRecord>> SqliteTransaction::list_people() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  std::vector<core::PersonRecord> people;
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_PERSON_COLUMNS
                                                          " FROM people p ORDER BY p.person"));
    ALIQUOT_ASSIGN_OR_RETURN(
        people, read_people_rows<core::PersonRecord>(statement, "listing the lab's people",
                                                     "people", read_person_row, person_row_name));
  }
  for (core::PersonRecord& person : people) {
    ALIQUOT_RETURN_IF_ERROR(load_person_details(connection_, person));
  }
  return people;
}

// --- competency ----------------------------------------------------------------------------

Result<core::CompetencyEvent> SqliteTransaction::insert_competency_event(
    core::CompetencyEvent event) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_competency_event"));
  const std::string label =
      "competency event of " + person_label(event.person) + " on '" + event.test_system + "'";
  ALIQUOT_RETURN_IF_ERROR(require_stored_person(connection_, event.person, "record the " + label));
  const std::string doing = "inserting the " + label;
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO competency_events (person, test_system, kind, on_date, assessor,"
                " notes, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    statement.bind_text(event.person)
        .bind_text(event.test_system)
        .bind_text(core::to_code(event.kind));
    bind_people_date(statement, event.on);
    statement.bind_text(event.assessor)
        .bind_text(event.notes)
        .bind_instant(event.recorded_at)
        .bind_text(event.recorded_by);
    ALIQUOT_ASSIGN_OR_RETURN(event.id, returned_id(statement, doing));
  }
  for (const auto& [element, how] : event.elements) {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             prepare("INSERT INTO competency_elements (event_id, element, how)"
                                     " VALUES (?, ?, ?)"));
    statement.bind_int64(event.id).bind_text(element).bind_text(how);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  return event;
}

Result<std::vector<core::CompetencyEvent>> SqliteTransaction::competency_events(
    std::string_view person, std::string_view test_system) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  std::vector<core::CompetencyEvent> events;
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("SELECT " ALIQUOT_COMPETENCY_EVENT_COLUMNS " FROM competency_events e"
                " WHERE (? = '' OR e.person = ?) AND (? = '' OR e.test_system = ?)"
                " ORDER BY e.person, e.test_system, e.on_date, e.id"));
    statement.bind_text(person).bind_text(person).bind_text(test_system).bind_text(test_system);
    ALIQUOT_ASSIGN_OR_RETURN(events,
                             read_people_rows<core::CompetencyEvent>(
                                 statement, "listing competency events", "competency_events",
                                 read_competency_event_row, row_with_id<core::CompetencyEvent>));
  }
  for (core::CompetencyEvent& event : events) {
    ALIQUOT_RETURN_IF_ERROR(load_competency_elements(connection_, event));
  }
  return events;
}

// --- continuing education ------------------------------------------------------------------

Result<core::CeActivity> SqliteTransaction::insert_ce_activity(core::CeActivity activity) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_ce_activity"));
  const std::string label =
      "CE activity '" + activity.title + "' of " + person_label(activity.person);
  ALIQUOT_RETURN_IF_ERROR(
      check_finite_people_number(activity.points, [&] { return "the points of the " + label; }));
  ALIQUOT_RETURN_IF_ERROR(
      require_stored_person(connection_, activity.person, "record the " + label));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO ce_activities (person, date, category, points, provider, title)"
              " VALUES (?, ?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_text(activity.person);
  bind_people_date(statement, activity.date);
  statement.bind_text(activity.category)
      .bind_double(activity.points)
      .bind_text(activity.provider)
      .bind_text(activity.title);
  ALIQUOT_ASSIGN_OR_RETURN(activity.id, returned_id(statement, "inserting the " + label));
  return activity;
}

Result<std::vector<core::CeActivity>> SqliteTransaction::ce_activities(std::string_view person) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_CE_ACTIVITY_COLUMNS " FROM ce_activities a"
                                   " WHERE a.person = ? ORDER BY a.date, a.id"));
  statement.bind_text(person);
  return read_people_rows<core::CeActivity>(
      statement, "listing the CE activities of " + person_label(person), "ce_activities",
      read_ce_activity_row, row_with_id<core::CeActivity>);
}

// --- qualification exceptions --------------------------------------------------------------

Result<core::QualificationException> SqliteTransaction::insert_qualification_exception(
    core::QualificationException exception) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_qualification_exception"));
  const std::string label = "qualification exception of " + person_label(exception.person) +
                            " in section '" + exception.section + "'";
  ALIQUOT_RETURN_IF_ERROR(
      require_stored_person(connection_, exception.person, "record the " + label));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO qualification_exceptions (person, section, test_system, from_date,"
              " until_date, reason, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
              " RETURNING id"));
  statement.bind_text(exception.person)
      .bind_text(exception.section)
      .bind_text(exception.test_system);
  bind_people_date(statement, exception.from);
  bind_people_date(statement, exception.until);
  statement.bind_text(exception.reason)
      .bind_text(exception.granted_by)
      .bind_instant(exception.granted_at);
  ALIQUOT_ASSIGN_OR_RETURN(exception.id, returned_id(statement, "inserting the " + label));
  return exception;
}

Result<std::vector<core::QualificationException>> SqliteTransaction::qualification_exceptions(
    std::string_view person) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_QUALIFICATION_EXCEPTION_COLUMNS " FROM qualification_exceptions x"
              " WHERE (? = '' OR x.person = ?) ORDER BY x.from_date, x.id"));
  statement.bind_text(person).bind_text(person);
  return read_people_rows<core::QualificationException>(
      statement, "listing qualification exceptions", "qualification_exceptions",
      read_qualification_exception_row, row_with_id<core::QualificationException>);
}

}  // namespace aliquot::store::sqlite
