// hyp/disk_image.h: a host file behind a virtio-blk disk (--disk PATH[,ro]),
// a raw image of 512-byte sectors. The file is opened as it is: never
// created, truncated or renamed. A run locks it (flock: exclusive for a
// writable disk, shared for a read-only one) so that two runs cannot write
// the same image.
//
// Write-back: the guest's writes go into an in-memory overlay of dirty
// sectors (reads see it) and reach the file only at flush(): the guest's
// FLUSH request, the VM's shutdown, or the destructor. The file therefore
// holds what the guest had written at its last flush, or everything it wrote
// when the run ended; the file system on it is never seen half-written by
// the guest's own ordering (a volatile write cache, virtio 1.2 §5.2.6.2).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rvh::hyp {

class DiskImage {
 public:
  static constexpr uint64_t kSectorBytes = 512;

  // Opens and locks PATH. Throws std::runtime_error with one line naming the
  // disk and the fix ("disk PATH: ...") if it cannot be used: missing or
  // unreadable, a directory, not writable (without ro), empty or not a
  // multiple of 512 bytes, or locked by another process.
  DiskImage(const std::string& path, bool read_only);
  // Flushes what is dirty (a failure is printed on stderr), then unlocks.
  ~DiskImage();
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  uint64_t sectors() const { return sectors_; }

  // Whole sectors [sector, sector + count), which the caller has checked to
  // be within sectors(). read() sees the unflushed writes. Throws
  // std::runtime_error for a host I/O error; write() on a read-only image
  // throws std::logic_error.
  void read(uint64_t sector, uint8_t* data, uint64_t count);
  void write(uint64_t sector, const uint8_t* data, uint64_t count);
  // Writes the dirty sectors to the file (pwrite, in ascending sector
  // order) and fdatasync()s it. Throws std::runtime_error on a host error;
  // the sectors then stay dirty.
  void flush();

  uint64_t dirty_sectors() const { return dirty_.size(); }

  struct Counters {
    uint64_t bytes_read = 0;       // by the guest (read())
    uint64_t bytes_written = 0;    // by the guest (write())
    uint64_t bytes_flushed = 0;    // written to the file
    uint64_t flushes = 0;          // flush() calls (one with nothing dirty syncs nothing)
    uint64_t dirty_peak_bytes = 0;  // most unflushed data held at once
  };
  const Counters& counters() const { return counters_; }
  nlohmann::json stats_json() const;

 private:
  using Sector = std::vector<uint8_t>;  // kSectorBytes bytes
  std::string path_;
  bool read_only_;
  int fd_ = -1;
  uint64_t sectors_ = 0;
  std::map<uint64_t, Sector> dirty_;  // ordered: flush writes in ascending order
  Counters counters_;

  void pwrite_all(const uint8_t* data, uint64_t bytes, uint64_t offset);
};

}  // namespace rvh::hyp
