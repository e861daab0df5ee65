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
    write(root_ / "assets" / "app-0123abcd.js", "console.log(1)");
    write(root_ / "assets" / "app.js", "console.log(0)");
    write(root_ / "sw.js", "self.addEventListener('fetch', () => {})");
    write(base_ / "secret.key", "top secret");
    fs::create_symlink(base_ / "secret.key", root_ / "leak.txt");
    root_ = fs::weakly_canonical(root_);
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  fs::path base_, root_;
};

TEST_F(StaticFilesTest, AnAssetIsServedWithItsMimeTypeAndAnEtag) {
  auto f = resolve_static_file(root_, "/assets/app-0123abcd.js?v=1");
  ASSERT_EQ(f.kind, StaticFile::Kind::kFile);
  EXPECT_EQ(f.mime, "text/javascript; charset=utf-8");
  EXPECT_FALSE(f.etag.empty());
  EXPECT_TRUE(f.immutable);
}

// A year-long cache on a name whose content can change would keep a fixed
// client from a returning browser for that year (issue 17, item 6).
TEST_F(StaticFilesTest, OnlyContentHashedNamesAreImmutable) {
  EXPECT_TRUE(resolve_static_file(root_, "/assets/app-0123abcd.js").immutable);
  for (const char* target : {"/assets/app.js", "/sw.js", "/", "/index.html", "/join"}) {
    auto f = resolve_static_file(root_, target);
    ASSERT_EQ(f.kind, StaticFile::Kind::kFile) << target;
    EXPECT_FALSE(f.immutable) << target;
  }
}

