// cpu/debug_access.cpp: memory as a debugger sees it through a stopped hart:
// the hart's current translation (satp, or vsatp and hgatp when V=1) walked
// without side effects (no A/D update, no TLB fill, no cycles, no trap) and
// physical memory read and written through TLM debug transport, which
// devices need not support (an error, never a device side effect).
// Permissions are not checked: a debugger reads and patches any mapped page.
#include "cpu/hart.h"

namespace rvh {
namespace {
constexpr uint64_t kPteV = 1, kPteR = 2, kPteW = 4, kPteX = 8;
constexpr uint64_t kPpnMask = (1ull << 44) - 1;

int levels_of(uint64_t mode) {
  if (mode == csr::kSatpModeSv39) return 3;
  if (mode == csr::kSatpModeSv48) return 4;
  return -1;
}
}  // namespace

bool Hart::debug_phys(uint64_t paddr, uint8_t* data, size_t n, bool write) {
  while (n > 0) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(paddr);
    p.set_data_ptr(data);
    p.set_data_length(static_cast<unsigned>(n));
    p.set_streaming_width(static_cast<unsigned>(n));
    const unsigned done = bus->transport_dbg(p);
    if (done == 0) return false;
    paddr += done;
    data += done;
    n -= done;
  }
  return true;
}

// One stage of translation: a walk of the tables at root for `levels`
// levels, with `top_bits` index bits at the top level (9, or 11 for a
// G-stage root), each PTE's address first translated by `pte_addr`.
template <typename PteAddr>
static std::optional<uint64_t> debug_walk(Hart& h, uint64_t addr, uint64_t root, int levels, unsigned top_bits,
                                          const PteAddr& pte_addr) {
  uint64_t table = root;
  for (int level = levels - 1; level >= 0; --level) {
    const unsigned bits = level == levels - 1 ? top_bits : 9;
    const uint64_t index = (addr >> (12 + 9 * level)) & ((1ull << bits) - 1);
    const std::optional<uint64_t> where = pte_addr(table + index * 8);
    uint64_t pte = 0;
    if (!where || !h.debug_phys(*where, reinterpret_cast<uint8_t*>(&pte), 8, false)) return std::nullopt;
    if (!(pte & kPteV) || (pte & (kPteR | kPteW)) == kPteW) return std::nullopt;
    const uint64_t ppn = (pte >> 10) & kPpnMask;
    if (!(pte & (kPteR | kPteX))) {
      table = ppn << 12;
      continue;
    }
    const uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
    if ((ppn << 12) & offset_mask) return std::nullopt;  // misaligned superpage
    return (ppn << 12) | (addr & offset_mask);
  }
  return std::nullopt;
}

std::optional<uint64_t> Hart::debug_guest_physical(uint64_t gpa) {
  const uint64_t mode = csr.hgatp >> csr::kSatpModeShift;
  if (mode == csr::kSatpModeBare) return gpa;
  const int levels = levels_of(mode);
  if (levels < 0 || (gpa >> (12 + 9 * levels + 2))) return std::nullopt;
  const uint64_t root = ((csr.hgatp & csr::kSatpPpnMask) & ~3ull) << 12;  // 16 KiB aligned
  return debug_walk(*this, gpa, root, levels, 11, [](uint64_t a) { return std::optional<uint64_t>(a); });
}

std::optional<uint64_t> Hart::debug_translate(uint64_t vaddr) {
  if (priv == kPrivM) return vaddr;
  const uint64_t atp = virt ? csr.vsatp : csr.satp;
  const uint64_t mode = atp >> csr::kSatpModeShift;
  if (mode == csr::kSatpModeBare) return virt ? debug_guest_physical(vaddr) : std::optional<uint64_t>(vaddr);
  const int levels = levels_of(mode);
  if (levels < 0) return std::nullopt;
  const int64_t top = static_cast<int64_t>(vaddr) >> (12 + 9 * levels - 1);
  if (top != 0 && top != -1) return std::nullopt;  // not sign-extended
  const uint64_t root = (atp & csr::kSatpPpnMask) << 12;
  if (!virt)
    return debug_walk(*this, vaddr, root, levels, 9, [](uint64_t a) { return std::optional<uint64_t>(a); });
  const std::optional<uint64_t> gpa =
      debug_walk(*this, vaddr, root, levels, 9, [this](uint64_t a) { return debug_guest_physical(a); });
  return gpa ? debug_guest_physical(*gpa) : std::nullopt;
}

bool Hart::debug_memory(uint64_t addr, uint8_t* data, size_t n, bool write, DebugAddressing how) {
  while (n > 0) {
    const size_t chunk = std::min<size_t>(n, 0x1000 - (addr & 0xfff));
    std::optional<uint64_t> paddr = addr;
    if (how == DebugAddressing::kVirtual) paddr = debug_translate(addr);
    if (how == DebugAddressing::kGuestPhysical) paddr = debug_guest_physical(addr);
    if (!paddr || !debug_phys(*paddr, data, chunk, write)) return false;
    addr += chunk;
    data += chunk;
    n -= chunk;
  }
  return true;
}

bool Hart::debug_csr(unsigned num, uint64_t& value, bool write) {
  const bool v = virt;
  virt = false;  // no alias: sstatus is HS's sstatus, vsstatus the guest's
  bool ok = true;
  try {
    if (write) csr_write(num, value, 0);
    value = csr_read(num, 0, false);
  } catch (const Trap&) {
    ok = false;
  }
  virt = v;
  if (write) {
    set_mode(priv, v);  // what the write changed, recomputed for the real V
    update_translation_context();
  }
  return ok;
}

}  // namespace rvh
