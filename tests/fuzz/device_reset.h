// device_reset.h -- brings a 16550 UART or a PLIC (peripherals/) back to its
// reset state through its registers only, so that the register fuzz
// targets can reuse one device (SystemC elaborates once per process) and
// every input starts from the same state. The same sequences serve the
// standalone devices (a TLM probe) and a VM's virtual ones (Vm::mmio_access).
#ifndef RVH_TESTS_FUZZ_DEVICE_RESET_H
#define RVH_TESTS_FUZZ_DEVICE_RESET_H

#include <cstdint>
#include <functional>

#include "peripherals/plic.h"
#include "peripherals/uart16550.h"

namespace rvh::fuzz {

// One register access at `offset` of the device: returns the value read
// (reads) or 0 (writes).
using DeviceIo = std::function<uint64_t(uint64_t offset, unsigned len, bool write, uint64_t value)>;

// peripherals/uart16550.h: divisor 0, IER/LCR/MCR/SCR 0, FIFOs off and
// empty, no overrun, no modem-status delta, the last received byte 0 (what
// RBR reads with an empty FIFO). Host input queued by push_input() is
// drained (at most `max_input` bytes).
inline void reset_uart(const DeviceIo& io, unsigned max_input) {
  using U = Uart16550;
  io(U::LCR, 1, true, 0x80);
  io(U::DLL, 1, true, 0);
  io(U::DLM, 1, true, 0);
  io(U::LCR, 1, true, 0);
  io(U::IER, 1, true, 0);
  io(U::MCR, 1, true, 0);
  io(U::FCR, 1, true, 0);
  for (unsigned i = 0; i <= max_input && (io(U::LSR, 1, false, 0) & 1); ++i) io(U::RBR, 1, false, 0);
  io(U::MCR, 1, true, 0x10);  // loopback: a 0 byte sent is received, read, and is the last byte
  io(U::THR, 1, true, 0);
  io(U::RBR, 1, false, 0);
  io(U::MCR, 1, true, 0);
  io(U::FCR, 1, true, 0x07);  // enable and clear both FIFOs
  io(U::FCR, 1, true, 0);     // disable (clears them again)
  io(U::LSR, 1, false, 0);    // clears OE
  io(U::MSR, 1, false, 0);    // clears the deltas
  io(U::IIR, 1, false, 0);
  io(U::SCR, 1, true, 0);
}

// peripherals/plic.h: every priority, enable and threshold 0, nothing
// pending, no gateway busy (the interrupt lines must be low, or they
// request again). Claims every pending source through context 0 and
// completes every source there.
inline void reset_plic(const DeviceIo& io, unsigned num_sources, unsigned num_contexts) {
  const unsigned words = num_sources / 32 + 1;
  const auto enable = [](unsigned c, unsigned w) { return Plic::kEnableBase + Plic::kEnableStride * c + 4ull * w; };
  const uint64_t threshold0 = Plic::kContextBase, claim0 = Plic::kContextBase + 4;
  for (unsigned s = 1; s <= num_sources; ++s) io(Plic::kPriorityBase + 4ull * s, 4, true, 1);
  for (unsigned w = 0; w < words; ++w) io(enable(0, w), 4, true, 0xffffffff);
  io(threshold0, 4, true, 0);
  for (unsigned i = 0; i <= num_sources && io(claim0, 4, false, 0) != 0; ++i) {
  }
  for (unsigned s = 1; s <= num_sources; ++s) io(claim0, 4, true, s);  // complete
  for (unsigned s = 1; s <= num_sources; ++s) io(Plic::kPriorityBase + 4ull * s, 4, true, 0);
  for (unsigned c = 0; c < num_contexts; ++c) {
    for (unsigned w = 0; w < words; ++w) io(enable(c, w), 4, true, 0);
    io(Plic::kContextBase + Plic::kContextStride * c, 4, true, 0);
  }
}

}  // namespace rvh::fuzz

#endif  // RVH_TESTS_FUZZ_DEVICE_RESET_H
