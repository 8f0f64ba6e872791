// interfaces_bench: results committed and acknowledged per second through the interfaces, end to
// end over loopback, and what the interfaces cost over the use case itself.
//
// What is measured. server::InterfaceHost runs in this process on a lab in a SQLite file (the
// store's defaults: WAL, every batch's log synced before its acknowledgements), with its MLLP and
// ASTM listeners feeding the one group-commit pipeline (ARCHITECTURE decisions 1 and 2). At the
// same time:
//   - simulated analyzers (simulate/analyzer.h, profile aliquot-sim-chem) on --astm-links
//     links: per serum specimen a host query (H-Q-L), the host's answer (H-P-O-L), and one
//     result message (H-P-O-R...-L, 19 results: CMP and lipid panel), one frame per record, each
//     frame acknowledged; the final frame only after the commit;
//   - HL7 senders (mllp::Client) on --hl7-connections connections, each in its own thread, each
//     sending ORU^R01 messages of 20 OBX (a CBC with differential) one after the other, waiting
//     for each ACK (sent only after the commit).
// A result counts when the message that carries it was acknowledged, i.e. committed.
//
// Latency, as the target defines it: at the host, from the last byte of a message received to
// its acknowledgement handed to the connection (server::InterfaceCounters, measured inside
// InterfaceHost). Also shown, as the senders see it: ASTM from handing the result message to the
// link to the ACK of its final frame (ENQ, every frame's round trip and the host's commit); HL7
// from the call to send() to the ACK read back.
//
// Baseline, same run, same machine, same database file: the same number of results recorded by
// calling lab::post_results directly (one call per specimen, as one message brings them) in
// transactions of about 1000 results — the ceiling without networking, parsing or protocol. Both
// judge the results by the lab's configuration as `aliquot serve` runs it (the default menu's
// autoverification rules). The ratio says what the interfaces cost over it.
//
// Setup (not timed): the lab with the default catalog, the received specimens with pending
// tests for the analyzers, the HL7 senders and the baseline, in separate specimens.

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_lab.h"
#include "bench_support.h"
#include "catalog/catalog.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "lab/lab_configuration.h"
#include "lab/lab_setup.h"
#include "lab/use_cases.h"
#include "mllp/client.h"
#include "server/interface_host.h"
#include "simulate/analyzer.h"
#include "simulate/analyzer_rack.h"
#include "simulate/value_model.h"
#include "store/sqlite/sqlite_store.h"

#ifndef ALIQUOT_BENCH_SOURCE_DIR
#define ALIQUOT_BENCH_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using aliquot::Result;
using SteadyClock = std::chrono::steady_clock;

// The load, changeable from the command line (--astm-links N --hl7-connections N --specimens N).
struct Load {
  int astm_specimens = 1200;  // x 19 results
  int hl7_specimens = 1200;   // x 20 results
  int astm_links = 8;
  int hl7_connections = 4;
};
constexpr int kHostIoThreads = 2;  // the machine's cores
constexpr int kBaselinePerTransaction = 1000;
const std::vector<std::string> kChemistryTests = {"CMP", "LIPID"};
const std::vector<std::string> kHematologyTests = {"CBC"};

using aliquot::bench::check;
using aliquot::bench::fail;
using aliquot::bench::TempDir;

// A received specimen with pending tests, and its patient as the value model sees it.
struct Pending {
  std::string accession_number;
  std::string mrn;
  aliquot::simulate::PatientProfile patient;
  std::uint64_t sample = 0;
  std::vector<std::string> tests;  // catalog codes
};

using aliquot::bench::Lab;
using aliquot::bench::set_up_lab;

