// Tests for platform/file_io's whole-file reading (FileBytes): every byte
// comes back from a large regular file (read into huge-page memory without
// growing) and from a pipe, whose size stat() does not tell, so the buffer
// grows while reading; and a missing file gives its reason.
#include "platform/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

namespace rvh {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "rvh_fio_" + std::to_string(::getpid()) + "_" + name;
}

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + (i >> 12)) & 0xff);
  return v;
}

TEST(ReadWholeFile, ReadsEveryByteOfAFileOfSeveralMegabytes) {
  const std::string path = temp_path("big");
  const std::vector<uint8_t> want = pattern((size_t{5} << 20) + 123);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(want.data()), static_cast<std::streamsize>(want.size()));
  }
  FileBytes got;
  std::string error;
  ASSERT_TRUE(read_whole_file(path, got, error)) << error;
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size()));
  std::vector<uint8_t> as_vector;
  ASSERT_TRUE(read_whole_file(path, as_vector, error)) << error;
  EXPECT_TRUE(as_vector == want);
  std::remove(path.c_str());
}

TEST(ReadWholeFile, ReadsAPipeLongerThanItsFirstBuffer) {
  const std::string path = temp_path("fifo");
  ASSERT_EQ(0, ::mkfifo(path.c_str(), 0600));
  const std::vector<uint8_t> want = pattern(3 << 20);  // the first buffer holds 64 KiB
  std::thread writer([&] {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(want.data()), static_cast<std::streamsize>(want.size()));
  });
  FileBytes got;
  std::string error;
  const bool ok = read_whole_file(path, got, error);
  writer.join();
  ASSERT_TRUE(ok) << error;
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size()));
  FileBytes moved = std::move(got);
  EXPECT_EQ(moved.size(), want.size());
  EXPECT_TRUE(got.empty());
  std::remove(path.c_str());
}

TEST(ReadWholeFile, AnEmptyFileAndAMissingOne) {
  const std::string path = temp_path("empty");
  { std::ofstream out(path); }
  FileBytes got;
  std::string error;
  ASSERT_TRUE(read_whole_file(path, got, error)) << error;
  EXPECT_TRUE(got.empty());
  std::remove(path.c_str());
  EXPECT_FALSE(read_whole_file(path, got, error));
  EXPECT_EQ(error, "no such file");
}

}  // namespace
}  // namespace rvh
