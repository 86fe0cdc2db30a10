// cpu/mmu.cpp: address translation (Sv39/Sv48, priv spec 4.3-4.5) with
// hardware A/D updates, the TLBs that hold host pointers for RAM pages (DMI),
// and the slow paths: page-crossing and MMIO accesses through b_transport.
#include "cpu/hart.h"

#include <algorithm>

namespace rvh {
namespace {
constexpr uint64_t kPteV = 1, kPteR = 2, kPteW = 4, kPteX = 8, kPteU = 16, kPteG = 32, kPteA = 64, kPteD = 128;
constexpr uint64_t kPteReserved = 0xffc0000000000000ull;  // N, PBMT, reserved: no Svnapot/Svpbmt here
constexpr uint64_t kPhysAddrMask = (1ull << 56) - 1;
}  // namespace

// PMP changed: cached translations carry PMP outcomes, so all of them go.
void Hart::on_translation_change() {
  flush_tlb();
  on_mstatus_change();
}

void Hart::on_mstatus_change() {
  // Loads/stores in M-mode with MPRV use MPP and MPV (H spec, mstatus.MPV).
  const Priv mpp = static_cast<Priv>((csr.mstatus & csr::kMstatusMPP) >> csr::kMstatusMppShift);
  if (priv == kPrivM && (csr.mstatus & csr::kMstatusMPRV))
    ld_mode_ = mode_index(mpp, mpp != kPrivM && (csr.mstatus & csr::kMstatusMPV));
  else
    ld_mode_ = mode();
  refresh_ld_ctx();
  update_irq();
}

void Hart::set_mode(Priv p, bool v) {
  flush_instret_by_priv();
  const bool changed = p != priv || v != virt;
  priv = p;
  virt = v;
  fetch_vpage_ = ~0ull;
  on_mstatus_change();
  if (__builtin_expect(!observers.empty(), 0) && changed)
    for (HartObserver* o : observers) o->mode_changed(*this);
}

[[noreturn]] void Hart::page_fault(AccessType type, uint64_t vaddr, bool gva) const {
  static constexpr uint64_t cause[3] = {csr::kCauseFetchPageFault, csr::kCauseLoadPageFault,
                                        csr::kCauseStorePageFault};
  throw Trap{cause[static_cast<int>(type)], vaddr, 0, 0, gva};
}

[[noreturn]] void Hart::access_fault(AccessType type, uint64_t vaddr, bool gva) const {
  static constexpr uint64_t cause[3] = {csr::kCauseFetchAccess, csr::kCauseLoadAccess,
                                        csr::kCauseStoreAccess};
  throw Trap{cause[static_cast<int>(type)], vaddr, 0, 0, gva};
}

namespace {
// Pseudoinstructions for guest-page faults of implicit VS-stage page-table
// accesses (H spec, "Special pseudoinstruction values"): 64-bit read / write.
constexpr uint64_t kTinstVsPteRead = 0x00003000, kTinstVsPteWrite = 0x00003020;

bool leaf_allows(uint64_t pte, AccessType type, bool mxr, bool hlvx) {
  if (type == AccessType::kFetch) return pte & kPteX;
  if (type == AccessType::kStore) return pte & kPteW;
  if (hlvx) return pte & kPteX;  // HLVX reads need execute permission; MXR is irrelevant
  return (pte & kPteR) || (mxr && (pte & kPteX));
}
}  // namespace

// G-stage translation of a guest physical address (H spec, "Guest Physical
// Address Translation"): Sv39x4/Sv48x4, a 16 KiB root, every leaf checked as
// a U-mode access. `perm` is the access the permissions are checked for;
// `cause_type` the original access, which names the guest-page fault.
bool Hart::guest_stage_to(uint64_t gpa, AccessType perm, AccessType cause_type, uint64_t gva, bool hlvx,
                          bool implicit_access, uint64_t& out, uint8_t* leaf_level) {
  const uint64_t mode = csr.hgatp >> csr::kSatpModeShift;
  if (mode == csr::kSatpModeBare) {
    out = gpa;
    return true;
  }
  const int levels = mode == csr::kHgatpModeSv39x4 ? 3 : 4;
  const int gpa_bits = 12 + 9 * levels + 2;
  const uint64_t tinst = !implicit_access ? 0 : perm == AccessType::kStore ? kTinstVsPteWrite : kTinstVsPteRead;
  auto guest_page_fault = [&]() {
    static constexpr uint64_t cause[3] = {csr::kCauseFetchGuestPageFault, csr::kCauseLoadGuestPageFault,
                                          csr::kCauseStoreGuestPageFault};
    return fail(Trap{cause[static_cast<int>(cause_type)], gva, gpa >> 2, tinst, true});
  };
  if (gpa >> gpa_bits) return guest_page_fault();
  uint64_t table = ((csr.hgatp & csr::kSatpPpnMask) & ~3ull) << 12;
  for (int level = levels - 1; level >= 0; --level) {
    const unsigned index_bits = level == levels - 1 ? 11 : 9;
    const uint64_t index = (gpa >> (12 + 9 * level)) & ((1ull << index_bits) - 1);
    const uint64_t pte_addr = table + (index << 3);
    uint64_t pte = 0;
    if (!pmp_check(pte_addr, 8, AccessType::kLoad, kPrivS) || !phys_read_pte(pte_addr, pte))
      return fail_access(cause_type, gva, true);
    if (!(pte & kPteV) || ((pte & (kPteR | kPteW)) == kPteW) || (pte & kPteReserved)) return guest_page_fault();
    if (!(pte & (kPteR | kPteX))) {
      if (level == 0 || (pte & (kPteA | kPteD | kPteU))) return guest_page_fault();
      table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
      continue;
    }
    if (!(pte & kPteU)) return guest_page_fault();  // G-stage accesses are U-mode accesses
    if (!leaf_allows(pte, perm, csr.mstatus & csr::kMstatusMXR, hlvx)) return guest_page_fault();
    const uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
    if (ppn & ((1ull << (9 * level)) - 1)) return guest_page_fault();
    const uint64_t need = kPteA | (perm == AccessType::kStore ? kPteD : 0);
    if ((pte & need) != need) {
      pte |= need;
      if (!pmp_check(pte_addr, 8, AccessType::kStore, kPrivS) || !phys_write_pte(pte_addr, pte))
        return fail_access(cause_type, gva, true);
    }
    const uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
    if (leaf_level) *leaf_level = static_cast<uint8_t>(level);
    out = ((ppn << 12) & ~offset_mask) | (gpa & offset_mask);
    return true;
  }
  return guest_page_fault();
}

// Single-stage (satp) or VS-stage (vsatp) translation, priv spec 4.3.2.
// With V=1 every page-table access is itself translated by the G-stage.
bool Hart::page_walk_to(uint64_t vaddr, AccessType type, ModeIndex eff, bool hlvx, uint64_t& out) {
  const bool v = mode_virt(eff);
  const Priv p = mode_priv(eff);
  const uint64_t atp = v ? csr.vsatp : csr.satp;
  const uint64_t mode = atp >> csr::kSatpModeShift;
  if (mode == csr::kSatpModeBare) {  // VS-stage Bare: GPA = VA
    out = vaddr;
    return true;
  }
  const int levels = mode == csr::kSatpModeSv39 ? 3 : 4;
  const int va_bits = 12 + 9 * levels;
  // Virtual addresses must be sign-extended from bit va_bits-1.
  const int64_t top = static_cast<int64_t>(vaddr) >> (va_bits - 1);
  if (top != 0 && top != -1) return fail_page(type, vaddr, v);
  const uint64_t status = v ? csr.vsstatus : csr.mstatus;
  const bool sum = status & csr::kMstatusSUM;
  // vsstatus.MXR applies to the VS-stage only; the HS-level MXR to both stages.
  const bool mxr = (status & csr::kMstatusMXR) || (csr.mstatus & csr::kMstatusMXR);

  uint64_t table = (atp & csr::kSatpPpnMask) << 12;
  bool global = false;  // G in a non-leaf PTE makes the whole subtree global (priv 4.3.1)
  for (int level = levels - 1; level >= 0; --level) {
    const uint64_t pte_gpa = table + (((vaddr >> (12 + 9 * level)) & 0x1ff) << 3);
    uint64_t pte_addr = pte_gpa;
    if (v && !guest_stage_to(pte_gpa, AccessType::kLoad, type, vaddr, false, true, pte_addr)) return false;
    // Implicit page-table reads are checked by PMP as S-mode loads (priv 3.7.1).
    uint64_t pte = 0;
    if (!pmp_check(pte_addr, 8, AccessType::kLoad, kPrivS) || !phys_read_pte(pte_addr, pte))
      return fail_access(type, vaddr, v);
    if (!(pte & kPteV) || ((pte & (kPteR | kPteW)) == kPteW) || (pte & kPteReserved))
      return fail_page(type, vaddr, v);
    global = global || (pte & kPteG);
    if (!(pte & (kPteR | kPteX))) {  // pointer to the next level
      if (level == 0 || (pte & (kPteA | kPteD | kPteU))) return fail_page(type, vaddr, v);
      table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
      continue;
    }
    // Leaf: permission checks (priv 4.3.2 step 5).
    if (pte & kPteU) {
      if (p == kPrivS && (type == AccessType::kFetch || !sum)) return fail_page(type, vaddr, v);
    } else if (p == kPrivU) {
      return fail_page(type, vaddr, v);
    }
    if (!leaf_allows(pte, type, mxr, hlvx)) return fail_page(type, vaddr, v);
    const uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
    const uint64_t low_mask = (1ull << (9 * level)) - 1;  // PPN bits a superpage must have clear
    if (ppn & low_mask) return fail_page(type, vaddr, v);
    // Hardware A/D update (Svadu behaviour), written back atomically.
    const uint64_t need = kPteA | (type == AccessType::kStore ? kPteD : 0);
    if ((pte & need) != need) {
      pte |= need;
      uint64_t write_addr = pte_gpa;
      if (v && !guest_stage_to(pte_gpa, AccessType::kStore, type, vaddr, false, true, write_addr)) return false;
      if (!pmp_check(write_addr, 8, AccessType::kStore, kPrivS) || !phys_write_pte(write_addr, pte))
        return fail_access(type, vaddr, v);
    }
    const uint64_t page_offset_mask = (1ull << (12 + 9 * level)) - 1;
    walk_.level = static_cast<uint8_t>(level);
    walk_.global = global;
    out = ((ppn << 12) & ~page_offset_mask) | (vaddr & page_offset_mask);
    return true;
  }
  return fail_page(type, vaddr, v);
}

bool Hart::translate_to(uint64_t vaddr, AccessType type, ModeIndex eff, unsigned size, bool hlvx, uint64_t& paddr) {
  const Priv p = mode_priv(eff);
  const bool v = mode_virt(eff);
  paddr = vaddr;
  walk_ = WalkInfo{};
  ++stats.tlb_refills;
  if (v) {
    uint64_t gpa = 0;
    if (!page_walk_to(vaddr, type, eff, hlvx, gpa)) return false;
    walk_.gpa = gpa;
    if (!guest_stage_to(gpa, type, type, vaddr, hlvx, false, paddr, &walk_.g_level)) return false;
  } else if (p != kPrivM && (csr.satp >> csr::kSatpModeShift) != csr::kSatpModeBare) {
    if (!page_walk_to(vaddr, type, eff, hlvx, paddr)) return false;
  } else if (vaddr & ~kPhysAddrMask) {
    return fail_access(type, vaddr, false);
  }
  if (!pmp_check(paddr, size, type, p)) return fail_access(type, vaddr, v);
  return true;
}

uint64_t Hart::translate(uint64_t vaddr, AccessType type, ModeIndex eff, unsigned size, bool hlvx) {
  uint64_t paddr = 0;
  if (!translate_to(vaddr, type, eff, size, hlvx, paddr)) throw fault_;
  return paddr;
}

bool Hart::fail_page(AccessType type, uint64_t vaddr, bool gva) {
  static constexpr uint64_t cause[3] = {csr::kCauseFetchPageFault, csr::kCauseLoadPageFault,
                                        csr::kCauseStorePageFault};
  return fail(Trap{cause[static_cast<int>(type)], vaddr, 0, 0, gva});
}

bool Hart::fail_access(AccessType type, uint64_t vaddr, bool gva) {
  static constexpr uint64_t cause[3] = {csr::kCauseFetchAccess, csr::kCauseLoadAccess, csr::kCauseStoreAccess};
  return fail(Trap{cause[static_cast<int>(type)], vaddr, 0, 0, gva});
}

Hart::DmiRegion* Hart::find_dmi(uint64_t paddr, unsigned size) {
  for (auto& r : dmi_)
    if (paddr >= r.start && paddr + size - 1 <= r.end) return &r;
  return nullptr;
}

uint64_t Hart::ps_to_cycles(const sc_core::sc_time& t) const {
  return static_cast<uint64_t>(t.value() / (sc_core::sc_time(1, sc_core::SC_PS).value() * period_ps_));
}

void Hart::try_acquire_dmi(uint64_t paddr) {
  tlm::tlm_generic_payload p;
  tlm::tlm_dmi dmi;
  p.set_address(paddr);
  p.set_command(tlm::TLM_READ_COMMAND);
  if (!bus->get_direct_mem_ptr(p, dmi)) return;
  DmiRegion r;
  r.start = dmi.get_start_address();
  r.end = dmi.get_end_address();
  r.host = dmi.get_dmi_ptr();
  r.readable = dmi.is_read_allowed();
  r.writable = dmi.is_write_allowed();
  r.read_cycles = ps_to_cycles(dmi.get_read_latency());
  r.write_cycles = ps_to_cycles(dmi.get_write_latency());
  dmi_.push_back(r);
}

void Hart::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  std::vector<DmiRegion> kept;
  for (const auto& r : dmi_)
    if (r.end < start || r.start > end) kept.push_back(r);
  dmi_.swap(kept);
  flush_tlb();
}

