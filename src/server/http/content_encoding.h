#pragma once

// gzip content coding (RFC 9110 section 8.4.1.3; the format of RFC 1952) for answers large
// enough to be worth it: a patient's page of orders is a few hundred kilobytes of JSON that
// compresses about tenfold, and every browser asks for it (Accept-Encoding). zlib does the work.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "server/http/message.h"

namespace aliquot::server::http {

// Whether the request's Accept-Encoding admits gzip: named (or "*") with a q-value above 0
// (RFC 9110 section 12.5.3). No header: identity only.
bool accepts_gzip(const Request& request);

// `text` as a gzip member. zlib's fastest level: the answers are compressed while the client
// waits, and the fastest level already gets most of the gain on JSON.
std::string gzip(std::string_view text);

// The bytes a gzip member holds; InvalidArgument when `compressed` is not one.
Result<std::string> gunzip(std::string_view compressed);

// `response` with its body gzip-coded when the request admits gzip and the body is large enough
// to gain from it (`precompressed`, when given, is gzip(response.body) made earlier): sets
// Content-Encoding, and Vary: Accept-Encoding either way, since the answer depends on it.
void encode_for(const Request& request, Response& response,
                const std::string* precompressed = nullptr);

// Bodies smaller than this go as they are: the gzip header alone is 18 bytes, and a small answer
// fits in one packet anyway.
inline constexpr std::size_t kGzipMinimumBody = 1024;

}  // namespace aliquot::server::http
