/* fp: F and D. Rounding of tie cases under all five modes (RNE, RTZ, RDN,
 * RUP, RMM) via static rm and via frm (dyn); fflags NX/UF/OF/DZ/NV after
 * each operation; NaN boxing (FLW boxes; an improperly boxed single reads
 * as the canonical NaN); canonical NaN results; FMIN/FMAX on signed zeros
 * and NaNs; FEQ/FLT/FLE NaN signalling; FCVT saturation; FCLASS; fused
 * multiply-add; fcsr/frm/fflags aliasing; invalid frm -> illegal;
 * mstatus.FS dirty tracking and FS=Off -> illegal instruction. */
#include "rvh.h"

#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

#define RNE 0
#define RTZ 1
#define RDN 2
#define RUP 3
#define RMM 4

#define F32_QNAN 0x7fc00000u
#define F64_QNAN 0x7ff8000000000000ULL
#define BOX(x)   (0xffffffff00000000ULL | (uint32_t)(x))

static inline uint64_t fbits_d(double d) { union { double d; uint64_t u; } c = {.d = d}; return c.u; }
static inline uint32_t fbits_s(float f) { union { float f; uint32_t u; } c = {.f = f}; return c.u; }

static inline void clear_flags(void) { csr_write(fflags, 0); }
static inline uint64_t flags(void) { return csr_read(fflags); }

/* Binary ops on raw bits: operands moved in with fmv, result moved out. */
#define FOP_S(insn, a, b) ({ uint64_t r__; \
    __asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n" insn " ft2, ft0, ft1\n fmv.x.w %0, ft2" \
                     : "=r"(r__) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "ft0", "ft1", "ft2"); \
    (uint32_t)r__; })
#define FOP_D(insn, a, b) ({ uint64_t r__; \
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n" insn " ft2, ft0, ft1\n fmv.x.d %0, ft2" \
                     : "=r"(r__) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "ft0", "ft1", "ft2"); r__; })
/* Unary to integer (fcvt.w.s etc.) */
#define FCVT_X_S(insn, a) ({ uint64_t r__; \
    __asm__ volatile("fmv.w.x ft0, %1\n" insn : "=r"(r__) : "r"((uint64_t)(a)) : "ft0"); r__; })
#define FCVT_X_D(insn, a) ({ uint64_t r__; \
    __asm__ volatile("fmv.d.x ft0, %1\n" insn : "=r"(r__) : "r"((uint64_t)(a)) : "ft0"); r__; })
#define FCMP_S(insn, a, b) ({ uint64_t r__; \
    __asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n" insn " %0, ft0, ft1" \
                     : "=r"(r__) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "ft0", "ft1"); r__; })
#define FCMP_D(insn, a, b) ({ uint64_t r__; \
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n" insn " %0, ft0, ft1" \
                     : "=r"(r__) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "ft0", "ft1"); r__; })

#define CHECK_OP(result, want, want_flags) do { \
    clear_flags(); uint64_t r_ = (result); uint64_t f_ = flags(); \
    CHECK_EQ(r_, (want)); CHECK_EQ(f_, (want_flags)); } while (0)

