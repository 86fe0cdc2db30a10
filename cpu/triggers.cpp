// cpu/triggers.cpp: mcontrol6 address matching and the hart's trigger CSRs
// (RISC-V Debug spec 1.0, chapter "Sdtrig"; register descriptions from its
// "Trigger Module Registers" section).
#include "cpu/triggers.h"

#include "cpu/hart.h"

namespace rvh {
namespace {
using namespace trig;

uint64_t type_of(uint64_t tdata1) { return tdata1 >> kTypeShift; }

// The mcontrol6 bit that enables a trigger in `mode` (fields m, s, u, vs, vu).
uint64_t mode_bit(ModeIndex mode) {
  switch (mode) {
    case kPrivU: return kU;
    case kPrivS: return kS;
    case kPrivM: return kM;
    case kModeVU: return kVu;
    case kModeVS: return kVs;
    default: return 0;
  }
}

uint64_t access_bit(AccessType type) {
  switch (type) {
    case AccessType::kFetch: return kExecute;
    case AccessType::kLoad: return kLoad;
    case AccessType::kStore: return kStore;
  }
  return 0;
}
}  // namespace

void TriggerSet::set_tdata1(unsigned i, uint64_t v) {
  triggers_[i].tdata1 = v;
  any_exec_ = any_data_ = false;
  for (const Trigger& t : triggers_) {
    if (type_of(t.tdata1) != kTypeMcontrol6 || !(t.tdata1 & kAllModes)) continue;
    any_exec_ |= (t.tdata1 & kExecute) != 0;
    any_data_ |= (t.tdata1 & (kLoad | kStore)) != 0;
  }
}

// "Matches when any compare value ..." (mcontrol6.match): with select=0 the
// compare values are the addresses of every byte accessed, [first, last].
bool TriggerSet::matches(unsigned i, uint64_t first, uint64_t last, uint64_t access, ModeIndex mode) const {
  const uint64_t t1 = triggers_[i].tdata1, t2 = triggers_[i].tdata2;
  if (type_of(t1) != kTypeMcontrol6 || !(t1 & access) || !(t1 & mode_bit(mode))) return false;
  switch (static_cast<TriggerMatch>((t1 & kMatchMask) >> kMatchShift)) {
    case TriggerMatch::kEqual:
      return first <= t2 && t2 <= last;
    case TriggerMatch::kNapot: {
      // The top M bits compare, M = XLEN-1 - (index of tdata2's lowest 0
      // bit): the range is tdata2 with that bit and the ones below cleared,
      // 2^(index+1) bytes. An all-ones tdata2 (not legal, M = 0) is read
      // as the widest legal range, M = 1.
      unsigned zero = static_cast<unsigned>(__builtin_ctzll(~t2 | (1ull << 62)));
      const uint64_t span = (2ull << zero) - 1;
      const uint64_t lo = t2 & ~span, hi = lo | span;
      return first <= hi && lo <= last;
    }
    case TriggerMatch::kGe:
      return last >= t2;
    case TriggerMatch::kLt:
      return first < t2;
  }
  return false;
}

// Chains (mcontrol6.chain): a run of triggers with chain=1 and the next one
// with chain=0 fires, at that last trigger, only if all of them match the
// same access. A chain still open at the last trigger never fires.
std::optional<unsigned> TriggerSet::match(uint64_t first, uint64_t last, uint64_t access, ModeIndex mode) const {
  bool chain_holds = true;
  for (unsigned i = 0; i < size(); ++i) {
    const bool hit = chain_holds && matches(i, first, last, access, mode);
    const uint64_t t1 = triggers_[i].tdata1;
    if (type_of(t1) == kTypeMcontrol6 && (t1 & kChain)) {
      chain_holds = hit;
      continue;
    }
    if (hit) return i;
    chain_holds = true;
  }
  return std::nullopt;
}

std::optional<unsigned> TriggerSet::match_exec(uint64_t pc, ModeIndex mode) const {
  if (!any_exec_) return std::nullopt;
  return match(pc, pc, kExecute, mode);
}

std::optional<unsigned> TriggerSet::match_data(uint64_t vaddr, unsigned size, AccessType type, ModeIndex mode) const {
  if (!any_data_ || size == 0) return std::nullopt;
  const uint64_t last = vaddr + (size - 1) < vaddr ? ~0ull : vaddr + (size - 1);
  return match(vaddr, last, access_bit(type), mode);
}

uint64_t TriggerSet::make_tdata1(bool execute, bool load, bool store, TriggerMatch match) {
  return (kTypeMcontrol6 << kTypeShift) | kAllModes | (static_cast<uint64_t>(match) << kMatchShift) |
         (execute ? kExecute : 0) | (load ? kLoad : 0) | (store ? kStore : 0);
}

// ---- Sdtrig: the CSR view ----

// tdata1 is WARL (Sdtrig "Trigger Module Registers": an unsupported
// configuration reads back as a supported one, "which may simply be a
// disabled trigger"). Supported here: type 6 with select=0 (address),
// size=0 (any), action=0 (breakpoint exception), match 0-3, the mode bits,
// chain (not on the last trigger: its chain could never end), hit0.
uint64_t Sdtrig::legal_tdata1(uint64_t v, unsigned index) {
  // Any other type, including 0 ("writing 0 must result in a trigger that is
  // disabled ... by changing type to 15", tdata1), and data-value matching
  // (select=1) give a disabled trigger. dmode is only writable from Debug
  // Mode (tdata1.dmode), so it stays 0.
  if (type_of(v) != kTypeMcontrol6 || (v & kSelect)) return kDisabled;
  uint64_t legal = (kTypeMcontrol6 << kTypeShift) |
                   (v & (kHit0 | kAllModes | kChain | kExecute | kStore | kLoad));
  if (index + 1 == kCount) legal &= ~kChain;
  const uint64_t match = (v & kMatchMask) >> kMatchShift;
  if (match <= static_cast<uint64_t>(TriggerMatch::kLt)) legal |= match << kMatchShift;
  // action: only 0 exists without Sdext (action 1 needs dmode=1, which
  // "should clear the action field"); trace and external actions are not
  // implemented either. size, uncertain, uncertainen, hit1: read-only 0.
  return legal;
}

uint64_t Sdtrig::read_csr(unsigned num) const {
  switch (num) {
    case kTselect: return tselect_;
    case kTdata1: return set_.tdata1(tselect_);
    case kTdata2: return set_.tdata2(tselect_);
    // tdata3 is textra64 for mcontrol6: mhselect=0 and sselect=0 (no
    // context or ASID/VMID condition) are the only values implemented.
    case kTdata3: return 0;
    case kTinfo:
      return kTinfoVersion1 | (1ull << kTypeMcontrol6) | (1ull << kTypeDisabled);
    case kTcontrol: return tcontrol_;
    default: return 0;
  }
}

void Sdtrig::write_csr(Hart& hart, unsigned num, uint64_t v) {
  switch (num) {
    case kTselect:
      // WARL: an index with no trigger leaves tselect as it was, so that
      // software enumerating triggers reads back a different value and
      // stops (Sdtrig "Enumeration").
      if (v < kCount) tselect_ = static_cast<unsigned>(v);
      return;
    case kTdata1:
      set_.set_tdata1(tselect_, legal_tdata1(v, tselect_));
      update_watch(hart);
      return;
    case kTdata2: {
      // maskmax6 = 63: every NAPOT range up to 2^63 bytes. With match=napot,
      // "if bits maskmax6-1:0 are written with all ones then bit maskmax6-1
      // will be set to 0" (mcontrol6.match), which is how software finds
      // maskmax6.
      const uint64_t t1 = set_.tdata1(tselect_);
      const uint64_t low63 = (1ull << 63) - 1;
      if (type_of(t1) == kTypeMcontrol6 &&
          (t1 & kMatchMask) >> kMatchShift == static_cast<uint64_t>(TriggerMatch::kNapot) && (v & low63) == low63)
        v &= ~(1ull << 62);
      set_.set_tdata2(tselect_, v);
      return;
    }
    case kTcontrol:
      tcontrol_ = v & (kTcontrolMte | kTcontrolMpte);
      return;
    default:  // tdata3 (only 0 is legal), tinfo (read-only fields)
      return;
  }
}

void Sdtrig::reset(Hart& hart) {
  for (unsigned i = 0; i < kCount; ++i) set_.set(i, kDisabled, 0);
  tselect_ = 0;
  tcontrol_ = 0;
  update_watch(hart);
}

void Sdtrig::update_watch(Hart& hart) {
  const bool wanted = set_.any_enabled();
  if (wanted == installed_) return;
  installed_ = wanted;
  if (wanted)
    hart.add_watcher(this);
  else
    hart.remove_watcher(this);
}

// tcontrol.mte: "triggers with action=0 do not match/fire while the hart is
// in M-mode" unless it is 1.
bool Sdtrig::may_fire_in(ModeIndex mode) const {
  return mode != kPrivM || (tcontrol_ & kTcontrolMte);
}

// action=0: a breakpoint exception before the instruction (mcontrol6 hit
// "before": xepc is the matching instruction) with tval the address that
// matched, a guest virtual address when V=1 (priv spec "Machine Trap Value
// Register"; Sdtrig mcontrol6: "the address being accessed and which caused
// that trigger to fire").
void Sdtrig::fire(Hart& hart, unsigned index, uint64_t address) {
  set_.set_tdata1(index, set_.tdata1(index) | kHit0);
  throw Trap{csr::kCauseBreakpoint, address, 0, 0, hart.virt};
}

// Priority (Sdtrig "Priority"): an execute address breakpoint comes before
// any fault of the fetch; a load/store address breakpoint before
// misaligned, page and access faults of the access. Both hooks run before
// the fetch / translation.
void Sdtrig::at_pc(Hart& hart) {
  if (!set_.any_exec() || !may_fire_in(hart.mode())) return;
  if (const auto i = set_.match_exec(hart.pc, hart.mode())) fire(hart, *i, hart.pc);
}

void Sdtrig::before_access(Hart& hart, uint64_t vaddr, unsigned size, AccessType type) {
  if (!set_.any_data() || !may_fire_in(hart.mode())) return;
  if (const auto i = set_.match_data(vaddr, size, type, hart.mode())) fire(hart, *i, vaddr);
}

}  // namespace rvh
