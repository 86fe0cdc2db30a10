// cpu/tlb.cpp: the hart's TLB as software sees it: translation contexts and
// the fences. Lookups and fills are in hart.h (fast paths) and mmu.cpp.
//
// An entry is tagged with the context it was filled in (the address space:
// satp.MODE and ASID for V=0; vsatp.MODE and ASID, hgatp.MODE and VMID for
// V=1; and SUM/MXR, whose permission checks it already holds). Writing satp,
// vsatp or hgatp therefore invalidates nothing (priv spec 4.1.11: a satp
// write implies no ordering with page-table updates and no invalidation);
// only the fences remove entries, exactly those they name:
// - SFENCE.VMA with V=0 (M, HS): HS-level translations, never a guest's;
// - SFENCE.VMA with V=1 and HFENCE.VVMA: VS-stage translations of the
//   current hgatp.VMID, never the host's (H spec, "Hypervisor
//   Memory-Management Fence Instructions");
// - HFENCE.GVMA: G-stage translations by VMID and guest-physical address.
// rs1 != x0 names a virtual (guest-physical for HFENCE.GVMA) address: every
// entry the leaf PTE for that address produced goes, including the other
// 4 KiB pieces of a superpage. rs2 != x0 names an ASID (VMID): entries of
// global mappings (PTE.G) survive an ASID-specific SFENCE.VMA/HFENCE.VVMA.
#include "cpu/hart.h"

