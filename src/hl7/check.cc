#include "hl7/check.h"

#include <optional>

#include "core/text.h"
#include "hl7/message_structure.h"

namespace aliquot::hl7 {
namespace {

std::string quoted(std::string_view text) {
  return core::in_quotes(core::printable_excerpt(text, 40));
}

class Checker {
 public:
  Checker(const Message& message, std::vector<Finding>& findings)
      : message_(message), findings_(findings) {}

  void run() {
    const Segment header = message_.header();
    const Value type = header.field(9);
    const Value code = type.component(1);
    const Value trigger = type.component(2);
    if (!code.has_value()) {
      add("MSH", 1, 9, "the message type (MSH-9.1) is missing");
    }
    if (!header.field(10).has_value()) {
      add("MSH", 1, 10, "the message control id (MSH-10) is missing");
    }
    if (!header.field(12).has_value()) {
      add("MSH", 1, 12, "the version id (MSH-12) is missing");
    }
    if (code.has_value()) check_type(code.text(), trigger);
    check_segments();
  }

 private:
  void add(std::string_view segment, int occurrence, int field, std::string text) {
    findings_.push_back(Finding{std::string(segment), occurrence, field, std::move(text)});
  }

  void check_type(const std::string& code, const Value& trigger) {
    const std::string trigger_text = trigger.text();
    if (code != "ACK" && !trigger.has_value()) {
      add("MSH", 1, 9, "the trigger event (MSH-9.2) is missing");
      return;
    }
    const MessageStructure* structure = find_message_structure(code, trigger_text);
    if (structure == nullptr) {
      add("MSH", 1, 9,
          "message type " + quoted(code + "^" + trigger_text) +
              " is not one aliquot accepts (ORU^R01, OUL^R22, OML^O21, ORM^O01, ACK)");
      return;
    }
    type_ = structure_name(*structure);
    const std::optional<StructureProblem> problem = check_structure(message_, *structure);
    if (!problem) return;
    if (problem->segment_index >= message_.segment_count()) {
      add("", 0, 0, problem->text);
    } else {
      add(message_.segment(problem->segment_index).id(),
          message_.occurrence_of(problem->segment_index), 0, problem->text);
    }
  }

  void check_segments() {
    int pid = 0;
    int obr = 0;
    int obx = 0;
    int msa = 0;
    int spm = 0;
    for (const Segment segment : message_.segments()) {
      const std::string_view id = segment.id();
      if (id == "PID") {
        ++pid;
        // Analyzers identify the specimen, not the patient (IHE LAW: PID is optional in
        // OUL^R22 and analyzers leave PID-3 empty); the specimen id is required instead.
        if (type_ != "OUL^R22") require_code(segment, pid, 3, "the patient identifier");
      } else if (id == "SPM" && type_ == "OUL^R22") {
        ++spm;
        require_code(segment, spm, 2, "the specimen identifier");
      } else if (id == "OBR") {
        ++obr;
        require_code(segment, obr, 4, "the universal service identifier");
      } else if (id == "OBX") {
        ++obx;
        require_code(segment, obx, 3, "the observation identifier");
        check_value_type(segment, obx);
      } else if (id == "MSA" && type_ == "ACK") {
        ++msa;
        check_acknowledgment(segment, msa);
      }
    }
  }

  // The field's first repetition must have a first component: the code or identifier.
  void require_code(const Segment& segment, int occurrence, int field, const std::string& what) {
    const Value value = segment.field(field);
    const std::string name = std::string(segment.id()) + "-" + std::to_string(field);
    if (value.is_null()) {
      add(segment.id(), occurrence, field, what + " (" + name + ") is null (\"\")");
    } else if (!value.has_value()) {
      add(segment.id(), occurrence, field, what + " (" + name + ") is missing");
    } else if (!value.component(1).has_value()) {
      add(segment.id(), occurrence, field,
          what + " (" + name + ") has no identifier in its first component");
    }
  }

  void check_value_type(const Segment& obx, int occurrence) {
    const Value value_type = obx.field(2);
    const Value value = obx.field(5);
    if (!value.has_value()) return;
    if (!value_type.has_value()) {
      add("OBX", occurrence, 2, "the value type (OBX-2) is missing, but OBX-5 has a value");
      return;
    }
    if (value_type.raw() != "NM") return;
    int repetition_number = 0;
    for (const Value repetition : value.repetitions()) {
      ++repetition_number;
      if (!repetition.has_value()) continue;
      const std::string text = repetition.text();
      if (!is_hl7_number(text)) {
        const std::string where = value.repetitions().size() > 1
                                      ? " (repetition " + std::to_string(repetition_number) + ")"
                                      : std::string();
        add("OBX", occurrence, 5, quoted(text) + where + " is not a number, but OBX-2 says NM");
      }
    }
  }

  void check_acknowledgment(const Segment& msa, int occurrence) {
    // HL7 table 0008: original and enhanced acknowledgment codes.
    const std::string_view code = msa.field(1).raw();
    if (code != "AA" && code != "AE" && code != "AR" && code != "CA" && code != "CE" &&
        code != "CR") {
      add("MSA", occurrence, 1,
          "acknowledgment code " + quoted(code) +
              " is not one of AA, AE, AR, CA, CE, CR (HL7 table 0008)");
    }
    if (!msa.field(2).has_value()) {
      add("MSA", occurrence, 2, "the control id of the acknowledged message (MSA-2) is missing");
    }
  }

  const Message& message_;
  std::vector<Finding>& findings_;
  std::string_view type_;  // the accepted structure's name; empty when not accepted
};

}  // namespace

std::string Finding::to_string() const {
  if (segment.empty()) return text;
  std::string out = segment + "(" + std::to_string(occurrence) + ")";
  if (field > 0) out += "-" + std::to_string(field);
  return out + ": " + text;
}

bool is_hl7_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

void check_message(const Message& message, std::vector<Finding>& findings) {
  if (message.segment_count() == 0) {
    findings.push_back(Finding{"", 0, 0, "the message has no segments"});
    return;
  }
  Checker(message, findings).run();
}

}  // namespace aliquot::hl7
