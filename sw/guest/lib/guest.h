/* guest.h - support library for S-mode guest programs (sw/guest).
 *
 * The same binary runs as an S-mode payload of OpenSBI (QEMU virt or
 * rvh-vp --bios fw_jump.elf --kernel) and as a VS-mode guest of the rvh-vp
 * hosted hypervisor (rvh-vp --hyp --kernel). It is linked at 0x80200000
 * (guest.ld) and entered with a0 = hart id, a1 = DTB address; main gets
 * both. Everything goes through SBI: console (DBCN, or the legacy putchar
 * when DBCN is absent), timer, IPIs, HSM and the final SRST shutdown.
 *
 * Shared with the M-mode library sw/lib: constants and CSR macros
 * (rvh_defs.h), printf formatting and CHECK/CHECK_EQ/CHECK_NE
 * (rvh_common.h).
 */
#ifndef G_GUEST_H
#define G_GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include "rvh_defs.h"
#include "rvh_common.h"
#include "sbi.h"

#define G_MAX_HARTS    8
#define G_HART_REGION  0x8000UL   /* per-hart stacks, see guest.ld / gcrt.S */
#define G_USTACK_OFF   0x2000UL
#define G_TSTACK_OFF   0x4000UL
#define G_UART_BASE    RVH_UART_BASE
#define G_PLIC_BASE    RVH_PLIC_BASE
#define G_UART_IRQ     10

/* ---------------------------------------------------------------- boot */
extern uint64_t g_boot_hartid;   /* a0 of the boot hart */
extern uint64_t g_dtb;           /* a1 of the boot hart */
int main(unsigned long hartid, unsigned long dtb);

/* Hart id of the calling hart (derived from its stack region). */
unsigned long g_hartid(void);

/* ---------------------------------------------------------------- console
 * printf/puts/putchar (rvh_common.h) format into a per-call buffer and
 * write it with SBI DBCN console_write (the buffer's address is used as a
 * guest-physical address: keep stacks identity-mapped when paging is on),
 * or char by char with the legacy console_putchar when the SBI has no DBCN.
 * '\n' is sent as "\r\n". A recursive spinlock keeps lines of different
 * harts apart. */
extern int g_console_dbcn;                  /* DBCN probed present */
void g_console_write(const char *buf, size_t n);
#define INFO(...) do { printf("info: " __VA_ARGS__); putchar('\n'); } while (0)

/* ---------------------------------------------------------------- finish */
/* Name printed in the PASS/FAIL line and in unexpected-trap reports. */
extern const char *g_test_name;
void g_test_begin(const char *name);       /* sets g_test_name, prints a header */
/* Prints "PASS: <name> (<n> checks)" or "FAIL: <name> (<n> checks
 * failed)" and shuts down with SBI SRST (reason 0 / 1 "system failure");
 * falls back to the legacy shutdown. Never returns. */
void g_test_done(const char *name) __attribute__((noreturn));
/* SRST shutdown: code 0 = no reason, else system failure. */
void g_exit(int code) __attribute__((noreturn));

/* ---------------------------------------------------------------- traps */
struct g_trap_frame {
  uint64_t x[32];                /* x[2] = interrupted sp */
  uint64_t epc, cause, tval, status;
};

/* Called first for every trap (exceptions and interrupts). Return nonzero
 * when handled; the frame (x[], epc, status) is restored as left. */
typedef int (*g_trap_hook_t)(struct g_trap_frame *f);
extern volatile g_trap_hook_t g_trap_hook;

/* Last expected trap (one hart at a time). */
struct g_trap_record {
  int armed;
  int count;          /* traps taken while armed */
  int from;           /* PRV_S or PRV_U (sstatus.SPP) */
  unsigned insn_len;  /* bytes skipped; 0 = resumed at ra */
  uint64_t cause, epc, tval, status;
};
extern volatile struct g_trap_record g_trap;

/* While armed, a synchronous exception is recorded and skipped (sepc +=
 * the length of the instruction at sepc), except instruction access/page
 * faults and misaligned fetches, which resume at the interrupted ra (so
 * provoke those by calling a function pointer). Unexpected traps print
 * the trap and end the test as FAIL. */
void g_trap_arm(void);
void g_trap_disarm(void);
#define RVH_ANY_TVAL (~0ULL - 0x1234)
void g_check_trap(uint64_t cause, uint64_t tval, const char *what,
                  const char *file, int line);
