// results_bench: how fast results are recorded durably, and what the lab's use case costs over
// the database itself.
//
// What is measured. Results posted through lab::enter_result into the SQLite store (WAL; every
// commit waits for the log to be synced to disk), in three groupings:
//   (a) one result per transaction — what one CLI command or one unbatched message costs;
//   (b) 100 and 1000 results per transaction — the ingest pipeline's group commit
//       (ARCHITECTURE decision 2).
// Each enter_result looks up the actor, specimen, order, patient and result, parses and flags
// the value against the catalog, updates the result row and appends a hash-chained audit entry
// (SHA-256 over the entry) with before/after JSON images.
//
// The baseline, measured in the same run on the same file system: raw sqlite3 prepared INSERTs
// of equivalent rows into a separate database file in WAL mode with synchronous=FULL (the same sync
// of the log at each commit) and the same `results` and `audit_log` tables and indexes as the store
// — per result one result row with every column filled and one audit row with before/after JSON
// texts of the size the use case writes and a 64-character hash — with the same groupings. The
// baseline does no reads, no validation, no flagging and no hashing, and inserts rather than
// updates; the ratio use-case/raw is therefore the whole price of the use case over the bare
// writes, and at one result per transaction both are dominated by the fsync of each commit.
//
// Setup (not timed): a lab initialized with the default catalog in a temporary directory, with
// enough patients, orders and received specimens that every timed result is a fresh pending one.
//
// `results_bench --post-results-only [--results N] [--rounds R] [--savepoints] [--rules]` times
// only lab::post_results, ~1000 results per transaction, R rounds of N results each (defaults
// 10000 and 3), optionally each post inside a savepoint as the ingest pipeline applies it, and
// with --rules as an analyzer's results judged by the lab's autoverification rules. It prints
// wall and CPU time per result, for profiling the write path (perf record) without the rest.

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_lab.h"
#include "bench_support.h"
#include "catalog/catalog.h"
#include "core/test_result.h"
#include "core/time.h"
#include "lab/lab_configuration.h"
#include "lab/lab_setup.h"
#include "lab/use_cases.h"
#include "store/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using aliquot::Result;
using Clock = std::chrono::steady_clock;

constexpr int kOneByOneResults = 200;
constexpr int kBatch100Results = 3000;
constexpr int kBatch1000Results = 10000;
constexpr int kPostResults = 10000;

using aliquot::bench::check;
using aliquot::bench::fail;
using aliquot::bench::TempDir;

// One value to enter per test: mid-interval, so never critical and never needing a call.
struct BenchTest {
  std::string code;
  std::string value;
};

// The numeric tests of the container with the most of them (one specimen per order), each with
// a value in the middle of its first reference interval.
std::vector<BenchTest> choose_tests(const aliquot::catalog::Catalog& catalog) {
  std::map<std::string, std::vector<BenchTest>> by_container;
  for (const aliquot::core::TestDefinition& test : catalog.tests()) {
    // A calculated test is computed by the lab from the others, never entered.
    if (test.kind != aliquot::core::ResultKind::kNumeric || test.reference_intervals.empty() ||
        test.calculated) {
      continue;
    }
    const auto& interval = test.reference_intervals.front();
    if (!interval.low || !interval.high) continue;
    const double middle = (*interval.low + *interval.high) / 2;
    if ((test.critical.low && middle <= *test.critical.low) ||
        (test.critical.high && middle >= *test.critical.high)) {
      continue;
    }
    by_container[test.specimen_type + "/" + test.container_type].push_back(
        BenchTest{test.code, aliquot::core::format_decimal(middle, test.decimals)});
  }
  std::vector<BenchTest> best;
  for (auto& [container, tests] : by_container) {
    if (tests.size() > best.size()) best = tests;
  }
  if (best.empty()) fail("the default catalog has no numeric test with a two-sided interval");
  return best;
}

struct PendingResult {
  std::string accession_number;
  std::string test_code;
  std::string value;
};

using aliquot::bench::Lab;
using aliquot::bench::set_up_lab;

