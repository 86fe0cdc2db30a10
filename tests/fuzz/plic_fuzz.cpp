// plic_fuzz.cpp -- the PLIC register file (peripherals/plic.*) driven by a
// TLM initiator and by its interrupt lines: random offsets, sizes, data and
// line levels, as a guest (or a hostile guest on the hosted hypervisor's
// virtual PLIC) and the devices can do.
//
// The bench (one per process, SystemC elaborates once): a PLIC as on the
// SoC (2 harts: 4 contexts, 95 sources, 3 priority bits), its source lines
// and context outputs on signals, a TlmProbe. Every input starts from reset
// (lines low, device_reset.h) and is a sequence of at most 256 operations
// of 9 bytes: op, offset (u32), value (u32).
//   op bits 1:0  0 read, 1 write, 2 set source line (value % 96) to op bit 7,
//                3 settle (run the pending delta cycles)
//   op bits 3:2  access size 1, 2, 4, 8
//   op bits 6:4  where `offset` points: 0 anywhere below 0x600000 (the
//                device size), 1 priorities, 2 pending, 3 enables, 4
//                threshold/claim of a context, 5-7 the offset as given
//
// Checks, besides the sanitizers: a claim returns 0 or a source 1..95 that
// is no longer pending; priorities and thresholds keep 3 bits; once
// settled, every context output equals context_irq(), and context_irq()
// equals what the registers say (some source pending, enabled for the
// context, with a priority above its threshold); reset leaves nothing
// pending or in service.
#include <cstdint>
#include <memory>

#include "peripherals/plic.h"
#include "tests/fuzz/device_reset.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/periph_test_util.h"  // TlmProbe, settle(); defines sc_main

namespace {

using rvh::Plic;

constexpr unsigned kHarts = 2, kSources = 95, kContexts = 2 * kHarts, kWords = kSources / 32 + 1;
constexpr unsigned kMaxOps = 256;

struct Bench {
  rvh::test::TlmProbe probe{"probe"};
  Plic plic{"plic", kHarts, kSources, 3};
  sc_core::sc_vector<sc_core::sc_signal<bool>> lines{"line", kSources + 1};
  sc_core::sc_vector<sc_core::sc_signal<bool>> ctx{"ctx", kContexts};

  Bench() {
    probe.sock.bind(plic.socket);
    plic.irq_in.bind(lines);
    plic.ctx_irq.bind(ctx);
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

uint64_t place(uint8_t where, uint32_t offset) {
  switch (where) {
    case 0: return offset % Plic::kSize;
    case 1: return Plic::kPriorityBase + 4ull * (offset % (kSources + 1)) + ((offset >> 16) & 3);
    case 2: return Plic::kPendingBase + 4ull * (offset % kWords) + ((offset >> 16) & 3);
    case 3: return Plic::kEnableBase + Plic::kEnableStride * ((offset >> 8) % kContexts) + 4ull * (offset % kWords) +
                   ((offset >> 16) & 3);
    case 4: return Plic::kContextBase + Plic::kContextStride * ((offset >> 8) % kContexts) + 4ull * (offset & 1) +
                   ((offset >> 16) & 3);
    default: return offset;
  }
}

// What the registers say context c's output should be.
bool expected_level(Bench& b, unsigned c) {
  const uint32_t thr = static_cast<uint32_t>(b.probe.read(Plic::kContextBase + Plic::kContextStride * c, 4));
  for (unsigned w = 0; w < kWords; ++w) {
    const uint32_t pending = static_cast<uint32_t>(b.probe.read(Plic::kPendingBase + 4ull * w, 4));
    const uint32_t enabled = static_cast<uint32_t>(b.probe.read(Plic::kEnableBase + Plic::kEnableStride * c + 4ull * w, 4));
    for (unsigned bit = 0; bit < 32; ++bit) {
      const unsigned s = 32 * w + bit;
      if (((pending & enabled) >> bit) & 1) {
        FUZZ_CHECK(s >= 1 && s <= kSources, "source %u pending and enabled", s);
        if (b.plic.priority(s) > thr) return true;
      }
    }
  }
  return false;
}

void check_settled(Bench& b) {
  rvh::test::settle();
  for (unsigned c = 0; c < kContexts; ++c) {
    FUZZ_CHECK(b.ctx[c].read() == b.plic.context_irq(c), "context %u output %d, context_irq %d", c, b.ctx[c].read(),
               b.plic.context_irq(c));
    FUZZ_CHECK(b.plic.context_irq(c) == expected_level(b, c), "context %u level %d disagrees with the registers", c,
               b.plic.context_irq(c));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bench& b = bench();
  for (auto& l : b.lines) l.write(false);
  rvh::test::settle();
  rvh::fuzz::reset_plic([&b](uint64_t o, unsigned l, bool w, uint64_t v) { return b.io(o, l, w, v); }, kSources,
                        kContexts);
  rvh::test::settle();
  for (unsigned s = 1; s <= kSources; ++s)
    FUZZ_CHECK(!b.plic.pending(s) && !b.plic.in_service(s) && b.plic.priority(s) == 0, "source %u not reset", s);
  for (unsigned c = 0; c < kContexts; ++c)
    FUZZ_CHECK(!b.ctx[c].read() && b.plic.threshold(c) == 0, "context %u not reset", c);

  rvh::fuzz::ByteReader in(data, size);
  for (unsigned n = 0; n < kMaxOps && !in.empty(); ++n) {
    const uint8_t op = in.u8();
    const uint32_t raw_offset = in.u32();
    const uint32_t value = in.u32();
    const unsigned len = 1u << ((op >> 2) & 3);
    const uint64_t offset = place((op >> 4) & 7, raw_offset);
    switch (op & 3) {
      case 0: {
        const uint64_t v = b.probe.read(offset, len);
        const bool claim = len == 4 && offset >= Plic::kContextBase && (offset - Plic::kContextBase) % Plic::kContextStride == 4 &&
                           (offset - Plic::kContextBase) / Plic::kContextStride < kContexts;
        if (claim && b.probe.last_status == tlm::TLM_OK_RESPONSE) {
          FUZZ_CHECK(v <= kSources, "claim returned %llu", static_cast<unsigned long long>(v));
          if (v) FUZZ_CHECK(!b.plic.pending(static_cast<unsigned>(v)), "claimed source %llu still pending",
                            static_cast<unsigned long long>(v));
        }
        break;
      }
      case 1: b.probe.write(offset, value | (uint64_t{value} << 32), len); break;
      case 2: b.lines[value % (kSources + 1)].write((op & 0x80) != 0); break;
      case 3: check_settled(b); break;
    }
  }
  for (unsigned s = 1; s <= kSources; ++s) FUZZ_CHECK(b.plic.priority(s) <= 7, "priority %u > 7", s);
  for (unsigned c = 0; c < kContexts; ++c) FUZZ_CHECK(b.plic.threshold(c) <= 7, "threshold %u > 7", c);
  check_settled(b);
  return 0;
}
