// cpu/insn_fp.cpp: F and D instruction semantics on top of cpu/fpu.h.
// binary32 values live NaN-boxed in the 64-bit f registers; an operand that
// is not properly boxed reads as the canonical NaN (unpriv spec, "NaN Boxing
// of Narrower Values").
#include "cpu/fpu.h"
#include "cpu/hart.h"
#include "cpu/insns.h"

namespace rvh {

uint8_t Hart::resolve_rm(const DecodedInsn& d) const {
  const uint8_t rm = d.rm == 7 ? csr.frm : d.rm;
  if (rm > 4) throw Trap{csr::kCauseIllegalInsn, d.raw};
  return rm;
}

namespace insn {
namespace {
inline uint32_t unbox(uint64_t v) {
  return (v >> 32) == 0xffffffffu ? static_cast<uint32_t>(v) : fpu::kCanonicalNaN32;
}
inline uint64_t box(uint32_t v) { return 0xffffffff00000000ull | v; }
inline uint64_t sext32(uint32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }

// Shared prologue/epilogue: FS must be on; flags accrue into fflags.
struct FpOp {
  Hart& h;
  const DecodedInsn& d;
  uint8_t flags = 0;
  FpOp(Hart& hart, const DecodedInsn& insn) : h(hart), d(insn) { h.require_fp(d.raw); }
  uint8_t rm() const { return h.resolve_rm(d); }
  uint32_t s1() const { return unbox(h.f[d.rs1]); }
  uint32_t s2() const { return unbox(h.f[d.rs2]); }
  uint32_t s3() const { return unbox(h.f[d.rs3]); }
  uint64_t d1() const { return h.f[d.rs1]; }
  uint64_t d2() const { return h.f[d.rs2]; }
  uint64_t d3() const { return h.f[d.rs3]; }
  void write_s(uint32_t v) { h.f[d.rd] = box(v); h.set_fs_dirty(); accrue(); }
  void write_d(uint64_t v) { h.f[d.rd] = v; h.set_fs_dirty(); accrue(); }
  void write_x(uint64_t v) { h.x[d.rd] = v; accrue(); }
  // An instruction that raises flags writes fflags, even with those flags
  // set already: the commit log shows the write, as Spike's does.
  void accrue() {
    if (flags) {
      h.csr.fflags |= flags;
      h.set_fs_dirty();
      h.notify_csr_written(csr::kFflags, h.csr.fflags);
    }
  }
};
}  // namespace

RVH_INSN(fmadd_s) { FpOp o(h, d); o.write_s(fpu::f32_fma(o.s1(), o.s2(), o.s3(), false, false, o.rm(), o.flags)); }
RVH_INSN(fmsub_s) { FpOp o(h, d); o.write_s(fpu::f32_fma(o.s1(), o.s2(), o.s3(), false, true, o.rm(), o.flags)); }
RVH_INSN(fnmsub_s) { FpOp o(h, d); o.write_s(fpu::f32_fma(o.s1(), o.s2(), o.s3(), true, false, o.rm(), o.flags)); }
RVH_INSN(fnmadd_s) { FpOp o(h, d); o.write_s(fpu::f32_fma(o.s1(), o.s2(), o.s3(), true, true, o.rm(), o.flags)); }
RVH_INSN(fmadd_d) { FpOp o(h, d); o.write_d(fpu::f64_fma(o.d1(), o.d2(), o.d3(), false, false, o.rm(), o.flags)); }
RVH_INSN(fmsub_d) { FpOp o(h, d); o.write_d(fpu::f64_fma(o.d1(), o.d2(), o.d3(), false, true, o.rm(), o.flags)); }
RVH_INSN(fnmsub_d) { FpOp o(h, d); o.write_d(fpu::f64_fma(o.d1(), o.d2(), o.d3(), true, false, o.rm(), o.flags)); }
RVH_INSN(fnmadd_d) { FpOp o(h, d); o.write_d(fpu::f64_fma(o.d1(), o.d2(), o.d3(), true, true, o.rm(), o.flags)); }

RVH_INSN(fadd_s) { FpOp o(h, d); o.write_s(fpu::f32_add(o.s1(), o.s2(), o.rm(), o.flags)); }
RVH_INSN(fsub_s) { FpOp o(h, d); o.write_s(fpu::f32_sub(o.s1(), o.s2(), o.rm(), o.flags)); }
RVH_INSN(fmul_s) { FpOp o(h, d); o.write_s(fpu::f32_mul(o.s1(), o.s2(), o.rm(), o.flags)); }
RVH_INSN(fdiv_s) { FpOp o(h, d); o.write_s(fpu::f32_div(o.s1(), o.s2(), o.rm(), o.flags)); }
RVH_INSN(fsqrt_s) { FpOp o(h, d); o.write_s(fpu::f32_sqrt(o.s1(), o.rm(), o.flags)); }
RVH_INSN(fadd_d) { FpOp o(h, d); o.write_d(fpu::f64_add(o.d1(), o.d2(), o.rm(), o.flags)); }
RVH_INSN(fsub_d) { FpOp o(h, d); o.write_d(fpu::f64_sub(o.d1(), o.d2(), o.rm(), o.flags)); }
RVH_INSN(fmul_d) { FpOp o(h, d); o.write_d(fpu::f64_mul(o.d1(), o.d2(), o.rm(), o.flags)); }
RVH_INSN(fdiv_d) { FpOp o(h, d); o.write_d(fpu::f64_div(o.d1(), o.d2(), o.rm(), o.flags)); }
RVH_INSN(fsqrt_d) { FpOp o(h, d); o.write_d(fpu::f64_sqrt(o.d1(), o.rm(), o.flags)); }

RVH_INSN(fsgnj_s) { FpOp o(h, d); o.write_s((o.s1() & 0x7fffffffu) | (o.s2() & 0x80000000u)); }
RVH_INSN(fsgnjn_s) { FpOp o(h, d); o.write_s((o.s1() & 0x7fffffffu) | (~o.s2() & 0x80000000u)); }
RVH_INSN(fsgnjx_s) { FpOp o(h, d); o.write_s(o.s1() ^ (o.s2() & 0x80000000u)); }
RVH_INSN(fsgnj_d) { FpOp o(h, d); o.write_d((o.d1() & ~(1ull << 63)) | (o.d2() & (1ull << 63))); }
RVH_INSN(fsgnjn_d) { FpOp o(h, d); o.write_d((o.d1() & ~(1ull << 63)) | (~o.d2() & (1ull << 63))); }
RVH_INSN(fsgnjx_d) { FpOp o(h, d); o.write_d(o.d1() ^ (o.d2() & (1ull << 63))); }

RVH_INSN(fmin_s) { FpOp o(h, d); o.write_s(fpu::f32_min(o.s1(), o.s2(), o.flags)); }
RVH_INSN(fmax_s) { FpOp o(h, d); o.write_s(fpu::f32_max(o.s1(), o.s2(), o.flags)); }
RVH_INSN(fmin_d) { FpOp o(h, d); o.write_d(fpu::f64_min(o.d1(), o.d2(), o.flags)); }
RVH_INSN(fmax_d) { FpOp o(h, d); o.write_d(fpu::f64_max(o.d1(), o.d2(), o.flags)); }

RVH_INSN(fcvt_s_d) { FpOp o(h, d); o.write_s(fpu::f64_to_f32(o.d1(), o.rm(), o.flags)); }
RVH_INSN(fcvt_d_s) { FpOp o(h, d); (void)o.rm(); o.write_d(fpu::f32_to_f64(o.s1(), o.flags)); }

RVH_INSN(feq_s) { FpOp o(h, d); o.write_x(fpu::f32_eq(o.s1(), o.s2(), o.flags)); }
RVH_INSN(flt_s) { FpOp o(h, d); o.write_x(fpu::f32_lt(o.s1(), o.s2(), o.flags)); }
RVH_INSN(fle_s) { FpOp o(h, d); o.write_x(fpu::f32_le(o.s1(), o.s2(), o.flags)); }
RVH_INSN(feq_d) { FpOp o(h, d); o.write_x(fpu::f64_eq(o.d1(), o.d2(), o.flags)); }
RVH_INSN(flt_d) { FpOp o(h, d); o.write_x(fpu::f64_lt(o.d1(), o.d2(), o.flags)); }
RVH_INSN(fle_d) { FpOp o(h, d); o.write_x(fpu::f64_le(o.d1(), o.d2(), o.flags)); }

// Conversions to 32-bit integers sign-extend the result into rd (RV64).
RVH_INSN(fcvt_w_s) { FpOp o(h, d); o.write_x(sext32(static_cast<uint32_t>(fpu::f32_to_i32(o.s1(), o.rm(), o.flags)))); }
RVH_INSN(fcvt_wu_s) { FpOp o(h, d); o.write_x(sext32(fpu::f32_to_u32(o.s1(), o.rm(), o.flags))); }
RVH_INSN(fcvt_l_s) { FpOp o(h, d); o.write_x(static_cast<uint64_t>(fpu::f32_to_i64(o.s1(), o.rm(), o.flags))); }
RVH_INSN(fcvt_lu_s) { FpOp o(h, d); o.write_x(fpu::f32_to_u64(o.s1(), o.rm(), o.flags)); }
RVH_INSN(fcvt_w_d) { FpOp o(h, d); o.write_x(sext32(static_cast<uint32_t>(fpu::f64_to_i32(o.d1(), o.rm(), o.flags)))); }
RVH_INSN(fcvt_wu_d) { FpOp o(h, d); o.write_x(sext32(fpu::f64_to_u32(o.d1(), o.rm(), o.flags))); }
RVH_INSN(fcvt_l_d) { FpOp o(h, d); o.write_x(static_cast<uint64_t>(fpu::f64_to_i64(o.d1(), o.rm(), o.flags))); }
RVH_INSN(fcvt_lu_d) { FpOp o(h, d); o.write_x(fpu::f64_to_u64(o.d1(), o.rm(), o.flags)); }

RVH_INSN(fcvt_s_w) { FpOp o(h, d); o.write_s(fpu::i32_to_f32(static_cast<int32_t>(h.x[d.rs1]), o.rm(), o.flags)); }
RVH_INSN(fcvt_s_wu) { FpOp o(h, d); o.write_s(fpu::u32_to_f32(static_cast<uint32_t>(h.x[d.rs1]), o.rm(), o.flags)); }
RVH_INSN(fcvt_s_l) { FpOp o(h, d); o.write_s(fpu::i64_to_f32(static_cast<int64_t>(h.x[d.rs1]), o.rm(), o.flags)); }
RVH_INSN(fcvt_s_lu) { FpOp o(h, d); o.write_s(fpu::u64_to_f32(h.x[d.rs1], o.rm(), o.flags)); }
RVH_INSN(fcvt_d_w) { FpOp o(h, d); o.write_d(fpu::i32_to_f64(static_cast<int32_t>(h.x[d.rs1]), o.rm(), o.flags)); }
RVH_INSN(fcvt_d_wu) { FpOp o(h, d); o.write_d(fpu::u32_to_f64(static_cast<uint32_t>(h.x[d.rs1]), o.rm(), o.flags)); }
RVH_INSN(fcvt_d_l) { FpOp o(h, d); o.write_d(fpu::i64_to_f64(static_cast<int64_t>(h.x[d.rs1]), o.rm(), o.flags)); }
RVH_INSN(fcvt_d_lu) { FpOp o(h, d); o.write_d(fpu::u64_to_f64(h.x[d.rs1], o.rm(), o.flags)); }

// FMV.X.W copies the raw low 32 bits (no unboxing) and sign-extends them.
RVH_INSN(fmv_x_w) { FpOp o(h, d); o.write_x(sext32(static_cast<uint32_t>(h.f[d.rs1]))); }
RVH_INSN(fclass_s) { FpOp o(h, d); o.write_x(fpu::f32_classify(o.s1())); }
RVH_INSN(fmv_x_d) { FpOp o(h, d); o.write_x(h.f[d.rs1]); }
RVH_INSN(fclass_d) { FpOp o(h, d); o.write_x(fpu::f64_classify(o.d1())); }
RVH_INSN(fmv_w_x) { FpOp o(h, d); o.write_s(static_cast<uint32_t>(h.x[d.rs1])); }
RVH_INSN(fmv_d_x) { FpOp o(h, d); o.write_d(h.x[d.rs1]); }

}  // namespace insn
}  // namespace rvh
