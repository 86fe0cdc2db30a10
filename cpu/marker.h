// cpu/marker.h: simulator marker HINTs (docs/benchmarks.md), in the manner
// of gem5's m5ops: `slti x0, rs1, 0x520 + op`. The unprivileged spec
// designates SLTI with rd = x0 for custom HINTs (rv64.adoc, "HINT
// Instructions"), so any other hart, QEMU included, runs them as no-ops;
// rvh-vp's hart sees them directly, without a trap or an exit, under any
// hypervisor. They retire as the ALU instructions they are (same CPI).
//
//   op 0 name         append up to 8 bytes of a region name from rs1,
//                     little-endian, stopping at a NUL
//   op 1 begin        open a segment of the region named so far
//   op 2 end          close it; rs1 = iterations
//   op 3 mark         one latency sample: rs1 = a deadline in `time` ticks
//   op 4 sleep_until  sleep until `time` reaches rs1 exactly, or an
//                     interrupt is pending and enabled (Hart::sleep_until_time)
//   ops 5..15         reserved (no-ops, counted as errors by the recorder)
//
// The guest side is sw/guest/lib/rvh_marker.h.
#pragma once
#include <cstdint>

#include "cpu/decoded_insn.h"

namespace rvh::marker {

enum Op : unsigned { kName = 0, kBegin = 1, kEnd = 2, kMark = 3, kSleepUntil = 4 };

constexpr uint32_t kImmBase = 0x520;  // imm[11:4] = 0x52, op in imm[3:0]
constexpr InsnClass kClass = InsnClass::kAlu;

// Whether a 32-bit instruction is a marker: OP-IMM, funct3 SLTI, rd = x0,
// imm[11:4] = 0x52 (any rs1).
constexpr bool is_marker(uint32_t bits) {
  return (bits & 0x7f) == 0x13 && ((bits >> 12) & 7) == 2 && ((bits >> 7) & 0x1f) == 0 &&
         (bits >> 24) == (kImmBase >> 4);
}
constexpr uint32_t encode(unsigned op, unsigned rs1) {
  return 0x13 | 2u << 12 | (rs1 & 0x1f) << 15 | (kImmBase + (op & 0xf)) << 20;
}

}  // namespace rvh::marker
