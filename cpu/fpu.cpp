// cpu/fpu.cpp: F/D arithmetic (add, sub, mul, div, sqrt, fused multiply-add)
// on top of the integer soft-float core in cpu/fpu_soft.h. Comparisons live
// in fpu_compare.cpp, conversions in fpu_convert.cpp.
//
// NaN rule (unpriv spec, "NaN Generation and Propagation"): any NaN result is
// the canonical NaN; NV is raised for signaling NaN inputs and for invalid
// operations (inf-inf, 0*inf, 0/0, inf/inf, sqrt(<0)).
#include "cpu/fpu.h"

#include <utility>

#include "cpu/fpu_host.h"
#include "cpu/fpu_soft.h"

namespace rvh::fpu {
namespace {

using namespace detail;

// Canonical NaN for an operation with at least one NaN input.
template <class F>
typename F::Bits propagate_nan(bool any_snan, uint8_t& flags) {
  if (any_snan) flags |= kNV;
  return F::kCanonicalNaN;
}

template <class F>
typename F::Bits invalid(uint8_t& flags) {
  flags |= kNV;
  return F::kCanonicalNaN;
}

// Sign of an exact zero sum of operands with different signs, or of
// x + (-x): +0 except under round-down (IEEE 754-2008 6.3).
inline bool exact_zero_sign(uint8_t rm) { return rm == kRDN; }

// Adds two finite non-zero values given as 128-bit significands whose leading
// bit is at 125 (two bits of headroom) and exponents of that leading bit.
// Both significands have at least 20 low zero bits, so an alignment shift of
// 0 or 1 is exact. A larger shift is jammed into bit 0; then the larger
// operand dominates (cancellation loses at most one bit), the result keeps
// over 120 significant bits, and the odd sticky bit lies far below the
// rounding position: it rounds exactly like the true sum.
template <class F>
typename F::Bits add_wide(bool sa, int32_t ea, u128 xa, bool sb, int32_t eb, u128 xb, uint8_t rm,
                          uint8_t& flags) {
  if (ea < eb || (ea == eb && xa < xb)) {  // make `a` the larger magnitude
    std::swap(sa, sb);
    std::swap(ea, eb);
    std::swap(xa, xb);
  }
  xb = shift_right_jam128(xb, ea - eb);
  u128 sum;
  if (sa == sb) {
    sum = xa + xb;
  } else {
    sum = xa - xb;
    if (sum == 0) return signed_zero<F>(exact_zero_sign(rm));
  }
  // value = sum * 2^(ea - 125) = sum * 2^((ea + 2) - 127)
  return round_pack128<F>(sa, ea + 2, sum, rm, flags);
}

template <class F>
typename F::Bits add_impl(typename F::Bits a, typename F::Bits b, bool negate_b, uint8_t rm,
                          uint8_t& flags) {
  Unpacked x = unpack<F>(a), y = unpack<F>(b);
  y.sign ^= negate_b;
  if (x.kind == Kind::kNaN || y.kind == Kind::kNaN)
    return propagate_nan<F>(x.snan || y.snan, flags);
  if (x.kind == Kind::kInf) {
    if (y.kind == Kind::kInf && x.sign != y.sign) return invalid<F>(flags);  // inf - inf
    return signed_inf<F>(x.sign);
  }
  if (y.kind == Kind::kInf) return signed_inf<F>(y.sign);
  if (y.kind == Kind::kZero) {
    if (x.kind == Kind::kZero) {
      return signed_zero<F>(x.sign == y.sign ? x.sign : exact_zero_sign(rm));
    }
    return a;  // x + 0 == x exactly
  }
  if (x.kind == Kind::kZero) return b ^ (negate_b ? F::kSignBit : 0);
  return add_wide<F>(x.sign, x.exp, u128(x.sig) << 62, y.sign, y.exp, u128(y.sig) << 62, rm, flags);
}

template <class F>
typename F::Bits mul_impl(typename F::Bits a, typename F::Bits b, uint8_t rm, uint8_t& flags) {
  const Unpacked x = unpack<F>(a), y = unpack<F>(b);
  const bool sign = x.sign != y.sign;
  if (x.kind == Kind::kNaN || y.kind == Kind::kNaN)
    return propagate_nan<F>(x.snan || y.snan, flags);
  if (x.kind == Kind::kInf || y.kind == Kind::kInf) {
    if (x.kind == Kind::kZero || y.kind == Kind::kZero) return invalid<F>(flags);  // 0 * inf
    return signed_inf<F>(sign);
  }
  if (x.kind == Kind::kZero || y.kind == Kind::kZero) return signed_zero<F>(sign);
  // (x.sig * 2^(x.exp-63)) * (y.sig * 2^(y.exp-63)) = product * 2^((x.exp+y.exp+1) - 127)
  const u128 product = u128(x.sig) * y.sig;
  return round_pack128<F>(sign, x.exp + y.exp + 1, product, rm, flags);
}

template <class F>
typename F::Bits div_impl(typename F::Bits a, typename F::Bits b, uint8_t rm, uint8_t& flags) {
  const Unpacked x = unpack<F>(a), y = unpack<F>(b);
  const bool sign = x.sign != y.sign;
  if (x.kind == Kind::kNaN || y.kind == Kind::kNaN)
    return propagate_nan<F>(x.snan || y.snan, flags);
  if (x.kind == Kind::kInf) {
    if (y.kind == Kind::kInf) return invalid<F>(flags);  // inf / inf
    return signed_inf<F>(sign);
  }
  if (y.kind == Kind::kInf) return signed_zero<F>(sign);
  if (y.kind == Kind::kZero) {
    if (x.kind == Kind::kZero) return invalid<F>(flags);  // 0 / 0
    flags |= kDZ;                                         // finite non-zero / 0
    return signed_inf<F>(sign);
  }
  if (x.kind == Kind::kZero) return signed_zero<F>(sign);
  // (x.sig << 64) / y.sig lies in (2^63, 2^65): at least 64 significant
  // quotient bits; a non-zero remainder becomes the sticky bit.
  const u128 dividend = u128(x.sig) << 64;
  u128 quotient = dividend / y.sig;
  quotient |= (dividend % y.sig) != 0;
  // value = quotient * 2^(x.exp - y.exp - 64)
  return round_pack128<F>(sign, x.exp - y.exp + 63, quotient, rm, flags);
}

// floor(sqrt(n)) for n < 2^(2*pairs) by the classic digit recurrence, two
// bits of n per step; `rem` receives n - root^2 (zero iff n is a square).
// rem <= 2*root, so for pairs <= 54 everything but n fits in 64 bits.
inline uint64_t isqrt(u128 n, int pairs, uint64_t& rem) {
  uint64_t r = 0, root = 0;
  for (int i = pairs - 1; i >= 0; --i) {
    r = (r << 2) | uint64_t(n >> (2 * i) & 3);
    const uint64_t trial = (root << 2) | 1;  // (2*root + 1)^2 - (2*root)^2
    const bool fits = r >= trial;            // branch-free: the outcome is random
    r -= fits ? trial : 0;
    root = (root << 1) | fits;
  }
  rem = r;
  return root;
}

template <class F>
typename F::Bits sqrt_impl(typename F::Bits a, uint8_t rm, uint8_t& flags) {
  const Unpacked x = unpack<F>(a);
  if (x.kind == Kind::kNaN) return propagate_nan<F>(x.snan, flags);
  if (x.kind == Kind::kZero) return a;   // sqrt(-0) = -0
  if (x.sign) return invalid<F>(flags);  // negative, including -inf
  if (x.kind == Kind::kInf) return a;
  // value = m * 2^(exp - kFrac) with m the (kFrac+1)-bit significand.
  // Scale to n = m * 2^k with an even exponent and 2*kFrac+3 or +4 bits, so
  // that floor(sqrt(n)) has kFrac+2 bits: one round bit below the result's
  // precision; the remainder supplies the sticky bit.
  const uint64_t m = x.sig >> (63 - F::kFrac);
  int k = F::kFrac + 3;
  if ((x.exp - F::kFrac - k) & 1) --k;
  const int32_t half_exp = (x.exp - F::kFrac - k) / 2;  // exact: numerator is even
  uint64_t rem;
  const uint64_t root = isqrt(u128(m) << k, F::kFrac + 2, rem);  // bit kFrac+1 set
  const uint64_t sig = (root << (62 - F::kFrac)) | (rem != 0);
  // sqrt(value) = root.xxx * 2^half_exp; its leading bit has weight kFrac+1.
  return round_pack<F>(false, half_exp + F::kFrac + 1, sig, rm, flags);
}

// a*b + c with a single rounding (FMADD family). Per the RISC-V spec
// ("Single-Precision Floating-Point Computational Instructions"), inf*0 + qNaN
// must raise NV, which IEEE 754 only permits.
template <class F>
typename F::Bits fma_impl(typename F::Bits a, typename F::Bits b, typename F::Bits c,
                          bool negate_product, bool negate_addend, uint8_t rm, uint8_t& flags) {
  const Unpacked x = unpack<F>(a), y = unpack<F>(b);
  Unpacked z = unpack<F>(c);
  const bool sp = (x.sign != y.sign) != negate_product;  // sign of the product
  z.sign ^= negate_addend;
  const bool any_snan = x.snan || y.snan || z.snan;
  if (x.kind == Kind::kNaN || y.kind == Kind::kNaN) return propagate_nan<F>(any_snan, flags);
  const bool p_inf = x.kind == Kind::kInf || y.kind == Kind::kInf;
  const bool p_zero = x.kind == Kind::kZero || y.kind == Kind::kZero;
  if (p_inf && p_zero) return invalid<F>(flags);  // inf * 0 (+ anything, even qNaN)
  if (z.kind == Kind::kNaN) return propagate_nan<F>(any_snan, flags);
  if (p_inf) {
    if (z.kind == Kind::kInf && z.sign != sp) return invalid<F>(flags);  // inf - inf
    return signed_inf<F>(sp);
  }
  if (z.kind == Kind::kInf) return signed_inf<F>(z.sign);
  if (p_zero) {
    if (z.kind == Kind::kZero) return signed_zero<F>(sp == z.sign ? sp : exact_zero_sign(rm));
    return c ^ (negate_addend ? F::kSignBit : 0);  // 0 + c == c exactly
  }
  // The exact product has at most 2*(kFrac+1) <= 106 significant bits, i.e.
  // at least 22 trailing zero bits, so moving its leading bit to 125 is exact.
  u128 product = u128(x.sig) * y.sig;
  int32_t ep = x.exp + y.exp;  // exponent of the product's leading bit
  if (product >> 127) {
    product >>= 2;
    ep += 1;
  } else {
    product >>= 1;
  }
  if (z.kind == Kind::kZero) return round_pack128<F>(sp, ep + 2, product, rm, flags);
  return add_wide<F>(sp, ep, product, z.sign, z.exp, u128(z.sig) << 62, rm, flags);
}

}  // namespace

// ---- binary32 ----
uint32_t f32_add(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags) {
  return add_impl<F32>(a, b, false, rm, flags);
}
uint32_t f32_sub(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags) {
  return add_impl<F32>(a, b, true, rm, flags);
}
uint32_t f32_mul(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags) {
  return mul_impl<F32>(a, b, rm, flags);
}
uint32_t f32_div(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags) {
  return div_impl<F32>(a, b, rm, flags);
}
uint32_t f32_sqrt(uint32_t a, uint8_t rm, uint8_t& flags) { return sqrt_impl<F32>(a, rm, flags); }
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, bool negate_product, bool negate_addend,
                 uint8_t rm, uint8_t& flags) {
  return fma_impl<F32>(a, b, c, negate_product, negate_addend, rm, flags);
}

