// tests/tools/console_driver.cpp: drives an interactive program through its
// stdin/stdout the way a person at a console would (a small "expect"):
//
//   console_driver SCRIPT -- COMMAND [ARGS...]
//
// SCRIPT lines:  expect TEXT     wait until TEXT appears in the output
//                send TEXT       type TEXT (\r, \n, \\ escapes)
//                timeout SECONDS time limit for the following expects (default 60)
//                exit CODE       wait for the program to exit with CODE
//                # comment
// Everything the program prints is echoed to our stdout. Exits 0 if the
// script completes, 1 with a message naming the failed step otherwise.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out += c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Child {
  pid_t pid = -1;
  int in = -1, out = -1;
  std::string seen;     // all output so far
  size_t consumed = 0;  // expect matches start after this offset
  bool eof = false;

  // Reads output for up to `ms`; returns false on EOF.
  void pump(int ms) {
    if (eof) return;
    pollfd p{out, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return;
    char buf[4096];
    const ssize_t n = read(out, buf, sizeof buf);
    if (n <= 0) {
      eof = true;
      return;
    }
    fwrite(buf, 1, static_cast<size_t>(n), stdout);
    fflush(stdout);
    seen.append(buf, static_cast<size_t>(n));
  }
};

Child spawn(char** argv) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) {
    perror("pipe");
    exit(1);
  }
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    dup2(from_child[1], 2);
    close(to_child[1]);
    close(from_child[0]);
    execvp(argv[0], argv);
    perror(argv[0]);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  c.in = to_child[1];
  c.out = from_child[0];
  return c;
}

[[noreturn]] void fail(Child& c, const std::string& msg) {
  std::cout << "\nconsole_driver: FAILED: " << msg << std::endl;
  if (c.pid > 0) kill(c.pid, SIGKILL);
  exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int sep = 0;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--") == 0) { sep = i; break; }
  if (sep != 2 || sep + 1 >= argc) {
    std::cerr << "usage: console_driver SCRIPT -- COMMAND [ARGS...]\n";
    return 2;
  }
  std::ifstream script(argv[1]);
  if (!script) {
    std::cerr << "console_driver: cannot read " << argv[1] << "\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  Child c = spawn(argv + sep + 1);
  double timeout_s = 60;
  std::string line;
  int lineno = 0;
  while (std::getline(script, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.find(' ');
    const std::string verb = line.substr(0, sp);
    const std::string arg = sp == std::string::npos ? "" : unescape(line.substr(sp + 1));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    if (verb == "timeout") {
      timeout_s = std::stod(arg);
    } else if (verb == "send") {
      if (write(c.in, arg.data(), arg.size()) != static_cast<ssize_t>(arg.size()))
        fail(c, "line " + std::to_string(lineno) + ": could not send input");
    } else if (verb == "expect") {
      for (;;) {
        const size_t at = c.seen.find(arg, c.consumed);
        if (at != std::string::npos) {
          c.consumed = at + arg.size();
          break;
        }
        if (c.eof) fail(c, "line " + std::to_string(lineno) + ": program ended before '" + arg + "'");
        if (std::chrono::steady_clock::now() > deadline)
          fail(c, "line " + std::to_string(lineno) + ": timed out waiting for '" + arg + "'");
        c.pump(100);
      }
    } else if (verb == "exit") {
      close(c.in);
      while (!c.eof) {
        if (std::chrono::steady_clock::now() > deadline)
          fail(c, "line " + std::to_string(lineno) + ": timed out waiting for exit");
        c.pump(100);
      }
      int status = 0;
      waitpid(c.pid, &status, 0);
      c.pid = -1;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (code != std::stoi(arg))
        fail(c, "exit code " + std::to_string(code) + ", expected " + arg);
    } else {
      fail(c, "line " + std::to_string(lineno) + ": unknown verb '" + verb + "'");
    }
  }
  if (c.pid > 0) kill(c.pid, SIGKILL);
  std::cout << "\nconsole_driver: script completed" << std::endl;
  return 0;
}
