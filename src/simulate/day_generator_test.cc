#include "simulate/day_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "simulate/default_catalog_for_tests.h"

namespace aliquot::simulate {
namespace {

using std::chrono::minutes;

DayGenerator make_day(int patients, std::uint64_t seed) {
  Result<DayGenerator> generator =
      DayGenerator::create(default_catalog(), DayOptions{.patients = patients, .seed = seed});
  if (!generator) {
    ADD_FAILURE() << generator.error().message();
    std::abort();
  }
  return std::move(generator).value();
}

double minute_of_day(const DayGenerator& day, core::Instant at) {
  return std::chrono::duration<double, std::ratio<60>>(at - day.day_start()).count();
}

TEST(DayGenerator, MakesTheRequestedNumberOfPatientsWithDistinctMrns) {
  const DayGenerator day = make_day(300, 1);
  ASSERT_EQ(day.visits().size(), 300u);
  std::set<std::string> mrns;
  for (const Visit& visit : day.visits()) {
    EXPECT_TRUE(core::validate_mrn(visit.patient.mrn).has_value());
    EXPECT_FALSE(visit.patient.family_name.empty());
    EXPECT_GE(core::age_in_years(visit.patient.birth_date, day.day_start()), 18);
    EXPECT_FALSE(visit.orders.empty());
    mrns.insert(visit.patient.mrn);
  }
  EXPECT_EQ(mrns.size(), 300u);
}

TEST(DayGenerator, GivesTheSameDayForTheSameSeedAndAnotherForAnotherSeed) {
  const DayGenerator a = make_day(120, 7);
  const DayGenerator b = make_day(120, 7);
  const DayGenerator c = make_day(120, 8);
  int differences_from_c = 0;
  for (std::size_t i = 0; i < a.visits().size(); ++i) {
    const Visit& x = a.visits()[i];
    const Visit& y = b.visits()[i];
    ASSERT_EQ(x.patient.mrn, y.patient.mrn);
    ASSERT_EQ(x.patient.given_name, y.patient.given_name);
    ASSERT_EQ(x.orders.size(), y.orders.size());
    for (std::size_t k = 0; k < x.orders.size(); ++k) {
      EXPECT_EQ(x.orders[k].test_codes, y.orders[k].test_codes);
      EXPECT_EQ(x.orders[k].ordered_at, y.orders[k].ordered_at);
      EXPECT_EQ(x.orders[k].priority, y.orders[k].priority);
    }
    if (x.patient.mrn != c.visits()[i].patient.mrn) ++differences_from_c;
  }
  EXPECT_GT(differences_from_c, 100);
}

TEST(DayGenerator, MixesPrioritiesAsAHospitalLabDoesWithStatMostlyFromTheEd) {
  const DayGenerator day = make_day(2000, 2);
  int routine = 0, asap = 0, stat = 0, stat_from_ed = 0;
  for (const Visit& visit : day.visits()) {
    for (const PlannedOrder& order : visit.orders) {
      switch (order.priority) {
        case core::Priority::kRoutine: ++routine; break;
        case core::Priority::kAsap: ++asap; break;
        case core::Priority::kStat:
          ++stat;
          if (visit.setting == CareSetting::kEmergency) ++stat_from_ed;
          break;
      }
    }
  }
  const double total = routine + asap + stat;
  EXPECT_NEAR(routine / total, 0.70, 0.08);
  EXPECT_NEAR(asap / total, 0.10, 0.05);
  EXPECT_NEAR(stat / total, 0.20, 0.06);
  EXPECT_GT(stat_from_ed, stat * 0.7);
}

TEST(DayGenerator, BringsOutpatientsInTheMorningAndTheEdAllDay) {
  const DayGenerator day = make_day(2000, 3);
  int outpatient_orders = 0, morning_peak = 0, ed_at_night = 0;
  for (const Visit& visit : day.visits()) {
    const double minute = minute_of_day(day, visit.orders.front().ordered_at);
    if (visit.setting == CareSetting::kOutpatient) {
      ++outpatient_orders;
      EXPECT_GE(minute, 7 * 60);
      EXPECT_LE(minute, 17 * 60);
      if (minute < 11 * 60) ++morning_peak;
    }
    if (visit.setting == CareSetting::kEmergency && minute < 6 * 60) ++ed_at_night;
  }
  EXPECT_GT(morning_peak, outpatient_orders * 0.55);
  EXPECT_GT(ed_at_night, 0);
}

TEST(DayGenerator, OrdersOnlyWhatTheCatalogHasAndCollectsAfterOrdering) {
  const DayGenerator day = make_day(500, 4);
  int serial_troponins = 0;
  for (const Visit& visit : day.visits()) {
    for (const PlannedOrder& order : visit.orders) {
      EXPECT_TRUE(default_catalog().expand(order.test_codes).has_value());
      EXPECT_GE(order.collected_at, order.ordered_at);
      EXPECT_FALSE(order.ordering_provider.empty());
      EXPECT_FALSE(order.collected_by.empty());
    }
    if (visit.orders.size() == 2 && visit.setting == CareSetting::kEmergency) {
      EXPECT_EQ(visit.orders[1].test_codes, std::vector<std::string>{"TNI"});
      EXPECT_GT(visit.orders[1].collected_at, visit.orders[0].collected_at + minutes(160));
      ++serial_troponins;
    }
  }
  EXPECT_GT(serial_troponins, 0);
}

TEST(DayGenerator, GivesAFewPatientsACriticalPresentation) {
  const DayGenerator day = make_day(3000, 5);
  int critical = 0;
  for (const Visit& visit : day.visits()) {
    if (visit.profile.critical) ++critical;
  }
  EXPECT_GT(critical, 3000 * 0.005);
  EXPECT_LT(critical, 3000 * 0.03);
}

TEST(DayGenerator, SendsStatSpecimensFasterAndRejectsAFewPercent) {
  const DayGenerator day = make_day(1500, 6);
  std::vector<double> stat_transport, routine_transport;
  int specimens = 0, rejected = 0;
  for (const Visit& visit : day.visits()) {
    for (const PlannedOrder& order : visit.orders) {
      for (const auto& [type, container] :
           std::vector<std::pair<std::string, std::string>>{{"serum", "sst"},
                                                            {"whole-blood", "k2edta"},
                                                            {"plasma-citrate", "citrate"},
                                                            {"urine", "urine-cup"}}) {
        const SpecimenPlan plan = day.plan_specimen(visit, order, type, container, 0);
        ++specimens;
        EXPECT_GT(plan.transport.count(), 0);
        EXPECT_LE(plan.transport.count(), 70);
        (order.priority == core::Priority::kStat ? stat_transport : routine_transport)
            .push_back(plan.transport.count());
        if (!plan.rejection) continue;
        ++rejected;
        if (*plan.rejection == core::RejectionReason::kHemolyzed) {
          EXPECT_EQ(container, "sst");
        }
        EXPECT_FALSE(plan.rejection_comment.empty());
        // Nobody recollects an outpatient who has gone home; the wards and the ED do.
        EXPECT_EQ(plan.recollect_after.has_value(), visit.setting != CareSetting::kOutpatient);
      }
    }
  }
  std::sort(stat_transport.begin(), stat_transport.end());
  std::sort(routine_transport.begin(), routine_transport.end());
  EXPECT_LT(stat_transport[stat_transport.size() / 2],
            routine_transport[routine_transport.size() / 2]);
  EXPECT_GT(rejected, specimens * 0.005);
  EXPECT_LT(rejected, specimens * 0.03);
}

TEST(DayGenerator, AnalyzesStatWorkFasterThanRoutine) {
  const DayGenerator day = make_day(400, 9);
  double stat_sum = 0, routine_sum = 0;
  int stat_count = 0, routine_count = 0;
  for (const Visit& visit : day.visits()) {
    for (const PlannedOrder& order : visit.orders) {
      const double m =
          day.analysis_time(visit, order, "chemistry", "sst", 0, order.collected_at).count();
      EXPECT_GT(m, 0);
      if (order.priority == core::Priority::kStat) {
        stat_sum += m;
        ++stat_count;
      } else if (order.priority == core::Priority::kRoutine) {
        routine_sum += m;
        ++routine_count;
      }
    }
  }
  ASSERT_GT(stat_count, 0);
  ASSERT_GT(routine_count, 0);
  EXPECT_LT(stat_sum / stat_count, routine_sum / routine_count);
}

TEST(DayGenerator, CallsCriticalsWithinThePolicyLimit) {
  const DayGenerator day = make_day(200, 10);
  for (const Visit& visit : day.visits()) {
    const CallPlan plan = day.plan_call(visit, visit.orders.front(), "K");
    EXPECT_GT(plan.after_entry.count(), 0);
    EXPECT_LE(plan.after_entry.count(), 30);
    EXPECT_FALSE(plan.called_to.empty());
  }
}

TEST(DayGenerator, RefusesACatalogWithoutTheOrderMixsCodes) {
  const std::string toml = R"toml(
[catalog]
name = "tiny"
version = "1"

[[section]]
code = "chemistry"
name = "Chemistry"

[[specimen_type]]
code = "serum"
name = "Serum"

[[container]]
code = "sst"
name = "Serum separator tube"
draw_order = 3

[[test]]
code = "NA"
name = "Sodium"
loinc = "2951-2"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0
reference = [{ low = 136, high = 145 }]
)toml";
  catalog::LoadOutcome outcome = catalog::load_catalog(toml, "tiny.toml");
  ASSERT_TRUE(outcome.catalog.has_value()) << outcome.diagnostics.front().to_string();
  const Result<DayGenerator> day = DayGenerator::create(*outcome.catalog, DayOptions{});
  ASSERT_FALSE(day.has_value());
  EXPECT_EQ(day.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(day.error().message(),
            "the simulated order mix needs test or panel codes that catalog 'tiny' does not "
            "have: APTT, BMP, CBC, CMP, COAG, FT4, HBA1C, LIPID, MG, PTINR, TNI, TSH, UA");
}

TEST(DayGenerator, RefusesADayWithoutPatients) {
  const Result<DayGenerator> day =
      DayGenerator::create(default_catalog(), DayOptions{.patients = 0});
  ASSERT_FALSE(day.has_value());
  EXPECT_EQ(day.error().message(), "a simulated day needs at least 1 patient, not 0");
}

}  // namespace
}  // namespace aliquot::simulate
