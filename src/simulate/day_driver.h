#pragma once

// Plays a DayGenerator's day through the lab's use cases, on a ManualClock: registration and
// orders, collection (accessioning), receipt, rejection and recollection, result entry, critical
// calls with read-back, and release — each step by the staff member on shift, with the clock set
// to the moment it happens, so everything the lab records (times, actors, audit trail) is what a
// real day would leave.
//
// Durability is grouped as the ingest pipeline groups it: the steps falling within one window
// of simulated time (5 minutes by default) share one write transaction. The grouping changes no
// recorded time: each step still runs at its own moment. Any refused step ends the run with an
// error naming the step; the open window's transaction is then abandoned, and the driver, whose
// schedule has moved on, should be discarded.
//
// Not thread-safe. The store, generator and clock must outlive the driver.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "simulate/day_generator.h"
#include "store/store.h"

namespace aliquot::simulate {

struct DriverOptions {
  Minutes commit_every{5};
  std::string admin_username = "admin";  // adds the simulated staff when they are missing
};

struct DriverStats {
  std::int64_t use_cases = 0;     // successful use-case calls
  std::int64_t transactions = 0;  // write transactions committed
};

class DayDriver {
 public:
  // Adds the simulated staff (those not yet users) through lab::add_user as `admin_username`, and
  // schedules every visit's first step. NotFound when the admin user does not exist.
  static Result<DayDriver> create(store::Store& store, const DayGenerator& generator,
                                  core::ManualClock& clock, const DriverOptions& options = {});

  // Runs every step scheduled before `end`, in time order; steps they schedule run too when they
  // fall before `end`. Leaves the clock at `end`.
  Result<void> run_until(core::Instant end);
  // Runs the generator's whole day: until 24:00. Work still in progress then stays open.
  Result<void> run_day() { return run_until(generator_->day_end()); }

  std::optional<core::Instant> next_step_at() const;
  const DriverStats& stats() const { return stats_; }

 private:
  enum class StepKind { kOrder, kCollect, kReceive, kReject, kAnalyze, kCall, kRelease };
  struct Step {
    core::Instant at{};
    std::uint64_t sequence = 0;  // ties run in scheduling order
    StepKind kind = StepKind::kOrder;
    int visit = 0;
    int order = 0;
    std::string accession_number{};
    std::string section{};
    std::vector<std::string> test_codes{};
    std::string collected_by{};  // recollections: who draws again
  };
  struct Later {
    bool operator()(const Step& a, const Step& b) const {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };
  // A specimen in flight: where it came from and what will happen to it.
  struct SpecimenState {
    int visit = 0;
    int order = 0;
    int attempt = 0;
    std::string container{};
    std::int64_t specimen_id = 0;
    SpecimenPlan plan{};
  };

  DayDriver(store::Store& store, const DayGenerator& generator, core::ManualClock& clock)
      : store_(&store), generator_(&generator), clock_(&clock) {}

  void schedule(core::Instant at, Step step);
  Result<void> run_step(store::Transaction& tx, const Step& step);
  Result<void> place_order(store::Transaction& tx, const Step& step);
  Result<void> collect(store::Transaction& tx, const Step& step);
  Result<void> receive(store::Transaction& tx, const Step& step);
  Result<void> reject(store::Transaction& tx, const Step& step);
  Result<void> analyze(store::Transaction& tx, const Step& step);
  Result<void> call(store::Transaction& tx, const Step& step);
  Result<void> release(store::Transaction& tx, const Step& step);
  Result<core::User> user(store::Transaction& tx, std::string_view username);

  store::Store* store_;
  const DayGenerator* generator_;
  core::ManualClock* clock_;
  DriverOptions options_;
  std::priority_queue<Step, std::vector<Step>, Later> steps_;
  std::uint64_t next_sequence_ = 0;
  std::map<std::pair<int, int>, std::string> order_numbers_{};  // (visit, order) -> number
  std::map<std::pair<int, int>, int> collections_{};            // (visit, order) -> attempts so far
  std::set<std::pair<int, int>> recollections_due_;             // (visit, order) awaiting redraw
  std::map<std::string, SpecimenState> specimens_{};            // by accession number
  std::map<std::string, core::User, std::less<>> users_{};      // by username, once looked up
  DriverStats stats_;
};

}  // namespace aliquot::simulate
