"""Bad configuration of `ringlog serve`: each case exits non-zero at once with a message on
stderr that names the problem, and leaves existing data alone."""

import os
import shutil
import subprocess
import tempfile
import unittest

from ringlog_fixture import BACKEND, BINARY, Broker, free_port

OTHER_BACKEND = {"uring": "rocksdb", "rocksdb": "uring"}[BACKEND]


class BadConfigTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ringlog-badcfg-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def serve(self, *args, data_dir=None, backend=BACKEND):
        command = [BINARY, "serve", "--listen=127.0.0.1:%d" % free_port(),
                   "--data_dir=" + (data_dir or os.path.join(self.dir, "data")),
                   "--backend=" + backend] + list(args)
        return subprocess.run(command, capture_output=True, timeout=20, text=True)

    def assertRefused(self, result, *names):
        """Exit code non-zero, and stderr names each of `names` (a flag may be named by
        the Kafka config it sets: --log_segment_bytes by segment.bytes)."""
        self.assertNotEqual(result.returncode, 0, result.stderr)
        for name in names:
            kafka_name = name.removeprefix("log_").replace("_", ".")
            self.assertTrue(name in result.stderr or kafka_name in result.stderr,
                            "%r not named in: %s" % (name, result.stderr))

    def test_unwritable_data_dir(self):
        blocker = os.path.join(self.dir, "a-file")
        with open(blocker, "w") as f:
            f.write("not a directory")
        self.assertRefused(self.serve(data_dir=os.path.join(blocker, "data")), "a-file")

    def test_nonsense_sizes(self):
        for flag in ("--log_segment_bytes=10", "--log_segment_bytes=-1", "--num_partitions=0",
                     "--socket_request_max_bytes=0", "--log_retention_ms=-7"):
            with self.subTest(flag=flag):
                self.assertRefused(self.serve(flag), flag[2:flag.index("=")])

    def test_unknown_backend_and_bad_listen_address(self):
        self.assertRefused(self.serve(backend="floppy"), "floppy")
        self.assertRefused(self.serve("--listen=nowhere"), "nowhere")

    def test_a_data_dir_of_the_other_backend_is_refused_and_kept(self):
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        other = Broker(backend=OTHER_BACKEND, data_dir=data).start()
        self.assertEqual(other.stop(), 0)
        before = sorted(os.listdir(data))
        self.assertRefused(self.serve(data_dir=data), OTHER_BACKEND)
        self.assertEqual(sorted(os.listdir(data)), before)


if __name__ == "__main__":
    unittest.main()
