// cpu/fpu.h: IEEE 754 binary32/binary64 arithmetic as the RISC-V F and D
// extensions define it (unpriv spec, chapters "F" and "D"): five rounding modes
// (RNE, RTZ, RDN, RUP, RMM), the five accrued exception flags, canonical NaN
// results, and RISC-V's saturating float->integer conversions.
//
// Values are passed as raw bit patterns (uint32_t for binary32, uint64_t for
// binary64). NaN-boxing of binary32 values in 64-bit registers is the
// caller's job (cpu/), not this file's. Every function ORs the flags it
// raises into `flags` (fflags bit layout) and never clears any.
#pragma once
#include <cstdint>

namespace rvh::fpu {

// fflags bits (unpriv spec, "Floating-Point Control and Status Register").
enum : uint8_t { kNX = 1, kUF = 2, kOF = 4, kDZ = 8, kNV = 16 };
// frm encodings. 5,6 are reserved; 7 (DYN) is resolved by the caller.
enum RoundingMode : uint8_t { kRNE = 0, kRTZ = 1, kRDN = 2, kRUP = 3, kRMM = 4 };

constexpr uint32_t kCanonicalNaN32 = 0x7fc00000u;
constexpr uint64_t kCanonicalNaN64 = 0x7ff8000000000000ull;

// ---- binary32 ----
uint32_t f32_add(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags);
uint32_t f32_sub(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags);
uint32_t f32_mul(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags);
uint32_t f32_div(uint32_t a, uint32_t b, uint8_t rm, uint8_t& flags);
uint32_t f32_sqrt(uint32_t a, uint8_t rm, uint8_t& flags);
// a*b+c with one rounding; negate_product / negate_addend give FMSUB/FNMSUB/FNMADD.
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, bool negate_product, bool negate_addend,
                 uint8_t rm, uint8_t& flags);
uint32_t f32_min(uint32_t a, uint32_t b, uint8_t& flags);  // FMIN.S (IEEE 754-2019 minimumNumber)
uint32_t f32_max(uint32_t a, uint32_t b, uint8_t& flags);
bool f32_eq(uint32_t a, uint32_t b, uint8_t& flags);  // quiet: NV only for sNaN
bool f32_lt(uint32_t a, uint32_t b, uint8_t& flags);  // signaling: NV for any NaN
bool f32_le(uint32_t a, uint32_t b, uint8_t& flags);
uint32_t f32_classify(uint32_t a);  // FCLASS.S bit mask
int32_t f32_to_i32(uint32_t a, uint8_t rm, uint8_t& flags);
uint32_t f32_to_u32(uint32_t a, uint8_t rm, uint8_t& flags);
int64_t f32_to_i64(uint32_t a, uint8_t rm, uint8_t& flags);
uint64_t f32_to_u64(uint32_t a, uint8_t rm, uint8_t& flags);
uint32_t i32_to_f32(int32_t a, uint8_t rm, uint8_t& flags);
uint32_t u32_to_f32(uint32_t a, uint8_t rm, uint8_t& flags);
uint32_t i64_to_f32(int64_t a, uint8_t rm, uint8_t& flags);
uint32_t u64_to_f32(uint64_t a, uint8_t rm, uint8_t& flags);

// ---- binary64 ----
uint64_t f64_add(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_sub(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_mul(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_div(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_sqrt(uint64_t a, uint8_t rm, uint8_t& flags);
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend,
                 uint8_t rm, uint8_t& flags);
uint64_t f64_min(uint64_t a, uint64_t b, uint8_t& flags);
uint64_t f64_max(uint64_t a, uint64_t b, uint8_t& flags);
bool f64_eq(uint64_t a, uint64_t b, uint8_t& flags);
bool f64_lt(uint64_t a, uint64_t b, uint8_t& flags);
bool f64_le(uint64_t a, uint64_t b, uint8_t& flags);
uint64_t f64_classify(uint64_t a);

// The soft-float core alone, without the host-FPU shortcut that f64_add,
// f64_sub, f64_mul, f64_div and f64_sqrt take first (cpu/fpu_host.h): the
// reference the unit tests hold that shortcut to.
namespace soft {
uint64_t f64_add(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_sub(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_mul(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_div(uint64_t a, uint64_t b, uint8_t rm, uint8_t& flags);
uint64_t f64_sqrt(uint64_t a, uint8_t rm, uint8_t& flags);
}  // namespace soft

int32_t f64_to_i32(uint64_t a, uint8_t rm, uint8_t& flags);
uint32_t f64_to_u32(uint64_t a, uint8_t rm, uint8_t& flags);
int64_t f64_to_i64(uint64_t a, uint8_t rm, uint8_t& flags);
uint64_t f64_to_u64(uint64_t a, uint8_t rm, uint8_t& flags);
uint64_t i32_to_f64(int32_t a, uint8_t rm, uint8_t& flags);
uint64_t u32_to_f64(uint32_t a, uint8_t rm, uint8_t& flags);
uint64_t i64_to_f64(int64_t a, uint8_t rm, uint8_t& flags);
uint64_t u64_to_f64(uint64_t a, uint8_t rm, uint8_t& flags);

// ---- conversions between formats ----
uint64_t f32_to_f64(uint32_t a, uint8_t& flags);               // exact; sNaN -> NV, NaN -> canonical
uint32_t f64_to_f32(uint64_t a, uint8_t rm, uint8_t& flags);

}  // namespace rvh::fpu
