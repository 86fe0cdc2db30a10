// uart16550_fuzz.cpp -- the 16550A UART register file
// (peripherals/uart16550.*) driven by a TLM initiator: random offsets,
// sizes, data and received bytes, as a guest driver (or a hostile guest on
// the hosted hypervisor's virtual UART) can do.
//
// The bench (one per process, SystemC elaborates once): the UART with no
// host input and output into a buffer, its irq on a signal, a TlmProbe.
// Every input starts from reset (device_reset.h) and is a sequence of at
// most 256 operations of 3 bytes: op, offset, value.
//   op bits 1:0  0 read, 1 write, 2 receive `value` (push_input), 3 settle
//                (run the pending delta cycles)
//   op bits 3:2  access size 1, 2, 4, 8
//   op bit 4     offset + 0x100 (beyond the device)
//   op bit 5     settle after the operation
//
// Checks, besides the sanitizers: the response status the header documents
// (1-byte accesses to offsets 0-7 succeed, wider ones are burst errors,
// offsets 8 and above address errors); LSR always has THRE and TEMT set;
// reserved bits read 0 (IER 7:4, IIR 5:4, MCR 7:5); the RX FIFO never
// holds more than 16 bytes; once settled, the irq signal equals
// irq_level(); reset leaves an empty FIFO and no interrupt.
#include <cstdint>
#include <string>

#include "peripherals/uart16550.h"
#include "tests/fuzz/device_reset.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/periph_test_util.h"  // TlmProbe, settle(); defines sc_main

namespace {

using rvh::Uart16550;

constexpr unsigned kMaxOps = 256;

struct Bench {
  rvh::test::TlmProbe probe{"probe"};
  Uart16550 uart{"uart"};  // no console: no host input
  sc_core::sc_signal<bool> irq{"irq"};
  std::string output;

  Bench() {
    probe.sock.bind(uart.socket);
    uart.irq.bind(irq);
    uart.set_output([this](uint8_t b) {
      if (output.size() < 4096) output.push_back(static_cast<char>(b));
    });
  }

  uint64_t io(uint64_t offset, unsigned len, bool write, uint64_t value) {
    if (write) {
      probe.write(offset, value, len);
      return 0;
    }
    return probe.read(offset, len);
  }
};

Bench& bench() {
  static Bench* b = new Bench();  // SystemC owns modules until exit
  return *b;
}

void check_settled(Bench& b) {
  rvh::test::settle();
  FUZZ_CHECK(b.irq.read() == b.uart.irq_level(), "irq signal %d, irq_level() %d", b.irq.read(),
             b.uart.irq_level());
}

void check_read(Bench& b, uint64_t offset, unsigned len, uint64_t v) {
  if (len != 1 || offset >= 8) return;
  const bool dlab = (b.probe.read(Uart16550::LCR, 1) & 0x80) != 0;  // LCR reads have no side effect
  switch (offset) {
    case Uart16550::LSR: FUZZ_CHECK((v & 0x60) == 0x60, "LSR 0x%02llx without THRE|TEMT", (unsigned long long)v); break;
    case Uart16550::IER: if (!dlab) FUZZ_CHECK((v & 0xf0) == 0, "IER reads 0x%02llx", (unsigned long long)v); break;
    case Uart16550::IIR: FUZZ_CHECK((v & 0x30) == 0, "IIR reads 0x%02llx", (unsigned long long)v); break;
    case Uart16550::MCR: FUZZ_CHECK((v & 0xe0) == 0, "MCR reads 0x%02llx", (unsigned long long)v); break;
    default: break;
  }
}

void check_status(uint64_t offset, unsigned len, tlm::tlm_response_status st) {
  tlm::tlm_response_status want = tlm::TLM_OK_RESPONSE;
  if (offset >= 8) want = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  else if (len != 1) want = tlm::TLM_BURST_ERROR_RESPONSE;
  FUZZ_CHECK(st == want, "%u-byte access at 0x%llx: status %d, expected %d", len, (unsigned long long)offset,
             static_cast<int>(st), static_cast<int>(want));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bench& b = bench();
  rvh::test::settle();
  rvh::fuzz::reset_uart([&b](uint64_t o, unsigned l, bool w, uint64_t v) { return b.io(o, l, w, v); }, 4 * kMaxOps);
  check_settled(b);
  FUZZ_CHECK(b.uart.rx_fifo_level() == 0 && !b.uart.irq_level(), "UART not reset: %u bytes in RX FIFO, irq %d",
             b.uart.rx_fifo_level(), b.uart.irq_level());
  b.output.clear();

  rvh::fuzz::ByteReader in(data, size);
  for (unsigned n = 0; n < kMaxOps && !in.empty(); ++n) {
    const uint8_t op = in.u8();
    const uint64_t offset = in.u8() + ((op & 0x10) ? 0x100 : 0);
    const uint8_t value = in.u8();
    const unsigned len = 1u << ((op >> 2) & 3);
    switch (op & 3) {
      case 0: {
        const uint64_t v = b.probe.read(offset, len);
        check_status(offset, len, b.probe.last_status);
        if (b.probe.last_status == tlm::TLM_OK_RESPONSE) check_read(b, offset, len, v);
        break;
      }
      case 1:
        b.probe.write(offset, uint64_t{value} * 0x0101010101010101ull, len);  // value in every byte
        check_status(offset, len, b.probe.last_status);
        break;
      case 2: b.uart.push_input(std::string(1, static_cast<char>(value))); break;
      case 3: check_settled(b); break;
    }
    FUZZ_CHECK(b.uart.rx_fifo_level() <= Uart16550::kFifoSize, "RX FIFO holds %u bytes", b.uart.rx_fifo_level());
    if (op & 0x20) check_settled(b);
  }
  check_settled(b);
  return 0;
}
