#include "server/http/content_encoding.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace aliquot::server::http {
namespace {

// 16 added to the window bits asks zlib for the gzip wrapper instead of zlib's own.
constexpr int kGzipWindowBits = 15 + 16;

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The q-value of one Accept-Encoding element ("gzip;q=0.5"): 1 when absent.
double quality_of(std::string_view parameters) {
  while (!parameters.empty()) {
    const std::size_t semicolon = parameters.find(';');
    const std::string_view parameter = trimmed(parameters.substr(0, semicolon));
    if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
        parameter[1] == '=') {
      return std::strtod(std::string(parameter.substr(2)).c_str(), nullptr);
    }
    if (semicolon == std::string_view::npos) break;
    parameters.remove_prefix(semicolon + 1);
  }
  return 1;
}

}  // namespace

bool accepts_gzip(const Request& request) {
  const std::optional<std::string> header = request.header("accept-encoding");
  if (!header) return false;
  std::string_view elements = *header;
  std::optional<double> gzip_quality;
  std::optional<double> any_quality;
  while (!elements.empty()) {
    const std::size_t comma = elements.find(',');
    const std::string_view element = elements.substr(0, comma);
    const std::size_t semicolon = element.find(';');
    const std::string_view coding = trimmed(element.substr(0, semicolon));
    const double quality =
        semicolon == std::string_view::npos ? 1 : quality_of(element.substr(semicolon + 1));
    if (same_ignoring_case(coding, "gzip") || same_ignoring_case(coding, "x-gzip")) {
      gzip_quality = quality;
    } else if (coding == "*") {
      any_quality = quality;
    }
    if (comma == std::string_view::npos) break;
    elements.remove_prefix(comma + 1);
  }
  if (gzip_quality) return *gzip_quality > 0;
  return any_quality && *any_quality > 0;
}

std::string gzip(std::string_view text) {
  z_stream stream{};
  // Only a failed allocation makes these fail; there is nothing sensible to answer but the text
  // uncompressed, which encode_for() does when given an empty string.
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) return {};
  return out;
}

Result<std::string> gunzip(std::string_view compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return Error(ErrorCode::kInternal, "gunzip: zlib could not start");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[16384];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) {
    return invalid_argument("gunzip: not a complete gzip member (zlib status " +
                            std::to_string(status) + ")");
  }
  return out;
}

void encode_for(const Request& request, Response& response, const std::string* precompressed) {
  if (response.body.size() < kGzipMinimumBody) return;
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (!accepts_gzip(request)) return;
  std::string coded = precompressed != nullptr ? *precompressed : gzip(response.body);
  if (coded.empty() || coded.size() >= response.body.size()) return;
  response.body = std::move(coded);
  response.headers.emplace_back("Content-Encoding", "gzip");
}

}  // namespace aliquot::server::http
