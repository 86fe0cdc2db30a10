// tests/unit/fpu_test.cpp: cpu/fpu.h against hand-computed IEEE 754 / RISC-V
// results (rounding-mode ties incl. RMM, tininess after rounding, overflow,
// NaN rules, FMIN/FMAX, compares, FCLASS, saturating conversions), plus a
// randomized cross-check of RNE/RTZ/RDN/RUP against the host's SSE FPU.
//
// The host cross-check needs -frounding-math (see tests/fpu_test_flags.cmake)
// so the compiler honours fesetround(); operands also go through volatile.
#include "cpu/fpu.h"
#include "cpu/fpu_host.h"

#include <gtest/gtest.h>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

#include <cfenv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

using namespace rvh::fpu;

namespace {

// ---------------------------------------------------------------------------
// Helpers

template <class T>
struct Out {
  T v;
  uint8_t f;
  bool operator==(const Out& o) const { return v == o.v && f == o.f; }
};

std::string flag_str(uint8_t f) {
  std::string s;
  if (f & kNV) s += "NV ";
  if (f & kDZ) s += "DZ ";
  if (f & kOF) s += "OF ";
  if (f & kUF) s += "UF ";
  if (f & kNX) s += "NX ";
  return s.empty() ? "-" : s;
}

template <class T>
std::ostream& operator<<(std::ostream& os, const Out<T>& o) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "0x%0*llx", int(sizeof(T) * 2), (unsigned long long)o.v);
  return os << buf << " [" << flag_str(o.f) << "]";
}

using O32 = Out<uint32_t>;
using O64 = Out<uint64_t>;
using OI32 = Out<int32_t>;
using OI64 = Out<int64_t>;

