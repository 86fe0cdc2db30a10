// cpu/hart.h: one RV64GC hart as a SystemC module with a TLM-2.0 initiator
// socket. Owns the architectural state, the CSRs (csr.cpp), the MMU and TLBs
// (mmu.cpp, pmp.cpp), traps and interrupts (trap.cpp) and the run loop with
// temporal decoupling (hart.cpp). Instruction semantics live in insn_*.cpp.
//
// May include: SystemC/TLM and cpu/ only.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "cpu/cpi.h"
#include "cpu/csr_defs.h"
#include "cpu/decoded_insn.h"
#include "cpu/exit_handler.h"
#include "cpu/hart_observer.h"
#include "cpu/insn_watcher.h"
#include "cpu/triggers.h"
#include "cpu/zeroed_array.h"

namespace rvh {

class BlockJit;
class JitWorker;

enum Priv : uint8_t { kPrivU = 0, kPrivS = 1, kPrivM = 3 };

// A privilege mode together with the virtualization mode V, as one small
// index: U=0, S=1, M=3, VU=4, VS=5. TLBs and per-mode counts use it.
using ModeIndex = uint8_t;
constexpr ModeIndex kModeVU = 4, kModeVS = 5, kNumModes = 6;
constexpr ModeIndex mode_index(Priv p, bool virt) { return static_cast<ModeIndex>(p | (virt ? 4 : 0)); }
constexpr Priv mode_priv(ModeIndex m) { return static_cast<Priv>(m & 3); }
constexpr bool mode_virt(ModeIndex m) { return m & 4; }

// A synchronous exception, thrown from deep inside an instruction and caught
// by the run loop, which turns it into a trap (trap.cpp). tval2 is the
// guest-physical address >> 2 for guest-page faults (htval/mtval2), tinst a
// pseudoinstruction for faults of implicit VS-stage accesses (htinst/mtinst),
// gva whether tval holds a guest virtual address (hstatus.GVA/mstatus.GVA).
struct Trap {
  uint64_t cause;
  uint64_t tval;
  uint64_t tval2 = 0;
  uint64_t tinst = 0;
  bool gva = false;
};

enum class AccessType : uint8_t { kFetch = 0, kLoad = 1, kStore = 2 };

struct HartConfig {
  unsigned hart_id = 0;
  uint64_t reset_pc = 0x1000;
  uint64_t clock_hz = 1'000'000'000;
  uint64_t timebase_hz = 10'000'000;  // default mtime rate when read_mtime is unset
  CpiTable cpi;
  sc_core::sc_time quantum = sc_core::sc_time(1, sc_core::SC_US);
  uint64_t quantum_insns = 10000;  // also sync after this many instructions (0 = no limit)
  uint64_t max_insns = 0;  // 0 = unlimited (counted per hart)
  // A block runs this many times in the interpreter before it is
  // translated to host code (cpu/block_jit.h); 0 = never translate.
  unsigned jit_threshold = 64;
  // Translate on a helper thread (cpu/jit_worker.h) rather than on the
  // simulation's, where the process may use two host CPUs or more: the
  // platform's default. Off here, so that a test sees a block translated
  // right at its threshold.
  bool jit_async = false;
  // The block cache's arena (cpu/hart.h): when it is full, the cache starts
  // over. Only what is used is touched: a Linux boot, bare or as a guest,
  // fills about 9 MiB. Small ones are for tests.
  size_t block_arena_bytes = size_t{16} << 20;
};

// Per-mode retired instruction counts (for the run summary).
struct HartStats {
  uint64_t instret_by_priv[kNumModes] = {0, 0, 0, 0, 0, 0};  // by ModeIndex
  uint64_t traps = 0;
  uint64_t interrupts = 0;
  uint64_t mmio_accesses = 0;
  uint64_t wfi_sleeps = 0;
  uint64_t tlb_refills = 0;  // translations walked after a TLB miss
  uint64_t pte_reads = 0;    // page-table entries read by those walks (both stages)
};

// What a waiting hart could still be woken by, from its own state alone.
// The platform, which knows what drives each interrupt line, decides whether
// any of it can still happen (platform/wake_check.cpp).
struct HartWaitInfo {
  enum class State : uint8_t {
    kRunning,  // running, or about to run (its wake-up is under way)
    kWfi,      // asleep in WFI (or in a hypervisor's WFI/suspend for its guest)
    kParked,   // parked until unpark(): a stopped vCPU (SBI HSM)
    kHalted,   // stopped for good (--max-insns, a stopped VM)
  };
  State state = State::kRunning;
  // WFI ends as soon as an interrupt enabled in mie is pending, whatever
  // mstatus.MIE/SIE and the privilege mode say (priv spec, machine chapter,
  // "Wait for Interrupt"); with H, mie also holds hie and the VS bits that
  // vsie enables.
  uint64_t wake_mask = 0;
  uint64_t pending = 0;  // mip as the hart last sampled it (lines, software bits, hvip, Sstc)
  // Sstc: the earliest mtime at which stimecmp (menvcfg.STCE) or vstimecmp
  // (henvcfg.STCE, less htimedelta) raises an interrupt in wake_mask.
  std::optional<uint64_t> timer_mtime;
};

class Hart : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Hart);
  Hart(sc_core::sc_module_name name, const HartConfig& cfg);
  ~Hart() override;

  tlm_utils::simple_initiator_socket<Hart> bus;
  // Interrupt lines from the platform (CLINT, PLIC). Level sensitive.
  sc_core::sc_in<bool> irq_msip{"irq_msip"};
  sc_core::sc_in<bool> irq_mtip{"irq_mtip"};
  sc_core::sc_in<bool> irq_meip{"irq_meip"};
  sc_core::sc_in<bool> irq_seip{"irq_seip"};

  // The platform provides mtime (the `time` CSR and Sstc compare) for a
  // simulated time; without one, time counts at 10 MHz from SystemC time.
  std::function<uint64_t(const sc_core::sc_time&)> read_mtime;
  // Called once when the hart stops on --max-insns.
  std::function<void(Hart&)> on_insn_limit;
  // Called whenever the hart starts waiting (WFI, parked) and at each
  // re-check while it waits, so that the platform can tell a run where
  // nothing can wake any hart (wait_info()).
  std::function<void(Hart&)> on_wait;
  // The inverse of read_mtime: the earliest simulated time at which mtime
  // reads `value` (sc_max_time() if never). Without one, mtime counts at
  // timebase_hz from time zero.
  std::function<sc_core::sc_time(uint64_t value)> mtime_instant;

  // --- simulator marker HINTs (cpu/marker.h) ---
  // Called for each marker with its op and rs1 value, before it retires
  // (cycles and instret do not include it yet).
  std::function<void(Hart&, unsigned op, uint64_t arg)> on_marker;
  // The marker sleep_until: after this instruction, sleep until the `time`
  // CSR (mtime, plus htimedelta when V=1) reads `time_value`, exactly at
  // that tick's edge, or until an interrupt enabled in mie is pending (as
  // WFI); the quantum restarts at the wake-up. Nothing if the time is not
  // in the future or an interrupt is pending and enabled already.
  void sleep_until_time(uint64_t time_value);
  // The instant at which the `time` CSR, as this hart reads it now,
  // reaches `time_value` (rounded up to a picosecond; in the past for a
  // time already reached; sc_max_time() if never).
  sc_core::sc_time instant_of_time(uint64_t time_value) const;

  // --- hosted hypervisor interface (cpu/exit_handler.h) ---
  ExitHandler* exit_handler = nullptr;
  // SRET semantics from HS without an instruction: V <- hstatus.SPV (SPV <- 0),
  // priv <- sstatus.SPP, SIE <- SPIE, pc <- sepc.
  void enter_guest();
  // After the current exit, sleep until an interrupt is pending and enabled
  // in mie (for a guest WFI: the VS bits, i.e. vsie), then continue at pc.
  void sleep_until_interrupt() { run_stop_.wfi_pending = true; }
  // Another SystemC process changed this hart's interrupt state (hvip...):
  // re-evaluate it and wake the hart if it sleeps.
  void notify_wake();
  // Park the hart (after the current exit) until unpark(), whatever is
  // pending: a stopped vCPU (SBI HSM).
  void park() { parked_ = true; run_stop_.wfi_pending = true; }
  void unpark();
  bool asleep() const { return asleep_; }
  bool parked() const { return parked_; }
  HartWaitInfo wait_info() const;
  // Stop the hart for good (a VM that stopped).
  void halt();

  // --- architectural state (public: instruction handlers use it directly) ---
  uint64_t x[33] = {};  // x[32] is the sink for writes to x0
  uint64_t f[32] = {};
  uint64_t pc = 0, npc = 0;
  Priv priv = kPrivM;
  bool virt = false;  // V: running a guest in VS/VU mode
  CsrFile csr;
  ModeIndex mode() const { return mode_index(priv, virt); }

  // --- counters and time ---
  uint64_t cycles = 0;   // hart cycles since reset (mcycle, minus inhibit)
  uint64_t instret = 0;  // retired instructions (minstret)
  HartStats stats;

  // mcycle/minstret as software sees them: offsets from the free-running
  // counters above, frozen while mcountinhibit says so (csr.cpp).
  uint64_t read_counter(bool is_cycle) const;
  void write_counter(bool is_cycle, uint64_t value);
  void write_countinhibit(uint32_t value);

  // LR/SC reservation (physical address), cleared on traps, xRET and yields.
  uint64_t reservation = ~0ull;

  // --- memory interface used by instructions ---
  template <typename T> T load(uint64_t vaddr);
  template <typename T> void store(uint64_t vaddr, T value);
  // As load() and store(), for the handlers of plain loads and stores: a
  // fault of the address translation (a page fault; a guest-page fault, as
  // each MMIO exit of a guest is) is not thrown. It is left for the run
  // loop to take (run_stop_.trap_deferred), and false is returned: the
  // handler then returns at once and changes nothing. A C++ throw costs
  // microseconds; a Linux guest's boot makes some 10,000 such exits.
  template <typename T> bool load_deferring(uint64_t vaddr, T& out);
  template <typename T> bool store_deferring(uint64_t vaddr, T value);
  // Atomic access helpers: translate for store, check natural alignment.
  uint8_t* amo_host_pointer(uint64_t vaddr, unsigned size, uint64_t* paddr_out);
  // An AMO done through amo_host_pointer: tells the watchers of its load
  // (the old value) and its store (the new one), in that order.
  void amo_done(uint64_t vaddr, unsigned size, uint64_t loaded, uint64_t stored) {
    if (__builtin_expect(watched_, 0)) {
      notify_after_access(vaddr, size, AccessType::kLoad, loaded);
      notify_after_access(vaddr, size, AccessType::kStore, stored);
    }
  }
  uint64_t amo_paddr(uint64_t vaddr, unsigned size);

  // --- CSRs (csr.cpp) ---
  uint64_t csr_read(unsigned num, uint32_t insn_bits, bool for_rmw);
  void csr_write(unsigned num, uint64_t value, uint32_t insn_bits);
  void csr_check_access(unsigned num, bool write, uint32_t insn_bits);
  // H and VS CSRs (csr_hyp.cpp); false if `num` is not one of them.
  bool hyp_csr_read(unsigned num, bool for_rmw, uint64_t& value);
  bool hyp_csr_write(unsigned num, uint64_t value);

  // --- traps (trap.cpp) ---
  [[noreturn]] void raise(uint64_t cause, uint64_t tval) { throw Trap{cause, tval}; }
  [[noreturn]] void illegal(uint32_t insn_bits) { throw Trap{csr::kCauseIllegalInsn, insn_bits}; }
  [[noreturn]] void virtual_insn(uint32_t insn_bits) { throw Trap{csr::kCauseVirtualInsn, insn_bits}; }
  void take_trap(const Trap& t, bool interrupt);
  void take_trap(uint64_t cause, uint64_t tval, bool interrupt) { take_trap(Trap{cause, tval}, interrupt); }
  void do_mret();
  void do_sret();
  void do_wfi(const DecodedInsn& d);
  void update_irq();          // recompute run_stop_.irq_ready after any mip/mie/mstatus/priv change
  uint64_t effective_mip() const;

  // --- FP helpers ---
  // With V=1 both mstatus.FS and vsstatus.FS must be on (illegal, never
  // virtual, instruction otherwise: H spec "Trap Cause Codes").
  void require_fp(uint32_t insn_bits) const {
    if (((csr.mstatus >> csr::kMstatusFsShift) & 3) == 0 ||
        (virt && ((csr.vsstatus >> csr::kMstatusFsShift) & 3) == 0))
      throw Trap{csr::kCauseIllegalInsn, insn_bits};
  }
  void set_fs_dirty() {
    csr.mstatus |= csr::kMstatusFs | csr::kMstatusSD;
    if (virt) csr.vsstatus |= csr::kMstatusFs | csr::kMstatusSD;
  }
  uint8_t resolve_rm(const DecodedInsn& d) const;  // throws illegal for reserved modes

  // --- MMU (mmu.cpp / pmp.cpp) and TLB (tlb.cpp) ---
  // Drops every cached translation and recomputes the translation contexts
  // (for code that changed satp/vsatp/hgatp/mstatus directly, and PMP).
  void flush_tlb();
  // The fences (priv spec 4.2.1, H spec "Hypervisor Memory-Management Fence
  // Instructions"). An empty optional is "all" (rs1 or rs2 = x0).
  // sfence_vma(false, ...): SFENCE.VMA with V=0, HS-level (satp) translations;
  // sfence_vma(true, ...): SFENCE.VMA with V=1 and HFENCE.VVMA, VS-stage
  // translations of the current hgatp.VMID. hfence_gvma: G-stage
  // translations by guest-physical address and VMID.
  void sfence_vma(bool guest, std::optional<uint64_t> vaddr, std::optional<uint64_t> asid);
  void hfence_gvma(std::optional<uint64_t> gpa, std::optional<uint64_t> vmid);
  // satp, vsatp, hgatp, SUM or MXR changed: entries stay, tagged with the
  // context they were filled in; lookups now use the new one.
  void update_translation_context();
  void set_priv(Priv p) { set_mode(p, virt); }
  void set_mode(Priv p, bool v);
  // HLV/HLVX/HSV (insn_hyp.cpp): accesses as VS/VU per hstatus.SPVP, two stages.
  template <typename T> T hyp_load(uint64_t vaddr, bool execute_permission);
  template <typename T> void hyp_store(uint64_t vaddr, T value);
  uint64_t mtime_now();  // mtime at this hart's local time
  sc_core::sc_time local_time() const;

  // Reports (cpu/hart_observer.h): empty unless --timeline or --vcd.
  std::vector<HartObserver*> observers;
  // The time to stamp an observed change with: local_time() on this hart's
  // own thread, SystemC time on any other process (this hart may be ahead).
  sc_core::sc_time observation_time() const;

  // Watchers (cpu/insn_watcher.h): installed, the hart runs its checked
  // loop and calls them around every instruction and data access. Adding
  // or removing one is allowed from inside a watcher's own hook.
  void add_watcher(InsnWatcher* w);
  void remove_watcher(InsnWatcher* w);
  bool watched() const { return watched_; }
  // Memory as a debugger sees it (cpu/debug_access.cpp): no side effect,
  // no cycles, no trap; false where nothing is mapped or a device has no
  // debug access. kVirtual: the hart's current translation (its priv and
  // V, not MPRV); kGuestPhysical: hgatp's G-stage only.
  enum class DebugAddressing : uint8_t { kVirtual, kPhysical, kGuestPhysical };
  bool debug_memory(uint64_t addr, uint8_t* data, size_t n, bool write, DebugAddressing how);
  std::optional<uint64_t> debug_translate(uint64_t vaddr);
  std::optional<uint64_t> debug_guest_physical(uint64_t gpa);
  bool debug_phys(uint64_t paddr, uint8_t* data, size_t n, bool write);
  // CSR `num` by its own number (no VS alias while V=1), read or written
  // (then read back) as M-mode would; false if the hart does not have it.
  bool debug_csr(unsigned num, uint64_t& value, bool write);

  // CSR instructions report their writes through this (commit log).
  void notify_csr_written(unsigned num, uint64_t value) {
    if (__builtin_expect(watched_, 0))
      for (InsnWatcher* w : watchers_) w->csr_written(*this, num, value);
  }
  // Called at every wake-up check while the hart sleeps (WFI, parked), so
  // that a debugger can stop a simulation whose harts all sleep.
  std::function<void(Hart&)> on_sleep_poll;
  // Called when an interrupt is taken into VS-mode (hideleg), with the
  // hart's cause (kIrqVSTI...), as the guest's handler is entered: the
  // hosted hypervisor measures interrupt latency with it.
  std::function<void(Hart&, uint64_t cause)> on_guest_interrupt;
  // Brings stats.instret_by_priv up to date (it is otherwise updated at
  // mode changes and synchronisation points).
  void flush_instret_by_priv();
  // The debug triggers (Sdtrig, cpu/triggers.h): CSRs 0x7a0-0x7a5; a
  // watcher of this hart only while one of its triggers is enabled.
  Sdtrig sdtrig;

  const HartConfig& config() const { return cfg_; }
  bool halted() const { return halted_; }
  // From now on this hart uses `other`'s block cache (blocks and their
  // translations), if the two have the same CPI table: before the run
  // starts. False (nothing changes) if the tables differ.
  bool share_block_cache(const Hart& other);

  // TLM backward path.
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  // One decoded-instruction cache entry (exposed for benchmarks/tests):
  // the 32-bit word fetched at the pc (for a compressed instruction, the
  // next halfword too) with kDecodeKeyValid set, so that an all-zero entry
  // (as the cache starts) matches no fetch, and its decoded form.
  static constexpr uint64_t kDecodeKeyValid = 1ull << 32;
  struct DecodeCacheEntry {
    uint64_t key = 0;  // word | kDecodeKeyValid, 0 = empty
    DecodedInsn insn;
  };

 private:
  friend struct HartTestAccess;
  friend class BlockJit;
  // One cached translation of a 4 KiB virtual page to a RAM page (DMI),
  // with the permission check of its access type and mode already done.
  // A hit needs the page and the context to match: entries of other
  // address spaces (ASID), VMs (VMID) or satp modes stay until a fence
  // removes them or a conflict evicts them, as in a hardware TLB.
  struct TlbEntry {
    uint64_t tag = ~0ull;  // virtual page number, ~0 = invalid
    uint64_t ctx = 0;      // translation_context() when it was filled
    uintptr_t addend = 0;  // host address = addend + vaddr
    uint64_t latency_cycles = 0;  // DMI latency of the memory behind the page
    uint64_t gpa_page = 0;  // V=1: the guest-physical page (GPA >> 12)
    uint8_t level = 0;      // leaf level of the (VS- or single-stage) walk: 0 = 4K, 1 = 2M...
    uint8_t g_level = 0;    // V=1: leaf level of the G-stage walk
    bool global = false;    // a PTE on the walk had G set (VS-stage for V=1)
  };
  static constexpr unsigned kTlbSize = 256;
  // [access type][ModeIndex U/S/M/VU/VS][set]. Guest and host entries live in
  // different arrays, so entering and leaving a guest flushes nothing.
  std::array<std::array<std::array<TlbEntry, kTlbSize>, kNumModes>, 3> tlb_{};
  // The virtual pages that superpage entries of an array may cover: an
  // address fence inside that span must look at every set of the array,
  // one outside it only at the page's own set.
  struct SuperpageSpan {
    uint64_t lo = ~0ull, hi = 0;  // virtual page numbers, inclusive; empty if lo > hi
  };
  SuperpageSpan tlb_superpages_[3][kNumModes] = {};
  // translation_context() per ModeIndex, and that of ld_mode_.
  uint64_t ctx_[kNumModes] = {};
  uint64_t ld_ctx_ = 0;
  // The load and store TLB arrays of ld_mode_ (refresh_ld_ctx()), so that
  // a load or store indexes one array.
  const TlbEntry* ld_tlb_ = tlb_[static_cast<int>(AccessType::kLoad)][kPrivM].data();
  const TlbEntry* st_tlb_ = tlb_[static_cast<int>(AccessType::kStore)][kPrivM].data();
  // Flush epochs (tlb.cpp): a fence that removes every entry of a kind
  // moves its epoch on instead of visiting the entries; the epoch is part
  // of the context, so the old entries no longer match.
  uint32_t hs_epoch_ = 0;                // V=0 (HS-level) entries
  uint32_t guest_epoch_ = 0;             // V=1 entries of every VMID
  std::vector<uint32_t> vmid_epoch_;     // V=1 entries of one VMID
  uint32_t epoch_steps_ = 0;             // epoch moves since the last real flush
  void next_epoch(uint32_t& epoch);
  // What the last translate() walked: levels, G bit, guest-physical address.
  struct WalkInfo {
    uint8_t level = 0, g_level = 0;
    bool global = false;
    uint64_t gpa = 0;
  };
  WalkInfo walk_;
  uint64_t translation_context(ModeIndex m) const;
  template <typename Match> void tlb_remove(ModeIndex first, ModeIndex last, std::optional<uint64_t> vpn,
                                            const Match& match);

  struct DmiRegion {
    uint64_t start = 0, end = 0;  // inclusive end
    uint8_t* host = nullptr;
    uint64_t read_cycles = 0, write_cycles = 0;
    bool readable = false, writable = false;
  };
  std::vector<DmiRegion> dmi_;

  HartConfig cfg_;
  uint64_t period_ps_ = 1000;
  uint64_t quantum_cycles_ = 1000;
  uint64_t sync_cycles_ = 0;  // cycles value at the last sync with SystemC
  bool halted_ = false;
  ModeIndex ld_mode_ = kPrivM;  // effective mode for loads/stores (MPRV, MPV)
  uint64_t mip_lines_ = 0;    // MSIP/MTIP/MEIP/SEIP as last sampled from the ports
  uint64_t stimecmp_stip_ = 0;
  uint64_t vstimecmp_vstip_ = 0;
  std::optional<uint64_t> sleep_mtime_;  // sleep_until_time's deadline (mtime), until the wake-up
  bool parked_ = false, asleep_ = false, wake_requested_ = false;
  uint64_t counter_adjust_[2] = {0, 0};  // [0] minstret, [1] mcycle: CSR = counter + adjust
  uint64_t counter_frozen_[2] = {0, 0};  // value while inhibited
  uint64_t insn_limit_ = ~0ull;

  // Fetch fast path: host pointer of the current code page.
  uint64_t fetch_vpage_ = ~0ull;
  uintptr_t fetch_addend_ = 0;

  // Decode cache: direct-mapped by pc (no hash, hot loops do not collide),
  // each entry tagged with the word fetched at that pc. Decoding is a pure
  // function of the word, so a hit never runs stale code: self-modifying
  // code, FENCE.I and remapping need no invalidation.
  static constexpr unsigned kDecodeCacheSize = 1u << 14;
  ZeroedArray<DecodeCacheEntry> dcache_;

  // Block cache (hart_block.cpp): straight-line runs of decoded
  // instructions within one page, found by the host address of their first
  // byte (so by physical location: translation changes need no
  // invalidation) and checked against a copy of their bytes on every entry
  // (so code written since runs as written). A block ends after an
  // instruction that may leave the straight line or change the mode, the
  // translation or the interrupt state (branches, jumps, CSR and system
  // instructions), at the end of the page, or at kBlockMaxInsns.
  //
  // The table holds small entries, direct-mapped by host address, that
  // point into an arena where blocks are appended as they are built: each
  // block's record, its copy of its bytes and its instructions sit
  // together, so that a block costs the room of its own instructions and
  // running it touches few cache lines. A block in the arena never changes
  // (a rebuilt one is appended anew), so a pointer to it stays good until
  // the arena is full and the whole cache starts over (the caches start
  // empty: zero pages, touched as used).
  //
  // Chaining: each block remembers the blocks that ran after it (two: the
  // straight-line successor and the last other one), by host address, so
  // that going from block to block mostly skips the table, whose entries
  // are spread over 2 MiB and miss the host's caches.
  static constexpr unsigned kBlockMaxInsns = 16;
  static constexpr unsigned kBlockTableSize = 1u << 17;
  struct Block {
    // The links first: translated code reads only these (next_host and
    // next_entry of one link) to go on to the next block.
    uintptr_t next_host[2] = {0, 0};  // [0] straight-line successor, [1] another; 0 = none
    const void* next_entry[2] = {nullptr, nullptr};  // next[i]'s chain entry, once it is translated
    const Block* next[2] = {nullptr, nullptr};
    uintptr_t host = 0;  // host address of its first byte
    uint16_t bytes = 0;
    uint16_t count = 0;
    uint32_t runs = 0;  // entries so far, up to the translation threshold
    const DecodedInsn* (*host_code)(Hart*, uint64_t, uint64_t, uint64_t) = nullptr;  // BlockJit::Fn once translated
    const void* chain_entry = nullptr;  // where translated code jumps in from another block's
    // Then: a copy of its bytes (padded to 8) and its instructions.
  };
  struct BlockSlot {
    uintptr_t host = 0;  // 0 = empty
    const Block* block = nullptr;
  };
  //
  // Sharing: the harts of a platform share one cache (share_block_cache()),
  // blocks and translations alike, as they run the same code. A block
  // depends only on its bytes and on the CPI table, which they then have
  // in common. The cache starts over only when no hart that shares it
  // waits for SystemC inside an instruction (a device access): such a hart
  // still runs a block, from the arena or the code buffer. Until then,
  // nothing new is built, and code outside the blocks it has runs one
  // instruction at a time.
  struct BlockCache {
    explicit BlockCache(size_t arena_bytes);
    ~BlockCache();  // (BlockJit is complete in hart_block.cpp)
    ZeroedArray<BlockSlot> table;
    ZeroedArray<uint8_t> arena;
    size_t arena_used = 0;
    const size_t arena_bytes;
    uint64_t epoch = 0;  // moves on when the arena starts over (pointers into it die)
    // The translator, created at the first hot block.
    std::unique_ptr<BlockJit> jit;
    // Translating on a helper thread (jit_async): null until the first
    // hot block, and where no thread could be started.
    std::unique_ptr<JitWorker> worker;
    bool jit_full = false;  // the translator's buffer is full: start the cache over
    unsigned harts_inside_insn = 0;  // harts waiting for SystemC inside an instruction
  };
  std::shared_ptr<BlockCache> block_cache_;
  // What a translated block's call reported: the trap, or anything else
  // thrown, to rethrow.
  Trap jit_trap_{};
  std::exception_ptr jit_exception_;
  // The block translated code ran last (it jumps from block to block
  // through their chain links): the run loop's `prev` after it returns.
  const Block* jit_last_block_ = nullptr;
  void count_block_run(const Block& b, uint64_t first_pc);
  // Translations the helper thread has finished, put in their blocks.
  void install_translations();
  void prefault_next_arena_page();
  [[noreturn]] void rethrow_from_host_code();
  bool restart_block_cache();  // false: a sharing hart is inside an instruction
  static size_t block_slot(uintptr_t host) { return ((host >> 1) ^ (host >> 18)) & (kBlockTableSize - 1); }
  static constexpr size_t code_room(unsigned bytes) { return (bytes + 7u) & ~size_t{7}; }
  static const uint8_t* block_code(const Block& b) { return reinterpret_cast<const uint8_t*>(&b + 1); }
  static const DecodedInsn* block_insns(const Block& b) {
    return std::launder(reinterpret_cast<const DecodedInsn*>(block_code(b) + code_room(b.bytes)));
  }
  // The block at pc, or null where there is none (code not in a RAM page
  // with a fetch TLB entry, or an instruction crossing the page): the
  // caller then runs one instruction through decoded_at_pc(). `prev` is
  // the block that ran just before (or null): its links are tried first,
  // and set to the block found. May throw a fetch fault.
  //
  // A run that left `prev` before its end (the quantum's cycle limit, a
  // device access that let other harts run) goes on inside it: `skip` is
  // then the number of its instructions already run, and no block is
  // built for the rest (otherwise 0). Most quanta end inside a block.
  // Only there: a jump into the middle of a block (a loop whose head is
  // not a block's first instruction) gets a block of its own, which can
  // be linked to and translated.
  const Block* block_at_pc(const Block* prev, unsigned& skip);
  // The index of prev's instruction at host, if host is one of its
  // instructions after the first and prev's bytes are unchanged; else 0.
  static unsigned insn_inside(const Block& prev, uintptr_t host);
  // Where the last block left before its end would have gone on (its host
  // address; 0 when taken), and the block, for the next run of the loop
  // (valid while the arena's epoch is resume_epoch_).
  uintptr_t resume_host_ = 0;
  const Block* resume_block_ = nullptr;
  uint64_t resume_epoch_ = 0;
  // The block at host through the table, built if missing or stale. Null
  // where none can be built. Building may start the arena over
  // (BlockCache::epoch moves on): every earlier block pointer is then dead.
  const Block* find_block(uintptr_t host);
  const Block* build_block(uintptr_t host);
  bool refill_fetch_page();  // from the fetch TLB only: no walk, no fault
  void execute_one(const DecodedInsn& d);
  // The reasons for the run loop to leave a block before its end, read as
  // one word after every instruction.
  struct alignas(4) RunStop {
    bool irq_ready = false;  // an interrupt is pending, enabled and takeable
    bool wfi_pending = false;
    // Set when this hart let other SystemC processes run (a device access
    // inside a block): the rest of the block is looked up again, so that
    // code another hart wrote meanwhile runs as written, as it would one
    // instruction at a time.
    bool synced_in_block = false;
    // The instruction just run left a trap in fault_ instead of throwing
    // it (load_deferring()): it did not happen, and the loop takes the trap.
    bool trap_deferred = false;
    bool any() const {
      uint32_t w;
      std::memcpy(&w, this, sizeof w);
      return w != 0;
    }
  };
  static_assert(sizeof(RunStop) == 4);
  RunStop run_stop_;
  // The raw bits of the instruction a trap interrupted (transformed_instruction).
  uint32_t trapped_insn_bits_ = 0;

  // instret_by_priv is counted lazily: every instruction retired since
  // priv_instret_base_ ran in the current mode (flushed on mode changes and
  // before every wait(), so the counts are exact whenever anyone reads them).
  uint64_t priv_instret_base_ = 0;

  tlm::tlm_generic_payload payload_;
  sc_core::sc_event park_event_;  // never notified: a halted hart waits on it
  sc_core::sc_event wake_event_;  // notify_wake()
  // What ends a WFI sleep early: the interrupt lines and wake_event_. Built
  // once: a list local to wait_for_interrupt() would leak whenever the run
  // ends while the hart sleeps (SystemC does not unwind a thread at sc_stop).
  sc_core::sc_event_or_list wake_events_;

  void run_thread();
  void run_until_sync();
  void run_insns(uint64_t cycle_limit, uint64_t insn_stop);
  // The checked loop, while watchers are installed (cpu/insn_watcher.h).
  void run_insns_watched(uint64_t cycle_limit, uint64_t insn_stop);
  std::vector<InsnWatcher*> watchers_;
  uint64_t watchers_version_ = 0;  // moves on every add/remove
  bool watched_ = false;
  // Set while a watched data access is under way, so that its slow path
  // (and the byte accesses of a page-crossing one) are not reported twice.
  bool access_notified_ = false;
  // ld_ctx_ while watched: matches no TLB entry (bit 23 is never set in a
  // translation context, cpu/tlb.cpp), so every load and store takes the
  // slow path, which reports it and then does what the fast path would.
  static constexpr unsigned kWatchedLdCtxBit = 23;
  static constexpr uint64_t kWatchedLdCtx = 1ull << kWatchedLdCtxBit;
  void refresh_ld_ctx() {
    ld_ctx_ = watched_ ? kWatchedLdCtx : ctx_[ld_mode_];
    ld_tlb_ = tlb_[static_cast<int>(AccessType::kLoad)][ld_mode_].data();
    st_tlb_ = tlb_[static_cast<int>(AccessType::kStore)][ld_mode_].data();
  }
  template <typename T> T load_watched(uint64_t vaddr);
  template <typename T> void store_watched(uint64_t vaddr, T value);
  template <typename T> bool tlb_hit_load(uint64_t vaddr, T& value);
  template <typename T> bool tlb_hit_store(uint64_t vaddr, T value);
  void notify_before_access(uint64_t vaddr, unsigned size, AccessType type);
  void notify_after_access(uint64_t vaddr, unsigned size, AccessType type, uint64_t value);
  const DecodedInsn& decoded_at_pc();
  void refill_decode_entry(DecodeCacheEntry& e, uint32_t word);
  void count_retiring_in(ModeIndex ran_in);
  void sync_with_systemc();
  void sample_irq_lines();
  void update_stimecmp();
  void wait_for_interrupt();
  void check_insn_limit();

  // Memory internals.
  uint32_t fetch_bits_slow();
  // defer: a fault of the translation is left in fault_, with
  // run_stop_.trap_deferred set, instead of thrown (load_deferring()).
  template <typename T> bool load_hit(uint64_t vaddr, T& out);  // the TLB-hit path, if it hits
  template <typename T> bool store_hit(uint64_t vaddr, T value);
  template <typename T> T load_slow(uint64_t vaddr, bool defer = false);
  template <typename T> void store_slow(uint64_t vaddr, T value, bool defer = false);
  // Translate one access; returns the physical address, or throws the
  // fault. hlvx: the access is an HLVX read, which needs execute permission.
  uint64_t translate(uint64_t vaddr, AccessType type, ModeIndex eff, unsigned size, bool hlvx = false);
  // The same, without a throw: false with the fault in fault_. So are the
  // two stages it is made of. leaf_level: set to the level of the G-stage
  // leaf (the final stage of a translation; null for the page-table
  // accesses of a VS-stage walk).
  bool translate_to(uint64_t vaddr, AccessType type, ModeIndex eff, unsigned size, bool hlvx, uint64_t& paddr);
  bool page_walk_to(uint64_t vaddr, AccessType type, ModeIndex eff, bool hlvx, uint64_t& out);
  bool guest_stage_to(uint64_t gpa, AccessType perm, AccessType cause_type, uint64_t gva, bool hlvx,
                      bool implicit_access, uint64_t& out, uint8_t* leaf_level = nullptr);
  Trap fault_{};  // the fault a *_to() function or a deferring access found
  bool fail(const Trap& t) {
    fault_ = t;
    return false;
  }
  bool fail_page(AccessType type, uint64_t vaddr, bool gva);
  bool fail_access(AccessType type, uint64_t vaddr, bool gva);
  bool pmp_check(uint64_t paddr, unsigned size, AccessType type, Priv eff_priv) const;
  int pmp_page_uniform(uint64_t page, AccessType type, Priv eff_priv) const;  // 1 allow, 0 deny, -1 mixed
  // The PMP entries that match something, in order, with their address
  // ranges decoded: remade by flush_tlb(), which every change of the PMP
  // CSRs calls (pmp.cpp).
  struct PmpRange {
    uint64_t lo, hi;  // [lo, hi)
    uint8_t cfg;
  };
  PmpRange pmp_ranges_[csr::kNumPmpEntries] = {};
  unsigned pmp_active_ = 0;
  void decode_pmp();
  DmiRegion* find_dmi(uint64_t paddr, unsigned size);
  void try_acquire_dmi(uint64_t paddr);
  uint64_t ps_to_cycles(const sc_core::sc_time& t) const;
  void phys_access(uint64_t paddr, uint8_t* data, unsigned size, bool write, AccessType type,
                   uint64_t vaddr_for_fault);
  bool phys_read_pte(uint64_t paddr, uint64_t& pte);
  bool phys_write_pte(uint64_t paddr, uint64_t pte);
  void fill_tlb(uint64_t vaddr, uint64_t paddr, AccessType type, ModeIndex eff, const DmiRegion& r);
  [[noreturn]] void access_fault(AccessType type, uint64_t vaddr, bool gva = false) const;
  void read_bus_or_fault(uint64_t paddr, uint8_t* data, unsigned size, AccessType type, uint64_t vaddr);
  int take_interrupt_if_any();
  [[noreturn]] void page_fault(AccessType type, uint64_t vaddr, bool gva) const;
  uint64_t transformed_instruction(const Trap& t) const;

 public:
  // Called by csr.cpp when mstatus/satp/pmp change in a way that affects translation.
  void on_translation_change();
  void on_mstatus_change();
};