/* ---------------------------------------------------------------- rounding */
static void test_rounding_static(void)
{
  /* fcvt.w.s of 2.5, -2.5, 3.5 under each static rm */
  static const struct { float in; int32_t want[5]; } T[] = {
      {2.5f, {2, 2, 2, 3, 3}},
      {-2.5f, {-2, -2, -3, -2, -3}},
      {3.5f, {4, 3, 3, 4, 4}},
      {-0.5f, {0, 0, -1, 0, -1}},
  };
  for (unsigned i = 0; i < 4; i++) {
    uint32_t a = fbits_s(T[i].in);
    uint64_t d = fbits_d((double)T[i].in);
    CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rne", a), (uint64_t)(int64_t)T[i].want[RNE], NX);
    CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rtz", a), (uint64_t)(int64_t)T[i].want[RTZ], NX);
    CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rdn", a), (uint64_t)(int64_t)T[i].want[RDN], NX);
    CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rup", a), (uint64_t)(int64_t)T[i].want[RUP], NX);
    CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rmm", a), (uint64_t)(int64_t)T[i].want[RMM], NX);
    CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rne", d), (uint64_t)(int64_t)T[i].want[RNE], NX);
    CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rtz", d), (uint64_t)(int64_t)T[i].want[RTZ], NX);
    CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rdn", d), (uint64_t)(int64_t)T[i].want[RDN], NX);
    CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rup", d), (uint64_t)(int64_t)T[i].want[RUP], NX);
    CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rmm", d), (uint64_t)(int64_t)T[i].want[RMM], NX);
  }
  /* fadd ties: 1 + 2^-24 (half an ulp of 1.0f) and -(1 + 2^-24) */
  uint32_t one = 0x3f800000, half_ulp = 0x33800000, one_up = 0x3f800001;
  uint32_t mone = 0xbf800000, mhalf = 0xb3800000, mone_up = 0xbf800001;
  CHECK_OP(FOP_S("fadd.s", one, half_ulp), one, NX); /* default dyn = RNE */
  __asm__ volatile("" ::: "memory");
  CHECK_OP(({ uint64_t r; __asm__ volatile("fmv.w.x ft0,%1\n fmv.w.x ft1,%2\n fadd.s ft2,ft0,ft1,rmm\n fmv.x.w %0,ft2" : "=r"(r) : "r"((uint64_t)one), "r"((uint64_t)half_ulp) : "ft0","ft1","ft2"); (uint32_t)r; }), one_up, NX);
  CHECK_OP(({ uint64_t r; __asm__ volatile("fmv.w.x ft0,%1\n fmv.w.x ft1,%2\n fadd.s ft2,ft0,ft1,rup\n fmv.x.w %0,ft2" : "=r"(r) : "r"((uint64_t)one), "r"((uint64_t)half_ulp) : "ft0","ft1","ft2"); (uint32_t)r; }), one_up, NX);
  CHECK_OP(({ uint64_t r; __asm__ volatile("fmv.w.x ft0,%1\n fmv.w.x ft1,%2\n fadd.s ft2,ft0,ft1,rdn\n fmv.x.w %0,ft2" : "=r"(r) : "r"((uint64_t)mone), "r"((uint64_t)mhalf) : "ft0","ft1","ft2"); (uint32_t)r; }), mone_up, NX);
  CHECK_OP(({ uint64_t r; __asm__ volatile("fmv.w.x ft0,%1\n fmv.w.x ft1,%2\n fadd.s ft2,ft0,ft1,rtz\n fmv.x.w %0,ft2" : "=r"(r) : "r"((uint64_t)mone), "r"((uint64_t)mhalf) : "ft0","ft1","ft2"); (uint32_t)r; }), mone, NX);
  /* 1 + 2^-23 + 2^-24: tie between odd 1+2^-23 and even 1+2^-22 */
  CHECK_OP(FOP_S("fadd.s", one_up, half_ulp), 0x3f800002u, NX);
}

static void test_rounding_dyn(void)
{
  /* same ties through frm with dynamic rounding */
  static const struct { int rm; uint64_t s_pos, s_neg, d_pos; int64_t cvt; } T[] = {
      /* 1+2^-24 (s), -(1+2^-24) (s), 1+2^-53 (d), fcvt.w.s(-2.5) */
      {RNE, 0x3f800000, 0xbf800000, 0x3ff0000000000000ULL, -2},
      {RTZ, 0x3f800000, 0xbf800000, 0x3ff0000000000000ULL, -2},
      {RDN, 0x3f800000, 0xbf800001, 0x3ff0000000000000ULL, -3},
      {RUP, 0x3f800001, 0xbf800000, 0x3ff0000000000001ULL, -2},
      {RMM, 0x3f800001, 0xbf800001, 0x3ff0000000000001ULL, -3},
  };
  for (unsigned i = 0; i < 5; i++) {
    csr_write(frm, T[i].rm);
    CHECK_EQ(csr_read(fcsr) >> 5, (uint64_t)T[i].rm);
    CHECK_OP(FOP_S("fadd.s", 0x3f800000u, 0x33800000u), T[i].s_pos, NX);
    CHECK_OP(FOP_S("fadd.s", 0xbf800000u, 0xb3800000u), T[i].s_neg, NX);
    CHECK_OP(FOP_D("fadd.d", 0x3ff0000000000000ULL, 0x3ca0000000000000ULL), T[i].d_pos, NX);
    CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0", fbits_s(-2.5f)), (uint64_t)T[i].cvt, NX);
    /* exact results never set NX */
    CHECK_OP(FOP_D("fmul.d", fbits_d(1.5), fbits_d(2.0)), fbits_d(3.0), 0);
  }
  csr_write(frm, RNE);
  /* invalid frm values make dyn-rm instructions illegal */
  csr_write(frm, 5);
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fadd.s ft0, ft1, ft2" ::: "ft0"));
  csr_write(frm, 7);
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fmul.d ft0, ft1, ft2" ::: "ft0"));
  /* ... but static rm instructions still work */
  EXPECT_NO_TRAP(__asm__ volatile("fadd.s ft0, ft1, ft2, rne" ::: "ft0"));
  csr_write(frm, RNE);
}

