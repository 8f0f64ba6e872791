#pragma once

// What the lab tells aliquot about each connected instrument or sending system: how to
// recognise it, where its messages keep the specimen id and test code, and how its test codes
// map to the catalog (interfaces.md: instrument-supplied codes, even LOINC codes, are not
// trusted; every code goes through this table). Lab-edited data: one TOML file per instrument
// under interfaces/instruments/, checked by `aliquot interfaces check DIR`.
//
// File schema (interfaces/instruments/cobas-c311.toml is a worked example):
//   [instrument]
//   id        = "cobas-c311"        # the lab's name for it; also its account, "if.<id>"
//   name      = "Roche cobas c311"
//   protocol  = "astm"              # "astm" or "hl7"
//   sender    = "c311"              # ASTM H-5.1 or HL7 MSH-3.1 as the instrument sends it
//   specimen_id_field     = 3       # ASTM: O-3 specimen id, or O-4 instrument specimen id
//   specimen_id_component = 1       # ASTM: component of that field holding the specimen id
//   test_code_component   = 4       # ASTM: component of R-3 (and O-5) holding the test code
//   ignored_codes = ["IG%"]         # codes the lab does not file (research parameters,
//                                   # scattergram images); any other unmapped code is refused
//   point_of_care = false           # true: a point-of-care device whose operators (OBX-16,
//                                   # R-11) must be qualified when the value arrives
//   [codes]                         # instrument code -> catalog test code, or a table with
//   "685/" = "ALT"                  # the unit the instrument writes for the catalog's unit:
//   "WBC"  = { test = "WBC", unit = "10^3/uL" }
//   [indices]                       # codes under which the instrument reports the serum indices
//   hemolysis = "H-IDX"             # of the specimen: they are not results, they go to the
//   icterus   = "I-IDX"             # autoverification rules (rules/autoverification.h)
//   lipemia   = "L-IDX"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "rules/autoverification.h"

namespace aliquot::ingest {

enum class Protocol { kAstm, kHl7 };

struct CodeMapping {
  std::string test_code;        // catalog code
  std::string instrument_unit;  // "" : the instrument writes the catalog's UCUM unit
};

enum class SerumIndex { kHemolysis, kIcterus, kLipemia };

struct InstrumentProfile {
  std::string id;
  std::string name;
  Protocol protocol = Protocol::kAstm;
  std::string sender;
  int specimen_id_field = 3;
  int specimen_id_component = 1;
  int test_code_component = 4;
  std::map<std::string, CodeMapping> codes;  // by instrument code, exactly as sent (trimmed)
  std::vector<std::string> ignored_codes;
  std::map<std::string, SerumIndex> index_codes;  // by instrument code, as sent (trimmed)
  // A point-of-care device: each value's operator (HL7 OBX-16, ASTM R-11) is checked for their
  // qualification as it arrives (lab/qualification_check.h).
  bool point_of_care = false;
  std::string file;  // where it was read from

  // The account its messages are filed under.
  std::string account() const { return "if." + id; }
};

class InstrumentProfiles {
 public:
  InstrumentProfiles() = default;
  explicit InstrumentProfiles(std::vector<InstrumentProfile> profiles)
      : profiles_(std::move(profiles)) {}

  // The profile whose `sender` equals `sender` (trimmed, ignoring case) for `protocol`.
  const InstrumentProfile* find_by_sender(Protocol protocol, std::string_view sender) const;
  const InstrumentProfile* find_by_id(std::string_view id) const;
  const std::vector<InstrumentProfile>& all() const { return profiles_; }

 private:
  std::vector<InstrumentProfile> profiles_;
};

// Reads one profile; `file` names it in errors. Every problem is reported, one per line, as
// "file:line:column: what" — unknown keys, missing keys, a protocol that is not astm or hl7, a
// mapped test the catalog does not have, a code mapped twice.
Result<InstrumentProfile> parse_instrument_profile(std::string_view text, const std::string& file,
                                                   const catalog::Catalog& catalog);

// Reads every *.toml file of `directory` (in name order). Two profiles with the same id, or the
// same sender for one protocol, are refused.
Result<InstrumentProfiles> load_instrument_profiles(const std::string& directory,
                                                    const catalog::Catalog& catalog);

// Whether every profile still maps to `catalog`: FailedPrecondition naming, one per line, each
// instrument code whose test `catalog` does not have. The server checks a new catalog version
// with it before putting it in force, since the profiles were checked against the catalog of
// its start.
Result<void> check_profiles_fit(const InstrumentProfiles& profiles,
                                const catalog::Catalog& catalog);

// The catalog test and catalog unit for an instrument code and the unit it sent: NotFound
// naming the instrument and code when the code is not mapped; std::nullopt-like empty test code
// when the profile lists the code as ignored. The returned unit is "" when the
// instrument sent none, the catalog's unit when it sent the mapped instrument unit, and the
// sent unit otherwise (which the flagging rules then check against the catalog).
struct MappedTest {
  std::string test_code;
  std::string unit;
};
Result<MappedTest> map_test(const InstrumentProfile& profile, std::string_view instrument_code,
                            std::string_view unit, const catalog::Catalog& catalog);

std::string_view to_code(Protocol protocol);

// The serum index an instrument code carries, if the profile says it carries one.
std::optional<SerumIndex> index_for_code(const InstrumentProfile& profile,
                                         std::string_view instrument_code);

// Stores the index value `text` (a plain non-negative number) in `indices`; InvalidArgument
// naming the code and the value otherwise.
Result<void> set_serum_index(SerumIndex index, std::string_view code, std::string_view text,
                             rules::SerumIndices& indices);

}  // namespace aliquot::ingest
