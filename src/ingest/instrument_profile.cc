#include "ingest/instrument_profile.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ingest/text.h"

namespace aliquot::ingest {
namespace {

// Collects "file:line:column: message" problems.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(const toml::source_region& where, const std::string& message) {
    lines_.push_back(file_ + ":" + std::to_string(where.begin.line) + ":" +
                     std::to_string(where.begin.column) + ": " + message);
  }
  void add_file(const std::string& message) { lines_.push_back(file_ + ": " + message); }
  bool empty() const { return lines_.empty(); }
  std::string joined() const {
    std::string text;
    for (const std::string& line : lines_) text += (text.empty() ? "" : "\n") + line;
    return text;
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

void check_keys(const toml::table& table, const std::set<std::string>& known,
                const std::string& where, Problems& problems) {
  for (const auto& [key, node] : table) {
    if (!known.contains(std::string(key.str()))) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      problems.add(key.source(), "unknown key '" + std::string(key.str()) + "' in " + where +
                                     " (known: " + list + ")");
    }
  }
}

}  // namespace

std::string_view to_code(Protocol protocol) { return protocol == Protocol::kAstm ? "astm" : "hl7"; }

const InstrumentProfile* InstrumentProfiles::find_by_sender(Protocol protocol,
                                                            std::string_view sender) const {
  const std::string wanted = trim(sender);
  for (const InstrumentProfile& profile : profiles_) {
    if (profile.protocol == protocol && equals_ignoring_case(profile.sender, wanted)) {
      return &profile;
    }
  }
  return nullptr;
}

const InstrumentProfile* InstrumentProfiles::find_by_id(std::string_view id) const {
  for (const InstrumentProfile& profile : profiles_) {
    if (profile.id == id) return &profile;
  }
  return nullptr;
}

