#include "lab/lab_test_fixture.h"

#include "calc/default_calculation_set.h"
#include "lab/lab_setup.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::lab {

// Critical limits: the WakeMed column of the project's results.md (potassium <= 2.5 / >= 6.5,
// sodium <= 120 / >= 160, glucose <= 50 / >= 400, hemoglobin <= 6); troponin I >= 0.30 (ARUP).
// The intervals follow catalog/core-menu.toml except hemoglobin, whose single newborn band
// [0, 30d) is made up so that a band boundary is easy to test.
const char* const kTestCatalogText = R"toml(
[catalog]
name = "test menu"
version = "t1"

[[section]]
code = "chemistry"
name = "Chemistry"

[[section]]
code = "hematology"
name = "Hematology"

[[section]]
code = "urinalysis"
name = "Urinalysis"

[[specimen_type]]
code = "serum"
name = "Serum"

[[specimen_type]]
code = "whole-blood"
name = "Whole blood"

[[specimen_type]]
code = "urine"
name = "Urine"

[[container]]
code = "sst"
name = "Serum separator tube"
draw_order = 3

[[container]]
code = "k2edta"
name = "K2EDTA tube"
draw_order = 5

[[container]]
code = "urine-cup"
name = "Urine cup"
draw_order = 10

[[test]]
code = "NA"
name = "Sodium"
loinc = "2951-2"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0
critical = { low = 120, high = 160 }
reference = [{ low = 136, high = 145 }]

[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1
critical = { low = 2.5, high = 6.5 }
reference = [{ low = 3.5, high = 5.1 }]

[[test]]
code = "GLU"
name = "Glucose"
loinc = "2345-7"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0
critical = { low = 50, high = 400 }
reference = [{ low = 70, high = 99 }]

[[test]]
code = "TROPI"
name = "Troponin I"
loinc = "10839-9"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "ng/mL"
decimals = 2
critical = { high = 0.30 }
reference = [{ high = 0.04 }]

[[test]]
code = "HGB"
name = "Hemoglobin"
loinc = "718-7"
section = "hematology"
specimen_type = "whole-blood"
container = "k2edta"
unit = "g/dL"
decimals = 1
critical = { low = 6 }
reference = [
  { age_max = "30d", low = 13.5, high = 21.5 },
  { sex = "M", age_min = "30d", low = 13.5, high = 17.5 },
  { sex = "F", age_min = "30d", low = 12.0, high = 15.5 },
]

[[test]]
code = "UNIT"
name = "Nitrite, urine"
loinc = "5802-4"
section = "urinalysis"
specimen_type = "urine"
container = "urine-cup"
kind = "coded"
answers = ["negative", "positive"]
abnormal_answers = ["positive"]
reference = [{ text = "negative" }]

[[panel]]
code = "BMP"
name = "Basic metabolic panel (short)"
members = ["NA", "K", "GLU"]
)toml";

core::Instant at(const char* rfc3339) { return must(core::parse_instant(rfc3339)); }
core::Date date(const char* yyyy_mm_dd) { return must(core::parse_date(yyyy_mm_dd)); }

LabTest::LabTest() : LabTest(kTestCatalogText) {}

LabTest::LabTest(const std::string& catalog_text) : clock_(at("2026-03-10T08:00:00Z")) {
  store_ = must(store::open_sqlite_store(":memory:"));
  InitializeLab init;
  init.lab_name = "Test laboratory";
  init.catalog_text = catalog_text;
  init.catalog_file_name = "test-menu.toml";
  must(initialize_lab(*store_, clock_, init));
  catalog_ = must(current_catalog(*store_));
  const std::vector<std::pair<std::string, core::Role>> users = {
      {"clerk", core::Role::kClerk},        {"tech", core::Role::kTechnician},
      {"mls", core::Role::kTechnologist},   {"super", core::Role::kSupervisor},
      {"path", core::Role::kPathologist},   {"doc", core::Role::kClinician},
      {"analyzer", core::Role::kInterface},
  };
  for (const auto& [username, role] : users) {
    AddUser command;
    command.username = username;
    command.display_name = username;
    command.role = role;
    must(write([&](store::Transaction& tx) { return add_user(tx, as("admin"), command); }));
  }
  // No use case deactivates a user yet: the store gets an inactive one directly.
  must(write([&](store::Transaction& tx) {
    core::User gone;
    gone.username = "gone";
    gone.display_name = "Former technologist";
    gone.role = core::Role::kTechnologist;
    gone.active = false;
    gone.created_at = clock_.now();
    return tx.insert_user(gone);
  }));
  clock_.advance(std::chrono::minutes(5));
}

