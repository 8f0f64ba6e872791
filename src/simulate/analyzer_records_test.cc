#include "simulate/analyzer_records.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "astm/record.h"
#include "catalog/catalog.h"
#include "rules/flagging.h"
#include "simulate/default_catalog_for_tests.h"

namespace aliquot::simulate {
namespace {

ingest::InstrumentProfile records_analyzer() {
  ingest::InstrumentProfile profile;
  profile.id = "chem";
  profile.name = "Chemistry analyzer";
  profile.sender = "CHEM-1";
  profile.codes["NA"] = {"NA", ""};
  profile.codes["K"] = {"K", ""};
  profile.codes["GLU"] = {"GLU", ""};
  profile.codes["689"] = {"CREAT", ""};
  return profile;
}

// The analyzer's clock at 2026-03-10 08:10:00.
core::LocalTime ten_past_eight() {
  return core::LocalTime(std::chrono::milliseconds(1'773'130'200'000));
}

PatientProfile adult_woman() {
  PatientProfile patient;
  patient.key = 42;
  patient.sex = core::AdministrativeSex::kFemale;
  patient.age_days = 50 * 365;
  return patient;
}

// The host's answer as ingest::AstmIngest writes it (O-26 = Q).
std::vector<std::string> host_answer(const std::string& specimen, const std::string& tests) {
  std::string order = "O|1|" + specimen + "||" + tests + "|R";
  for (int field = 7; field <= 26; ++field) order += field == 26 ? "|Q" : "|";
  return {"H|\\^&|||aliquot|||||||P|1", "P|1||MRN-7||Doe^Jane", order, "L|1|N"};
}

TEST(AstmTimestamp, WritesTheClockAsYearMonthDayHourMinuteSecond) {
  EXPECT_EQ(astm_timestamp(ten_past_eight()), "20260310081000");
  EXPECT_EQ(astm_timestamp(ten_past_eight() + std::chrono::milliseconds(59'999)), "20260310081059");
}

// An analyzer in Chicago writes its wall clock, and the host in the same zone reads back the
// instant it measured at (ingest/time_reader.h reads ASTM times in the lab's zone).
TEST(AstmTimestamp, AClockInTheLabsZoneWritesLocalTime) {
  Result<core::TimeZone> chicago = core::TimeZone::named("America/Chicago");
  if (!chicago.has_value()) GTEST_SKIP() << chicago.error().message();
  const core::Instant at = core::from_unix_millis(1'773'130'200'000);      // 2026-03-10T08:10:00Z
  EXPECT_EQ(astm_timestamp(chicago->to_local(at)), "20260310031000");      // CDT, UTC-5
  const core::Instant winter = core::from_unix_millis(1'767'254'400'000);  // 2026-01-01T08:00:00Z
  EXPECT_EQ(astm_timestamp(chicago->to_local(winter)), "20260101020000");  // CST, UTC-6
  EXPECT_EQ(chicago->to_instant(chicago->to_local(at)), at);
}

TEST(QueryMessage, AsksForTheSpecimenInTheStartingRange) {
  EXPECT_EQ(query_message(records_analyzer(), "2600012", ten_past_eight()),
            (std::vector<std::string>{"H|\\^&|||CHEM-1|||||||P|LIS2-A2|20260310081000",
                                      "Q|1|^2600012||^^^ALL||||||||O", "L|1|N"}));
}

TEST(ReadHostOrders, ReadsSpecimenPatientAndTestsOfTheAnswer) {
  const Result<std::vector<HostOrders>> orders =
      read_host_orders(host_answer("2600012", "^^^NA\\^^^K\\^^^689"), records_analyzer());
  ASSERT_TRUE(orders.has_value()) << orders.error().to_string();
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ(orders->front().specimen_id, "2600012");
  EXPECT_EQ(orders->front().patient_id, "MRN-7");
  EXPECT_EQ(orders->front().instrument_codes, (std::vector<std::string>{"NA", "K", "689"}));
}

TEST(ReadHostOrders, AnAnswerWithoutOrdersOrdersNothing) {
  const Result<std::vector<HostOrders>> orders =
      read_host_orders({"H|\\^&|||aliquot|||||||P|1", "L|1|I"}, records_analyzer());
  ASSERT_TRUE(orders.has_value());
  EXPECT_TRUE(orders->empty());
}

TEST(ReadHostOrders, ReadsTheDelimitersFromTheHeader) {
  // GeneXpert-style delimiters: field |, repeat @, component ^, escape \.
  const Result<std::vector<HostOrders>> orders = read_host_orders(
      {"H|@^\\|||aliquot", "P|1||MRN-8", "O|1|2600013||^^^NA@^^^K|R", "L|1|N"}, records_analyzer());
  ASSERT_TRUE(orders.has_value());
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ(orders->front().instrument_codes, (std::vector<std::string>{"NA", "K"}));
}

TEST(ReadHostOrders, ReadsTheSpecimenWhereTheProfileSaysTheInstrumentReadsIt) {
  ingest::InstrumentProfile profile = records_analyzer();
  profile.specimen_id_field = 4;
  profile.specimen_id_component = 2;
  const Result<std::vector<HostOrders>> orders =
      read_host_orders({"H|\\^&", "O|1||^2600014|^^^NA|R", "L|1|N"}, profile);
  ASSERT_TRUE(orders.has_value());
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ(orders->front().specimen_id, "2600014");
}

TEST(ReadHostOrders, RefusesAnAnswerThatDoesNotStartWithAHeader) {
  const Result<std::vector<HostOrders>> orders =
      read_host_orders({"P|1", "L|1|N"}, records_analyzer());
  ASSERT_FALSE(orders.has_value());
  EXPECT_EQ(orders.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ResultMessage, CarriesEachValueWithUnitStatusAndTime) {
  const std::vector<Measurement> measurements = {
      {"NA", "NA", "139", "mmol/L", MeasurementStatus::kFinal},
      {"689", "CREAT", "", "", MeasurementStatus::kCannotBeDone},
  };
  EXPECT_EQ(result_message(records_analyzer(), "2600012", "MRN-7", measurements, ten_past_eight()),
            (std::vector<std::string>{
                "H|\\^&|||CHEM-1|||||||P|LIS2-A2|20260310081000",
                "P|1||MRN-7",
                "O|1|2600012||^^^NA\\^^^689|R||||||||||||||||||||F",
                "R|1|^^^NA|139|mmol/L||||F||||20260310081000|CHEM-1",
                "R|2|^^^689||||||X||||20260310081000|CHEM-1",
                "L|1|N",
            }));
}

TEST(ResultMessage, SendsTheSpecimensIndicesAfterItsResultsAndNotAsOrderedTests) {
  ingest::InstrumentProfile profile = records_analyzer();
  profile.index_codes["HI"] = ingest::SerumIndex::kHemolysis;
  profile.index_codes["LI"] = ingest::SerumIndex::kLipemia;
  const std::vector<Measurement> indices = serum_indices(profile, 7);
  ASSERT_EQ(indices.size(), 2u);
  const std::vector<Measurement> measurements = {
      {"NA", "NA", "139", "mmol/L", MeasurementStatus::kFinal}};
  const std::vector<std::string> records =
      result_message(profile, "2600012", "MRN-7", measurements, ten_past_eight(), indices);
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(records[2], "O|1|2600012||^^^NA|R||||||||||||||||||||F");
  EXPECT_EQ(records[4], "R|2|^^^HI|" + indices[0].value + "|||||F||||20260310081000|CHEM-1");
  EXPECT_EQ(records[5], "R|3|^^^LI|" + indices[1].value + "|||||F||||20260310081000|CHEM-1");
}

TEST(SerumIndices, AreTheSamplesOwnAndMostlyClearWithSomeHemolysed) {
  ingest::InstrumentProfile profile = records_analyzer();
  EXPECT_TRUE(serum_indices(profile, 1).empty());  // the profile maps no index
  profile.index_codes["HI"] = ingest::SerumIndex::kHemolysis;
  int hemolysed = 0;
  constexpr int kSamples = 5000;
  for (std::uint64_t sample = 1; sample <= kSamples; ++sample) {
    const std::vector<Measurement> indices = serum_indices(profile, sample);
    ASSERT_EQ(indices.size(), 1u);
    EXPECT_EQ(indices[0].instrument_code, "HI");
    EXPECT_EQ(indices[0].value, serum_indices(profile, sample)[0].value);
    const int value = std::stoi(indices[0].value);
    ASSERT_GE(value, 0);
    ASSERT_LE(value, 250);
    if (value >= 60) ++hemolysed;
  }
  // About one in 25.
  EXPECT_GT(hemolysed, kSamples / 50);
  EXPECT_LT(hemolysed, kSamples * 3 / 50);
}

TEST(ResultMessage, EscapesDelimitersInValues) {
  const std::vector<Measurement> measurements = {
      {"K", "K", "a|b^c\\d&e", "", MeasurementStatus::kFinal}};
  const std::vector<std::string> records =
      result_message(records_analyzer(), "2600012", "", measurements, ten_past_eight());
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[3], "R|1|^^^K|a&F&b&S&c&R&d&E&e|||||F||||20260310081000|CHEM-1");
  const astm::Record result(records[3], astm::Delimiters{});
  EXPECT_EQ(astm::unescape(result.field(4), astm::Delimiters{}), "a|b^c\\d&e");
}

TEST(QualityControlMessage, MarksTheOrderAsQualityControlInO12) {
  const std::vector<Measurement> measurements = {
      {"K", "K", "4.1", "mmol/L", MeasurementStatus::kFinal}};
  const std::vector<std::string> records =
      quality_control_message(records_analyzer(), "QC-chem-1", measurements, ten_past_eight());
  ASSERT_EQ(records.size(), 5u);
  const astm::Record order(records[2], astm::Delimiters{});
  EXPECT_EQ(order.type(), astm::RecordType::kOrder);
  EXPECT_EQ(order.field(3), "QC-chem-1");
  EXPECT_EQ(order.field(12), "Q");
  EXPECT_EQ(records[3], "R|1|^^^K|4.1|mmol/L||||F||||20260310081000|CHEM-1");
}

TEST(Measure, GivesEveryMappedTestAValueTheLabCanRead) {
  const ValueModel model(default_catalog(), 7);
  const std::vector<Measurement> measurements = measure(
      default_catalog(), records_analyzer(), model, adult_woman(), 1, {"NA", "K", "GLU", "689"});
  ASSERT_EQ(measurements.size(), 4u);
  const std::vector<std::string> tests = {"NA", "K", "GLU", "CREAT"};
  for (std::size_t i = 0; i < measurements.size(); ++i) {
    const Measurement& measurement = measurements[i];
    EXPECT_EQ(measurement.status, MeasurementStatus::kFinal) << measurement.instrument_code;
    EXPECT_EQ(measurement.test_code, tests[i]);
    const core::TestDefinition* test = default_catalog().find_test(tests[i]);
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(measurement.unit, test->unit);
    EXPECT_TRUE(rules::parse_result_value(*test, measurement.value, measurement.unit).has_value())
        << tests[i] << " = " << measurement.value;
  }
}

TEST(Measure, TheSameSampleMeasuresTheSameAndAnotherSampleDiffers) {
  const ValueModel model(default_catalog(), 7);
  const auto first = measure(default_catalog(), records_analyzer(), model, adult_woman(), 1,
                             {"NA", "K", "GLU", "689"});
  const auto again = measure(default_catalog(), records_analyzer(), model, adult_woman(), 1,
                             {"NA", "K", "GLU", "689"});
  const auto other = measure(default_catalog(), records_analyzer(), model, adult_woman(), 2,
                             {"NA", "K", "GLU", "689"});
  int differing = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].value, again[i].value);
    if (first[i].value != other[i].value) ++differing;
  }
  EXPECT_GT(differing, 0);
}

TEST(Measure, ReportsAnUnmappedCodeAsNotDone) {
  const ValueModel model(default_catalog(), 7);
  const std::vector<Measurement> measurements =
      measure(default_catalog(), records_analyzer(), model, adult_woman(), 1, {"XYZ"});
  ASSERT_EQ(measurements.size(), 1u);
  EXPECT_EQ(measurements[0].status, MeasurementStatus::kCannotBeDone);
  EXPECT_EQ(measurements[0].instrument_code, "XYZ");
  EXPECT_TRUE(measurements[0].value.empty());
}

}  // namespace
}  // namespace aliquot::simulate
