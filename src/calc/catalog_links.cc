// The link check between catalog and calculations (calc/catalog_links.h).

#include "calc/catalog_links.h"

#include <algorithm>
#include <string>

#include "core/text.h"

namespace aliquot::calc {
namespace {

using core::equals_ignoring_case;

// "'creatinine' (Creatinine, mg/dL)".
std::string describe_input(const InputDefinition& input) {
  std::string text = core::in_quotes(input.name) + " (" + input.title;
  if (!input.unit.empty()) text += ", " + input.unit;
  if (!input.choices.empty()) text += ", " + core::join(input.choices, " or ");
  return text + ")";
}

class LinkChecker {
 public:
  LinkChecker(const catalog::Catalog& catalog, const CalculationSet& calculations,
              std::string_view file)
      : catalog_(catalog), calculations_(calculations), file_(file) {}

  std::vector<Error> run() {
    for (const core::TestDefinition& test : catalog_.tests()) {
      if (test.calculated) check_test(test, *test.calculated);
    }
    return std::move(problems_);
  }

 private:
  void add(int line, std::string message) {
    problems_.emplace_back(ErrorCode::kInvalidArgument, std::move(message),
                           SourcePosition{std::string(file_), line, 0});
  }

  void check_test(const core::TestDefinition& test, const core::CalculatedFrom& from) {
    const std::string context = "test " + core::in_quotes(test.code);
    const Calculation* calculation = calculations_.find(from.calculation);
    if (calculation == nullptr) {
      std::vector<std::string> names;
      for (const Calculation& known : calculations_.calculations()) names.push_back(known.name());
      const std::string nearest =
          core::nearest_spelling(from.calculation, names, core::LetterCase::kIgnored);
      std::string message = context + " is calculated by " + core::in_quotes(from.calculation) +
                            ", which the calculations " + core::in_quotes(calculations_.name()) +
                            " do not define";
      if (!nearest.empty()) message += " (did you mean " + core::in_quotes(nearest) + "?)";
      add(from.source_line, std::move(message));
      return;
    }
    const std::string by = context + " (calculation " + core::in_quotes(calculation->name()) + ")";
    if (test.unit != calculation->unit()) {
      add(test.source_line, context + " reports unit " + core::in_quotes(test.unit) +
                                " but calculation " + core::in_quotes(calculation->name()) +
                                " gives " + core::in_quotes(calculation->unit()));
    }
    std::vector<bool> mapped(calculation->inputs().size(), false);
    for (const core::CalculationInput& link : from.inputs) {
      check_input(test, *calculation, by, link, mapped);
    }
    for (std::size_t i = 0; i < calculation->inputs().size(); ++i) {
      const InputDefinition& input = calculation->inputs()[i];
      if (is_patient_input(input.name)) {
        check_patient_input(from, by, input);
        continue;
      }
      if (mapped[i] || input.requirement != Requirement::kRequired) continue;
      if (input.kind == InputKind::kChoice) {
        add(from.source_line, by + ": input " + describe_input(input) +
                                  " is a choice that no test result and no patient fact gives");
        continue;
      }
      add(from.source_line,
          by + ": required input " + describe_input(input) + " is not mapped to a test");
    }
  }