uint32_t b32(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
uint64_t b64(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return u;
}
float f32v(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}
double f64v(uint64_t u) {
  double x;
  std::memcpy(&x, &u, 8);
  return x;
}

// Calls fn(args..., rm, flags) with fresh flags and returns {result, flags}.
template <class Fn, class... Args>
auto call(Fn fn, uint8_t rm, Args... args) {
  uint8_t flags = 0;
  auto r = fn(args..., rm, flags);
  return Out<decltype(r)>{r, flags};
}
template <class Fn, class... Args>
auto call_norm(Fn fn, Args... args) {  // functions without a rounding mode
  uint8_t flags = 0;
  auto r = fn(args..., flags);
  return Out<decltype(r)>{r, flags};
}

constexpr uint8_t kModes[] = {kRNE, kRTZ, kRDN, kRUP, kRMM};
const char* mode_name(uint8_t rm) {
  static const char* names[] = {"RNE", "RTZ", "RDN", "RUP", "RMM"};
  return rm < 5 ? names[rm] : "?";
}

// Expected per rounding mode, indexed RNE, RTZ, RDN, RUP, RMM.
template <class T>
struct PerMode {
  Out<T> e[5];
};

template <class Fn>
void check_modes(const char* what, Fn fn, const PerMode<decltype(fn(kRNE).v)>& want) {
  for (uint8_t rm : kModes) EXPECT_EQ(fn(rm), want.e[rm]) << what << " rm=" << mode_name(rm);
}

// Frequently used binary32 / binary64 bit patterns.
constexpr uint32_t kOne32 = 0x3f800000, kTwo32 = 0x40000000, kMax32 = 0x7f7fffff;
constexpr uint32_t kInf32 = 0x7f800000, kNegInf32 = 0xff800000;
constexpr uint32_t kMinNorm32 = 0x00800000, kMinSub32 = 0x00000001;
constexpr uint32_t kQNaN32 = 0x7fc00000, kSNaN32 = 0x7f800001;
constexpr uint32_t kNegZero32 = 0x80000000;
constexpr uint64_t kOne64 = 0x3ff0000000000000, kTwo64 = 0x4000000000000000;
constexpr uint64_t kMax64 = 0x7fefffffffffffff, kInf64 = 0x7ff0000000000000;
constexpr uint64_t kNegInf64 = 0xfff0000000000000, kMinNorm64 = 0x0010000000000000;
constexpr uint64_t kQNaN64 = 0x7ff8000000000000, kSNaN64 = 0x7ff0000000000001;
constexpr uint64_t kNegZero64 = 0x8000000000000000;

// ---------------------------------------------------------------------------
// Rounding of ties and near-ties

TEST(FpuRounding, AddTieToEvenDown) {
  // 1 + 2^-24: exactly half an ulp above 1.0 whose last bit is even.
  check_modes("1+2^-24", [](uint8_t rm) { return call(f32_add, rm, kOne32, 0x33800000u); },
              {{{0x3f800000, kNX},
                {0x3f800000, kNX},
                {0x3f800000, kNX},
                {0x3f800001, kNX},
                {0x3f800001, kNX}}});
}

TEST(FpuRounding, AddTieToEvenUp) {
  // (1 + 2^-23) + 2^-24: tie with an odd last bit.
  check_modes("1+2^-23+2^-24",
              [](uint8_t rm) { return call(f32_add, rm, 0x3f800001u, 0x33800000u); },
              {{{0x3f800002, kNX},
                {0x3f800001, kNX},
                {0x3f800001, kNX},
                {0x3f800002, kNX},
                {0x3f800002, kNX}}});
}

TEST(FpuRounding, NegativeTie) {
  // -1 - 2^-24: RMM and RDN round away from zero, RUP/RTZ/RNE to -1.
  check_modes("-1-2^-24", [](uint8_t rm) { return call(f32_sub, rm, 0xbf800000u, 0x33800000u); },
              {{{0xbf800000, kNX},
                {0xbf800000, kNX},
                {0xbf800001, kNX},
                {0xbf800000, kNX},
                {0xbf800001, kNX}}});
}

TEST(FpuRounding, NearTies) {
  // 2^-24 * (1 + 2^-23) is just above half an ulp of 1.0.
  check_modes("above half", [](uint8_t rm) { return call(f32_add, rm, kOne32, 0x33800001u); },
              {{{0x3f800001, kNX},
                {0x3f800000, kNX},
                {0x3f800000, kNX},
                {0x3f800001, kNX},
                {0x3f800001, kNX}}});
  // 2^-25 * (2 - 2^-23) is just below half an ulp of 1.0.
  check_modes("below half", [](uint8_t rm) { return call(f32_add, rm, kOne32, 0x337fffffu); },
              {{{0x3f800000, kNX},
                {0x3f800000, kNX},
                {0x3f800000, kNX},
                {0x3f800001, kNX},
                {0x3f800000, kNX}}});
}

TEST(FpuRounding, F64AddTie) {
  // 1 + 2^-53 (half an ulp of 1.0).
  check_modes(
      "1+2^-53", [](uint8_t rm) { return call(f64_add, rm, kOne64, 0x3ca0000000000000ull); },
      {{{kOne64, kNX}, {kOne64, kNX}, {kOne64, kNX}, {kOne64 + 1, kNX}, {kOne64 + 1, kNX}}});
}

TEST(FpuRounding, MulTie) {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: tie between 1+2^-11 (even) and the next.
  check_modes("(1+2^-12)^2", [](uint8_t rm) { return call(f32_mul, rm, 0x3f800800u, 0x3f800800u); },
              {{{0x3f801000, kNX},
                {0x3f801000, kNX},
                {0x3f801000, kNX},
                {0x3f801001, kNX},
                {0x3f801001, kNX}}});
  // Negative product: directed modes mirror.
  check_modes("-(1+2^-12)^2",
              [](uint8_t rm) { return call(f32_mul, rm, 0xbf800800u, 0x3f800800u); },
              {{{0xbf801000, kNX},
                {0xbf801000, kNX},
                {0xbf801001, kNX},
                {0xbf801000, kNX},
                {0xbf801001, kNX}}});
}

TEST(FpuRounding, DivAndSqrt) {
  const uint64_t third = 0x3fd5555555555555ull;
  check_modes("1/3", [](uint8_t rm) { return call(f64_div, rm, kOne64, 0x4008000000000000ull); },
              {{{third, kNX}, {third, kNX}, {third, kNX}, {third + 1, kNX}, {third, kNX}}});
  const uint64_t sqrt2 = 0x3ff6a09e667f3bcdull;  // RN(sqrt(2)), which is above sqrt(2)
  check_modes("sqrt 2", [](uint8_t rm) { return call(f64_sqrt, rm, kTwo64); },
              {{{sqrt2, kNX}, {sqrt2 - 1, kNX}, {sqrt2 - 1, kNX}, {sqrt2, kNX}, {sqrt2, kNX}}});
  EXPECT_EQ(call(f64_sqrt, kRNE, 0x4010000000000000ull), (O64{kTwo64, 0}));  // sqrt 4
  EXPECT_EQ(call(f32_sqrt, kRUP, 0x40800000u), (O32{kTwo32, 0}));
  EXPECT_EQ(call(f32_sqrt, kRNE, 0x40000000u), (O32{0x3fb504f3, kNX}));  // sqrt 2
  // sqrt of the smallest subnormal: 2^-74.5 (binary32), 2^-537 (binary64).
  EXPECT_EQ(call(f32_sqrt, kRNE, kMinSub32), (O32{0x1a3504f3, kNX}));
  EXPECT_EQ(call(f64_sqrt, kRNE, 1ull), (O64{0x1e60000000000000ull, 0}));
}

// ---------------------------------------------------------------------------
// Subnormals, underflow (tininess after rounding) and overflow

TEST(FpuUnderflow, ExactSubnormalRaisesNothing) {
  // 2^-126 * 0.5 = 2^-127 exactly: tiny but exact, so no UF.
  EXPECT_EQ(call(f32_mul, kRNE, kMinNorm32, 0x3f000000u), (O32{0x00400000, 0}));
  EXPECT_EQ(call(f64_mul, kRNE, kMinNorm64, 0x3fe0000000000000ull), (O64{0x0008000000000000, 0}));
  // Subnormal - subnormal is always exact.
  EXPECT_EQ(call(f32_sub, kRNE, 0x00000003u, kMinSub32), (O32{0x00000002, 0}));
}

TEST(FpuUnderflow, HalfOfSmallestSubnormal) {
  // 2^-150 lies exactly between 0 and the smallest subnormal.
  check_modes("minsub/2", [](uint8_t rm) { return call(f32_mul, rm, kMinSub32, 0x3f000000u); },
              {{{0, kUF | kNX}, {0, kUF | kNX}, {0, kUF | kNX}, {1, kUF | kNX}, {1, kUF | kNX}}});
  check_modes(
      "-minsub/2",
      [](uint8_t rm) { return call(f64_mul, rm, 0x8000000000000001ull, 0x3fe0000000000000ull); },
      {{{kNegZero64, kUF | kNX},
        {kNegZero64, kUF | kNX},
        {kNegZero64 + 1, kUF | kNX},
        {kNegZero64, kUF | kNX},
        {kNegZero64 + 1, kUF | kNX}}});
}

TEST(FpuUnderflow, TininessAfterRoundingStillTiny) {
  // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: representable with unbounded
  // exponent (so tiny), but a tie on the subnormal grid; RNE rounds up to
  // 2^-126 and still raises UF because tininess is judged before the carry.
  check_modes("(1-2^-24)*2^-126",
              [](uint8_t rm) { return call(f32_mul, rm, 0x3f7fffffu, kMinNorm32); },
              {{{0x00800000, kUF | kNX},
                {0x007fffff, kUF | kNX},
                {0x007fffff, kUF | kNX},
                {0x00800000, kUF | kNX},
                {0x00800000, kUF | kNX}}});
  check_modes("(1-2^-53)*2^-1022",
              [](uint8_t rm) { return call(f64_mul, rm, 0x3fefffffffffffffull, kMinNorm64); },
              {{{kMinNorm64, kUF | kNX},
                {kMinNorm64 - 1, kUF | kNX},
                {kMinNorm64 - 1, kUF | kNX},
                {kMinNorm64, kUF | kNX},
                {kMinNorm64, kUF | kNX}}});
}

TEST(FpuUnderflow, TininessAfterRoundingNotTiny) {
  // 2^-126 * (1 - 2^-25): with unbounded exponent and 24-bit precision this
  // rounds (RNE/RMM/RUP) to 2^-126, so it is not tiny: NX without UF.
  const uint64_t v = 0x380ffffff0000000ull;  // binary64 (1 - 2^-25) * 2^-126
  ASSERT_EQ(f64v(v), std::ldexp(1.0 - std::ldexp(1.0, -25), -126));
  check_modes("f64->f32 2^-126(1-2^-25)", [=](uint8_t rm) { return call(f64_to_f32, rm, v); },
              {{{0x00800000, kNX},
                {0x007fffff, kUF | kNX},
                {0x007fffff, kUF | kNX},
                {0x00800000, kNX},
                {0x00800000, kNX}}});
  // The binary64 analogue through a fused multiply-add with a zero addend:
  // (1 - 2^-27) * (1 + 2^-27) * 2^-1022 = 2^-1022 - 2^-1076, exact product.
  check_modes("fma 2^-1022-2^-1076",
              [](uint8_t rm) {
                return call(f64_fma, rm, 0x3feffffffc000000ull, 0x0010000002000000ull, 0ull, false,
                            false);
              },
              {{{kMinNorm64, kNX},
                {kMinNorm64 - 1, kUF | kNX},
                {kMinNorm64 - 1, kUF | kNX},
                {kMinNorm64, kNX},
                {kMinNorm64, kNX}}});
}

TEST(FpuUnderflow, DeepUnderflow) {
  check_modes("f64->f32 1e-300", [](uint8_t rm) { return call(f64_to_f32, rm, b64(1e-300)); },
              {{{0, kUF | kNX}, {0, kUF | kNX}, {0, kUF | kNX}, {1, kUF | kNX}, {0, kUF | kNX}}});
  check_modes("minsub*minsub", [](uint8_t rm) { return call(f64_mul, rm, 1ull, 1ull); },
              {{{0, kUF | kNX}, {0, kUF | kNX}, {0, kUF | kNX}, {1, kUF | kNX}, {0, kUF | kNX}}});
  // Rounds up to the smallest normal from far below: RUP.
  EXPECT_EQ(call(f32_div, kRNE, kMinNorm32, 0x4b800000u), (O32{0, kUF | kNX}));  // 2^-126/2^24
  EXPECT_EQ(call(f32_div, kRNE, kMinNorm32, 0x4b000000u), (O32{1, 0}));          // 2^-126/2^23
}

TEST(FpuOverflow, PerRoundingMode) {
  check_modes("max*2", [](uint8_t rm) { return call(f32_mul, rm, kMax32, kTwo32); },
              {{{kInf32, kOF | kNX},
                {kMax32, kOF | kNX},
                {kMax32, kOF | kNX},
                {kInf32, kOF | kNX},
                {kInf32, kOF | kNX}}});
  check_modes("-max*2", [](uint8_t rm) { return call(f32_mul, rm, kMax32 | 0x80000000u, kTwo32); },
              {{{kNegInf32, kOF | kNX},
                {kMax32 | 0x80000000u, kOF | kNX},
                {kNegInf32, kOF | kNX},
                {kMax32 | 0x80000000u, kOF | kNX},
                {kNegInf32, kOF | kNX}}});
  check_modes("f64 max+max", [](uint8_t rm) { return call(f64_add, rm, kMax64, kMax64); },
              {{{kInf64, kOF | kNX},
                {kMax64, kOF | kNX},
                {kMax64, kOF | kNX},
                {kInf64, kOF | kNX},
                {kInf64, kOF | kNX}}});
  check_modes("f64->f32 1e300", [](uint8_t rm) { return call(f64_to_f32, rm, b64(-1e300)); },
              {{{kNegInf32, kOF | kNX},
                {kMax32 | 0x80000000u, kOF | kNX},
                {kNegInf32, kOF | kNX},
                {kMax32 | 0x80000000u, kOF | kNX},
                {kNegInf32, kOF | kNX}}});
}

TEST(FpuOverflow, OverflowOnlyThroughRounding) {
  // max + 2^103 is a tie just below 2^128: overflow only where it rounds up.
  check_modes("max+half ulp", [](uint8_t rm) { return call(f32_add, rm, kMax32, 0x73000000u); },
              {{{kInf32, kOF | kNX},
                {kMax32, kNX},
                {kMax32, kNX},
                {kInf32, kOF | kNX},
                {kInf32, kOF | kNX}}});
  // max + 2^102 (quarter ulp): only RUP overflows.
  check_modes("max+quarter ulp", [](uint8_t rm) { return call(f32_add, rm, kMax32, 0x72800000u); },
              {{{kMax32, kNX}, {kMax32, kNX}, {kMax32, kNX}, {kInf32, kOF | kNX}, {kMax32, kNX}}});
  // Infinity operands are exact: no OF.
  EXPECT_EQ(call(f32_add, kRNE, kInf32, kMax32), (O32{kInf32, 0}));
  EXPECT_EQ(call(f64_mul, kRTZ, kInf64, kTwo64), (O64{kInf64, 0}));
}

// ---------------------------------------------------------------------------
// NaNs, invalid operations, division by zero

TEST(FpuNaN, PropagationIsCanonical) {
  EXPECT_EQ(call(f32_add, kRNE, kQNaN32, kOne32), (O32{kQNaN32, 0}));
  EXPECT_EQ(call(f32_add, kRNE, 0xffc12345u, kOne32),
            (O32{kQNaN32, 0}));  // payload and sign dropped
  EXPECT_EQ(call(f32_add, kRNE, kSNaN32, kOne32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_mul, kRNE, kOne32, 0xff800123u), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_div, kRNE, kQNaN32, kSNaN32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_sqrt, kRNE, kSNaN32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_sqrt, kRNE, 0xffc00001u), (O32{kQNaN32, 0}));
  EXPECT_EQ(call(f64_sub, kRNE, kOne64, 0xfff8000000000abcull), (O64{kQNaN64, 0}));
  EXPECT_EQ(call(f64_sub, kRNE, kSNaN64, kQNaN64), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call(f64_mul, kRNE, kQNaN64, 0ull), (O64{kQNaN64, 0}));  // NaN * 0: no NV
  EXPECT_EQ(call(f64_div, kRNE, kQNaN64, 0ull), (O64{kQNaN64, 0}));  // NaN / 0: no DZ
}

TEST(FpuNaN, InvalidOperations) {
  EXPECT_EQ(call(f32_add, kRNE, kInf32, kNegInf32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_sub, kRNE, kInf32, kInf32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_add, kRNE, kInf32, kInf32), (O32{kInf32, 0}));
  EXPECT_EQ(call(f32_mul, kRNE, kInf32, kNegZero32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_div, kRNE, 0u, kNegZero32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_div, kRNE, kNegInf32, kInf32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f64_mul, kRNE, 0ull, kNegInf64), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call(f64_div, kRNE, kInf64, kInf64), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call(f64_div, kRNE, 0ull, 0ull), (O64{kQNaN64, kNV}));
}

TEST(FpuNaN, SqrtOfNegative) {
  EXPECT_EQ(call(f32_sqrt, kRNE, 0xbf800000u), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_sqrt, kRNE, 0x80000001u), (O32{kQNaN32, kNV}));  // negative subnormal
  EXPECT_EQ(call(f32_sqrt, kRNE, kNegInf32), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f64_sqrt, kRDN, b64(-2.0)), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call(f32_sqrt, kRNE, kNegZero32), (O32{kNegZero32, 0}));  // sqrt(-0) = -0
  EXPECT_EQ(call(f64_sqrt, kRNE, kNegZero64), (O64{kNegZero64, 0}));
  EXPECT_EQ(call(f64_sqrt, kRNE, kInf64), (O64{kInf64, 0}));
}

