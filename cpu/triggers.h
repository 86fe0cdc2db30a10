// cpu/triggers.h: debug triggers (RISC-V Debug spec 1.0, chapter "Sdtrig").
//
// TriggerSet holds mcontrol6 (type 6) address-match triggers and answers
// "does this fetch / load / store match one of them": pure logic, no CSR
// rules. The hart's Sdtrig (below) is the software-visible view of four of
// them (tselect, tdata1-3, tinfo, tcontrol); the GDB stub keeps a TriggerSet
// of its own for its hardware breakpoints and watchpoints.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "cpu/insn_watcher.h"

namespace rvh {

using ModeIndex = uint8_t;  // as in cpu/hart.h: U=0, S=1, M=3, VU=4, VS=5

namespace trig {
// tdata1 (Sdtrig "tdata1", "mcontrol6"), XLEN = 64.
constexpr unsigned kTypeShift = 60;
constexpr uint64_t kTypeMask = 0xfull << kTypeShift;
constexpr uint64_t kTypeMcontrol6 = 6, kTypeDisabled = 15;
constexpr uint64_t kDmode = 1ull << 59;
constexpr uint64_t kUncertain = 1ull << 26, kHit1 = 1ull << 25, kVs = 1ull << 24, kVu = 1ull << 23,
                   kHit0 = 1ull << 22, kSelect = 1ull << 21;
constexpr unsigned kSizeShift = 16, kActionShift = 12, kMatchShift = 7;
constexpr uint64_t kSizeMask = 7ull << kSizeShift, kActionMask = 0xfull << kActionShift;
constexpr uint64_t kChain = 1ull << 11;
constexpr uint64_t kMatchMask = 0xfull << kMatchShift;
constexpr uint64_t kM = 1ull << 6, kUncertainEn = 1ull << 5, kS = 1ull << 4, kU = 1ull << 3;
constexpr uint64_t kExecute = 1ull << 2, kStore = 1ull << 1, kLoad = 1ull << 0;
constexpr uint64_t kAllModes = kM | kS | kU | kVs | kVu;
// tdata1 of a disabled trigger: type 15, everything else 0.
constexpr uint64_t kDisabled = kTypeDisabled << kTypeShift;
// tcontrol (Sdtrig "tcontrol").
constexpr uint64_t kTcontrolMte = 1ull << 3, kTcontrolMpte = 1ull << 7;
// tinfo (Sdtrig "tinfo"): version 1 (the ratified 1.0) in bits 31:24,
// one bit per supported type in 15:0.
constexpr uint64_t kTinfoVersion1 = 1ull << 24;
}  // namespace trig

// mcontrol6.match values (Sdtrig "mcontrol6", field match).
enum class TriggerMatch : unsigned { kEqual = 0, kNapot = 1, kGe = 2, kLt = 3 };

class TriggerSet {
 public:
  explicit TriggerSet(unsigned count) : triggers_(count) {}
  unsigned size() const { return static_cast<unsigned>(triggers_.size()); }

  // Stored as given (the caller legalizes them): a type other than 6 is a
  // trigger that never matches.
  uint64_t tdata1(unsigned i) const { return triggers_[i].tdata1; }
  uint64_t tdata2(unsigned i) const { return triggers_[i].tdata2; }
  void set_tdata1(unsigned i, uint64_t v);
  void set_tdata2(unsigned i, uint64_t v) { triggers_[i].tdata2 = v; }
  void set(unsigned i, uint64_t tdata1, uint64_t tdata2) { set_tdata2(i, tdata2), set_tdata1(i, tdata1); }

  // The index of the trigger that fires on an instruction fetched at pc /
  // an explicit access of `size` bytes at vaddr, in `mode`; the lowest if
  // several do. A chain (mcontrol6.chain) fires at its last trigger when
  // all of its triggers match.
  std::optional<unsigned> match_exec(uint64_t pc, ModeIndex mode) const;
  std::optional<unsigned> match_data(uint64_t vaddr, unsigned size, AccessType type, ModeIndex mode) const;

  bool any_enabled() const { return any_exec_ || any_data_; }
  bool any_exec() const { return any_exec_; }
  bool any_data() const { return any_data_; }

  // An mcontrol6 tdata1 enabled in every mode (M, S, U, VS, VU), action 0
  // (breakpoint exception), matching the address of the given accesses.
  static uint64_t make_tdata1(bool execute, bool load, bool store, TriggerMatch match = TriggerMatch::kEqual);

 private:
  struct Trigger {
    uint64_t tdata1 = trig::kDisabled;
    uint64_t tdata2 = 0;
  };
  std::vector<Trigger> triggers_;
  bool any_exec_ = false, any_data_ = false;

  // Does trigger i alone match bytes [first, last] for an access with this
  // tdata1 bit (kExecute, kLoad or kStore) in `mode`?
  bool matches(unsigned i, uint64_t first, uint64_t last, uint64_t access_bit, ModeIndex mode) const;
  std::optional<unsigned> match(uint64_t first, uint64_t last, uint64_t access_bit, ModeIndex mode) const;
};

// The hart's trigger module: four mcontrol6 triggers behind the CSRs
// tselect (0x7a0), tdata1-3 (0x7a1-0x7a3), tinfo (0x7a4) and tcontrol
// (0x7a5). While any trigger is enabled it is installed as a watcher on its
// hart (the hart pays nothing otherwise); a match raises a breakpoint
// exception (cause 3) before the instruction or access happens.
class Sdtrig : public InsnWatcher {
 public:
  static constexpr unsigned kCount = 4;
  static constexpr unsigned kTselect = 0x7a0, kTdata1 = 0x7a1, kTdata2 = 0x7a2, kTdata3 = 0x7a3,
                            kTinfo = 0x7a4, kTcontrol = 0x7a5;
  static bool is_trigger_csr(unsigned num) { return num >= kTselect && num <= kTcontrol; }

  // The CSRs as M-mode software sees them (the caller has checked the
  // access: they are M-level CSRs). write_csr installs or removes this
  // watcher on `hart` as triggers become enabled or all disabled.
  uint64_t read_csr(unsigned num) const;
  void write_csr(Hart& hart, unsigned num, uint64_t value);
  // All triggers disabled, tselect and tcontrol 0 (reset).
  void reset(Hart& hart);

  // tcontrol (Sdtrig "tcontrol"): any trap into M-mode saves mte in mpte
  // and clears mte; mret restores mte from mpte.
  void trap_into_m() {
    tcontrol_ = (tcontrol_ & trig::kTcontrolMte) ? trig::kTcontrolMpte : 0;
  }
  void mret() {
    tcontrol_ = (tcontrol_ & ~trig::kTcontrolMte) | ((tcontrol_ & trig::kTcontrolMpte) ? trig::kTcontrolMte : 0);
  }

  const TriggerSet& triggers() const { return set_; }

  void at_pc(Hart& hart) override;
  void before_access(Hart& hart, uint64_t vaddr, unsigned size, AccessType type) override;

  // tdata1 as the WARL rules make a value written from M-mode (not Debug
  // Mode) for trigger `index`.
  static uint64_t legal_tdata1(uint64_t written, unsigned index);

 private:
  TriggerSet set_{kCount};
  unsigned tselect_ = 0;
  uint64_t tcontrol_ = 0;
  bool installed_ = false;

  bool may_fire_in(ModeIndex mode) const;
  [[noreturn]] void fire(Hart& hart, unsigned index, uint64_t address);
  void update_watch(Hart& hart);
};

}  // namespace rvh
