#pragma once

// A lab-data file (catalog, autoverification rules, QC policy; TOML) sent in a request body, and
// the answer of a route that checks one: the engine and lab-configuration routes share them.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "server/http/message.h"

namespace aliquot::server::api {

struct LabFileBody {
  std::string text;  // the TOML
  std::string name;  // how diagnostics and the stored version name the file
};

// The file from a text/plain body (the whole body is the TOML), or from a JSON object
// {"toml": "...", "name"?: "..."}; `default_name` when no name is given. InvalidArgument when the
// body is empty, or "field 'toml': required, a string".
Result<LabFileBody> lab_file_body(const http::Request& request, const std::string& default_name);

// A checked file's diagnostics as JSON: [{file, line, column, message}, ...], the form of the
// command line's `check --json`.
nlohmann::json diagnostics_json(const std::vector<Error>& diagnostics);

// The answer of a check route: 200 with `check` when the file has no problems; otherwise 400
// with `check` (its "diagnostics" each at file:line:column) and the API's error members:
// "error" lists every problem as "NAME has N problems:" then "file:line:column: message" lines,
// "code" is "invalid_argument".
http::Response check_answer(nlohmann::json check, const std::string& name,
                            const std::vector<Error>& diagnostics);

}  // namespace aliquot::server::api