TEST(FpuDivide, ByZero) {
  EXPECT_EQ(call(f32_div, kRNE, kOne32, 0u), (O32{kInf32, kDZ}));
  EXPECT_EQ(call(f32_div, kRNE, kOne32, kNegZero32), (O32{kNegInf32, kDZ}));
  EXPECT_EQ(call(f32_div, kRTZ, 0xbf800000u, 0u), (O32{kNegInf32, kDZ}));  // exact inf, any rm
  EXPECT_EQ(call(f64_div, kRNE, 1ull, 0ull), (O64{kInf64, kDZ}));          // subnormal / 0
  EXPECT_EQ(call(f64_div, kRNE, kInf64, 0ull), (O64{kInf64, 0}));          // inf / 0: no DZ
  EXPECT_EQ(call(f64_div, kRNE, kOne64, kNegInf64), (O64{kNegZero64, 0}));
}

TEST(FpuSignedZero, ExactZeroSums) {
  check_modes("1 - 1", [](uint8_t rm) { return call(f32_sub, rm, kOne32, kOne32); },
              {{{0, 0}, {0, 0}, {kNegZero32, 0}, {0, 0}, {0, 0}}});
  check_modes("+0 + -0", [](uint8_t rm) { return call(f64_add, rm, 0ull, kNegZero64); },
              {{{0, 0}, {0, 0}, {kNegZero64, 0}, {0, 0}, {0, 0}}});
  EXPECT_EQ(call(f64_add, kRUP, kNegZero64, kNegZero64), (O64{kNegZero64, 0}));
  EXPECT_EQ(call(f64_sub, kRNE, kNegZero64, 0ull), (O64{kNegZero64, 0}));
  EXPECT_EQ(call(f32_mul, kRNE, kNegZero32, kOne32), (O32{kNegZero32, 0}));
  EXPECT_EQ(call(f32_add, kRNE, kNegZero32, 0x00000005u), (O32{0x00000005, 0}));
}

// ---------------------------------------------------------------------------
// Fused multiply-add

TEST(FpuFma, SingleRounding) {
  // (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 exactly; mul-then-add would give 0.
  EXPECT_EQ(call(f32_fma, kRNE, 0x3f800800u, 0x3f800800u, 0x3f801000u, false, true),
            (O32{0x33800000, 0}));
  EXPECT_EQ(call(f32_mul, kRNE, 0x3f800800u, 0x3f800800u), (O32{0x3f801000, kNX}));
  // 0.1 * 10 - 1 = 2^-54 exactly (binary64 0.1 is 0.1 + 2^-54/10).
  EXPECT_EQ(call(f64_fma, kRNE, b64(0.1), b64(10.0), kOne64, false, true),
            (O64{0x3c90000000000000ull, 0}));
  EXPECT_EQ(call(f64_sub, kRNE, b64(0.1 * 10.0), kOne64), (O64{0, 0}));
}

TEST(FpuFma, NegationVariants) {
  const uint32_t two = kTwo32, three = 0x40400000u, one = kOne32;
  EXPECT_EQ(call(f32_fma, kRNE, two, three, one, false, false), (O32{b32(7.0f), 0}));  // FMADD
  EXPECT_EQ(call(f32_fma, kRNE, two, three, one, false, true), (O32{b32(5.0f), 0}));   // FMSUB
  EXPECT_EQ(call(f32_fma, kRNE, two, three, one, true, false), (O32{b32(-5.0f), 0}));  // FNMSUB
  EXPECT_EQ(call(f32_fma, kRNE, two, three, one, true, true), (O32{b32(-7.0f), 0}));   // FNMADD
  // Exact zero results: the sign follows the sum rule on the negated operands.
  EXPECT_EQ(call(f64_fma, kRNE, kOne64, kOne64, kOne64, true, false), (O64{0, 0}));
  EXPECT_EQ(call(f64_fma, kRDN, kOne64, kOne64, kOne64, true, false), (O64{kNegZero64, 0}));
  EXPECT_EQ(call(f64_fma, kRNE, 0ull, kOne64, kNegZero64, false, false), (O64{0, 0}));
  EXPECT_EQ(call(f64_fma, kRDN, 0ull, kOne64, kNegZero64, false, false), (O64{kNegZero64, 0}));
  EXPECT_EQ(call(f64_fma, kRNE, kNegZero64, kOne64, kNegZero64, false, false),
            (O64{kNegZero64, 0}));
  EXPECT_EQ(call(f64_fma, kRNE, 0ull, kOne64, 0ull, true, true), (O64{kNegZero64, 0}));
}

TEST(FpuFma, SpecialValues) {
  // RISC-V requires NV for inf * 0 even when the addend is a quiet NaN.
  EXPECT_EQ(call(f32_fma, kRNE, kInf32, 0u, kQNaN32, false, false), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f64_fma, kRNE, 0ull, kNegInf64, kQNaN64, false, false), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call(f64_fma, kRNE, 0ull, kNegInf64, kOne64, false, false), (O64{kQNaN64, kNV}));
  // qNaN multiplicand: no NV; sNaN anywhere: NV.
  EXPECT_EQ(call(f32_fma, kRNE, kQNaN32, 0u, kOne32, false, false), (O32{kQNaN32, 0}));
  EXPECT_EQ(call(f32_fma, kRNE, kQNaN32, kInf32, 0u, false, false), (O32{kQNaN32, 0}));
  EXPECT_EQ(call(f32_fma, kRNE, kOne32, kOne32, kSNaN32, false, false), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_fma, kRNE, kQNaN32, kOne32, kSNaN32, false, false), (O32{kQNaN32, kNV}));
  // inf*x - inf is invalid; inf*x + inf is inf.
  EXPECT_EQ(call(f32_fma, kRNE, kInf32, kTwo32, kInf32, false, true), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f32_fma, kRNE, kInf32, kTwo32, kInf32, false, false), (O32{kInf32, 0}));
  EXPECT_EQ(call(f32_fma, kRNE, kInf32, kTwo32, kInf32, true, true), (O32{kNegInf32, 0}));
  EXPECT_EQ(call(f32_fma, kRNE, kTwo32, kTwo32, kNegInf32, false, false), (O32{kNegInf32, 0}));
  // Overflowing product with a finite addend.
  EXPECT_EQ(call(f32_fma, kRTZ, kMax32, kTwo32, kOne32, false, false), (O32{kMax32, kOF | kNX}));
  // Zero product + subnormal addend: exact.
  EXPECT_EQ(call(f32_fma, kRNE, 0u, kOne32, kMinSub32, false, false), (O32{kMinSub32, 0}));
}

// ---------------------------------------------------------------------------
// FMIN / FMAX, compares, FCLASS

TEST(FpuMinMax, SignedZerosAndNaNs) {
  EXPECT_EQ(call_norm(f32_min, 0u, kNegZero32), (O32{kNegZero32, 0}));
  EXPECT_EQ(call_norm(f32_min, kNegZero32, 0u), (O32{kNegZero32, 0}));
  EXPECT_EQ(call_norm(f32_max, 0u, kNegZero32), (O32{0, 0}));
  EXPECT_EQ(call_norm(f32_max, kNegZero32, 0u), (O32{0, 0}));
  EXPECT_EQ(call_norm(f32_min, kQNaN32, kOne32), (O32{kOne32, 0}));
  EXPECT_EQ(call_norm(f32_max, kOne32, 0xffc00123u), (O32{kOne32, 0}));
  EXPECT_EQ(call_norm(f32_min, kSNaN32, kOne32), (O32{kOne32, kNV}));
  EXPECT_EQ(call_norm(f32_max, kOne32, kSNaN32), (O32{kOne32, kNV}));
  EXPECT_EQ(call_norm(f32_min, 0xffc00123u, kQNaN32), (O32{kQNaN32, 0}));
  EXPECT_EQ(call_norm(f32_max, kSNaN32, 0xffc00123u), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call_norm(f32_min, b32(-1.0f), b32(-2.0f)), (O32{b32(-2.0f), 0}));
  EXPECT_EQ(call_norm(f32_max, b32(-1.0f), b32(-2.0f)), (O32{b32(-1.0f), 0}));
  EXPECT_EQ(call_norm(f32_min, b32(1.0f), b32(2.0f)), (O32{b32(1.0f), 0}));
  EXPECT_EQ(call_norm(f32_max, kNegInf32, kMinSub32), (O32{kMinSub32, 0}));
  EXPECT_EQ(call_norm(f64_min, 0ull, kNegZero64), (O64{kNegZero64, 0}));
  EXPECT_EQ(call_norm(f64_max, kNegZero64, 0ull), (O64{0, 0}));
  EXPECT_EQ(call_norm(f64_min, kSNaN64, kQNaN64), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call_norm(f64_max, kQNaN64 | 5, b64(-3.5)), (O64{b64(-3.5), 0}));
  EXPECT_EQ(call_norm(f64_max, b64(1e300), kInf64), (O64{kInf64, 0}));
  EXPECT_EQ(call_norm(f64_min, b64(-1e-310), b64(1e-310)), (O64{b64(-1e-310), 0}));
}

