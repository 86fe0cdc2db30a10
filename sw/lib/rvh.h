/* rvh.h - tiny bare-metal support library for rvh-vp / QEMU virt test programs.
 *
 * Provides: UART output and a small printf, the test finisher, CSR access
 * macros, privilege-mode switching (run a function in S or U mode and come
 * back via ecall), a trap-expectation helper, CHECK macros and the
 * "PASS: <name>" / "FAIL: <name> (<n> checks failed)" summary.
 *
 * Everything runs on hart 0; the library is not reentrant across harts.
 */
#ifndef RVH_H
#define RVH_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

/* ---------------------------------------------------------------- platform */
#define RVH_UART_BASE     0x10000000UL
#define RVH_FINISHER_BASE 0x00100000UL
#define RVH_CLINT_BASE    0x02000000UL
#define RVH_CLINT_MSIP    (RVH_CLINT_BASE + 0x0000)
#define RVH_CLINT_MTIMECMP (RVH_CLINT_BASE + 0x4000)
#define RVH_CLINT_MTIME   (RVH_CLINT_BASE + 0xBFF8)
#define RVH_PLIC_BASE     0x0c000000UL
#define RVH_RAM_BASE      0x80000000UL
#define RVH_TIMEBASE_HZ   10000000UL

#define MMIO8(a)  (*(volatile uint8_t *)(uintptr_t)(a))
#define MMIO32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define MMIO64(a) (*(volatile uint64_t *)(uintptr_t)(a))

/* ---------------------------------------------------------------- CSRs */
#define RVH_STR_(x) #x
#define RVH_STR(x) RVH_STR_(x)

/* csr may be a name (mstatus) or a number (0x14d). */
#define csr_read(csr) ({ uint64_t v__; \
    __asm__ volatile("csrr %0, " RVH_STR(csr) : "=r"(v__) : : "memory"); v__; })
#define csr_write(csr, val) ({ uint64_t w__ = (uint64_t)(val); \
    __asm__ volatile("csrw " RVH_STR(csr) ", %0" : : "r"(w__) : "memory"); })
#define csr_swap(csr, val) ({ uint64_t v__, w__ = (uint64_t)(val); \
    __asm__ volatile("csrrw %0, " RVH_STR(csr) ", %1" : "=r"(v__) : "r"(w__) : "memory"); v__; })
#define csr_set(csr, bits) ({ uint64_t v__, w__ = (uint64_t)(bits); \
    __asm__ volatile("csrrs %0, " RVH_STR(csr) ", %1" : "=r"(v__) : "r"(w__) : "memory"); v__; })
#define csr_clear(csr, bits) ({ uint64_t v__, w__ = (uint64_t)(bits); \
    __asm__ volatile("csrrc %0, " RVH_STR(csr) ", %1" : "=r"(v__) : "r"(w__) : "memory"); v__; })

/* mstatus / sstatus fields */
#define MSTATUS_SIE   (1UL << 1)
#define MSTATUS_MIE   (1UL << 3)
#define MSTATUS_SPIE  (1UL << 5)
#define MSTATUS_UBE   (1UL << 6)
#define MSTATUS_MPIE  (1UL << 7)
#define MSTATUS_SPP   (1UL << 8)
#define MSTATUS_VS    (3UL << 9)
#define MSTATUS_MPP   (3UL << 11)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS    (3UL << 13)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_XS    (3UL << 15)
#define MSTATUS_MPRV  (1UL << 17)
#define MSTATUS_SUM   (1UL << 18)
#define MSTATUS_MXR   (1UL << 19)
#define MSTATUS_TVM   (1UL << 20)
#define MSTATUS_TW    (1UL << 21)
#define MSTATUS_TSR   (1UL << 22)
#define MSTATUS_UXL   (3UL << 32)
#define MSTATUS_SXL   (3UL << 34)
#define MSTATUS_GVA   (1UL << 38)   /* H extension */
#define MSTATUS_MPV   (1UL << 39)   /* H extension */
#define MSTATUS_SD    (1UL << 63)

#define FS_OFF     0UL
#define FS_INITIAL 1UL
#define FS_CLEAN   2UL
#define FS_DIRTY   3UL

