/* rvh.h - tiny bare-metal support library for rvh-vp / QEMU virt test programs.
 *
 * Provides: UART output and printf (formatting and CHECKs shared with the
 * guest library: rvh_common.h; constants and CSR macros: rvh_defs.h), the test finisher, CSR access
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
#include "rvh_defs.h"
#include "rvh_common.h"

/* ---------------------------------------------------------------- output
 * printf, vprintf, puts and putchar (rvh_common.h) poll the 16550 UART. */
void uart_putc(char c);
void uart_puts(const char *s);            /* no newline added */

/* ---------------------------------------------------------------- exit */
/* code 0: finisher PASS (simulator exits 0); else FAIL with that exit code. */
void rvh_exit(int code) __attribute__((noreturn));

/* ---------------------------------------------------------------- checks
 * CHECK, CHECK_EQ, CHECK_NE: rvh_common.h. */

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
