// hyp/disk_image.cpp: opening, locking, reading and write-back of a raw
// disk image (hyp/disk_image.h).
#include "hyp/disk_image.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace rvh::hyp {
namespace {

constexpr uint64_t kFlushRunBytes = 1 << 20;  // contiguous dirty sectors are written in runs up to this

std::runtime_error disk_error(const std::string& path, const std::string& what) {
  return std::runtime_error("disk " + path + what);
}

std::string os_error(int err) { return std::strerror(err); }

}  // namespace

DiskImage::DiskImage(const std::string& path, bool read_only) : path_(path), read_only_(read_only) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      throw disk_error(path, ": no such file (give an existing raw disk image; rvh-vp never creates one)");
    throw disk_error(path, " cannot be used: " + os_error(err));
  }
  if (S_ISDIR(st.st_mode)) throw disk_error(path, " is a directory, not a disk image file");
  if (!S_ISREG(st.st_mode)) throw disk_error(path, " is not a regular file (give a raw disk image file)");

  // Never O_CREAT or O_TRUNC: the image is the user's data.
  fd_ = ::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    if (!read_only && (err == EACCES || err == EPERM || err == EROFS) && ::access(path.c_str(), R_OK) == 0)
      throw disk_error(path, " is not writable (" + os_error(err) + "); add ,ro to attach it read-only");
    throw disk_error(path, " cannot be read: " + os_error(err));
  }
  try {
    if (::fstat(fd_, &st) != 0) throw disk_error(path, " cannot be used: " + os_error(errno));
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size == 0)
      throw disk_error(path, ": size 0 bytes (an empty file); a disk image holds at least one 512-byte sector");
    if (size % kSectorBytes != 0)
      throw disk_error(path, ": size " + std::to_string(size) + " bytes is not a multiple of 512");
    sectors_ = size / kSectorBytes;
    // flock locks belong to the open file description: a second open of the
    // same image, in this process or another, conflicts with this one.
    if (::flock(fd_, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK)
        throw disk_error(path, " is in use by another process (another run, or the same image given twice)");
      throw disk_error(path, " cannot be locked: " + os_error(err));
    }
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

DiskImage::~DiskImage() {
  if (fd_ < 0) return;
  try {
    flush();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rvh-vp: %s\n", e.what());
  }
  ::close(fd_);  // releases the lock
}

void DiskImage::read(uint64_t sector, uint8_t* data, uint64_t count) {
  const uint64_t bytes = count * kSectorBytes;
  uint64_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd_, data + done, bytes - done, static_cast<off_t>(sector * kSectorBytes + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw disk_error(path_, ": read failed: " + os_error(errno));
    if (n == 0) throw disk_error(path_, ": read failed: the file is shorter than when it was opened");
    done += static_cast<uint64_t>(n);
  }
  // The unflushed writes win over the file.
  for (auto it = dirty_.lower_bound(sector); it != dirty_.end() && it->first < sector + count; ++it)
    std::memcpy(data + (it->first - sector) * kSectorBytes, it->second.data(), kSectorBytes);
  counters_.bytes_read += bytes;
}

void DiskImage::write(uint64_t sector, const uint8_t* data, uint64_t count) {
  if (read_only_) throw std::logic_error("disk " + path_ + ": write to a read-only disk");
  for (uint64_t i = 0; i < count; ++i) {
    Sector& s = dirty_[sector + i];
    s.assign(data + i * kSectorBytes, data + (i + 1) * kSectorBytes);
  }
  counters_.bytes_written += count * kSectorBytes;
  const uint64_t dirty_bytes = dirty_.size() * kSectorBytes;
  if (dirty_bytes > counters_.dirty_peak_bytes) counters_.dirty_peak_bytes = dirty_bytes;
}

void DiskImage::pwrite_all(const uint8_t* data, uint64_t bytes, uint64_t offset) {
  uint64_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pwrite(fd_, data + done, bytes - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw disk_error(path_, ": write failed: " + os_error(n < 0 ? errno : EIO));
    done += static_cast<uint64_t>(n);
  }
}

void DiskImage::flush() {
  if (read_only_ || fd_ < 0) return;
  if (dirty_.empty()) {
    ++counters_.flushes;  // the guest's FLUSH with nothing new: nothing to sync
    return;
  }
  // Runs of consecutive sectors, in ascending order, one pwrite each.
  std::vector<uint8_t> run;
  uint64_t run_start = 0;
  auto write_run = [&]() {
    if (run.empty()) return;
    pwrite_all(run.data(), run.size(), run_start * kSectorBytes);
    counters_.bytes_flushed += run.size();
    run.clear();
  };
  for (const auto& [sector, data] : dirty_) {
    const bool continues = !run.empty() && sector == run_start + run.size() / kSectorBytes;
    if (!continues || run.size() >= kFlushRunBytes) {
      write_run();
      run_start = sector;
    }
    run.insert(run.end(), data.begin(), data.end());
  }
  write_run();
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) throw disk_error(path_, ": fdatasync failed: " + os_error(errno));
  }
  dirty_.clear();
  ++counters_.flushes;
}

nlohmann::json DiskImage::stats_json() const {
  return {
      {"image", path_},
      {"read_only", read_only_},
      {"sectors", sectors_},
      {"image_bytes_read", counters_.bytes_read},
      {"image_bytes_written", counters_.bytes_written},
      {"image_bytes_flushed", counters_.bytes_flushed},
      {"image_flushes", counters_.flushes},
      {"dirty_peak_bytes", counters_.dirty_peak_bytes},
  };
}

}  // namespace rvh::hyp
