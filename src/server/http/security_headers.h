#pragma once

// The headers every API response carries, whatever the handler set: a Content-Type that names
// its charset (so that no browser guesses one), X-Content-Type-Options: nosniff (no MIME
// sniffing), Referrer-Policy: no-referrer (no URL with an accession number leaves in a Referer),
// and for /api/* Cache-Control: no-store, because those answers hold patient data that no
// browser or proxy may keep (OWASP Secure Headers Project; RFC 9111 section 5.2.2.5).

#include <string_view>

#include "server/http/message.h"

namespace aliquot::server::http {

// Adds the headers to `response` for a request to `path`, replacing any of the same names.
void apply_security_headers(std::string_view path, Response& response);

}  // namespace aliquot::server::http
