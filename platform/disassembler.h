// platform/disassembler.h: RISC-V disassembly (RV64GC and the hypervisor
// extension) of one instruction with GNU binutils' libopcodes (Debian's
// binutils-multiarch-dev), for the commit
// log's --trace-disasm. Built into the rvh_disasm library that the rvh-vp
// executable links, not into rvh_platform, so that library users need no
// binutils.
//
// May include: the C++ standard library only (libopcodes in the .cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace rvh {

class Disassembler {
 public:
  // symbolize(addr): "name" or "name+0x12" for an address, "" if none; used
  // for the targets of jumps and branches ("jal ra,0x80000010 <helper>").
  explicit Disassembler(std::function<std::string(uint64_t)> symbolize = {});
  ~Disassembler();
  Disassembler(const Disassembler&) = delete;
  Disassembler& operator=(const Disassembler&) = delete;

  // The instruction `bits` (`length` 2 or 4 bytes) at `pc` as objdump
  // prints it, with single spaces: "addi a0,a0,1", "c.li a0,1" shows as
  // "li a0,1"; what it does not know as objdump shows it (".4byte 0x707b").
  std::string operator()(uint64_t pc, uint32_t bits, unsigned length);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rvh