Result<InstrumentProfile> parse_instrument_profile(std::string_view text, const std::string& file,
                                                   const catalog::Catalog& catalog) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return invalid_argument(file + ":" + std::to_string(where.line) + ":" +
                            std::to_string(where.column) + ": " + std::string(error.description()));
  }
  Problems problems(file);
  InstrumentProfile profile;
  profile.file = file;
  check_keys(root, {"instrument", "codes", "indices"}, "the file", problems);

  const toml::table* instrument = root["instrument"].as_table();
  if (instrument == nullptr) {
    problems.add_file("missing [instrument] table");
    return invalid_argument(problems.joined());
  }
  check_keys(*instrument,
             {"id", "name", "protocol", "sender", "specimen_id_field", "specimen_id_component",
              "test_code_component", "ignored_codes", "point_of_care"},
             "[instrument]", problems);
  auto required_text = [&](std::string_view key, std::string& into) {
    const toml::node* node = instrument->get(key);
    if (node == nullptr) {
      problems.add(instrument->source(), "[instrument] needs '" + std::string(key) + "'");
    } else if (const auto* value = node->as_string();
               value == nullptr || trim(value->get()).empty()) {
      problems.add(node->source(), "'" + std::string(key) + "' must be a non-empty string");
    } else {
      into = trim(value->get());
    }
  };
  required_text("id", profile.id);
  required_text("name", profile.name);
  required_text("sender", profile.sender);
  std::string protocol;
  required_text("protocol", protocol);
  if (protocol == "hl7") {
    profile.protocol = Protocol::kHl7;
  } else if (!protocol.empty() && protocol != "astm") {
    problems.add(instrument->get("protocol")->source(),
                 "protocol '" + protocol + "' is not one of: astm, hl7");
  }
  if (!profile.id.empty() && !std::all_of(profile.id.begin(), profile.id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      })) {
    problems.add(instrument->get("id")->source(),
                 "id '" + profile.id +
                     "' may hold only lower-case letters, digits, '-', '_' and '.' (it names "
                     "the instrument's account)");
  }
  auto component = [&](std::string_view key, int& into) {
    const toml::node* node = instrument->get(key);
    if (node == nullptr) return;
    const auto* value = node->as_integer();
    if (value == nullptr || value->get() < 1 || value->get() > 20) {
      problems.add(node->source(), "'" + std::string(key) + "' must be a number from 1 to 20");
      return;
    }
    into = static_cast<int>(value->get());
  };
  component("specimen_id_component", profile.specimen_id_component);
  component("specimen_id_field", profile.specimen_id_field);
  if (profile.specimen_id_field != 3 && profile.specimen_id_field != 4) {
    problems.add(instrument->get("specimen_id_field")->source(),
                 "'specimen_id_field' must be 3 (O-3) or 4 (O-4)");
  }
  if (const toml::node* ignored = instrument->get("ignored_codes")) {
    const toml::array* codes = ignored->as_array();
    if (codes == nullptr) {
      problems.add(ignored->source(), "'ignored_codes' must be an array of strings");
    } else {
      for (const toml::node& code : *codes) {
        if (const auto* ignored_code = code.as_string()) {
          profile.ignored_codes.push_back(trim(ignored_code->get()));
        } else {
          problems.add(code.source(), "'ignored_codes' must hold strings only");
        }
      }
    }
  }
  component("test_code_component", profile.test_code_component);
  if (const toml::node* point_of_care = instrument->get("point_of_care")) {
    if (const auto* flag = point_of_care->as_boolean()) {
      profile.point_of_care = flag->get();
    } else {
      problems.add(point_of_care->source(), "'point_of_care' must be true or false");
    }
  }

  if (const toml::node* codes_node = root.get("codes")) {
    const toml::table* codes = codes_node->as_table();
    if (codes == nullptr) {
      problems.add(codes_node->source(), "[codes] must be a table of code = test");
    } else {
      for (const auto& [key, node] : *codes) {
        const std::string code = trim(key.str());
        CodeMapping mapping;
        if (const auto* mapped = node.as_string()) {
          mapping.test_code = trim(mapped->get());
        } else if (const auto* table = node.as_table()) {
          check_keys(*table, {"test", "unit"}, "code '" + code + "'", problems);
          if (const auto* test_name = table->get_as<std::string>("test")) {
            mapping.test_code = trim(test_name->get());
          }
          if (const auto* unit = table->get_as<std::string>("unit")) {
            mapping.instrument_unit = trim(unit->get());
          }
        }
        if (mapping.test_code.empty()) {
          problems.add(node.source(), "code '" + code +
                                          "' must map to a test code, as \"CODE\" or "
                                          "{ test = \"CODE\", unit = \"...\" }");
          continue;
        }
        const core::TestDefinition* test = catalog.find_test(mapping.test_code);
        if (test == nullptr) {
          problems.add(node.source(), "code '" + code + "' maps to '" + mapping.test_code +
                                          "', which is not a test of the catalog");
          continue;
        }
        mapping.test_code = test->code;
        profile.codes.emplace(code, std::move(mapping));
      }
    }
  }
  if (const toml::node* indices_node = root.get("indices")) {
    const toml::table* indices = indices_node->as_table();
    if (indices == nullptr) {
      problems.add(indices_node->source(), "[indices] must be a table of index = \"CODE\"");
    } else {
      check_keys(*indices, {"hemolysis", "icterus", "lipemia"}, "[indices]", problems);
      const std::pair<const char*, SerumIndex> kinds[] = {{"hemolysis", SerumIndex::kHemolysis},
                                                          {"icterus", SerumIndex::kIcterus},
                                                          {"lipemia", SerumIndex::kLipemia}};
      for (const auto& [key, kind] : kinds) {
        const toml::node* node = indices->get(key);
        if (node == nullptr) continue;
        const auto* value = node->as_string();
        const std::string code = value == nullptr ? "" : trim(value->get());
        if (code.empty()) {
          problems.add(node->source(),
                       "[indices] " + std::string(key) + " must be the instrument's code");
        } else if (profile.codes.contains(code)) {
          problems.add(node->source(), "[indices] " + std::string(key) + " code '" + code +
                                           "' is also mapped to a test in [codes]");
        } else if (!profile.index_codes.emplace(code, kind).second) {
          problems.add(node->source(), "[indices] code '" + code + "' is given twice");
        }
      }
    }
  }
  if (!problems.empty()) return invalid_argument(problems.joined());
  return profile;
}