void Hart::fill_tlb(uint64_t vaddr, uint64_t paddr, AccessType type, ModeIndex eff, const DmiRegion& r) {
  const uint64_t page = paddr & ~0xfffull;
  if (page < r.start || page + 0xfff > r.end) return;
  if (type == AccessType::kStore ? !r.writable : !r.readable) return;
  if (pmp_page_uniform(page, type, mode_priv(eff)) != 1) return;
  TlbEntry& e = tlb_[static_cast<int>(type)][eff][(vaddr >> 12) % kTlbSize];
  e.tag = vaddr >> 12;
  e.ctx = ctx_[eff];
  e.addend = reinterpret_cast<uintptr_t>(r.host + (page - r.start)) - (vaddr & ~0xfffull);
  e.latency_cycles = type == AccessType::kStore ? r.write_cycles : r.read_cycles;
  e.gpa_page = walk_.gpa >> 12;
  e.level = walk_.level;
  e.g_level = walk_.g_level;
  e.global = walk_.global;
  if (walk_.level) {
    SuperpageSpan& span = tlb_superpages_[static_cast<int>(type)][eff];
    const uint64_t pages = (1ull << (9 * walk_.level)) - 1;
    span.lo = std::min(span.lo, e.tag & ~pages);
    span.hi = std::max(span.hi, e.tag | pages);
  }
}

