// debug/gdb_riscv_registers.cpp: GDB's RISC-V register names and numbers.
#include "debug/gdb_riscv_registers.h"

namespace rvh::gdb {

namespace {

// The ABI names GDB's 64bit-cpu.xml gives x0-x31 (x8 is "fp").
const char* const kCpuNames[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

// The ABI names of GDB's 64bit-fpu.xml for f0-f31.
const char* const kFpuNames[32] = {
    "ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
    "fa1", "fa2", "fa3",  "fa4",  "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8",  "fs9",  "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

// The types of 64bit-cpu.xml: ra and pc are code pointers, sp, gp, tp and
// fp data pointers.
const char* cpu_type(unsigned x) {
  switch (x) {
    case 1: return "code_ptr";
    case 2: case 3: case 4: case 8: return "data_ptr";
    default: return "int";
  }
}

}  // namespace

std::vector<RegisterInfo> riscv_cpu_registers() {
  std::vector<RegisterInfo> regs;
  for (unsigned x = 0; x < 32; ++x) regs.push_back({kCpuNames[x], x, 64, kFeatureCpu, cpu_type(x), ""});
  regs.push_back({"pc", kRegPc, 64, kFeatureCpu, "code_ptr", ""});
  return regs;
}

std::vector<RegisterInfo> riscv_fpu_registers() {
  std::vector<RegisterInfo> regs;
  for (unsigned f = 0; f < 32; ++f)
    regs.push_back({kFpuNames[f], kRegFirstFpr + f, 64, kFeatureFpu, "riscv_double", ""});
  regs.push_back({"fflags", kRegFirstCsr + 0x001, 32, kFeatureFpu, "int", "float"});
  regs.push_back({"frm", kRegFirstCsr + 0x002, 32, kFeatureFpu, "int", "float"});
  regs.push_back({"fcsr", kRegFirstCsr + 0x003, 32, kFeatureFpu, "int", "float"});
  return regs;
}

RegisterInfo riscv_csr_register(const std::string& name, unsigned csr) {
  return {name, kRegFirstCsr + csr, 64, kFeatureCsr, "int", ""};
}

RegisterInfo riscv_priv_register() { return {"priv", kRegPriv, 64, kFeatureVirtual, "int", ""}; }

}  // namespace rvh::gdb
