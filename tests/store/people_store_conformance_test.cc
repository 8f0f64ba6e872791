// The storage conformance suite for the lab's people (store.h, "the lab's people"): their
// records, competency events, continuing education and qualification exceptions. The fixture
// and kBackends are in store_conformance.h.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/ce_activity.h"
#include "core/competency_event.h"
#include "core/person_record.h"
#include "core/qualification_exception.h"
#include "store/store_conformance.h"

namespace aliquot::store::conformance {
namespace {

// The overloads below would otherwise hide those of store_conformance.h.
using conformance::expect_same;

core::Date people_day(const char* text) { return *core::parse_date(text); }

std::string people_date_text(const std::optional<core::Date>& date) {
  return date ? core::format_date(*date) : "(none)";
}

void expect_same(const core::PersonRecord& a, const core::PersonRecord& b) {
  EXPECT_EQ(a.person, b.person);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.role, b.role);
  EXPECT_TRUE(a.employment_start == b.employment_start)
      << people_date_text(a.employment_start) << " vs " << people_date_text(b.employment_start);
  ASSERT_EQ(a.certifications.size(), b.certifications.size());
  for (std::size_t i = 0; i < a.certifications.size(); ++i) {
    SCOPED_TRACE("certification " + std::to_string(i));
    EXPECT_EQ(a.certifications[i].credential, b.certifications[i].credential);
    EXPECT_EQ(a.certifications[i].number, b.certifications[i].number);
    EXPECT_TRUE(a.certifications[i].expires == b.certifications[i].expires)
        << people_date_text(a.certifications[i].expires) << " vs "
        << people_date_text(b.certifications[i].expires);
    EXPECT_TRUE(a.certifications[i].issued == b.certifications[i].issued)
        << people_date_text(a.certifications[i].issued) << " vs "
        << people_date_text(b.certifications[i].issued);
  }
  ASSERT_EQ(a.licences.size(), b.licences.size());
  for (std::size_t i = 0; i < a.licences.size(); ++i) {
    SCOPED_TRACE("licence " + std::to_string(i));
    EXPECT_EQ(a.licences[i].state, b.licences[i].state);
    EXPECT_EQ(a.licences[i].type, b.licences[i].type);
    EXPECT_EQ(a.licences[i].number, b.licences[i].number);
    EXPECT_TRUE(a.licences[i].expires == b.licences[i].expires)
        << people_date_text(a.licences[i].expires) << " vs "
        << people_date_text(b.licences[i].expires);
  }
  const core::Education& x = a.education;
  const core::Education& y = b.education;
  EXPECT_EQ(x.degree, y.degree);
  EXPECT_EQ(x.semester_hours_total, y.semester_hours_total);  // exact: full precision
  EXPECT_EQ(x.semester_hours, y.semester_hours);
  ASSERT_EQ(x.programs.size(), y.programs.size());
  for (std::size_t i = 0; i < x.programs.size(); ++i) {
    SCOPED_TRACE("program " + std::to_string(i));
    EXPECT_EQ(x.programs[i].kind, y.programs[i].kind);
    EXPECT_TRUE(x.programs[i].completed == y.programs[i].completed)
        << core::format_date(x.programs[i].completed) << " vs "
        << core::format_date(y.programs[i].completed);
  }
  ASSERT_EQ(x.military_courses.size(), y.military_courses.size());
  for (std::size_t i = 0; i < x.military_courses.size(); ++i) {
    SCOPED_TRACE("military course " + std::to_string(i));
    EXPECT_EQ(x.military_courses[i].kind, y.military_courses[i].kind);
    EXPECT_EQ(people_date_text(x.military_courses[i].completed),
              people_date_text(y.military_courses[i].completed));
  }
  ASSERT_EQ(x.experience.size(), y.experience.size());
  for (std::size_t i = 0; i < x.experience.size(); ++i) {
    SCOPED_TRACE("experience " + std::to_string(i));
    EXPECT_EQ(x.experience[i].laboratory, y.experience[i].laboratory);
    EXPECT_TRUE(x.experience[i].from == y.experience[i].from);
    EXPECT_EQ(people_date_text(x.experience[i].to), people_date_text(y.experience[i].to));
    EXPECT_EQ(x.experience[i].full_time_share, y.experience[i].full_time_share);
    EXPECT_EQ(x.experience[i].areas, y.experience[i].areas);
  }
  EXPECT_EQ(x.undated_experience_months, y.undated_experience_months);
}

void expect_same(const core::CompetencyEvent& a, const core::CompetencyEvent& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.person, b.person);
  EXPECT_EQ(a.test_system, b.test_system);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_TRUE(a.on == b.on) << core::format_date(a.on) << " vs " << core::format_date(b.on);
  EXPECT_EQ(a.assessor, b.assessor);
  EXPECT_EQ(a.elements, b.elements);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(ms(a.recorded_at), ms(b.recorded_at));
  EXPECT_EQ(a.recorded_by, b.recorded_by);
}

