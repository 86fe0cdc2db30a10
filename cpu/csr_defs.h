// cpu/csr_defs.h: CSR numbers, bit fields, exception causes and the CSR
// storage of one hart (priv spec, "Control and Status Registers").
#pragma once
#include <cstdint>

namespace rvh {
namespace csr {

// Exception causes (priv spec table "mcause values after trap").
constexpr uint64_t kCauseMisalignedFetch = 0;
constexpr uint64_t kCauseFetchAccess = 1;
constexpr uint64_t kCauseIllegalInsn = 2;
constexpr uint64_t kCauseBreakpoint = 3;
constexpr uint64_t kCauseMisalignedLoad = 4;
constexpr uint64_t kCauseLoadAccess = 5;
constexpr uint64_t kCauseMisalignedStore = 6;
constexpr uint64_t kCauseStoreAccess = 7;
constexpr uint64_t kCauseEcallU = 8;
constexpr uint64_t kCauseEcallS = 9;
constexpr uint64_t kCauseEcallM = 11;
constexpr uint64_t kCauseFetchPageFault = 12;
constexpr uint64_t kCauseLoadPageFault = 13;
constexpr uint64_t kCauseStorePageFault = 15;
constexpr uint64_t kCauseEcallVS = 10;
constexpr uint64_t kCauseFetchGuestPageFault = 20;
constexpr uint64_t kCauseLoadGuestPageFault = 21;
constexpr uint64_t kCauseVirtualInsn = 22;
constexpr uint64_t kCauseStoreGuestPageFault = 23;
constexpr uint64_t kInterruptBit = 1ull << 63;

// Interrupt numbers.
constexpr unsigned kIrqSSI = 1, kIrqMSI = 3, kIrqSTI = 5, kIrqMTI = 7, kIrqSEI = 9, kIrqMEI = 11;
constexpr unsigned kIrqVSSI = 2, kIrqVSTI = 6, kIrqVSEI = 10, kIrqSGEI = 12;
constexpr uint64_t kMipSSIP = 1u << kIrqSSI, kMipMSIP = 1u << kIrqMSI, kMipSTIP = 1u << kIrqSTI,
                   kMipMTIP = 1u << kIrqMTI, kMipSEIP = 1u << kIrqSEI, kMipMEIP = 1u << kIrqMEI;
constexpr uint64_t kMipVSSIP = 1u << kIrqVSSI, kMipVSTIP = 1u << kIrqVSTI, kMipVSEIP = 1u << kIrqVSEI,
                   kMipSGEIP = 1u << kIrqSGEI;
constexpr uint64_t kSupervisorInterrupts = kMipSSIP | kMipSTIP | kMipSEIP;
// VS-level interrupts: always delegated past M (mideleg bits read-only one).
constexpr uint64_t kVsInterrupts = kMipVSSIP | kMipVSTIP | kMipVSEIP;
// GEILEN = 0 (no guest external interrupt sources): SGEIP/SGEIE are read-only zero.
constexpr uint64_t kAllInterrupts = 0xaaa | kVsInterrupts;

// mstatus fields (RV64).
constexpr uint64_t kMstatusSIE = 1ull << 1;
constexpr uint64_t kMstatusMIE = 1ull << 3;
constexpr uint64_t kMstatusSPIE = 1ull << 5;
constexpr uint64_t kMstatusMPIE = 1ull << 7;
constexpr uint64_t kMstatusSPP = 1ull << 8;
constexpr unsigned kMstatusMppShift = 11;
constexpr uint64_t kMstatusMPP = 3ull << kMstatusMppShift;
constexpr unsigned kMstatusFsShift = 13;
constexpr uint64_t kMstatusFs = 3ull << kMstatusFsShift;
constexpr uint64_t kMstatusMPRV = 1ull << 17;
constexpr uint64_t kMstatusSUM = 1ull << 18;
constexpr uint64_t kMstatusMXR = 1ull << 19;
constexpr uint64_t kMstatusTVM = 1ull << 20;
constexpr uint64_t kMstatusTW = 1ull << 21;
constexpr uint64_t kMstatusTSR = 1ull << 22;
constexpr uint64_t kMstatusUXL = 3ull << 32;
constexpr uint64_t kMstatusSXL = 3ull << 34;
constexpr uint64_t kMstatusGVA = 1ull << 38;
constexpr uint64_t kMstatusMPV = 1ull << 39;
constexpr uint64_t kMstatusSD = 1ull << 63;
// Bits software can write in mstatus / see through sstatus.
constexpr uint64_t kMstatusWritable = kMstatusSIE | kMstatusMIE | kMstatusSPIE | kMstatusMPIE |
                                      kMstatusSPP | kMstatusMPP | kMstatusFs | kMstatusMPRV |
                                      kMstatusSUM | kMstatusMXR | kMstatusTVM | kMstatusTW |
                                      kMstatusTSR | kMstatusGVA | kMstatusMPV;
constexpr uint64_t kSstatusMask = kMstatusSIE | kMstatusSPIE | kMstatusSPP | kMstatusFs |
                                  kMstatusSUM | kMstatusMXR | kMstatusUXL | kMstatusSD;

// menvcfg / senvcfg.
constexpr uint64_t kEnvcfgFIOM = 1ull << 0;
constexpr uint64_t kMenvcfgSTCE = 1ull << 63;

// Exceptions that medeleg may delegate: everything but ecall-from-M and the
// reserved codes; with H also guest-page faults and virtual instruction.
constexpr uint64_t kDelegableExceptions = 0xb7ff | (0xfull << 20);
// hedeleg: writable bits per the H spec's table (ecalls from HS/VS/M,
// guest-page faults and virtual instruction are read-only zero).
constexpr uint64_t kHedelegWritable = 0xb1ff;

// hstatus (H spec, "Hypervisor Status Register").
constexpr uint64_t kHstatusGVA = 1ull << 6;
constexpr uint64_t kHstatusSPV = 1ull << 7;
constexpr uint64_t kHstatusSPVP = 1ull << 8;
constexpr uint64_t kHstatusHU = 1ull << 9;
constexpr uint64_t kHstatusVTVM = 1ull << 20;
constexpr uint64_t kHstatusVTW = 1ull << 21;
constexpr uint64_t kHstatusVTSR = 1ull << 22;
constexpr uint64_t kHstatusVSXL = 3ull << 32;
constexpr uint64_t kHstatusWritable = kHstatusGVA | kHstatusSPV | kHstatusSPVP | kHstatusHU |
                                      kHstatusVTVM | kHstatusVTW | kHstatusVTSR;
// vsstatus: the sstatus layout.
constexpr uint64_t kVsstatusWritable = kMstatusSIE | kMstatusSPIE | kMstatusSPP | kMstatusFs |
                                       kMstatusSUM | kMstatusMXR;

// hgatp.
constexpr uint64_t kHgatpModeSv39x4 = 8, kHgatpModeSv48x4 = 9;
constexpr unsigned kHgatpVmidShift = 44;
constexpr uint64_t kHgatpVmidMask = (1ull << 14) - 1;  // VMIDLEN = 14

// satp.
constexpr unsigned kSatpModeShift = 60;
constexpr uint64_t kSatpModeBare = 0, kSatpModeSv39 = 8, kSatpModeSv48 = 9;
constexpr uint64_t kSatpPpnMask = (1ull << 44) - 1;
constexpr unsigned kSatpAsidShift = 44;
constexpr uint64_t kSatpAsidMask = 0xffffull;

// CSR numbers.
enum Num : unsigned {
  kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003,
  kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02, kHpmcounter3 = 0xc03, kHpmcounter31 = 0xc1f,
  kSstatus = 0x100, kSie = 0x104, kStvec = 0x105, kScounteren = 0x106, kSenvcfg = 0x10a,
  kSscratch = 0x140, kSepc = 0x141, kScause = 0x142, kStval = 0x143, kSip = 0x144,
  kStimecmp = 0x14d, kSatp = 0x180,
  kVsstatus = 0x200, kVsie = 0x204, kVstvec = 0x205, kVsscratch = 0x240, kVsepc = 0x241,
  kVscause = 0x242, kVstval = 0x243, kVsip = 0x244, kVstimecmp = 0x24d, kVsatp = 0x280,
  kHstatus = 0x600, kHedeleg = 0x602, kHideleg = 0x603, kHie = 0x604, kHtimedelta = 0x605,
  kHcounteren = 0x606, kHgeie = 0x607, kHenvcfg = 0x60a, kHtval = 0x643, kHip = 0x644,
  kHvip = 0x645, kHtinst = 0x64a, kHgatp = 0x680, kHgeip = 0xe12,
  kMtinst = 0x34a, kMtval2 = 0x34b,
  kMvendorid = 0xf11, kMarchid = 0xf12, kMimpid = 0xf13, kMhartid = 0xf14, kMconfigptr = 0xf15,
  kMstatus = 0x300, kMisa = 0x301, kMedeleg = 0x302, kMideleg = 0x303, kMie = 0x304,
  kMtvec = 0x305, kMcounteren = 0x306, kMenvcfg = 0x30a, kMcountinhibit = 0x320,
  kMhpmevent3 = 0x323, kMhpmevent31 = 0x33f,
  kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343, kMip = 0x344,
  kPmpcfg0 = 0x3a0, kPmpcfg15 = 0x3af, kPmpaddr0 = 0x3b0, kPmpaddr63 = 0x3ef,
  kMcycle = 0xb00, kMinstret = 0xb02, kMhpmcounter3 = 0xb03, kMhpmcounter31 = 0xb1f,
};

constexpr unsigned kNumPmpEntries = 16;
// PMP cfg bits.
constexpr uint8_t kPmpR = 1, kPmpW = 2, kPmpX = 4, kPmpL = 0x80;
constexpr unsigned kPmpAShift = 3;
enum PmpMatch : uint8_t { kPmpOff = 0, kPmpTor = 1, kPmpNa4 = 2, kPmpNapot = 3 };

}  // namespace csr

// The CSR storage of one hart. Fields hold the architectural values; the
// access rules and WARL behaviour are in csr.cpp.
struct CsrFile {
  uint64_t mstatus = 0;
  uint64_t misa = 0;
  uint64_t medeleg = 0, mideleg = 0;
  uint64_t mie = 0;
  uint64_t mip = 0;  // software-writable bits only (SSIP, STIP, SEIP)
  uint64_t mtvec = 0, stvec = 0;
  uint64_t mscratch = 0, sscratch = 0;
  uint64_t mepc = 0, sepc = 0;
  uint64_t mcause = 0, scause = 0;
  uint64_t mtval = 0, stval = 0;
  uint32_t mcounteren = 0, scounteren = 0;
  uint32_t mcountinhibit = 0;
  uint64_t menvcfg = 0, senvcfg = 0;
  uint64_t satp = 0;
  uint64_t stimecmp = ~0ull;
  uint8_t fflags = 0, frm = 0;
  uint8_t pmpcfg[csr::kNumPmpEntries] = {};
  uint64_t pmpaddr[csr::kNumPmpEntries] = {};
  uint64_t mhartid = 0;
  // Hypervisor extension.
  uint64_t mtval2 = 0, mtinst = 0;
  uint64_t hstatus = 2ull << 32;  // VSXL = 64
  uint64_t hedeleg = 0, hideleg = 0;
  uint64_t hvip = 0;
  uint32_t hcounteren = 0;
  uint64_t henvcfg = 0;
  uint64_t htimedelta = 0;
  uint64_t htval = 0, htinst = 0;
  uint64_t hgatp = 0;
  uint64_t vsstatus = 2ull << 32;  // UXL = 64
  uint64_t vstvec = 0, vsscratch = 0, vsepc = 0, vscause = 0, vstval = 0, vsatp = 0;
  uint64_t vstimecmp = ~0ull;
};

}  // namespace rvh
