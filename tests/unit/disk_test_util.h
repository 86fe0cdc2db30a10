// disk_test_util.h -- temporary disk image files for the disk and
// virtio-blk unit tests.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace rvh::test {

// A directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/rvh-disk-XXXXXX";
    if (::mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The byte at `offset` of a test image: each sector is recognisable.
inline uint8_t image_byte(uint64_t offset) { return static_cast<uint8_t>(offset / 512 * 13 + offset % 512); }

inline void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// A file of `bytes` bytes with image_byte() contents.
inline std::string make_image(const TempDir& dir, const std::string& name, uint64_t bytes) {
  std::vector<uint8_t> data(bytes);
  for (uint64_t i = 0; i < bytes; ++i) data[i] = image_byte(i);
  const std::string path = dir.file(name);
  write_file(path, data);
  return path;
}

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<uint8_t> file_bytes(const std::string& path, uint64_t offset, uint64_t len) {
  const std::vector<uint8_t> all = read_file(path);
  if (offset >= all.size()) return {};
  return std::vector<uint8_t>(all.begin() + static_cast<long>(offset),
                              all.begin() + static_cast<long>(std::min<uint64_t>(all.size(), offset + len)));
}

}  // namespace rvh::test