void expect_same(const core::CeActivity& a, const core::CeActivity& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.person, b.person);
  EXPECT_TRUE(a.date == b.date) << core::format_date(a.date) << " vs " << core::format_date(b.date);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.points, b.points);
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.title, b.title);
}

void expect_same(const core::QualificationException& a, const core::QualificationException& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.person, b.person);
  EXPECT_EQ(a.section, b.section);
  EXPECT_EQ(a.test_system, b.test_system);
  EXPECT_TRUE(a.from == b.from) << core::format_date(a.from) << " vs " << core::format_date(b.from);
  EXPECT_TRUE(a.until == b.until) << core::format_date(a.until) << " vs "
                                  << core::format_date(b.until);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.granted_by, b.granted_by);
  EXPECT_EQ(ms(a.granted_at), ms(b.granted_at));
}

// The ids of `rows`, in order.
template <typename T>
std::vector<std::int64_t> people_row_ids(const std::vector<T>& rows) {
  std::vector<std::int64_t> ids;
  for (const T& row : rows) ids.push_back(row.id);
  return ids;
}

core::User people_user(const std::string& username) {
  core::User user;
  user.username = username;
  user.display_name = "User " + username;
  user.role = core::Role::kTechnologist;
  user.created_at = at_minute(0);
  return user;
}

// A record with every field set to something other than its default, every list holding
// several entries in an order that is not sorted.
core::PersonRecord full_person_record(const std::string& username) {
  core::PersonRecord person;
  person.person = username;
  person.name = "Zoë Østergård-Nuñez";
  person.role = core::Role::kSupervisor;
  person.employment_start = people_day("2019-07-15");
  person.certifications = {
      {"MLS(ASCP)", "MLS-0042", people_day("2027-12-31"), people_day("2024-01-01")},
      {"SBB(ASCP)", "SBB-7", std::nullopt, people_day("2020-06-30")},
      {"MB(ASCP)", "MB-3", people_day("2026-05-31"), std::nullopt},
  };
  person.licences = {
      {"NY", "CLS", "NY-123", people_day("2026-08-31")},
      {"CA", "CLS", "CA-987", std::nullopt},
  };
  person.education.degree = core::DegreeLevel::kMaster;
  person.education.semester_hours_total = 152.3333333333333;
  person.education.semester_hours = {{"chemistry", 24.5}, {"biology", 30}, {"physics", 8.25}};
  person.education.programs = {{"NAACLS-MLS", people_day("2012-05-20")},
                               {"ABHES-MLT", people_day("2009-12-11")}};
  person.education.military_courses = {{"50-week-medical-laboratory", people_day("2008-06-13")},
                                       {"advanced-blood-bank", std::nullopt}};
  // Areas in the order given, not sorted; a period without areas; one continuing.
  person.education.experience = {
      {"Mercy core lab",
       people_day("2009-01-05"),
       people_day("2012-06-30"),
       1,
       {"urinalysis", "chemistry", "blood-banking"}},
      {"Night clinic", people_day("2010-03-01"), people_day("2011-02-28"), 0.25, {}},
      {"University hospital", people_day("2012-07-01"), std::nullopt, 0.8, {"microbiology"}}};
  person.education.undated_experience_months = 84.5;
  return person;
}

// A record with nothing but its name and role.
core::PersonRecord bare_person_record(const std::string& username) {
  core::PersonRecord person;
  person.person = username;
  person.name = "Person " + username;
  person.role = core::Role::kTechnician;
  return person;
}

core::CompetencyEvent competency_event_of(const std::string& username,
                                          const std::string& test_system, const char* on,
                                          core::CompetencyEventKind kind) {
  core::CompetencyEvent event;
  event.person = username;
  event.test_system = test_system;
  event.kind = kind;
  event.on = people_day(on);
  event.notes = "noted on " + std::string(on);
  event.recorded_at = at_minute(1);
  event.recorded_by = "sup1";
  return event;
}

