// debug/gdb_target_xml.h: the target description GDB reads with
// qXfer:features:read:target.xml (GDB manual, "Target Descriptions"): one
// <feature> per RegisterInfo::feature, in the order the features first
// appear, each register with an explicit regnum.
//
// May include: the C++ standard library and debug/ only.
#pragma once
#include <string>
#include <vector>

#include "debug/gdb_target.h"

namespace rvh::gdb {

// `osabi` "none" (bare machine) keeps GDB from assuming its default, which on
// a Linux host is GNU/Linux: for RISC-V that ABI makes GDB single-step by
// planting a breakpoint after the instruction instead of asking the stub to
// step (vCont;s), which a trap or an interrupt would run past. A loaded ELF
// file with an OS ABI of its own still overrides it. Empty: no <osabi>.
std::string target_description_xml(const std::vector<RegisterInfo>& registers,
                                   const std::string& architecture = "riscv:rv64",
                                   const std::string& osabi = "none");

// &, <, >, " and ' as XML entities.
std::string xml_escape(const std::string& text);

}  // namespace rvh::gdb
