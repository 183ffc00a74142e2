"""The command line of `ringlog` itself: --help prints the usage and the commands, `<command>
--help` the flags of that command only (not the other command's, not every library's), with
no build path; an unknown command or flag, or a flag of the other command, is refused with a
message and a non-zero exit."""

import os
import subprocess
import unittest

from ringlog_fixture import BINARY

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def run(*args):
    return subprocess.run([BINARY] + list(args), capture_output=True, timeout=20, text=True)


class CliTest(unittest.TestCase):
    def help_text(self, *args):
        result = run(*args)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = result.stdout + result.stderr
        # No build path (gflags' "Flags from /.../<file>.cc"), and none of glog's and gflags'
        # own flags: those are for --helpfull.
        self.assertNotIn(SOURCE_DIR, text)
        self.assertNotIn(".cc", text)
        self.assertNotIn("alsologtoemail", text)
        self.assertNotIn("tab_completion_columns", text)
        return text

    def test_help_prints_the_usage_and_the_commands(self):
        for args in (["--help"], ["help"], []):
            with self.subTest(args=args):
                text = self.help_text(*args)
                self.assertIn("usage: ringlog <command>", text)
                self.assertIn("serve", text)
                self.assertIn("bench", text)

    def test_serve_help_lists_the_flags_of_serve_only(self):
        for args in (["serve", "--help"], ["help", "serve"]):
            with self.subTest(args=args):
                text = self.help_text(*args)
                self.assertIn("usage: ringlog serve", text)
                for flag in ("-listen", "-data_dir", "-backend", "-zero_copy",
                             "-log_segment_bytes", "-group_initial_rebalance_delay_ms"):
                    self.assertIn(flag, text)
                self.assertIn('"127.0.0.1:9092"', text)  # defaults shown
                self.assertIn("host:port to accept Kafka clients on", text)
                for flag in ("-duration", "-repetitions", "-broker_binary"):
                    self.assertNotIn(flag, text)

    def test_bench_help_lists_the_flags_of_bench_only(self):
        for args in (["bench", "--help"], ["help", "bench"]):
            with self.subTest(args=args):
                text = self.help_text(*args)
                self.assertIn("usage: ringlog bench <suite>|all", text)
                for flag in ("-duration", "-repetitions", "-out", "-compression",
                             "-broker_binary", "-backend", "-data_dir"):
                    self.assertIn(flag, text)
                # bench's own defaults of the two flags it shares with serve.
                self.assertIn('default: "all"', text)
                self.assertIn('default: "./ringlog-bench"', text)
                for flag in ("-listen", "-zero_copy", "-log_segment_bytes"):
                    self.assertNotIn(flag, text)

    def test_helpfull_still_lists_every_flag(self):
        result = run("--helpfull")
        text = result.stdout + result.stderr
        self.assertIn("-listen", text)
        self.assertIn("alsologtoemail", text)

    def test_unknown_command_and_flag_are_refused(self):
        result = run("frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", result.stderr)
        result = run("serve", "--no_such_flag=1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no_such_flag", result.stderr)
        result = run("bench", "all", "--no_such_flag=1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no_such_flag", result.stderr)
        result = run("help", "frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", result.stderr)

    def test_a_flag_of_the_other_command_is_refused(self):
        # Refused before anything starts (the bad --listen would stop the old code too).
        result = run("serve", "--duration=1", "--listen=nowhere")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--duration is a flag of bench, not of serve", result.stderr)
        result = run("bench", "all", "--zero_copy=false")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--zero_copy is a flag of serve, not of bench", result.stderr)


if __name__ == "__main__":
    unittest.main()