// ---- inline fast paths ----

// The instruction at pc: fetch the word through the one-page fetch TLB and
// check it against the decode cache entry for this pc.
inline const DecodedInsn& Hart::decoded_at_pc() {
  uint32_t word;
  if (__builtin_expect((pc >> 12) == fetch_vpage_ && (pc & 0xfff) <= 0xffc, 1))
    std::memcpy(&word, reinterpret_cast<const void*>(fetch_addend_ + pc), 4);
  else
    word = fetch_bits_slow();
  DecodeCacheEntry& e = dcache_[(pc >> 1) & (kDecodeCacheSize - 1)];
  if (__builtin_expect(e.key != (word | kDecodeKeyValid), 0)) refill_decode_entry(e, word);
  return e.insn;
}

namespace detail {
// Whether the n bytes (even) at host still are the copy a block was built from.
inline bool same_code(const uint8_t* copy, uintptr_t host, unsigned n) {
  const auto* p = reinterpret_cast<const uint8_t*>(host);
  unsigned i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t a, b;
    std::memcpy(&a, copy + i, 8);
    std::memcpy(&b, p + i, 8);
    if (a != b) return false;
  }
  for (; i < n; i += 2) {
    uint16_t a, b;
    std::memcpy(&a, copy + i, 2);
    std::memcpy(&b, p + i, 2);
    if (a != b) return false;
  }
  return true;
}
}  // namespace detail

