// uart16550_test.cpp -- unit tests for rvh::Uart16550.
#include "peripherals/uart16550.h"
#include "tests/unit/periph_test_util.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>


using namespace sc_core;
using rvh::Uart16550;
using rvh::Uart16550Options;
using rvh::test::TlmProbe;
using rvh::test::settle;

namespace {

enum : uint64_t { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3,
                  MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

Uart16550Options no_input() { return Uart16550Options(); }

// The host end as a console drives it: a small input buffer (16 bytes).
Uart16550Options host_input() {
    Uart16550Options o;
    o.input_buffer = 16;
    return o;
}

Uart16550Options drop_early() {
    Uart16550Options o;
    o.drop_early = true;
    return o;
}

struct Bench {
    Uart16550 uart{"uart0", no_input()};
    Uart16550 uart_pipe{"uart1", host_input()};
    Uart16550 uart_early{"uart2", drop_early()};
    TlmProbe bus{"bus"}, bus_pipe{"bus_pipe"}, bus_early{"bus_early"};
    sc_signal<bool> irq, irq_pipe, irq_early;
    std::string out, out_pipe;

    Bench() {
        bus.sock.bind(uart.socket);
        bus_pipe.sock.bind(uart_pipe.socket);
        bus_early.sock.bind(uart_early.socket);
        uart.irq.bind(irq);
        uart_pipe.irq.bind(irq_pipe);
        uart_early.irq.bind(irq_early);
        uart_pipe.set_host_input_open(true);  // as a console does before sc_start
        uart.set_output([this](uint8_t c) { out.push_back(static_cast<char>(c)); });
        uart_pipe.set_output([this](uint8_t c) { out_pipe.push_back(static_cast<char>(c)); });
    }
    // Back to the reset configuration without touching the output capture.
    void reset() {
        bus.write8(LCR, 0);
        bus.write8(IER, 0);
        bus.write8(MCR, 0);
        bus.write8(FCR, 0x07);  // discards loopback bytes; host input comes back (early input)...
        while (bus.read8(LSR) & 0x01) bus.read8(RBR);  // ...and is read away
        bus.write8(FCR, 0x00);
        bus.read8(LSR);
        bus.read8(MSR);
        bus.read8(IIR);
        settle();
    }
};

// `fresh` tells whether this is the first test case of the process (reset
// values can only be checked then).
Bench& bench(bool* fresh = nullptr) {
    static int uses = 0;
    if (fresh) *fresh = (uses == 0);
    ++uses;
    static Bench* b = new Bench;
    return *b;
}

}  // namespace

TEST(Uart16550, ResetValues) {
    bool fresh = false;
    Bench& b = bench(&fresh);
    if (!fresh) GTEST_SKIP() << "reset values are only visible in the first case of a run";
    settle();
    EXPECT_EQ(b.bus.read8(IER), 0x00);
    EXPECT_EQ(b.bus.read8(IIR), 0x01);
    EXPECT_EQ(b.bus.read8(LCR), 0x00);
    EXPECT_EQ(b.bus.read8(MCR), 0x00);
    EXPECT_EQ(b.bus.read8(LSR), 0x60);  // THRE | TEMT
    EXPECT_EQ(b.bus.read8(MSR), 0xB0);  // DCD | DSR | CTS
    EXPECT_EQ(b.bus.read8(SCR), 0x00);
    EXPECT_FALSE(b.irq.read());
    EXPECT_EQ(b.bus.last_delay, sc_time(10, SC_NS));
}

TEST(Uart16550, TransmitGoesToTheSink) {
    Bench& b = bench();
    b.reset();
    b.out.clear();
    const uint64_t before = b.uart.tx_count();
    for (char c : std::string("Hello, rvh\n")) b.bus.write8(THR, static_cast<uint8_t>(c));
    EXPECT_EQ(b.out, "Hello, rvh\n");
    EXPECT_EQ(b.uart.tx_count() - before, 11u);
    EXPECT_EQ(b.bus.read8(LSR) & 0x60, 0x60);  // still empty: instantaneous
}

TEST(Uart16550, ScratchRegister) {
    Bench& b = bench();
    b.bus.write8(SCR, 0xA5);
    EXPECT_EQ(b.bus.read8(SCR), 0xA5);
    b.bus.write8(SCR, 0x5A);
    EXPECT_EQ(b.bus.read8(SCR), 0x5A);
}

TEST(Uart16550, DivisorLatch) {
    Bench& b = bench();
    b.reset();
    b.out.clear();
    b.bus.write8(IER, 0x05);
    b.bus.write8(LCR, 0x83);  // DLAB | 8N1
    b.bus.write8(DLL, 0x12);
    b.bus.write8(DLM, 0x34);
    EXPECT_EQ(b.bus.read8(DLL), 0x12);
    EXPECT_EQ(b.bus.read8(DLM), 0x34);
    EXPECT_EQ(b.uart.divisor(), 0x3412);
    EXPECT_TRUE(b.out.empty());  // DLL write is not a transmit
    b.bus.write8(LCR, 0x03);
    EXPECT_EQ(b.bus.read8(LCR), 0x03);
    EXPECT_EQ(b.bus.read8(IER), 0x05);  // IER kept behind the latch
    b.bus.write8(THR, 'x');
    EXPECT_EQ(b.out, "x");
    b.bus.write8(LCR, 0x80);
    EXPECT_EQ(b.bus.read8(DLL), 0x12);  // untouched by the THR write
    b.reset();
}

TEST(Uart16550, IerProbeAsLinuxAutoconfig) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(IER, 0);
    EXPECT_EQ(b.bus.read8(IER) & 0x0F, 0);
    b.bus.write8(IER, 0x0F);
    EXPECT_EQ(b.bus.read8(IER) & 0x0F, 0x0F);
    b.bus.write8(IER, 0xFF);  // bits 7:4 (e.g. XScale UUE) do not stick
    EXPECT_EQ(b.bus.read8(IER), 0x0F);
    b.reset();
}