Context LabTest::as(const std::string& username) const {
  core::User user;
  user.username = username;
  return Context{.catalog = *catalog_,
                 .clock = clock_,
                 .actor = user,
                 .calculations = &calc::default_calculation_set()};
}

core::Patient LabTest::patient(const std::string& mrn, core::AdministrativeSex sex,
                               core::Date birth_date) {
  RegisterPatient command;
  command.mrn = mrn;
  command.family_name = "Doe";
  command.given_name = "Pat";
  command.birth_date = birth_date;
  command.sex = sex;
  return must(
      write([&](store::Transaction& tx) { return register_patient(tx, as("clerk"), command); }));
}

core::Order LabTest::order(const std::string& mrn, std::vector<std::string> codes,
                           core::Priority priority) {
  PlaceOrder command;
  command.mrn = mrn;
  command.test_codes = std::move(codes);
  command.priority = priority;
  command.ordering_provider = "Dr. House";
  return must(write([&](store::Transaction& tx) { return place_order(tx, as("clerk"), command); }));
}

std::vector<core::Specimen> LabTest::accession(const std::string& order_number) {
  AccessionOrder command;
  command.order_number = order_number;
  return must(
      write([&](store::Transaction& tx) { return accession_order(tx, as("clerk"), command); }));
}

core::Specimen LabTest::receive(const std::string& accession_number) {
  ReceiveSpecimen command;
  command.accession_number = accession_number;
  return must(
      write([&](store::Transaction& tx) { return receive_specimen(tx, as("clerk"), command); }));
}

std::vector<core::Specimen> LabTest::received_order(const std::string& mrn,
                                                    std::vector<std::string> codes,
                                                    core::Priority priority) {
  const bool known =
      read([&](store::Transaction& tx) { return must(tx.find_patient_by_mrn(mrn)).has_value(); });
  if (!known) patient(mrn);
  const core::Order placed = order(mrn, std::move(codes), priority);
  clock_.advance(std::chrono::minutes(10));
  std::vector<core::Specimen> specimens = accession(placed.order_number);
  clock_.advance(std::chrono::minutes(20));
  for (core::Specimen& specimen : specimens) specimen = receive(specimen.accession_number);
  clock_.advance(std::chrono::minutes(5));
  return specimens;
}

core::TestResult LabTest::enter(const std::string& accession_number, const std::string& code,
                                const std::string& value, const std::string& user) {
  EnterResult command;
  command.accession_number = accession_number;
  command.test_code = code;
  command.value = value;
  return must(write([&](store::Transaction& tx) { return enter_result(tx, as(user), command); }));
}

core::CriticalCall LabTest::call(const std::string& accession_number, const std::string& code) {
  DocumentCriticalCall command;
  command.accession_number = accession_number;
  command.test_code = code;
  command.called_to = "RN Smith, ward 4";
  command.read_back_confirmed = true;
  return must(write(
      [&](store::Transaction& tx) { return document_critical_call(tx, as("tech"), command); }));
}

core::TestResult LabTest::release(const std::string& accession_number, const std::string& code,
                                  const std::string& user) {
  ReleaseResult command;
  command.accession_number = accession_number;
  command.test_code = code;
  return must(write([&](store::Transaction& tx) { return release_result(tx, as(user), command); }));
}

core::TestResult LabTest::result_of(const std::string& accession_number, const std::string& code) {
  const SpecimenDetail detail = must(read(
      [&](store::Transaction& tx) { return specimen_detail(tx, as("tech"), accession_number); }));
  std::optional<core::TestResult> found;
  for (const ResultDetail& result : detail.results) {
    if (result.result.test_code != code) continue;
    if (!found || found->status == core::ResultStatus::kCancelled) found = result.result;
  }
  if (!found) throw std::runtime_error("no result " + code + " on " + accession_number);
  return *found;
}

std::vector<core::TestResult> LabTest::results_of_order(const std::string& order_number) {
  const OrderDetail detail = must(
      read([&](store::Transaction& tx) { return order_detail(tx, as("tech"), order_number); }));
  std::vector<core::TestResult> results;
  for (const ResultDetail& result : detail.results) results.push_back(result.result);
  return results;
}

std::vector<core::AuditEntry> LabTest::audit_trail() {
  return must(read([&](store::Transaction& tx) { return tx.audit_entries(1, 1'000'000); }));
}

std::vector<core::AuditEntry> LabTest::audit_since(std::size_t size) {
  std::vector<core::AuditEntry> all = audit_trail();
  return std::vector<core::AuditEntry>(all.begin() + static_cast<std::ptrdiff_t>(size), all.end());
}

}  // namespace aliquot::lab
