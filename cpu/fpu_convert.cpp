// cpu/fpu_convert.cpp: FCVT between floating point and integers, and between
// binary32 and binary64 (unpriv spec, "Single-Precision Floating-Point
// Conversion and Move Instructions" and the D chapter's counterpart).
#include "cpu/fpu.h"
#include "cpu/fpu_soft.h"

namespace rvh::fpu {
namespace {

using namespace detail;

// Rounds |value| of a finite non-zero operand to an integer magnitude per rm
// (the sign steers RDN/RUP). Sets `too_big` when the magnitude is >= 2^64.
inline uint64_t round_to_int_magnitude(const Unpacked& u, uint8_t rm, bool& inexact,
                                       bool& too_big) {
  too_big = u.exp >= 64;
  inexact = false;
  if (too_big) return 0;
  if (u.exp == 63) return u.sig;  // value = sig, already an integer
  uint64_t int_part, frac;        // frac: the fraction with its point above bit 63
  if (u.exp < -1) {               // |value| < 1/2: only the sticky bit survives
    int_part = 0;
    frac = 1;
  } else if (u.exp == -1) {
    int_part = 0;
    frac = u.sig;
  } else {
    int_part = u.sig >> (63 - u.exp);
    frac = u.sig << (u.exp + 1);
  }
  inexact = frac != 0;
  // int_part < 2^63 here, so the increment cannot wrap.
  return int_part + round_increment(u.sign, int_part & 1, frac, uint64_t(1) << 63, rm);
}

// Float -> integer with the saturation of the spec's table "Domains of
// float-to-integer conversions": NaN and +inf/too-large give the maximum,
// -inf/too-small the minimum, all with NV and without NX. Otherwise NX if
// the rounded result differs from the operand. `max_pos` is the largest
// result, `max_neg_mag` the magnitude of the most negative one (0 for
// unsigned types). Returns the result as a two's-complement 64-bit value.
template <class F>
uint64_t to_int(typename F::Bits a, uint8_t rm, uint64_t max_pos, uint64_t max_neg_mag,
                uint8_t& flags) {
  const Unpacked u = unpack<F>(a);
  const uint64_t min_result = uint64_t(0) - max_neg_mag;
  switch (u.kind) {
    case Kind::kZero:
      return 0;
    case Kind::kNaN:
      flags |= kNV;
      return max_pos;
    case Kind::kInf:
      flags |= kNV;
      return u.sign ? min_result : max_pos;
    case Kind::kFinite:
      break;
  }
  bool inexact, too_big;
  const uint64_t mag = round_to_int_magnitude(u, rm, inexact, too_big);
  // A negative operand that rounds to zero is in range even for unsigned
  // targets (e.g. -0.3 -> 0 with NX under RNE).
  const bool in_range = !too_big && (u.sign ? mag <= max_neg_mag : mag <= max_pos);
  if (!in_range) {
    flags |= kNV;
    return u.sign ? min_result : max_pos;
  }
  if (inexact) flags |= kNX;
  return u.sign ? uint64_t(0) - mag : mag;
}

constexpr uint64_t kI32Max = 0x7fffffffu, kI32MinMag = 0x80000000u, kU32Max = 0xffffffffu;
constexpr uint64_t kI64Max = 0x7fffffffffffffffull, kI64MinMag = 0x8000000000000000ull;
constexpr uint64_t kU64Max = ~uint64_t(0);

template <class F>
int32_t to_i32(typename F::Bits a, uint8_t rm, uint8_t& flags) {
  return int32_t(uint32_t(to_int<F>(a, rm, kI32Max, kI32MinMag, flags)));
}
template <class F>
uint32_t to_u32(typename F::Bits a, uint8_t rm, uint8_t& flags) {
  return uint32_t(to_int<F>(a, rm, kU32Max, 0, flags));
}
template <class F>
int64_t to_i64(typename F::Bits a, uint8_t rm, uint8_t& flags) {
  return int64_t(to_int<F>(a, rm, kI64Max, kI64MinMag, flags));
}
template <class F>
uint64_t to_u64(typename F::Bits a, uint8_t rm, uint8_t& flags) {
  return to_int<F>(a, rm, kU64Max, 0, flags);
}

// Magnitude of a signed integer without overflow for the minimum value.
inline uint64_t magnitude(int64_t v) { return v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v); }

// binary32 <-> binary64: NaNs become the canonical NaN (NV for sNaN),
// everything else is re-rounded (exact when widening).
template <class To, class From>
typename To::Bits convert_format(typename From::Bits a, uint8_t rm, uint8_t& flags) {
  const Unpacked u = unpack<From>(a);
  switch (u.kind) {
    case Kind::kNaN:
      if (u.snan) flags |= kNV;
      return To::kCanonicalNaN;
    case Kind::kInf:
      return signed_inf<To>(u.sign);
    case Kind::kZero:
      return signed_zero<To>(u.sign);
    case Kind::kFinite:
      break;
  }
  return round_pack<To>(u.sign, u.exp, u.sig, rm, flags);
}

}  // namespace

int32_t f32_to_i32(uint32_t a, uint8_t rm, uint8_t& flags) { return to_i32<F32>(a, rm, flags); }
uint32_t f32_to_u32(uint32_t a, uint8_t rm, uint8_t& flags) { return to_u32<F32>(a, rm, flags); }
int64_t f32_to_i64(uint32_t a, uint8_t rm, uint8_t& flags) { return to_i64<F32>(a, rm, flags); }
uint64_t f32_to_u64(uint32_t a, uint8_t rm, uint8_t& flags) { return to_u64<F32>(a, rm, flags); }

int32_t f64_to_i32(uint64_t a, uint8_t rm, uint8_t& flags) { return to_i32<F64>(a, rm, flags); }
uint32_t f64_to_u32(uint64_t a, uint8_t rm, uint8_t& flags) { return to_u32<F64>(a, rm, flags); }
int64_t f64_to_i64(uint64_t a, uint8_t rm, uint8_t& flags) { return to_i64<F64>(a, rm, flags); }
uint64_t f64_to_u64(uint64_t a, uint8_t rm, uint8_t& flags) { return to_u64<F64>(a, rm, flags); }

uint32_t i32_to_f32(int32_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F32>(a < 0, magnitude(a), rm, flags);
}
uint32_t u32_to_f32(uint32_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F32>(false, a, rm, flags);
}
uint32_t i64_to_f32(int64_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F32>(a < 0, magnitude(a), rm, flags);
}
uint32_t u64_to_f32(uint64_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F32>(false, a, rm, flags);
}

uint64_t i32_to_f64(int32_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F64>(a < 0, magnitude(a), rm, flags);
}
uint64_t u32_to_f64(uint32_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F64>(false, a, rm, flags);
}
uint64_t i64_to_f64(int64_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F64>(a < 0, magnitude(a), rm, flags);
}
uint64_t u64_to_f64(uint64_t a, uint8_t rm, uint8_t& flags) {
  return from_integer<F64>(false, a, rm, flags);
}

uint64_t f32_to_f64(uint32_t a, uint8_t& flags) { return convert_format<F64, F32>(a, kRNE, flags); }
uint32_t f64_to_f32(uint64_t a, uint8_t rm, uint8_t& flags) {
  return convert_format<F32, F64>(a, rm, flags);
}

}  // namespace rvh::fpu
