#include "second_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "module_loader.h"
#include "rv_check.h"

namespace p11conf {
namespace {

int Fail(const char *call, CK_RV rv)
{
    std::printf("second process: %s returned %s\n", call, RvName(rv).c_str());
    return 1;
}

CK_UTF8CHAR *Utf8(std::string &text)
{
    return reinterpret_cast<CK_UTF8CHAR *>(&text[0]);
}

int CreateData(CK_FUNCTION_LIST *fl, CK_SESSION_HANDLE session, std::string label, std::string value)
{
    CK_OBJECT_CLASS klass = CKO_DATA;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof(klass)},
                           {CKA_TOKEN, &yes, sizeof(yes)},
                           {CKA_PRIVATE, &no, sizeof(no)},
                           {CKA_LABEL, &label[0], label.size()},
                           {CKA_VALUE, &value[0], value.size()}};
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    const CK_RV rv = fl->C_CreateObject(session, tmpl, 5, &object);
    return rv == CKR_OK ? 0 : Fail("C_CreateObject", rv);
}

int DestroyData(CK_FUNCTION_LIST *fl, CK_SESSION_HANDLE session, std::string label)
{
    CK_OBJECT_CLASS klass = CKO_DATA;
    CK_ATTRIBUTE query[] = {{CKA_CLASS, &klass, sizeof(klass)}, {CKA_LABEL, &label[0], label.size()}};
    CK_RV rv = fl->C_FindObjectsInit(session, query, 2);
    if (rv != CKR_OK) {
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

// C_InitToken, the user PIN set by the SO, and a private token HMAC key made
// by the user: a token another application has just started again.
int ReinitWithKey(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, std::string so_pin, std::string user_pin,
                  std::string token_label, std::string key_label, std::string secret)
{
    token_label.resize(32, ' ');
    CK_RV rv = fl->C_InitToken(slot, Utf8(so_pin), so_pin.size(), Utf8(token_label));
    if (rv != CKR_OK) {
        return Fail("C_InitToken", rv);
    }
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    if ((rv = fl->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session)) != CKR_OK) {
        return Fail("C_OpenSession", rv);
    }
    if ((rv = fl->C_Login(session, CKU_SO, Utf8(so_pin), so_pin.size())) != CKR_OK) {
        return Fail("C_Login(CKU_SO)", rv);
    }
    if ((rv = fl->C_InitPIN(session, Utf8(user_pin), user_pin.size())) != CKR_OK) {
        return Fail("C_InitPIN", rv);
    }
    if ((rv = fl->C_Logout(session)) != CKR_OK) {
        return Fail("C_Logout", rv);
    }
    if ((rv = fl->C_Login(session, CKU_USER, Utf8(user_pin), user_pin.size())) != CKR_OK) {
        return Fail("C_Login(CKU_USER)", rv);
    }
    CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof(klass)},      {CKA_KEY_TYPE, &type, sizeof(type)},
                           {CKA_TOKEN, &yes, sizeof(yes)},          {CKA_PRIVATE, &yes, sizeof(yes)},
                           {CKA_SIGN, &yes, sizeof(yes)},           {CKA_VERIFY, &yes, sizeof(yes)},
                           {CKA_LABEL, &key_label[0], key_label.size()}, {CKA_VALUE, &secret[0], secret.size()}};
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    if ((rv = fl->C_CreateObject(session, tmpl, 8, &key)) != CKR_OK) {
        return Fail("C_CreateObject", rv);
    }
    return 0;
}

int Act(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, const std::string &action, const std::vector<std::string> &args)
{
    if (action == "reinit-with-key") {
        return ReinitWithKey(fl, slot, args[0], args[1], args[2], args[3], args[4]);
    }
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    const CK_RV rv = fl->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
    if (rv != CKR_OK) {
        return Fail("C_OpenSession", rv);
    }
    int status = 0;
    if (action == "create") {
        status = CreateData(fl, session, args[0], args[1]);
    } else if (action == "create-many") { // COUNT objects labelled "LABEL 0", "LABEL 1", ...
        const unsigned long count = std::strtoul(args[1].c_str(), nullptr, 10);
        for (unsigned long i = 0; i < count && status == 0; ++i) {
            status = CreateData(fl, session, args[0] + " " + std::to_string(i), "object " + std::to_string(i));
        }
    } else {
        status = DestroyData(fl, session, args[0]);
    }
    fl->C_CloseSession(session); // a token may allow few sessions
    return status;
}

// How many arguments after SLOT each action takes.
int ArgumentsOf(const std::string &action)
{
    return action == "create" || action == "create-many" ? 2 : action == "destroy" ? 1
           : action == "reinit-with-key"                  ? 5
                                                          : -1;
}

} // namespace

int SecondProcessMain(int argc, char **argv)
{
    const int wanted = argc > 2 ? ArgumentsOf(argv[2]) : -1;
    if (wanted < 0 || argc != 5 + wanted) {
        std::printf("usage: p11conform --second-process create LABEL VALUE | create-many LABEL COUNT | destroy LABEL |"
                    " reinit-with-key SO_PIN USER_PIN TOKEN_LABEL KEY_LABEL SECRET (each after MODULE SLOT)\n");
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
    const std::vector<std::string> arguments(argv + 5, argv + argc);
    const int status = Act(fl, std::strtoul(argv[4], nullptr, 0), argv[2], arguments);
    rv = fl->C_Finalize(nullptr);
    return status != 0 ? status : rv == CKR_OK ? 0 : Fail("C_Finalize", rv);
}

int RunSecondProcess(const std::string &module, CK_SLOT_ID slot, const std::string &action,
                     const std::vector<std::string> &arguments, std::string *output)
{
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) {
        *output = "pipe() failed";
        return -1;
    }
    // argv is built before fork: the child may only make async-signal-safe calls.
    const std::string slot_text = std::to_string(slot);
    std::vector<const char *> args = {"p11conform", "--second-process", action.c_str(), module.c_str(),
                                      slot_text.c_str()};
    for (const std::string &argument : arguments) {
        args.push_back(argument.c_str());
    }
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        // Only async-signal-safe calls until exec: the test process may hold locks.
        dup2(pipe_ends[1], STDOUT_FILENO);
        dup2(pipe_ends[1], STDERR_FILENO);
        close(pipe_ends[0]);
        execv("/proc/self/exe", const_cast<char *const *>(args.data()));
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
