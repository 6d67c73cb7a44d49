// Which codes of each function's v2.40 "Return values" list the run
// provoked (p11conform --report-coverage FILE): the measure of point "each
// return value a client can provoke" — a code of the list the suite never
// saw is a case not yet written, or one no client can bring about on a
// working token (those are listed apart).
#ifndef P11CONF_COVERAGE_REPORT_H
#define P11CONF_COVERAGE_REPORT_H

#include <ostream>
#include <string>

namespace p11conf {

// Markdown, from ReturnValueUses() (return_value_check.h).
void WriteCoverageReport(std::ostream &out, const std::string &module, const std::string &profile);

} // namespace p11conf

#endif // P11CONF_COVERAGE_REPORT_H
