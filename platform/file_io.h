// platform/file_io.h: reading whole files for the loader and --dtb, with
// error messages that name the path and the reason (missing, a directory,
// unreadable). Callers wrap the message in their own exception type.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rvh {

// Reads all of `path` into `out`. On failure returns false and sets `error`
// to a one-line reason without the path, e.g. "no such file",
// "is a directory", "permission denied".
bool read_whole_file(const std::string& path, std::vector<uint8_t>& out, std::string& error);

}  // namespace rvh
