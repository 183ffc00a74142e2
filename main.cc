// ringlog: one binary, several commands. This file only dispatches: each command defines
// its flags beside its code (net/broker/serve_flags.cc, bench/harness/bench_flags.cc) and
// runs on a plain options struct. It sits above net/, bench/ and backends/, the one place
// that links them all.
#include <gflags/gflags.h>
#include <glog/logging.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "backends/backend_factory.h"
#include "bench/harness/bench_command.h"
#include "bench/harness/bench_flags.h"
#include "net/broker/serve_command.h"
#include "net/broker/serve_flags.h"
#include "net/broker/server_properties.h"
#include "net/cli/cluster_command.h"
#include "net/cli/consume_command.h"
#include "net/cli/dump_log_command.h"
#include "net/cli/groups_command.h"
#include "net/cli/produce_command.h"
#include "net/cli/reassign_command.h"
#include "net/cli/topics_command.h"

DECLARE_bool(help);  // gflags' own
DECLARE_bool(helpshort);

namespace {

constexpr char kUsage[] =
    "ringlog: a log storage engine and Kafka-compatible broker\n"
    "\n"
    "usage: ringlog <command> [--flags]\n"
    "\n"
    "commands:\n"
    "  serve     run the broker\n"
    "  bench     run benchmark suites: ringlog bench <suite>|all\n"
    "  reassign  move partitions between a cluster's brokers (grow it online)\n"
    "  dump-log  print the record batches of segment files, offline\n"
    "  topics    list, describe, create, delete and alter topics\n"
    "  groups    list, describe (with lag), delete consumer groups, reset their offsets\n"
    "  cluster   the brokers, the controller, under-replicated and offline partitions\n"
    "  produce   write the lines of stdin as records\n"
    "  consume   print records with their keys, headers and timestamps\n"
    "  help      print this text; help <command>: the flags of a command\n"
    "\n"
    "ringlog <command> --help lists the flags of a command; --helpfull lists every flag,\n"
    "the libraries' (glog's, gflags') too.\n";

int RunServe(int /*argc*/, char** /*argv*/) {
  const ringlog::Result<ringlog::ServeOptions> options =
      ringlog::ServeOptionsFromConfigAndFlags(FLAGS_config);
  const ringlog::Status status =
      !options.ok()
          ? options.status()
          : ringlog::Serve(*options, [](const std::string& backend, const std::string& data_dir) {
              return ringlog::OpenBackend(backend, ringlog::BackendOptions{data_dir});
            });
  if (!status.ok()) {
    std::fprintf(stderr, "ringlog serve: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunBench(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "ringlog bench: name one suite or all: ringlog bench <suite>|all\n");
    return 2;
  }
  return ringlog::bench::RunBenchCommand(ringlog::bench::BenchOptionsFromFlags(argv[2], argv[0]));
}

int RunReassign(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "ringlog reassign: unexpected argument '%s' (flags start with --)\n",
                 argv[2]);
    return 2;
  }
  return ringlog::RunReassign(ringlog::ReassignOptionsFromFlags());
}

int RunDumpLog(int argc, char** argv) {
  return ringlog::RunDumpLog(
      ringlog::DumpLogOptionsFromFlags(std::vector<std::string>(argv + 2, argv + argc)));
}

// `ringlog <command> <action>`: the action and nothing after it.
int RunWithAction(int argc, char** argv, int (*run)(std::string action)) {
  if (argc > 3) {
    std::fprintf(stderr, "ringlog %s: unexpected argument '%s' (flags start with --)\n", argv[1],
                 argv[3]);
    return 2;
  }
  return run(argc > 2 ? argv[2] : "");
}

int RunTopics(int argc, char** argv) {
  return RunWithAction(argc, argv, [](std::string action) {
    return ringlog::RunTopics(ringlog::TopicsOptionsFromFlags(std::move(action)));
  });
}

int RunGroups(int argc, char** argv) {
  return RunWithAction(argc, argv, [](std::string action) {
    return ringlog::RunGroups(ringlog::GroupsOptionsFromFlags(std::move(action)));
  });
}

// A command that takes flags only.
bool NoArguments(int argc, char** argv) {
  if (argc == 2) return true;
  std::fprintf(stderr, "ringlog %s: unexpected argument '%s' (flags start with --)\n", argv[1],
               argv[2]);
  return false;
}

int RunCluster(int argc, char** argv) {
  return NoArguments(argc, argv) ? ringlog::RunCluster(ringlog::ClusterOptionsFromFlags()) : 2;
}