TEST(Uart16550, FifoDetectionBitsInIir) {
    Bench& b = bench();
    b.reset();
    EXPECT_EQ(b.bus.read8(IIR) & 0xC0, 0x00);  // FIFOs off: 16450-like
    b.bus.write8(FCR, 0x01);
    EXPECT_EQ(b.bus.read8(IIR), 0xC1);  // 16550A: both bits, no interrupt
    // 16750 probe: 64-byte FIFO bit (FCR bit 5) does not show up in IIR bit 5.
    b.bus.write8(FCR, 0x21);
    EXPECT_EQ(b.bus.read8(IIR) >> 5, 6);
    b.reset();
}

TEST(Uart16550, ReceiveFifoDataReadyAndInterrupt) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(FCR, 0x07);  // enable + clear, trigger level 1
    b.bus.write8(IER, 0x01);  // ERBFI
    settle();
    EXPECT_FALSE(b.irq.read());
    b.uart.push_input("abc");
    settle();
    EXPECT_TRUE(b.irq.read());
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0x01);
    EXPECT_EQ(b.bus.read8(IIR), 0xC4);
    EXPECT_EQ(b.uart.rx_fifo_level(), 3u);
    EXPECT_EQ(b.bus.read8(RBR), 'a');
    EXPECT_EQ(b.bus.read8(RBR), 'b');
    EXPECT_EQ(b.bus.read8(RBR), 'c');
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0x00);
    EXPECT_EQ(b.bus.read8(IIR), 0xC1);
    settle();
    EXPECT_FALSE(b.irq.read());
    // Interrupt masked: data ready but no interrupt.
    b.bus.write8(IER, 0x00);
    b.uart.push_input("z");
    settle();
    EXPECT_FALSE(b.irq.read());
    EXPECT_EQ(b.bus.read8(IIR), 0xC1);
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0x01);
    EXPECT_EQ(b.bus.read8(RBR), 'z');
    b.reset();
}

