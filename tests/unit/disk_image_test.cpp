// disk_image_test.cpp -- hyp::DiskImage: the one-line errors for images that
// cannot be used, the lock between two users of an image, and write-back
// (the file changes only at flush(), in full sectors, never in size).
#include "hyp/disk_image.h"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/unit/disk_test_util.h"
#include "tests/unit/gtest_sc_main.h"

namespace rvh::hyp {
namespace {

using test::file_bytes;
using test::image_byte;
using test::make_image;
using test::read_file;
using test::TempDir;

// The message DiskImage(path, ro) throws, or "" if it opens.
std::string open_error(const std::string& path, bool read_only) {
  try {
    DiskImage image(path, read_only);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(DiskImage, OpensAnImageOfWholeSectors) {
  TempDir dir;
  const std::string path = make_image(dir, "disk.img", 8 * 512);
  DiskImage image(path, false);
  EXPECT_EQ(image.sectors(), 8u);
  EXPECT_EQ(image.path(), path);
  EXPECT_FALSE(image.read_only());
  std::vector<uint8_t> data(2 * 512);
  image.read(3, data.data(), 2);
  for (size_t i = 0; i < data.size(); ++i) ASSERT_EQ(data[i], image_byte(3 * 512 + i)) << i;
  EXPECT_EQ(image.counters().bytes_read, 1024u);
}

TEST(DiskImage, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("nope.img");
  EXPECT_EQ(open_error(path, false),
            "disk " + path + ": no such file (give an existing raw disk image; rvh-vp never creates one)");
  EXPECT_EQ(open_error(path, true),
            "disk " + path + ": no such file (give an existing raw disk image; rvh-vp never creates one)");
  EXPECT_FALSE(std::filesystem::exists(path));  // never created
}

TEST(DiskImage, Directory) {
  TempDir dir;
  EXPECT_EQ(open_error(dir.path(), false), "disk " + dir.path() + " is a directory, not a disk image file");
  EXPECT_EQ(open_error(dir.path(), true), "disk " + dir.path() + " is a directory, not a disk image file");
}

TEST(DiskImage, EmptyFile) {
  TempDir dir;
  const std::string path = make_image(dir, "empty.img", 0);
  EXPECT_EQ(open_error(path, false),
            "disk " + path + ": size 0 bytes (an empty file); a disk image holds at least one 512-byte sector");
}

TEST(DiskImage, SizeNotAMultipleOf512) {
  TempDir dir;
  const std::string path = make_image(dir, "odd.img", 1000);
  EXPECT_EQ(open_error(path, false), "disk " + path + ": size 1000 bytes is not a multiple of 512");
  EXPECT_EQ(open_error(path, true), "disk " + path + ": size 1000 bytes is not a multiple of 512");
  EXPECT_EQ(read_file(path).size(), 1000u);  // untouched
}

TEST(DiskImage, NotAccessible) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads and writes any file";
  TempDir dir;
  const std::string unreadable = make_image(dir, "unreadable.img", 512);
  ::chmod(unreadable.c_str(), 0);
  EXPECT_EQ(open_error(unreadable, true), "disk " + unreadable + " cannot be read: Permission denied");
  EXPECT_EQ(open_error(unreadable, false), "disk " + unreadable + " cannot be read: Permission denied");
  const std::string readonly = make_image(dir, "readonly.img", 512);
  ::chmod(readonly.c_str(), 0444);
  EXPECT_EQ(open_error(readonly, false),
            "disk " + readonly + " is not writable (Permission denied); add ,ro to attach it read-only");
  EXPECT_EQ(open_error(readonly, true), "");
}

TEST(DiskImage, AWritableImageIsLockedAgainstAnyOtherUser) {
  TempDir dir;
  const std::string path = make_image(dir, "disk.img", 4 * 512);
  const std::string in_use =
      "disk " + path + " is in use by another process (another run, or the same image given twice)";
  {
    DiskImage first(path, false);
    EXPECT_EQ(open_error(path, false), in_use);
    EXPECT_EQ(open_error(path, true), in_use);
  }
  EXPECT_EQ(open_error(path, false), "");  // the lock went with the image
  {
    DiskImage reader(path, true);
    EXPECT_EQ(open_error(path, true), "");  // readers share
    EXPECT_EQ(open_error(path, false), in_use);
  }
}

TEST(DiskImage, WritesStayInMemoryUntilFlush) {
  TempDir dir;
  const std::string path = make_image(dir, "disk.img", 16 * 512);
  const std::vector<uint8_t> before = read_file(path);
  DiskImage image(path, false);
  std::vector<uint8_t> data(3 * 512);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(0xa0 + i % 7);
  image.write(9, data.data(), 3);
  std::vector<uint8_t> one(512, 0x5a);
  image.write(2, one.data(), 1);
  EXPECT_EQ(image.dirty_sectors(), 4u);
  EXPECT_EQ(read_file(path), before);  // nothing reached the file

  // Reads see the unflushed writes, and the file around them.
  std::vector<uint8_t> got(5 * 512);
  image.read(8, got.data(), 5);
  for (size_t i = 0; i < 512; ++i) ASSERT_EQ(got[i], image_byte(8 * 512 + i));
  for (size_t i = 0; i < data.size(); ++i) ASSERT_EQ(got[512 + i], data[i]);
  for (size_t i = 0; i < 512; ++i) ASSERT_EQ(got[4 * 512 + i], image_byte(12 * 512 + i));

  image.flush();
  EXPECT_EQ(image.dirty_sectors(), 0u);
  std::vector<uint8_t> expected = before;
  std::copy(data.begin(), data.end(), expected.begin() + 9 * 512);
  std::copy(one.begin(), one.end(), expected.begin() + 2 * 512);
  EXPECT_EQ(read_file(path), expected);
  EXPECT_EQ(image.counters().bytes_written, 4u * 512);
  EXPECT_EQ(image.counters().bytes_flushed, 4u * 512);
  EXPECT_EQ(image.counters().flushes, 1u);
  EXPECT_EQ(image.counters().dirty_peak_bytes, 4u * 512);
}

TEST(DiskImage, RewritingASectorKeepsOneDirtyCopy) {
  TempDir dir;
  const std::string path = make_image(dir, "disk.img", 4 * 512);
  DiskImage image(path, false);
  std::vector<uint8_t> a(512, 1), b(512, 2);
  image.write(1, a.data(), 1);
  image.write(1, b.data(), 1);
  EXPECT_EQ(image.dirty_sectors(), 1u);
  image.flush();
  EXPECT_EQ(file_bytes(path, 512, 512), b);
}

TEST(DiskImage, DestructorFlushesAndNeverChangesTheSize) {
  TempDir dir;
  const std::string path = make_image(dir, "disk.img", 4 * 512);
  std::vector<uint8_t> data(512, 0xee);
  {
    DiskImage image(path, false);
    image.write(3, data.data(), 1);  // the last sector
    EXPECT_NE(file_bytes(path, 3 * 512, 512), data);
  }
  EXPECT_EQ(file_bytes(path, 3 * 512, 512), data);
  EXPECT_EQ(read_file(path).size(), 4u * 512);
}

TEST(DiskImage, ReadOnlyImageRefusesWrites) {
  TempDir dir;
  const std::string path = make_image(dir, "disk.img", 2 * 512);
  const std::vector<uint8_t> before = read_file(path);
  {
    DiskImage image(path, true);
    EXPECT_TRUE(image.read_only());
    std::vector<uint8_t> data(512, 0);
    EXPECT_THROW(image.write(0, data.data(), 1), std::logic_error);
    image.flush();
  }
  EXPECT_EQ(read_file(path), before);
}

}  // namespace
}  // namespace rvh::hyp
