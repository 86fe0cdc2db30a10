// platform/commit_log.h: the commit-log trace (--trace, --trace-file;
// docs/debugging.md "Commit-log trace"): an instruction watcher
// (cpu/insn_watcher.h) that writes one line per retired instruction in
// Spike's --log-commits format (platform/commit_log_format.h): the
// registers it wrote, decided from the instruction, the CSRs a CSR
// instruction, xRET or an FP instruction changed, and its loads and
// stores. As in Spike, an instruction that traps has no line; with
// show_traps (--trace-disasm), the trap gets Spike's exception lines.
//
// Which CSRs a line names follows Spike, which logs the CSR that holds the
// state: a write to sstatus logs mstatus (vsstatus when V=1), one to sie
// logs sie and mie, one to fcsr logs fflags and frm, an S-level CSR
// written with V=1 logs its VS counterpart; MRET logs mstatus and
// tcontrol, SRET mstatus and hstatus (vsstatus when V=1); an FP
// instruction that makes mstatus.FS dirty logs mstatus (and vsstatus when
// V=1), one that raises exception flags logs fflags. An AMO shows its load
// and its store, an HLV or HSV its guest-virtual address.
//
// May include: cpu, platform/commit_log_format.h, platform/trace_filter.h,
// platform/loader.h (symbols).
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "cpu/insn_watcher.h"
#include "platform/commit_log_format.h"
#include "platform/trace_filter.h"

namespace rvh {

class Hart;
class SymbolTable;

class CommitLog : public InsnWatcher {
 public:
  // The disassembly of one instruction (platform/disassembler.h), or empty.
  using Disassemble = std::function<std::string(uint64_t pc, uint32_t bits, unsigned length)>;

  struct Settings {
    TraceFilter filter;
    // Appended to each line after " ; ": "<symbol+offset>: " (when the
    // symbol table has one) and the disassembly.
    Disassemble disassemble;
    // Spike's exception lines (spike -l) for every trap taken.
    bool show_traps = false;
  };

  // Writes to `out` (not owned; flushed at each line only if it is
  // unbuffered). `symbols` may be null or empty; it is read at each line,
  // so it may be filled after construction (the loader runs later).
  CommitLog(std::FILE* out, Settings settings, const SymbolTable* symbols = nullptr);
  ~CommitLog() override;

  // Installs the log on `hart` if the filter shows that hart; it removes
  // itself once the hart is past the --trace-count window.
  void attach(Hart& hart);
  // Removes it from every hart it is on.
  void detach();

  void before_insn(Hart& hart, const DecodedInsn& insn) override;
  void after_insn(Hart& hart, const DecodedInsn& insn) override;
  void after_access(Hart& hart, uint64_t vaddr, unsigned size, AccessType type, uint64_t value) override;
  void csr_written(Hart& hart, unsigned num, uint64_t value) override;
  void trap_taken(Hart& hart, const Trap& trap, bool interrupt, bool to_hypervisor) override;

  uint64_t lines_written() const { return lines_; }

 private:
  // The instruction under way on one hart (a device access may let other
  // harts run in the middle of it).
  struct Pending {
    bool active = false;
    bool virt = false;
    uint64_t mstatus = 0, vsstatus = 0;
    uint64_t rs1 = 0, rs2 = 0;  // the operands, for HLV/HSV
    CommitRecord record;
  };
  Pending& pending_of(const Hart& hart);
  std::string suffix(const CommitRecord& r);

  std::FILE* out_;
  Settings settings_;
  const SymbolTable* symbols_;
  std::vector<Pending> pending_;  // by hart id
  std::vector<Hart*> harts_;      // where attached
  uint64_t lines_ = 0;
};

}  // namespace rvh
