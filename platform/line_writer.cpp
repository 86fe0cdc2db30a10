// platform/line_writer.cpp: see line_writer.h.
#include "platform/line_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace rvh {
namespace {
// Every live LineWriter, for flush_all().
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::vector<LineWriter*>& registry() {
  static std::vector<LineWriter*> writers;
  return writers;
}
}  // namespace

LineWriter::LineWriter(int fd, std::chrono::milliseconds partial_line_delay)
    : fd_(fd), delay_(partial_line_delay) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().push_back(this);
}

LineWriter::~LineWriter() {
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& r = registry();
    r.erase(std::remove(r.begin(), r.end(), this), r.end());
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    write_locked();
    stopping_ = true;
  }
  wake_.notify_all();
  if (helper_.joinable()) helper_.join();
}

void LineWriter::put(uint8_t b) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back(static_cast<char>(b));
  if (b == '\n' || pending_.size() >= kMaxPending)
    write_locked();
  else
    arm_locked();
}

void LineWriter::put(const std::string& s) {
  for (char c : s) put(static_cast<uint8_t>(c));
}

void LineWriter::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  write_locked();
}

void LineWriter::flush_all() {
  std::lock_guard<std::mutex> lock(registry_mutex());
  for (LineWriter* w : registry()) w->flush();
}

void LineWriter::arm_locked() {
  if (armed_) return;  // the helper is awake and will see this byte
  armed_ = true;
  if (!helper_.joinable())
    helper_ = std::thread(&LineWriter::helper_main, this);
  else
    wake_.notify_one();
}

void LineWriter::write_locked() {
  size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + done, pending_.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
      break;  // the reader is gone: what the guest prints is lost, as before
    }
  }
  pending_.clear();
}

// While bytes keep coming, the helper wakes every delay_ and
// writes what is pending (complete lines have gone already); after a
// delay with nothing new it sleeps until the next partial line arms it.
void LineWriter::helper_main() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return armed_ || stopping_; });
    if (stopping_) return;
    wake_.wait_for(lock, delay_, [this] { return stopping_; });
    if (stopping_) return;
    if (pending_.empty())
      armed_ = false;
    else
      write_locked();
  }
}

}  // namespace rvh
