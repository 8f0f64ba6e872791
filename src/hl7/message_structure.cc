#include "hl7/message_structure.h"

#include <initializer_list>
#include <utility>
#include <vector>

namespace aliquot::hl7 {

// Internal to this file; named (not anonymous) because MessageStructure holds it.
namespace structure_internal {

enum class Presence { kRequired, kOptional };
enum class Repeat { kOnce, kRepeating };

// One element of an abstract message syntax: a segment or a group of elements.
struct Element {
  std::string_view segment;  // empty for a group
  std::string_view group;    // the group's name, for reading the tables
  Presence presence = Presence::kRequired;
  Repeat repeat = Repeat::kOnce;
  std::vector<Element> children;
  // The segments that can begin this element: its own id, or for a group those of its children
  // up to and including the first required one. Computed when the element is built.
  std::vector<std::string_view> first;
};

}  // namespace structure_internal

using structure_internal::Element;
using structure_internal::Presence;
using structure_internal::Repeat;

class MessageStructure {
 public:
  MessageStructure(std::string_view name, std::vector<Element> elements)
      : name_(name), elements_(std::move(elements)) {}
  std::string_view name() const { return name_; }
  const std::vector<Element>& elements() const { return elements_; }

 private:
  std::string_view name_;
  std::vector<Element> elements_;
};

namespace {

// Builders that read like the standard's tables: seg("PID"), opt(seg("PD1")), rep(seg("OBX")),
// opt_rep(group("OBSERVATION", {...})).
Element seg(std::string_view id) {
  return Element{id, {}, Presence::kRequired, Repeat::kOnce, {}, {id}};
}
Element group(std::string_view name, std::initializer_list<Element> children) {
  Element element{{}, name, Presence::kRequired, Repeat::kOnce, children, {}};
  for (const Element& child : element.children) {
    element.first.insert(element.first.end(), child.first.begin(), child.first.end());
    if (child.presence == Presence::kRequired) break;
  }
  return element;
}
Element opt(Element element) {
  element.presence = Presence::kOptional;
  return element;
}
Element rep(Element element) {
  element.repeat = Repeat::kRepeating;
  return element;
}
Element opt_rep(Element element) { return opt(rep(std::move(element))); }

const std::vector<MessageStructure>& structures() {
  static const std::vector<MessageStructure> kStructures = {
      MessageStructure(
          "ORU^R01",
          {seg("MSH"), opt_rep(seg("SFT")),
           rep(group(
               "PATIENT_RESULT",
               {opt(group("PATIENT",
                          {seg("PID"), opt(seg("PD1")), opt_rep(seg("NTE")), opt_rep(seg("NK1")),
                           opt(group("VISIT", {seg("PV1"), opt(seg("PV2"))}))})),
                rep(group("ORDER_OBSERVATION",
                          {opt(seg("ORC")), seg("OBR"), opt_rep(seg("NTE")),
                           opt_rep(group("TIMING_QTY", {seg("TQ1"), opt_rep(seg("TQ2"))})),
                           opt(seg("CTD")),
                           opt_rep(group("OBSERVATION", {seg("OBX"), opt_rep(seg("NTE"))})),
                           opt_rep(seg("FT1")), opt_rep(seg("CTI")),
                           opt_rep(group("SPECIMEN", {seg("SPM"), opt_rep(seg("OBX"))}))}))})),
           opt(seg("DSC"))}),
      MessageStructure(
          "OUL^R22",
          {seg("MSH"), opt_rep(seg("SFT")), opt(seg("NTE")),
           opt(group("PATIENT", {seg("PID"), opt(seg("PD1")), opt_rep(seg("NTE"))})),
           opt(group("VISIT", {seg("PV1"), opt(seg("PV2"))})),
           rep(group(
               "SPECIMEN",
               {seg("SPM"), opt_rep(seg("OBX")),
                opt_rep(group("CONTAINER", {seg("SAC"), opt_rep(seg("INV"))})),
                rep(group("ORDER", {seg("OBR"), opt(seg("ORC")), opt_rep(seg("NTE")),
                                    opt_rep(group("TIMING_QTY", {seg("TQ1"), opt_rep(seg("TQ2"))})),
                                    opt_rep(group("RESULT",
                                                  {seg("OBX"), opt(seg("TCD")), opt_rep(seg("SID")),
                                                   opt_rep(seg("INV")), opt_rep(seg("NTE"))})),
                                    opt_rep(seg("CTI"))}))})),
           opt(seg("DSC"))}),
      MessageStructure(
          "OML^O21",
          {seg("MSH"), opt_rep(seg("SFT")), opt_rep(seg("NTE")),
           opt(group("PATIENT",
                     {seg("PID"), opt(seg("PD1")), opt_rep(seg("NTE")), opt_rep(seg("NK1")),
                      opt(group("PATIENT_VISIT", {seg("PV1"), opt(seg("PV2"))})),
                      opt_rep(group("INSURANCE", {seg("IN1"), opt(seg("IN2")), opt(seg("IN3"))})),
                      opt(seg("GT1")), opt_rep(seg("AL1"))})),
           rep(group(
               "ORDER",
               {seg("ORC"), opt_rep(group("TIMING", {seg("TQ1"), opt_rep(seg("TQ2"))})),
                opt(group("OBSERVATION_REQUEST",
                          {seg("OBR"), opt(seg("TCD")), opt_rep(seg("NTE")), opt_rep(seg("DG1")),
                           opt_rep(group("OBSERVATION",
                                         {seg("OBX"), opt(seg("TCD")), opt_rep(seg("NTE"))})),
                           opt_rep(group("SPECIMEN",
                                         {seg("SPM"), opt_rep(seg("OBX")),
                                          opt_rep(group("CONTAINER",
                                                        {seg("SAC"), opt_rep(seg("OBX"))}))}))})),
                opt_rep(seg("FT1")), opt_rep(seg("CTI")), opt(seg("BLG"))}))}),
      MessageStructure(
          "ORM^O01",
          {seg("MSH"), opt_rep(seg("SFT")), opt_rep(seg("NTE")),
           opt(group("PATIENT",
                     {seg("PID"), opt(seg("PD1")), opt_rep(seg("NTE")),
                      opt(group("PATIENT_VISIT", {seg("PV1"), opt(seg("PV2"))})),
                      opt_rep(group("INSURANCE", {seg("IN1"), opt(seg("IN2")), opt(seg("IN3"))})),
                      opt(seg("GT1")), opt_rep(seg("AL1"))})),
           rep(group(
               "ORDER",
               {seg("ORC"),
                opt(group("ORDER_DETAIL",
                          {seg("OBR"), opt_rep(seg("NTE")), opt(seg("CTD")), opt_rep(seg("DG1")),
                           opt_rep(group("OBSERVATION", {seg("OBX"), opt_rep(seg("NTE"))}))})),
                opt_rep(seg("FT1")), opt_rep(seg("CTI")), opt(seg("BLG"))}))}),
      MessageStructure("ACK", {seg("MSH"), opt_rep(seg("SFT")), seg("MSA"), opt_rep(seg("ERR"))}),
  };
  return kStructures;
}

bool can_start(const Element& element, std::string_view id) {
  for (std::string_view candidate : element.first) {
    if (candidate == id) return true;
  }
  return false;
}

std::string first_list(const Element& element) {
  const std::vector<std::string_view>& first = element.first;
  std::string out;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (i > 0) out += (i + 1 == first.size()) ? " or " : ", ";
    out += first[i];
  }
  return out;
}

// Greedy matching: every HL7 structure is meant to be read one segment at a time without
// looking ahead, and the ones above are.
class Matcher {
 public:
  Matcher(const Message& message, const MessageStructure& structure)
      : message_(message), structure_(structure) {
    for (std::size_t i = 0; i < message.segment_count(); ++i) {
      // Site-defined Z-segments are placed by agreement, not by the standard's structure.
      if (message.segment(i).id()[0] != 'Z') indices_.push_back(i);
    }
  }

