#include "simulate/analyzer_records.h"

#include <chrono>
#include <cstdio>

#include "astm/record.h"
#include "simulate/random.h"

namespace aliquot::simulate {
namespace {

// The analyzer always writes the usual delimiters, `H|\^&` (LIS02-A2 section 7.1).
constexpr astm::Delimiters kDelimiters{};

// A value escaped for a field (LIS02-A2 section 7.1.4): each delimiter character becomes
// &F&, &R&, &S& or &E&, so that a value never breaks the record's structure.
std::string escaped(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  const char e = kDelimiters.escape;
  for (const char c : value) {
    if (c == kDelimiters.field) {
      out += {e, 'F', e};
    } else if (c == kDelimiters.repeat) {
      out += {e, 'R', e};
    } else if (c == kDelimiters.component) {
      out += {e, 'S', e};
    } else if (c == e) {
      out += {e, 'E', e};
    } else {
      out += c;
    }
  }
  return out;
}

// `value` as component `component` (1-based) of a field: the components before it are empty.
std::string in_component(std::string_view value, int component) {
  std::string field(static_cast<std::size_t>(std::max(0, component - 1)), kDelimiters.component);
  field += escaped(value);
  return field;
}

// A record from its fields, field 1 (the type) included; trailing empty fields are dropped.
std::string record_of(std::vector<std::string> fields) {
  while (fields.size() > 1 && fields.back().empty()) fields.pop_back();
  std::string record;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) record += kDelimiters.field;
    record += fields[i];
  }
  return record;
}

// Fields 1..count, empty except the type.
std::vector<std::string> fields_of(char type, std::size_t count) {
  std::vector<std::string> fields(count);
  fields[0] = std::string(1, type);
  return fields;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// O-5 universal test ids, one repeat per test.
std::string test_ids(const ingest::InstrumentProfile& profile,
                     const std::vector<Measurement>& measurements) {
  std::string field;
  for (const Measurement& measurement : measurements) {
    if (!field.empty()) field += kDelimiters.repeat;
    field += in_component(measurement.instrument_code, profile.test_code_component);
  }
  return field;
}

// The O record of a message the analyzer sends; O-12 the action code, O-26 the report type.
std::string order_record(const ingest::InstrumentProfile& profile, std::string_view specimen_id,
                         const std::vector<Measurement>& measurements, std::string_view action,
                         std::string_view report_type) {
  std::vector<std::string> fields = fields_of('O', 26);
  fields[1] = "1";
  const std::size_t specimen_field = profile.specimen_id_field == 4 ? 4 : 3;
  fields[specimen_field - 1] = in_component(specimen_id, profile.specimen_id_component);
  fields[4] = test_ids(profile, measurements);
  fields[5] = "R";  // O-6 priority: routine
  fields[11] = std::string(action);
  fields[25] = std::string(report_type);
  return record_of(std::move(fields));
}

std::vector<std::string> result_records(const ingest::InstrumentProfile& profile,
                                        const std::vector<Measurement>& measurements,
                                        core::LocalTime at) {
  std::vector<std::string> records;
  const std::string completed = astm_timestamp(at);
  int sequence = 0;
  for (const Measurement& measurement : measurements) {
    std::vector<std::string> fields = fields_of('R', 14);
    fields[1] = std::to_string(++sequence);
    fields[2] = in_component(measurement.instrument_code, profile.test_code_component);
    const bool final = measurement.status == MeasurementStatus::kFinal;
    fields[3] = final ? escaped(measurement.value) : "";
    fields[4] = final ? escaped(measurement.unit) : "";
    fields[8] = final ? "F" : "X";
    fields[12] = completed;
    fields[13] = escaped(profile.sender);
    records.push_back(record_of(std::move(fields)));
  }
  return records;
}

}  // namespace

