// cpu/fpu_soft.h: internal soft-float core shared by the fpu_*.cpp files.
// Not part of the FPU's public interface (that is cpu/fpu.h).
//
// Every finite non-zero operand is unpacked to (sign, exp, sig) where `sig` is
// a 64-bit significand with its leading one at bit 63 and the value is
//     (-1)^sign * sig * 2^(exp - 63),
// so `exp` is the unbiased binary exponent of the leading bit. Operations
// compute an exact (or exactly-rounded-with-sticky) result in that form and
// hand it to round_pack(), the single place where rounding, subnormals,
// overflow and the NX/UF/OF flags are decided.
#pragma once
#include <cstdint>

#include "cpu/fpu.h"

namespace rvh::fpu::detail {

using u128 = unsigned __int128;

// IEEE 754 binary interchange format parameters.
template <typename U, int kExpBits, int kFracBits>
struct Format {
  using Bits = U;
  static constexpr int kFrac = kFracBits;                  // stored fraction bits
  static constexpr int kWidth = 1 + kExpBits + kFracBits;  // 32 or 64
  static constexpr int kBias = (1 << (kExpBits - 1)) - 1;  // 127 or 1023
  static constexpr int kExpMax = (1 << kExpBits) - 1;      // field of inf/NaN
  static constexpr U kSignBit = U(1) << (kWidth - 1);
  static constexpr U kFracMask = (U(1) << kFracBits) - 1;
  static constexpr U kInf = U(kExpMax) << kFracBits;
  static constexpr U kMaxFinite = kInf - 1;
  static constexpr U kQuietBit = U(1) << (kFracBits - 1);
  static constexpr U kCanonicalNaN = kInf | kQuietBit;  // +, quiet, payload 0
};
using F32 = Format<uint32_t, 8, 23>;
using F64 = Format<uint64_t, 11, 52>;
static_assert(F32::kCanonicalNaN == kCanonicalNaN32);
static_assert(F64::kCanonicalNaN == kCanonicalNaN64);

enum class Kind : uint8_t { kZero, kFinite, kInf, kNaN };

struct Unpacked {
  Kind kind;
  bool sign;
  bool snan;     // only meaningful when kind == kNaN
  int32_t exp;   // only meaningful when kind == kFinite
  uint64_t sig;  // only meaningful when kind == kFinite; bit 63 set
};

inline int clz64(uint64_t x) { return __builtin_clzll(x); }  // x != 0

inline int clz128(u128 x) {  // x != 0
  const uint64_t hi = uint64_t(x >> 64);
  return hi ? clz64(hi) : 64 + clz64(uint64_t(x));
}

// x >> n, with every shifted-out one bit ORed ("jammed") into bit 0 so that
// later rounding still sees the value as inexact.
inline uint64_t shift_right_jam(uint64_t x, int n) {
  if (n <= 0) return x;
  if (n >= 64) return x != 0;
  return (x >> n) | ((x << (64 - n)) != 0);
}

inline u128 shift_right_jam128(u128 x, int n) {
  if (n <= 0) return x;
  if (n >= 128) return x != 0;
  return (x >> n) | ((x << (128 - n)) != 0);
}

template <class F>
Unpacked unpack(typename F::Bits x) {
  Unpacked u{};
  u.sign = (x & F::kSignBit) != 0;
  const int field = int((x >> F::kFrac) & F::kExpMax);
  const uint64_t frac = x & F::kFracMask;
  if (field == F::kExpMax) {
    u.kind = frac ? Kind::kNaN : Kind::kInf;
    u.snan = frac && !(frac & F::kQuietBit);
  } else if (field == 0) {
    if (frac == 0) {
      u.kind = Kind::kZero;
    } else {  // subnormal: frac * 2^(1 - bias - kFrac)
      const int lz = clz64(frac);
      u.kind = Kind::kFinite;
      u.sig = frac << lz;
      u.exp = (1 - F::kBias - F::kFrac) + (63 - lz);
    }
  } else {
    u.kind = Kind::kFinite;
    u.sig = (frac | (uint64_t(1) << F::kFrac)) << (63 - F::kFrac);
    u.exp = field - F::kBias;
  }
  return u;
}

template <class F>
bool is_nan(typename F::Bits x) {
  return (x & ~F::kSignBit) > F::kInf;
}

template <class F>
bool is_snan(typename F::Bits x) {
  return is_nan<F>(x) && !(x & F::kQuietBit);
}

template <class F>
typename F::Bits signed_zero(bool sign) {
  return sign ? F::kSignBit : 0;
}

template <class F>
typename F::Bits signed_inf(bool sign) {
  return F::kInf | signed_zero<F>(sign);
}

// Whether rounding adds one unit in the last kept place. `rem` is the
// discarded part and `half` the weight of its most significant bit (0.5 ulp).
inline bool round_increment(bool sign, bool lsb, uint64_t rem, uint64_t half, uint8_t rm) {
  switch (rm) {
    case kRTZ:
      return false;
    case kRDN:
      return sign && rem != 0;
    case kRUP:
      return !sign && rem != 0;
    case kRMM:
      return rem >= half;  // ties away from zero
    default:
      return rem > half || (rem == half && lsb);  // kRNE: ties to even
  }
}

// Result of an overflow (unpriv spec defers to IEEE 754 7.4): infinity for
// the nearest modes, otherwise infinity only when rounding away from zero.
template <class F>
typename F::Bits overflow_result(bool sign, uint8_t rm, uint8_t& flags) {
  flags |= kOF | kNX;
  const bool to_inf = rm == kRNE || rm == kRMM || (rm == kRDN && sign) || (rm == kRUP && !sign);
  return (to_inf ? F::kInf : F::kMaxFinite) | signed_zero<F>(sign);
}

// Rounds (-1)^sign * sig * 2^(exp-63) to format F. `sig` must have bit 63 set;
// bit 0 may be a sticky bit. Handles subnormal results, overflow and flags.
// Tininess is detected after rounding (unpriv spec, "F" chapter): a result
// is tiny if rounding it to F's precision with an unbounded exponent range
// gives a magnitude below 2^emin. UF is raised only when tiny AND inexact
// (IEEE 754-2008 7.5, default exception handling).
template <class F>
typename F::Bits round_pack(bool sign, int32_t exp, uint64_t sig, uint8_t rm, uint8_t& flags) {
  using Bits = typename F::Bits;
  constexpr int kDrop = 63 - F::kFrac;  // bits below the last kept place
  constexpr uint64_t kHalf = uint64_t(1) << (kDrop - 1);
  constexpr uint64_t kDropMask = (uint64_t(1) << kDrop) - 1;
  constexpr uint64_t kAllOnes = (uint64_t(1) << (F::kFrac + 1)) - 1;

  int32_t biased = exp + F::kBias;
  if (biased >= F::kExpMax) return overflow_result<F>(sign, rm, flags);

  uint32_t field;  // exponent field before any rounding carry
  bool tiny = false;
  if (biased >= 1) {
    field = uint32_t(biased - 1);  // the kept significand's implicit bit adds 1
  } else {
    // Below 2^emin before rounding. Only when the value lies in
    // [2^(emin-1), 2^emin) (biased == 0) can rounding carry it up to 2^emin.
    const uint64_t kept = sig >> kDrop;
    tiny =
        biased < 0 || kept != kAllOnes || !round_increment(sign, true, sig & kDropMask, kHalf, rm);
    sig = shift_right_jam(sig, 1 - biased);  // align to the subnormal grid
    field = 0;
  }

  const uint64_t rem = sig & kDropMask;
  uint64_t kept = sig >> kDrop;
  kept += round_increment(sign, kept & 1, rem, kHalf, rm);
  if (rem) {
    flags |= kNX;
    if (tiny) flags |= kUF;
  }
  // Adding (rather than ORing) lets a carry out of the significand bump the
  // exponent field, including subnormal -> smallest normal.
  const Bits mag = (Bits(field) << F::kFrac) + Bits(kept);
  if ((mag >> F::kFrac) >= Bits(F::kExpMax)) return overflow_result<F>(sign, rm, flags);
  return mag | signed_zero<F>(sign);
}

// Like round_pack, for a non-zero 128-bit significand:
// value = (-1)^sign * x * 2^(exp127 - 127).
template <class F>
typename F::Bits round_pack128(bool sign, int32_t exp127, u128 x, uint8_t rm, uint8_t& flags) {
  const int lz = clz128(x);
  x <<= lz;
  const uint64_t sig = uint64_t(x >> 64) | (uint64_t(x) != 0);
  return round_pack<F>(sign, exp127 - lz, sig, rm, flags);
}

// Rounds the unsigned 64-bit integer `mag` (sign applied afterwards) to F.
template <class F>
typename F::Bits from_integer(bool sign, uint64_t mag, uint8_t rm, uint8_t& flags) {
  if (mag == 0) return 0;  // integer zero converts to +0 in every mode
  const int lz = clz64(mag);
  return round_pack<F>(sign, 63 - lz, mag << lz, rm, flags);
}

}  // namespace rvh::fpu::detail
