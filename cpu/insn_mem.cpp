// cpu/insn_mem.cpp: loads, stores, LR/SC and AMOs (unpriv spec, "RV64I"
// loads/stores, "A" extension). Misaligned plain loads/stores are emulated
// in hardware (docs/cpu.md); misaligned LR/SC/AMOs raise address-misaligned
// (cause 4 for LR, 6 for SC and AMOs) with tval = the address.
#include "cpu/hart.h"
#include "cpu/insns.h"

namespace rvh::insn {
namespace {
inline uint64_t ea(const Hart& h, const DecodedInsn& d) { return h.x[d.rs1] + d.imm; }
inline uint64_t sext32(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }

// Read-modify-write of an aligned word/doubleword with store permission.
template <typename T, typename Op>
void amo(Hart& h, const DecodedInsn& d, Op op) {
  const uint64_t vaddr = h.x[d.rs1];
  uint64_t paddr = 0;
  uint8_t* p = h.amo_host_pointer(vaddr, sizeof(T), &paddr);
  T old;
  if (p) {
    std::memcpy(&old, p, sizeof(T));
    const T next = op(old, static_cast<T>(h.x[d.rs2]));
    std::memcpy(p, &next, sizeof(T));
    h.amo_done(vaddr, sizeof(T), static_cast<uint64_t>(old), static_cast<uint64_t>(next));
  } else {  // not RAM: a read then a write through the bus
    old = h.load<T>(vaddr);
    h.store<T>(vaddr, op(old, static_cast<T>(h.x[d.rs2])));
  }
  if (paddr == h.reservation) h.reservation = ~0ull;
  h.x[d.rd] = sizeof(T) == 4 ? sext32(static_cast<uint64_t>(old)) : static_cast<uint64_t>(old);
}

template <typename T>
void load_reserved(Hart& h, const DecodedInsn& d) {
  const uint64_t vaddr = h.x[d.rs1];
  if (vaddr & (sizeof(T) - 1)) h.raise(csr::kCauseMisalignedLoad, vaddr);
  const T v = h.load<T>(vaddr);
  h.reservation = h.amo_paddr(vaddr, sizeof(T));
  h.x[d.rd] = sizeof(T) == 4 ? sext32(static_cast<uint64_t>(v)) : static_cast<uint64_t>(v);
}

template <typename T>
void store_conditional(Hart& h, const DecodedInsn& d) {
  const uint64_t vaddr = h.x[d.rs1];
  if (vaddr & (sizeof(T) - 1)) h.raise(csr::kCauseMisalignedStore, vaddr);
  const uint64_t paddr = h.amo_paddr(vaddr, sizeof(T));  // faults even if the SC would fail
  const bool ok = h.reservation == paddr;
  h.reservation = ~0ull;
  if (ok) h.store<T>(vaddr, static_cast<T>(h.x[d.rs2]));
  h.x[d.rd] = ok ? 0 : 1;
}

template <typename T>
T smin(T a, T b) { return static_cast<T>(std::min(static_cast<std::make_signed_t<T>>(a), static_cast<std::make_signed_t<T>>(b))); }
template <typename T>
T smax(T a, T b) { return static_cast<T>(std::max(static_cast<std::make_signed_t<T>>(a), static_cast<std::make_signed_t<T>>(b))); }

// A fault leaves the trap to the run loop (Hart::load_deferring) and the
// register unwritten.
template <typename T>
inline void load_into(Hart& h, const DecodedInsn& d) {
  T v;
  if (!h.load_deferring<T>(ea(h, d), v)) return;
  if constexpr (std::is_signed_v<T>)
    h.x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(v));
  else
    h.x[d.rd] = v;
}
}  // namespace

