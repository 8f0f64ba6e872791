#pragma once

// Small text helpers that error messages across the modules share.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aliquot::core {

// Levenshtein distance (insertions, deletions and substitutions of one byte each): how far a
// misspelt key is from a known one, to suggest "did you mean ...?".
std::size_t edit_distance(std::string_view a, std::string_view b);

enum class LetterCase { kMatters, kIgnored };
// The candidate nearest to `word` within two edits (and fewer edits than the candidate has
// letters), the first of equally near ones; empty when none is that near. The "did you mean" of
// an unknown key or code.
std::string nearest_spelling(std::string_view word, const std::vector<std::string>& candidates,
                             LetterCase letter_case);

// At most `limit` bytes of `bytes` for an error message: printable ASCII kept, any other byte as
// '.', and "..." when there was more. Received data is quoted this way so that a diagnostic never
// carries control characters to a terminal or a log.
std::string printable_excerpt(std::string_view bytes, std::size_t limit);

// 'text', as error messages quote names, codes and values.
std::string in_quotes(std::string_view text);

// "a", "a and b", "a, b and c" with `last_word` "and"; "a, b or c" with "or": a list as a
// sentence says it.
std::string join_as_sentence(const std::vector<std::string>& items, std::string_view last_word);

// "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// The shortest text that reads back as the same double ("3.5", "145", "0.1"): limits and
// inputs shown as the lab wrote them. "NaN", "inf" and "-inf" for the values that are not finite.
std::string number_text(double value);

// ASCII letter case only: codes, keys and flags are ASCII, and a locale must not change them.
std::string ascii_upper(std::string_view text);
std::string ascii_lower(std::string_view text);
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace aliquot::core
