#include "static_files.h"

#include <gtest/gtest.h>

#include <fstream>

namespace kenes::server {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("kenes-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    root_ = base_ / "web";
    fs::create_directories(root_ / "assets");
    write(root_ / "index.html", "<!doctype html>");
    write(root_ / "assets" / "app-1234.js", "console.log(1)");
    write(base_ / "secret.key", "top secret");
    fs::create_symlink(base_ / "secret.key", root_ / "leak.txt");
    root_ = fs::weakly_canonical(root_);
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  fs::path base_, root_;
};

TEST_F(StaticFilesTest, AnAssetIsServedWithItsMimeTypeAndAnEtag) {
  auto f = resolve_static_file(root_, "/assets/app-1234.js?v=1");
  ASSERT_EQ(f.kind, StaticFile::Kind::kFile);
  EXPECT_EQ(f.mime, "text/javascript; charset=utf-8");
  EXPECT_FALSE(f.etag.empty());
  EXPECT_TRUE(f.immutable);
}

TEST_F(StaticFilesTest, AppRoutesFallBackToIndexHtml) {
  for (const char* route : {"/", "/join", "/c/demo", "/c/demo/i/R.1.1"}) {
    auto f = resolve_static_file(root_, route);
    ASSERT_EQ(f.kind, StaticFile::Kind::kFile) << route;
    EXPECT_EQ(f.path.filename(), "index.html") << route;
    EXPECT_EQ(f.mime, "text/html; charset=utf-8");
  }
}

TEST_F(StaticFilesTest, AMissingAssetIsNotFoundRatherThanHtml) {
  EXPECT_EQ(resolve_static_file(root_, "/assets/gone.js").kind, StaticFile::Kind::kNotFound);
}

TEST_F(StaticFilesTest, TraversalAttemptsAreRefused) {
  for (const char* bad : {"/../secret.key", "/assets/../../secret.key", "/%2e%2e/secret.key", "/..%2fsecret.key",
                          "/assets%2f..%2f..%2fsecret.key", "/a\\..\\secret.key", "/%00", "relative", "/%zz"}) {
    auto f = resolve_static_file(root_, bad);
    EXPECT_NE(f.kind, StaticFile::Kind::kFile) << bad;
  }
}

TEST_F(StaticFilesTest, ASymlinkLeadingOutOfTheRootIsNotServed) {
  auto f = resolve_static_file(root_, "/leak.txt");
  EXPECT_NE(f.kind, StaticFile::Kind::kFile);
}

}  // namespace
}  // namespace kenes::server
