// mmio_decode_fuzz.cpp -- the MMIO instruction decoder of the hosted
// hypervisor (hyp/mmio_decode.*), which a guest feeds with any instruction
// it likes (the raw bits behind an MMIO guest-page fault) or the hardware
// with any htinst value.
//
// Input: 4 bytes of instruction bits (little-endian), 1 byte whose bit 0
// selects htinst (1) or raw fetched bits (0), 8 bytes of device data for
// the load result. Shorter inputs are zero-padded.
//
// Checks, besides the sanitizers: the result is well formed (width 1/2/4/8,
// register < 32, length 2/4, a reason exactly for unsupported ones), and it
// agrees with the hart's own decoder (cpu/decode.cpp) on which integer
// load/store the instruction is, its register and its length: for raw bits
// directly, for htinst the 32-bit form (bit 1 set) of the transformed
// instruction. A compressed instruction and its expansion classify alike.
// mmio_load_result keeps exactly `width` bytes, sign- or zero-extended.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cpu/decoded_insn.h"
#include "cpu/insns.h"
#include "hyp/mmio_decode.h"
#include "tests/fuzz/fuzz_sc_main.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using rvh::hyp::MmioInsn;

struct Expected {
  MmioInsn::Kind kind = MmioInsn::kUnsupported;
  unsigned width = 0;
  bool sign_extend = false;
};

// The integer load/store the hart's decoder sees in `bits`.
Expected from_hart_decoder(const rvh::DecodedInsn& d) {
  using namespace rvh::insn;
  struct Row {
    rvh::InsnHandler exec;
    MmioInsn::Kind kind;
    unsigned width;
    bool sign_extend;
  };
  static const Row rows[] = {
      {lb, MmioInsn::kLoad, 1, true},     {lh, MmioInsn::kLoad, 2, true},
      {lw, MmioInsn::kLoad, 4, true},     {ld, MmioInsn::kLoad, 8, false},
      {lbu, MmioInsn::kLoad, 1, false},   {lhu, MmioInsn::kLoad, 2, false},
      {lwu, MmioInsn::kLoad, 4, false},   {sb, MmioInsn::kStore, 1, false},
      {sh, MmioInsn::kStore, 2, false},   {sw, MmioInsn::kStore, 4, false},
      {sd, MmioInsn::kStore, 8, false},
  };
  for (const Row& r : rows)
    if (d.exec == r.exec) return {r.kind, r.width, r.sign_extend};
  return {};
}

void check_against_hart(const MmioInsn& m, uint32_t bits32, unsigned length, const char* what) {
  const rvh::DecodedInsn d = rvh::decode_instruction(bits32);
  const Expected e = from_hart_decoder(d);
  const unsigned hart_rd = d.rd == 32 ? 0 : d.rd;  // the hart's sink register for x0
  const unsigned reg = e.kind == MmioInsn::kLoad ? hart_rd : d.rs2;
  FUZZ_CHECK(m.kind == e.kind, "%s 0x%08x: MMIO decoder kind %d, hart decoder %d", what, bits32,
             static_cast<int>(m.kind), static_cast<int>(e.kind));
  if (e.kind == MmioInsn::kUnsupported) return;
  FUZZ_CHECK(m.width == e.width && m.sign_extend == e.sign_extend,
             "%s 0x%08x: width %u/%d, hart %u/%d", what, bits32, m.width, m.sign_extend, e.width,
             e.sign_extend);
  FUZZ_CHECK(m.reg == reg, "%s 0x%08x: register x%u, hart x%u", what, bits32, m.reg, reg);
  FUZZ_CHECK(m.length == length, "%s 0x%08x: length %u, expected %u", what, bits32, m.length, length);
}

void check_well_formed(const MmioInsn& m) {
  FUZZ_CHECK(m.length == 2 || m.length == 4, "length %u", m.length);
  if (m.kind == MmioInsn::kUnsupported) {
    FUZZ_CHECK(!m.why.empty(), "unsupported without a reason (insn 0x%08x)", m.insn);
    return;
  }
  FUZZ_CHECK(m.why.empty(), "a %s with a reason", m.kind == MmioInsn::kLoad ? "load" : "store");
  FUZZ_CHECK(m.width == 1 || m.width == 2 || m.width == 4 || m.width == 8, "width %u", m.width);
  FUZZ_CHECK(m.reg < 32, "register %u", m.reg);
  FUZZ_CHECK((m.insn & 3) == 3, "classified encoding 0x%08x has bits 1:0 != 11", m.insn);
  FUZZ_CHECK(m.kind == MmioInsn::kLoad || !m.sign_extend, "a sign-extending store");
}

void check_load_result(const MmioInsn& m, uint64_t raw) {
  if (m.kind != MmioInsn::kLoad) return;
  const uint64_t v = rvh::hyp::mmio_load_result(m, raw);
  const unsigned bits = 8 * m.width;
  const uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
  FUZZ_CHECK((v & mask) == (raw & mask), "load result 0x%llx loses data bits of 0x%llx",
             static_cast<unsigned long long>(v), static_cast<unsigned long long>(raw));
  if (bits == 64) return;
  const bool negative = m.sign_extend && ((raw >> (bits - 1)) & 1);
  FUZZ_CHECK((v & ~mask) == (negative ? ~mask : 0), "load result 0x%llx badly extended (width %u)",
             static_cast<unsigned long long>(v), m.width);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rvh::fuzz::ByteReader in(data, size);
  const uint32_t bits = in.u32();
  const bool from_htinst = in.u8() & 1;
  const uint64_t raw = in.u64();

  const MmioInsn m = rvh::hyp::decode_mmio_instruction(bits, from_htinst);
  check_well_formed(m);
  check_load_result(m, raw);

  if (from_htinst) {
    // Transformed instruction: classified as its 32-bit form; bit 1 clear
    // means a compressed original (length 2). Zero and bit 0 clear: none.
    if (bits & 1) check_against_hart(m, bits | 3, (bits & 2) ? 4 : 2, "htinst");
    else FUZZ_CHECK(m.kind == MmioInsn::kUnsupported, "htinst 0x%08x with bit 0 clear decoded", bits);
  } else if ((bits & 3) == 3) {
    check_against_hart(m, bits, 4, "insn");
  } else {
    // Compressed: the hart decodes the 16 bits; the expansion (m.insn)
    // must classify the same way as a 32-bit instruction.
    check_against_hart(m, bits & 0xffff, 2, "compressed insn");
    if (m.insn != 0) {
      const MmioInsn wide = rvh::hyp::decode_mmio_instruction(m.insn, false);
      FUZZ_CHECK(wide.kind == m.kind && wide.width == m.width && wide.reg == m.reg &&
                     wide.sign_extend == m.sign_extend && wide.length == 4,
                 "compressed 0x%04x and its expansion 0x%08x classify differently", bits & 0xffff,
                 m.insn);
    }
  }
  return 0;
}
