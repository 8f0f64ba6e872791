#include "server/http/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_directory.h"

namespace aliquot::server::http {
namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

Response get(const Router& router, const std::string& target) {
  Request request;
  request.method = Method::kGet;
  request.target = target;
  EXPECT_TRUE(parse_target(target, request));
  return router.dispatch(request, no_user()).response;
}

TEST(StaticFiles, ServesTheUiWithoutAUserAndWithItsPolicy) {
  test_support::TempDirectory dir("aliquot-web");
  write(std::filesystem::path(dir.path()) / "index.html", "<!doctype html><title>aliquot</title>");
  write(std::filesystem::path(dir.path()) / "favicon.svg", "<svg/>");
  write(std::filesystem::path(dir.path()) / "assets" / "index-abc123.js", "console.log(1)");
  Router router;
  ASSERT_TRUE(add_static_routes(router, dir.path()).has_value());

  const Response index = get(router, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>aliquot</title>");
  EXPECT_EQ(find_header(index.headers, "Content-Security-Policy"), kContentSecurityPolicy);
  EXPECT_EQ(find_header(index.headers, "Cache-Control"), "no-cache");

  const Response script = get(router, "/assets/index-abc123.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(find_header(script.headers, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get(router, "/favicon.svg").content_type, "image/svg+xml");
  EXPECT_EQ(get(router, "/assets/missing.js").status, 404);
  // Only what was in the folder: no way out of it.
  EXPECT_EQ(get(router, "/assets/..%2Findex.html").status, 404);
  EXPECT_EQ(get(router, "/..%2F..%2Fetc%2Fpasswd").status, 404);
}

TEST(StaticFiles, SaysHowToBuildTheUiWhenItIsMissing) {
  test_support::TempDirectory dir("aliquot-web");
  Router router;
  const Result<void> refused = add_static_routes(router, dir.path());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(
      refused.error().message(),
      "the web UI is not built: " + (std::filesystem::path(dir.path()) / "index.html").string() +
          " is missing (run `make web`)");
}

}  // namespace
}  // namespace aliquot::server::http
