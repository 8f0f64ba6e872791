#pragma once

// Delivers the outbox (ARCHITECTURE decision 4): messages written in the transactions of the
// changes they report are handed to a Transport, and each outcome is recorded in a write
// transaction of its own.
//
// Outcomes (store/messages.h):
//   - the receiver accepts (MSA-1 AA or CA for our MSH-10): delivered, delivered_at set.
//   - the receiver refuses (AE, AR, CE, CR): failed, last_error holding what it said (MSA-3, ERR).
//     Not retried: sending the same bytes again would be refused again; a person must look
//     (`aliquot outbox show|retry`).
//   - the transport fails (peer down, timeout, no route) or the reply is not an acknowledgment of
//     the message: attempts + 1, next_attempt_at = now + retry_delay() (outbox/retry_policy.h),
//     last_error set; after RetryPolicy::max_attempts attempts, failed.
// Every attempt counts in `attempts` and sets last_attempt_at. Delivery is at-least-once: a
// message whose reply was lost is sent again, and receivers dedupe by MSH-10.
//
// Order: per destination, messages go out one at a time in id order (the order of the
// transactions that wrote them), and a message that is waiting to be tried again holds back
// every later message of its destination. So a correction never overtakes its original, nor a
// result its earlier report: HL7 v2 receivers apply results in the order they arrive. A message
// the receiver refused (failed) does not hold the others back — the receiver has judged it —
// and lab::retry_outbox_message() refuses to resend it once a later report about the same
// subject reached the destination. Destinations do not wait for each other: one pass sends in
// rounds, one message per destination per round.
//
// One Sender per store: two senders on one database would send messages twice and could
// reorder them. Not thread-safe, except wake() and the stop token of run().

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>

#include "core/error.h"
#include "core/time.h"
#include "outbox/retry_policy.h"
#include "outbox/transport.h"
#include "store/store.h"

namespace aliquot::outbox {

struct SenderOptions {
  RetryPolicy retry;
  // At most this many messages are handed to the transport in one pass, so that a pass ends in
  // bounded time (and run() notices a stop between passes). At least 1.
  int batch_size = 100;
};

class Sender {
 public:
  // `store`, `transport` and `clock` must outlive the sender. The clock stamps attempts and
  // decides what is due; run() waits between passes on the steady clock.
  Sender(store::Store& store, Transport& transport, const core::Clock& clock,
         SenderOptions options = {});

  // One pass: hands every message that may go now to the transport (as ordered above) and
  // records each outcome. Returns how many messages were handed over. Fails only when the store
  // fails; outcomes recorded before that are kept.
  Result<int> run_once();

  // Passes until `stop` is requested: after a pass that filled its batch the next one starts at
  // once, otherwise after `poll_interval` or as soon as wake() is called. Returns when stopped
  // (the pass under way finishes first), or with the store's error when a pass fails.
  Result<void> run(std::stop_token stop, std::chrono::milliseconds poll_interval);

  // Ends the current wait of run() early: call it after committing a transaction that queued a
  // message. Thread-safe.
  void wake();

 private:
  enum class Outcome { kDelivered, kFailed, kRetryLater, kChangedMeanwhile };

  // Sends one message and records what came of it.
  Result<Outcome> attempt(const store::OutboxMessage& message);

  store::Store& store_;
  Transport& transport_;
  const core::Clock& clock_;
  SenderOptions options_;

  std::mutex mutex_;
  std::condition_variable_any woken_;
  bool wake_requested_ = false;
};

}  // namespace aliquot::outbox