inline __attribute__((always_inline)) const Hart::Block* Hart::block_at_pc(const Block* prev, unsigned& skip) {
  if (__builtin_expect((pc >> 12) != fetch_vpage_, 0) && !refill_fetch_page()) return nullptr;
  const uintptr_t host = fetch_addend_ + pc;
  if (__builtin_expect(prev != nullptr, 1)) {
    const unsigned link = host == prev->host + prev->bytes ? 0 : 1;
    const Block* b = prev->next[link];
    if (__builtin_expect(prev->next_host[link] == host && detail::same_code(block_code(*b), host, b->bytes), 1)) {
      // Translated since it was linked: translated code may now jump to it.
      if (__builtin_expect(b->chain_entry != prev->next_entry[link], 0))
        const_cast<Block&>(*prev).next_entry[link] = b->chain_entry;
      return b;
    }
    if (host == resume_host_) {
      resume_host_ = 0;
      if (host - prev->host - 1 < prev->bytes - 1u && (skip = insn_inside(*prev, host)) != 0) return prev;
    }
    const uint64_t epoch = block_cache_->epoch;
    b = find_block(host);
    if (b && block_cache_->epoch == epoch) {  // (if the arena started over, prev is gone)
      // The arena's blocks are ours to link (const for the loop that runs them).
      Block& p = const_cast<Block&>(*prev);
      p.next_host[link] = host;
      p.next[link] = b;
      p.next_entry[link] = b->chain_entry;
    }
    return b;
  }
  return find_block(host);
}

