#include "server/http/static_files.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace aliquot::server::http {
namespace {

struct StaticFile {
  std::string content_type;
  std::string body;
};

using Files = std::map<std::string, StaticFile, std::less<>>;

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Result<void> load_folder(const std::filesystem::path& folder, Files& files) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    ALIQUOT_ASSIGN_OR_RETURN(std::string body, read_file(entry.path()));
    files.emplace(name, StaticFile{content_type_for(name), std::move(body)});
  }
  if (error) return not_found("cannot list " + folder.string() + ": " + error.message());
  return ok();
}

Response file_response(const StaticFile& file, const char* cache_control) {
  Response response;
  response.status = 200;
  response.content_type = file.content_type;
  response.body = file.body;
  response.headers.emplace_back("Cache-Control", cache_control);
  if (file.content_type.starts_with("text/html")) {
    response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    response.headers.emplace_back("X-Frame-Options", "DENY");
  }
  return response;
}

Handler serve_from(std::shared_ptr<const Files> files, const char* cache_control) {
  return [files, cache_control](const Request& request) {
    const auto found = files->find(request.path_params.at("file"));
    if (found == files->end()) {
      return json_error(404, "no file " + request.path, "not_found");
    }
    return file_response(found->second, cache_control);
  };
}

}  // namespace

std::string content_type_for(std::string_view file_name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const std::size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    const auto found = kTypes.find(file_name.substr(dot));
    if (found != kTypes.end()) return found->second;
  }
  return "application/octet-stream";
}

Result<void> add_static_routes(Router& router, const std::string& directory) {
  const std::filesystem::path root(directory);
  if (!std::filesystem::is_regular_file(root / "index.html")) {
    return not_found("the web UI is not built: " + (root / "index.html").string() +
                     " is missing (run `make web`)");
  }
  auto top = std::make_shared<Files>();
  ALIQUOT_RETURN_IF_ERROR(load_folder(root, *top));
  auto assets = std::make_shared<Files>();
  if (std::filesystem::is_directory(root / "assets")) {
    ALIQUOT_RETURN_IF_ERROR(load_folder(root / "assets", *assets));
  }
  const StaticFile index = top->at("index.html");
  ALIQUOT_RETURN_IF_ERROR(router.add(
      Method::kGet, "/", [index](const Request&) { return file_response(index, "no-cache"); },
      Access::kPublic));
  ALIQUOT_RETURN_IF_ERROR(router.add(Method::kGet, "/assets/{file}",
                                     serve_from(assets, "public, max-age=31536000, immutable"),
                                     Access::kPublic));
  return router.add(Method::kGet, "/{file}", serve_from(top, "no-cache"), Access::kPublic);
}

}  // namespace aliquot::server::http