TEST(Uart16550, TriggerLevelAndCharacterTimeout) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(FCR, 0x81);  // FIFO on, trigger 8
    b.bus.write8(IER, 0x01);
    b.uart.push_input("123");
    EXPECT_EQ(b.bus.read8(IIR), 0xCC);  // below trigger: timeout id
    b.uart.push_input("45678");
    EXPECT_EQ(b.bus.read8(IIR), 0xC4);  // at trigger level
    for (int i = 0; i < 8; ++i) b.bus.read8(RBR);
    EXPECT_EQ(b.bus.read8(IIR), 0xC1);
    b.reset();
}

TEST(Uart16550, SixteenByteFifoRefillsFromTheInputQueue) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(FCR, 0x01);
    const std::string in = "ABCDEFGHIJKLMNOPQRST";  // 20 bytes
    b.uart.push_input(in);
    EXPECT_EQ(b.uart.rx_fifo_level(), 16u);
    std::string got;
    while (b.bus.read8(LSR) & 0x01) got.push_back(static_cast<char>(b.bus.read8(RBR)));
    EXPECT_EQ(got, in);
    EXPECT_EQ(b.bus.read8(LSR) & 0x02, 0);  // no overrun: the host queue waits
    // FCR clear-RX: unread host input goes back to the input buffer (early
    // input, see FifoResetKeepsEarlyInputByDefault) and arrives again.
    b.uart.push_input("xy");
    b.bus.write8(FCR, 0x03);
    EXPECT_EQ(b.uart.rx_fifo_level(), 2u);
    EXPECT_EQ(b.bus.read8(RBR), 'x');
    EXPECT_EQ(b.bus.read8(RBR), 'y');
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0);
    // FIFO disabled: one byte holding register.
    b.bus.write8(FCR, 0x00);
    b.uart.push_input("pq");
    EXPECT_EQ(b.uart.rx_fifo_level(), 1u);
    EXPECT_EQ(b.bus.read8(RBR), 'p');
    EXPECT_EQ(b.bus.read8(RBR), 'q');
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0);
    b.reset();
}

TEST(Uart16550, ThreInterruptAsLinuxStartupTest) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(FCR, 0x01);
    b.bus.write8(IER, 0x02);  // ETBEI, THR empty -> interrupt
    settle();
    EXPECT_TRUE(b.irq.read());
    EXPECT_EQ(b.bus.read8(IIR), 0xC2);  // reading IIR clears THRE
    EXPECT_EQ(b.bus.read8(IIR), 0xC1);
    settle();
    EXPECT_FALSE(b.irq.read());
    b.bus.write8(IER, 0x00);
    b.bus.write8(IER, 0x02);  // re-enabling raises it again
    EXPECT_EQ(b.bus.read8(IIR), 0xC2);
    EXPECT_EQ(b.bus.read8(IIR), 0xC1);
    b.bus.write8(THR, '!');  // THR empties at once: THRE again
    EXPECT_EQ(b.bus.read8(IIR), 0xC2);
    // Receive data has priority over THRE.
    b.bus.write8(IER, 0x03);
    b.uart.push_input("r");
    EXPECT_EQ(b.bus.read8(IIR), 0xC4);
    EXPECT_EQ(b.bus.read8(RBR), 'r');
    EXPECT_EQ(b.bus.read8(IIR), 0xC2);
    b.reset();
}

