// The `docket` command: see `docket --help` and README.md.
#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "cli/commands.h"

namespace docket::cli {

int PrintError(const absl::Status& status) {
  std::fprintf(stderr, "docket: %s\n", std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace docket::cli

int main(int argc, char** argv) {
  CLI::App app{"docket — customer-success rulebooks over columnar snapshots"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "docket 0.1.0");
  docket::cli::Runner run;
  docket::cli::AddEvalCommand(app, run);
  docket::cli::AddCheckCommand(app, run);
  docket::cli::AddRunCommand(app, run);
  docket::cli::AddDiffCommand(app, run);
  docket::cli::AddExplainCommand(app, run);
  docket::cli::AddCtaCommand(app, run);
  docket::cli::AddMetricsCommand(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(
        stderr, "docket: %s — see 'docket %s--help'\n", e.what(),
        app.get_subcommands().empty() ? "" : (app.get_subcommands()[0]->get_name() + " ").c_str());
    return 2;
  }
  if (!run) return 2;
  return run();
}
