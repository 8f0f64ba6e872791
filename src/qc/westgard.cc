#include "qc/westgard.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "core/text.h"

namespace aliquot::qc {
namespace {

// One control value, by where it is in the runs judged.
struct Point {
  std::size_t run = 0;
  std::size_t value = 0;  // index in the run's values
  double z = 0;
  friend bool operator==(const Point& a, const Point& b) {
    return a.run == b.run && a.value == b.value;
  }
};

enum class Side { kAbove, kBelow };

// True when z lies beyond `limit` SD on `side`; a value exactly on the limit is within it (as on
// a Levey-Jennings chart, the line itself is inside).
bool beyond(double z, double limit, Side side) {
  return side == Side::kAbove ? z > limit : z < -limit;
}

constexpr std::array<Side, 2> kSides = {Side::kAbove, Side::kBelow};

// The run judged is the last of `runs`; indices in the violations are offset by `first_index`,
// the index of runs[0] among the runs the caller gave.
class RunJudge {
 public:
  RunJudge(std::span<const ControlRun> runs, std::size_t first_index)
      : runs_(runs), first_index_(first_index), current_(runs.size() - 1) {}

  RunEvaluation judge(std::span<const ControlRule> rules) {
    for (const ControlRule rule : rules) apply(rule);
    RunEvaluation evaluation;
    evaluation.run = runs_[current_].id;
    for (const Violation& violation : violations_) {
      if (violation.action == RuleAction::kReject) {
        evaluation.status = RunStatus::kReject;
      } else if (evaluation.status == RunStatus::kAccept) {
        evaluation.status = RunStatus::kWarning;
      }
    }
    evaluation.violations = std::move(violations_);
    return evaluation;
  }

 private:
  void apply(ControlRule rule) {
    switch (rule) {
      case ControlRule::k1_2s: each_beyond(rule, 2); return;
      case ControlRule::k1_3s: each_beyond(rule, 3); return;
      case ControlRule::k2_2s: two_beyond_two(rule); return;
      case ControlRule::kR_4s: range_beyond_four(rule); return;
      case ControlRule::k4_1s: consecutive_beyond(rule, 4, 1); return;
      case ControlRule::k3_1s: consecutive_beyond(rule, 3, 1); return;
      case ControlRule::k6_x: consecutive_beyond(rule, 6, 0); return;
      case ControlRule::k8_x: consecutive_beyond(rule, 8, 0); return;
      case ControlRule::k9_x: consecutive_beyond(rule, 9, 0); return;
      case ControlRule::k10_x: consecutive_beyond(rule, 10, 0); return;
      case ControlRule::k12_x: consecutive_beyond(rule, 12, 0); return;
      case ControlRule::k2of3_2s: two_of_three_beyond_two(rule); return;
    }
  }

  Point point(std::size_t run, std::size_t value) const {
    const ControlValue& control = runs_[run].values[value];
    return Point{run, value, (control.value - control.mean) / control.sd};
  }

  std::vector<Point> current_points() const {
    std::vector<Point> points;
    for (std::size_t v = 0; v < runs_[current_].values.size(); ++v) {
      points.push_back(point(current_, v));
    }
    return points;
  }

  // The last `count` values of the level of current value `value`, ending with it, oldest first;
  // fewer when the history is shorter.
  std::vector<Point> level_window(std::size_t value, std::size_t count) const {
    const std::string& level = runs_[current_].values[value].level;
    std::vector<Point> window{point(current_, value)};
    for (std::size_t run = current_; run-- > 0 && window.size() < count;) {
      const std::vector<ControlValue>& values = runs_[run].values;
      for (std::size_t v = 0; v < values.size(); ++v) {
        if (values[v].level == level) {
          window.push_back(point(run, v));
          break;
        }
      }
    }
    std::reverse(window.begin(), window.end());
    return window;
  }

  // The last `count` values of every level in the order measured, ending with the current run's
  // last value, oldest first.
  std::vector<Point> measured_window(std::size_t count) const {
    std::vector<Point> window;
    for (std::size_t run = current_ + 1; run-- > 0 && window.size() < count;) {
      for (std::size_t v = runs_[run].values.size(); v-- > 0 && window.size() < count;) {
        window.push_back(point(run, v));
      }
    }
    std::reverse(window.begin(), window.end());
    return window;
  }

  bool only_current(const std::vector<Point>& points) const {
    return std::all_of(points.begin(), points.end(),
                       [&](const Point& p) { return p.run == current_; });
  }

