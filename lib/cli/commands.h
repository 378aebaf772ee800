// The docket command's subcommands.  Each lives in its own file and registers
// itself on the CLI11 app in main.cc.  A subcommand's Run function returns the
// process exit status: 0 success, 1 evaluation or data error, 2 usage or
// compile error.  Errors go to stderr as one clear message (PrintError).
#ifndef DOCKET_CLI_COMMANDS_H_
#define DOCKET_CLI_COMMANDS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace CLI {
class App;
}

namespace docket::cli {

// Adds a subcommand to `app`; `run` is set to the function to call when the
// subcommand was chosen.
using Runner = std::function<int()>;
void AddEvalCommand(CLI::App& app, Runner& run);     // eval_command.cc
void AddCheckCommand(CLI::App& app, Runner& run);    // rulebook_commands.cc
void AddRunCommand(CLI::App& app, Runner& run);      // rulebook_commands.cc
void AddDiffCommand(CLI::App& app, Runner& run);     // rulebook_commands.cc
void AddExplainCommand(CLI::App& app, Runner& run);  // rulebook_commands.cc
void AddCtaCommand(CLI::App& app, Runner& run);      // cta_commands.cc

// Prints "docket: <message>" to stderr and returns the exit status for the
// status's code: 2 for InvalidArgument (usage or compile error), 1 otherwise.
int PrintError(const absl::Status& status);

}  // namespace docket::cli

#endif  // DOCKET_CLI_COMMANDS_H_