TEST(HashedAssetNames, AHashIsEightOrMoreHexDigitsBeforeTheFirstDot) {
  for (const char* hashed : {"/assets/app-0123abcd.js", "/assets/app-0123abcd.js.map", "/assets/app-0123abcd.js.br",
                             "/assets/app-0123abcd.js.map.gz", "/assets/styles-9f8e7d6c5b4a.css",
                             "/assets/vendor-lib-deadbeef00.js", "/assets/fonts/inter-00ff00ff.woff2"}) {
    EXPECT_TRUE(is_hashed_asset(hashed)) << hashed;
  }
  for (const char* plain : {"/assets/app.js", "/assets/app.js.br", "/assets/styles.css", "/assets/app-1234.js",
                            "/assets/app-0123abc.js", "/assets/app-0123ABCD.js", "/assets/app-0123abcg.js",
                            "/assets/-0123abcd.js", "/assets/0123abcd.js", "/assets/app-0123abcd",
                            "/assets/app-0123abcd.", "/assets/jquery-3.7.1.js", "/assets/app.min-0123abcd.js",
                            "/app-0123abcd.js", "/sw.js", "/index.html", "/", "/assets/", "/assets/app-0123abcd.js/"}) {
    EXPECT_FALSE(is_hashed_asset(plain)) << plain;
  }
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

TEST(AcceptEncoding, QValuesAreHonouredAndZeroMeansNo) {
  EXPECT_EQ(accepted_quality("gzip, deflate, br", "br"), 1.0);
  EXPECT_EQ(accepted_quality("gzip, deflate, br", "gzip"), 1.0);
  EXPECT_EQ(accepted_quality("gzip;q=0.5, br;q=0.8", "gzip"), 0.5);
  EXPECT_EQ(accepted_quality("GZIP ; Q=0.5", "gzip"), 0.5);
  EXPECT_EQ(accepted_quality("br;q=0, gzip", "br"), 0.0);
  EXPECT_EQ(accepted_quality("br;q=0.000", "br"), 0.0);
  EXPECT_EQ(accepted_quality("x-gzip", "gzip"), 1.0);
  EXPECT_EQ(accepted_quality("*", "br"), 1.0);
  EXPECT_EQ(accepted_quality("*;q=0.3, br;q=0", "br"), 0.0);
  EXPECT_EQ(accepted_quality("*;q=0.3, br;q=0", "gzip"), 0.3);
  EXPECT_EQ(accepted_quality("", "gzip"), 0.0);
  EXPECT_EQ(accepted_quality("identity", "gzip"), 0.0);
  EXPECT_EQ(accepted_quality("gzip;q=high", "gzip"), 0.0);
  EXPECT_EQ(accepted_quality("gzip;q=2", "gzip"), 0.0);
}

class PrecompressedTest : public StaticFilesTest {
 protected:
  void SetUp() override {
    StaticFilesTest::SetUp();
    write(root_ / "assets" / "app-0123abcd.js.gz", "gz");
    write(root_ / "assets" / "app-0123abcd.js.br", "b");
  }
  StaticFile get(std::string_view target, std::string_view accept) {
    return choose_encoding(root_, resolve_static_file(root_, target), accept);
  }
};

TEST_F(PrecompressedTest, BrotliIsPreferredThenGzipThenThePlainFile) {
  auto br = get("/assets/app-0123abcd.js", "gzip, deflate, br");
  EXPECT_EQ(br.encoding, "br");
  EXPECT_EQ(br.path.filename(), "app-0123abcd.js.br");
  EXPECT_EQ(br.size, 1u);
  EXPECT_EQ(br.mime, "text/javascript; charset=utf-8");
  EXPECT_TRUE(br.vary);
  EXPECT_TRUE(br.immutable);
  EXPECT_TRUE(resolve_static_file(root_, "/assets/app-0123abcd.js.br").immutable);

  auto gz = get("/assets/app-0123abcd.js", "gzip");
  EXPECT_EQ(gz.encoding, "gzip");
  EXPECT_EQ(gz.size, 2u);
  EXPECT_EQ(get("/assets/app-0123abcd.js", "br;q=0.5, gzip").encoding, "gzip");
  EXPECT_EQ(get("/assets/app-0123abcd.js", "br;q=0, gzip;q=0.1").encoding, "gzip");

  auto plain = get("/assets/app-0123abcd.js", "");
  EXPECT_EQ(plain.encoding, "");
  EXPECT_EQ(plain.path.filename(), "app-0123abcd.js");
  EXPECT_EQ(plain.size, 14u);
  EXPECT_TRUE(plain.vary);  // the answer still depended on the header
  EXPECT_EQ(get("/assets/app-0123abcd.js", "br;q=0, gzip;q=0").encoding, "");
  EXPECT_EQ(get("/assets/app-0123abcd.js", "identity").encoding, "");
}

TEST_F(PrecompressedTest, EachVariantHasItsOwnEtag) {
  auto br = get("/assets/app-0123abcd.js", "br");
  auto gz = get("/assets/app-0123abcd.js", "gzip");
  auto plain = get("/assets/app-0123abcd.js", "");
  EXPECT_NE(br.etag, gz.etag);
  EXPECT_NE(br.etag, plain.etag);
  EXPECT_NE(gz.etag, plain.etag);
  EXPECT_EQ(br.etag.front(), '"');
  EXPECT_EQ(br.etag.back(), '"');
}

TEST_F(PrecompressedTest, AFileWithoutVariantsIsPlainWithoutVary) {
  auto f = get("/", "gzip, br");
  EXPECT_EQ(f.path.filename(), "index.html");
  EXPECT_EQ(f.encoding, "");
  EXPECT_FALSE(f.vary);
}

TEST_F(PrecompressedTest, AVariantOlderThanThePlainFileIsStaleAndIgnored) {
  const auto plain_time = fs::last_write_time(root_ / "assets" / "app-0123abcd.js");
  fs::last_write_time(root_ / "assets" / "app-0123abcd.js.br", plain_time - std::chrono::seconds(10));
  EXPECT_EQ(get("/assets/app-0123abcd.js", "br, gzip").encoding, "gzip");
}

TEST_F(PrecompressedTest, AVariantLeadingOutOfTheRootIsIgnored) {
  fs::remove(root_ / "assets" / "app-0123abcd.js.br");
  fs::remove(root_ / "assets" / "app-0123abcd.js.gz");
  fs::create_symlink(base_ / "secret.key", root_ / "assets" / "app-0123abcd.js.gz");
  auto f = get("/assets/app-0123abcd.js", "gzip");
  EXPECT_EQ(f.encoding, "");
  EXPECT_EQ(f.path.filename(), "app-0123abcd.js");
}

}  // namespace
}  // namespace kenes::server
