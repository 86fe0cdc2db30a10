/* rvh_vm.h - page-table building helpers for test programs (header only).
 *
 * Sv39/Sv48 (satp, vsatp) and the G-stage variants Sv39x4/Sv48x4 (hgatp),
 * whose root table is 16 KiB (2048 entries), 16 KiB aligned. Tables come
 * from static pools private to the including program; rvh_pt_reset()
 * recycles them. All helpers run in M or (H)S with translation off.
 */
#ifndef RVH_VM_H
#define RVH_VM_H

#include "rvh.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_AD (PTE_A | PTE_D)
#define PTE_PPN(pa) (((uint64_t)(pa) >> 12) << 10)
#define PTE_TO_PA(pte) ((((pte) >> 10) & ((1ULL << 44) - 1)) << 12)

#define SATP_SV39 (8ULL << 60)
#define SATP_SV48 (9ULL << 60)
#define RVH_PAGE 4096UL

typedef uint64_t pte_t;

#ifndef RVH_PT_POOL
#define RVH_PT_POOL 32
#endif
#ifndef RVH_PT_ROOT16K_POOL
#define RVH_PT_ROOT16K_POOL 4
#endif

static pte_t rvh_pt_pool[RVH_PT_POOL][512] __attribute__((aligned(4096)));
static pte_t rvh_pt_root_pool[RVH_PT_ROOT16K_POOL][2048] __attribute__((aligned(16384)));
static unsigned rvh_pt_used, rvh_pt_root_used;

static inline void rvh_pt_reset(void) { rvh_pt_used = rvh_pt_root_used = 0; }

static inline pte_t *rvh_pt_alloc(void)
{
  if (rvh_pt_used >= RVH_PT_POOL) {
    puts("rvh_vm: page-table pool exhausted");
    rvh_exit(3);
  }
  pte_t *t = rvh_pt_pool[rvh_pt_used++];
  for (int i = 0; i < 512; i++)
    t[i] = 0;
  return t;
}

/* 16 KiB-aligned, 16 KiB root for Sv39x4/Sv48x4. */
static inline pte_t *rvh_pt_alloc_root16k(void)
{
  if (rvh_pt_root_used >= RVH_PT_ROOT16K_POOL) {
    puts("rvh_vm: root page-table pool exhausted");
    rvh_exit(3);
  }
  pte_t *t = rvh_pt_root_pool[rvh_pt_root_used++];
  for (int i = 0; i < 2048; i++)
    t[i] = 0;
  return t;
}

/* A translation: root table, number of levels (3 = Sv39(x4), 4 = Sv48(x4))
 * and whether the root is the widened x4 root (G-stage). */
struct rvh_pt {
  pte_t *root;
  int levels;
  int x4;
};

static inline unsigned rvh_pt_index(const struct rvh_pt *pt, uint64_t va, int level)
{
  unsigned bits = (level == pt->levels - 1 && pt->x4) ? 11 : 9;
  return (unsigned)((va >> (12 + 9 * level)) & ((1UL << bits) - 1));
}

/* Pointer to the PTE for va at leaf_level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB),
 * allocating intermediate tables as needed. */
static inline pte_t *rvh_pt_slot(const struct rvh_pt *pt, uint64_t va, int leaf_level)
{
  pte_t *t = pt->root;
  for (int level = pt->levels - 1; level > leaf_level; level--) {
    pte_t *e = &t[rvh_pt_index(pt, va, level)];
    if (!(*e & PTE_V)) {
      pte_t *n = rvh_pt_alloc();
      *e = PTE_PPN(n) | PTE_V;
    }
    t = (pte_t *)(uintptr_t)PTE_TO_PA(*e);
  }
  return &t[rvh_pt_index(pt, va, leaf_level)];
}

static inline void rvh_pt_map(const struct rvh_pt *pt, uint64_t va, uint64_t pa,
                              uint64_t flags, int leaf_level)
{
  *rvh_pt_slot(pt, va, leaf_level) = PTE_PPN(pa) | PTE_V | flags;
}

/* satp/vsatp (asid) or hgatp (vmid) value for this table. */
static inline uint64_t rvh_pt_satp(const struct rvh_pt *pt, uint64_t asid)
{
  return ((pt->levels == 3 ? 8ULL : 9ULL) << 60) | (asid << 44) |
         ((uint64_t)(uintptr_t)pt->root >> 12);
}

/* The G-stage/identity map used by the H tests: device gigapage
 * [0, 1 GiB) R/W and RAM gigapages [2 GiB, 4 GiB) RWX, A/D set, with the
 * given extra flags (PTE_U for the G-stage). */
static inline void rvh_pt_map_identity(const struct rvh_pt *pt, uint64_t extra)
{
  rvh_pt_map(pt, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD | extra, 2);
  rvh_pt_map(pt, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD | extra, 2);
  rvh_pt_map(pt, 0xc0000000UL, 0xc0000000UL, PTE_RWX | PTE_AD | extra, 2);
}

#endif /* RVH_VM_H */
