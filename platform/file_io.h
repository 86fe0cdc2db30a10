// platform/file_io.h: reading whole files for the loader and --dtb, with
// error messages that name the path and the reason (missing, a directory,
// unreadable). Callers wrap the message in their own exception type.
// And OutputFile: how every output option writes its file.
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>

namespace rvh {

// The bytes of a whole file, in memory that costs one host page fault per
// 2 MiB (cpu/zeroed_array.h's huge pages) rather than one per 4 KiB: read
// into a std::vector, a 3 MiB kernel image took some 800 faults, about
// 10 ms on a virtual machine.
class FileBytes {
 public:
  FileBytes() = default;
  ~FileBytes();
  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t operator[](size_t i) const { return data_[i]; }

 private:
  friend bool read_whole_file(const std::string& path, FileBytes& out, std::string& error);
  void grow(size_t capacity);  // keeps the bytes read so far
  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

// Reads all of `path` into `out`. On failure returns false and sets `error`
// to a one-line reason without the path, e.g. "no such file",
// "is a directory", "permission denied".
bool read_whole_file(const std::string& path, FileBytes& out, std::string& error);
bool read_whole_file(const std::string& path, std::vector<uint8_t>& out, std::string& error);

// An output file that cannot be opened or written. what() is one line, e.g.
// "--stats: /x/y.json: cannot open for writing (No such file or directory)".
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output file (--stats, --timeline, --report, --vcd, --dump-dtb, bench
// --json; docs/options.md "Output files"), written the same way by all:
//  - the path is opened as given, once: a symlink is written through (its
//    target gets the content, the link stays), a device or a pipe is written
//    into; nothing is ever renamed over the path, and no other file is made
//    next to it;
//  - open() only opens: it never truncates, so it is the check made before a
//    run (an unwritable path is an error before anything runs) and an
//    existing file keeps its content until begin(). A missing file is
//    created empty; if this object created it and nothing was begun when it
//    is destroyed (the run failed first), it is removed again;
//  - begin() truncates a regular file and returns the stream that writes the
//    content; finish() flushes and closes it, reporting a write error.
class OutputFile {
 public:
  OutputFile() = default;
  // `label` names the option in messages ("--stats"; "" for none). Throws
  // OutputError for an empty path or one that cannot be opened for writing.
  static OutputFile open(const std::string& label, const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

  // Starts the content (truncates a regular file); the stream stays owned by
  // this object. Throws OutputError if the file cannot be truncated.
  std::FILE* begin();
  // Flushes and closes; throws OutputError "...: write failed (reason)".
  void finish();
  // begin(), the bytes, finish().
  void write_all(const void* data, size_t size);
  void write_all(const std::string& text) { write_all(text.data(), text.size()); }

  // "LABEL: PATH: what", the form of every message about this file.
  std::string message(const std::string& what) const;

 private:
  void close_quietly();

  std::string label_, path_;
  std::FILE* file_ = nullptr;
  bool created_ = false;  // this object created the file (O_EXCL)
  bool begun_ = false;
  dev_t dev_ = 0;  // the file opened, so that only it is ever removed
  ino_t ino_ = 0;
};

}  // namespace rvh
