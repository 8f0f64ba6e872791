#include "store/messages.h"

#include <array>
#include <utility>

namespace aliquot::store {
namespace {

template <typename E, std::size_t N>
using CodeTable = std::array<std::pair<std::string_view, E>, N>;

template <typename E, std::size_t N>
std::string_view code_of(E value, const CodeTable<E, N>& table) {
  for (const auto& [code, v] : table) {
    if (v == value) return code;
  }
  return "?";
}

template <typename E, std::size_t N>
Result<E> lookup(std::string_view what, std::string_view text, const CodeTable<E, N>& table) {
  std::string known;
  for (const auto& [code, value] : table) {
    if (code == text) return value;
    known += (known.empty() ? " " : ", ") + std::string(code);
  }
  return invalid_argument("unknown " + std::string(what) + " '" + std::string(text) +
                          "'; one of:" + known);
}

constexpr CodeTable<Channel, 2> kChannels{{{"hl7", Channel::kHl7}, {"astm", Channel::kAstm}}};
constexpr CodeTable<QuarantineStatus, 3> kQuarantineStatuses{{
    {"held", QuarantineStatus::kHeld},
    {"replayed", QuarantineStatus::kReplayed},
    {"discarded", QuarantineStatus::kDiscarded},
}};
constexpr CodeTable<OutboxStatus, 3> kOutboxStatuses{{
    {"pending", OutboxStatus::kPending},
    {"delivered", OutboxStatus::kDelivered},
    {"failed", OutboxStatus::kFailed},
}};

}  // namespace

std::string_view to_code(Channel channel) { return code_of(channel, kChannels); }
Result<Channel> parse_channel(std::string_view text) { return lookup("channel", text, kChannels); }

std::string_view to_code(QuarantineStatus status) { return code_of(status, kQuarantineStatuses); }
Result<QuarantineStatus> parse_quarantine_status(std::string_view text) {
  return lookup("quarantine status", text, kQuarantineStatuses);
}

std::string_view to_code(OutboxStatus status) { return code_of(status, kOutboxStatuses); }
Result<OutboxStatus> parse_outbox_status(std::string_view text) {
  return lookup("outbox status", text, kOutboxStatuses);
}

}  // namespace aliquot::store