/* ---------------------------------------------------------------- flags */
static void test_flags(void)
{
  /* underflow: tiny * tiny, result inexact and tiny */
  CHECK_OP(FOP_S("fmul.s", 0x0d800000u /* 2^-100 */, 0x0d800000u), 0, UF | NX);
  CHECK_OP(FOP_D("fmul.d", 0x0010000000000000ULL /* 2^-1022 */, 0x3fe0000000000001ULL),
           0x0008000000000000ULL, UF | NX); /* 2^-1023*(1+2^-52) -> subnormal, rounded */
  /* exact subnormal result: no UF (tininess without inexactness) */
  CHECK_OP(FOP_S("fmul.s", 0x00800000u /* 2^-126 */, 0x3f000000u /* 0.5 */), 0x00400000u, 0);
  /* overflow */
  CHECK_OP(FOP_S("fmul.s", 0x7f000000u, 0x40000000u), 0x7f800000u, OF | NX);
  CHECK_OP(FOP_D("fadd.d", 0x7fefffffffffffffULL, 0x7fefffffffffffffULL),
           0x7ff0000000000000ULL, OF | NX);
  /* overflow with RTZ saturates to max finite */
  CHECK_OP(({ uint64_t r; __asm__ volatile("fmv.w.x ft0,%1\n fmv.w.x ft1,%2\n fmul.s ft2,ft0,ft1,rtz\n fmv.x.w %0,ft2" : "=r"(r) : "r"(0x7f000000ULL), "r"(0x40000000ULL) : "ft0","ft1","ft2"); (uint32_t)r; }), 0x7f7fffffu, OF | NX);
  /* divide by zero */
  CHECK_OP(FOP_S("fdiv.s", 0x3f800000u, 0x80000000u), 0xff800000u, DZ);
  CHECK_OP(FOP_D("fdiv.d", fbits_d(-2.0), 0), 0xfff0000000000000ULL, DZ);
  /* invalid: 0/0, inf-inf, 0*inf, sqrt(-1) -> canonical NaN */
  CHECK_OP(FOP_S("fdiv.s", 0, 0), F32_QNAN, NV);
  CHECK_OP(FOP_D("fsub.d", 0x7ff0000000000000ULL, 0x7ff0000000000000ULL), F64_QNAN, NV);
  CHECK_OP(FOP_D("fmul.d", 0, 0xfff0000000000000ULL), F64_QNAN, NV);
  {
    clear_flags();
    uint64_t r;
    __asm__ volatile("fmv.w.x ft0, %1\n fsqrt.s ft1, ft0\n fmv.x.w %0, ft1"
                     : "=r"(r) : "r"(0xbf800000ULL) : "ft0", "ft1");
    CHECK_EQ((uint32_t)r, F32_QNAN);
    CHECK_EQ(flags(), NV);
    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n fsqrt.d ft1, ft0\n fmv.x.d %0, ft1"
                     : "=r"(r) : "r"(fbits_d(2.25)) : "ft0", "ft1");
    CHECK_EQ(r, fbits_d(1.5));
    CHECK_EQ(flags(), 0);
  }
  /* signalling NaN operand -> NV and canonical NaN (payload not kept) */
  CHECK_OP(FOP_S("fadd.s", 0x7f800001u, 0x3f800000u), F32_QNAN, NV);
  CHECK_OP(FOP_D("fmul.d", 0xfff0000000000123ULL, fbits_d(1.0)), F64_QNAN, NV);
  /* quiet NaN operand: canonical NaN, no flags */
  CHECK_OP(FOP_S("fadd.s", 0xffc12345u, 0x3f800000u), F32_QNAN, 0);
  CHECK_OP(FOP_D("fadd.d", 0x7ff8000000abcdefULL, fbits_d(1.0)), F64_QNAN, 0);
  /* flags accumulate until cleared */
  clear_flags();
  FOP_S("fdiv.s", 0x3f800000u, 0);
  FOP_S("fdiv.s", 0, 0);
  CHECK_EQ(flags(), DZ | NV);
  /* fused multiply-add: (1+2^-23)(1-2^-23) - 1 = -2^-46 exactly */
  {
    clear_flags();
    uint64_t r;
    __asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n fmv.w.x ft2, %3\n"
                     "fmadd.s ft3, ft0, ft1, ft2\n fmv.x.w %0, ft3"
                     : "=r"(r) : "r"(0x3f800001ULL), "r"(0x3f7ffffeULL), "r"(0xbf800000ULL)
                     : "ft0", "ft1", "ft2", "ft3");
    CHECK_EQ((uint32_t)r, 0xa8800000u);
    CHECK_EQ(flags(), 0);
    /* fnmsub = -(a*b) + c; fmsub = a*b - c */
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft2, %3\n"
                     "fnmsub.d ft3, ft0, ft1, ft2\n fmv.x.d %0, ft3"
                     : "=r"(r) : "r"(fbits_d(2.0)), "r"(fbits_d(3.0)), "r"(fbits_d(10.0))
                     : "ft0", "ft1", "ft2", "ft3");
    CHECK_EQ(r, fbits_d(4.0));
    /* 0 * inf + qNaN: NV is optional per IEEE but the RISC-V spec
     * requires it (fused multiply-add, "invalid operation" rule) */
    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft2, %3\n"
                     "fmadd.d ft3, ft0, ft1, ft2\n fmv.x.d %0, ft3"
                     : "=r"(r) : "r"(0ULL), "r"(0x7ff0000000000000ULL), "r"(F64_QNAN)
                     : "ft0", "ft1", "ft2", "ft3");
    CHECK_EQ(r, F64_QNAN);
    CHECK_EQ(flags(), NV);
  }
}

