#pragma once

#include <string>

#include "catalog/catalog.h"
#include "core/time.h"
#include "core/user.h"
#include "rules/rule_set.h"

namespace aliquot::calc {
class CalculationSet;
}  // namespace aliquot::calc
namespace aliquot::qc {
class QcPolicy;
}  // namespace aliquot::qc
namespace aliquot::people {
class Requirements;
class CeRules;
}  // namespace aliquot::people

namespace aliquot::lab {

// What every use case needs besides its transaction: the catalog in force, the clock, and the
// person acting (who is recorded at every step and checked for permission). Only
// `actor.username` is relied on: the use cases read the user from the store and decide by the
// role and active flag stored there.
//
// `rules` are the lab's autoverification rules in force: without them nothing autoverifies and
// results wait for a person. `qc_policy` is the lab's QC policy (qc/qc_policy.h; the default
// when not set): QC gates results whenever the lab has QC targets (lab/quality_control.h).
// `calculations` are the lab's calculations (calc/calculation_set.h; the default set unless the
// lab has its own): without them calculated tests are not computed and stay pending.
struct Context {
  const catalog::Catalog& catalog;
  const core::Clock& clock;
  core::User actor;
  const rules::RuleSet* rules = nullptr;
  const qc::QcPolicy* qc_policy = nullptr;
  const calc::CalculationSet* calculations = nullptr;
  // The personnel requirements (people/requirements.h) qualifications are checked against when
  // the lab enforces them (lab/qualification_check.h); the built-in ones when not set.
  const people::Requirements* personnel = nullptr;
  // The continuing-education rules CE activities are recorded under and progress is measured
  // against (people/continuing_education.h); the built-in ones when not set.
  const people::CeRules* ce_rules = nullptr;
};

}  // namespace aliquot::lab
