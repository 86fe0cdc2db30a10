// cpu/csr_names.h: the names of the CSRs as the privileged spec writes them
// (its CSR listing tables, lower case: "mstatus", "pmpaddr3", "hpmcounter4"),
// for traces and debuggers.
//
// May include: the C++ standard library only.
#pragma once

namespace rvh {

// The spec's name of CSR `num` (0..0xfff), or nullptr for a number the
// spec does not name (or names only for RV32, such as cycleh).
const char* csr_name(unsigned num);

}  // namespace rvh