/* ---------------------------------------------------------------- boxing */
static void test_nan_boxing(void)
{
  static volatile uint32_t w = 0x40490fdb; /* pi */
  uint64_t r;
  /* flw NaN-boxes */
  __asm__ volatile("flw ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(r) : "r"(&w) : "ft0", "memory");
  CHECK_EQ(r, BOX(0x40490fdb));
  /* fmv.w.x boxes too */
  __asm__ volatile("fmv.w.x ft0, %1\n fmv.x.d %0, ft0" : "=r"(r) : "r"(0x3f800000ULL) : "ft0");
  CHECK_EQ(r, BOX(0x3f800000));
  /* improperly boxed single: treated as canonical NaN */
  clear_flags();
  __asm__ volatile("fmv.d.x ft0, %1\n fmv.w.x ft1, %2\n fadd.s ft2, ft0, ft1\n fmv.x.d %0, ft2"
                   : "=r"(r) : "r"(0x000000003f800000ULL), "r"(0x3f800000ULL) : "ft0", "ft1", "ft2");
  CHECK_EQ(r, BOX(F32_QNAN));
  CHECK_EQ(flags(), 0);
  __asm__ volatile("fmv.d.x ft0, %1\n fsgnj.s ft1, ft0, ft0\n fmv.x.d %0, ft1"
                   : "=r"(r) : "r"(0xfffffffe3f800000ULL) : "ft0", "ft1");
  CHECK_EQ(r, BOX(F32_QNAN));
  __asm__ volatile("fmv.d.x ft0, %1\n fclass.s %0, ft0"
                   : "=r"(r) : "r"(0x7fffffff3f800000ULL) : "ft0");
  CHECK_EQ(r, 1u << 9); /* quiet NaN */
  /* fsgnj family on properly boxed values */
  CHECK_EQ(FOP_S("fsgnjn.s", 0x3f800000u, 0x3f800000u), 0xbf800000u);
  CHECK_EQ(FOP_S("fsgnjx.s", 0xbf800000u, 0x80000000u), 0x3f800000u);
  CHECK_EQ(FOP_D("fsgnj.d", fbits_d(2.0), fbits_d(-0.0)), fbits_d(-2.0));
  /* fmv.x.w sign-extends bit 31 */
  __asm__ volatile("fmv.w.x ft0, %1\n fmv.x.w %0, ft0" : "=r"(r) : "r"(0x80000001ULL) : "ft0");
  CHECK_EQ(r, 0xffffffff80000001ULL);
  /* fcvt.d.s / fcvt.s.d */
  __asm__ volatile("fmv.w.x ft0, %1\n fcvt.d.s ft1, ft0\n fmv.x.d %0, ft1"
                   : "=r"(r) : "r"(0x7f800001ULL) : "ft0", "ft1");
  CHECK_EQ(r, F64_QNAN);
  clear_flags();
  __asm__ volatile("fmv.d.x ft0, %1\n fcvt.s.d ft1, ft0\n fmv.x.d %0, ft1"
                   : "=r"(r) : "r"(0x3ff0000010000000ULL /* 1 + 2^-24 */) : "ft0", "ft1");
  CHECK_EQ(r, BOX(0x3f800000));
  CHECK_EQ(flags(), NX);
}

/* ---------------------------------------------------------------- min/max */
static void test_minmax(void)
{
  CHECK_OP(FOP_S("fmin.s", 0x80000000u, 0x00000000u), 0x80000000u, 0);
  CHECK_OP(FOP_S("fmin.s", 0x00000000u, 0x80000000u), 0x80000000u, 0);
  CHECK_OP(FOP_S("fmax.s", 0x80000000u, 0x00000000u), 0x00000000u, 0);
  CHECK_OP(FOP_S("fmax.s", 0x00000000u, 0x80000000u), 0x00000000u, 0);
  CHECK_OP(FOP_D("fmin.d", 0x8000000000000000ULL, 0), 0x8000000000000000ULL, 0);
  CHECK_OP(FOP_D("fmax.d", 0, 0x8000000000000000ULL), 0, 0);
  /* one quiet NaN: the other operand, no flag */
  CHECK_OP(FOP_S("fmin.s", F32_QNAN, 0x3f800000u), 0x3f800000u, 0);
  CHECK_OP(FOP_S("fmax.s", 0x3f800000u, 0xffc00001u), 0x3f800000u, 0);
  CHECK_OP(FOP_D("fmax.d", F64_QNAN, fbits_d(-3.0)), fbits_d(-3.0), 0);
  /* signalling NaN: the other operand, NV */
  CHECK_OP(FOP_S("fmin.s", 0x7f800001u, 0x3f800000u), 0x3f800000u, NV);
  CHECK_OP(FOP_D("fmax.d", fbits_d(2.0), 0x7ff0000000000001ULL), fbits_d(2.0), NV);
  /* both NaN: canonical NaN */
  CHECK_OP(FOP_S("fmax.s", 0x7fc00123u, 0xffc00456u), F32_QNAN, 0);
  CHECK_OP(FOP_D("fmin.d", 0x7ff0000000000001ULL, F64_QNAN), F64_QNAN, NV);
  /* compares: feq quiet, flt/fle signalling on any NaN */
  CHECK_OP(FCMP_S("feq.s", F32_QNAN, F32_QNAN), 0, 0);
  CHECK_OP(FCMP_S("feq.s", 0x7f800001u, 0), 0, NV);
  CHECK_OP(FCMP_S("flt.s", F32_QNAN, 0), 0, NV);
  CHECK_OP(FCMP_D("fle.d", 0, F64_QNAN), 0, NV);
  CHECK_OP(FCMP_D("feq.d", 0x8000000000000000ULL, 0), 1, 0); /* -0 == +0 */
  CHECK_OP(FCMP_D("flt.d", 0x8000000000000000ULL, 0), 0, 0);
  CHECK_OP(FCMP_S("fle.s", 0xbf800000u, 0x3f800000u), 1, 0);
}

/* ---------------------------------------------------------------- fcvt */
static void test_fcvt(void)
{
  /* saturation and NaN -> largest value */
  CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rtz", F32_QNAN), 0x7fffffffULL, NV);
  CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rtz", 0x7f800000u), 0x7fffffffULL, NV);
  CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rtz", 0xff800000u), 0xffffffff80000000ULL, NV);
  CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rtz", fbits_s(3e9f)), 0x7fffffffULL, NV);
  CHECK_OP(FCVT_X_S("fcvt.w.s %0, ft0, rtz", fbits_s(-2147483648.0f)), 0xffffffff80000000ULL, 0);
  CHECK_OP(FCVT_X_S("fcvt.wu.s %0, ft0, rtz", fbits_s(-1.0f)), 0, NV);
  CHECK_OP(FCVT_X_S("fcvt.wu.s %0, ft0, rtz", fbits_s(-0.5f)), 0, NX); /* rounds to 0 */
  CHECK_OP(FCVT_X_S("fcvt.wu.s %0, ft0, rtz", F32_QNAN), 0xffffffffffffffffULL, NV); /* sext */
  CHECK_OP(FCVT_X_S("fcvt.wu.s %0, ft0, rtz", fbits_s(4e9f)), 0xffffffffee6b2800ULL, 0);
  CHECK_OP(FCVT_X_S("fcvt.wu.s %0, ft0, rtz", fbits_s(5e9f)), 0xffffffffffffffffULL, NV);
  CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rtz", F64_QNAN), 0x7fffffffffffffffULL, NV);
  CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rtz", 0xfff0000000000000ULL), 0x8000000000000000ULL, NV);
  CHECK_OP(FCVT_X_D("fcvt.l.d %0, ft0, rtz", fbits_d(1e19)), 0x7fffffffffffffffULL, NV);
  CHECK_OP(FCVT_X_D("fcvt.lu.d %0, ft0, rtz", F64_QNAN), 0xffffffffffffffffULL, NV);
  CHECK_OP(FCVT_X_D("fcvt.lu.d %0, ft0, rtz", fbits_d(-3.0)), 0, NV);
  CHECK_OP(FCVT_X_D("fcvt.lu.d %0, ft0, rtz", fbits_d(1e19)), 10000000000000000000ULL, 0);
  CHECK_OP(FCVT_X_D("fcvt.w.d %0, ft0, rtz", fbits_d(-1e10)), 0xffffffff80000000ULL, NV);
  CHECK_OP(FCVT_X_S("fcvt.l.s %0, ft0, rtz", fbits_s(-1.75f)), (uint64_t)-1, NX);
  /* int -> float rounding */
  {
    uint64_t r;
    clear_flags();
    __asm__ volatile("fcvt.s.w ft0, %1\n fmv.x.w %0, ft0" : "=r"(r) : "r"(16777217ULL) : "ft0");
    CHECK_EQ((uint32_t)r, 0x4b800000u); /* 2^24 (tie to even) */
    CHECK_EQ(flags(), NX);
    clear_flags();
    __asm__ volatile("fcvt.s.wu ft0, %1\n fmv.x.w %0, ft0" : "=r"(r) : "r"(0xffffffffULL) : "ft0");
    CHECK_EQ((uint32_t)r, 0x4f800000u); /* 2^32 */
    CHECK_EQ(flags(), NX);
    clear_flags();
    __asm__ volatile("fcvt.d.l ft0, %1\n fmv.x.d %0, ft0" : "=r"(r) : "r"(-3LL) : "ft0");
    CHECK_EQ(r, fbits_d(-3.0));
    __asm__ volatile("fcvt.d.lu ft0, %1\n fmv.x.d %0, ft0" : "=r"(r) : "r"(~0ULL) : "ft0");
    CHECK_EQ(r, 0x43f0000000000000ULL); /* 2^64 */
    CHECK_EQ(flags(), NX);
    /* fcvt.s.w uses only the low 32 bits */
    __asm__ volatile("fcvt.s.w ft0, %1\n fmv.x.w %0, ft0" : "=r"(r) : "r"(0x12345678ffffffffULL) : "ft0");
    CHECK_EQ((uint32_t)r, 0xbf800000u);
  }
}

/* ---------------------------------------------------------------- fclass */
static void test_fclass(void)
{
  static const uint32_t s[10] = {0xff800000, 0xbf800000, 0x80000001, 0x80000000, 0x00000000,
                                 0x00000001, 0x3f800000, 0x7f800000, 0x7f800001, 0x7fc00000};
  static const uint64_t d[10] = {0xfff0000000000000ULL, 0xbff0000000000000ULL,
                                 0x800fffffffffffffULL, 0x8000000000000000ULL, 0,
                                 0x0000000000000001ULL, 0x3ff0000000000000ULL,
                                 0x7ff0000000000000ULL, 0x7ff4000000000000ULL,
                                 0x7ff8000000000000ULL};
  for (int i = 0; i < 10; i++) {
    CHECK_OP(FCVT_X_S("fclass.s %0, ft0", s[i]), 1u << i, 0);
    CHECK_OP(FCVT_X_D("fclass.d %0, ft0", d[i]), 1u << i, 0);
  }
}

/* ---------------------------------------------------------------- fcsr */
static void test_fcsr(void)
{
  csr_write(fcsr, 0xfff);
  CHECK_EQ(csr_read(fcsr), 0xff); /* bits 31:8 read as zero */
  CHECK_EQ(csr_read(frm), 7);
  CHECK_EQ(csr_read(fflags), 0x1f);
  csr_write(frm, 2);
  CHECK_EQ(csr_read(fcsr), (2 << 5) | 0x1f);
  csr_write(fflags, 0x04);
  CHECK_EQ(csr_read(fcsr), (2 << 5) | 0x04);
  csr_write(frm, 0xff); /* only 3 bits */
  CHECK_EQ(csr_read(frm), 7);
  CHECK_EQ(csr_read(fflags), 0x04);
  CHECK_EQ(csr_swap(fflags, 0x3f), 0x04);
  CHECK_EQ(csr_read(fflags), 0x1f);
  csr_clear(fflags, NX | NV);
  CHECK_EQ(csr_read(fflags), 0x0e);
  csr_write(fcsr, 0);
  CHECK_EQ(csr_read(frm), 0);
  CHECK_EQ(csr_read(fflags), 0);
}

/* ---------------------------------------------------------------- FS */
static inline uint64_t fs(void) { return (csr_read(mstatus) & MSTATUS_FS) >> MSTATUS_FS_SHIFT; }
static inline void set_fs(uint64_t v)
{
  csr_clear(mstatus, MSTATUS_FS);
  csr_set(mstatus, v << MSTATUS_FS_SHIFT);
}

static void test_fs(void)
{
  set_fs(FS_CLEAN);
  CHECK_EQ(fs(), FS_CLEAN);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, 0);
  __asm__ volatile("fadd.d ft0, ft1, ft2" ::: "ft0");
  CHECK_EQ(fs(), FS_DIRTY);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, MSTATUS_SD);
  set_fs(FS_CLEAN);
  csr_write(fflags, 1); /* fcsr writes dirty the state */
  CHECK_EQ(fs(), FS_DIRTY);
  set_fs(FS_INITIAL);
  __asm__ volatile("fmv.d.x ft0, zero" ::: "ft0");
  CHECK_EQ(fs(), FS_DIRTY);
  set_fs(FS_CLEAN);
  static volatile double dd = 1.0;
  __asm__ volatile("fld ft3, 0(%0)" : : "r"(&dd) : "ft3", "memory");
  CHECK_EQ(fs(), FS_DIRTY);
  /* sstatus shows FS and SD too */
  CHECK_EQ(csr_read(sstatus) & (MSTATUS_FS | MSTATUS_SD), MSTATUS_FS | MSTATUS_SD);

  /* FS = Off: every F/D instruction and fcsr access is illegal */
  set_fs(FS_OFF);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, 0);
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fadd.s ft0, ft1, ft2" ::: "ft0"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fld ft0, 0(%0)" : : "r"(&dd) : "ft0", "memory"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fsd ft0, 0(%0)" : : "r"(&dd) : "memory"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fmv.x.d a0, ft0" ::: "a0"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("csrr a0, fcsr" ::: "a0"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("csrw fflags, zero"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("mv a0, %0\n .option push\n .option rvc\n c.fld fa0, 0(a0)\n .option pop"
                               : : "r"(&dd) : "a0", "fa0", "memory"));
  CHECK_EQ(rvh_trap.insn_len, 2);
  CHECK_EQ(fs(), FS_OFF);
  set_fs(FS_INITIAL);
  CHECK_EQ(*(volatile double *)&dd == 1.0, 1);
}

int main(void)
{
  csr_write(fcsr, 0);
  test_rounding_static();
  test_rounding_dyn();
  test_flags();
  test_nan_boxing();
  test_minmax();
  test_fcvt();
  test_fclass();
  test_fcsr();
  test_fs();
  rvh_test_done("fp");
}