TEST(FpuCompare, QuietAndSignaling) {
  auto cmp = [](auto fn, auto a, auto b) { return call_norm(fn, a, b); };
  using OB = Out<bool>;
  EXPECT_EQ(cmp(f32_eq, kQNaN32, kOne32), (OB{false, 0}));
  EXPECT_EQ(cmp(f32_eq, kSNaN32, kOne32), (OB{false, kNV}));
  EXPECT_EQ(cmp(f32_eq, kQNaN32, kQNaN32), (OB{false, 0}));
  EXPECT_EQ(cmp(f32_lt, kQNaN32, kOne32), (OB{false, kNV}));
  EXPECT_EQ(cmp(f32_le, kOne32, kQNaN32), (OB{false, kNV}));
  EXPECT_EQ(cmp(f32_eq, 0u, kNegZero32), (OB{true, 0}));
  EXPECT_EQ(cmp(f32_lt, kNegZero32, 0u), (OB{false, 0}));
  EXPECT_EQ(cmp(f32_le, kNegZero32, 0u), (OB{true, 0}));
  EXPECT_EQ(cmp(f32_le, 0u, kNegZero32), (OB{true, 0}));
  EXPECT_EQ(cmp(f32_lt, b32(-2.0f), b32(-1.0f)), (OB{true, 0}));
  EXPECT_EQ(cmp(f32_lt, b32(-1.0f), b32(-2.0f)), (OB{false, 0}));
  EXPECT_EQ(cmp(f32_lt, b32(-1.0f), b32(1.0f)), (OB{true, 0}));
  EXPECT_EQ(cmp(f32_le, kOne32, kOne32), (OB{true, 0}));
  EXPECT_EQ(cmp(f32_lt, kOne32, kOne32), (OB{false, 0}));
  EXPECT_EQ(cmp(f32_lt, kNegInf32, kInf32), (OB{true, 0}));
  EXPECT_EQ(cmp(f64_eq, kSNaN64, kSNaN64), (OB{false, kNV}));
  EXPECT_EQ(cmp(f64_eq, kOne64, kOne64), (OB{true, 0}));
  EXPECT_EQ(cmp(f64_lt, kQNaN64, kQNaN64), (OB{false, kNV}));
  EXPECT_EQ(cmp(f64_le, b64(-1e-310), kNegZero64), (OB{true, 0}));
  EXPECT_EQ(cmp(f64_lt, kNegZero64, b64(-1e-310)), (OB{false, 0}));
  EXPECT_EQ(cmp(f64_lt, b64(1.5), b64(1.75)), (OB{true, 0}));
}

TEST(FpuClassify, AllClasses) {
  EXPECT_EQ(f32_classify(kNegInf32), 1u << 0);
  EXPECT_EQ(f32_classify(b32(-1.0f)), 1u << 1);
  EXPECT_EQ(f32_classify(0x807fffffu), 1u << 2);
  EXPECT_EQ(f32_classify(kNegZero32), 1u << 3);
  EXPECT_EQ(f32_classify(0u), 1u << 4);
  EXPECT_EQ(f32_classify(kMinSub32), 1u << 5);
  EXPECT_EQ(f32_classify(kMinNorm32), 1u << 6);
  EXPECT_EQ(f32_classify(kInf32), 1u << 7);
  EXPECT_EQ(f32_classify(kSNaN32), 1u << 8);
  EXPECT_EQ(f32_classify(0xffbfffffu), 1u << 8);
  EXPECT_EQ(f32_classify(kQNaN32), 1u << 9);
  EXPECT_EQ(f32_classify(0xffc00001u), 1u << 9);
  EXPECT_EQ(f64_classify(kNegInf64), 1u << 0);
  EXPECT_EQ(f64_classify(b64(-1e300)), 1u << 1);
  EXPECT_EQ(f64_classify(0x8000000000000001ull), 1u << 2);
  EXPECT_EQ(f64_classify(kNegZero64), 1u << 3);
  EXPECT_EQ(f64_classify(0ull), 1u << 4);
  EXPECT_EQ(f64_classify(0x000fffffffffffffull), 1u << 5);
  EXPECT_EQ(f64_classify(kMax64), 1u << 6);
  EXPECT_EQ(f64_classify(kInf64), 1u << 7);
  EXPECT_EQ(f64_classify(kSNaN64), 1u << 8);
  EXPECT_EQ(f64_classify(kQNaN64), 1u << 9);
  EXPECT_EQ(f64_classify(0xffffffffffffffffull), 1u << 9);
}

// ---------------------------------------------------------------------------
// Float -> integer conversions

constexpr int32_t kI32Max = INT32_MAX, kI32Min = INT32_MIN;
constexpr int64_t kI64Max = INT64_MAX, kI64Min = INT64_MIN;

TEST(FpuToInt, NaNAndInfinities) {
  for (uint64_t nan : {kQNaN64, kSNaN64, uint64_t(0xfff8000000000000ull)}) {
    EXPECT_EQ(call(f64_to_i32, kRNE, nan), (OI32{kI32Max, kNV}));
    EXPECT_EQ(call(f64_to_u32, kRNE, nan), (O32{0xffffffffu, kNV}));
    EXPECT_EQ(call(f64_to_i64, kRNE, nan), (OI64{kI64Max, kNV}));
    EXPECT_EQ(call(f64_to_u64, kRNE, nan), (O64{~0ull, kNV}));
  }
  for (uint32_t nan : {kQNaN32, kSNaN32, 0xffc00000u}) {
    EXPECT_EQ(call(f32_to_i32, kRNE, nan), (OI32{kI32Max, kNV}));
    EXPECT_EQ(call(f32_to_u32, kRNE, nan), (O32{0xffffffffu, kNV}));
    EXPECT_EQ(call(f32_to_i64, kRNE, nan), (OI64{kI64Max, kNV}));
    EXPECT_EQ(call(f32_to_u64, kRNE, nan), (O64{~0ull, kNV}));
  }
  EXPECT_EQ(call(f64_to_i32, kRNE, kInf64), (OI32{kI32Max, kNV}));
  EXPECT_EQ(call(f64_to_i32, kRNE, kNegInf64), (OI32{kI32Min, kNV}));
  EXPECT_EQ(call(f64_to_u32, kRNE, kInf64), (O32{0xffffffffu, kNV}));
  EXPECT_EQ(call(f64_to_u32, kRNE, kNegInf64), (O32{0, kNV}));
  EXPECT_EQ(call(f32_to_i64, kRNE, kInf32), (OI64{kI64Max, kNV}));
  EXPECT_EQ(call(f32_to_i64, kRNE, kNegInf32), (OI64{kI64Min, kNV}));
  EXPECT_EQ(call(f32_to_u64, kRNE, kInf32), (O64{~0ull, kNV}));
  EXPECT_EQ(call(f32_to_u64, kRNE, kNegInf32), (O64{0, kNV}));
}

TEST(FpuToInt, Int32Boundaries) {
  EXPECT_EQ(call(f64_to_i32, kRNE, b64(2147483648.0)), (OI32{kI32Max, kNV}));
  EXPECT_EQ(call(f32_to_i32, kRNE, 0x4f000000u), (OI32{kI32Max, kNV}));  // 2^31
  EXPECT_EQ(call(f64_to_i32, kRNE, b64(-2147483648.0)), (OI32{kI32Min, 0}));
  EXPECT_EQ(call(f32_to_i32, kRNE, 0xcf000000u), (OI32{kI32Min, 0}));
  EXPECT_EQ(call(f64_to_i32, kRNE, b64(2147483647.0)), (OI32{kI32Max, 0}));
  EXPECT_EQ(call(f64_to_u32, kRNE, b64(2147483648.0)), (O32{0x80000000u, 0}));
  EXPECT_EQ(call(f64_to_u32, kRNE, b64(4294967295.0)), (O32{0xffffffffu, 0}));
  EXPECT_EQ(call(f64_to_u32, kRNE, b64(4294967296.0)), (O32{0xffffffffu, kNV}));
  EXPECT_EQ(call(f64_to_i32, kRNE, b64(-1e10)), (OI32{kI32Min, kNV}));
  EXPECT_EQ(call(f64_to_i32, kRNE, b64(1e10)), (OI32{kI32Max, kNV}));
  // -2^31 - 0.5: valid exactly when it rounds to -2^31.
  check_modes("-2^31-0.5", [](uint8_t rm) { return call(f64_to_i32, rm, b64(-2147483648.5)); },
              {{{kI32Min, kNX}, {kI32Min, kNX}, {kI32Min, kNV}, {kI32Min, kNX}, {kI32Min, kNV}}});
  // 2^31 - 0.5: valid exactly when it rounds to 2^31 - 1.
  check_modes("2^31-0.5", [](uint8_t rm) { return call(f64_to_i32, rm, b64(2147483647.5)); },
              {{{kI32Max, kNV}, {kI32Max, kNX}, {kI32Max, kNX}, {kI32Max, kNV}, {kI32Max, kNV}}});
  check_modes("2^32-0.5 u32", [](uint8_t rm) { return call(f64_to_u32, rm, b64(4294967295.5)); },
              {{{0xffffffffu, kNV},
                {0xffffffffu, kNX},
                {0xffffffffu, kNX},
                {0xffffffffu, kNV},
                {0xffffffffu, kNV}}});
}

TEST(FpuToInt, NegativeToUnsigned) {
  // -0.3 rounds to 0 (valid, NX) except under RDN, where it rounds to -1.
  check_modes("-0.3 u32", [](uint8_t rm) { return call(f64_to_u32, rm, b64(-0.3)); },
              {{{0, kNX}, {0, kNX}, {0, kNV}, {0, kNX}, {0, kNX}}});
  check_modes("-0.5 u64", [](uint8_t rm) { return call(f32_to_u64, rm, b32(-0.5f)); },
              {{{0, kNX}, {0, kNX}, {0, kNV}, {0, kNX}, {0, kNV}}});
  EXPECT_EQ(call(f64_to_u32, kRNE, b64(-1.0)), (O32{0, kNV}));
  EXPECT_EQ(call(f64_to_u64, kRTZ, b64(-1.0)), (O64{0, kNV}));
  EXPECT_EQ(call(f64_to_u64, kRTZ, b64(-0.999)), (O64{0, kNX}));
  EXPECT_EQ(call(f64_to_u64, kRNE, kNegZero64), (O64{0, 0}));
  EXPECT_EQ(call(f32_to_u32, kRDN, kNegZero32), (O32{0, 0}));
  EXPECT_EQ(call(f32_to_u32, kRDN, 0x80000001u), (O32{0, kNV}));  // -tiny rounds to -1
}

