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

// "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace aliquot::core