int RunProduce(int argc, char** argv) {
  return NoArguments(argc, argv) ? ringlog::RunProduce(ringlog::ProduceOptionsFromFlags(), stdin)
                                 : 2;
}

int RunConsume(int argc, char** argv) {
  return NoArguments(argc, argv) ? ringlog::RunConsume(ringlog::ConsumeOptionsFromFlags()) : 2;
}

std::string ServeUsage() {
  return "usage: ringlog serve [--flags]\n\nruns the broker until SIGTERM or SIGINT\n";
}

std::string BenchUsage() {
  std::string text = "usage: ringlog bench <suite>|all [--flags]\n\nsuites:";
  for (const std::string& suite : ringlog::bench::SuiteNames()) text += " " + suite;
  return text + "\n";
}

struct Command {
  const char* name;
  std::string (*usage)();  // what `ringlog <name> --help` prints above the flags
  std::vector<gflags::CommandLineFlagInfo> (*flags)();
  int (*run)(int argc, char** argv);  // argv[1] is the command's name
};

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"serve", ServeUsage, ringlog::ServeFlags, RunServe},
      {"bench", BenchUsage, ringlog::bench::BenchFlags, RunBench},
      {"reassign", ringlog::ReassignUsage, ringlog::ReassignFlags, RunReassign},
      {"dump-log", ringlog::DumpLogUsage, ringlog::DumpLogFlags, RunDumpLog},
      {"topics", ringlog::TopicsUsage, ringlog::TopicsFlags, RunTopics},
      {"groups", ringlog::GroupsUsage, ringlog::GroupsFlags, RunGroups},
      {"cluster", ringlog::ClusterUsage, ringlog::ClusterFlags, RunCluster},
      {"produce", ringlog::ProduceUsage, ringlog::ProduceFlags, RunProduce},
      {"consume", ringlog::ConsumeUsage, ringlog::ConsumeFlags, RunConsume},
  };
  return commands;
}

const Command* FindCommand(const std::string& name) {
  for (const Command& command : Commands()) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

void PrintCommandHelp(const Command& command) {
  std::printf("%s\nflags:\n", command.usage().c_str());
  for (const gflags::CommandLineFlagInfo& flag : command.flags()) {
    std::printf("%s", gflags::DescribeOneFlag(flag).c_str());
  }
}

int UnknownCommand(const std::string& name) {
  std::fprintf(stderr, "ringlog: unknown command '%s'\n\n%s", name.c_str(), kUsage);
  return 2;
}

// `ringlog help [command]` and `ringlog [command] --help` (argv without the flags): the
// usage and the commands, or the usage and the flags of one command.
int Help(int argc, char** argv) {
  std::string topic = argc > 1 ? argv[1] : "help";
  if (topic == "help" && argc > 2) topic = argv[2];
  if (topic == "help") {
    std::printf("%s", kUsage);
    return 0;
  }
  const Command* command = FindCommand(topic);
  if (command == nullptr) return UnknownCommand(topic);
  PrintCommandHelp(*command);
  return 0;
}

// A flag of another command set on this one's command line would be silently ignored;
// say so instead. Empty when there is none.
std::string ForeignFlag(const Command& command) {
  std::set<std::string> own;
  for (const gflags::CommandLineFlagInfo& flag : command.flags()) own.insert(flag.name);
  for (const Command& other : Commands()) {
    for (const gflags::CommandLineFlagInfo& flag : other.flags()) {
      if (!flag.is_default && !own.contains(flag.name)) {
        return "--" + flag.name + " is a flag of " + other.name + ", not of " + command.name;
      }
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(kUsage);  // --helpfull prints it above every flag
  gflags::ParseCommandLineNonHelpFlags(&argc, &argv, true);
  if (FLAGS_help || FLAGS_helpshort) return Help(argc, argv);
  gflags::HandleCommandLineHelpFlags();  // --helpfull, --helpon=..., --version ...
  const std::string name = argc > 1 ? argv[1] : "help";
  if (name == "help") return Help(argc, argv);
  const Command* command = FindCommand(name);
  if (command == nullptr) return UnknownCommand(name);
  if (const std::string foreign = ForeignFlag(*command); !foreign.empty()) {
    std::fprintf(stderr, "ringlog %s: %s (ringlog %s --help lists them)\n", command->name,
                 foreign.c_str(), command->name);
    return 2;
  }
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return command->run(argc, argv);
}