namespace {
// Counts a hart in as waiting inside an instruction for as long as it lives.
class InsideInsn {
 public:
  explicit InsideInsn(unsigned& count) : count_(count) { ++count_; }
  ~InsideInsn() { --count_; }
  InsideInsn(const InsideInsn&) = delete;
  InsideInsn& operator=(const InsideInsn&) = delete;

 private:
  unsigned& count_;
};
}  // namespace

void Hart::phys_access(uint64_t paddr, uint8_t* data, unsigned size, bool write, AccessType type,
                       uint64_t vaddr) {
  // A device may wait in b_transport, and the access syncs with SystemC
  // after it: other harts run meanwhile, and this one may be inside a block
  // of the cache it shares with them, which must not start over (hart.h).
  const InsideInsn inside(block_cache_->harts_inside_insn);
  sc_core::sc_time delay = sc_core::sc_time(static_cast<double>((cycles - sync_cycles_) * period_ps_), sc_core::SC_PS);
  const sc_core::sc_time before = delay;
  payload_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  payload_.set_address(paddr);
  payload_.set_data_ptr(data);
  payload_.set_data_length(size);
  payload_.set_streaming_width(size);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  bus->b_transport(payload_, delay);
  if (delay > before) cycles += ps_to_cycles(delay - before);
  if (payload_.is_response_error())
    access_fault(type, vaddr, type == AccessType::kFetch ? virt : mode_virt(ld_mode_));
  if (payload_.is_dmi_allowed()) {
    try_acquire_dmi(paddr);
  } else {
    ++stats.mmio_accesses;
    // A device access may change interrupt lines (CLINT, PLIC claim, UART):
    // let SystemC settle them before the next instruction.
    sync_with_systemc();
  }
}

