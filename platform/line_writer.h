// platform/line_writer.h: what a guest prints, written to a descriptor a
// line at a time. A UART hands over one byte per transmitted character; a
// write(2) per byte costs a system call each (some 6,400 in a Linux boot,
// several microseconds each on a virtual machine). Here a complete line
// goes out in one write as soon as its newline arrives; a partial line (a
// prompt, the echo of a key) goes out from a helper thread once no more has
// come for a short delay (kPartialLineDelay), or at flush(). The order of the bytes is
// kept; every write is made under one lock.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace rvh {

class LineWriter {
 public:
  static constexpr std::chrono::milliseconds kPartialLineDelay{2};
  static constexpr size_t kMaxPending = 4096;  // a longer line goes out in pieces of this size

  // `partial_line_delay`: how long a partial line waits for more.
  explicit LineWriter(int fd, std::chrono::milliseconds partial_line_delay = kPartialLineDelay);
  ~LineWriter();  // flush(), then the helper thread ends
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void put(uint8_t b);
  void put(const std::string& s);
  // Everything put so far is written (before a message on stderr, at the end).
  void flush();
  // flush() on every LineWriter of the process: before the simulator
  // itself prints something that must come after what the guest printed.
  static void flush_all();

 private:
  void arm_locked();   // a partial line waits: the helper will write it
  void write_locked();  // pending_ to the descriptor, all of it
  void helper_main();

  const int fd_;
  const std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;       // guarded by mutex_
  bool armed_ = false;        // the helper is watching pending_
  bool stopping_ = false;
  std::thread helper_;        // started at the first partial line
};

}  // namespace rvh