/* interrupt numbers / mip-mie bits */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_MSIP (1UL << IRQ_M_SOFT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_MTIP (1UL << IRQ_M_TIMER)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_MEIP (1UL << IRQ_M_EXT)
/* H extension: VS-level interrupts and supervisor guest external */
#define IRQ_VS_SOFT  2
#define IRQ_VS_TIMER 6
#define IRQ_VS_EXT   10
#define IRQ_S_GEXT   12
#define MIP_VSSIP (1UL << IRQ_VS_SOFT)
#define MIP_VSTIP (1UL << IRQ_VS_TIMER)
#define MIP_VSEIP (1UL << IRQ_VS_EXT)
#define MIP_SGEIP (1UL << IRQ_S_GEXT)

/* ---------------------------------------------------------------- H extension
 * CSR numbers (binutils also knows the names; the numbers are given so that
 * tests can be explicit). */
#define CSR_HSTATUS    0x600
#define CSR_HEDELEG    0x602
#define CSR_HIDELEG    0x603
#define CSR_HIE        0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE      0x607
#define CSR_HENVCFG    0x60a
#define CSR_HTVAL      0x643
#define CSR_HIP        0x644
#define CSR_HVIP       0x645
#define CSR_HTINST     0x64a
#define CSR_HGATP      0x680
#define CSR_HGEIP      0xe12
#define CSR_VSSTATUS   0x200
#define CSR_VSIE       0x204
#define CSR_VSTVEC     0x205
#define CSR_VSSCRATCH  0x240
#define CSR_VSEPC      0x241
#define CSR_VSCAUSE    0x242
#define CSR_VSTVAL     0x243
#define CSR_VSIP       0x244
#define CSR_VSTIMECMP  0x24d
#define CSR_VSATP      0x280
#define CSR_MTINST     0x34a
#define CSR_MTVAL2     0x34b
#define CSR_STIMECMP   0x14d
#define CSR_MENVCFG    0x30a

#define HSTATUS_VSBE   (1UL << 5)
#define HSTATUS_GVA    (1UL << 6)
#define HSTATUS_SPV    (1UL << 7)
#define HSTATUS_SPVP   (1UL << 8)
#define HSTATUS_HU     (1UL << 9)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VGEIN  (0x3fUL << 12)
#define HSTATUS_VTVM   (1UL << 20)
#define HSTATUS_VTW    (1UL << 21)
#define HSTATUS_VTSR   (1UL << 22)
#define HSTATUS_VSXL_SHIFT 32
#define HSTATUS_VSXL   (3UL << 32)

#define HGATP_MODE_SHIFT 60
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK  (0x3fffUL << 44)
#define HGATP_PPN_MASK   ((1UL << 44) - 1)
#define HGATP_BARE   0UL
#define HGATP_SV39X4 (8UL << 60)
#define HGATP_SV48X4 (9UL << 60)
#define HGATP_SV57X4 (10UL << 60)

#define ENVCFG_STCE  (1UL << 63)

/* Nonzero when misa.H is set (read once at startup, in M-mode). */
extern int rvh_has_h;

/* Hypervisor instructions as raw encodings (binutils may not know them).
 * All use rs1 = the address, rd = the result / rs2 = the data. */
#define RVH_HINSN_R(f7, rs2n, v, addr) ({ uint64_t r__;                     \
    __asm__ volatile(".insn r 0x73, 0x4, " #f7 ", %0, %1, x" #rs2n           \
                     : "=r"(r__) : "r"((uint64_t)(addr)) : "memory"); r__; })
#define hlv_b(a)    RVH_HINSN_R(0x30, 0, _, a)
#define hlv_bu(a)   RVH_HINSN_R(0x30, 1, _, a)
#define hlv_h(a)    RVH_HINSN_R(0x32, 0, _, a)
#define hlv_hu(a)   RVH_HINSN_R(0x32, 1, _, a)
#define hlvx_hu(a)  RVH_HINSN_R(0x32, 3, _, a)
#define hlv_w(a)    RVH_HINSN_R(0x34, 0, _, a)
#define hlv_wu(a)   RVH_HINSN_R(0x34, 1, _, a)
#define hlvx_wu(a)  RVH_HINSN_R(0x34, 3, _, a)
#define hlv_d(a)    RVH_HINSN_R(0x36, 0, _, a)
#define RVH_HSV(f7, addr, val)                                               \
  __asm__ volatile(".insn r 0x73, 0x4, " #f7 ", x0, %0, %1"                 \
                   : : "r"((uint64_t)(addr)), "r"((uint64_t)(val)) : "memory")
