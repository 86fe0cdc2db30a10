// cpu/insn_marker.cpp: the simulator marker HINT (cpu/marker.h). It has
// no architectural effect (rd is x0); the hart hands the op and rs1 to
// whoever listens (Hart::on_marker: the platform's region recorder) and
// sleeps for sleep_until. It retires with the ALU class's cycles like the
// SLTI it is.
#include "cpu/hart.h"
#include "cpu/insns.h"
#include "cpu/marker.h"

namespace rvh::insn {

RVH_INSN(marker) {
  const unsigned op = static_cast<unsigned>(d.imm) & 0xf;
  const uint64_t arg = h.x[d.rs1];
  if (h.on_marker) h.on_marker(h, op, arg);
  if (op == marker::kSleepUntil) h.sleep_until_time(arg);
}

}  // namespace rvh::insn
