// cpu/pmp.cpp: physical memory protection, 16 entries (priv spec 3.7).
// The lowest-numbered entry that matches any byte of an access decides it;
// an access that only partly matches that entry fails. With no match, M-mode
// succeeds and S/U fail (at least one entry is implemented).
#include "cpu/hart.h"

namespace rvh {
namespace {
struct Range {
  uint64_t lo, hi;  // [lo, hi)
};

bool entry_range(const CsrFile& c, unsigned i, Range& r) {
  const unsigned mode = (c.pmpcfg[i] >> csr::kPmpAShift) & 3;
  switch (mode) {
    case csr::kPmpTor:
      r.lo = i == 0 ? 0 : c.pmpaddr[i - 1] << 2;
      r.hi = c.pmpaddr[i] << 2;
      return r.lo < r.hi;
    case csr::kPmpNa4:
      r.lo = c.pmpaddr[i] << 2;
      r.hi = r.lo + 4;
      return true;
    case csr::kPmpNapot: {
      const unsigned ones = static_cast<unsigned>(__builtin_ctzll(~c.pmpaddr[i]));
      r.lo = (c.pmpaddr[i] & ~((1ull << ones) - 1)) << 2;
      r.hi = ones >= 54 ? ~0ull : r.lo + (1ull << (ones + 3));
      return true;
    }
    default:
      return false;
  }
}

bool entry_allows(uint8_t cfg, AccessType type, Priv eff) {
  if (eff == kPrivM && !(cfg & csr::kPmpL)) return true;
  const uint8_t need = type == AccessType::kFetch ? csr::kPmpX
                       : type == AccessType::kLoad ? csr::kPmpR
                                                   : csr::kPmpW;
  return cfg & need;
}
}  // namespace

void Hart::decode_pmp() {
  pmp_active_ = 0;
  for (unsigned i = 0; i < csr::kNumPmpEntries; ++i) {
    Range r;
    if (entry_range(csr, i, r)) pmp_ranges_[pmp_active_++] = PmpRange{r.lo, r.hi, csr.pmpcfg[i]};
  }
}

bool Hart::pmp_check(uint64_t paddr, unsigned size, AccessType type, Priv eff) const {
  const uint64_t end = paddr + size;
  for (unsigned k = 0; k < pmp_active_; ++k) {
    const PmpRange& r = pmp_ranges_[k];
    if (end <= r.lo || paddr >= r.hi) continue;
    if (paddr < r.lo || end > r.hi) return false;  // partial match fails
    return entry_allows(r.cfg, type, eff);
  }
  return eff == kPrivM;
}

int Hart::pmp_page_uniform(uint64_t page, AccessType type, Priv eff) const {
  const uint64_t end = page + 0x1000;
  for (unsigned k = 0; k < pmp_active_; ++k) {
    const PmpRange& r = pmp_ranges_[k];
    if (end <= r.lo || page >= r.hi) continue;
    if (page < r.lo || end > r.hi) return -1;  // decisions differ inside the page
    return entry_allows(r.cfg, type, eff) ? 1 : 0;
  }
  return eff == kPrivM ? 1 : 0;
}

}  // namespace rvh
