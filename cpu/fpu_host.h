// cpu/fpu_host.h: binary64 add, sub, mul, div and sqrt on the host's FPU
// where that gives exactly what the soft-float core gives (cpu/fpu.cpp
// tries these first; the idea is QEMU's "hardfloat").
//
// Under round-to-nearest-even (RNE), with operands that are normal or zero
// and a result that is finite and at least kHostFloor in magnitude, IEEE
// 754 fixes the result's bits, and the only flag that can arise is NX: no
// NaN or infinity goes in, and nothing can overflow, underflow (the result
// is far from tiny) or divide by zero (a zero divisor gives infinity, which
// is refused). Whether the result is exact is found with an error-free
// transformation: TwoSum for add and sub, the FMA remainder for the rest,
// exact because kHostFloor keeps every error term representable. Anything
// else returns false, and the caller takes the soft-float path.
//
// Needs the host to round to nearest without flush-to-zero: the process's
// default, which nothing in rvh-vp changes.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "cpu/fpu.h"

namespace rvh::fpu::host {

// 2^53 above the smallest normal number: a product's or quotient's error
// term is then a multiple of the smallest subnormal, so FMA computes it
// exactly.
constexpr double kHostFloor = 0x1p-969;

inline double value(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}
inline uint64_t bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
inline bool normal_or_zero(double x) {
  const int c = std::fpclassify(x);
  return c == FP_NORMAL || c == FP_ZERO;
}
inline bool usable(double r) { return std::isfinite(r) && std::fabs(r) >= kHostFloor; }

// a + b (b already negated for a subtraction).
inline bool add(uint64_t a_bits, uint64_t b_bits, uint8_t rm, uint8_t& flags, uint64_t& out) {
  const double a = value(a_bits), b = value(b_bits);
  if (rm != kRNE || !normal_or_zero(a) || !normal_or_zero(b)) return false;
  const double r = a + b;
  if (!usable(r)) return false;
  const double b_part = r - a;  // TwoSum (Knuth): r + err == a + b exactly
  const double err = (a - (r - b_part)) + (b - b_part);
  if (err != 0) flags |= kNX;
  out = bits(r);
  return true;
}

inline bool mul(uint64_t a_bits, uint64_t b_bits, uint8_t rm, uint8_t& flags, uint64_t& out) {
  const double a = value(a_bits), b = value(b_bits);
  if (rm != kRNE || !normal_or_zero(a) || !normal_or_zero(b)) return false;
  const double r = a * b;
  if (!usable(r)) return false;
  if (std::fma(a, b, -r) != 0) flags |= kNX;
  out = bits(r);
  return true;
}

inline bool div(uint64_t a_bits, uint64_t b_bits, uint8_t rm, uint8_t& flags, uint64_t& out) {
  const double a = value(a_bits), b = value(b_bits);
  if (rm != kRNE || !normal_or_zero(a) || !normal_or_zero(b) || std::fabs(a) < kHostFloor) return false;
  const double r = a / b;
  if (!usable(r)) return false;
  if (std::fma(r, b, -a) != 0) flags |= kNX;
  out = bits(r);
  return true;
}

inline bool sqrt(uint64_t a_bits, uint8_t rm, uint8_t& flags, uint64_t& out) {
  const double a = value(a_bits);
  if (rm != kRNE || !normal_or_zero(a) || !(a >= kHostFloor)) return false;
  const double r = std::sqrt(a);
  if (std::fma(r, r, -a) != 0) flags |= kNX;
  out = bits(r);
  return true;
}

}  // namespace rvh::fpu::host