TEST(Uart16550, LoopbackAsLinuxAndUbootProbe) {
    Bench& b = bench();
    b.reset();
    b.out.clear();
    b.bus.read8(MSR);
    b.bus.write8(MCR, 0x10 | 0x0A);  // LOOP | RTS | OUT2
    EXPECT_EQ(b.bus.read8(MSR) & 0xF0, 0x90);  // DCD | CTS
    b.bus.write8(MCR, 0x10 | 0x05);  // LOOP | DTR | OUT1
    EXPECT_EQ(b.bus.read8(MSR) & 0xF0, 0x60);  // RI | DSR
    b.bus.write8(FCR, 0x01);
    b.bus.write8(THR, 'L');
    b.bus.write8(THR, 'B');
    EXPECT_TRUE(b.out.empty());  // nothing leaves the chip in loopback
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0x01);
    EXPECT_EQ(b.bus.read8(RBR), 'L');
    EXPECT_EQ(b.bus.read8(RBR), 'B');
    // Host input is not received in loopback; it is after.
    b.uart.push_input("h");
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0x00);
    b.bus.write8(MCR, 0x00);
    EXPECT_EQ(b.bus.read8(LSR) & 0x01, 0x01);
    EXPECT_EQ(b.bus.read8(RBR), 'h');
    EXPECT_EQ(b.bus.read8(MSR) & 0xF0, 0xB0);
    b.bus.write8(THR, 'o');
    EXPECT_EQ(b.out, "o");
    b.reset();
}

TEST(Uart16550, ModemStatusDeltasAndInterrupt) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(IER, 0x08);  // EDSSI
    b.bus.write8(MCR, 0x10);  // loopback, all modem outputs low: CTS, DSR, DCD fall
    settle();
    EXPECT_TRUE(b.irq.read());
    EXPECT_EQ(b.bus.read8(IIR), 0x00);  // modem status
    EXPECT_EQ(b.bus.read8(MSR), 0x0B);  // DDCD | DDSR | DCTS, status all 0
    EXPECT_EQ(b.bus.read8(IIR), 0x01);
    settle();
    EXPECT_FALSE(b.irq.read());
    b.bus.write8(MCR, 0x14);  // OUT1 -> RI rises: no TERI yet
    EXPECT_EQ(b.bus.read8(MSR), 0x40);
    b.bus.write8(MCR, 0x10);  // RI falls: TERI
    EXPECT_EQ(b.bus.read8(MSR), 0x04);
    b.reset();
}

TEST(Uart16550, OverrunSetsLineStatusInterrupt) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(IER, 0x05);   // ERBFI | ELSI
    b.bus.write8(MCR, 0x10);   // loopback, FIFO disabled: 1-byte holding register
    b.bus.read8(MSR);
    b.bus.write8(THR, '1');
    b.bus.write8(THR, '2');  // lost
    EXPECT_EQ(b.bus.read8(IIR), 0x06);
    EXPECT_EQ(b.bus.read8(LSR), 0x63);  // DR | OE | THRE | TEMT
    EXPECT_EQ(b.bus.read8(LSR), 0x61);  // OE cleared by the read
    EXPECT_EQ(b.bus.read8(IIR), 0x04);
    EXPECT_EQ(b.bus.read8(RBR), '1');
    b.reset();
}

TEST(Uart16550, OnlyByteAccesses) {
    Bench& b = bench();
    uint8_t buf[8] = {};
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, 0, buf, 4), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_WRITE_COMMAND, 4, buf, 2), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, 0, buf, 8), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, 8, buf, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, 7, buf, 1), tlm::TLM_OK_RESPONSE);
}