namespace rvh {
namespace {
// Layout of a context (translation_context()):
//   bits 0..15  ASID (satp, or vsatp for V=1)     bits 16..19 satp/vsatp MODE
//   bit 20      SUM (mstatus, or vsstatus)        bit 21      MXR (same)
//   bit 22      mstatus.MXR (V=1: it applies to both stages)
//   bits 24..37 VMID (V=1)                        bits 40..43 hgatp MODE
//   bits 44..63 flush epoch (hs_epoch_; V=1: guest_epoch_ + vmid_epoch_[VMID])
constexpr unsigned kCtxSumBit = 20, kCtxMxrBit = 21, kCtxHsMxrBit = 22, kCtxHgatpShift = 24, kCtxEpochShift = 44;
// Bit 23 is left clear in every context: Hart::kWatchedLdCtx uses it.
// Epochs are 20 bits: after this many moves an old epoch could come back,
// so the TLB is really flushed first.
constexpr uint32_t kEpochMask = (1u << 20) - 1;
uint64_t ctx_asid(uint64_t ctx) { return ctx & csr::kSatpAsidMask; }
uint64_t ctx_vmid(uint64_t ctx) { return (ctx >> kCtxHgatpShift) & csr::kHgatpVmidMask; }

// Whether two page numbers lie in the same page of 2^(9 level) 4K pages.
bool same_page(uint64_t a, uint64_t b, unsigned level) { return ((a ^ b) >> (9 * level)) == 0; }
}  // namespace

uint64_t Hart::translation_context(ModeIndex m) const {
  if (m == kPrivM) return 0;  // M-mode: no translation, only PMP
  const bool v = mode_virt(m);
  const uint64_t atp = v ? csr.vsatp : csr.satp;
  const uint64_t status = v ? csr.vsstatus : csr.mstatus;
  uint64_t ctx = atp >> csr::kSatpAsidShift;  // ASID and MODE
  ctx |= static_cast<uint64_t>((status & csr::kMstatusSUM) != 0) << kCtxSumBit;
  ctx |= static_cast<uint64_t>((status & csr::kMstatusMXR) != 0) << kCtxMxrBit;
  if (v) {
    ctx |= static_cast<uint64_t>((csr.mstatus & csr::kMstatusMXR) != 0) << kCtxHsMxrBit;
    ctx |= (csr.hgatp >> csr::kHgatpVmidShift) << kCtxHgatpShift;  // VMID and MODE
    const uint32_t epoch = guest_epoch_ + vmid_epoch_[(csr.hgatp >> csr::kHgatpVmidShift) & csr::kHgatpVmidMask];
    ctx |= static_cast<uint64_t>(epoch & kEpochMask) << kCtxEpochShift;
  } else {
    ctx |= static_cast<uint64_t>(hs_epoch_ & kEpochMask) << kCtxEpochShift;
  }
  return ctx;
}

void Hart::update_translation_context() {
  static_assert(kWatchedLdCtxBit == kCtxHsMxrBit + 1 && kCtxHgatpShift == kWatchedLdCtxBit + 1);
  for (ModeIndex m = 0; m < kNumModes; ++m) ctx_[m] = translation_context(m);
  refresh_ld_ctx();
  fetch_vpage_ = ~0ull;  // the fetch page was looked up in the old context
}

void Hart::flush_tlb() {
  decode_pmp();  // (PMP changes come through here)
  for (auto& by_type : tlb_)
    for (auto& by_mode : by_type)
      for (auto& e : by_mode) e.tag = ~0ull;
  for (auto& by_type : tlb_superpages_)
    for (SuperpageSpan& span : by_type) span = SuperpageSpan{};
  if (epoch_steps_) {
    hs_epoch_ = guest_epoch_ = epoch_steps_ = 0;
    std::fill(vmid_epoch_.begin(), vmid_epoch_.end(), 0);
  }
  update_translation_context();
}

// Every entry of the kind `epoch` counts for is gone (a V=1 entry's epoch
// is guest_epoch_ + its VMID's: each move makes that sum grow, so it never
// comes back before kEpochMask moves).
void Hart::next_epoch(uint32_t& epoch) {
  if (++epoch_steps_ >= kEpochMask) {
    flush_tlb();
    return;
  }
  ++epoch;
  update_translation_context();
}

// Removes from the arrays of modes first..last (every access type) the
// entries for which match(entry) holds. With vpn, only entries whose leaf
// covers that virtual page can match: just its own set when no superpage
// entry of the array may cover it.
template <typename Match>
void Hart::tlb_remove(ModeIndex first, ModeIndex last, std::optional<uint64_t> vpn, const Match& match) {
  for (int type = 0; type < 3; ++type) {
    for (ModeIndex m = first; m <= last; ++m) {
      auto& sets = tlb_[type][m];
      const SuperpageSpan& span = tlb_superpages_[type][m];
      if (vpn && (*vpn < span.lo || *vpn > span.hi)) {
        TlbEntry& e = sets[*vpn % kTlbSize];
        if (e.tag == *vpn && match(e)) e.tag = ~0ull;
        continue;
      }
      for (TlbEntry& e : sets)
        if (e.tag != ~0ull && (!vpn || same_page(e.tag, *vpn, e.level)) && match(e)) e.tag = ~0ull;
    }
  }
  fetch_vpage_ = ~0ull;
}

void Hart::sfence_vma(bool guest, std::optional<uint64_t> vaddr, std::optional<uint64_t> asid) {
  std::optional<uint64_t> vpn;
  if (vaddr) vpn = *vaddr >> 12;
  if (asid) *asid &= csr::kSatpAsidMask;
  const uint64_t vmid = ctx_vmid(ctx_[kModeVS]);
  if (!vaddr && !asid) {  // all of them
    next_epoch(guest ? vmid_epoch_[vmid] : hs_epoch_);
    return;
  }
  auto match = [&](const TlbEntry& e) {
    if (guest && ctx_vmid(e.ctx) != vmid) return false;
    return !asid || (!e.global && ctx_asid(e.ctx) == *asid);
  };
  if (guest)
    tlb_remove(kModeVU, kModeVS, vpn, match);
  else
    tlb_remove(kPrivU, kPrivS, vpn, match);
}

void Hart::hfence_gvma(std::optional<uint64_t> gpa, std::optional<uint64_t> vmid) {
  if (vmid) *vmid &= csr::kHgatpVmidMask;
  if (!gpa) {  // all of them, of one VMID or of every VMID
    next_epoch(vmid ? vmid_epoch_[*vmid] : guest_epoch_);
    return;
  }
  // Entries are found by guest-virtual page, so a GPA fence looks at all.
  tlb_remove(kModeVU, kModeVS, std::nullopt, [&](const TlbEntry& e) {
    if (vmid && ctx_vmid(e.ctx) != *vmid) return false;
    return !gpa || same_page(e.gpa_page, *gpa >> 12, e.g_level);
  });
}

}  // namespace rvh
