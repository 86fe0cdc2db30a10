// Tests for platform/line_writer (what a guest prints, a line per write):
// on a SOCK_SEQPACKET socket each write(2) arrives as one message, so the
// tests see exactly how the bytes were grouped into writes.
#include "platform/line_writer.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

namespace rvh {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kNever{3600 * 1000};  // a partial line never goes out by itself

struct Line {
  int fds[2] = {-1, -1};
  Line() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0); }
  ~Line() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int writer() const { return fds[0]; }
  // The next write's bytes, or "<none>" if none has arrived within `wait`.
  std::string next(milliseconds wait = milliseconds(0)) const {
    pollfd p{fds[1], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) != 1) return "<none>";
    char buf[8192];
    const ssize_t n = recv(fds[1], buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? "<none>" : std::string(buf, static_cast<size_t>(n));
  }
};

TEST(LineWriter, EachCompleteLineGoesOutInOneWriteAtOnce) {
  Line line;
  LineWriter w(line.writer(), kNever);
  w.put("Linux version 6.1\n");
  for (char c : std::string("second line\n")) w.put(static_cast<uint8_t>(c));
  EXPECT_EQ(line.next(), "Linux version 6.1\n");
  EXPECT_EQ(line.next(), "second line\n");
  EXPECT_EQ(line.next(), "<none>");
}

TEST(LineWriter, APartialLineWaitsUntilFlush) {
  Line line;
  LineWriter w(line.writer(), kNever);
  w.put("=> ");
  EXPECT_EQ(line.next(), "<none>");
  w.flush();
  EXPECT_EQ(line.next(), "=> ");
  w.flush();  // nothing pending: no empty write
  EXPECT_EQ(line.next(), "<none>");
}

TEST(LineWriter, APartialLineGoesOutByItselfAfterTheDelay) {
  Line line;
  LineWriter w(line.writer(), milliseconds(2));
  w.put("login: ");
  EXPECT_EQ(line.next(milliseconds(10000)), "login: ");
  // The helper sleeps once nothing comes, and wakes for the next prompt.
  EXPECT_EQ(line.next(milliseconds(50)), "<none>");
  w.put("# ");
  EXPECT_EQ(line.next(milliseconds(10000)), "# ");
}

TEST(LineWriter, ALineLongerThanTheBufferGoesOutInPiecesWithEveryByte) {
  Line line;
  LineWriter w(line.writer(), kNever);
  std::string text;
  for (int i = 0; i < 10000; ++i) text.push_back(static_cast<char>('a' + i % 26));
  w.put(text + "\n");
  const std::string first = line.next(), second = line.next(), third = line.next();
  EXPECT_EQ(first.size(), LineWriter::kMaxPending);
  EXPECT_EQ(second.size(), LineWriter::kMaxPending);
  EXPECT_EQ(first + second + third, text + "\n");
}

TEST(LineWriter, WhatIsPendingGoesOutAtDestructionAndFlushAll) {
  Line line;
  {
    LineWriter w(line.writer(), kNever);
    w.put("no newline");
    LineWriter::flush_all();
    EXPECT_EQ(line.next(), "no newline");
    w.put("at the end");
  }
  EXPECT_EQ(line.next(), "at the end");
}

TEST(LineWriter, AClosedReaderLosesTheBytesWithoutBlockingOrCrashing) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
  ::close(fds[1]);
  // rvh-vp ends on SIGPIPE (platform/terminal.cpp); here the write just fails.
  const auto old = std::signal(SIGPIPE, SIG_IGN);
  {
    LineWriter w(fds[0], kNever);
    w.put("nobody reads this\n");  // EPIPE
    w.put("nor this");
  }
  ::close(fds[0]);
  std::signal(SIGPIPE, old);
  SUCCEED();
}

}  // namespace
}  // namespace rvh