RVH_INSN(lb) { load_into<int8_t>(h, d); }
RVH_INSN(lh) { load_into<int16_t>(h, d); }
RVH_INSN(lw) { load_into<int32_t>(h, d); }
RVH_INSN(ld) { load_into<uint64_t>(h, d); }
RVH_INSN(lbu) { load_into<uint8_t>(h, d); }
RVH_INSN(lhu) { load_into<uint16_t>(h, d); }
RVH_INSN(lwu) { load_into<uint32_t>(h, d); }
RVH_INSN(sb) { h.store_deferring<uint8_t>(ea(h, d), static_cast<uint8_t>(h.x[d.rs2])); }
RVH_INSN(sh) { h.store_deferring<uint16_t>(ea(h, d), static_cast<uint16_t>(h.x[d.rs2])); }
RVH_INSN(sw) { h.store_deferring<uint32_t>(ea(h, d), static_cast<uint32_t>(h.x[d.rs2])); }
RVH_INSN(sd) { h.store_deferring<uint64_t>(ea(h, d), h.x[d.rs2]); }

RVH_INSN(lr_w) { load_reserved<uint32_t>(h, d); }
RVH_INSN(lr_d) { load_reserved<uint64_t>(h, d); }
RVH_INSN(sc_w) { store_conditional<uint32_t>(h, d); }
RVH_INSN(sc_d) { store_conditional<uint64_t>(h, d); }

RVH_INSN(amoswap_w) { amo<uint32_t>(h, d, [](uint32_t, uint32_t b) { return b; }); }
RVH_INSN(amoadd_w) { amo<uint32_t>(h, d, [](uint32_t a, uint32_t b) { return a + b; }); }
RVH_INSN(amoxor_w) { amo<uint32_t>(h, d, [](uint32_t a, uint32_t b) { return a ^ b; }); }
RVH_INSN(amoand_w) { amo<uint32_t>(h, d, [](uint32_t a, uint32_t b) { return a & b; }); }
RVH_INSN(amoor_w) { amo<uint32_t>(h, d, [](uint32_t a, uint32_t b) { return a | b; }); }
RVH_INSN(amomin_w) { amo<uint32_t>(h, d, smin<uint32_t>); }
RVH_INSN(amomax_w) { amo<uint32_t>(h, d, smax<uint32_t>); }
RVH_INSN(amominu_w) { amo<uint32_t>(h, d, [](uint32_t a, uint32_t b) { return std::min(a, b); }); }
RVH_INSN(amomaxu_w) { amo<uint32_t>(h, d, [](uint32_t a, uint32_t b) { return std::max(a, b); }); }
RVH_INSN(amoswap_d) { amo<uint64_t>(h, d, [](uint64_t, uint64_t b) { return b; }); }
RVH_INSN(amoadd_d) { amo<uint64_t>(h, d, [](uint64_t a, uint64_t b) { return a + b; }); }
RVH_INSN(amoxor_d) { amo<uint64_t>(h, d, [](uint64_t a, uint64_t b) { return a ^ b; }); }
RVH_INSN(amoand_d) { amo<uint64_t>(h, d, [](uint64_t a, uint64_t b) { return a & b; }); }
RVH_INSN(amoor_d) { amo<uint64_t>(h, d, [](uint64_t a, uint64_t b) { return a | b; }); }
RVH_INSN(amomin_d) { amo<uint64_t>(h, d, smin<uint64_t>); }
RVH_INSN(amomax_d) { amo<uint64_t>(h, d, smax<uint64_t>); }
RVH_INSN(amominu_d) { amo<uint64_t>(h, d, [](uint64_t a, uint64_t b) { return std::min(a, b); }); }
RVH_INSN(amomaxu_d) { amo<uint64_t>(h, d, [](uint64_t a, uint64_t b) { return std::max(a, b); }); }

// FP loads/stores: binary32 values are NaN-boxed in the 64-bit f registers.
RVH_INSN(flw) {
  h.require_fp(d.raw);
  const uint32_t v = h.load<uint32_t>(ea(h, d));
  h.f[d.rd] = 0xffffffff00000000ull | v;
  h.set_fs_dirty();
}
RVH_INSN(fld) {
  h.require_fp(d.raw);
  h.f[d.rd] = h.load<uint64_t>(ea(h, d));
  h.set_fs_dirty();
}
RVH_INSN(fsw) {
  h.require_fp(d.raw);
  h.store<uint32_t>(ea(h, d), static_cast<uint32_t>(h.f[d.rs2]));
}
RVH_INSN(fsd) {
  h.require_fp(d.raw);
  h.store<uint64_t>(ea(h, d), h.f[d.rs2]);
}

}  // namespace rvh::insn