// Registers `count` patients with one order of `tests` each, accessioned and received.
std::vector<Pending> make_specimens(Lab& lab, const aliquot::core::Clock& clock,
                                    const std::vector<std::string>& tests, int count,
                                    const std::string& mrn_prefix) {
  std::vector<Pending> pending;
  const aliquot::lab::Context as_clerk{*lab.catalog, clock, lab.clerk};
  int patient = 0;
  while (patient < count) {
    auto tx = check(lab.store->begin(aliquot::store::TransactionMode::kWrite), "begin setup");
    for (int i = 0; i < 100 && patient < count; ++i, ++patient) {
      const std::string mrn = fmt::format("{}{:06d}", mrn_prefix, patient);
      const auto sex = patient % 2 ? aliquot::core::AdministrativeSex::kFemale
                                   : aliquot::core::AdministrativeSex::kMale;
      check(aliquot::lab::register_patient(
                *tx, as_clerk, {mrn, "Bench", "Patient", std::chrono::year{1970} / 1 / 1, sex}),
            "register " + mrn);
      const auto order = check(
          aliquot::lab::place_order(
              *tx, as_clerk, {mrn, tests, aliquot::core::Priority::kRoutine, "Dr. Bench", "", ""}),
          "order for " + mrn);
      for (const auto& specimen : check(
               aliquot::lab::accession_order(*tx, as_clerk, {order.order_number, std::nullopt, ""}),
               "accession " + order.order_number)) {
        check(aliquot::lab::receive_specimen(*tx, as_clerk, {specimen.accession_number, ""}),
              "receive " + specimen.accession_number);
        Pending entry;
        entry.accession_number = specimen.accession_number;
        entry.mrn = mrn;
        entry.patient.key = static_cast<std::uint64_t>(patient) + 1;
        entry.patient.sex = sex;
        entry.patient.age_days = 56 * 365;
        entry.sample = static_cast<std::uint64_t>(specimen.id);
        for (const auto& result : check(tx->results_for_specimen(specimen.id), "results")) {
          entry.tests.push_back(result.test_code);
        }
        pending.push_back(std::move(entry));
      }
    }
    check(tx->commit(), "commit setup");
  }
  return pending;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An ORU^R01 with one OBX per test (LOINC in OBX-3, UCUM in OBX-6), values from the model.
std::string oru_message(const Pending& specimen, const aliquot::catalog::Catalog& catalog,
                        const aliquot::simulate::ValueModel& model, const std::string& control_id,
                        int* observations) {
  std::string message = "MSH|^~\\&|BENCH-LIS|REFLAB|ALIQUOT|LAB|20260310081000||ORU^R01^ORU_R01|" +
                        control_id + "|P|2.5.1\rPID|1||" + specimen.mrn +
                        "||Bench^Patient\rOBR|1||" + specimen.accession_number +
                        "|58410-2^CBC^LN|||20260310080000\r";
  int set_id = 0;
  for (const std::string& code : specimen.tests) {
    const aliquot::core::TestDefinition* test = catalog.find_test(code);
    if (test == nullptr) fail("no test " + code);
    if (test->calculated) continue;  // the lab computes it from the values it receives
    const Result<std::string> value = model.value_for(*test, specimen.patient, specimen.sample);
    if (!value) fail("no value for " + code + ": " + value.error().to_string());
    message += fmt::format("OBX|{}|NM|{}^{}^LN||{}|{}|||||F\r", ++set_id, test->loinc, test->code,
                           *value, test->unit);
  }
  *observations = set_id;
  return message;
}

double to_ms(std::chrono::microseconds micros) {
  return static_cast<double>(micros.count()) / 1000;
}

double percentile_ms(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const double rank = std::ceil(p / 100 * static_cast<double>(samples.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return samples[std::min(index, samples.size() - 1)];
}

struct Hl7Outcome {
  std::uint64_t messages = 0;
  std::uint64_t results = 0;
  std::uint64_t not_accepted = 0;
  std::vector<double> latencies_ms;
  double seconds = 0;
};

// Sends one ORU per specimen on `connections` connections, each in a thread of its own.
Hl7Outcome send_hl7(std::uint16_t port, const std::vector<Pending>& specimens,
                    const aliquot::catalog::Catalog& catalog,
                    const aliquot::simulate::ValueModel& model, int connections) {
  Hl7Outcome outcome;
  std::mutex mutex;
  const auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      aliquot::core::name_this_thread("hl7-sender");
      aliquot::mllp::Client client("127.0.0.1", port);
      Hl7Outcome mine;
      for (std::size_t i = static_cast<std::size_t>(c); i < specimens.size();
           i += static_cast<std::size_t>(connections)) {
        int observations = 0;
        const std::string message =
            oru_message(specimens[i], catalog, model, fmt::format("B{}-{}", c, i), &observations);
        const auto sent = SteadyClock::now();
        const Result<std::string> ack = client.send(message, std::chrono::seconds(30));
        const double ms =
            std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count();
        if (!ack) fail("HL7 send: " + ack.error().to_string());
        ++mine.messages;
        if (ack->find("MSA|AA|") == std::string::npos) {
          ++mine.not_accepted;
          std::lock_guard<std::mutex> lock(mutex);
          std::cerr << "not accepted: " << *ack << "\n";
          continue;
        }
        mine.results += static_cast<std::uint64_t>(observations);
        mine.latencies_ms.push_back(ms);
      }
      std::lock_guard<std::mutex> lock(mutex);
      outcome.messages += mine.messages;
      outcome.results += mine.results;
      outcome.not_accepted += mine.not_accepted;
      outcome.latencies_ms.insert(outcome.latencies_ms.end(), mine.latencies_ms.begin(),
                                  mine.latencies_ms.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  outcome.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return outcome;
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct Timed {
  double seconds = 0;
  double cpu_seconds = 0;  // of the calling thread
};

// Time to post every value of `specimens` through lab::post_results, one call per specimen,
// about `per_transaction` results per commit, judged by `configuration` as the host judges.
Timed time_post_results(Lab& lab, const aliquot::lab::LabConfiguration& configuration,
                        const aliquot::core::Clock& clock,
                        const std::vector<aliquot::lab::PostResults>& posts, int per_transaction) {
  const aliquot::lab::Context as_technician = configuration.context(clock, lab.technician);
  const auto start = SteadyClock::now();
  const double cpu_start = thread_cpu_seconds();
  std::size_t next = 0;
  while (next < posts.size()) {
    auto tx = check(lab.store->begin(aliquot::store::TransactionMode::kWrite), "begin");
    for (std::size_t in_tx = 0;
         in_tx < static_cast<std::size_t>(per_transaction) && next < posts.size(); ++next) {
      in_tx += posts[next].values.size();
      check(aliquot::lab::post_results(*tx, as_technician, posts[next]),
            "post " + posts[next].accession_number);
    }
    check(tx->commit(), "commit");
  }
  return {std::chrono::duration<double>(SteadyClock::now() - start).count(),
          thread_cpu_seconds() - cpu_start};
}

Load parse_load(int argc, char** argv) {
  Load load;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) fail("missing the value of " + flag);
    const int value = std::atoi(argv[++i]);
    if (value <= 0) fail(flag + " needs a positive number, not " + argv[i]);
    if (flag == "--astm-links") {
      load.astm_links = value;
    } else if (flag == "--hl7-connections") {
      load.hl7_connections = value;
    } else if (flag == "--specimens") {
      load.astm_specimens = value;
      load.hl7_specimens = value;
    } else {
      fail("unknown option " + flag +
           " (options: --astm-links N, --hl7-connections N, --specimens N per interface)");
    }
  }
  return load;
}

}  // namespace

int main(int argc, char** argv) {
  const Load load = parse_load(argc, argv);
  TempDir dir;
  const aliquot::core::SystemClock clock;
  const std::string database = (dir.path() / "lab.db").string();
  Lab lab = set_up_lab(database, clock);

  const auto setup_start = SteadyClock::now();
  const std::vector<Pending> chemistry =
      make_specimens(lab, clock, kChemistryTests, load.astm_specimens, "A");
  const std::vector<Pending> hematology =
      make_specimens(lab, clock, kHematologyTests, load.hl7_specimens, "H");
  const std::vector<Pending> baseline_chemistry =
      make_specimens(lab, clock, kChemistryTests, load.astm_specimens, "C");
  const std::vector<Pending> baseline_hematology =
      make_specimens(lab, clock, kHematologyTests, load.hl7_specimens, "D");
  const double setup_seconds =
      std::chrono::duration<double>(SteadyClock::now() - setup_start).count();

  const std::string profile_path =
      std::string(ALIQUOT_BENCH_SOURCE_DIR) + "/interfaces/instruments/aliquot-sim-chem.toml";
  const aliquot::ingest::InstrumentProfile profile =
      check(aliquot::ingest::parse_instrument_profile(read_file(profile_path), profile_path,
                                                      *lab.catalog),
            "read " + profile_path);
  const aliquot::simulate::ValueModel model(*lab.catalog, 1);

  std::vector<aliquot::simulate::RackSpecimen> rack;
  for (const Pending& specimen : chemistry) {
    rack.push_back({specimen.accession_number, specimen.patient, specimen.sample});
  }

  aliquot::server::InterfaceHostOptions host_options;
  host_options.mllp = aliquot::server::Listen{};
  host_options.astm = aliquot::server::Listen{};
  host_options.io_threads = kHostIoThreads;
  // The configuration `aliquot serve` runs with: the default menu and its rules.
  aliquot::lab::ConfigurationInForce configuration(
      check(aliquot::lab::read_lab_configuration(*lab.store), "read the lab's configuration"));
  aliquot::server::InterfaceHost host(*lab.store, configuration,
                                      aliquot::ingest::InstrumentProfiles({profile}), clock,
                                      host_options);
  check(host.start(), "start the interface host");

  // --- the interfaces, both at once ------------------------------------------------------------
  aliquot::simulate::AnalyzerOptions analyzer;
  analyzer.port = host.astm_port();
  analyzer.connections = load.astm_links;
  analyzer.io_threads = 1;
  std::optional<Result<aliquot::simulate::AnalyzerReport>> astm;
  Hl7Outcome hl7;
  const auto start = SteadyClock::now();
  std::thread astm_thread([&] {
    astm = aliquot::simulate::run_analyzer(*lab.catalog, profile, clock, rack, analyzer);
  });
  std::thread hl7_thread([&] {
    hl7 = send_hl7(host.mllp_port(), hematology, *lab.catalog, model, load.hl7_connections);
  });
  astm_thread.join();
  hl7_thread.join();
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const aliquot::server::InterfaceCounters counters = host.counters();
  host.stop();
  const aliquot::simulate::AnalyzerReport report = check(std::move(*astm), "run the analyzers");
  if (report.totals.messages_failed > 0 || report.totals.specimens_not_run > 0) {
    fail(fmt::format("the analyzers gave up {} message(s), {} specimen(s) not run",
                     report.totals.messages_failed, report.totals.specimens_not_run));
  }
  if (hl7.not_accepted > 0) fail(fmt::format("{} HL7 message(s) not accepted", hl7.not_accepted));
  const std::uint64_t interface_results = report.totals.results_delivered + hl7.results;

  // --- the baseline: the same number of results through the use case, no network ---------------
  std::vector<aliquot::lab::PostResults> posts;
  for (const auto* group : {&baseline_chemistry, &baseline_hematology}) {
    for (const Pending& specimen : *group) {
      aliquot::lab::PostResults post{
          specimen.accession_number, {}, "bench baseline", "", {}, std::nullopt};
      for (const std::string& code : specimen.tests) {
        const aliquot::core::TestDefinition* test = lab.catalog->find_test(code);
        if (test->calculated) continue;  // computed by post_results from the others
        const Result<std::string> value = model.value_for(*test, specimen.patient, specimen.sample);
        if (!value) fail("no value for " + code);
        post.values.push_back({code, *value, "", code, {}});
      }
      posts.push_back(std::move(post));
    }
  }
  std::uint64_t baseline_results = 0;
  for (const auto& post : posts) baseline_results += post.values.size();
  const Timed baseline =
      time_post_results(lab, *configuration.current(), clock, posts, kBaselinePerTransaction);
  const double baseline_seconds = baseline.seconds;

  // --- report --------------------------------------------------------------------------------
  std::vector<double> astm_latencies;
  for (const auto latency : report.result_latencies) {
    astm_latencies.push_back(static_cast<double>(latency.count()) / 1000);
  }
  const double rate = static_cast<double>(interface_results) / seconds;
  const double baseline_rate = static_cast<double>(baseline_results) / baseline_seconds;
  const auto& pipeline = counters.pipeline;
  std::cout << fmt::format(
      "interfaces_bench: results committed and acknowledged through the interfaces, over loopback\n"
      "database {} (SQLite, WAL, log synced before every acknowledgement); host: InterfaceHost, "
      "{} io threads, one writer, one syncer\n"
      "setup (not timed): {} received specimens, {:.1f} s\n\n",
      database, kHostIoThreads,
      chemistry.size() + hematology.size() + baseline_chemistry.size() + baseline_hematology.size(),
      setup_seconds);
  std::cout << fmt::format(
      "ASTM  {} analyzer links: {} specimens, {} queries, {} result messages, {} results, "
      "{:.2f} s on their own ({:.0f} results/s)\n",
      load.astm_links, rack.size(), report.totals.queries_answered,
      report.totals.result_messages_delivered, report.totals.results_delivered,
      report.elapsed_seconds, report.results_per_second());
  std::cout << fmt::format(
      "      result message latency (hand to link -> final frame ACKed): p50 {:.2f} ms, p99 "
      "{:.2f} ms\n",
      percentile_ms(astm_latencies, 50), percentile_ms(astm_latencies, 99));
  std::cout << fmt::format(
      "      at the host (last byte of the message received -> ACK of its final frame sent): "
      "p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms\n",
      to_ms(counters.astm_ack_latency.p50), to_ms(counters.astm_ack_latency.p99),
      to_ms(counters.astm_ack_latency.max));
  std::cout << fmt::format(
      "HL7   {} MLLP connections: {} ORU^R01 x {} OBX, {} results, {:.2f} s on their own "
      "({:.0f} results/s)\n",
      load.hl7_connections, hl7.messages, hematology.front().tests.size(), hl7.results, hl7.seconds,
      static_cast<double>(hl7.results) / hl7.seconds);
  std::cout << fmt::format(
      "      message latency at the client (send() -> ACK read): p50 {:.2f} ms, p99 {:.2f} ms\n",
      percentile_ms(hl7.latencies_ms, 50), percentile_ms(hl7.latencies_ms, 99));
  std::cout << fmt::format(
      "      at the host (last byte of the message received -> ACK sent): p50 {:.2f} ms, p99 "
      "{:.2f} ms, max {:.2f} ms\n",
      to_ms(counters.hl7_ack_latency.p50), to_ms(counters.hl7_ack_latency.p99),
      to_ms(counters.hl7_ack_latency.max));
  std::cout << fmt::format(
      "both  {} results in {:.2f} s: {:.0f} results/s committed and acknowledged\n",
      interface_results, seconds, rate);
  std::cout << fmt::format(
      "pipeline: {} jobs in {} transactions ({} failed), {} syncs of the log: {:.1f} messages and "
      "{:.0f} results per commit on average\n",
      pipeline.jobs, pipeline.batches, pipeline.failed_batches, pipeline.syncs,
      pipeline.batches ? static_cast<double>(pipeline.jobs) / static_cast<double>(pipeline.batches)
                       : 0.0,
      pipeline.batches
          ? static_cast<double>(interface_results) / static_cast<double>(pipeline.batches)
          : 0.0);
  const double writer_seconds = std::chrono::duration<double>(pipeline.writer_busy).count();
  const double writer_cpu_seconds = std::chrono::duration<double>(pipeline.writer_cpu).count();
  std::cout << fmt::format(
      "writer: busy {:.2f} s of {:.2f} s ({:.0f}%), of which {:.2f} s on a core: {:.1f} us of "
      "processor time per result applied and committed\n",
      writer_seconds, seconds, 100 * writer_seconds / seconds, writer_cpu_seconds,
      1e6 * writer_cpu_seconds / static_cast<double>(interface_results));
  const double deferred_cpu_seconds = std::chrono::duration<double>(pipeline.deferred_cpu).count();
  std::cout << fmt::format(
      "        of that, between batches: {} audit entries indexed in bulk, {:.2f} s on a core "
      "({:.1f} us per entry)\n\n",
      pipeline.audit_entries_indexed, deferred_cpu_seconds,
      pipeline.audit_entries_indexed
          ? 1e6 * deferred_cpu_seconds / static_cast<double>(pipeline.audit_entries_indexed)
          : 0.0);
  std::cout << fmt::format(
      "baseline: lab::post_results directly, ~{} results per transaction: {} results in {:.2f} "
      "s, {:.0f} results/s, {:.1f} us of processor time per result\n",
      kBaselinePerTransaction, baseline_results, baseline_seconds, baseline_rate,
      1e6 * baseline.cpu_seconds / static_cast<double>(baseline_results));
  std::cout << fmt::format("interfaces / baseline, results per second: {:.2f}\n",
                           rate / baseline_rate);
  const double astm_p99 = to_ms(counters.astm_ack_latency.p99);
  const double hl7_p99 = to_ms(counters.hl7_ack_latency.p99);
  std::cout << fmt::format(
      "target: >= 50000 results/s: {}; p99 <= 20 ms: ASTM {} ({:.1f} ms), HL7 {} "
      "({:.1f} ms)\n",
      rate >= 50000 ? "met" : "NOT met", astm_p99 <= 20 ? "met" : "NOT met", astm_p99,
      hl7_p99 <= 20 ? "met" : "NOT met", hl7_p99);
  return 0;
}