TEST(FpuToInt, Int64AndUint64Boundaries) {
  EXPECT_EQ(call(f64_to_u64, kRNE, b64(18446744073709551616.0)), (O64{~0ull, kNV}));  // 2^64
  EXPECT_EQ(call(f64_to_u64, kRNE, 0x43efffffffffffffull), (O64{0xfffffffffffff800ull, 0}));
  EXPECT_EQ(call(f64_to_i64, kRNE, b64(9223372036854775808.0)), (OI64{kI64Max, kNV}));  // 2^63
  EXPECT_EQ(call(f64_to_i64, kRNE, b64(-9223372036854775808.0)), (OI64{kI64Min, 0}));
  EXPECT_EQ(call(f64_to_i64, kRNE, 0xc3e0000000000001ull), (OI64{kI64Min, kNV}));
  EXPECT_EQ(call(f64_to_u64, kRNE, b64(9223372036854775808.0)), (O64{1ull << 63, 0}));
  EXPECT_EQ(call(f32_to_u64, kRNE, 0x5f800000u), (O64{~0ull, kNV}));  // 2^64
  EXPECT_EQ(call(f32_to_u64, kRNE, 0x5f7fffffu), (O64{0xffffff0000000000ull, 0}));
  EXPECT_EQ(call(f32_to_i64, kRNE, 0xdf000000u), (OI64{kI64Min, 0}));    // -2^63
  EXPECT_EQ(call(f32_to_i64, kRNE, 0x5f000000u), (OI64{kI64Max, kNV}));  // 2^63
  EXPECT_EQ(call(f64_to_i64, kRNE, kMax64), (OI64{kI64Max, kNV}));
  EXPECT_EQ(call(f64_to_u64, kRNE, kMax64 | kNegZero64), (O64{0, kNV}));
}

TEST(FpuToInt, RoundingModes) {
  check_modes("2.5", [](uint8_t rm) { return call(f64_to_i64, rm, b64(2.5)); },
              {{{2, kNX}, {2, kNX}, {2, kNX}, {3, kNX}, {3, kNX}}});
  check_modes("-2.5", [](uint8_t rm) { return call(f32_to_i32, rm, b32(-2.5f)); },
              {{{-2, kNX}, {-2, kNX}, {-3, kNX}, {-2, kNX}, {-3, kNX}}});
  check_modes("3.5", [](uint8_t rm) { return call(f64_to_i32, rm, b64(3.5)); },
              {{{4, kNX}, {3, kNX}, {3, kNX}, {4, kNX}, {4, kNX}}});
  check_modes("-0.75", [](uint8_t rm) { return call(f64_to_i64, rm, b64(-0.75)); },
              {{{-1, kNX}, {0, kNX}, {-1, kNX}, {0, kNX}, {-1, kNX}}});
  check_modes("1e-300", [](uint8_t rm) { return call(f64_to_i64, rm, b64(1e-300)); },
              {{{0, kNX}, {0, kNX}, {0, kNX}, {1, kNX}, {0, kNX}}});
  check_modes("-minsub", [](uint8_t rm) { return call(f32_to_i32, rm, 0x80000001u); },
              {{{0, kNX}, {0, kNX}, {-1, kNX}, {0, kNX}, {0, kNX}}});
  EXPECT_EQ(call(f64_to_i64, kRUP, b64(123456789.0)), (OI64{123456789, 0}));
  EXPECT_EQ(call(f64_to_i64, kRNE, b64(-4503599627370497.0)), (OI64{-4503599627370497, 0}));
  EXPECT_EQ(call(f32_to_i32, kRNE, b32(-16777216.0f)), (OI32{-16777216, 0}));
}

// ---------------------------------------------------------------------------
// Integer -> float conversions

TEST(FpuFromInt, Ties) {
  check_modes("16777217", [](uint8_t rm) { return call(i32_to_f32, rm, int32_t(16777217)); },
              {{{0x4b800000, kNX},
                {0x4b800000, kNX},
                {0x4b800000, kNX},
                {0x4b800001, kNX},
                {0x4b800001, kNX}}});
  check_modes("-16777217", [](uint8_t rm) { return call(i64_to_f32, rm, int64_t(-16777217)); },
              {{{0xcb800000, kNX},
                {0xcb800000, kNX},
                {0xcb800001, kNX},
                {0xcb800000, kNX},
                {0xcb800001, kNX}}});
  check_modes("16777219", [](uint8_t rm) { return call(u32_to_f32, rm, 16777219u); },
              {{{0x4b800002, kNX},
                {0x4b800001, kNX},
                {0x4b800001, kNX},
                {0x4b800002, kNX},
                {0x4b800002, kNX}}});
  const uint64_t two53 = 0x4340000000000000ull;
  check_modes("2^53+1", [](uint8_t rm) { return call(i64_to_f64, rm, int64_t((1ll << 53) + 1)); },
              {{{two53, kNX}, {two53, kNX}, {two53, kNX}, {two53 + 1, kNX}, {two53 + 1, kNX}}});
  check_modes("u64 max->f64", [](uint8_t rm) { return call(u64_to_f64, rm, ~0ull); },
              {{{0x43f0000000000000ull, kNX},
                {0x43efffffffffffffull, kNX},
                {0x43efffffffffffffull, kNX},
                {0x43f0000000000000ull, kNX},
                {0x43f0000000000000ull, kNX}}});
  check_modes("u64 max->f32", [](uint8_t rm) { return call(u64_to_f32, rm, ~0ull); },
              {{{0x5f800000, kNX},
                {0x5f7fffff, kNX},
                {0x5f7fffff, kNX},
                {0x5f800000, kNX},
                {0x5f800000, kNX}}});
}

TEST(FpuFromInt, Exact) {
  EXPECT_EQ(call(i64_to_f64, kRNE, INT64_MIN), (O64{0xc3e0000000000000ull, 0}));
  EXPECT_EQ(call(i32_to_f32, kRNE, INT32_MIN), (O32{0xcf000000u, 0}));
  EXPECT_EQ(call(i64_to_f32, kRNE, INT64_MIN), (O32{0xdf000000u, 0}));
  EXPECT_EQ(call(i32_to_f64, kRNE, INT32_MIN), (O64{b64(-2147483648.0), 0}));
  EXPECT_EQ(call(u32_to_f64, kRNE, 0xffffffffu), (O64{b64(4294967295.0), 0}));
  EXPECT_EQ(call(i32_to_f64, kRDN, -7), (O64{b64(-7.0), 0}));
  EXPECT_EQ(call(u32_to_f32, kRNE, 16777216u), (O32{0x4b800000u, 0}));
  for (uint8_t rm : kModes) {  // zero is +0 in every mode, flags untouched
    EXPECT_EQ(call(i32_to_f32, rm, 0), (O32{0, 0}));
    EXPECT_EQ(call(i64_to_f64, rm, int64_t(0)), (O64{0, 0}));
    EXPECT_EQ(call(u64_to_f32, rm, 0ull), (O32{0, 0}));
  }
}

// ---------------------------------------------------------------------------
// binary32 <-> binary64

TEST(FpuFormatConvert, WideningIsExact) {
  EXPECT_EQ(call_norm(f32_to_f64, kOne32), (O64{kOne64, 0}));
  EXPECT_EQ(call_norm(f32_to_f64, kMinSub32), (O64{0x36a0000000000000ull, 0}));
  EXPECT_EQ(call_norm(f32_to_f64, 0x807fffffu), (O64{b64(double(f32v(0x807fffffu))), 0}));
  EXPECT_EQ(call_norm(f32_to_f64, kMax32), (O64{b64(double(f32v(kMax32))), 0}));
  EXPECT_EQ(call_norm(f32_to_f64, kNegInf32), (O64{kNegInf64, 0}));
  EXPECT_EQ(call_norm(f32_to_f64, kNegZero32), (O64{kNegZero64, 0}));
  EXPECT_EQ(call_norm(f32_to_f64, kSNaN32), (O64{kQNaN64, kNV}));
  EXPECT_EQ(call_norm(f32_to_f64, 0xffc00001u), (O64{kQNaN64, 0}));
}

TEST(FpuFormatConvert, Narrowing) {
  check_modes("0.1", [](uint8_t rm) { return call(f64_to_f32, rm, b64(0.1)); },
              {{{0x3dcccccd, kNX},
                {0x3dcccccc, kNX},
                {0x3dcccccc, kNX},
                {0x3dcccccd, kNX},
                {0x3dcccccd, kNX}}});
  // 1 + 2^-24: tie.
  check_modes(
      "1+2^-24", [](uint8_t rm) { return call(f64_to_f32, rm, 0x3ff0000010000000ull); },
      {{{kOne32, kNX}, {kOne32, kNX}, {kOne32, kNX}, {kOne32 + 1, kNX}, {kOne32 + 1, kNX}}});
  EXPECT_EQ(call(f64_to_f32, kRNE, kSNaN64), (O32{kQNaN32, kNV}));
  EXPECT_EQ(call(f64_to_f32, kRNE, 0xfff8000000000001ull), (O32{kQNaN32, 0}));
  EXPECT_EQ(call(f64_to_f32, kRNE, kNegInf64), (O32{kNegInf32, 0}));
  EXPECT_EQ(call(f64_to_f32, kRDN, kNegZero64), (O32{kNegZero32, 0}));
  EXPECT_EQ(call(f64_to_f32, kRNE, 0x36a0000000000000ull), (O32{kMinSub32, 0}));  // exact subnormal
  EXPECT_EQ(call(f64_to_f32, kRNE, b64(3.0e38)), (O32{b32(3.0e38f), kNX}));
}

