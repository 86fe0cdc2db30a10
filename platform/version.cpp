// platform/version.cpp: the --version line (its own file, so that a program
// asking only for it does not pull in the SystemC-dependent provenance code).
#include <string>

#include "rvh_build_info.h"

namespace rvh {

std::string version_text() { return std::string("rvh-vp ") + RVH_VERSION + " (" + RVH_SOURCE_REVISION + ")"; }

}  // namespace rvh