void Hart::read_bus_or_fault(uint64_t paddr, uint8_t* data, unsigned size, AccessType type, uint64_t vaddr) {
  if (DmiRegion* r = find_dmi(paddr, size); r && r->readable) {
    std::memcpy(data, r->host + (paddr - r->start), size);
    cycles += r->read_cycles;
    return;
  }
  phys_access(paddr, data, size, false, type, vaddr);
}

bool Hart::phys_read_pte(uint64_t paddr, uint64_t& pte) {
  ++stats.pte_reads;
  if (DmiRegion* r = find_dmi(paddr, 8); r && r->readable) {
    std::memcpy(&pte, r->host + (paddr - r->start), 8);
    cycles += r->read_cycles + cfg_.cpi.pte_read_cycles;
    return true;
  }
  uint8_t buf[8];
  try {
    phys_access(paddr, buf, 8, false, AccessType::kLoad, paddr);
  } catch (const Trap&) {
    return false;
  }
  std::memcpy(&pte, buf, 8);
  return true;
}

bool Hart::phys_write_pte(uint64_t paddr, uint64_t pte) {
  if (DmiRegion* r = find_dmi(paddr, 8); r && r->writable) {
    std::memcpy(r->host + (paddr - r->start), &pte, 8);
    cycles += r->write_cycles;
    return true;
  }
  uint8_t buf[8];
  std::memcpy(buf, &pte, 8);
  try {
    phys_access(paddr, buf, 8, true, AccessType::kStore, paddr);
  } catch (const Trap&) {
    return false;
  }
  return true;
}