Result<InstrumentProfiles> load_instrument_profiles(const std::string& directory,
                                                    const catalog::Catalog& catalog) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return not_found("instrument profiles: '" + directory + "' is not a directory");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<InstrumentProfile> profiles;
  std::string problems;
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      problems += (problems.empty() ? "" : "\n") + path.string() + ": cannot be read";
      continue;
    }
    Result<InstrumentProfile> profile =
        parse_instrument_profile(text.str(), path.string(), catalog);
    if (!profile.has_value()) {
      problems += (problems.empty() ? "" : "\n") + profile.error().message();
      continue;
    }
    for (const InstrumentProfile& other : profiles) {
      if (other.id == profile->id) {
        problems += (problems.empty() ? "" : "\n") + path.string() + ": id '" + profile->id +
                    "' is already used by " + other.file;
      } else if (other.protocol == profile->protocol &&
                 equals_ignoring_case(other.sender, profile->sender)) {
        problems += (problems.empty() ? "" : "\n") + path.string() + ": sender '" +
                    profile->sender + "' is already used by " + other.file;
      }
    }
    profiles.push_back(std::move(profile).value());
  }
  if (!problems.empty()) return invalid_argument(problems);
  return InstrumentProfiles(std::move(profiles));
}

Result<void> check_profiles_fit(const InstrumentProfiles& profiles,
                                const catalog::Catalog& catalog) {
  std::string problems;
  for (const InstrumentProfile& profile : profiles.all()) {
    for (const auto& [code, mapping] : profile.codes) {
      if (catalog.find_test(mapping.test_code) != nullptr) continue;
      if (!problems.empty()) problems += '\n';
      problems += profile.file + ": instrument " + profile.id + " maps code '" + code + "' to '" +
                  mapping.test_code + "', which catalog '" + catalog.name() + "' version " +
                  catalog.version() + " does not have";
    }
  }
  if (problems.empty()) return ok();
  return failed_precondition(problems);
}

Result<MappedTest> map_test(const InstrumentProfile& profile, std::string_view instrument_code,
                            std::string_view unit, const catalog::Catalog& catalog) {
  const std::string code = trim(instrument_code);
  if (std::find(profile.ignored_codes.begin(), profile.ignored_codes.end(), code) !=
      profile.ignored_codes.end()) {
    return MappedTest{};
  }
  const auto found = profile.codes.find(code);
  if (found == profile.codes.end()) {
    return not_found("test code '" + code + "' of instrument " + profile.id +
                     " is not mapped to a catalog test (add it to " + profile.file + ")");
  }
  MappedTest mapped{found->second.test_code, trim(unit)};
  const core::TestDefinition* test = catalog.find_test(mapped.test_code);
  if (test != nullptr && !found->second.instrument_unit.empty() &&
      mapped.unit == found->second.instrument_unit) {
    mapped.unit = test->unit;
  }
  return mapped;
}

std::optional<SerumIndex> index_for_code(const InstrumentProfile& profile,
                                         std::string_view instrument_code) {
  const auto found = profile.index_codes.find(trim(instrument_code));
  if (found == profile.index_codes.end()) return std::nullopt;
  return found->second;
}

Result<void> set_serum_index(SerumIndex index, std::string_view code, std::string_view text,
                             rules::SerumIndices& indices) {
  const std::string value = trim(text);
  double number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
      !std::isfinite(number) || number < 0) {
    return invalid_argument("serum index '" + trim(code) + "' has value '" + value +
                            "': expected a number of 0 or more");
  }
  switch (index) {
    case SerumIndex::kHemolysis: indices.hemolysis = number; break;
    case SerumIndex::kIcterus: indices.icterus = number; break;
    case SerumIndex::kLipemia: indices.lipemia = number; break;
  }
  return ok();
}

}  // namespace aliquot::ingest