std::string astm_timestamp(core::LocalTime at) {
  const auto days = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::seconds>(at - days));
  char text[40];
  std::snprintf(text, sizeof text, "%04d%02u%02u%02d%02d%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

std::string header_record(const ingest::InstrumentProfile& profile, core::LocalTime at) {
  std::vector<std::string> fields = fields_of('H', 14);
  fields[1] = {kDelimiters.repeat, kDelimiters.component, kDelimiters.escape};
  fields[4] = escaped(profile.sender);
  fields[11] = "P";
  fields[12] = "LIS2-A2";
  fields[13] = astm_timestamp(at);
  return record_of(std::move(fields));
}

std::vector<std::string> query_message(const ingest::InstrumentProfile& profile,
                                       std::string_view specimen_id, core::LocalTime at) {
  std::vector<std::string> query = fields_of('Q', 13);
  query[1] = "1";
  query[2] = in_component(specimen_id, 2);
  query[4] = in_component("ALL", 4);
  query[12] = "O";
  return {header_record(profile, at), record_of(std::move(query)), "L|1|N"};
}

Result<std::vector<HostOrders>> read_host_orders(const std::vector<std::string>& records,
                                                 const ingest::InstrumentProfile& profile) {
  if (records.empty()) return invalid_argument("the host's answer holds no record");
  ALIQUOT_ASSIGN_OR_RETURN(const astm::Delimiters delimiters,
                           astm::delimiters_from_header(records.front()));
  const auto value = [&delimiters](const astm::Record& record, std::size_t field,
                                   std::size_t repeat, std::size_t component) {
    return trim(astm::unescape(record.component(field, repeat, component), delimiters));
  };
  std::vector<HostOrders> orders;
  std::string patient_id;
  for (const std::string& text : records) {
    const astm::Record record(text, delimiters);
    switch (record.type()) {
      case astm::RecordType::kPatient:
        // P-4 the laboratory-assigned patient id (the host writes its MRN there), else P-3.
        patient_id = value(record, 4, 1, 1);
        if (patient_id.empty()) patient_id = value(record, 3, 1, 1);
        break;
      case astm::RecordType::kOrder: {
        HostOrders order;
        order.patient_id = patient_id;
        const std::size_t field = profile.specimen_id_field == 4 ? 4 : 3;
        order.specimen_id =
            value(record, field, 1, static_cast<std::size_t>(profile.specimen_id_component));
        // O-5 repeats until an empty one: the host writes no empty repeats.
        for (std::size_t repeat = 1;; ++repeat) {
          if (record.repeat(5, repeat).empty()) break;
          std::string code =
              value(record, 5, repeat, static_cast<std::size_t>(profile.test_code_component));
          if (!code.empty()) order.instrument_codes.push_back(std::move(code));
        }
        orders.push_back(std::move(order));
        break;
      }
      default: break;
    }
  }
  return orders;
}

std::vector<std::string> result_message(const ingest::InstrumentProfile& profile,
                                        std::string_view specimen_id, std::string_view patient_id,
                                        const std::vector<Measurement>& measurements,
                                        core::LocalTime at,
                                        const std::vector<Measurement>& indices) {
  std::vector<std::string> records = {header_record(profile, at)};
  std::vector<std::string> patient = fields_of('P', 4);
  patient[1] = "1";
  patient[3] = escaped(patient_id);
  records.push_back(record_of(std::move(patient)));
  // O-26 F: final results (LIS02-A2 section 9.4.26).
  records.push_back(order_record(profile, specimen_id, measurements, "", "F"));
  std::vector<Measurement> reported = measurements;
  reported.insert(reported.end(), indices.begin(), indices.end());
  for (std::string& record : result_records(profile, reported, at)) {
    records.push_back(std::move(record));
  }
  records.push_back("L|1|N");
  return records;
}

std::vector<Measurement> serum_indices(const ingest::InstrumentProfile& profile,
                                       std::uint64_t sample) {
  // A stream of its own, so that the indices do not move the sample's values.
  constexpr std::uint64_t kIndicesStream = 0x494e444943455331;  // "INDICES1"
  Random random = Random::derive(sample, {kIndicesStream});
  const bool hemolysed = random.bernoulli(0.04);
  const bool lipemic = random.bernoulli(0.01);
  const bool icteric = random.bernoulli(0.01);
  const std::int64_t hemolysis =
      hemolysed ? random.uniform_int(60, 250) : random.uniform_int(0, 20);
  const std::int64_t lipemia = lipemic ? random.uniform_int(150, 400) : random.uniform_int(0, 30);
  const std::int64_t icterus = icteric ? random.uniform_int(5, 20) : random.uniform_int(0, 2);
  std::vector<Measurement> indices;
  for (const auto& [code, index] : profile.index_codes) {
    Measurement measurement;
    measurement.instrument_code = code;
    switch (index) {
      case ingest::SerumIndex::kHemolysis: measurement.value = std::to_string(hemolysis); break;
      case ingest::SerumIndex::kIcterus: measurement.value = std::to_string(icterus); break;
      case ingest::SerumIndex::kLipemia: measurement.value = std::to_string(lipemia); break;
    }
    indices.push_back(std::move(measurement));
  }
  return indices;
}

std::vector<std::string> quality_control_message(const ingest::InstrumentProfile& profile,
                                                 std::string_view control_id,
                                                 const std::vector<Measurement>& measurements,
                                                 core::LocalTime at) {
  std::vector<std::string> records = {header_record(profile, at), "P|1"};
  // O-12 Q: quality control specimen (LIS02-A2 section 9.4.12).
  records.push_back(order_record(profile, control_id, measurements, "Q", "F"));
  for (std::string& record : result_records(profile, measurements, at)) {
    records.push_back(std::move(record));
  }
  records.push_back("L|1|N");
  return records;
}

std::vector<Measurement> measure(const catalog::Catalog& catalog,
                                 const ingest::InstrumentProfile& profile, const ValueModel& model,
                                 const PatientProfile& patient, std::uint64_t sample,
                                 const std::vector<std::string>& instrument_codes) {
  std::vector<Measurement> measurements;
  for (const std::string& code : instrument_codes) {
    Measurement measurement;
    measurement.instrument_code = code;
    measurement.status = MeasurementStatus::kCannotBeDone;
    const auto mapping = profile.codes.find(code);
    const core::TestDefinition* test =
        mapping == profile.codes.end() ? nullptr : catalog.find_test(mapping->second.test_code);
    // A calculated test (eGFR, anion gap) is computed by the lab, never measured.
    if (test != nullptr && test->calculated) test = nullptr;
    if (test != nullptr) {
      measurement.test_code = test->code;
      if (Result<std::string> value = model.value_for(*test, patient, sample)) {
        measurement.value = std::move(value).value();
        measurement.unit =
            mapping->second.instrument_unit.empty() ? test->unit : mapping->second.instrument_unit;
        measurement.status = MeasurementStatus::kFinal;
      }
    }
    measurements.push_back(std::move(measurement));
  }
  return measurements;
}

}  // namespace aliquot::simulate