// Registers patients and orders until `count` pending results sit on received specimens.
std::vector<PendingResult> make_pending_results(Lab& lab, aliquot::core::ManualClock& clock,
                                                const std::vector<BenchTest>& tests, int count) {
  std::vector<std::string> codes;
  for (const BenchTest& test : tests) codes.push_back(test.code);
  std::map<std::string, std::string> values;
  for (const BenchTest& test : tests) values[test.code] = test.value;

  std::vector<PendingResult> pending;
  const aliquot::lab::Context as_clerk{*lab.catalog, clock, lab.clerk};
  int patient = 0;
  while (static_cast<int>(pending.size()) < count) {
    auto tx = check(lab.store->begin(aliquot::store::TransactionMode::kWrite), "begin setup");
    for (int i = 0; i < 50 && static_cast<int>(pending.size()) < count; ++i, ++patient) {
      clock.advance(std::chrono::seconds(1));
      const std::string mrn = fmt::format("B{:07d}", patient);
      check(
          aliquot::lab::register_patient(*tx, as_clerk,
                                         {mrn, "Bench", "Patient", std::chrono::year{1970} / 1 / 1,
                                          patient % 2 ? aliquot::core::AdministrativeSex::kFemale
                                                      : aliquot::core::AdministrativeSex::kMale}),
          "register " + mrn);
      const auto order = check(
          aliquot::lab::place_order(
              *tx, as_clerk, {mrn, codes, aliquot::core::Priority::kRoutine, "Dr. Bench", "", ""}),
          "order for " + mrn);
      const auto specimens = check(
          aliquot::lab::accession_order(*tx, as_clerk, {order.order_number, std::nullopt, ""}),
          "accession " + order.order_number);
      for (const aliquot::core::Specimen& specimen : specimens) {
        check(aliquot::lab::receive_specimen(*tx, as_clerk, {specimen.accession_number, ""}),
              "receive " + specimen.accession_number);
        const auto results = check(tx->results_for_specimen(specimen.id), "results");
        for (const aliquot::core::TestResult& result : results) {
          // Only the chosen tests: the lab adds calculated tests, which it fills in itself.
          const auto value = values.find(result.test_code);
          if (value == values.end()) continue;
          pending.push_back({specimen.accession_number, result.test_code, value->second});
        }
      }
    }
    check(tx->commit(), "commit setup");
  }
  pending.resize(static_cast<std::size_t>(count));
  return pending;
}

