#include "outbox/sender.h"

#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "outbox/acknowledgement.h"

namespace aliquot::outbox {

Sender::Sender(store::Store& store, Transport& transport, const core::Clock& clock,
               SenderOptions options)
    : store_(store), transport_(transport), clock_(clock), options_(options) {
  if (options_.batch_size < 1) options_.batch_size = 1;
}

Result<int> Sender::run_once() {
  const core::Instant now = clock_.now();
  // The queue of every destination, oldest first. Messages that are not due are read too: a
  // message waiting for its next attempt holds back the later ones of its destination.
  std::map<std::string, std::deque<store::OutboxMessage>> queues;
  {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store_.begin(store::TransactionMode::kRead));
    // Most passes find nothing due: they stop here without reading the queues.
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::OutboxMessage> due,
                             tx->due_outbox_messages(now, 1));
    if (due.empty()) return 0;
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<store::OutboxMessage> pending,
                             tx->list_outbox_messages(store::OutboxStatus::kPending,
                                                      std::numeric_limits<std::int64_t>::max()));
    for (auto message = pending.rbegin(); message != pending.rend(); ++message) {
      queues[message->destination].push_back(std::move(*message));
    }
  }

  // Rounds of one message per destination, so that a long queue does not starve the others.
  int handled = 0;
  bool progress = true;
  while (progress && handled < options_.batch_size) {
    progress = false;
    for (auto& [destination, queue] : queues) {
      if (handled >= options_.batch_size) break;
      if (queue.empty() || queue.front().next_attempt_at > now) continue;
      ALIQUOT_ASSIGN_OR_RETURN(const Outcome outcome, attempt(queue.front()));
      ++handled;
      if (outcome == Outcome::kRetryLater) {
        queue.clear();  // held back until the next pass finds its head due
        continue;
      }
      queue.pop_front();
      progress = true;
    }
  }
  return handled;
}

Result<Sender::Outcome> Sender::attempt(const store::OutboxMessage& message) {
  // No transaction is open while the transport works: delivery may take seconds.
  Result<std::string> reply = transport_.deliver(message);
  const core::Instant at = clock_.now();

  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::OutboxMessage> stored,
                           tx->find_outbox_message(message.id));
  // Someone changed the message while it was being sent (it was no longer pending, or it was
  // put back by a retry): their decision stands.
  if (!stored || stored->status != store::OutboxStatus::kPending ||
      stored->attempts != message.attempts) {
    return Outcome::kChangedMeanwhile;
  }
  store::OutboxMessage& updated = *stored;
  ++updated.attempts;
  updated.last_attempt_at = at;

  Outcome outcome = Outcome::kRetryLater;
  std::string problem;
  if (!reply.has_value()) {
    problem = reply.error().message();
  } else {
    const AckReading ack = read_acknowledgement(*reply, message.message_id);
    switch (ack.verdict) {
      case AckVerdict::kAccepted: outcome = Outcome::kDelivered; break;
      case AckVerdict::kRefused:
        outcome = Outcome::kFailed;
        problem = "refused by " + message.destination + ": " + ack.explanation;
        break;
      case AckVerdict::kUnreadable: problem = ack.explanation; break;
    }
  }

  switch (outcome) {
    case Outcome::kDelivered:
      updated.status = store::OutboxStatus::kDelivered;
      updated.delivered_at = at;
      break;
    case Outcome::kFailed:
      updated.status = store::OutboxStatus::kFailed;
      updated.last_error = problem;
      break;
    case Outcome::kRetryLater:
      if (updated.attempts >= options_.retry.max_attempts) {
        outcome = Outcome::kFailed;
        updated.status = store::OutboxStatus::kFailed;
        updated.last_error =
            "gave up after " + std::to_string(updated.attempts) + " attempts: " + problem;
      } else {
        updated.next_attempt_at = at + retry_delay(options_.retry, updated.attempts);
        updated.last_error = problem;
      }
      break;
    case Outcome::kChangedMeanwhile: break;
  }
  ALIQUOT_RETURN_IF_ERROR(tx->update_outbox_message(updated));
  ALIQUOT_RETURN_IF_ERROR(tx->commit());
  return outcome;
}

Result<void> Sender::run(std::stop_token stop, std::chrono::milliseconds poll_interval) {
  while (!stop.stop_requested()) {
    ALIQUOT_ASSIGN_OR_RETURN(const int handled, run_once());
    if (handled >= options_.batch_size) continue;
    std::unique_lock lock(mutex_);
    woken_.wait_for(lock, stop, poll_interval, [this] { return wake_requested_; });
    wake_requested_ = false;
  }
  return ok();
}

void Sender::wake() {
  {
    std::lock_guard lock(mutex_);
    wake_requested_ = true;
  }
  woken_.notify_all();
}

}  // namespace aliquot::outbox
