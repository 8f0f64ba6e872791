#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class RegisterPatientTest : public LabTest {
 protected:
  RegisterPatient jane() {
    RegisterPatient command;
    command.mrn = "MRN-001";
    command.family_name = "Roe";
    command.given_name = "Jane";
    command.birth_date = date("1980-05-01");
    command.sex = core::AdministrativeSex::kFemale;
    return command;
  }
  Result<core::Patient> register_as(const std::string& user, const RegisterPatient& command) {
    return write([&](store::Transaction& tx) { return register_patient(tx, as(user), command); });
  }
};

TEST_F(RegisterPatientTest, StoresThePatientWithAnAuditEntry) {
  const std::size_t before = audit_size();
  const core::Patient patient = must(register_as("clerk", jane()));
  EXPECT_NE(patient.id, 0);
  EXPECT_EQ(patient.mrn, "MRN-001");
  EXPECT_EQ(patient.registered_by, "clerk");
  EXPECT_EQ(patient.registered_at, clock_.now());
  const core::Patient found =
      must(read([&](store::Transaction& tx) { return find_patient(tx, "MRN-001"); }));
  EXPECT_EQ(found.family_name, "Roe");
  EXPECT_EQ(found.birth_date, date("1980-05-01"));
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "patient.register");
  EXPECT_EQ(added[0].entity_type, "patient");
  EXPECT_EQ(added[0].entity_key, "MRN-001");
  EXPECT_EQ(added[0].patient_mrn, "MRN-001");
  EXPECT_EQ(added[0].actor, "clerk");
  EXPECT_NE(added[0].after.find("\"birth_date\":\"1980-05-01\""), std::string::npos);
}

TEST_F(RegisterPatientTest, RefusesAnMrnAlreadyRegistered) {
  must(register_as("clerk", jane()));
  const std::size_t before = audit_size();
  RegisterPatient other = jane();
  other.family_name = "Other";
  const Result<core::Patient> again = register_as("clerk", other);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(),
            "a patient with MRN 'MRN-001' is already registered (Roe, Jane)");
  EXPECT_EQ(audit_size(), before);
}

TEST_F(RegisterPatientTest, RefusesAMalformedMrn) {
  RegisterPatient command = jane();
  command.mrn = "MRN 001";
  const Result<core::Patient> refused = register_as("clerk", command);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("MRN 'MRN 001'"), std::string::npos);
}

TEST_F(RegisterPatientTest, RefusesAPatientWithoutFamilyName) {
  RegisterPatient command = jane();
  command.family_name = "  ";
  const Result<core::Patient> refused = register_as("clerk", command);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "patient MRN 'MRN-001' needs a family name");
}

TEST_F(RegisterPatientTest, RefusesABirthDateInTheFuture) {
  clock_.set(at("2026-03-10T23:59:00Z"));
  RegisterPatient tomorrow = jane();
  tomorrow.birth_date = date("2026-03-11");
  const Result<core::Patient> refused = register_as("clerk", tomorrow);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "birth date 2026-03-11 of patient MRN 'MRN-001' is in the future (today is "
            "2026-03-10 UTC)");
  RegisterPatient today = jane();
  today.birth_date = date("2026-03-10");  // a newborn
  EXPECT_TRUE(register_as("clerk", today).has_value());
}

TEST_F(RegisterPatientTest, RefusesClinicians) {
  const Result<core::Patient> refused = register_as("doc", jane());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "user 'doc' (clinician) may not register patients");
}

TEST_F(RegisterPatientTest, RefusesAnInactiveUserAndWritesNothing) {
  const std::size_t before = audit_size();
  const Result<core::Patient> refused = register_as("gone", jane());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "user 'gone' is inactive and may not register patients");
  EXPECT_EQ(audit_size(), before);
  const Result<core::Patient> found =
      read([&](store::Transaction& tx) { return find_patient(tx, "MRN-001"); });
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(found.error().message(), "no patient with MRN 'MRN-001'");
}

}  // namespace
}  // namespace aliquot::lab