// ---------------------------------------------------------------------------
// Randomized cross-check against the host FPU (x86 SSE: IEEE 754 with
// tininess detected after rounding and UF only when also inexact, as RISC-V).
// RMM has no host counterpart and is covered by the directed tests above.

template <class T>
struct Fmt;
template <>
struct Fmt<uint32_t> {
  using Host = float;
  static constexpr int kFrac = 23, kExpMax = 255, kBias = 127;
};
template <>
struct Fmt<uint64_t> {
  using Host = double;
  static constexpr int kFrac = 52, kExpMax = 2047, kBias = 1023;
};

template <class T>
T make_fp(bool sign, int64_t exp_field, uint64_t frac) {
  constexpr int kWidth = int(sizeof(T) * 8);
  if (exp_field < 0) exp_field = 0;
  if (exp_field > Fmt<T>::kExpMax) exp_field = Fmt<T>::kExpMax;
  return T((T(sign) << (kWidth - 1)) | (T(exp_field) << Fmt<T>::kFrac) |
           T(frac & ((uint64_t(1) << Fmt<T>::kFrac) - 1)));
}

template <class T>
int64_t exp_field_of(T x) {
  return int64_t((x >> Fmt<T>::kFrac) & Fmt<T>::kExpMax);
}

// Operand generator biased toward the interesting corners: specials, ties
// (significands with trailing zeros/ones), subnormal and overflow ranges.
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  uint64_t bits() { return rng_(); }
  uint64_t below(uint64_t n) { return rng_() % n; }

  template <class T>
  T special() {
    constexpr uint64_t q = uint64_t(1) << (Fmt<T>::kFrac - 1);
    const uint64_t fracs[] = {0, 1, q - 1, q, q | 1, (q << 1) - 1};
    const int64_t exps[] = {0, 0, 1, Fmt<T>::kBias, Fmt<T>::kExpMax - 1, Fmt<T>::kExpMax};
    return make_fp<T>(below(2), exps[below(6)], fracs[below(6)]);
  }

  template <class T>
  uint64_t frac() {
    const uint64_t r = bits();
    const int k = int(below(Fmt<T>::kFrac + 1));
    switch (below(5)) {
      case 0:
        return r & ~((uint64_t(1) << k) - 1);  // trailing zeros: exact/tie cases
      case 1:
        return r | ((uint64_t(1) << k) - 1);  // trailing ones
      case 2:
        return r & ((uint64_t(1) << k) - 1);  // leading zeros
      default:
        return r;
    }
  }

  // exp_hint < 0: no preference.
  template <class T>
  T operand(int64_t exp_hint = -1) {
    switch (below(24)) {
      case 0:
      case 1:
        return special<T>();
      case 2:
        return T(bits());
      default:
        break;
    }
    int64_t e;
    if (exp_hint >= 0) {
      e = exp_hint + int64_t(below(7)) - 3;
    } else {
      switch (below(5)) {
        case 0:
          e = int64_t(below(Fmt<T>::kFrac + 4));
          break;  // subnormal edge
        case 1:
          e = Fmt<T>::kExpMax - 1 - int64_t(below(4));
          break;  // overflow edge
        case 2:
          e = int64_t(below(Fmt<T>::kExpMax));
          break;  // anywhere finite
        default:
          e = Fmt<T>::kBias + int64_t(below(2 * Fmt<T>::kFrac + 8)) - Fmt<T>::kFrac - 4;
      }
    }
    if (e > Fmt<T>::kExpMax - 1) e = Fmt<T>::kExpMax - 1;
    return make_fp<T>(below(2), e, frac<T>());
  }

  // Second operand correlated with the first: close exponent (cancellation,
  // ties in add) or an exponent putting a product/quotient near the
  // subnormal or overflow threshold.
  template <class T>
  T partner(T a) {
    const int64_t ea = exp_field_of(a);
    const int64_t bias = Fmt<T>::kBias;
    const int64_t target = below(2) ? int64_t(below(Fmt<T>::kFrac + 4)) - Fmt<T>::kFrac - 2
                                    : Fmt<T>::kExpMax - 3 + int64_t(below(4));
    switch (below(6)) {
      case 0:
        return operand<T>(ea);
      case 1:
        return operand<T>(bias + target - ea < 0 ? 0 : bias + target - ea);  // mul
      case 2:
        return operand<T>(ea + bias - target < 0 ? 0 : ea + bias - target);  // div
      case 3:
        return T(a ^ (bits() & ((T(1) << below(sizeof(T) * 8)) - 1)) ^
                 (T(below(2)) << (sizeof(T) * 8 - 1)));
      default:
        return operand<T>();
    }
  }

 private:
  std::mt19937_64 rng_;
};

uint8_t host_flags() {
  const int e = std::fetestexcept(FE_ALL_EXCEPT);
  uint8_t f = 0;
  if (e & FE_INEXACT) f |= kNX;
  if (e & FE_UNDERFLOW) f |= kUF;
  if (e & FE_OVERFLOW) f |= kOF;
  if (e & FE_DIVBYZERO) f |= kDZ;
  if (e & FE_INVALID) f |= kNV;
  return f;
}

int host_mode(uint8_t rm) {
  switch (rm) {
    case kRTZ:
      return FE_TOWARDZERO;
    case kRDN:
      return FE_DOWNWARD;
    case kRUP:
      return FE_UPWARD;
    default:
      return FE_TONEAREST;
  }
}

