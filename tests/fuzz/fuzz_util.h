// fuzz_util.h -- helpers shared by the libFuzzer targets in tests/fuzz.
//
// - ByteReader: little-endian fields from the front of the input, zero once
//   it runs out, so a seed is a plain record layout (and a short input is
//   still a valid one).
// - FUZZ_CHECK: a property that must hold; prints the reason and aborts, so
//   libFuzzer reports the input as a crash.
// - MemFile: a file holding the input, for APIs that take a path (the ELF
//   loader, --config, --dtb): an anonymous memfd named by /proc/self/fd/N,
//   rewritten for every input, no disk I/O and nothing left behind.
#ifndef RVH_TESTS_FUZZ_FUZZ_UTIL_H
#define RVH_TESTS_FUZZ_FUZZ_UTIL_H

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, ...)                                          \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: ", __FILE__, __LINE__); \
      std::fprintf(stderr, __VA_ARGS__);                               \
      std::fprintf(stderr, "\n");                                      \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

namespace rvh::fuzz {

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t remaining() const { return size_ - pos_; }
  bool empty() const { return pos_ >= size_; }
  uint64_t take(unsigned bytes) {
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i, ++pos_)
      if (pos_ < size_) v |= uint64_t{data_[pos_]} << (8 * i);
    if (pos_ > size_) pos_ = size_;
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint16_t u16() { return static_cast<uint16_t>(take(2)); }
  uint32_t u32() { return static_cast<uint32_t>(take(4)); }
  uint64_t u64() { return take(8); }
  // Up to n bytes (fewer at the end of the input).
  std::string bytes(size_t n) {
    if (n > remaining()) n = remaining();
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

class MemFile {
 public:
  MemFile() : fd_(memfd_create("rvh-fuzz-input", 0)) {
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  // Replaces the file's contents with the input.
  const std::string& write(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0 || (size && pwrite(fd_, data, size, 0) != static_cast<ssize_t>(size))) {
      std::perror("memfd write");
      std::abort();
    }
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace rvh::fuzz

#endif  // RVH_TESTS_FUZZ_FUZZ_UTIL_H
