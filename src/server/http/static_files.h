#pragma once

// The web UI's files (web/dist, built by Vite) served by the same process as the API, so that
// the browser talks to one origin and the session cookie can be SameSite=Strict. Public routes:
// the files hold no patient data, and the log-in page must load before anyone is signed in.
//   GET /              index.html (Cache-Control: no-cache, so a new build is picked up)
//   GET /assets/{file} the bundles, whose names carry a content hash (cached for a year)
//   GET /{file}        other files at the top of the folder (favicon.svg, ...)
// Files are read once, when the routes are added: a running server serves the build it started
// with, and a request never touches the disk.

#include <string>

#include "core/error.h"
#include "server/http/router.h"

namespace aliquot::server::http {

// Adds the routes for the files under `directory`. NotFound when it has no index.html
// (the UI was not built: `make web`).
Result<void> add_static_routes(Router& router, const std::string& directory);

// The Content-Type for a file name's extension; application/octet-stream when unknown.
std::string content_type_for(std::string_view file_name);

// The Content-Security-Policy of the UI's pages: only this origin's scripts, styles, images
// and connections, never in a frame (clickjacking).
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

}  // namespace aliquot::server::http
