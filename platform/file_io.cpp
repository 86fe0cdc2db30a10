// platform/file_io.cpp: see file_io.h.
#include "platform/file_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/zeroed_array.h"

namespace rvh {

namespace {
std::string reason(int err) {
  switch (err) {
    case ENOENT: return "no such file";
    case EISDIR: return "is a directory, not a file";
    case EACCES: return "permission denied";
    default: return std::strerror(err);
  }
}
}  // namespace

FileBytes::~FileBytes() {
  if (data_) munmap(data_, capacity_);
}

FileBytes::FileBytes(FileBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this != &other) {
    if (data_) munmap(data_, capacity_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void FileBytes::grow(size_t capacity) {
  // Whole pages; from 512 KiB up, whole huge pages, as the hart's caches.
  capacity = zeroed_mapping_bytes((std::max<size_t>(capacity, 1) + 4095) / 4096 * 4096);
  auto* bigger = static_cast<uint8_t*>(map_zero_pages(capacity));
  if (data_) {
    std::memcpy(bigger, data_, size_);
    munmap(data_, capacity_);
  }
  data_ = bigger;
  capacity_ = capacity;
}

bool read_whole_file(const std::string& path, FileBytes& out, std::string& error) {
  out = FileBytes();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = reason(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error = reason(EISDIR);
    return false;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    error = reason(errno);
    return false;
  }
  // Room for the file as stat() sees it and one more byte, so that a file
  // of that size is read without growing (a pipe or a growing file grows).
  out.grow(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 64 * 1024);
  for (;;) {
    if (out.size_ == out.capacity_) out.grow(out.capacity_ * 2);
    const size_t n = std::fread(out.data_ + out.size_, 1, out.capacity_ - out.size_, f.get());
    out.size_ += n;
    if (n == 0) break;
  }
  if (std::ferror(f.get())) {
    error = "read error: " + reason(errno);
    return false;
  }
  return true;
}

bool read_whole_file(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
  FileBytes bytes;
  out.clear();
  if (!read_whole_file(path, bytes, error)) return false;
  out.assign(bytes.data(), bytes.data() + bytes.size());
  return true;
}

// ----------------------------------------------------------------- OutputFile

OutputFile OutputFile::open(const std::string& label, const std::string& path) {
  OutputFile f;
  f.label_ = label;
  f.path_ = path;
  if (path.empty()) throw OutputError((label.empty() ? "" : label + ": ") + "empty file name; give a path");
  // No O_TRUNC: opening is also the check before the run (see the header).
  // O_EXCL first, to know whether this object created the file; a path that
  // exists (a file, a device, a symlink, even a dangling one) is then opened
  // as it is, following a symlink.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0666);
  if (fd >= 0) {
    f.created_ = true;
  } else if (errno == EEXIST) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0666);
  }
  if (fd < 0) throw OutputError(f.message(std::string("cannot open for writing (") + std::strerror(errno) + ")"));
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    f.dev_ = st.st_dev;
    f.ino_ = st.st_ino;
  }
  // Some files open for writing but refuse every write (as root, /proc/version
  // opens and its writes fail with EIO; /dev/full fails with ENOSPC). A write
  // of no bytes reaches the file's own write and changes nothing.
  if (::write(fd, "", 0) < 0) {
    const int err = errno;
    f.file_ = ::fdopen(fd, "w");  // so that the destructor removes a file it created
    if (!f.file_) ::close(fd);
    throw OutputError(f.message(std::string("cannot write (") + std::strerror(err) + ")"));
  }
  f.file_ = ::fdopen(fd, "w");  // "w" on an open descriptor does not truncate
  if (!f.file_) {
    const int err = errno;
    ::close(fd);
    throw OutputError(f.message(std::string("cannot open for writing (") + std::strerror(err) + ")"));
  }
  return f;
}

OutputFile::OutputFile(OutputFile&& other) noexcept { *this = std::move(other); }

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    close_quietly();
    label_ = std::move(other.label_);
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
    created_ = other.created_;
    begun_ = other.begun_;
    dev_ = other.dev_;
    ino_ = other.ino_;
  }
  return *this;
}

OutputFile::~OutputFile() { close_quietly(); }

void OutputFile::close_quietly() {
  if (!file_) return;
  // A file made by open() for a run that never wrote it: take it away again,
  // if the path still names that same, still empty file.
  struct stat st {};
  if (created_ && !begun_ && ::stat(path_.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == dev_ &&
      st.st_ino == ino_ && st.st_size == 0)
    ::unlink(path_.c_str());
  std::fclose(file_);
  file_ = nullptr;
}

std::string OutputFile::message(const std::string& what) const {
  return (label_.empty() ? "" : label_ + ": ") + path_ + ": " + what;
}

std::FILE* OutputFile::begin() {
  if (!file_) throw OutputError(message("not open"));
  if (!begun_) {
    begun_ = true;
    struct stat st {};
    const int fd = ::fileno(file_);
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::ftruncate(fd, 0) != 0)
      throw OutputError(message(std::string("cannot truncate (") + std::strerror(errno) + ")"));
  }
  return file_;
}

void OutputFile::finish() {
  if (!file_) return;
  begun_ = true;
  bool failed = std::ferror(file_) != 0;
  int err = failed ? errno : 0;  // best effort: the failed write's reason
  if (std::fflush(file_) != 0) {
    failed = true;
    err = errno;
  }
  if (std::fclose(file_) != 0) {
    failed = true;
    if (!err) err = errno;
  }
  file_ = nullptr;
  if (failed)
    throw OutputError(message(std::string("write failed") + (err ? std::string(" (") + std::strerror(err) + ")" : "")));
}

void OutputFile::write_all(const void* data, size_t size) {
  std::FILE* f = begin();
  if (size > 0) std::fwrite(data, 1, size, f);
  finish();
}

}  // namespace rvh
