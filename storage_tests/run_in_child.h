// Test bodies in forked processes, so a module is loaded and initialized
// there as by a separate application (declared in module_client.h).
#ifndef P11_STORAGE_TESTS_RUN_IN_CHILD_H
#define P11_STORAGE_TESTS_RUN_IN_CHILD_H

#include <cstdio>

#include <sys/wait.h>
#include <unistd.h>

namespace p11storage {

// Forks; the child runs body() and exits with its result, never returning
// into the test framework. The child's pid, or -1.
template <typename Body> pid_t StartChild(Body body)
{
    std::fflush(nullptr); // buffered output is not written twice
    pid_t child = fork();
    if (child == 0) {
        int code = body();
        std::fflush(nullptr);
        _exit(code); // skip the test framework's exit handlers
    }
    return child;
}

// The child's exit code; -1 when it did not exit normally.
inline int WaitChild(pid_t child)
{
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

template <typename Body> int RunInChild(Body body)
{
    return WaitChild(StartChild(body));
}

} // namespace p11storage

#endif // P11_STORAGE_TESTS_RUN_IN_CHILD_H