core::CeActivity ce_activity_of(const std::string& username, const char* on,
                                const std::string& title) {
  core::CeActivity activity;
  activity.person = username;
  activity.date = people_day(on);
  activity.category = "immunohematology";
  activity.points = 1.5;
  activity.provider = "ASCLS";
  activity.title = title;
  return activity;
}

core::QualificationException qualification_exception_of(const std::string& username,
                                                        const char* from, const char* until) {
  core::QualificationException exception;
  exception.person = username;
  exception.section = "chemistry";
  exception.test_system = "cobas-c311";
  exception.from = people_day(from);
  exception.until = people_day(until);
  exception.reason = "renewed licence in the mail";
  exception.granted_by = "sup1";
  exception.granted_at = at_minute(3);
  return exception;
}

class PeopleStoreConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    in_write([](Transaction& tx) {
      for (const char* username : {"ann", "bob", "cat", "sup1"}) {
        ASSERT_TRUE(tx.insert_user(people_user(username)).has_value()) << username;
      }
    });
  }

  // Stores bare records of ann and bob, the people the events below belong to.
  void store_ann_and_bob() {
    in_write([](Transaction& tx) {
      for (const char* username : {"ann", "bob"}) {
        const Result<void> put = tx.put_person(bare_person_record(username));
        ASSERT_TRUE(put.has_value()) << put.error().message();
      }
    });
  }
};

// --- records -------------------------------------------------------------------------------

TEST_P(PeopleStoreConformanceTest, PersonRoundTripsEveryField) {
  const core::PersonRecord person = full_person_record("ann");
  in_write([&](Transaction& tx) {
    const Result<void> put = tx.put_person(person);
    ASSERT_TRUE(put.has_value()) << put.error().message();
  });
  const Result<std::optional<core::PersonRecord>> found = read()->find_person("ann");
  ASSERT_TRUE(found.has_value()) << found.error().message();
  ASSERT_TRUE(found->has_value());
  expect_same(**found, person);
}

TEST_P(PeopleStoreConformanceTest, PersonWithoutEmploymentStartOrListsRoundTrips) {
  core::PersonRecord person = bare_person_record("bob");
  person.education.programs = {{"NAACLS-MLT", core::Date{}}};  // completion not recorded
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.put_person(person).has_value()); });
  const Result<std::optional<core::PersonRecord>> found = read()->find_person("bob");
  ASSERT_TRUE(found.has_value()) << found.error().message();
  ASSERT_TRUE(found->has_value());
  EXPECT_FALSE((*found)->employment_start.has_value());
  expect_same(**found, person);
}

TEST_P(PeopleStoreConformanceTest, FindPersonWithoutARecordIsEmpty) {
  // cat is a user of the lab, zed is not: neither has a record.
  for (const char* username : {"cat", "zed"}) {
    const Result<std::optional<core::PersonRecord>> found = read()->find_person(username);
    ASSERT_TRUE(found.has_value()) << found.error().message();
    EXPECT_FALSE(found->has_value()) << username;
  }
}

TEST_P(PeopleStoreConformanceTest, PuttingAPersonAgainReplacesEveryFieldAndList) {
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.put_person(full_person_record("ann")).has_value());
    ASSERT_TRUE(tx.put_person(full_person_record("bob")).has_value());
  });
  core::PersonRecord replacement = bare_person_record("ann");
  replacement.name = "Ann Renamed";
  replacement.role = core::Role::kTechnologist;
  replacement.certifications = {{"MLT(ASCP)", "MLT-1", people_day("2028-01-31"), std::nullopt}};
  replacement.education.degree = core::DegreeLevel::kAssociate;
  replacement.education.semester_hours_total = 60;
  replacement.education.semester_hours = {{"biology", 12}};
  replacement.education.undated_experience_months = 3;
  replacement.education.experience = {
      {"Clinic", people_day("2027-01-04"), std::nullopt, 1, {"hematology"}}};
  in_write([&](Transaction& tx) {
    const Result<void> put = tx.put_person(replacement);
    ASSERT_TRUE(put.has_value()) << put.error().message();
  });

  std::unique_ptr<Transaction> tx = read();
  const Result<std::optional<core::PersonRecord>> ann = tx->find_person("ann");
  ASSERT_TRUE(ann.has_value()) << ann.error().message();
  ASSERT_TRUE(ann->has_value());
  // The old certifications, licences, hours, programs and courses are gone, not merged.
  expect_same(**ann, replacement);
  // Another person's lists are their own.
  const Result<std::optional<core::PersonRecord>> bob = tx->find_person("bob");
  ASSERT_TRUE(bob.has_value()) << bob.error().message();
  ASSERT_TRUE(bob->has_value());
  expect_same(**bob, full_person_record("bob"));
}

