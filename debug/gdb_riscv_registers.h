// debug/gdb_riscv_registers.h: the register numbering and names of GDB's
// RISC-V target description (gdb/features/riscv/64bit-{cpu,fpu,csr}.xml and
// the org.gnu.gdb.riscv.virtual "priv" register), for a Target to build its
// registers() list from. GDB's numbers are kept so that the g packet and the
// regnum attributes mean what GDB expects: x0-x31 = 0-31, pc = 32,
// f0-f31 = 33-64, CSR n = 65 + n (so fflags/frm/fcsr = 66/67/68), and
// priv = 65 + 4096.
//
// May include: the C++ standard library and debug/ only.
#pragma once
#include <string>
#include <vector>

#include "debug/gdb_target.h"

namespace rvh::gdb {

constexpr unsigned kRegPc = 32;
constexpr unsigned kRegFirstFpr = 33;
constexpr unsigned kRegFirstCsr = 65;
constexpr unsigned kRegPriv = kRegFirstCsr + 4096;

constexpr char kFeatureCpu[] = "org.gnu.gdb.riscv.cpu";
constexpr char kFeatureFpu[] = "org.gnu.gdb.riscv.fpu";
constexpr char kFeatureCsr[] = "org.gnu.gdb.riscv.csr";
constexpr char kFeatureVirtual[] = "org.gnu.gdb.riscv.virtual";

// x0-x31 under their ABI names (zero, ra, sp, ..., fp for x8, ..., t6) and
// pc, 64 bits, in feature org.gnu.gdb.riscv.cpu.
std::vector<RegisterInfo> riscv_cpu_registers();
// f0-f31 (ft0, ..., ft11; type riscv_double) and fflags, frm, fcsr (32
// bits, regnums 66-68), in feature org.gnu.gdb.riscv.fpu.
std::vector<RegisterInfo> riscv_fpu_registers();
// A CSR (not fflags/frm/fcsr, which are in the fpu feature): regnum 65 + csr,
// 64 bits, feature org.gnu.gdb.riscv.csr.
RegisterInfo riscv_csr_register(const std::string& name, unsigned csr);
// "priv" (org.gnu.gdb.riscv.virtual): GDB shows its low byte as the
// privilege level (0 U, 1 S, 3 M); a Target may put the V bit above it.
RegisterInfo riscv_priv_register();

}  // namespace rvh::gdb