template <class T>
T host_bits(typename Fmt<T>::Host x) {
  if (std::isnan(x)) return sizeof(T) == 4 ? T(kCanonicalNaN32) : T(kCanonicalNaN64);
  T u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

template <class T>
typename Fmt<T>::Host host_val(T u) {
  typename Fmt<T>::Host x;
  std::memcpy(&x, &u, sizeof u);
  return x;
}

// Runs `host` (which performs the operation on volatile operands) with the
// host rounding mode already set and returns {result bits, flags}.
template <class T, class HostFn>
Out<T> on_host(HostFn host) {
  std::feclearexcept(FE_ALL_EXCEPT);
  const typename Fmt<T>::Host r = host();
  const uint8_t f = host_flags();
  return Out<T>{host_bits<T>(r), f};
}

int iterations() {
  const char* env = std::getenv("FPU_TEST_ITERATIONS");
  return env ? std::atoi(env) : 30000;
}

constexpr uint8_t kHostModes[] = {kRNE, kRTZ, kRDN, kRUP};

// Restores round-to-nearest even if a check fails mid-loop.
struct HostModeGuard {
  ~HostModeGuard() { std::fesetround(FE_TONEAREST); }
};

template <class T>
void cross_check_binary(const char* name, T (*mine)(T, T, uint8_t, uint8_t&),
                        typename Fmt<T>::Host (*host)(typename Fmt<T>::Host, typename Fmt<T>::Host),
                        uint64_t seed) {
  using H = typename Fmt<T>::Host;
  HostModeGuard guard;
  Gen gen(seed);
  int failures = 0;
  for (uint8_t rm : kHostModes) {
    for (int i = 0; i < iterations() && failures < 10; ++i) {
      const T a = gen.operand<T>();
      const T b = gen.partner<T>(a);
      uint8_t flags = 0;
      const Out<T> got{mine(a, b, rm, flags), flags};
      std::fesetround(host_mode(rm));
      volatile H va = host_val(a), vb = host_val(b);
      const Out<T> want = on_host<T>([&] { return host(va, vb); });
      std::fesetround(FE_TONEAREST);
      if (!(got == want)) {
        ++failures;
        ADD_FAILURE() << name << " rm=" << mode_name(rm) << " a=" << Out<T>{a, 0}
                      << " b=" << Out<T>{b, 0} << " got " << got << " want " << want;
      }
    }
  }
}

template <class H>
H host_add(H a, H b) {
  volatile H r = a + b;
  return r;
}
template <class H>
H host_sub(H a, H b) {
  volatile H r = a - b;
  return r;
}
template <class H>
H host_mul(H a, H b) {
  volatile H r = a * b;
  return r;
}
template <class H>
H host_div(H a, H b) {
  volatile H r = a / b;
  return r;
}

TEST(FpuHostCrossCheck, F32Arithmetic) {
  cross_check_binary<uint32_t>("f32_add", f32_add, host_add<float>, 1);
  cross_check_binary<uint32_t>("f32_sub", f32_sub, host_sub<float>, 2);
  cross_check_binary<uint32_t>("f32_mul", f32_mul, host_mul<float>, 3);
  cross_check_binary<uint32_t>("f32_div", f32_div, host_div<float>, 4);
}

TEST(FpuHostCrossCheck, F64Arithmetic) {
  cross_check_binary<uint64_t>("f64_add", f64_add, host_add<double>, 5);
  cross_check_binary<uint64_t>("f64_sub", f64_sub, host_sub<double>, 6);
  cross_check_binary<uint64_t>("f64_mul", f64_mul, host_mul<double>, 7);
  cross_check_binary<uint64_t>("f64_div", f64_div, host_div<double>, 8);
}

template <class T>
void cross_check_unary(const char* name, std::function<Out<T>(T, uint8_t)> mine,
                       std::function<Out<T>(T)> host, std::function<T(Gen&)> gen_operand,
                       uint64_t seed) {
  HostModeGuard guard;
  Gen gen(seed);
  int failures = 0;
  for (uint8_t rm : kHostModes) {
    for (int i = 0; i < iterations() && failures < 10; ++i) {
      const T a = gen_operand(gen);
      const Out<T> got = mine(a, rm);
      std::fesetround(host_mode(rm));
      const Out<T> want = host(a);
      std::fesetround(FE_TONEAREST);
      if (!(got == want)) {
        ++failures;
        ADD_FAILURE() << name << " rm=" << mode_name(rm) << " a=" << Out<T>{a, 0} << " got " << got
                      << " want " << want;
      }
    }
  }
}

TEST(FpuHostCrossCheck, Sqrt) {
  cross_check_unary<uint32_t>(
      "f32_sqrt", [](uint32_t a, uint8_t rm) { return call(f32_sqrt, rm, a); },
      [](uint32_t a) {
        volatile float va = host_val(a);
        return on_host<uint32_t>([&] {
          volatile float r = std::sqrt(va);
          return float(r);
        });
      },
      [](Gen& g) { return g.operand<uint32_t>() & (g.below(8) ? 0x7fffffffu : ~0u); }, 9);
  cross_check_unary<uint64_t>(
      "f64_sqrt", [](uint64_t a, uint8_t rm) { return call(f64_sqrt, rm, a); },
      [](uint64_t a) {
        volatile double va = host_val(a);
        return on_host<uint64_t>([&] {
          volatile double r = std::sqrt(va);
          return double(r);
        });
      },
      [](Gen& g) { return g.operand<uint64_t>() & (g.below(8) ? ~kNegZero64 : ~0ull); }, 10);
}

TEST(FpuHostCrossCheck, FormatConversions) {
  // f64 -> f32 needs a binary64 operand, so it is checked by hand here.
  HostModeGuard guard;
  Gen gen(12);
  int failures = 0;
  for (uint8_t rm : kHostModes) {
    for (int i = 0; i < iterations() && failures < 10; ++i) {
      uint64_t a = gen.operand<uint64_t>();
      if (gen.below(2)) {  // exponent near the binary32 range edges
        const int64_t e = gen.below(2) ? 1023 - 126 - int64_t(gen.below(30))
                                       : 1023 + 127 - 2 + int64_t(gen.below(4));
        a = make_fp<uint64_t>(gen.below(2), e, gen.frac<uint64_t>());
      }
      const Out<uint32_t> got = call(f64_to_f32, rm, a);
      std::fesetround(host_mode(rm));
      volatile double va = host_val(a);
      const Out<uint32_t> want = on_host<uint32_t>([&] {
        volatile float r = float(va);
        return float(r);
      });
      std::fesetround(FE_TONEAREST);
      if (!(got == want)) {
        ++failures;
        ADD_FAILURE() << "f64_to_f32 rm=" << mode_name(rm) << " a=" << O64{a, 0} << " got " << got
                      << " want " << want;
      }
    }
  }
  for (int i = 0; i < iterations(); ++i) {
    const uint32_t a = gen.operand<uint32_t>();
    volatile float va = host_val(a);
    const Out<uint64_t> want = on_host<uint64_t>([&] {
      volatile double r = double(va);
      return double(r);
    });
    ASSERT_EQ(call_norm(f32_to_f64, a), want) << "f32_to_f64 a=" << O32{a, 0};
  }
}

TEST(FpuHostCrossCheck, Fma) {
  HostModeGuard guard;
  Gen gen(13);
  int failures = 0;
  auto check = [&](auto a, auto b, auto c, bool np, bool na, uint8_t rm) {
    using T = decltype(a);
    using H = typename Fmt<T>::Host;
    uint8_t flags = 0;
    T r;
    if constexpr (sizeof(T) == 4)
      r = f32_fma(a, b, c, np, na, rm, flags);
    else
      r = f64_fma(a, b, c, np, na, rm, flags);
    const Out<T> got{r, flags};
    std::fesetround(host_mode(rm));
    volatile H va = np ? -host_val(a) : host_val(a), vb = host_val(b);
    volatile H vc = na ? -host_val(c) : host_val(c);
    Out<T> want = on_host<T>([&] {
      volatile H x = std::fma(H(va), H(vb), H(vc));
      return H(x);
    });
    std::fesetround(FE_TONEAREST);
    // The host may not raise NV for inf*0 + qNaN; RISC-V requires it.
    const bool inf_times_zero = (std::isinf(host_val(a)) && host_val(b) == 0) ||
                                (host_val(a) == 0 && std::isinf(host_val(b)));
    if (inf_times_zero) want.f |= kNV;
    if (!(got == want)) {
      ++failures;
      ADD_FAILURE() << "fma rm=" << mode_name(rm) << " np=" << np << " na=" << na
                    << " a=" << Out<T>{a, 0} << " b=" << Out<T>{b, 0} << " c=" << Out<T>{c, 0}
                    << " got " << got << " want " << want;
    }
  };
  auto addend = [&](auto a, auto b) {  // near -(a*b) for cancellation, or arbitrary
    using T = decltype(a);
    using H = typename Fmt<T>::Host;
    if (gen.below(2)) return gen.partner<T>(gen.below(2) ? a : b);
    volatile H p = host_val(a) * host_val(b);
    T c = host_bits<T>(-H(p));
    return T(c ^ (gen.bits() & ((T(1) << gen.below(8)) - 1)));
  };
  for (uint8_t rm : kHostModes) {
    for (int i = 0; i < iterations() && failures < 10; ++i) {
      const bool np = gen.below(2), na = gen.below(2);
      const uint32_t a32 = gen.operand<uint32_t>(), b32_ = gen.partner<uint32_t>(a32);
      check(a32, b32_, addend(a32, b32_), np, na, rm);
      const uint64_t a64 = gen.operand<uint64_t>(), b64_ = gen.partner<uint64_t>(a64);
      check(a64, b64_, addend(a64, b64_), np, na, rm);
    }
  }
}

TEST(FpuHostCrossCheck, IntConversions) {
  HostModeGuard guard;
  Gen gen(14);
  int failures = 0;
  auto report = [&](const char* what, uint8_t rm, uint64_t in, auto got, auto want) {
    if (got == want) return;
    ++failures;
    ADD_FAILURE() << what << " rm=" << mode_name(rm) << " in=0x" << std::hex << in << " got " << got
                  << " want " << want;
  };
  for (uint8_t rm : kHostModes) {
    for (int i = 0; i < iterations() && failures < 10; ++i) {
      // Random integers with random widths (so that many are exact or ties).
      const uint64_t u = gen.bits() >> gen.below(64);
      const int64_t s = gen.below(2) ? -int64_t(u >> 1) : int64_t(u);
      std::fesetround(host_mode(rm));
      volatile uint64_t vu = u;
      volatile int64_t vs = s;
      volatile int32_t vs32 = int32_t(s);
      volatile uint32_t vu32 = uint32_t(u);
      const O64 h_u64_f64 = on_host<uint64_t>([&] {
        volatile double r = double(vu);
        return double(r);
      });
      const O64 h_i64_f64 = on_host<uint64_t>([&] {
        volatile double r = double(vs);
        return double(r);
      });
      const O32 h_u64_f32 = on_host<uint32_t>([&] {
        volatile float r = float(vu);
        return float(r);
      });
      const O32 h_i64_f32 = on_host<uint32_t>([&] {
        volatile float r = float(vs);
        return float(r);
      });
      const O32 h_i32_f32 = on_host<uint32_t>([&] {
        volatile float r = float(vs32);
        return float(r);
      });
      const O32 h_u32_f32 = on_host<uint32_t>([&] {
        volatile float r = float(vu32);
        return float(r);
      });
      std::fesetround(FE_TONEAREST);
      report("u64_to_f64", rm, u, call(u64_to_f64, rm, u), h_u64_f64);
      report("i64_to_f64", rm, u, call(i64_to_f64, rm, s), h_i64_f64);
      report("u64_to_f32", rm, u, call(u64_to_f32, rm, u), h_u64_f32);
      report("i64_to_f32", rm, u, call(i64_to_f32, rm, s), h_i64_f32);
      report("i32_to_f32", rm, u, call(i32_to_f32, rm, int32_t(s)), h_i32_f32);
      report("u32_to_f32", rm, u, call(u32_to_f32, rm, uint32_t(u)), h_u32_f32);

      // Float -> signed integer for in-range operands (the host's
      // out-of-range behaviour differs from RISC-V's saturation).
      const uint64_t d = gen.operand<uint64_t>(1023 + int64_t(gen.below(64)) - 3);
      const double dv = f64v(d);
      if (std::isfinite(dv) && std::fabs(dv) < 9.2e18) {
        std::fesetround(host_mode(rm));
        volatile double vd = dv;
        std::feclearexcept(FE_ALL_EXCEPT);
        const long long hr = std::llrint(vd);
        const uint8_t hf = host_flags();
        std::fesetround(FE_TONEAREST);
        report("f64_to_i64", rm, d, call(f64_to_i64, rm, d), (OI64{hr, hf}));
        if (hr >= INT32_MIN && hr <= INT32_MAX)
          report("f64_to_i32", rm, d, call(f64_to_i32, rm, d), (OI32{int32_t(hr), hf}));
        if (hr >= 0) report("f64_to_u64", rm, d, call(f64_to_u64, rm, d), (O64{uint64_t(hr), hf}));
      }
      const uint32_t f = gen.operand<uint32_t>(127 + int64_t(gen.below(64)) - 3);
      const float fv = f32v(f);
      if (std::isfinite(fv) && std::fabs(fv) < 9.2e18f) {
        std::fesetround(host_mode(rm));
        volatile float vf = fv;
        std::feclearexcept(FE_ALL_EXCEPT);
        const long long hr = std::llrintf(vf);
        const uint8_t hf = host_flags();
        std::fesetround(FE_TONEAREST);
        report("f32_to_i64", rm, f, call(f32_to_i64, rm, f), (OI64{hr, hf}));
        if (hr >= INT32_MIN && hr <= INT32_MAX)
          report("f32_to_i32", rm, f, call(f32_to_i32, rm, f), (OI32{int32_t(hr), hf}));
        if (hr >= 0 && hr <= UINT32_MAX)
          report("f32_to_u32", rm, f, call(f32_to_u32, rm, f), (O32{uint32_t(hr), hf}));
      }
    }
  }
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------
// RMM (no host counterpart): compare against a reference that rounds an
// exactly computed binary128 value by bracketing it between its two
// neighbours in the target format and comparing with their midpoint.

using f128 = __float128;

// |ilogb(a) - ilogb(b)| without int overflow (ilogb(0) is INT_MIN; callers
// test zeros first, but the subtraction must not overflow for subnormals).
template <typename F>
int64_t exponent_gap(F a, F b) {
  return std::abs(int64_t{std::ilogb(a)} - int64_t{std::ilogb(b)});
}

template <class T>
struct RmmRef {
  Out<T> operator()(f128 v) const {
    using H = typename Fmt<T>::Host;
    const bool neg = v < 0;
    const H inf = std::numeric_limits<H>::infinity();
    H lo = H(v);  // round to nearest, then step toward zero if it went away
    if (neg ? f128(lo) < v : f128(lo) > v) lo = std::nextafter(lo, H(0));
    if (f128(lo) == v) return {host_bits<T>(lo), 0};
    const H hi = std::nextafter(lo, neg ? -inf : inf);
    const f128 mid = std::isinf(hi) ? f128(lo) + (f128(lo) - f128(std::nextafter(lo, H(0)))) / 2
                                    : (f128(lo) + f128(hi)) / 2;
    const bool up = neg ? v <= mid : v >= mid;
    const H r = up ? hi : lo;
    uint8_t flags = kNX;
    if (std::isinf(r)) flags |= kOF;
    // Tiny (after rounding with unbounded exponent) iff |v| is below
    // 2^emin minus a quarter ulp of precision p, i.e. 2^emin * (1 - 2^-(p+1)).
    const H min_norm = std::numeric_limits<H>::min();
    const int p = std::numeric_limits<H>::digits;
    const f128 threshold = f128(min_norm) * (1 - f128(std::ldexp(1.0, -(p + 1))));
    if ((neg ? -v : v) < threshold) flags |= kUF;
    return {host_bits<T>(r), flags};
  }
};

TEST(FpuRmm, AgainstExactReference) {
  Gen gen(15);
  int failures = 0;
  auto check = [&](const char* what, auto got, auto want, uint64_t a, uint64_t b) {
    if (got == want) return;
    ++failures;
    ADD_FAILURE() << what << " a=0x" << std::hex << a << " b=0x" << b << " got " << got << " want "
                  << want;
  };
  for (int i = 0; i < iterations() && failures < 10; ++i) {
    const uint32_t a32 = gen.operand<uint32_t>(), b32_ = gen.partner<uint32_t>(a32);
    const uint64_t a64 = gen.operand<uint64_t>(), b64_ = gen.partner<uint64_t>(a64);
    const float fa = f32v(a32), fb = f32v(b32_);
    const double da = f64v(a64), db = f64v(b64_);
    if (std::isfinite(fa) && std::isfinite(fb)) {
      check("f32_mul", call(f32_mul, kRMM, a32, b32_), RmmRef<uint32_t>()(f128(fa) * f128(fb)), a32,
            b32_);
      if (fa == 0 || fb == 0 || exponent_gap(fa, fb) < 80)
        check("f32_add", call(f32_add, kRMM, a32, b32_), RmmRef<uint32_t>()(f128(fa) + f128(fb)),
              a32, b32_);
      const uint32_t c32 = gen.partner<uint32_t>(a32);
      const float fc = f32v(c32);
      if (std::isfinite(fc) && fa != 0 && fb != 0 && fc != 0 &&
          std::abs(int64_t{std::ilogb(fa)} + std::ilogb(fb) - std::ilogb(fc)) < 60)
        check("f32_fma", call(f32_fma, kRMM, a32, b32_, c32, false, false),
              RmmRef<uint32_t>()(f128(fa) * f128(fb) + f128(fc)), a32, c32);
    }
    if (std::isfinite(da) && std::isfinite(db)) {
      check("f64_mul", call(f64_mul, kRMM, a64, b64_), RmmRef<uint64_t>()(f128(da) * f128(db)), a64,
            b64_);
      if (da == 0 || db == 0 || exponent_gap(da, db) < 55)
        check("f64_add", call(f64_add, kRMM, a64, b64_), RmmRef<uint64_t>()(f128(da) + f128(db)),
              a64, b64_);
      check("f64_to_f32", call(f64_to_f32, kRMM, a64), RmmRef<uint32_t>()(f128(da)), a64, 0);
    }
    const uint64_t u = gen.bits() >> gen.below(64);
    const int64_t s = gen.below(2) ? -int64_t(u >> 1) : int64_t(u);
    check("u64_to_f64", call(u64_to_f64, kRMM, u), RmmRef<uint64_t>()(f128(u)), u, 0);
    check("i64_to_f64", call(i64_to_f64, kRMM, s), RmmRef<uint64_t>()(f128(s)), u, 0);
    check("u64_to_f32", call(u64_to_f32, kRMM, u), RmmRef<uint32_t>()(f128(u)), u, 0);
    check("i64_to_f32", call(i64_to_f32, kRMM, s), RmmRef<uint32_t>()(f128(s)), u, 0);
    // Float -> integer: round half away from zero (std::round), in range only.
    const uint64_t d = gen.operand<uint64_t>(1023 + int64_t(gen.below(64)) - 3);
    const double dv = f64v(d);
    if (std::isfinite(dv) && std::fabs(dv) < 9.2e18) {
      const double r = std::round(dv);
      check("f64_to_i64", call(f64_to_i64, kRMM, d), (OI64{int64_t(r), uint8_t(r != dv ? kNX : 0)}),
            d, 0);
    }
  }
}

// The host-FPU shortcut of f64_add/sub/mul/div/sqrt (cpu/fpu_host.h) against
// the soft-float core alone, bit for bit and flag for flag, under RNE:
// random operands over the whole exponent range, near-cancelling pairs,
// small integers (exact results), and operands near the shortcut's floor and
// near overflow, where it must hand over to the soft path.
TEST(FpuHostShortcut, SameBitsAndFlagsAsSoftFloat) {
  std::mt19937_64 rng(20261207);
  auto pick = [&rng]() -> uint64_t {
    const uint64_t sign = (rng() & 1) << 63, mant = rng() & ((1ull << 52) - 1);
    switch (rng() % 6) {
      case 0: return rng();                                                      // anything, NaNs too
      case 1: return sign | (uint64_t(1023 - 30 + rng() % 60) << 52) | mant;    // around 1
      case 2: return host::bits(double(int64_t(rng() % 2001) - 1000));           // small integers
      case 3: return sign | (uint64_t(54 + rng() % 12) << 52) | mant;            // around the floor 2^-969
      case 4: return sign | (uint64_t(2046 - rng() % 4) << 52) | mant;           // near overflow
      default: return sign | (uint64_t(1 + rng() % 2046) << 52) | mant;          // any normal
    }
  };
  int shortcut = 0, n = 0;
  for (int k = 0; k < 400000; ++k) {
    const uint64_t a = pick();
    const uint64_t b = rng() % 4 == 0 ? a ^ (rng() & 0xff) : pick();  // near-equal pairs cancel
    struct Case {
      const char* name;
      uint64_t (*fast)(uint64_t, uint64_t, uint8_t, uint8_t&);
      uint64_t (*slow)(uint64_t, uint64_t, uint8_t, uint8_t&);
    };
    const Case cases[] = {{"add", f64_add, soft::f64_add}, {"sub", f64_sub, soft::f64_sub},
                          {"mul", f64_mul, soft::f64_mul}, {"div", f64_div, soft::f64_div}};
    for (const Case& c : cases) {
      uint8_t ff = 0, fs = 0;
      const uint64_t rf = c.fast(a, b, kRNE, ff), rs = c.slow(a, b, kRNE, fs);
      ++n;
      if (rf != rs || ff != fs) {
        ADD_FAILURE() << c.name << " " << std::hex << a << ", " << b << ": shortcut " << rf << " flags " << int(ff)
                      << ", soft " << rs << " flags " << int(fs);
        return;
      }
    }
    uint8_t ff = 0, fs = 0;
    const uint64_t rf = f64_sqrt(a, kRNE, ff), rs = soft::f64_sqrt(a, kRNE, fs);
    if (rf != rs || ff != fs) {
      ADD_FAILURE() << "sqrt " << std::hex << a << ": shortcut " << rf << " flags " << int(ff) << ", soft " << rs
                    << " flags " << int(fs);
      return;
    }
    uint8_t ignored = 0;
    uint64_t out;
    shortcut += host::add(a, b, kRNE, ignored, out) + host::mul(a, b, kRNE, ignored, out);
  }
  // The shortcut really ran for most cases (else this test checks nothing).
  EXPECT_GT(shortcut, n / 4);
}

// Other rounding modes never take the shortcut.
TEST(FpuHostShortcut, OnlyUnderRne) {
  uint8_t flags = 0;
  uint64_t out;
  for (uint8_t rm : {kRTZ, kRDN, kRUP, kRMM}) {
    EXPECT_FALSE(host::add(host::bits(1.0), host::bits(0x1p-60), rm, flags, out));
    EXPECT_FALSE(host::div(host::bits(1.0), host::bits(3.0), rm, flags, out));
  }
  EXPECT_TRUE(host::div(host::bits(1.0), host::bits(3.0), kRNE, flags, out));
  EXPECT_EQ(flags, kNX);
  flags = 0;
  EXPECT_TRUE(host::mul(host::bits(3.0), host::bits(0.5), kRNE, flags, out));
  EXPECT_EQ(flags, 0);
  EXPECT_EQ(host::value(out), 1.5);
}

}  // namespace