TEST_P(PeopleStoreConformanceTest, PersonWithoutAUserIsNotFoundAndNothingIsWritten) {
  std::unique_ptr<Transaction> tx = write();
  const Result<void> put = tx->put_person(full_person_record("zed"));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(put.error().message().find("no user 'zed'"), std::string::npos)
      << put.error().message();
  // The transaction is still usable and holds no trace of the refused record.
  const Result<std::vector<core::PersonRecord>> people = tx->list_people();
  ASSERT_TRUE(people.has_value()) << people.error().message();
  EXPECT_TRUE(people->empty());
  EXPECT_TRUE(tx->put_person(bare_person_record("ann")).has_value());
}

TEST_P(PeopleStoreConformanceTest, NumbersThatAreNotFiniteAreRefused) {
  core::PersonRecord person = full_person_record("ann");
  person.education.semester_hours["chemistry"] = std::numeric_limits<double>::quiet_NaN();
  std::unique_ptr<Transaction> tx = write();
  const Result<void> put = tx->put_person(person);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);

  ASSERT_TRUE(tx->put_person(bare_person_record("ann")).has_value());
  core::CeActivity activity = ce_activity_of("ann", "2025-01-10", "infinite");
  activity.points = std::numeric_limits<double>::infinity();
  const Result<core::CeActivity> inserted = tx->insert_ce_activity(activity);
  ASSERT_FALSE(inserted.has_value());
  EXPECT_EQ(inserted.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(PeopleStoreConformanceTest, ListPeopleIsByPersonWithTheirLists) {
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.put_person(full_person_record("cat")).has_value());
    ASSERT_TRUE(tx.put_person(bare_person_record("ann")).has_value());
    ASSERT_TRUE(tx.put_person(full_person_record("bob")).has_value());
  });
  const Result<std::vector<core::PersonRecord>> people = read()->list_people();
  ASSERT_TRUE(people.has_value()) << people.error().message();
  ASSERT_EQ(people->size(), 3u);
  expect_same((*people)[0], bare_person_record("ann"));
  expect_same((*people)[1], full_person_record("bob"));
  expect_same((*people)[2], full_person_record("cat"));
}

TEST_P(PeopleStoreConformanceTest, ReadTransactionCannotPutAPerson) {
  const Result<void> put = read()->put_person(bare_person_record("ann"));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(PeopleStoreConformanceTest, PeopleAndTheirEventsSurviveCloseAndReopen) {
  if (!GetParam().persists) GTEST_SKIP() << GetParam().name << " keeps nothing after close";
  const core::PersonRecord person = full_person_record("ann");
  core::CompetencyEvent event =
      competency_event_of("ann", "cobas-c311", "2025-02-03", core::CompetencyEventKind::kStarted);
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.put_person(person).has_value());
    event = *tx.insert_competency_event(event);
  });
  store_.reset();
  open();
  std::unique_ptr<Transaction> tx = read();
  expect_same(**tx->find_person("ann"), person);
  const Result<std::vector<core::CompetencyEvent>> events = tx->competency_events("ann", "");
  ASSERT_TRUE(events.has_value()) << events.error().message();
  ASSERT_EQ(events->size(), 1u);
  expect_same(events->front(), event);
}

// --- competency ----------------------------------------------------------------------------

TEST_P(PeopleStoreConformanceTest, CompetencyEventRoundTripsWithItsElements) {
  store_ann_and_bob();
  core::CompetencyEvent event =
      competency_event_of("ann", "cobas-c311", "2025-03-04", core::CompetencyEventKind::kAssessed);
  event.assessor = "sup1";
  event.elements = {
      {"direct-observation", "observed 3 patient runs"},
      {"monitoring-reporting", "reviewed 20 reports"},
      {"record-review", "QC and maintenance records of March"},
      {"maintenance-observation", "not applicable: no maintenance on a waived device"},
      {"blind-samples", "2 of 2 proficiency samples correct"},
      {"problem-solving", "quiz «hemolysis», 10/10"},
  };
  core::CompetencyEvent stored;
  in_write([&](Transaction& tx) {
    const Result<core::CompetencyEvent> inserted = tx.insert_competency_event(event);
    ASSERT_TRUE(inserted.has_value()) << inserted.error().message();
    stored = *inserted;
  });
  EXPECT_GT(stored.id, 0);
  event.id = stored.id;
  expect_same(stored, event);

  const Result<std::vector<core::CompetencyEvent>> events =
      read()->competency_events("ann", "cobas-c311");
  ASSERT_TRUE(events.has_value()) << events.error().message();
  ASSERT_EQ(events->size(), 1u);
  expect_same(events->front(), event);
}