// Watched accesses (cpu/insn_watcher.h): reported before and after, and
// otherwise done as unwatched, the TLB hit the fast path would have had
// included, so that the cycles are the same.
void Hart::notify_before_access(uint64_t vaddr, unsigned size, AccessType type) {
  for (size_t i = 0; i < watchers_.size(); ++i) watchers_[i]->before_access(*this, vaddr, size, type);
}

void Hart::notify_after_access(uint64_t vaddr, unsigned size, AccessType type, uint64_t value) {
  for (size_t i = 0; i < watchers_.size(); ++i) watchers_[i]->after_access(*this, vaddr, size, type, value);
}

namespace {
template <typename T>
uint64_t zero_extended(T v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

// Clears a flag however the scope is left.
struct FlagScope {
  bool& flag;
  explicit FlagScope(bool& f) : flag(f) { flag = true; }
  ~FlagScope() { flag = false; }
};
}  // namespace

template <typename T>
bool Hart::tlb_hit_load(uint64_t vaddr, T& value) {
  const TlbEntry& e = ld_tlb_[(vaddr >> 12) % kTlbSize];
  if (e.tag != (vaddr >> 12) || e.ctx != ctx_[ld_mode_] || (vaddr & 0xfff) > 0x1000 - sizeof(T)) return false;
  std::memcpy(&value, reinterpret_cast<const void*>(e.addend + vaddr), sizeof(T));
  cycles += e.latency_cycles;
  return true;
}

template <typename T>
bool Hart::tlb_hit_store(uint64_t vaddr, T value) {
  const TlbEntry& e = st_tlb_[(vaddr >> 12) % kTlbSize];
  if (e.tag != (vaddr >> 12) || e.ctx != ctx_[ld_mode_] || (vaddr & 0xfff) > 0x1000 - sizeof(T)) return false;
  std::memcpy(reinterpret_cast<void*>(e.addend + vaddr), &value, sizeof(T));
  cycles += e.latency_cycles;
  return true;
}

template <typename T>
T Hart::load_watched(uint64_t vaddr) {
  notify_before_access(vaddr, sizeof(T), AccessType::kLoad);
  T v;
  {
    FlagScope notified(access_notified_);
    v = load_slow<T>(vaddr);
  }
  notify_after_access(vaddr, sizeof(T), AccessType::kLoad, zero_extended(v));
  return v;
}

template <typename T>
void Hart::store_watched(uint64_t vaddr, T value) {
  notify_before_access(vaddr, sizeof(T), AccessType::kStore);
  {
    FlagScope notified(access_notified_);
    store_slow<T>(vaddr, value);
  }
  notify_after_access(vaddr, sizeof(T), AccessType::kStore, zero_extended(value));
}

template <typename T>
T Hart::load_slow(uint64_t vaddr, bool defer) {
  if (__builtin_expect(watched_, 0)) {
    if (!access_notified_) return load_watched<T>(vaddr);
    T v;
    if (tlb_hit_load(vaddr, v)) return v;
  }
  if ((vaddr & 0xfff) + sizeof(T) > 0x1000) {  // crosses a page: byte by byte
    uint64_t v = 0;
    for (unsigned i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(load<uint8_t>(vaddr + i)) << (8 * i);
    return static_cast<T>(v);
  }
  uint64_t paddr = 0;
  if (!translate_to(vaddr, AccessType::kLoad, ld_mode_, sizeof(T), false, paddr)) {
    if (!defer) throw fault_;
    run_stop_.trap_deferred = true;
    return T{};
  }
  DmiRegion* r = find_dmi(paddr, sizeof(T));
  if (r && r->readable) {
    fill_tlb(vaddr, paddr, AccessType::kLoad, ld_mode_, *r);
    T v;
    std::memcpy(&v, r->host + (paddr - r->start), sizeof(T));
    cycles += r->read_cycles;
    return v;
  }
  uint8_t buf[sizeof(T)];
  phys_access(paddr, buf, sizeof(T), false, AccessType::kLoad, vaddr);
  T v;
  std::memcpy(&v, buf, sizeof(T));
  return v;
}

template <typename T>
void Hart::store_slow(uint64_t vaddr, T value, bool defer) {
  if (__builtin_expect(watched_, 0)) {
    if (!access_notified_) return store_watched<T>(vaddr, value);
    if (tlb_hit_store(vaddr, value)) return;
  }
  if ((vaddr & 0xfff) + sizeof(T) > 0x1000) {
    // Check both pages before writing anything, so a fault leaves memory unchanged.
    translate(vaddr, AccessType::kStore, ld_mode_, 1);
    translate((vaddr + sizeof(T) - 1) & ~0xfffull, AccessType::kStore, ld_mode_, 1);  // fault tval: start of the 2nd page
    for (unsigned i = 0; i < sizeof(T); ++i) store<uint8_t>(vaddr + i, static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i)));
    return;
  }
  uint64_t paddr = 0;
  if (!translate_to(vaddr, AccessType::kStore, ld_mode_, sizeof(T), false, paddr)) {
    if (!defer) throw fault_;
    run_stop_.trap_deferred = true;
    return;
  }
  DmiRegion* r = find_dmi(paddr, sizeof(T));
  if (r && r->writable) {
    fill_tlb(vaddr, paddr, AccessType::kStore, ld_mode_, *r);
    std::memcpy(r->host + (paddr - r->start), &value, sizeof(T));
    cycles += r->write_cycles;
    return;
  }
  uint8_t buf[sizeof(T)];
  std::memcpy(buf, &value, sizeof(T));
  phys_access(paddr, buf, sizeof(T), true, AccessType::kStore, vaddr);
}

