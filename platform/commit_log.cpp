// platform/commit_log.cpp: see commit_log.h.
#include "platform/commit_log.h"

#include <algorithm>

#include "cpu/csr_defs.h"
#include "cpu/hart.h"
#include "cpu/insns.h"
#include "platform/loader.h"

namespace rvh {
namespace {

using RegKind = CommitRecord::RegKind;

enum class Dest : uint8_t { kNone, kX, kF };

// The register file an instruction's rd names (unpriv spec, the opcode map
// and the F/D chapters: comparisons, FCVT to an integer, FMV.X and FCLASS
// write x; every other OP-FP, the FMAs and the FP loads write f).
Dest destination(uint32_t raw, unsigned length) {
  const uint32_t w = length == 2 ? expand_compressed(static_cast<uint16_t>(raw)) : raw;
  switch (w & 0x7f) {
    case 0x37: case 0x17: case 0x6f: case 0x67:  // LUI, AUIPC, JAL, JALR
    case 0x03: case 0x13: case 0x1b: case 0x33: case 0x3b:  // loads, OP-IMM(-32), OP(-32)
    case 0x2f:  // AMO, LR, SC
      return Dest::kX;
    case 0x73:  // SYSTEM: the CSR instructions and HLV write rd; ECALL, xRET... do not
      return ((w >> 12) & 7) != 0 ? Dest::kX : Dest::kNone;
    case 0x07: case 0x43: case 0x47: case 0x4b: case 0x4f:
      return Dest::kF;
    case 0x53: {
      const uint32_t funct5 = w >> 27;
      return (funct5 == 0x14 || funct5 == 0x18 || funct5 == 0x1c) ? Dest::kX : Dest::kF;
    }
    default:
      return Dest::kNone;
  }
}

// An HLV/HLVX/HSV (H spec, "Hypervisor Virtual-Machine Load and Store
// Instructions": SYSTEM, funct3 4, funct7 0x30-0x37): its access size in
// bytes, and whether it stores; 0 for any other instruction.
unsigned hyp_access_size(uint32_t raw, unsigned length, bool& store) {
  if (length != 4 || (raw & 0x707f) != 0x4073) return 0;
  const uint32_t funct7 = raw >> 25;
  if (funct7 < 0x30 || funct7 > 0x37) return 0;
  store = funct7 & 1;
  return 1u << ((funct7 >> 1) & 3);
}

// What Spike logs for a CSR instruction's write of `num` (it logs the CSR
// that holds the state; riscv-isa-sim riscv/csrs.cc, the proxy and
// virtualized CSRs).
void log_csr_write(Hart& h, CommitRecord& r, unsigned num, uint64_t value) {
  using namespace csr;
  auto mip = [&h] { return h.csr_read(kMip, 0, false); };
  if (h.virt) {  // VS-mode: an S-level CSR is its VS counterpart
    switch (num) {
      case kSstatus: r.write(RegKind::kCsr, kVsstatus, value); return;
      case kSie: r.write(RegKind::kCsr, kMie, h.csr.mie); return;
      case kSip: r.write(RegKind::kCsr, kMip, mip()); return;
      case kStvec: case kSscratch: case kSepc: case kScause: case kStval: case kSatp: case kStimecmp:
        r.write(RegKind::kCsr, num + (kVsstatus - kSstatus), value);
        return;
      default: break;
    }
  }
  switch (num) {
    case kSstatus: r.write(RegKind::kCsr, kMstatus, h.csr.mstatus); return;
    case kSie:
      r.write(RegKind::kCsr, kSie, value);
      r.write(RegKind::kCsr, kMie, h.csr.mie);
      return;
    case kHie: case kVsie: r.write(RegKind::kCsr, kMie, h.csr.mie); return;
    case kSip: case kHip: case kVsip: r.write(RegKind::kCsr, kMip, mip()); return;
    case kHvip:
      r.write(RegKind::kCsr, kHvip, value);
      r.write(RegKind::kCsr, kMip, mip());
      return;
    case kFcsr:
      r.write(RegKind::kCsr, kFflags, h.csr.fflags);
      r.write(RegKind::kCsr, kFrm, h.csr.frm);
      return;
    default: r.write(RegKind::kCsr, num, value); return;
  }
}

}  // namespace

CommitLog::CommitLog(std::FILE* out, Settings settings, const SymbolTable* symbols)
    : out_(out), settings_(std::move(settings)), symbols_(symbols) {}

CommitLog::~CommitLog() { detach(); }

void CommitLog::attach(Hart& hart) {
  if (!settings_.filter.shows_hart(hart.config().hart_id)) return;
  if (hart.instret >= settings_.filter.window_end()) return;
  hart.add_watcher(this);
  harts_.push_back(&hart);
}

void CommitLog::detach() {
  for (Hart* h : harts_) h->remove_watcher(this);
  harts_.clear();
}

CommitLog::Pending& CommitLog::pending_of(const Hart& hart) {
  const unsigned id = hart.config().hart_id;
  if (id >= pending_.size()) pending_.resize(id + 1);
  return pending_[id];
}

void CommitLog::before_insn(Hart& hart, const DecodedInsn& insn) {
  Pending& p = pending_of(hart);
  p.active = settings_.filter.shows(hart.pc, hart.mode(), hart.instret);
  if (!p.active) return;
  CommitRecord& r = p.record;
  r.clear();
  r.hart = hart.config().hart_id;
  r.priv = hart.priv;
  r.pc = hart.pc;
  r.bits = insn.raw;
  r.length = insn.len;
  p.virt = hart.virt;
  p.mstatus = hart.csr.mstatus;
  p.vsstatus = hart.csr.vsstatus;
  p.rs1 = hart.x[insn.rs1];
  p.rs2 = hart.x[insn.rs2];
}

void CommitLog::after_access(Hart& hart, uint64_t vaddr, unsigned size, AccessType type, uint64_t value) {
  Pending& p = pending_of(hart);
  if (!p.active) return;
  if (type == AccessType::kLoad)
    p.record.loads.push_back({vaddr, 0, size});
  else if (type == AccessType::kStore)
    p.record.stores.push_back({vaddr, value, size});
}

void CommitLog::csr_written(Hart& hart, unsigned num, uint64_t value) {
  Pending& p = pending_of(hart);
  if (p.active) log_csr_write(hart, p.record, num, value);
}

void CommitLog::after_insn(Hart& hart, const DecodedInsn& insn) {
  Pending& p = pending_of(hart);
  if (p.active) {
    p.active = false;
    CommitRecord& r = p.record;
    switch (destination(insn.raw, insn.len)) {
      case Dest::kX:
        if (insn.rd != 0 && insn.rd < 32) r.write(RegKind::kX, insn.rd, hart.x[insn.rd]);
        break;
      case Dest::kF: r.write(RegKind::kF, insn.rd, hart.f[insn.rd]); break;
      case Dest::kNone: break;
    }
    // xRET writes the status CSRs whether or not they change (Spike's
    // mret.h/sret.h: MRET mstatus and tcontrol, SRET mstatus and hstatus,
    // or vsstatus in VS-mode, either vsstatus too when it returns to VU);
    // other instructions log them when they change them (FS set dirty, a
    // CSR write).
    if (insn.exec == &insn::mret) {
      r.write(RegKind::kCsr, csr::kMstatus, hart.csr.mstatus);
      r.write(RegKind::kCsr, Sdtrig::kTcontrol, hart.sdtrig.read_csr(Sdtrig::kTcontrol));
    } else if (insn.exec == &insn::sret) {
      if (p.virt) {
        r.write(RegKind::kCsr, csr::kVsstatus, hart.csr.vsstatus);
      } else {
        r.write(RegKind::kCsr, csr::kMstatus, hart.csr.mstatus);
        r.write(RegKind::kCsr, csr::kHstatus, hart.csr.hstatus);
      }
    }
    if ((insn.exec == &insn::mret || insn.exec == &insn::sret) && !p.virt && hart.mode() == kModeVU)
      r.write(RegKind::kCsr, csr::kVsstatus, hart.csr.vsstatus);
    // HLV/HSV reach memory through the hart's guest accessors, which the
    // hypervisor uses too and which report nothing: their access is the
    // instruction's operands (the address in rs1, HSV's value in rs2).
    bool hyp_store = false;
    if (const unsigned size = hyp_access_size(insn.raw, insn.len, hyp_store);
        size && r.loads.empty() && r.stores.empty()) {
      if (hyp_store)
        r.stores.push_back({p.rs1, size == 8 ? p.rs2 : p.rs2 & ((1ull << (8 * size)) - 1), size});
      else
        r.loads.push_back({p.rs1, 0, size});
    }
    if (hart.csr.mstatus != p.mstatus) r.write(RegKind::kCsr, csr::kMstatus, hart.csr.mstatus);
    if (hart.csr.vsstatus != p.vsstatus) r.write(RegKind::kCsr, csr::kVsstatus, hart.csr.vsstatus);

    std::string line = format_commit_line(r);
    if (settings_.disassemble) line += suffix(r);
    line += '\n';
    std::fputs(line.c_str(), out_);
    ++lines_;
  }
  if (hart.instret >= settings_.filter.window_end()) {  // past the window: run unwatched again
    hart.remove_watcher(this);
    harts_.erase(std::remove(harts_.begin(), harts_.end(), &hart), harts_.end());
  }
}

void CommitLog::trap_taken(Hart& hart, const Trap& trap, bool interrupt, bool) {
  Pending& p = pending_of(hart);
  p.active = false;  // Spike logs no line for an instruction that trapped
  if (!settings_.show_traps || !settings_.filter.shows(hart.pc, hart.mode(), hart.instret)) return;
  const std::string lines =
      format_trap_lines(hart.config().hart_id, trap.cause, interrupt, hart.pc, trap.tval);
  std::fputs(lines.c_str(), out_);
}

std::string CommitLog::suffix(const CommitRecord& r) {
  std::string s = " ; ";
  if (symbols_) {
    const std::string sym = symbols_->describe(r.pc);
    if (!sym.empty()) s += sym + ": ";
  }
  return s + settings_.disassemble(r.pc, r.bits, r.length);
}

}  // namespace rvh