TEST_P(PeopleStoreConformanceTest, CompetencyEventsAreByPersonTestSystemDateThenId) {
  store_ann_and_bob();
  using Kind = core::CompetencyEventKind;
  std::vector<std::int64_t> ids;  // in insertion order
  in_write([&](Transaction& tx) {
    for (const auto& [username, system, on] :
         std::vector<std::tuple<std::string, std::string, const char*>>{
             {"bob", "cobas-c311", "2025-01-01"},   // 0
             {"ann", "sysmex-xn", "2025-01-01"},    // 1
             {"ann", "cobas-c311", "2025-06-01"},   // 2
             {"ann", "cobas-c311", "2025-01-15"},   // 3
             {"ann", "cobas-c311", "2025-06-01"},   // 4: same day as 2, a later id
             {"bob", "cobas-c311", "2024-12-31"}})  // 5
    {
      const Result<core::CompetencyEvent> inserted =
          tx.insert_competency_event(competency_event_of(username, system, on, Kind::kAssessed));
      ASSERT_TRUE(inserted.has_value()) << inserted.error().message();
      ids.push_back(inserted->id);
    }
  });
  std::unique_ptr<Transaction> tx = read();
  const auto listed = [&](std::string_view person, std::string_view system) {
    const Result<std::vector<core::CompetencyEvent>> events = tx->competency_events(person, system);
    EXPECT_TRUE(events.has_value()) << events.error().message();
    return events.has_value() ? people_row_ids(*events) : std::vector<std::int64_t>{};
  };
  EXPECT_EQ(listed("", ""),
            (std::vector<std::int64_t>{ids[3], ids[2], ids[4], ids[1], ids[5], ids[0]}));
  EXPECT_EQ(listed("ann", ""), (std::vector<std::int64_t>{ids[3], ids[2], ids[4], ids[1]}));
  EXPECT_EQ(listed("", "cobas-c311"),
            (std::vector<std::int64_t>{ids[3], ids[2], ids[4], ids[5], ids[0]}));
  EXPECT_EQ(listed("bob", "cobas-c311"), (std::vector<std::int64_t>{ids[5], ids[0]}));
  EXPECT_EQ(listed("bob", "sysmex-xn"), std::vector<std::int64_t>{});
  EXPECT_EQ(listed("zed", ""), std::vector<std::int64_t>{});
}

TEST_P(PeopleStoreConformanceTest, CompetencyEventOfAnUnknownPersonIsNotFound) {
  store_ann_and_bob();
  std::unique_ptr<Transaction> tx = write();
  // cat is a user without a record; zed is not even a user.
  for (const char* username : {"cat", "zed"}) {
    const Result<core::CompetencyEvent> inserted = tx->insert_competency_event(competency_event_of(
        username, "cobas-c311", "2025-01-01", core::CompetencyEventKind::kStarted));
    ASSERT_FALSE(inserted.has_value()) << username;
    EXPECT_EQ(inserted.error().code(), ErrorCode::kNotFound);
    EXPECT_NE(inserted.error().message().find("no person '" + std::string(username) + "'"),
              std::string::npos)
        << inserted.error().message();
  }
  const Result<std::vector<core::CompetencyEvent>> events = tx->competency_events("", "");
  ASSERT_TRUE(events.has_value()) << events.error().message();
  EXPECT_TRUE(events->empty());
}

// --- continuing education ------------------------------------------------------------------

