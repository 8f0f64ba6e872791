#include "interfaces_lab.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "audit/chain.h"
#include "lab/lab_setup.h"
#include "lab/use_cases.h"
#include "rules/flagging.h"
#include "store/sqlite/sqlite_store.h"

#ifndef ALIQUOT_BUILT_SOURCE_DIR
#define ALIQUOT_BUILT_SOURCE_DIR "."
#endif

namespace aliquot::interfaces_test {
namespace {

constexpr const char* kClerk = "clerk1";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A value as the lab reports it, from the text an analyzer sent.
std::string reported(const core::TestDefinition& test, const std::string& text,
                     const std::string& unit) {
  const Result<core::ResultValue> value = rules::parse_result_value(test, text, unit);
  return value.has_value() ? core::format_reported(*value) : "unreadable '" + text + "'";
}

}  // namespace

std::string source_directory() {
  const char* dir = std::getenv("ALIQUOT_SOURCE_DIR");
  return dir != nullptr && *dir != '\0' ? dir : ALIQUOT_BUILT_SOURCE_DIR;
}

ingest::InstrumentProfile shipped_profile(const std::string& file_name,
                                          const catalog::Catalog& catalog) {
  const std::string path = source_directory() + "/interfaces/instruments/" + file_name;
  return must(ingest::parse_instrument_profile(read_file(path), path, catalog));
}

TestLab::TestLab(const std::string& path, const core::Clock& clock) : path_(path), clock_(clock) {
  store_ = must(store::open_sqlite_store(path_));
  must(lab::initialize_lab(*store_, clock_, lab::InitializeLab{}));
  catalog_ = must(lab::current_catalog(*store_));
  std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
  const std::optional<core::User> admin = must(tx->find_user("admin"));
  if (!admin) throw std::runtime_error("the new lab has no admin");
  const lab::Context as_admin{*catalog_, clock_, *admin};
  must(lab::add_user(*tx, as_admin, {kClerk, "Clerk One", core::Role::kClerk}));
  must(tx->commit());
  configuration_ =
      std::make_unique<lab::ConfigurationInForce>(must(lab::read_lab_configuration(*store_)));
}

void TestLab::reopen() {
  store::SqliteOptions options;
  options.must_exist = true;
  store_ = must(store::open_sqlite_store(path_, options));
}

std::vector<std::string> TestLab::received_orders(int count, const std::vector<std::string>& tests,
                                                  const std::string& mrn_prefix) {
  std::vector<std::string> accessions;
  std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
  core::User clerk;
  clerk.username = kClerk;
  const lab::Context as_clerk{*catalog_, clock_, clerk};
  for (int i = 1; i <= count; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "%04d", i);
    const std::string mrn = mrn_prefix + number;
    must(lab::register_patient(
        *tx, as_clerk,
        {mrn, "Tester", "Pat", std::chrono::year{1971} / 4 / 2,
         i % 2 ? core::AdministrativeSex::kFemale : core::AdministrativeSex::kMale}));
    const core::Order order = must(lab::place_order(
        *tx, as_clerk, {mrn, tests, core::Priority::kRoutine, "Dr. Ward", "", ""}));
    for (const core::Specimen& specimen :
         must(lab::accession_order(*tx, as_clerk, {order.order_number, std::nullopt, ""}))) {
      must(lab::receive_specimen(*tx, as_clerk, {specimen.accession_number, ""}));
      accessions.push_back(specimen.accession_number);
    }
  }
  must(tx->commit());
  return accessions;
}

std::vector<std::string> check_stored_exactly_once(
    store::Store& store, const catalog::Catalog& catalog, const ingest::InstrumentProfile& profile,
    const std::vector<simulate::DeliveredMessage>& delivered,
    const std::vector<std::string>& accessions) {
  std::vector<std::string> problems;
  const std::string account = profile.account();
  std::set<std::string> performed;
  for (const auto& [code, mapping] : profile.codes) performed.insert(mapping.test_code);
  std::unique_ptr<store::Transaction> tx = must(store.begin(store::TransactionMode::kRead));

  // What the analyzer was told is stored: "ACCESSION/TEST" -> the value as reported.
  std::map<std::string, std::string> acknowledged;
  std::set<std::string> not_done;  // reported R-9 X: the host files nothing for them
  for (const simulate::DeliveredMessage& message : delivered) {
    if (message.kind != simulate::MessageKind::kResults) continue;
    for (const simulate::Measurement& measurement : message.measurements) {
      if (measurement.status != simulate::MeasurementStatus::kFinal) {
        not_done.insert(message.specimen_id + "/" + measurement.test_code);
        continue;
      }
      const core::TestDefinition* test = catalog.find_test(measurement.test_code);
      if (test == nullptr) {
        problems.push_back("delivered test " + measurement.test_code + " is not in the catalog");
        continue;
      }
      const std::string key = message.specimen_id + "/" + measurement.test_code;
      if (!acknowledged.emplace(key, reported(*test, measurement.value, measurement.unit)).second) {
        problems.push_back(key + " was acknowledged in two messages");
      }
    }
  }

  std::map<std::string, std::string> stored;  // by the analyzer's account
  for (const std::string& accession : accessions) {
    const std::optional<core::Specimen> specimen = must(tx->find_specimen_by_accession(accession));
    if (!specimen) {
      problems.push_back("specimen " + accession + " is not in the lab");
      continue;
    }
    for (const core::TestResult& result : must(tx->results_for_specimen(specimen->id))) {
      if (!performed.contains(result.test_code)) continue;
      const std::string key = accession + "/" + result.test_code;
      if (!result.value) {
        if (not_done.contains(key)) continue;
        problems.push_back(key + " has no value: an unacknowledged result was not sent again");
        continue;
      }
      if (result.entered_by != account) {
        problems.push_back(key + " was entered by " + result.entered_by + ", not " + account);
        continue;
      }
      stored[key] = core::format_reported(*result.value);
    }
    store::AuditFilter filter;
    filter.accession_number = accession;
    std::map<std::string, int> entries;
    for (const core::AuditEntry& entry : must(tx->find_audit_entries(filter))) {
      if (entry.action == "result.enter") ++entries[entry.entity_key];
    }
    for (const auto& [key, count] : entries) {
      if (count > 1) {
        problems.push_back(key + " has " + std::to_string(count) + " result.enter audit entries");
      }
    }
  }
  for (const auto& [key, value] : acknowledged) {
    const auto found = stored.find(key);
    if (found == stored.end()) {
      problems.push_back(key + " was acknowledged but is not stored by " + account);
    } else if (found->second != value) {
      problems.push_back(key + " was acknowledged as " + value + " but " + found->second +
                         " is stored");
    }
  }
  for (const auto& [key, value] : stored) {
    if (!acknowledged.contains(key)) {
      problems.push_back(key + " is stored (" + value + ") but was never acknowledged");
    }
  }
  const audit::VerifyReport verified = must(audit::verify(*tx));
  if (!verified.intact) problems.push_back("the audit chain is broken: " + verified.problem);
  return problems;
}

}  // namespace aliquot::interfaces_test