// The TLB-hit path of load() and store() and of their deferring forms.
template <typename T>
inline __attribute__((always_inline)) bool Hart::load_hit(uint64_t vaddr, T& out) {
  const TlbEntry& e = ld_tlb_[(vaddr >> 12) % kTlbSize];
  if (__builtin_expect(e.tag != (vaddr >> 12) || e.ctx != ld_ctx_ || (vaddr & 0xfff) > 0x1000 - sizeof(T), 0))
    return false;
  std::memcpy(&out, reinterpret_cast<const void*>(e.addend + vaddr), sizeof(T));
  cycles += e.latency_cycles;
  return true;
}

template <typename T>
inline __attribute__((always_inline)) bool Hart::store_hit(uint64_t vaddr, T value) {
  const TlbEntry& e = st_tlb_[(vaddr >> 12) % kTlbSize];
  if (__builtin_expect(e.tag != (vaddr >> 12) || e.ctx != ld_ctx_ || (vaddr & 0xfff) > 0x1000 - sizeof(T), 0))
    return false;
  std::memcpy(reinterpret_cast<void*>(e.addend + vaddr), &value, sizeof(T));
  cycles += e.latency_cycles;
  return true;
}

template <typename T>
inline T Hart::load(uint64_t vaddr) {
  T v;
  if (__builtin_expect(load_hit(vaddr, v), 1)) return v;
  return load_slow<T>(vaddr);
}

template <typename T>
inline void Hart::store(uint64_t vaddr, T value) {
  if (__builtin_expect(!store_hit(vaddr, value), 0)) store_slow<T>(vaddr, value);
}

template <typename T>
inline bool Hart::load_deferring(uint64_t vaddr, T& out) {
  if (__builtin_expect(load_hit(vaddr, out), 1)) return true;
  out = load_slow<T>(vaddr, true);
  return !run_stop_.trap_deferred;
}

template <typename T>
inline bool Hart::store_deferring(uint64_t vaddr, T value) {
  if (__builtin_expect(store_hit(vaddr, value), 1)) return true;
  store_slow<T>(vaddr, value, true);
  return !run_stop_.trap_deferred;
}

}  // namespace rvh
