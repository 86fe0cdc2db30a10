// debug/gdb_target.h: what a GDB Session (debug/gdb_session.h) needs from
// the thing being debugged. The simulator implements Target over its harts;
// the session never sees a hart, SystemC or a socket.
//
// Threads are GDB's threads: ids >= 1 (a hart or a vCPU each). Calls that
// take a thread are made only while the session is halted (between stop()
// and the next resume()), for a thread id that threads() listed.
//
// May include: the C++ standard library only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rvh::gdb {

// One register of the target description (qXfer:features:read:target.xml).
struct RegisterInfo {
  std::string name;     // GDB's name, e.g. "ra", "ft0", "mstatus", "priv"
  unsigned regnum = 0;  // the remote protocol number (p/P packets, the regnum attribute)
  unsigned bitsize = 64;  // 8..64, a multiple of 8
  // org.gnu.gdb.riscv.cpu, .fpu, .csr or .virtual (GDB's RISC-V features).
  std::string feature;
  // GDB type: "int", "code_ptr", "data_ptr", "ieee_double", "riscv_double"
  // (the float/double union of GDB's fpu feature, defined in the XML when
  // used); empty: no attribute (GDB's default, an integer).
  std::string type;
  // GDB register group ("general", "float", "system"...); empty: none.
  std::string group;
};

// Z/z packet types 0..4.
enum class BreakKind { kSoftware, kHardware, kWrite, kRead, kAccess };

enum class BreakStatus {
  kDone,         // inserted / removed: "OK"
  kFailed,       // could not (no free trigger, bad address): an error reply
  kUnsupported,  // this kind is not supported: an empty reply (for Z0 GDB then
                 // writes the breakpoint instruction to memory itself)
};

// One thread's part of a resume. Session::resume passes one entry per
// thread that runs; a thread without an entry stays halted.
struct ResumeAction {
  enum Kind { kContinue, kStep };
  Kind kind = kContinue;
  int thread = 0;  // >= 1
};

// Why the target stopped: Session::stop() builds the stop reply from it.
struct StopEvent {
  enum Kind { kPlain, kSwBreak, kHwBreak, kWatch, kRwatch, kAwatch };
  int thread = 1;
  int signal = 5;  // GDB signal number: 5 SIGTRAP (breakpoint, step), 2 SIGINT (Ctrl-C)
  Kind kind = kPlain;
  uint64_t data_address = 0;  // kWatch/kRwatch/kAwatch: the address accessed
  std::string console_text;   // sent before the stop reply as O packets (GDB prints it)
};

class Target {
 public:
  virtual ~Target() = default;

  // The threads, ids >= 1, in the order `info threads` lists them.
  virtual std::vector<int> threads() = 0;
  // qThreadExtraInfo: shown by `info threads`, e.g. "hart 0 (VS)".
  virtual std::string thread_description(int thread) = 0;

  // Every register of the description; the same list for the whole session.
  virtual const std::vector<RegisterInfo>& registers() = 0;
  // False: the value is unavailable (GDB shows <unavailable>).
  virtual bool read_register(int thread, unsigned regnum, uint64_t& value) = 0;
  // False: the write failed (an error reply).
  virtual bool write_register(int thread, unsigned regnum, uint64_t value) = 0;

  // Memory as `thread` sees it. read_memory may return fewer bytes than asked
  // (stopping at the first one it cannot read) and returns false when it
  // cannot read the first one: error E14.
  virtual bool read_memory(int thread, uint64_t address, size_t length,
                           std::vector<uint8_t>& out) = 0;
  // False: error E14 (what was written before the failure may stay).
  virtual bool write_memory(int thread, uint64_t address, const std::vector<uint8_t>& data) = 0;

  // Z (insert) / z (remove). `kind` is the Z packet's kind field: for
  // breakpoints the instruction length (2 compressed, 4), for watchpoints
  // the length in bytes of the watched range.
  virtual BreakStatus set_breakpoint(BreakKind type, uint64_t address, unsigned kind,
                                     bool insert) = 0;

  // Run. Returns at once: the target runs until it stops by itself (the
  // owner then calls Session::stop) or the owner sees
  // Session::interrupt_requested() and stops it.
  virtual void resume(const std::vector<ResumeAction>& actions) = 0;

  // qRcmd (GDB's `monitor CMD`): the text to print, "" for none.
  virtual std::string monitor(const std::string& command) = 0;

  // GDB detaches (`detach`, or quitting after `target remote`): remove every
  // breakpoint and watchpoint, then run freely once the owner sees
  // Session::detached().
  virtual void detach() = 0;
  // GDB kills the program (`kill`): the owner ends the simulation.
  virtual void kill() = 0;
};

}  // namespace rvh::gdb