#define RVH_INSTANTIATE(T) \
  template T Hart::load_slow<T>(uint64_t, bool); \
  template void Hart::store_slow<T>(uint64_t, T, bool);
RVH_INSTANTIATE(uint8_t)
RVH_INSTANTIATE(int8_t)
RVH_INSTANTIATE(uint16_t)
RVH_INSTANTIATE(int16_t)
RVH_INSTANTIATE(uint32_t)
RVH_INSTANTIATE(int32_t)
RVH_INSTANTIATE(uint64_t)
#undef RVH_INSTANTIATE

uint64_t Hart::amo_paddr(uint64_t vaddr, unsigned size) {
  if (vaddr & (size - 1)) raise(csr::kCauseMisalignedStore, vaddr);
  return translate(vaddr, AccessType::kStore, ld_mode_, size);
}

uint8_t* Hart::amo_host_pointer(uint64_t vaddr, unsigned size, uint64_t* paddr_out) {
  if (__builtin_expect(watched_, 0)) {
    notify_before_access(vaddr, size, AccessType::kLoad);
    notify_before_access(vaddr, size, AccessType::kStore);
  }
  const uint64_t paddr = amo_paddr(vaddr, size);
  *paddr_out = paddr;
  DmiRegion* r = find_dmi(paddr, size);
  if (!r) {
    try_acquire_dmi(paddr);
    r = find_dmi(paddr, size);
  }
  if (r && r->readable && r->writable) {
    cycles += r->read_cycles + r->write_cycles;
    return r->host + (paddr - r->start);
  }
  return nullptr;
}