// ---- binary64 ----
// The host's FPU first where it gives the same bits and flags (cpu/fpu_host.h).
uint64_t f64_add(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) {
  uint64_t r;
  if (host::add(a, b, rm, flags, r)) return r;
  return add_impl<F64>(a, b, false, rm, flags);
}
uint64_t f64_sub(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) {
  uint64_t r;
  if (host::add(a, b ^ (1ull << 63), rm, flags, r)) return r;
  return add_impl<F64>(a, b, true, rm, flags);
}
uint64_t f64_mul(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) {
  uint64_t r;
  if (host::mul(a, b, rm, flags, r)) return r;
  return mul_impl<F64>(a, b, rm, flags);
}
uint64_t f64_div(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) {
  uint64_t r;
  if (host::div(a, b, rm, flags, r)) return r;
  return div_impl<F64>(a, b, rm, flags);
}
uint64_t f64_sqrt(uint64_t a, uint8_t rm, uint8_t& flags) {
  uint64_t r;
  if (host::sqrt(a, rm, flags, r)) return r;
  return sqrt_impl<F64>(a, rm, flags);
}

// The soft-float core alone (cpu/fpu.h, namespace soft).
namespace soft {
uint64_t f64_add(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) { return add_impl<F64>(a, b, false, rm, flags); }
uint64_t f64_sub(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) { return add_impl<F64>(a, b, true, rm, flags); }
uint64_t f64_mul(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) { return mul_impl<F64>(a, b, rm, flags); }
uint64_t f64_div(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags) { return div_impl<F64>(a, b, rm, flags); }
uint64_t f64_sqrt(uint64_t a, uint8_t rm, uint8_t& flags) { return sqrt_impl<F64>(a, rm, flags); }
}  // namespace soft
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend,
                 uint8_t rm, uint8_t& flags) {
  return fma_impl<F64>(a, b, c, negate_product, negate_addend, rm, flags);
}

}  // namespace rvh::fpu
