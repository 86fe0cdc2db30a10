// console_test.cpp -- platform/console.h on pipes, without firmware: the
// escape keys and what reaches the UART, output and the log, end of input,
// the pause. (tests/console_test.py drives real terminals, ptys and sockets.)
#include "platform/console.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "peripherals/uart16550.h"
#include "tests/unit/periph_test_util.h"  // TlmProbe; defines sc_main

using namespace sc_core;
using rvh::Console;
using rvh::ConsoleHooks;
using rvh::ConsoleSettings;
using rvh::Uart16550;
using rvh::test::TlmProbe;

namespace {

std::string temp_path(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/rvh-console-test-" + std::to_string(::getpid()) + "-" + name;
}

// A UART with a console whose stdin and stdout are pipes.
struct Line {
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    Uart16550 uart;
    TlmProbe bus;
    sc_signal<bool> irq;
    std::unique_ptr<Console> console;
    int quits = 0, stats = 0;

    Line(const char* name, const std::string& log_path)
        : uart((std::string(name) + "_uart").c_str()), bus((std::string(name) + "_bus").c_str()),
          irq((std::string(name) + "_irq").c_str()) {
        if (::pipe(in) != 0 || ::pipe(out) != 0) std::abort();
        bus.sock.bind(uart.socket);
        uart.irq.bind(irq);
        ConsoleSettings cs;
        cs.name = name;
        cs.stdin_fd = in[0];
        cs.stdout_fd = out[1];
        if (!log_path.empty()) cs.log = rvh::OutputFile::open("--serial-log", log_path);
        cs.log_timestamps = true;
        ConsoleHooks hooks;
        hooks.quit = [this] { ++quits; };
        hooks.stats = [this] { ++stats; };
        console = std::make_unique<Console>(std::move(cs), uart, std::move(hooks));
        console->open();
        bus.write8(Uart16550::FCR, 0x01);
    }
    void type(const std::string& s) const { ASSERT_EQ(::write(in[1], s.data(), s.size()), (ssize_t)s.size()); }
    // Runs simulated time until `done` or ~5 s of host time.
    template <class F>
    bool run_until(F done) {
        for (int i = 0; i < 500; ++i) {
            if (done()) return true;
            sc_start(sc_time(1, SC_MS));
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return done();
    }
    std::string received() {
        std::string s;
        while (bus.read8(Uart16550::LSR) & 0x01) s += static_cast<char>(bus.read8(Uart16550::RBR));
        return s;
    }
};

struct Bench {
    std::string log_path = temp_path("log");
    Line main{"main", log_path};
    Line eof{"eof", ""};
};

Bench& bench() {
    static Bench* b = new Bench;  // SystemC elaborates once per process
    return *b;
}

}  // namespace

TEST(Console, KeysAndDataReachTheirPlaces) {
    Line& l = bench().main;
    l.stats = 0;
    // Ctrl-A Ctrl-A is one Ctrl-A for the guest; Ctrl-A s is for us.
    l.type(std::string("ab\x01\x01") + "c\x01s" + "d");
    std::string got;
    ASSERT_TRUE(l.run_until([&] {
        got += l.received();
        return got.size() >= 5 && l.stats == 1;
    }));
    EXPECT_EQ(got, std::string("ab\x01") + "cd");
    EXPECT_EQ(l.stats, 1);
    EXPECT_EQ(l.quits, 0);
    EXPECT_FALSE(Console::quit_requested());
}

TEST(Console, GuestOutputGoesToStdoutAndTheLog) {
    Line& l = bench().main;
    sc_start(sc_time(5, SC_MS));
    for (char c : std::string("hello\nworld\n")) l.bus.write8(Uart16550::THR, static_cast<uint8_t>(c));
    char buf[64];
    pollfd p{l.out[0], POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    const ssize_t n = ::read(l.out[0], buf, sizeof buf);
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "hello\nworld\n");
    std::ifstream f(bench().log_path);
    std::stringstream text;
    text << f.rdbuf();
    // Line-buffered as it goes; each line starts with the simulated time.
    EXPECT_TRUE(std::regex_match(text.str(), std::regex(R"(\[ +[0-9]+\.[0-9]{6}\] hello\n\[ +[0-9]+\.[0-9]{6}\] world\n)")))
        << text.str();
}

TEST(Console, PauseHoldsSimulatedTimeUntilResumed) {
    Line& l = bench().main;
    const double paused_before = Console::paused_seconds();
    l.type("\x01p");
    std::thread resume([&l] {
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        l.type("\x01p");
    });
    // The pause blocks inside one sc_start (at the update that runs it):
    // that 1 ms of simulated time takes the whole pause.
    double longest = 0;
    for (int i = 0; i < 500 && Console::paused_seconds() == paused_before; ++i) {
        const auto start = std::chrono::steady_clock::now();
        sc_start(sc_time(1, SC_MS));
        longest = std::max(longest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    resume.join();
    EXPECT_GE(Console::paused_seconds() - paused_before, 0.2);
    EXPECT_GE(longest, 0.2);
}

TEST(Console, QuitRunsTheHookInsideTheSimulation) {
    Line& l = bench().main;
    l.type("\x01x");
    ASSERT_TRUE(l.run_until([&] { return l.quits == 1; }));
    EXPECT_TRUE(Console::quit_requested());
}

TEST(Console, EndOfInputClosesTheLine) {
    Line& l = bench().eof;
    l.type("z");
    ASSERT_TRUE(l.run_until([&] { return l.uart.rx_fifo_level() == 1; }));
    EXPECT_TRUE(l.uart.host_input_open());
    ::close(l.in[1]);
    ASSERT_TRUE(l.run_until([&] { return !l.uart.host_input_open(); }));
    EXPECT_EQ(l.received(), "z");
}

TEST(Console, HelpTextNamesTheEscapeKey) {
    const std::string t = Console::help_text(0x14);
    EXPECT_NE(t.find("Ctrl-T x"), std::string::npos) << t;
    EXPECT_NE(t.find("Ctrl-T Ctrl-T  send Ctrl-T to the guest"), std::string::npos) << t;
}
