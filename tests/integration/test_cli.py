"""The command line of `ringlog` itself: --help lists ringlog's own flags (not every
library's), and an unknown command or flag is refused with a message and a non-zero exit."""

import subprocess
import unittest

from ringlog_fixture import BINARY


def run(*args):
    return subprocess.run([BINARY] + list(args), capture_output=True, timeout=20, text=True)


class CliTest(unittest.TestCase):
    def test_help_lists_ringlogs_flags_only(self):
        for args in (["--help"], ["serve", "--help"], ["bench", "--help"]):
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 0, result.stderr)
                text = result.stdout + result.stderr
                for flag in ("-listen", "-data_dir", "-backend", "-zero_copy", "-duration"):
                    self.assertIn(flag, text)
                self.assertIn("usage: ringlog <command>", text)
                # glog's and gflags' own flags are for --helpfull.
                self.assertNotIn("alsologtoemail", text)
                self.assertNotIn("tab_completion_columns", text)

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


if __name__ == "__main__":
    unittest.main()