#define hsv_b(a, v) RVH_HSV(0x31, a, v)
#define hsv_h(a, v) RVH_HSV(0x33, a, v)
#define hsv_w(a, v) RVH_HSV(0x35, a, v)
#define hsv_d(a, v) RVH_HSV(0x37, a, v)
/* hfence.vvma rs1=vaddr, rs2=asid; hfence.gvma rs1=gpa>>2, rs2=vmid */
#define hfence_vvma(va, asid)                                                \
  __asm__ volatile(".insn r 0x73, 0x0, 0x11, x0, %0, %1"                    \
                   : : "r"((uint64_t)(va)), "r"((uint64_t)(asid)) : "memory")
#define hfence_gvma(gpa4, vmid)                                              \
  __asm__ volatile(".insn r 0x73, 0x0, 0x31, x0, %0, %1"                    \
                   : : "r"((uint64_t)(gpa4)), "r"((uint64_t)(vmid)) : "memory")
#define hfence_vvma_all() __asm__ volatile(".4byte 0x22000073" ::: "memory")
#define hfence_gvma_all() __asm__ volatile(".4byte 0x62000073" ::: "memory")

/* exception causes */
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_MACHINE_ECALL       11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
/* H extension */
#define CAUSE_VIRTUAL_SUPERVISOR_ECALL 10
#define CAUSE_FETCH_GUEST_PAGE_FAULT   20
#define CAUSE_LOAD_GUEST_PAGE_FAULT    21
#define CAUSE_VIRTUAL_INSTRUCTION      22
#define CAUSE_STORE_GUEST_PAGE_FAULT   23
#define CAUSE_INTERRUPT           (1UL << 63)

/* privilege levels */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* ---------------------------------------------------------------- output */
void uart_putc(char c);
void uart_puts(const char *s);            /* no newline added */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);                  /* standard: appends '\n' */
int putchar(int c);

/* ---------------------------------------------------------------- exit */
/* code 0: finisher PASS (simulator exits 0); else FAIL with that exit code. */
void rvh_exit(int code) __attribute__((noreturn));

/* ---------------------------------------------------------------- checks */
extern volatile unsigned rvh_checks_run;
extern volatile unsigned rvh_checks_failed;

void rvh_check(int ok, const char *expr, const char *file, int line);
void rvh_check_eq(uint64_t actual, uint64_t expected, const char *a,
                  const char *e, const char *file, int line);
void rvh_check_ne(uint64_t actual, uint64_t unexpected, const char *a,
                  const char *e, const char *file, int line);

#define CHECK(cond) rvh_check(!!(cond), #cond, __FILE__, __LINE__)
/* CHECK_EQ(actual, expected): compares as uint64_t, prints both in hex. */
#define CHECK_EQ(actual, expected) \
  rvh_check_eq((uint64_t)(actual), (uint64_t)(expected), #actual, #expected, \
               __FILE__, __LINE__)
