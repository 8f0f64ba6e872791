#include "server/http/metrics.h"

#include <charconv>

namespace aliquot::server::http {
namespace {

std::string number(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

// Label values escape backslash, double quote and line feed (exposition format, "Comments,
// help text, and type information" / label values).
std::string label(std::string_view value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels,
            std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

void counter(std::string& out, std::string_view name, std::string_view help, std::uint64_t value) {
  family(out, name, "counter", help);
  sample(out, name, "", std::to_string(value));
}

}  // namespace

void HttpMetrics::record(Method method, std::string_view route, int status,
                         std::chrono::microseconds elapsed) {
  const std::string route_label = route.empty() ? "none" : std::string(route);
  const double seconds = static_cast<double>(elapsed.count()) / 1e6;
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(to_string(method)), route_label, status}];
  Histogram& histogram = durations_[route_label];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum_seconds += seconds;
}

std::string HttpMetrics::exposition() const {
  std::lock_guard lock(mutex_);
  std::string out;
  family(out, "http_requests_total", "counter",
         "HTTP requests answered, by method, route pattern and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    sample(out, "http_requests_total",
           "method=\"" + label(method) + "\",route=\"" + label(route) + "\",status=\"" +
               std::to_string(status) + "\"",
           std::to_string(count));
  }
  family(out, "http_request_duration_seconds", "histogram",
         "Time from a request's last byte read to its response handed to the connection.");
  for (const auto& [route, histogram] : durations_) {
    const std::string route_label = "route=\"" + label(route) + "\"";
    // Buckets are cumulative: each counts every observation at or below its bound.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += histogram.counts[i];
      sample(out, "http_request_duration_seconds_bucket",
             route_label + ",le=\"" + number(kBuckets[i]) + "\"", std::to_string(cumulative));
    }
    sample(out, "http_request_duration_seconds_bucket", route_label + ",le=\"+Inf\"",
           std::to_string(histogram.count));
    sample(out, "http_request_duration_seconds_sum", route_label, number(histogram.sum_seconds));
    sample(out, "http_request_duration_seconds_count", route_label,
           std::to_string(histogram.count));
  }
  return out;
}

std::string interface_exposition(const InterfaceCounters& counters) {
  std::string out;
  counter(out, "aliquot_hl7_messages_total", "HL7 v2 messages received over MLLP.",
          counters.hl7_messages);
  counter(out, "aliquot_astm_messages_total", "ASTM messages received from instruments.",
          counters.astm_messages);
  counter(out, "aliquot_messages_acknowledged_total",
          "Messages applied (or found to be duplicates) and acknowledged.", counters.acknowledged);
  counter(out, "aliquot_messages_refused_total",
          "Messages quarantined and answered with the reason.", counters.refused);
  counter(out, "aliquot_messages_not_stored_total",
          "Messages not acknowledged as stored because the store failed.", counters.not_stored);
  counter(out, "aliquot_pipeline_jobs_total", "Jobs submitted to the ingest pipeline.",
          counters.pipeline.jobs);
  counter(out, "aliquot_pipeline_refused_total", "Jobs the ingest pipeline refused to queue.",
          counters.pipeline.refused);
  counter(out, "aliquot_pipeline_transactions_total", "Transactions committed by the pipeline.",
          counters.pipeline.batches);
  counter(out, "aliquot_pipeline_failed_transactions_total",
          "Pipeline transactions that failed to commit.", counters.pipeline.failed_batches);
  counter(out, "aliquot_pipeline_reapplied_transactions_total",
          "Pipeline batches applied a second time, each message in a savepoint, because one of "
          "their messages was refused.",
          counters.pipeline.reapplied_batches);
  counter(out, "aliquot_pipeline_syncs_total", "Syncs that made pipeline transactions durable.",
          counters.pipeline.syncs);
  counter(out, "aliquot_pipeline_audit_entries_indexed_total",
          "Audit entries whose lookups the ingest writer brought up to date between batches.",
          counters.pipeline.audit_entries_indexed);
  family(out, "aliquot_pipeline_writer_busy_seconds_total", "counter",
         "Time the ingest writer spent applying and committing batches; its rate near 1 means "
         "the writer is saturated.");
  sample(out, "aliquot_pipeline_writer_busy_seconds_total", "",
         number(std::chrono::duration<double>(counters.pipeline.writer_busy).count()));
  family(out, "aliquot_pipeline_queued", "gauge", "Jobs waiting in the ingest pipeline.");
  sample(out, "aliquot_pipeline_queued", "", std::to_string(counters.pipeline.queued));
  return out;
}

Result<void> add_metrics_route(Router& router, const HttpMetrics& metrics,
                               std::function<InterfaceCounters()> interface_counters,
                               std::function<std::string()> more) {
  return router.add(
      Method::kGet, "/metrics",
      [&metrics, interface_counters = std::move(interface_counters),
       more = std::move(more)](const Request&) {
        Response response;
        response.content_type = std::string(kExpositionContentType);
        response.body = metrics.exposition();
        if (interface_counters) response.body += interface_exposition(interface_counters());
        if (more) response.body += more();
        return response;
      },
      Access::kPublic);
}

}  // namespace aliquot::server::http
