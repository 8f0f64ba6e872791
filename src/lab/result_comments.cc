#include "lab/result_comments.h"

#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

// Why `text` cannot be a comment; ok when it can.
Result<void> check_comment_text(const std::string& text, const std::string& on) {
  if (text.empty()) return invalid_argument("a comment on " + on + " needs text");
  if (text.size() > kMaxCommentLength) {
    return invalid_argument("the comment on " + on + " has " + std::to_string(text.size()) +
                            " bytes; at most " + std::to_string(kMaxCommentLength) +
                            " fit on a report");
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7f) {
      return invalid_argument("the comment on " + on + " has a control character (byte " +
                              std::to_string(byte) + ") at position " + std::to_string(i + 1));
    }
  }
  return ok();
}

}  // namespace

Result<core::ResultComment> comment_result(store::Transaction& tx, const Context& ctx,
                                           const CommentResult& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kEnterResult));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(
      const LocatedResult at,
      locate_result(tx, command.accession_number, canonical_test_code(ctx, command.test_code)));
  const std::string on = result_name(at);
  const std::string text = trimmed(command.text);
  ALIQUOT_RETURN_IF_ERROR(check_comment_text(text, on));
  ALIQUOT_RETURN_IF_ERROR(refuse_cancelled(at));
  if (command.on_report && core::is_released(at.result.status)) {
    return failed_precondition(on +
                               " is released and its report sent: a comment for the report is "
                               "added before release; a comment kept in the lab can still be "
                               "added");
  }

  core::ResultComment comment;
  comment.result_id = at.result.id;
  comment.text = text;
  comment.on_report = command.on_report;
  comment.written_at = now;
  comment.written_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(comment, tx.insert_result_comment(comment));

  audit::Change change = result_change("result.comment", at);
  change.after = audit_image(comment);
  change.reason = command.on_report ? "comment for the report" : "comment kept in the lab";
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return comment;
}

}  // namespace aliquot::lab