  void check_input(const core::TestDefinition& test, const Calculation& calculation,
                   const std::string& by, const core::CalculationInput& link,
                   std::vector<bool>& mapped) {
    const std::optional<std::size_t> index = calculation.find_input(link.input);
    if (!index) {
      std::vector<std::string> names;
      for (const InputDefinition& input : calculation.inputs()) names.push_back(input.name);
      const std::string nearest =
          core::nearest_spelling(link.input, names, core::LetterCase::kIgnored);
      std::string message = by + " maps input " + core::in_quotes(link.input) +
                            ", which the calculation does not have";
      if (!nearest.empty()) message += " (did you mean " + core::in_quotes(nearest) + "?)";
      message += "; its inputs: " + core::join(names);
      add(link.source_line, std::move(message));
      return;
    }
    const InputDefinition& input = calculation.inputs()[*index];
    if (is_patient_input(input.name)) {
      add(link.source_line, by + ": input " + core::in_quotes(input.name) +
                                " comes from the patient; it is not mapped to a test");
      return;
    }
    if (input.kind == InputKind::kChoice) {
      add(link.source_line, by + ": input " + describe_input(input) +
                                " is a choice; only number inputs are mapped to tests");
      return;
    }
    if (mapped[*index]) {
      add(link.source_line, by + " maps input " + core::in_quotes(input.name) + " twice");
      return;
    }
    mapped[*index] = true;
    const core::TestDefinition* source = catalog_.find_test(link.test_code);
    if (source == nullptr) {
      std::vector<std::string> codes;
      for (const core::TestDefinition& known : catalog_.tests()) codes.push_back(known.code);
      const std::string nearest =
          core::nearest_spelling(link.test_code, codes, core::LetterCase::kIgnored);
      std::string message = by + " maps input " + core::in_quotes(input.name) +
                            " to unknown test " + core::in_quotes(link.test_code);
      if (!nearest.empty()) message += " (did you mean " + core::in_quotes(nearest) + "?)";
      add(link.source_line, std::move(message));
      return;
    }
    const std::string to = by + " maps input " + core::in_quotes(input.name) + " to test " +
                           core::in_quotes(source->code);
    if (equals_ignoring_case(source->code, test.code)) {
      add(link.source_line, to + ": a test cannot be calculated from itself");
      return;
    }
    if (source->kind != core::ResultKind::kNumeric) {
      add(link.source_line,
          to + ", which is " + std::string(core::to_code(source->kind)) + ", not numeric");
      return;
    }
    if (source->calculated) {
      add(link.source_line, to + ", which is itself calculated; inputs are measured tests");
      return;
    }
    if (source->unit != input.unit) {
      add(link.source_line, to + ", which reports " + core::in_quotes(source->unit) +
                                "; the calculation takes " + core::in_quotes(input.unit));
    }
  }

  // The lab gives age in completed years and sex as F or M; a calculation that wants them
  // otherwise cannot be fed.
  void check_patient_input(const core::CalculatedFrom& from, const std::string& by,
                           const InputDefinition& input) {
    if (equals_ignoring_case(input.name, kAgeInput)) {
      if (input.kind != InputKind::kNumber || input.unit != "a") {
        add(from.source_line, by + ": input " + describe_input(input) +
                                  " must be a number in years ('a'): the lab gives the patient's "
                                  "age in completed years");
      }
      return;
    }
    const auto has = [&](std::string_view choice) {
      return std::find(input.choices.begin(), input.choices.end(), choice) != input.choices.end();
    };
    if (input.kind != InputKind::kChoice || !has("F") || !has("M")) {
      add(from.source_line, by + ": input " + describe_input(input) +
                                " must be a choice of \"F\" and \"M\": the lab gives the "
                                "patient's sex as F or M");
    }
  }

  const catalog::Catalog& catalog_;
  const CalculationSet& calculations_;
  std::string_view file_;
  std::vector<Error> problems_;
};

}  // namespace

bool is_patient_input(std::string_view input) {
  return equals_ignoring_case(input, kAgeInput) || equals_ignoring_case(input, kSexInput);
}

std::vector<Error> check_catalog_links(const catalog::Catalog& catalog,
                                       const CalculationSet& calculations,
                                       std::string_view catalog_file) {
  return LinkChecker(catalog, calculations, catalog_file).run();
}

Result<void> refuse_broken_links(const catalog::Catalog& catalog,
                                 const CalculationSet& calculations,
                                 std::string_view catalog_file) {
  const std::vector<Error> problems = check_catalog_links(catalog, calculations, catalog_file);
  if (problems.empty()) return ok();
  std::string message = "catalog '" + std::string(catalog_file) +
                        "' does not fit the calculations '" + calculations.name() + "' (" +
                        std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem" : " problems") + "):";
  for (const Error& problem : problems) message += "\n" + problem.to_string();
  return invalid_argument(std::move(message));
}

}  // namespace aliquot::calc