TEST_P(PeopleStoreConformanceTest, CeActivitiesOfOnePersonAreByDateThenId) {
  store_ann_and_bob();
  std::vector<core::CeActivity> stored;
  in_write([&](Transaction& tx) {
    for (const auto& activity : {ce_activity_of("ann", "2025-05-01", "Transfusion reactions"),
                                 ce_activity_of("bob", "2025-01-01", "Bob's webinar"),
                                 ce_activity_of("ann", "2024-11-20", "Lab safety"),
                                 ce_activity_of("ann", "2025-05-01", "Antibody identification")}) {
      const Result<core::CeActivity> inserted = tx.insert_ce_activity(activity);
      ASSERT_TRUE(inserted.has_value()) << inserted.error().message();
      EXPECT_GT(inserted->id, 0);
      stored.push_back(*inserted);
    }
  });
  ASSERT_EQ(stored.size(), 4u);
  const Result<std::vector<core::CeActivity>> ann = read()->ce_activities("ann");
  ASSERT_TRUE(ann.has_value()) << ann.error().message();
  ASSERT_EQ(ann->size(), 3u);
  expect_same((*ann)[0], stored[2]);
  expect_same((*ann)[1], stored[0]);
  expect_same((*ann)[2], stored[3]);
  const Result<std::vector<core::CeActivity>> nobody = read()->ce_activities("cat");
  ASSERT_TRUE(nobody.has_value()) << nobody.error().message();
  EXPECT_TRUE(nobody->empty());
}

TEST_P(PeopleStoreConformanceTest, CeActivityOfAnUnknownPersonIsNotFound) {
  std::unique_ptr<Transaction> tx = write();
  const Result<core::CeActivity> inserted =
      tx->insert_ce_activity(ce_activity_of("ann", "2025-01-01", "No record yet"));
  ASSERT_FALSE(inserted.has_value());
  EXPECT_EQ(inserted.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(inserted.error().message().find("no person 'ann'"), std::string::npos)
      << inserted.error().message();
}

// --- qualification exceptions --------------------------------------------------------------

TEST_P(PeopleStoreConformanceTest, QualificationExceptionsAreFilteredByPersonByFromDateThenId) {
  store_ann_and_bob();
  std::vector<core::QualificationException> stored;
  in_write([&](Transaction& tx) {
    core::QualificationException every_system =
        qualification_exception_of("bob", "2025-02-01", "2025-02-28");
    every_system.test_system = "";
    for (const auto& exception :
         {qualification_exception_of("ann", "2025-03-01", "2025-03-31"), every_system,
          qualification_exception_of("ann", "2025-01-01", "2025-01-31"),
          qualification_exception_of("ann", "2025-03-01", "2025-03-15")}) {
      const Result<core::QualificationException> inserted =
          tx.insert_qualification_exception(exception);
      ASSERT_TRUE(inserted.has_value()) << inserted.error().message();
      EXPECT_GT(inserted->id, 0);
      stored.push_back(*inserted);
    }
  });
  ASSERT_EQ(stored.size(), 4u);
  std::unique_ptr<Transaction> tx = read();

  const Result<std::vector<core::QualificationException>> ann = tx->qualification_exceptions("ann");
  ASSERT_TRUE(ann.has_value()) << ann.error().message();
  ASSERT_EQ(ann->size(), 3u);
  expect_same((*ann)[0], stored[2]);
  expect_same((*ann)[1], stored[0]);
  expect_same((*ann)[2], stored[3]);

  const Result<std::vector<core::QualificationException>> bob = tx->qualification_exceptions("bob");
  ASSERT_TRUE(bob.has_value()) << bob.error().message();
  ASSERT_EQ(bob->size(), 1u);
  expect_same(bob->front(), stored[1]);

  const Result<std::vector<core::QualificationException>> everyone =
      tx->qualification_exceptions("");
  ASSERT_TRUE(everyone.has_value()) << everyone.error().message();
  EXPECT_EQ(people_row_ids(*everyone),
            (std::vector<std::int64_t>{stored[2].id, stored[1].id, stored[0].id, stored[3].id}));

  const Result<std::vector<core::QualificationException>> nobody =
      tx->qualification_exceptions("cat");
  ASSERT_TRUE(nobody.has_value()) << nobody.error().message();
  EXPECT_TRUE(nobody->empty());
}

TEST_P(PeopleStoreConformanceTest, QualificationExceptionOfAnUnknownPersonIsNotFound) {
  std::unique_ptr<Transaction> tx = write();
  const Result<core::QualificationException> inserted = tx->insert_qualification_exception(
      qualification_exception_of("cat", "2025-01-01", "2025-01-31"));
  ASSERT_FALSE(inserted.has_value());
  EXPECT_EQ(inserted.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(inserted.error().message().find("no person 'cat'"), std::string::npos)
      << inserted.error().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, PeopleStoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
