#include "second_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "module_loader.h"
#include "rv_check.h"

namespace p11conf {
namespace {

int Fail(const char *call, CK_RV rv)
{
    std::printf("second process: %s returned %s\n", call, RvName(rv).c_str());
    return 1;
}

int Act(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, const std::string &action, const std::string &label,
        const std::string &value)
{
    if (action == "create-many") { // VALUE objects labelled "LABEL 0", "LABEL 1", ...
        const unsigned long count = std::strtoul(value.c_str(), nullptr, 10);
        for (unsigned long i = 0; i < count; ++i) {
            const int status = Act(fl, slot, "create", label + " " + std::to_string(i), "object " + std::to_string(i));
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_RV rv = fl->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
    if (rv != CKR_OK) {
        return Fail("C_OpenSession", rv);
    }
    CK_OBJECT_CLASS klass = CKO_DATA;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::string label_copy = label, value_copy = value;
    if (action == "create") {
        CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof(klass)},
                               {CKA_TOKEN, &yes, sizeof(yes)},
                               {CKA_PRIVATE, &no, sizeof(no)},
                               {CKA_LABEL, &label_copy[0], label_copy.size()},
                               {CKA_VALUE, &value_copy[0], value_copy.size()}};
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        rv = fl->C_CreateObject(session, tmpl, 5, &object);
        fl->C_CloseSession(session); // a token may allow few sessions
        return rv == CKR_OK ? 0 : Fail("C_CreateObject", rv);
    }
    CK_ATTRIBUTE query[] = {{CKA_CLASS, &klass, sizeof(klass)}, {CKA_LABEL, &label_copy[0], label_copy.size()}};
    if ((rv = fl->C_FindObjectsInit(session, query, 2)) != CKR_OK) {
        return Fail("C_FindObjectsInit", rv);
    }
    CK_OBJECT_HANDLE found[16];
    CK_ULONG count = 0;
    rv = fl->C_FindObjects(session, found, 16, &count);
    fl->C_FindObjectsFinal(session);
    if (rv != CKR_OK) {
        return Fail("C_FindObjects", rv);
    }
    if (count == 0) {
        std::printf("second process: no data object labelled \"%s\"\n", label.c_str());
        return 1;
    }
    for (CK_ULONG i = 0; i < count; ++i) {
        if ((rv = fl->C_DestroyObject(session, found[i])) != CKR_OK) {
            return Fail("C_DestroyObject", rv);
        }
    }
    return 0;
}

} // namespace

int SecondProcessMain(int argc, char **argv)
{
    if (argc < 6 || (std::strcmp(argv[2], "create") != 0 && std::strcmp(argv[2], "destroy") != 0 &&
                     std::strcmp(argv[2], "create-many") != 0)) {
        std::printf("usage: p11conform --second-process create|create-many|destroy MODULE SLOT LABEL [VALUE]\n");
        return 2;
    }
    std::string error;
    const LoadedModule module = LoadModuleFile(argv[3], &error);
    if (module.functions == nullptr) {
        std::printf("second process: %s\n", error.c_str());
        return 1;
    }
    CK_FUNCTION_LIST *fl = module.functions;
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = fl->C_Initialize(&args);
    if (rv != CKR_OK) {
        return Fail("C_Initialize", rv);
    }
    const int status = Act(fl, std::strtoul(argv[4], nullptr, 0), argv[2], argv[5], argc > 6 ? argv[6] : "");
    rv = fl->C_Finalize(nullptr);
    return status != 0 ? status : rv == CKR_OK ? 0 : Fail("C_Finalize", rv);
}

int RunSecondProcess(const std::string &module, CK_SLOT_ID slot, const std::string &action, const std::string &label,
                     const std::string &value, std::string *output)
{
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) {
        *output = "pipe() failed";
        return -1;
    }
    const std::string slot_text = std::to_string(slot);
    const pid_t pid = fork();
    if (pid == 0) {
        // Only async-signal-safe calls until exec: the test process may hold locks.
        dup2(pipe_ends[1], STDOUT_FILENO);
        dup2(pipe_ends[1], STDERR_FILENO);
        close(pipe_ends[0]);
        const char *args[] = {"p11conform",  "--second-process", action.c_str(), module.c_str(),
                              slot_text.c_str(), label.c_str(), value.c_str(), nullptr};
        execv("/proc/self/exe", const_cast<char *const *>(args));
        _exit(127);
    }
    close(pipe_ends[1]);
    if (pid < 0) {
        close(pipe_ends[0]);
        *output = "fork() failed";
        return -1;
    }
    char buffer[512];
    ssize_t got;
    while ((got = read(pipe_ends[0], buffer, sizeof(buffer))) > 0) {
        output->append(buffer, static_cast<size_t>(got));
    }
    close(pipe_ends[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace p11conf