  std::optional<StructureProblem> run() {
    if (!match_sequence(structure_.elements())) return problem_;
    if (position_ < indices_.size()) {
      return StructureProblem{indices_[position_],
                              "not allowed here in " + std::string(structure_.name()) + after()};
    }
    return std::nullopt;
  }

 private:
  std::string_view id_at(std::size_t position) const {
    return message_.segment(indices_[position]).id();
  }
  std::string describe(std::size_t position) const {
    const std::size_t index = indices_[position];
    return std::string(message_.segment(index).id()) + "(" +
           std::to_string(message_.occurrence_of(index)) + ")";
  }
  std::string after() const {
    return position_ == 0 ? std::string() : " (after " + describe(position_ - 1) + ")";
  }

  bool starts_here(const Element& element) const {
    return position_ < indices_.size() && can_start(element, id_at(position_));
  }

  bool match_sequence(const std::vector<Element>& elements) {
    for (const Element& element : elements) {
      if (!starts_here(element)) {
        if (element.presence == Presence::kOptional) continue;
        fail(element);
        return false;
      }
      do {
        if (!match_one(element)) return false;
      } while (element.repeat == Repeat::kRepeating && starts_here(element));
    }
    return true;
  }

  bool match_one(const Element& element) {
    if (!element.segment.empty()) {
      ++position_;
      return true;
    }
    return match_sequence(element.children);
  }

  void fail(const Element& missing) {
    const std::string name(structure_.name());
    if (position_ >= indices_.size()) {
      problem_ = StructureProblem{
          message_.segment_count(),
          "the message ends, but " + name + " requires " + first_list(missing) + after()};
      return;
    }
    problem_ = StructureProblem{indices_[position_], "not allowed here in " + name + ": expected " +
                                                         first_list(missing) + after()};
  }

  const Message& message_;
  const MessageStructure& structure_;
  std::vector<std::size_t> indices_;
  std::size_t position_ = 0;
  std::optional<StructureProblem> problem_;
};

}  // namespace

const MessageStructure* find_message_structure(std::string_view code, std::string_view trigger) {
  for (const MessageStructure& structure : structures()) {
    const std::string_view name = structure.name();
    if (name == "ACK") {
      if (code == "ACK") return &structure;
      continue;
    }
    if (name.substr(0, 3) == code && name.substr(4) == trigger) return &structure;
  }
  return nullptr;
}

std::string_view structure_name(const MessageStructure& structure) { return structure.name(); }

std::optional<StructureProblem> check_structure(const Message& message,
                                                const MessageStructure& structure) {
  return Matcher(message, structure).run();
}

}  // namespace aliquot::hl7
