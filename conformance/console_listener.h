// What a run prints while it goes: each failure as it happens (file, line,
// call, expected and actual code), each not-applicable case with its reason,
// and with --verbose each passed case. Replaces GoogleTest's printer, which
// would also echo the (long) filter the selection makes.
#ifndef P11CONF_CONSOLE_LISTENER_H
#define P11CONF_CONSOLE_LISTENER_H

#include <gtest/gtest.h>

#include <string>

namespace p11conf {

class ConsoleListener : public ::testing::EmptyTestEventListener {
  public:
    explicit ConsoleListener(bool verbose) : verbose_(verbose) {}
    void OnTestProgramStart(const ::testing::UnitTest &unit) override;
    void OnTestPartResult(const ::testing::TestPartResult &part) override;
    void OnTestEnd(const ::testing::TestInfo &test) override;

  private:
    bool verbose_;
    std::string skip_reason_;
};

} // namespace p11conf

#endif // P11CONF_CONSOLE_LISTENER_H