  void add(ControlRule rule, RuleScope scope, const std::vector<Point>& points) {
    for (const Violation& earlier : violations_) {
      if (earlier.rule != rule || earlier.values.size() != points.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < points.size() && same; ++i) {
        same = earlier.values[i].run == first_index_ + points[i].run &&
               earlier.values[i].level == runs_[points[i].run].values[points[i].value].level;
      }
      if (same) return;  // the same values seen from another view
    }
    Violation violation{.rule = rule,
                        .action = action_of(rule),
                        .scope = scope,
                        .values = {},
                        .levels = {},
                        .runs = {}};
    for (const Point& p : points) {
      const ControlRun& run = runs_[p.run];
      const ControlValue& control = run.values[p.value];
      violation.values.push_back(InvolvedValue{.run = first_index_ + p.run,
                                               .run_id = run.id,
                                               .level = control.level,
                                               .value = control.value,
                                               .z = p.z});
      if (std::find(violation.levels.begin(), violation.levels.end(), control.level) ==
          violation.levels.end()) {
        violation.levels.push_back(control.level);
      }
      if (violation.runs.empty() || violation.runs.back() != run.id)
        violation.runs.push_back(run.id);
    }
    violations_.push_back(std::move(violation));
  }

  // 1-2s, 1-3s: each value of the run beyond the limit is a violation of its own.
  void each_beyond(ControlRule rule, double limit) {
    for (const Point& p : current_points()) {
      if (std::abs(p.z) > limit) add(rule, RuleScope::kWithinRun, {p});
    }
  }

  // 2-2s: two values beyond the same 2 SD limit, either two levels of this run or this run's
  // value of a level and the same level's value in the run before.
  void two_beyond_two(ControlRule rule) {
    const std::vector<Point> points = current_points();
    for (const Side side : kSides) {
      std::vector<Point> beyond_limit;
      for (const Point& p : points) {
        if (beyond(p.z, 2, side)) beyond_limit.push_back(p);
      }
      if (beyond_limit.size() >= 2) add(rule, RuleScope::kWithinRun, beyond_limit);
    }
    for (std::size_t v = 0; v < points.size(); ++v) {
      const std::vector<Point> window = level_window(v, 2);
      if (window.size() < 2) continue;
      for (const Side side : kSides) {
        if (beyond(window[0].z, 2, side) && beyond(window[1].z, 2, side)) {
          add(rule, RuleScope::kAcrossRuns, window);
        }
      }
    }
  }

  // R-4s: within the run only, one value above +2 SD and another below -2 SD.
  void range_beyond_four(ControlRule rule) {
    const std::vector<Point> points = current_points();
    const bool high = std::any_of(points.begin(), points.end(),
                                  [](const Point& p) { return beyond(p.z, 2, Side::kAbove); });
    const bool low = std::any_of(points.begin(), points.end(),
                                 [](const Point& p) { return beyond(p.z, 2, Side::kBelow); });
    if (!high || !low) return;
    std::vector<Point> involved;
    for (const Point& p : points) {
      if (std::abs(p.z) > 2) involved.push_back(p);
    }
    add(rule, RuleScope::kWithinRun, involved);
  }

  bool all_beyond(const std::vector<Point>& window, double limit, Side side) const {
    return std::all_of(window.begin(), window.end(),
                       [&](const Point& p) { return beyond(p.z, limit, side); });
  }

  // 4-1s, 3-1s (limit 1) and the n-x rules (limit 0: the same side of the mean): `count`
  // consecutive values of one level, then of all levels in the order measured.
  void consecutive_beyond(ControlRule rule, std::size_t count, double limit) {
    for (std::size_t v = 0; v < runs_[current_].values.size(); ++v) {
      const std::vector<Point> window = level_window(v, count);
      if (window.size() < count) continue;
      for (const Side side : kSides) {
        if (all_beyond(window, limit, side)) add(rule, RuleScope::kAcrossRuns, window);
      }
    }
    const std::vector<Point> window = measured_window(count);
    if (window.size() < count) return;
    for (const Side side : kSides) {
      if (all_beyond(window, limit, side)) {
        add(rule, only_current(window) ? RuleScope::kWithinRun : RuleScope::kAcrossRunsAndLevels,
            window);
      }
    }
  }