#define CHECK_NE(actual, unexpected) \
  rvh_check_ne((uint64_t)(actual), (uint64_t)(unexpected), #actual, \
               #unexpected, __FILE__, __LINE__)

/* Known QEMU 7.2 deviations from the spec: on QEMU (detected from the boot
 * DTB) a mismatch is printed as "qemu-quirk: ..." and not counted; on any
 * other platform it is an ordinary CHECK_EQ failure. */
int rvh_on_qemu(void);
extern uint64_t rvh_boot_dtb; /* a1 at reset */
void rvh_check_eq_quirk(uint64_t actual, uint64_t expected, const char *a,
                        const char *e, const char *quirk, const char *file,
                        int line);
#define CHECK_EQ_QEMU_QUIRK(actual, expected, quirk) \
  rvh_check_eq_quirk((uint64_t)(actual), (uint64_t)(expected), #actual, \
                     #expected, quirk, __FILE__, __LINE__)

/* Print "PASS: name" or "FAIL: name (n checks failed)" and write the
 * finisher (never returns). */
void rvh_test_done(const char *name) __attribute__((noreturn));
/* Informational line, not a check. */
#define INFO(...) do { uart_puts("info: "); printf(__VA_ARGS__); uart_putc('\n'); } while (0)

/* ---------------------------------------------------------------- traps */
/* Register frame saved by the M and S trap entries (x[2] = interrupted sp).
 * The handler may modify x[], epc and status; they are restored on return. */
struct trap_frame {
  uint64_t x[32];
  uint64_t epc, cause, tval, status;
};

#define RVH_LEVEL_S 1   /* S-mode, or HS-mode with the H extension */
#define RVH_LEVEL_VS 2  /* VS-mode handler (vstvec), H extension only */
#define RVH_LEVEL_M 3

/* Hook called first for every trap (M or S level). Return nonzero if the
 * trap was handled (the frame is then restored as the hook left it). */
typedef int (*rvh_trap_hook_t)(struct trap_frame *f, int level);
extern volatile rvh_trap_hook_t rvh_trap_hook;

/* Record of the last expected trap. */
struct trap_record {
  int armed;
  int count;        /* traps taken while armed */
  int level;        /* RVH_LEVEL_M or RVH_LEVEL_S: who took it */
  int from;         /* privilege the trap came from (PRV_*) */
  uint64_t cause, epc, tval, status;
  unsigned insn_len;
  /* H extension (0 without it): V before the trap (MPV / SPV, 1 for a VS
   * handler), GVA (mstatus.GVA / hstatus.GVA), mtval2/htval,
   * mtinst/htinst, and hstatus as seen by an HS-level handler. */
  int virt, gva;
  uint64_t tval2, tinst, hstatus;
};
extern volatile struct trap_record rvh_trap;

/* Arm/disarm the expectation. While armed, any synchronous exception is
 * recorded and skipped: epc += length of the faulting instruction (2 or 4,
 * read from memory at epc), except for instruction access/page faults and
 * misaligned fetch, where execution resumes at the interrupted ra (so
 * provoke those by calling a function pointer). */
void rvh_trap_arm(void);
void rvh_trap_disarm(void);
#define RVH_ANY_TVAL (~0ULL - 0x1234)
void rvh_check_trap(uint64_t cause, uint64_t tval, const char *what,
                    const char *file, int line);

/* EXPECT_TRAP(cause, tval, statements...): run statements, require exactly
 * one trap with that cause (and tval unless RVH_ANY_TVAL). */
#define EXPECT_TRAP(cause, tval, ...) do {                               \
    rvh_trap_arm(); { __VA_ARGS__; } rvh_trap_disarm();                 \
    rvh_check_trap((cause), (tval), #__VA_ARGS__, __FILE__, __LINE__);    \
  } while (0)
#define EXPECT_NO_TRAP(...) do {                                         \
    rvh_trap_arm(); { __VA_ARGS__; } rvh_trap_disarm();                 \
    rvh_check(rvh_trap.count == 0, "no trap: " #__VA_ARGS__, __FILE__,   \
              __LINE__);                                                 \
  } while (0)

/* ---------------------------------------------------------------- modes */
typedef uint64_t (*rvh_mode_fn)(uint64_t arg);
/* From M: run fn(arg) in mode (PRV_S / PRV_U / PRV_M) via mret with
 * mstatus.MPP; fn's return (or rvh_mode_return) comes back here via an
 * ecall and returns its value. mstatus.MIE is restored to its value at the
 * call. */
uint64_t run_in_mode(int mode, rvh_mode_fn fn, uint64_t arg);
/* From S: run fn(arg) in U mode via sret (sstatus.SPP = 0); back via ecall
 * (works whether or not medeleg delegates U ecalls to S). */
uint64_t s_run_in_user(rvh_mode_fn fn, uint64_t arg);
/* H extension. From M: run fn(arg) in VS (PRV_S) or VU (PRV_U) via mret
 * with mstatus.MPV = 1. */
uint64_t run_in_vmode(int mode, rvh_mode_fn fn, uint64_t arg);
/* From HS: run fn(arg) in VS or VU via sret with hstatus.SPV = 1. */
uint64_t hs_run_in_vmode(int mode, rvh_mode_fn fn, uint64_t arg);
/* From VS: run fn(arg) in VU via sret (vsstatus.SPP = 0). */
uint64_t vs_run_in_user(rvh_mode_fn fn, uint64_t arg);
/* All of them come back through an ecall (cause 8/9/10/11, whichever
 * level takes it); a handler below the caller's level forwards it up. */
/* Return early from a function started by run_in_mode/s_run_in_user. */
void rvh_mode_return(uint64_t value) __attribute__((noreturn));
#define RVH_ECALL_MAGIC 0x5256485045584954ULL /* "RVHPEXIT" */

/* ---------------------------------------------------------------- misc */
static inline uint64_t read_mtime(void) { return MMIO64(RVH_CLINT_MTIME); }
static inline void set_mtimecmp(uint64_t v) { MMIO64(RVH_CLINT_MTIMECMP) = v; }
static inline void set_msip(uint32_t v) { MMIO32(RVH_CLINT_MSIP) = v; }

extern char __heap_start[], __ram_end[], __stack_top[];
extern char __m_trap_stack_top[], __s_trap_stack_top[], __vs_trap_stack_top[];
extern char rvh_vs_trap_entry[], rvh_s_trap_entry[];

#endif /* RVH_H */