// Seconds to enter `results` through the use case, `per_transaction` per commit.
double time_use_case(Lab& lab, aliquot::core::ManualClock& clock,
                     const std::vector<PendingResult>& results, int per_transaction) {
  const aliquot::lab::Context as_technician{*lab.catalog, clock, lab.technician};
  const auto start = Clock::now();
  std::size_t next = 0;
  while (next < results.size()) {
    auto tx = check(lab.store->begin(aliquot::store::TransactionMode::kWrite), "begin");
    for (int i = 0; i < per_transaction && next < results.size(); ++i, ++next) {
      clock.advance(std::chrono::milliseconds(100));
      const PendingResult& result = results[next];
      check(aliquot::lab::enter_result(
                *tx, as_technician, {result.accession_number, result.test_code, result.value, ""}),
            "enter " + result.accession_number + "/" + result.test_code);
    }
    check(tx->commit(), "commit");
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds this thread has used: on a shared machine the wall time alone also counts the
// other processes.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Whether each post runs inside its own savepoint, as the ingest pipeline applies a message.
enum class Savepoints { kNo, kYes };

// Seconds to post `results` through post_results, one call per specimen (as one instrument
// message brings them), about `per_transaction` results per commit.
// With `configuration`, the results arrive as an analyzer's and are judged by the lab's rules as
// the server judges them (autoverified ones released); without, a technician enters them.
double time_post_results(Lab& lab, aliquot::core::ManualClock& clock,
                         const std::vector<PendingResult>& results, int per_transaction,
                         Savepoints savepoints = Savepoints::kNo,
                         const aliquot::lab::LabConfiguration* configuration = nullptr) {
  const aliquot::lab::Context acting =
      configuration != nullptr ? configuration->context(clock, lab.analyzer)
                               : aliquot::lab::Context{*lab.catalog, clock, lab.technician};
  std::vector<aliquot::lab::PostResults> posts;
  for (const PendingResult& result : results) {
    if (posts.empty() || posts.back().accession_number != result.accession_number) {
      posts.push_back({result.accession_number, {}, "bench analyzer", "", {}, std::nullopt, false});
    }
    posts.back().values.push_back({result.test_code, result.value, "", "", {}});
  }
  const auto start = Clock::now();
  std::size_t next = 0;
  while (next < posts.size()) {
    auto tx = check(lab.store->begin(aliquot::store::TransactionMode::kWrite), "begin");
    for (std::size_t in_tx = 0;
         in_tx < static_cast<std::size_t>(per_transaction) && next < posts.size(); ++next) {
      clock.advance(std::chrono::milliseconds(100));
      in_tx += posts[next].values.size();
      if (savepoints == Savepoints::kYes) check(tx->savepoint("job"), "savepoint");
      check(aliquot::lab::post_results(*tx, acting, posts[next]),
            "post " + posts[next].accession_number);
      if (savepoints == Savepoints::kYes) check(tx->release_savepoint("job"), "release");
    }
    check(tx->commit(), "commit");
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// --- the raw baseline --------------------------------------------------------------------------

class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("raw: cannot open " + path);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
    // The store's results and audit_log tables and their indexes (store/sqlite/migrations.cc).
    exec(R"sql(
      CREATE TABLE results (
        id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, specimen_id INTEGER,
        test_code TEXT NOT NULL, section TEXT NOT NULL, status TEXT NOT NULL, value_kind TEXT,
        value_number REAL, value_comparator TEXT, value_text TEXT, value_unit TEXT,
        value_decimals INTEGER, flag TEXT NOT NULL, reference_range TEXT NOT NULL,
        entered_at INTEGER, entered_by TEXT NOT NULL, released_at INTEGER,
        released_by TEXT NOT NULL, corrected_at INTEGER, corrected_by TEXT NOT NULL,
        correction_reason TEXT NOT NULL, cancelled_at INTEGER, cancelled_by TEXT NOT NULL,
        cancel_reason TEXT NOT NULL, revision INTEGER NOT NULL);
      CREATE INDEX results_by_order ON results (order_id);
      CREATE INDEX results_by_specimen ON results (specimen_id);
      CREATE INDEX results_by_status_section ON results (status, section);
      CREATE TABLE audit_log (
        sequence INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, entity_type TEXT NOT NULL, entity_key TEXT NOT NULL,
        patient_mrn TEXT NOT NULL, accession_number TEXT NOT NULL, test_code TEXT NOT NULL,
        before_json TEXT NOT NULL, after_json TEXT NOT NULL, reason TEXT NOT NULL,
        previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX audit_log_by_patient ON audit_log (patient_mrn);
      CREATE INDEX audit_log_by_accession ON audit_log (accession_number);
      CREATE INDEX audit_log_by_test ON audit_log (test_code);
      CREATE INDEX audit_log_by_entity ON audit_log (entity_type, entity_key);
    )sql");
    insert_result_ = prepare(
        "INSERT INTO results (order_id, specimen_id, test_code, section, status, value_kind, "
        "value_number, value_comparator, value_text, value_unit, value_decimals, flag, "
        "reference_range, entered_at, entered_by, released_by, corrected_by, correction_reason, "
        "cancelled_by, cancel_reason, revision) VALUES (?, ?, ?, 'chemistry', 'preliminary', "
        "'numeric', ?, '', '', 'mmol/L', 1, '', '3.5-5.1', ?, 'tech.bench', '', '', '', '', '', "
        "0)");
    insert_audit_ = prepare(
        "INSERT INTO audit_log (sequence, recorded_at, actor, action, entity_type, entity_key, "
        "patient_mrn, accession_number, test_code, before_json, after_json, reason, "
        "previous_hash, hash) VALUES (?, ?, 'tech.bench', 'result.enter', 'result', ?, ?, ?, ?, "
        "?, ?, '', ?, ?)");
  }
  ~RawDatabase() {
    sqlite3_finalize(insert_result_);
    sqlite3_finalize(insert_audit_);
    sqlite3_close(db_);
  }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // Seconds to insert `count` result rows and their audit rows, `per_transaction` per commit.
  double time_inserts(int count, int per_transaction, const std::string& before_json,
                      const std::string& after_json) {
    const std::string hash(64, 'a');
    const auto start = Clock::now();
    int done = 0;
    while (done < count) {
      exec("BEGIN IMMEDIATE");
      for (int i = 0; i < per_transaction && done < count; ++i, ++done) {
        ++sequence_;
        const std::string accession = fmt::format("26{:07d}X", sequence_);
        const std::string key = accession + "/K";
        sqlite3_bind_int64(insert_result_, 1, sequence_);
        sqlite3_bind_int64(insert_result_, 2, sequence_);
        sqlite3_bind_text(insert_result_, 3, "K", -1, SQLITE_STATIC);
        sqlite3_bind_double(insert_result_, 4, 4.2);
        sqlite3_bind_int64(insert_result_, 5, 1'700'000'000'000 + sequence_);
        step(insert_result_);
        sqlite3_bind_int64(insert_audit_, 1, sequence_);
        sqlite3_bind_int64(insert_audit_, 2, 1'700'000'000'000 + sequence_);
        sqlite3_bind_text(insert_audit_, 3, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert_audit_, 4, "B0000001", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_audit_, 5, accession.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert_audit_, 6, "K", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_audit_, 7, before_json.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_audit_, 8, after_json.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_audit_, 9, hash.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_audit_, 10, hash.c_str(), -1, SQLITE_STATIC);
        step(insert_audit_);
      }
      exec("COMMIT");
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

 private:
  void exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message ? message : "?";
      sqlite3_free(message);
      fail(std::string("raw: ") + text);
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
      fail(std::string("raw: ") + sqlite3_errmsg(db_));
    }
    return statement;
  }
  void step(sqlite3_stmt* statement) {
    if (sqlite3_step(statement) != SQLITE_DONE) fail(std::string("raw: ") + sqlite3_errmsg(db_));
    sqlite3_reset(statement);
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_result_ = nullptr;
  sqlite3_stmt* insert_audit_ = nullptr;
  std::int64_t sequence_ = 0;
};

// The audit images enter_result writes, to size the raw rows like the real ones.
std::pair<std::string, std::string> sample_audit_images(Lab& lab) {
  auto tx = check(lab.store->begin(aliquot::store::TransactionMode::kRead), "begin read");
  const auto last = check(tx->last_audit_entry(), "last audit entry");
  if (!last || last->action != "result.enter") fail("the last audit entry is not a result entry");
  return {last->before, last->after};
}

struct Row {
  std::string mode;
  int results = 0;
  int per_transaction = 0;
  double seconds = 0;
};

// --post-results-only: rounds of post_results alone, wall and CPU time per result.
int run_post_results_only(int results_per_round, int rounds, Savepoints savepoints, bool judged) {
  TempDir dir;
  aliquot::core::ManualClock clock(aliquot::core::from_unix_millis(1'795'000'000'000));
  Lab lab = set_up_lab((dir.path() / "lab.db").string(), clock);
  std::optional<aliquot::lab::LabConfiguration> configuration;
  if (judged) {
    configuration = check(aliquot::lab::read_lab_configuration(*lab.store), "read configuration");
  }
  const std::vector<BenchTest> tests = choose_tests(*lab.catalog);
  const std::vector<PendingResult> pending =
      make_pending_results(lab, clock, tests, results_per_round * rounds);
  std::cout << fmt::format(
      "post_results only: {} rounds of {} results, ~1000 per transaction, savepoints {}, {}\n",
      rounds, results_per_round, savepoints == Savepoints::kYes ? "yes" : "no",
      judged ? "an analyzer's, judged by the lab's rules" : "a technician's");
  std::vector<double> wall_per_result;
  std::vector<double> cpu_per_result;
  for (int round = 0; round < rounds; ++round) {
    const auto first = pending.begin() + static_cast<std::ptrdiff_t>(round) * results_per_round;
    const std::vector<PendingResult> slice(first, first + results_per_round);
    const double cpu_start = thread_cpu_seconds();
    const double seconds = time_post_results(lab, clock, slice, 1000, savepoints,
                                             configuration ? &*configuration : nullptr);
    const double cpu_seconds = thread_cpu_seconds() - cpu_start;
    wall_per_result.push_back(1e6 * seconds / results_per_round);
    cpu_per_result.push_back(1e6 * cpu_seconds / results_per_round);
    std::cout << fmt::format(
        "round {}: {:>8.1f} us/result wall {:>8.1f} us/result cpu {:>8.0f} "
        "results/s\n",
        round + 1, wall_per_result.back(), cpu_per_result.back(), results_per_round / seconds);
  }
  // The least time is the one least disturbed by the other processes of a shared machine.
  std::sort(wall_per_result.begin(), wall_per_result.end());
  std::sort(cpu_per_result.begin(), cpu_per_result.end());
  const std::size_t middle = wall_per_result.size() / 2;
  std::cout << fmt::format(
      "best {:.1f} us/result wall, {:.1f} us/result cpu; median {:.1f} wall, "
      "{:.1f} cpu\n",
      wall_per_result.front(), cpu_per_result.front(), wall_per_result[middle],
      cpu_per_result[middle]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--post-results-only") == 0) {
    int results_per_round = kPostResults;
    int rounds = 3;
    Savepoints savepoints = Savepoints::kNo;
    bool judged = false;
    for (int i = 2; i < argc; ++i) {
      if (std::strcmp(argv[i], "--results") == 0 && i + 1 < argc) {
        results_per_round = std::atoi(argv[++i]);
      } else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
        rounds = std::atoi(argv[++i]);
      } else if (std::strcmp(argv[i], "--savepoints") == 0) {
        savepoints = Savepoints::kYes;
      } else if (std::strcmp(argv[i], "--rules") == 0) {
        judged = true;
      } else {
        fail(std::string("unknown argument '") + argv[i] + "'");
      }
    }
    if (results_per_round <= 0 || rounds <= 0) fail("--results and --rounds must be positive");
    return run_post_results_only(results_per_round, rounds, savepoints, judged);
  }
  TempDir dir;
  aliquot::core::ManualClock clock(aliquot::core::from_unix_millis(1'795'000'000'000));
  Lab lab = set_up_lab((dir.path() / "lab.db").string(), clock);
  const std::vector<BenchTest> tests = choose_tests(*lab.catalog);
  const int total = kOneByOneResults + kBatch100Results + kBatch1000Results + kPostResults;
  const auto setup_start = Clock::now();
  std::vector<PendingResult> pending = make_pending_results(lab, clock, tests, total);
  const double setup_seconds = std::chrono::duration<double>(Clock::now() - setup_start).count();

  auto slice = [&pending](std::size_t from, int count) {
    return std::vector<PendingResult>(pending.begin() + static_cast<std::ptrdiff_t>(from),
                                      pending.begin() + static_cast<std::ptrdiff_t>(from) + count);
  };
  std::vector<Row> rows;
  std::size_t used = 0;
  for (const auto& [count, per_transaction] : std::vector<std::pair<int, int>>{
           {kOneByOneResults, 1}, {kBatch100Results, 100}, {kBatch1000Results, 1000}}) {
    const double seconds = time_use_case(lab, clock, slice(used, count), per_transaction);
    used += static_cast<std::size_t>(count);
    rows.push_back({"use case enter_result", count, per_transaction, seconds});
  }
  const double post_seconds = time_post_results(lab, clock, slice(used, kPostResults), 1000);
  used += static_cast<std::size_t>(kPostResults);
  const auto [before_json, after_json] = sample_audit_images(lab);

  RawDatabase raw((dir.path() / "raw.db").string());
  for (std::size_t i = 0; i < 3; ++i) {
    const Row& use_case = rows[i];
    const double seconds =
        raw.time_inserts(use_case.results, use_case.per_transaction, before_json, after_json);
    rows.push_back(
        {"raw INSERT result+audit", use_case.results, use_case.per_transaction, seconds});
  }

  std::cout << fmt::format(
      "results_bench: results recorded durably in SQLite (WAL, log synced at every commit) under "
      "{}\n"
      "setup (not timed): {} pending results on received specimens, {} tests per order, {:.1f} s\n"
      "raw rows: one results row + one audit_log row per result ({} + {} bytes of JSON images)\n\n",
      dir.path().string(), total, tests.size(), setup_seconds, before_json.size(),
      after_json.size());
  std::cout << fmt::format("{:<26}{:>9}{:>8}{:>10}{:>12}{:>14}\n", "mode", "results", "per tx",
                           "seconds", "results/s", "us/result");
  for (std::size_t i = 0; i < 3; ++i) {
    for (const Row* row : {&rows[i], &rows[i + 3]}) {
      std::cout << fmt::format("{:<26}{:>9}{:>8}{:>10.3f}{:>12.0f}{:>14.1f}\n", row->mode,
                               row->results, row->per_transaction, row->seconds,
                               row->results / row->seconds, 1e6 * row->seconds / row->results);
    }
  }
  std::cout << fmt::format("{:<26}{:>9}{:>8}{:>10.3f}{:>12.0f}{:>14.1f}\n", "use case post_results",
                           kPostResults, 1000, post_seconds, kPostResults / post_seconds,
                           1e6 * post_seconds / kPostResults);
  std::cout << "\nuse case / raw, time per result:\n";
  for (std::size_t i = 0; i < 3; ++i) {
    std::cout << fmt::format("  {:>4} per transaction: {:.1f}x\n", rows[i].per_transaction,
                             rows[i].seconds / rows[i + 3].seconds);
  }
  std::cout << fmt::format(
      "group commit gain through the use case (1000 vs 1 per transaction): "
      "{:.1f}x\n",
      (rows[0].seconds / rows[0].results) / (rows[2].seconds / rows[2].results));
  return 0;
}
