// cpu/csr_names.cpp: see csr_names.h. Sources: the privileged spec's tables
// of unprivileged, supervisor, hypervisor, VS and machine CSRs, and the
// debug spec's trigger and debug-mode CSRs.
#include "cpu/csr_names.h"

#include <array>
#include <string>

namespace rvh {
namespace {

struct Named {
  unsigned num;
  const char* name;
};

constexpr Named kNamed[] = {
    // Unprivileged floating-point and counter CSRs.
    {0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"},
    {0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"},
    // Supervisor.
    {0x100, "sstatus"}, {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"},
    {0x10a, "senvcfg"}, {0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"},
    {0x143, "stval"}, {0x144, "sip"}, {0x14d, "stimecmp"}, {0x180, "satp"},
    {0x5a8, "scontext"},
    // Hypervisor and virtual supervisor.
    {0x600, "hstatus"}, {0x602, "hedeleg"}, {0x603, "hideleg"}, {0x604, "hie"},
    {0x605, "htimedelta"}, {0x606, "hcounteren"}, {0x607, "hgeie"}, {0x60a, "henvcfg"},
    {0x643, "htval"}, {0x644, "hip"}, {0x645, "hvip"}, {0x64a, "htinst"},
    {0x680, "hgatp"}, {0x6a8, "hcontext"}, {0xe12, "hgeip"},
    {0x200, "vsstatus"}, {0x204, "vsie"}, {0x205, "vstvec"}, {0x240, "vsscratch"},
    {0x241, "vsepc"}, {0x242, "vscause"}, {0x243, "vstval"}, {0x244, "vsip"},
    {0x24d, "vstimecmp"}, {0x280, "vsatp"},
    // Machine.
    {0xf11, "mvendorid"}, {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
    {0xf15, "mconfigptr"},
    {0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"},
    {0x304, "mie"}, {0x305, "mtvec"}, {0x306, "mcounteren"}, {0x30a, "menvcfg"},
    {0x320, "mcountinhibit"}, {0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"},
    {0x343, "mtval"}, {0x344, "mip"}, {0x34a, "mtinst"}, {0x34b, "mtval2"},
    {0x747, "mseccfg"}, {0xb00, "mcycle"}, {0xb02, "minstret"},
    // Debug spec: triggers (Sdtrig) and Debug Mode.
    {0x7a0, "tselect"}, {0x7a1, "tdata1"}, {0x7a2, "tdata2"}, {0x7a3, "tdata3"},
    {0x7a4, "tinfo"}, {0x7a5, "tcontrol"}, {0x7a8, "mcontext"}, {0x7aa, "mscontext"},
    {0x7b0, "dcsr"}, {0x7b1, "dpc"}, {0x7b2, "dscratch0"}, {0x7b3, "dscratch1"},
};

// The numbered families: pmpcfg0..15 (even numbers only on RV64),
// pmpaddr0..63, hpmcounter3..31, mhpmcounter3..31, mhpmevent3..31.
struct Family {
  unsigned first, count, first_index;
  const char* prefix;
};
constexpr Family kFamilies[] = {
    {0x3a0, 16, 0, "pmpcfg"}, {0x3b0, 64, 0, "pmpaddr"}, {0xc03, 29, 3, "hpmcounter"},
    {0xb03, 29, 3, "mhpmcounter"}, {0x323, 29, 3, "mhpmevent"},
};

std::array<const char*, 4096> build_table() {
  static std::array<std::string, 4096> family_names;
  std::array<const char*, 4096> table{};
  for (const Named& n : kNamed) table[n.num] = n.name;
  for (const Family& f : kFamilies)
    for (unsigned i = 0; i < f.count; ++i) {
      const unsigned num = f.first + i;
      if (f.first == 0x3a0 && (i & 1)) continue;  // pmpcfg1, 3, ...: RV32 only
      family_names[num] = f.prefix + std::to_string(f.first_index + i);
      table[num] = family_names[num].c_str();
    }
  return table;
}

}  // namespace

const char* csr_name(unsigned num) {
  static const std::array<const char*, 4096> table = build_table();
  return num < table.size() ? table[num] : nullptr;
}

}  // namespace rvh
