#include "people/expiring.h"

#include <algorithm>
#include <chrono>
#include <tuple>

namespace aliquot::people {
namespace {

int days_between(core::Date from, core::Date to) {
  return static_cast<int>((std::chrono::sys_days(to) - std::chrono::sys_days(from)).count());
}

std::string joined(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

}  // namespace

std::string_view to_code(ExpiringKind kind) {
  switch (kind) {
    case ExpiringKind::kCertification: return "certification";
    case ExpiringKind::kLicence: return "licence";
    case ExpiringKind::kCompetency: return "competency";
  }
  return "certification";
}

std::vector<ExpiringItem> expiring_within(const std::vector<core::PersonRecord>& people,
                                          const std::vector<PersonOnSystem>& log, core::Date on,
                                          int within_days) {
  std::vector<ExpiringItem> items;
  const auto add = [&](const std::string& person, ExpiringKind kind, std::string what,
                       core::Date due) {
    const int left = days_between(on, due);
    if (left <= within_days) items.push_back({person, kind, std::move(what), due, left});
  };
  for (const core::PersonRecord& person : people) {
    for (const core::Certification& held : person.certifications) {
      if (held.expires) {
        add(person.person, ExpiringKind::kCertification, joined({held.credential, held.number}),
            *held.expires);
      }
    }
    for (const core::StateLicence& licence : person.licences) {
      if (licence.expires) {
        add(person.person, ExpiringKind::kLicence,
            joined({licence.state, "licence", licence.type, licence.number}), *licence.expires);
      }
    }
  }
  for (const PersonOnSystem& entry : log) {
    const CompetencyStatus status = competency_status(entry.history, on, within_days);
    add(entry.person, ExpiringKind::kCompetency, entry.test_system + ": " + status.requirement,
        status.due);
  }
  std::sort(items.begin(), items.end(), [](const ExpiringItem& a, const ExpiringItem& b) {
    return std::tie(a.days_left, a.person, a.what) < std::tie(b.days_left, b.person, b.what);
  });
  return items;
}

}  // namespace aliquot::people