  // 2of3-2s: of the last three values (of one level, or of all levels in the order measured),
  // two beyond the same 2 SD limit, at least one of them from this run.
  void two_of_three_beyond_two(ControlRule rule) {
    std::vector<std::pair<RuleScope, std::vector<Point>>> windows;
    for (std::size_t v = 0; v < runs_[current_].values.size(); ++v) {
      windows.emplace_back(RuleScope::kAcrossRuns, level_window(v, 3));
    }
    std::vector<Point> measured = measured_window(3);
    const RuleScope measured_scope =
        only_current(measured) ? RuleScope::kWithinRun : RuleScope::kAcrossRunsAndLevels;
    windows.emplace_back(measured_scope, std::move(measured));
    for (const auto& [scope, window] : windows) {
      if (window.size() < 3) continue;
      for (const Side side : kSides) {
        std::vector<Point> beyond_limit;
        for (const Point& p : window) {
          if (beyond(p.z, 2, side)) beyond_limit.push_back(p);
        }
        if (beyond_limit.size() >= 2 &&
            !std::none_of(beyond_limit.begin(), beyond_limit.end(),
                          [&](const Point& p) { return p.run == current_; })) {
          add(rule, scope, beyond_limit);
        }
      }
    }
  }

  std::span<const ControlRun> runs_;
  std::size_t first_index_;
  std::size_t current_;
  std::vector<Violation> violations_;
};

std::size_t values_needed(ControlRule rule) {
  switch (rule) {
    case ControlRule::k1_2s:
    case ControlRule::k1_3s:
    case ControlRule::kR_4s: return 1;
    case ControlRule::k2_2s: return 2;
    case ControlRule::k2of3_2s:
    case ControlRule::k3_1s: return 3;
    case ControlRule::k4_1s: return 4;
    case ControlRule::k6_x: return 6;
    case ControlRule::k8_x: return 8;
    case ControlRule::k9_x: return 9;
    case ControlRule::k10_x: return 10;
    case ControlRule::k12_x: return 12;
  }
  return 12;
}

RunEvaluation judge_last(std::span<const ControlRun> runs, std::span<const ControlRule> rules,
                         std::size_t first_index) {
  const std::size_t needed = std::min(runs.size(), runs_needed(rules));
  const std::size_t skipped = runs.size() - needed;
  return RunJudge(runs.subspan(skipped), first_index + skipped).judge(rules);
}

}  // namespace

std::string_view status_name(RunStatus status) {
  switch (status) {
    case RunStatus::kAccept: return "accept";
    case RunStatus::kWarning: return "warning";
    case RunStatus::kReject: return "reject";
  }
  return "unknown";
}

std::string_view scope_name(RuleScope scope) {
  switch (scope) {
    case RuleScope::kWithinRun: return "within run";
    case RuleScope::kAcrossRuns: return "across runs";
    case RuleScope::kAcrossRunsAndLevels: return "across runs and levels";
  }
  return "unknown";
}

Result<void> check_run(const ControlRun& run) {
  const std::string where = "run " + run.id;
  if (run.values.empty()) return invalid_argument(where + " has no control values");
  std::set<std::string> levels;
  for (const ControlValue& control : run.values) {
    const std::string at = where + " level " + control.level;
    if (!levels.insert(control.level).second) {
      return invalid_argument(where + " has level " + control.level + " twice");
    }
    if (!std::isfinite(control.value)) return invalid_argument(at + ": the value is not a number");
    if (!std::isfinite(control.mean)) return invalid_argument(at + ": the mean is not a number");
    if (!std::isfinite(control.sd) || control.sd <= 0) {
      return invalid_argument(at + ": the SD must be a number greater than 0, not " +
                              core::number_text(control.sd));
    }
  }
  return ok();
}

RunEvaluation evaluate_last_run(std::span<const ControlRun> runs,
                                std::span<const ControlRule> rules) {
  return judge_last(runs, rules, 0);
}

Result<std::vector<RunEvaluation>> evaluate_runs(std::span<const ControlRun> runs,
                                                 std::span<const ControlRule> rules) {
  std::vector<RunEvaluation> evaluations;
  evaluations.reserve(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ALIQUOT_RETURN_IF_ERROR(check_run(runs[i]));
    evaluations.push_back(judge_last(runs.first(i + 1), rules, 0));
  }
  return evaluations;
}

std::size_t runs_needed(std::span<const ControlRule> rules) {
  std::size_t needed = 1;
  for (const ControlRule rule : rules) needed = std::max(needed, values_needed(rule));
  return needed;
}

}  // namespace aliquot::qc
