// cpu/fpu_compare.cpp: FMIN/FMAX, FEQ/FLT/FLE and FCLASS for binary32 and
// binary64 (unpriv spec, "Single-Precision Floating-Point Compare
// Instructions" and "Single-Precision Floating-Point Classify Instruction").
#include "cpu/fpu.h"
#include "cpu/fpu_soft.h"

namespace rvh::fpu {
namespace {

using namespace detail;

// a < b on non-NaN operands; when `zero_ordered`, -0 < +0 (FMIN/FMAX only).
template <class F>
bool less(typename F::Bits a, typename F::Bits b, bool zero_ordered) {
  const bool sa = (a & F::kSignBit) != 0, sb = (b & F::kSignBit) != 0;
  if (sa != sb) {
    const bool both_zero = ((a | b) & ~F::kSignBit) == 0;
    return sa && (zero_ordered || !both_zero);
  }
  // Same sign: magnitudes order like the unsigned bit patterns.
  return a != b && ((a < b) != sa);
}

// minimumNumber / maximumNumber (IEEE 754-2019), as FMIN/FMAX define them:
// a single NaN operand yields the other operand, two NaNs the canonical NaN,
// and any signaling NaN raises NV even when the result is not NaN.
template <class F>
typename F::Bits min_max(typename F::Bits a, typename F::Bits b, bool want_max, uint8_t& flags) {
  if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
  const bool na = is_nan<F>(a), nb = is_nan<F>(b);
  if (na && nb) return F::kCanonicalNaN;
  if (na) return b;
  if (nb) return a;
  return less<F>(a, b, true) != want_max ? a : b;
}

// FEQ: quiet comparison, NV only for signaling NaNs.
template <class F>
bool eq(typename F::Bits a, typename F::Bits b, uint8_t& flags) {
  if (is_nan<F>(a) || is_nan<F>(b)) {
    if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
    return false;
  }
  return a == b || ((a | b) & ~F::kSignBit) == 0;  // +0 == -0
}

// FLT/FLE: signaling comparisons, NV for any NaN operand.
template <class F>
bool lt(typename F::Bits a, typename F::Bits b, uint8_t& flags) {
  if (is_nan<F>(a) || is_nan<F>(b)) {
    flags |= kNV;
    return false;
  }
  return less<F>(a, b, false);
}

template <class F>
bool le(typename F::Bits a, typename F::Bits b, uint8_t& flags) {
  if (is_nan<F>(a) || is_nan<F>(b)) {
    flags |= kNV;
    return false;
  }
  return !less<F>(b, a, false);
}

// FCLASS result: exactly one of bits 0..9 set (spec table "Format of result
// of fclass instruction").
template <class F>
uint32_t classify(typename F::Bits a) {
  const bool neg = (a & F::kSignBit) != 0;
  const typename F::Bits mag = a & ~F::kSignBit;
  const typename F::Bits exp_field = mag >> F::kFrac;
  if (mag > F::kInf) return (a & F::kQuietBit) ? 1u << 9 : 1u << 8;  // qNaN / sNaN
  if (mag == F::kInf) return neg ? 1u << 0 : 1u << 7;
  if (mag == 0) return neg ? 1u << 3 : 1u << 4;
  if (exp_field == 0) return neg ? 1u << 2 : 1u << 5;  // subnormal
  return neg ? 1u << 1 : 1u << 6;                      // normal
}

}  // namespace

uint32_t f32_min(uint32_t a, uint32_t b, uint8_t& flags) {
  return min_max<F32>(a, b, false, flags);
}
uint32_t f32_max(uint32_t a, uint32_t b, uint8_t& flags) { return min_max<F32>(a, b, true, flags); }
bool f32_eq(uint32_t a, uint32_t b, uint8_t& flags) { return eq<F32>(a, b, flags); }
bool f32_lt(uint32_t a, uint32_t b, uint8_t& flags) { return lt<F32>(a, b, flags); }
bool f32_le(uint32_t a, uint32_t b, uint8_t& flags) { return le<F32>(a, b, flags); }
uint32_t f32_classify(uint32_t a) { return classify<F32>(a); }

uint64_t f64_min(uint64_t a, uint64_t b, uint8_t& flags) {
  return min_max<F64>(a, b, false, flags);
}
uint64_t f64_max(uint64_t a, uint64_t b, uint8_t& flags) { return min_max<F64>(a, b, true, flags); }
bool f64_eq(uint64_t a, uint64_t b, uint8_t& flags) { return eq<F64>(a, b, flags); }
bool f64_lt(uint64_t a, uint64_t b, uint8_t& flags) { return lt<F64>(a, b, flags); }
bool f64_le(uint64_t a, uint64_t b, uint8_t& flags) { return le<F64>(a, b, flags); }
uint64_t f64_classify(uint64_t a) { return classify<F64>(a); }

}  // namespace rvh::fpu