// Instruction fetch: 16 bits at a time where a 32-bit instruction may cross
// a page; fetch faults report the address of the part that faulted.
// The fast path (a word within the current fetch page) is decoded_at_pc().
uint32_t Hart::fetch_bits_slow() {
  // Code jumping between pages refills the one-page fetch cache from the
  // fetch TLB, without a walk or a PMP scan (they happen once per page).
  const TlbEntry& te = tlb_[static_cast<int>(AccessType::kFetch)][mode()][(pc >> 12) % kTlbSize];
  if (te.tag == (pc >> 12) && te.ctx == ctx_[mode()]) {
    fetch_vpage_ = te.tag;
    fetch_addend_ = te.addend;
    if ((pc & 0xfff) <= 0xffc) {
      uint32_t w;
      std::memcpy(&w, reinterpret_cast<const void*>(fetch_addend_ + pc), 4);
      return w;
    }
    // The page's last halfword: a compressed instruction there needs nothing
    // from the next page (as a block starting there, cpu/hart_block.cpp).
    uint16_t lo;
    std::memcpy(&lo, reinterpret_cast<const void*>(fetch_addend_ + pc), 2);
    if ((lo & 3) != 3) return lo;
  }
  auto fetch16 = [this](uint64_t va) -> uint16_t {
    const uint64_t paddr = translate(va, AccessType::kFetch, mode(), 2);
    DmiRegion* r = find_dmi(paddr, 2);
    if (!r) {
      try_acquire_dmi(paddr);
      r = find_dmi(paddr, 2);
    }
    if (r && r->readable) {
      fill_tlb(va, paddr, AccessType::kFetch, mode(), *r);  // only whole-page DMI with uniform PMP
      const TlbEntry& e = tlb_[static_cast<int>(AccessType::kFetch)][mode()][(va >> 12) % kTlbSize];
      if (e.tag == (va >> 12) && e.ctx == ctx_[mode()]) {
        fetch_vpage_ = e.tag;
        fetch_addend_ = e.addend;
      }
      uint16_t v;
      std::memcpy(&v, r->host + (paddr - r->start), 2);
      return v;
    }
    uint8_t buf[2];
    phys_access(paddr, buf, 2, false, AccessType::kFetch, va);
    return static_cast<uint16_t>(buf[0] | buf[1] << 8);
  };
  const uint16_t lo = fetch16(pc);
  if ((lo & 3) != 3) return lo;
  const uint16_t hi = fetch16(pc + 2);
  return static_cast<uint32_t>(lo) | static_cast<uint32_t>(hi) << 16;
}

}  // namespace rvh