TEST(Uart16550, HostInputFromAnotherThreadFeedsTheFifo) {
    Bench& b = bench();
    b.bus_pipe.write8(IER, 0x01);
    b.bus_pipe.write8(FCR, 0x01);
    // The input was opened before the simulation started (see main()): the
    // 1 ms poll runs and moves bytes in.
    std::thread host([&b] {
        const uint8_t msg[] = {'x', 'y', 'z'};
        EXPECT_EQ(b.uart_pipe.host_receive(msg, 3), 3u);
    });
    host.join();
    for (int i = 0; i < 200 && b.uart_pipe.rx_fifo_level() < 3; ++i) sc_start(sc_time(1, SC_MS));
    ASSERT_EQ(b.uart_pipe.rx_fifo_level(), 3u);
    settle();
    EXPECT_TRUE(b.irq_pipe.read());
    EXPECT_EQ(b.bus_pipe.read8(RBR), 'x');
    EXPECT_EQ(b.bus_pipe.read8(RBR), 'y');
    EXPECT_EQ(b.bus_pipe.read8(RBR), 'z');
    // The buffer takes input_buffer bytes at most (16 here).
    const std::string big(40, 'q');
    EXPECT_EQ(b.uart_pipe.host_input_space(), 16u);
    EXPECT_EQ(b.uart_pipe.host_receive(reinterpret_cast<const uint8_t*>(big.data()), big.size()), 16u);
    EXPECT_EQ(b.uart_pipe.host_input_space(), 0u);
    for (int i = 0; i < 16; ++i) {
        sc_start(sc_time(1, SC_MS));
        EXPECT_EQ(b.bus_pipe.read8(RBR), 'q');
    }
    EXPECT_EQ(b.uart_pipe.host_input_space(), 16u);
    // Closed input (end of file) stops the periodic poll: the simulation can starve.
    b.uart_pipe.set_host_input_open(false);
    EXPECT_FALSE(b.uart_pipe.input_may_interrupt());
    bool starved = false;
    for (int i = 0; i < 10 && !starved; ++i) {
        sc_start(sc_time(2, SC_MS));
        starved = !sc_pending_activity();
    }
    EXPECT_TRUE(starved);
    b.bus_pipe.write8(IER, 0x00);
}

// Early input (peripherals/uart16550.h): a FIFO reset gives unread host
// bytes back to the input buffer, so a driver that resets the FIFO while
// starting still receives what was typed before.
TEST(Uart16550, FifoResetKeepsEarlyInputByDefault) {
    Bench& b = bench();
    b.reset();
    b.bus.write8(FCR, 0x01);
    b.uart.push_input("early");
    EXPECT_EQ(b.uart.rx_fifo_level(), 5u);
    b.bus.write8(FCR, 0x07);  // enable + clear both FIFOs, as OpenSBI and U-Boot do
    EXPECT_EQ(b.uart.rx_fifo_level(), 5u);
    b.bus.write8(FCR, 0x00);  // FIFOs off: a 1-byte holding register
    EXPECT_EQ(b.uart.rx_fifo_level(), 1u);
    b.bus.write8(FCR, 0xC7);
    std::string got;
    while (b.bus.read8(LSR) & 0x01) got += static_cast<char>(b.bus.read8(RBR));
    EXPECT_EQ(got, "early");
    // Loopback bytes are not host input: a reset discards them.
    b.bus.write8(MCR, 0x10);
    b.bus.write8(THR, 'L');
    EXPECT_EQ(b.uart.rx_fifo_level(), 1u);
    b.bus.write8(FCR, 0x03);
    EXPECT_EQ(b.uart.rx_fifo_level(), 0u);
    b.reset();
}

TEST(Uart16550, DropEarlyIsHardwareFaithful) {
    Uart16550& u = bench().uart_early;
    TlmProbe& bus = bench().bus_early;
    bus.write8(FCR, 0x01);
    // Before the driver is ready, input goes to the line at once: 16 bytes
    // fit the FIFO, the rest is an overrun.
    u.push_input(std::string(20, 'a'));
    EXPECT_EQ(u.rx_fifo_level(), 16u);
    EXPECT_EQ(bus.read8(LSR), 0x63);  // DR | OE | THRE | TEMT
    // A FIFO reset discards what it holds.
    bus.write8(FCR, 0x07);
    EXPECT_EQ(u.rx_fifo_level(), 0u);
    // Once the driver reads RBR, input waits for FIFO room as usual.
    bus.read8(RBR);
    u.push_input(std::string(20, 'b'));
    EXPECT_EQ(u.rx_fifo_level(), 16u);
    EXPECT_EQ(bus.read8(LSR), 0x61);  // no overrun
    int n = 0;
    while (bus.read8(LSR) & 0x01) {
        EXPECT_EQ(bus.read8(RBR), 'b');
        ++n;
    }
    EXPECT_EQ(n, 20);
}
