// platform/file_io.cpp: see file_io.h.
#include "platform/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>

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

bool read_whole_file(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
  out.clear();
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
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  uint8_t chunk[64 * 1024];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) out.insert(out.end(), chunk, chunk + n);
  if (std::ferror(f.get())) {
    error = "read error: " + reason(errno);
    return false;
  }
  return true;
}

}  // namespace rvh
