/* rvh_defs.h - platform addresses, MMIO and CSR access macros, CSR field,
 * interrupt and exception-cause constants, H-extension encodings.
 * Shared by the M-mode library (rvh.h) and the S-mode guest library
 * (sw/guest/lib/guest.h). Header only.
 */
#ifndef RVH_DEFS_H
#define RVH_DEFS_H

#include <stdint.h>

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

#endif /* RVH_DEFS_H */
