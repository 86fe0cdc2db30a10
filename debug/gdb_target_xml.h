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

std::string target_description_xml(const std::vector<RegisterInfo>& registers,
                                   const std::string& architecture = "riscv:rv64");

// &, <, >, " and ' as XML entities.
std::string xml_escape(const std::string& text);

}  // namespace rvh::gdb