/* EXPECT_TRAP(cause, tval, statements...): exactly one trap with that
 * scause (and stval unless RVH_ANY_TVAL). */
#define EXPECT_TRAP(cause, tval, ...) do {                               \
    g_trap_arm(); { __VA_ARGS__; } g_trap_disarm();                     \
    g_check_trap((cause), (tval), #__VA_ARGS__, __FILE__, __LINE__);      \
  } while (0)
#define EXPECT_NO_TRAP(...) do {                                         \
    g_trap_arm(); { __VA_ARGS__; } g_trap_disarm();                     \
    rvh_check(g_trap.count == 0, "no trap: " #__VA_ARGS__, __FILE__,     \
              __LINE__);                                                 \
  } while (0)
/* Run statements with the trap armed; the result is the scause of the
 * trap taken, or -1 when none (no check). */
#define TRY_TRAP(...) ({ g_trap_arm(); { __VA_ARGS__; } g_trap_disarm();  \
    g_trap.count ? (long)g_trap.cause : -1L; })

/* ---------------------------------------------------------------- U-mode */
typedef uint64_t (*g_user_fn)(uint64_t arg);
/* Run fn(arg) in U-mode (sret with SPP = 0) on the hart's U stack; fn's
 * return (an ecall with a7 = RVH_ECALL_MAGIC from g_user_exit_stub) comes
 * back here. */
uint64_t g_run_in_user(g_user_fn fn, uint64_t arg);
#define RVH_ECALL_MAGIC 0x5256485045584954ULL

/* ---------------------------------------------------------------- SMP */
/* Start hart `hartid` with SBI HSM hart_start at g_secondary_entry; it runs
 * fn(hartid, arg) on its own stack with the trap entry installed and then
 * calls hart_stop. Returns the hart_start result. */
typedef void (*g_hart_fn)(unsigned long hartid, uint64_t arg);
struct sbiret g_start_hart(unsigned long hartid, g_hart_fn fn, uint64_t arg);
extern char g_secondary_entry[];

/* ---------------------------------------------------------------- DTB */
/* Property `prop` of the node at `path` ("/cpus/cpu@0"; a component
 * without '@' also matches "name@unit"). NULL if absent. */
const void *g_dt_prop(const char *path, const char *prop, uint32_t *len);
uint32_t g_dt_u32(const void *p);           /* big-endian cell */
uint64_t g_dt_timebase(void);               /* /cpus timebase-frequency, 10 MHz default */
const char *g_dt_cpu_isa(unsigned long hartid);  /* riscv,isa or NULL */
int g_isa_has_ext(const char *isa, const char *ext); /* "sstc", "h", ... */
int g_dt_mentions(const char *needle);      /* raw search of the whole DTB */
int g_on_qemu(void);                        /* the DTB mentions "qemu" */
/* A guest-physical address that is neither RAM nor a device: 0x40000000,
 * unless the DTB has a PCIe host bridge (QEMU virt maps its PCIe MMIO
 * window at 0x40000000; fetches there read 0xffffffff = illegal
 * instruction), then 0x28000000 (between QEMU virt's flash and PCIe
 * ECAM). */
uintptr_t g_hole_gpa(void);
/* Some device or memory node of the DTB (a child of / or /soc, 2 address
 * and 2 size cells) has a reg range covering `gpa`. */
int g_dt_gpa_described(uint64_t gpa);
/* RAM from the first /memory node's reg (2 address + 2 size cells);
 * returns 0 if absent. */
int g_dt_memory(uint64_t *base, uint64_t *size);
/* Kernel command line (/chosen/bootargs, rvh-vp --append): words separated
 * by spaces; g_bootarg("key") points at the value of the word "key=value"
 * (it ends at a space or the string's end), NULL if there is none.
 * g_bootarg_u64: that value as a decimal number, `fallback` if absent or
 * not starting with a digit. */
const char *g_bootarg(const char *key);
uint64_t g_bootarg_u64(const char *key, uint64_t fallback);

/* ---------------------------------------------------------------- misc */
static inline uint64_t g_rdtime(void) { return csr_read(time); }
static inline void g_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

extern char __heap_start[], __ram_end[], __hart_regions[], __hart_regions_end[];

#endif /* G_GUEST_H */
