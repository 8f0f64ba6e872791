#include "lab/lab_time_zone.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "lab/lab_test_fixture.h"
#include "lab/outbound.h"

namespace aliquot::lab {
namespace {

using namespace std::chrono_literals;

class LabTimeZoneTest : public LabTest {
 protected:
  Result<void> set(const std::string& value, const std::string& user = "super") {
    return write([&](store::Transaction& tx) {
      return set_outbound_setting(tx, as(user),
                                  SetOutboundSetting{std::string(kLabTimeZone), value});
    });
  }
  Result<core::TimeZone> zone() {
    return read([](store::Transaction& tx) { return lab_time_zone(tx); });
  }
};

TEST_F(LabTimeZoneTest, IsTheMachinesZoneUntilTheLabSetsOne) {
  EXPECT_EQ(must(zone()).name(), core::TimeZone::machine().name());
  must(set("America/Chicago"));
  const core::TimeZone chicago = must(zone());
  EXPECT_EQ(chicago.name(), "America/Chicago");
  const core::LocalTime summer_morning =
      core::LocalTime(std::chrono::local_days(std::chrono::year{2026} / 7 / 1)) + 8h;
  EXPECT_EQ(chicago.offset_at(summer_morning), -300min);
  must(set(""));  // back to the default
  EXPECT_EQ(must(zone()).name(), core::TimeZone::machine().name());
}

TEST_F(LabTimeZoneTest, SettingItIsAuditedAndKeptToManagersOfInterfaces) {
  const std::size_t before = audit_size();
  must(set("Europe/Paris"));
  const std::vector<core::AuditEntry> audited = audit_since(before);
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].action, "setting.set");
  EXPECT_EQ(audited[0].entity_key, "lab.time_zone");
  const Result<void> refused = set("America/Chicago", "tech");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(must(zone()).name(), "Europe/Paris");
}

TEST_F(LabTimeZoneTest, RefusesAZoneTheDatabaseDoesNotHave) {
  const Result<void> refused = set("America/Gotham");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "setting lab.time_zone: time zone 'America/Gotham' is not in the time zone database "
            "(/usr/share/zoneinfo)");
  EXPECT_EQ(set("CST").error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(LabTimeZoneTest, AStoredZoneTheDatabaseLostStopsTimesBeingRead) {
  must(write(
      [](store::Transaction& tx) { return tx.set_setting(kLabTimeZone, "Atlantis/Capital"); }));
  const Result<core::TimeZone> lost = zone();
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(lost.error().message(),
            "setting lab.time_zone: time zone 'Atlantis/Capital' is not in the time zone database "
            "(/usr/share/zoneinfo)");
}

TEST_F(LabTimeZoneTest, IsListedWithTheOtherLabSettings) {
  bool listed = false;
  for (const OutboundSettingKey& key : outbound_setting_keys()) {
    if (key.key == kLabTimeZone) listed = true;
  }
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace aliquot::lab
