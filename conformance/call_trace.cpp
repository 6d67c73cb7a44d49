#include "call_trace.h"

#include <cstdio>
#include <deque>

#include "rv_check.h"

namespace p11conf {
namespace {

thread_local std::deque<std::string> t_calls;

} // namespace

std::string ArgText(unsigned long value)
{
    return std::to_string(value);
}

std::string ArgText(unsigned char value)
{
    return std::to_string(static_cast<unsigned>(value));
}

std::string ArgText(unsigned long *pointer)
{
    if (pointer == nullptr) {
        return "NULL";
    }
    std::string text = "&";
    text += std::to_string(*pointer);
    return text;
}

std::string ArgText(CK_MECHANISM *mechanism)
{
    if (mechanism == nullptr) {
        return "NULL";
    }
    std::string text = "{";
    text += MechanismName(mechanism->mechanism);
    if (mechanism->pParameter != nullptr || mechanism->ulParameterLen != 0) {
        text += std::string(", ") + (mechanism->pParameter == nullptr ? "NULL" : "&") + ", " +
                std::to_string(mechanism->ulParameterLen);
    }
    return text + "}";
}

std::string SessionFlagsText(CK_FLAGS flags)
{
    std::string text;
    const struct {
        CK_FLAGS bit;
        const char *name;
    } known[] = {{CKF_SERIAL_SESSION, "CKF_SERIAL_SESSION"}, {CKF_RW_SESSION, "CKF_RW_SESSION"}};
    for (const auto &flag : known) {
        if ((flags & flag.bit) != 0) {
            text += text.empty() ? "" : "|";
            text += flag.name;
            flags &= ~flag.bit;
        }
    }
    if (flags != 0 || text.empty()) {
        char hex[24];
        (void)std::snprintf(hex, sizeof(hex), "0x%lx", static_cast<unsigned long>(flags));
        text += text.empty() ? "" : "|";
        text += hex;
    }
    return text;
}

void RecordCall(const char *function, const char *names, std::initializer_list<std::string> values, CK_RV rv)
{
    std::string text = std::string(function) + "(";
    const std::string list = names;
    std::size_t start = 0;
    bool first = true;
    for (const std::string &value : values) {
        const std::size_t comma = list.find(',', start);
        const std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        text += first ? "" : ", ";
        text += name;
        text += '=';
        text += value;
        first = false;
        start = comma == std::string::npos ? list.size() : comma + 1;
    }
    t_calls.push_back(text + ") = " + RvName(rv));
    if (t_calls.size() > kTracedCalls) {
        t_calls.pop_front();
    }
}

std::vector<std::string> RecentCalls()
{
    return std::vector<std::string>(t_calls.begin(), t_calls.end());
}

} // namespace p11conf
